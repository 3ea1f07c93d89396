"""The group's standing orders change only by a rule change carried with notice and two-thirds,
and the coup by email of the background story is refused."""

from __future__ import annotations

from groupnet.procedure.group.standing_orders import GroupStandingOrders, describe
from groupnet.web.api.routes import all_endpoints

LONGER_NOTICE = {"general_meeting_notice_days": 14}


async def members(branch, count):
    return [await branch.add(f"Member {i:02}", sign_in=i == 0) for i in range(count)]


async def call(branch, kind, days, as_="Sam Secretary"):
    return await branch.ok("POST", "/api/v1/meetings", as_=as_, json={
        "kind": kind, "starts_at": branch.in_days(days), "place": "Bermondsey Village Hall",
        "agenda": ["Rule changes"]})


async def rule_change(branch, meeting, proposer, seconder, patch=LONGER_NOTICE):
    return await branch.call("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
        "title": "Three weeks' notice of general meetings",
        "text": "Standing order 1.1 is amended to require 14 days' notice.",
        "proposer": proposer, "seconder": seconder, "kind": "rule_change",
        "rule_patch": patch})


async def test_a_rule_change_is_refused_for_short_notice_then_carried_with_notice_and_two_thirds(
        branch):
    people = await members(branch, 28)
    soon = await call(branch, "general", 8)
    before = await branch.state()
    refused = await rule_change(branch, soon, people[0], people[1])
    assert refused.status == 422 and refused.code == "notice_period"
    assert refused.reason.startswith("standing order 5.1: a rule change needs 28 days' notice "
                                     "before the meeting; this one gave 19")
    assert await branch.state() == before

    later = await call(branch, "general", 29)
    submitted = await rule_change(branch, later, people[0], people[1])
    assert submitted.status == 201, submitted.body

    branch.days_pass(29)
    await branch.sign_in_again("Chris Chair")
    await branch.sign_in_again("Sam Secretary")
    await branch.sign_in_again("Member 00")
    everyone = [branch.ids["Chris Chair"], branch.ids["Sam Secretary"], *people]
    await branch.ok("POST", f"/api/v1/meetings/{later['id']}/attendance", as_="Sam Secretary",
                    json={"present": everyone})
    # 19 of 29 is short of two-thirds by a whisker: the rules, not the chair, say so.
    short = await branch.call("POST", f"/api/v1/motions/{submitted.body['id']}/decision",
                              as_="Chris Chair", json={"show_of_hands": {
                                  "in_favour": 19, "against": 10, "abstentions": 1}})
    assert short.status == 200 and short.body["result"]["outcome"] == "lost"
    assert "standing order 5.2: carried by at least two-thirds of votes cast" in \
        short.body["result"]["rule"]
    rules = await branch.ok("GET", "/api/v1/rules", as_="Member 00")
    assert rules["orders"]["general_meeting_notice_days"] == 7

    again = await call(branch, "general", 29)
    resubmitted = await rule_change(branch, again, people[0], people[1])
    branch.days_pass(29)
    for name in ("Chris Chair", "Sam Secretary", "Member 00"):
        await branch.sign_in_again(name)
    await branch.ok("POST", f"/api/v1/meetings/{again['id']}/attendance", as_="Sam Secretary",
                    json={"present": everyone[:-1]})
    carried = await branch.ok("POST", f"/api/v1/motions/{resubmitted.body['id']}/decision",
                              as_="Chris Chair", json={"show_of_hands": {
                                  "in_favour": 20, "against": 8, "abstentions": 1}})
    assert carried["result"]["outcome"] == "carried"
    rules = await branch.ok("GET", "/api/v1/rules", as_="Member 00")
    assert rules["orders"]["general_meeting_notice_days"] == 14
    assert "SO 1.1  Notice of a general meeting: 14 days" in rules["lines"]
    assert rules["decided_by"] == f"meeting {again['id']}, motion {resubmitted.body['id']}"

    # The new rule binds at once: a general meeting called with 8 days' notice cannot decide.
    next_meeting = await call(branch, "general", 8)
    assert next_meeting["notice_problem"]["code"] == "notice_period"
    assert "standing order 1.1: a general meeting needs 14 days' notice" in \
        next_meeting["notice_problem"]["reason"]


