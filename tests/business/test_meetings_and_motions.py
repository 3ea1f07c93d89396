"""Meetings and motions over HTTP: the branch meeting of the background story, and the rules
that bind it (notice, quorum, tallies, amendments, minutes)."""

from __future__ import annotations

from tests.business.conftest import attachments_of


async def members(branch, count, prefix="Member", signed_in=1):
    """`count` active members; the first `signed_in` of them signed in."""
    return [await branch.add(f"{prefix} {i:02}", sign_in=i < signed_in) for i in range(count)]


async def general_meeting(branch, days=8, kind="general", as_="Sam Secretary"):
    return await branch.ok("POST", "/api/v1/meetings", as_=as_, json={
        "kind": kind, "starts_at": branch.in_days(days), "place": "Bermondsey Village Hall",
        "agenda": ["Apologies", "Motions on the constitution", "Any other business"]})


async def test_a_branch_meeting_decides_two_counterposed_motions_17_to_10_with_one_abstention(
        branch):
    people = await members(branch, 26)
    chair, secretary = branch.ids["Chris Chair"], branch.ids["Sam Secretary"]
    meeting = await general_meeting(branch)
    assert meeting["notice"]["recipients"] == 28 and meeting["notice"]["sent"] == 28
    assert meeting["notice_problem"] is None
    notice = branch.mailbox.to("member.00@example.org")[-1]
    assert [name for name, _ in attachments_of(notice)] == [f"meeting-{meeting['id']}.ics"]

    welcome = await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
        "title": "Welcome the constitution",
        "text": "This branch welcomes the Steering Committee's decision to introduce a "
                "constitution.", "proposer": people[0], "seconder": people[1]})
    condemn = await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
        "title": "Condemn the dissolution",
        "text": "This branch condemns the undemocratic dissolution of the elected committees.",
        "proposer": people[2], "seconder": people[3], "counterposed_to": welcome["id"]})
    assert condemn["counterposed_with"] == [welcome["id"]]

    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": [chair, secretary, *people]})
    shown = await branch.ok("GET", f"/api/v1/meetings/{meeting['id']}", as_="Member 00")
    assert shown["quorum"]["met"] and shown["decisions"]["motion"] is None

    # Put in order of submission: the second cannot go first.
    early = await branch.call("POST", f"/api/v1/motions/{condemn['id']}/decision",
                              as_="Chris Chair", json={"show_of_hands": {
                                  "in_favour": 17, "against": 10, "abstentions": 1}})
    assert early.code == "not_its_turn" and "standing order 3.2" in early.reason

    await branch.ok("POST", f"/api/v1/motions/{welcome['id']}/decision", as_="Chris Chair",
                    json={"show_of_hands": {"in_favour": 10, "against": 17, "abstentions": 1}})
    decided = await branch.ok("POST", f"/api/v1/motions/{condemn['id']}/decision",
                              as_="Chris Chair", json={"show_of_hands": {
                                  "in_favour": 17, "against": 10, "abstentions": 1}})
    assert decided["result"]["outcome"] == "carried"
    assert decided["result"]["tally"] == {"in_favour": 17, "against": 10, "abstentions": 1}
    assert "standing order 4.1" in decided["result"]["rule"]
    lost = await branch.ok("GET", f"/api/v1/motions/{welcome['id']}", as_="Member 00")
    assert lost["result"]["outcome"] == "lost"


async def submitted(branch, meeting, proposer, seconder, title="Support the strike",
                    text="This branch supports the bin workers' strike."):
    return await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
        "title": title, "text": text, "proposer": proposer, "seconder": seconder})


async def test_an_amendment_is_shown_as_a_diff_and_a_friendly_one_is_accepted_by_the_mover(
        branch):
    people = await members(branch, 8, signed_in=2)
    meeting = await general_meeting(branch)
    motion = await submitted(branch, meeting, people[0], people[1])
    amended = await branch.ok("POST", f"/api/v1/motions/{motion['id']}/amendments",
                              as_="Member 01", json={
        "text": "This branch supports the bin workers' strike and will collect for it."})
    (amendment,) = amended["amendments"]
    assert amendment["diff"] == [
        {"op": "same", "text": "This branch supports the bin workers' "},
        {"op": "removed", "text": "strike."},
        {"op": "added", "text": "strike and will collect for it."}]
    not_mover = await branch.call("POST", f"/api/v1/motions/{motion['id']}/amendments/1/"
                                  "friendly", as_="Member 01", json={})
    assert not_mover.status == 422 and not_mover.code == "not_the_mover"
    accepted = await branch.ok("POST", f"/api/v1/motions/{motion['id']}/amendments/1/friendly",
                               as_="Member 00", json={})
    assert accepted["motion"]["text"].endswith("and will collect for it.")
    assert accepted["amendments"][0]["status"] == "incorporated"


