"""A motion shared by another group is adopted at our meeting, and our count goes back."""

from __future__ import annotations

from groupnet.network import sharing
from tests.conftest import eventually

from .test_meetings_and_motions import general_meeting, members


async def test_a_shared_motion_adopted_and_carried_at_our_meeting_is_endorsed_with_our_count(
        networked):
    branch, havering = networked
    shared = await sharing.share(
        havering.node, "Keep the delegate conference",
        "This branch calls for the delegate conference to go ahead.", ["democracy"],
        {"meeting": "General meeting", "date": "2017-01-11",
         "tally": {"in_favour": 12, "against": 2, "abstentions": 0, "attendance": 14}})
    await eventually(lambda: shared.id in branch.node.state.motions.motions,
                     what="the shared motion at Southwark")
    people = await members(branch, 26)
    chair, secretary = branch.ids["Chris Chair"], branch.ids["Sam Secretary"]
    meeting = await general_meeting(branch)

    local = await branch.ok("POST", f"/api/v1/network/motions/{shared.id}/adoption",
                            as_="Sam Secretary",
                            json={"meeting": meeting["id"], "proposer": people[0],
                                  "seconder": people[1]})
    assert local["motion"]["title"] == "Keep the delegate conference"
    shown = await branch.ok("GET", f"/api/v1/network/motions/{shared.id}", as_="Member 00")
    assert shown["local_links"] == [{"local_motion": local["id"], "direction": "adopted",
                                     "version": 1, "endorsement": None}]

    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": [chair, secretary, *people]})
    decided = await branch.ok("POST", f"/api/v1/motions/{local['id']}/decision",
                              as_="Chris Chair", json={"show_of_hands": {
                                  "in_favour": 17, "against": 10, "abstentions": 1}})
    assert decided["result"]["outcome"] == "carried"

    def endorsed_at_havering() -> bool:
        motion = havering.node.state.motions.motions[shared.id]
        return any(e.group == branch.node.id for e in motion.endorsements)

    await eventually(endorsed_at_havering, what="Southwark's endorsement at Havering")
    (endorsement,) = havering.node.state.motions.motions[shared.id].endorsements
    tally = endorsement.adoption.tally
    assert (tally.in_favour, tally.against, tally.abstentions, tally.attendance) == (
        17, 10, 1, 28)
    assert endorsement.adoption.meeting == "General meeting"
    shown = await branch.ok("GET", f"/api/v1/network/motions/{shared.id}", as_="Member 00")
    assert shown["local_links"][0]["endorsement"] == endorsement.entry


async def test_our_carried_motion_is_shared_with_its_decision_and_a_lost_one_is_refused(
        networked):
    branch, havering = networked
    people = await members(branch, 26)
    chair, secretary = branch.ids["Chris Chair"], branch.ids["Sam Secretary"]
    meeting = await general_meeting(branch)
    carried, lost = [
        await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
            "title": title, "text": f"{title}.", "proposer": people[i], "seconder": people[i + 1]})
        for i, title in ((0, "Open the register"), (2, "Close the register"))
    ]
    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": [chair, secretary, *people]})
    for motion, hands in ((carried, (20, 5, 3)), (lost, (5, 20, 3))):
        await branch.ok("POST", f"/api/v1/motions/{motion['id']}/decision", as_="Chris Chair",
                        json={"show_of_hands": dict(zip(
                            ("in_favour", "against", "abstentions"), hands, strict=True))})
    refused = await branch.call("POST", f"/api/v1/motions/{lost['id']}/share",
                                as_="Sam Secretary", json={"topics": ["membership"]})
    assert (refused.status, refused.code) == (422, "not_carried")
    written = await branch.ok("POST", f"/api/v1/motions/{carried['id']}/share",
                              as_="Sam Secretary", json={"topics": ["membership"]})
    await eventually(lambda: written["entry"] in havering.node.state.motions.motions,
                     what="the shared motion at Havering")
    version = havering.node.state.motions.motions[written["entry"]].current
    assert version.adopted.tally.in_favour == 20
    assert version.adopted.tally.attendance == 28
    again = await branch.call("POST", f"/api/v1/motions/{carried['id']}/share",
                              as_="Sam Secretary", json={"topics": []})
    assert (again.status, again.code) == (409, "already_linked")