async def test_a_rule_change_proposed_without_notice_and_voted_within_an_hour_by_a_committee_is_refused(  # noqa: E501
        branch):
    # A twelve-person committee: the chair, the secretary and ten more officers.
    committee = [branch.ids["Chris Chair"], branch.ids["Sam Secretary"]]
    for i in range(10):
        committee.append(await branch.add(f"Officer {i:02}", "treasurer"))
    await members(branch, 40)
    rules_before = await branch.ok("GET", "/api/v1/rules", as_="Chris Chair")

    # Called at once, to meet within the hour.
    meeting = await branch.ok("POST", "/api/v1/meetings", as_="Chris Chair", json={
        "kind": "committee", "starts_at": branch.iso(branch.now() + 3_300_000),
        "link": "https://email.example.org/thread/constitution",
        "agenda": ["Dissolve the elected structures and adopt the constitution"]})
    assert meeting["notice_problem"]["reason"] == (
        "standing order 1.2: a committee meeting needs 2 days' notice (48 h); this one gave "
        "0 h, so it may meet but cannot take binding decisions")

    before = await branch.state()
    coup = await branch.call("POST", f"/api/v1/meetings/{meeting['id']}/motions",
                             as_="Chris Chair", json={
        "title": "Dissolve the elected structures",
        "text": "The committee dissolves all elected structures and adopts the constitution.",
        "proposer": committee[0], "seconder": committee[2], "kind": "rule_change",
        "rule_patch": {"motion_bodies": ["committee"], "officer_roles": ["chair"]}})
    assert coup.status == 422 and coup.code == "wrong_body"
    assert coup.reason == (
        "standing order 5.3: rule changes may be decided by a general meeting or an annual "
        "meeting; this was a committee meeting; and standing order 5.1: a rule change needs "
        "28 days' notice before the meeting; this one gave 0 h")
    # Nor as an ordinary motion, and nor by taking away the general meeting's power over
    # the rules: that is entrenched.
    ordinary = await branch.call("POST", f"/api/v1/meetings/{meeting['id']}/motions",
                                 as_="Chris Chair", json={
        "title": "Dissolve the elected structures", "text": "All elected structures are "
        "dissolved.", "proposer": committee[0], "seconder": committee[2]})
    assert ordinary.code == "notice_period" and "standing order 3.1" in ordinary.reason
    entrenched = await branch.call("POST", f"/api/v1/meetings/{meeting['id']}/motions",
                                   as_="Chris Chair", json={
        "title": "The committee decides the rules", "text": "Rules are changed by the "
        "committee.", "proposer": committee[0], "seconder": committee[2],
        "kind": "rule_change", "rule_patch": {"rule_change_bodies": ["committee"]}})
    assert entrenched.code == "entrenched_provision"
    assert await branch.state() == before

    # Within the hour the committee meets, six to four, and still cannot decide anything.
    branch.days_pass(1 / 24)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Chris Chair",
                    json={"present": committee[:10]})
    shown = await branch.ok("GET", f"/api/v1/meetings/{meeting['id']}", as_="Chris Chair")
    assert shown["quorum"]["met"]
    for decision in ("motion", "rule_change", "delegate_election", "mandate"):
        assert shown["decisions"][decision] is not None, decision
    assert shown["decisions"]["rule_change"]["code"] == "wrong_body"
    assert "standing order 1.2" in shown["decisions"]["motion"]["reason"]
    assert shown["motions"] == []
    # There is no other way to change the standing orders: no endpoint writes them.
    assert [(e.method, e.path) for e in all_endpoints() if "/rules" in e.path] == \
        [("GET", "/api/v1/rules")]
    rules_after = await branch.ok("GET", "/api/v1/rules", as_="Chris Chair")
    assert rules_after == rules_before
    assert rules_after["lines"] == describe(GroupStandingOrders())