async def test_individual_votes_from_attending_members_are_counted_and_nobody_votes_twice(
        branch):
    people = await members(branch, 8, signed_in=8)
    meeting = await general_meeting(branch)
    motion = await submitted(branch, meeting, people[0], people[1])
    vote = f"/api/v1/motions/{motion['id']}/votes"
    early = await branch.call("POST", vote, as_="Member 00", json={"choice": "for"})
    assert early.code == "meeting_not_started"

    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": people[:6]})
    for n, choice in enumerate(["for", "for", "for", "against", "abstain"]):
        await branch.ok("POST", vote, as_=f"Member {n:02}", json={"choice": choice})
    twice = await branch.call("POST", vote, as_="Member 00", json={"choice": "against"})
    assert twice.code == "already_voted"
    absent = await branch.call("POST", vote, as_="Member 07", json={"choice": "against"})
    assert absent.code == "not_present"
    shown = await branch.ok("GET", f"/api/v1/motions/{motion['id']}", as_="Member 07")
    # how each member voted is kept for the count, not shown
    assert shown["votes_cast"] == {"motion": 5} and "ballots" not in shown
    hands = await branch.call("POST", f"/api/v1/motions/{motion['id']}/decision",
                              as_="Chris Chair", json={"show_of_hands": {
                                  "in_favour": 6, "against": 0, "abstentions": 0}})
    assert hands.code == "votes_already_cast"
    counted = await branch.ok("POST", f"/api/v1/motions/{motion['id']}/decision",
                              as_="Chris Chair", json={})
    assert counted["result"]["outcome"] == "carried"
    assert counted["result"]["tally"] == {"in_favour": 3, "against": 1, "abstentions": 1}
    again = await branch.call("POST", f"/api/v1/motions/{motion['id']}/decision",
                              as_="Chris Chair", json={})
    assert again.code == "already_decided"


async def test_a_tally_larger_than_attendance_or_without_quorum_is_refused_and_changes_nothing(
        branch):
    people = await members(branch, 60)
    meeting = await general_meeting(branch)
    motion = await submitted(branch, meeting, people[0], people[1])
    branch.days_pass(8)
    # 62 members: quorum is the greater of 5 and 10%, so 7.
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": people[:6]})
    decide = f"/api/v1/motions/{motion['id']}/decision"
    before = await branch.state()
    inquorate = await branch.call("POST", decide, as_="Chris Chair", json={
        "show_of_hands": {"in_favour": 4, "against": 1, "abstentions": 0}})
    assert inquorate.code == "quorum"
    assert inquorate.reason == ("standing order 2.1: quorum is the greater of 5 and 10% of "
                                "those entitled to attend, here 7 of 62; 6 were present")
    assert await branch.state() == before
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": people[6:10]})
    before = await branch.state()
    stuffed = await branch.call("POST", decide, as_="Chris Chair", json={
        "show_of_hands": {"in_favour": 9, "against": 2, "abstentions": 0}})
    assert stuffed.code == "tally_exceeds_attendance"
    assert stuffed.reason == "11 votes were counted but only 10 members were present"
    assert await branch.state() == before


async def test_a_meeting_called_with_too_little_notice_refuses_every_decision_and_says_why(
        branch):
    people = await members(branch, 10)
    meeting = await general_meeting(branch, days=30)
    motion = await submitted(branch, meeting, people[0], people[1])
    hasty = await general_meeting(branch, days=2)
    assert hasty["notice_problem"]["code"] == "notice_period"
    late = await branch.call("POST", f"/api/v1/meetings/{hasty['id']}/motions", json={
        "title": "t", "text": "x", "proposer": people[0], "seconder": people[1]})
    assert late.code == "notice_period"
    branch.days_pass(2)
    await branch.ok("POST", f"/api/v1/meetings/{hasty['id']}/attendance", as_="Sam Secretary",
                    json={"present": people})
    shown = await branch.ok("GET", f"/api/v1/meetings/{hasty['id']}", as_="Chris Chair")
    assert shown["quorum"]["met"]
    assert all(r["code"] == "notice_period" and "standing order 1.1" in r["reason"]
               for r in shown["decisions"].values())
    assert motion["meeting"] == meeting["id"]


async def test_minutes_are_approved_at_a_later_meeting_then_locked_and_corrected_by_new_entries(
        branch):
    people = await members(branch, 10)
    first = await general_meeting(branch, days=8)
    second = await general_meeting(branch, days=40)
    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{first['id']}/minutes", as_="Sam Secretary",
                    json={"text": "28 members present. The motion was carried 17-10-1."})
    same = await branch.call("POST", f"/api/v1/meetings/{first['id']}/minutes/approval",
                             as_="Chris Chair", json={"at_meeting": first["id"]})
    assert same.code == "same_meeting"
    branch.days_pass(32)
    for name in ("Chris Chair", "Sam Secretary"):
        await branch.sign_in_again(name)
    await branch.ok("POST", f"/api/v1/meetings/{second['id']}/attendance", as_="Sam Secretary",
                    json={"present": people})
    approved = await branch.ok("POST", f"/api/v1/meetings/{first['id']}/minutes/approval",
                               as_="Chris Chair", json={"at_meeting": second["id"]})
    assert approved["minutes"]["approved_at_meeting"] == str(second["id"])
    locked = await branch.call("POST", f"/api/v1/meetings/{first['id']}/minutes",
                               as_="Sam Secretary", json={"text": "An afterthought."})
    assert locked.code == "minutes_locked"
    corrected = await branch.ok("POST", f"/api/v1/meetings/{first['id']}/minutes",
                                as_="Sam Secretary", json={
        "text": "28 members present. The motion was carried 17-10, with one abstention.",
        "corrects": 1})
    assert [e["number"] for e in corrected["minutes"]["entries"]] == [1, 2]
    assert corrected["minutes"]["entries"][0]["text"].endswith("17-10-1.")
    assert corrected["minutes_as_corrected"][0]["text"].endswith("with one abstention.")


async def test_an_amendment_put_to_the_vote_changes_the_motion_before_the_motion_is_put(branch):
    people = await members(branch, 10)
    meeting = await general_meeting(branch)
    motion = await submitted(branch, meeting, people[0], people[1])
    await branch.ok("POST", f"/api/v1/motions/{motion['id']}/amendments", json={
        "text": "This branch supports the bin workers' strike until it is won.",
        "mover": people[2], "seconder": people[3]})
    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": people})
    decide = f"/api/v1/motions/{motion['id']}/decision"
    first = await branch.call("POST", decide, as_="Chris Chair", json={
        "show_of_hands": {"in_favour": 8, "against": 1, "abstentions": 1}})
    assert first.code == "amendments_pending"
    amended = await branch.ok("POST", decide, as_="Chris Chair", json={
        "amendment": "1", "show_of_hands": {"in_favour": 6, "against": 3, "abstentions": 1}})
    assert amended["amendment_results"][0]["outcome"] == "carried"
    assert amended["motion"]["text"].endswith("until it is won.")
    carried = await branch.ok("POST", decide, as_="Chris Chair", json={
        "show_of_hands": {"in_favour": 8, "against": 1, "abstentions": 1}})
    assert carried["result"]["outcome"] == "carried"


async def test_a_mandate_is_decided_only_by_a_body_the_standing_orders_allow(branch):
    people = await members(branch, 4)
    committee = await general_meeting(branch, days=8, kind="committee")
    refused = await branch.call("POST", f"/api/v1/meetings/{committee['id']}/motions", json={
        "title": "Mandate", "text": "Our delegates support motion 7.", "proposer": people[0],
        "seconder": people[1], "mandate": {"conference": "Conference 2017",
                                           "conference_motion": "Motion 7",
                                           "position": "support"}})
    assert refused.code == "wrong_body"
    assert refused.reason.startswith("standing order 6.3: delegates' mandates may be decided by "
                                     "a general meeting or an annual meeting")


async def pass_on_notices(branch, related):
    waiting = await branch.ok("GET", "/api/v1/notices", as_="Sam Secretary")
    for notice in waiting["notices"]:
        if notice["related"] == related:
            await branch.ok("POST", f"/api/v1/notices/{notice['id']}/passed-on",
                            as_="Sam Secretary")


async def test_without_a_mail_server_notice_counts_from_when_an_officer_passes_it_on(branch):
    await members(branch, 5)
    branch.node.config.smtp = None
    meeting = await general_meeting(branch, days=8)
    assert meeting["notice"]["waiting"] == 7 and meeting["notice"]["sent_at_ms"] is None
    assert meeting["notice_problem"]["reason"].startswith(
        "standing order 1.1: a general meeting needs 7 days' notice (168 h); this one gave 0 h")
    branch.days_pass(2)
    await pass_on_notices(branch, f"meeting:{meeting['id']}")
    shown = await branch.ok("GET", f"/api/v1/meetings/{meeting['id']}", as_="Chris Chair")
    assert shown["notice"]["waiting"] == 0
    assert shown["notice_problem"]["reason"].startswith(
        "standing order 1.1: a general meeting needs 7 days' notice (168 h); this one gave 143 h")
