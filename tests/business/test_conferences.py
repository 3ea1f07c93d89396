"""A group submits its carried motions to a conference, as they were carried (SPEC 5.8)."""

from __future__ import annotations

import asyncio
import json

import aiohttp
from icalendar import Calendar

from groupnet import clock
from groupnet.cli.main import main
from groupnet.network import conferences
from groupnet.procedure.network.constitution import DAY_MS
from tests.conftest import eventually

from .test_meetings_and_motions import general_meeting, members


async def carried_and_lost(branch) -> tuple[dict, dict, dict]:
    """Three motions of a general meeting: two carried, one lost."""
    people = await members(branch, 26)
    chair, secretary = branch.ids["Chris Chair"], branch.ids["Sam Secretary"]
    meeting = await general_meeting(branch)
    made = [await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
        "title": title, "text": text, "proposer": people[i], "seconder": people[i + 1]})
        for i, (title, text) in enumerate((
            ("Rent controls", "This conference calls for rent controls."),
            ("Close the register", "This conference closes the register."),
            ("Rent caps", "This conference calls for rent caps now.")))]
    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance", as_="Sam Secretary",
                    json={"present": [chair, secretary, *people]})
    for motion, hands in zip(made, ((20, 5, 3), (5, 20, 3), (18, 6, 4)), strict=True):
        await branch.ok("POST", f"/api/v1/motions/{motion['id']}/decision", as_="Chris Chair",
                        json={"show_of_hands": dict(zip(
                            ("in_favour", "against", "abstentions"), hands, strict=True))})
    return made[0], made[1], made[2]


async def test_a_carried_motion_goes_to_the_conference_as_carried_and_a_lost_one_is_refused(
        networked, capsys):
    branch, havering = networked
    opens = clock.now_ms() + 60 * DAY_MS
    called = await branch.ok("POST", "/api/v1/conferences", as_="Sam Secretary", json={
        "basis": "first", "title": "Founding conference", "opens": opens})
    conference = called["entry"]
    short = await branch.call("POST", "/api/v1/conferences", as_="Sam Secretary", json={
        "basis": "first", "opens": clock.now_ms() + 10 * DAY_MS})
    assert (short.status, short.code) == (422, "short_notice")
    assert "56 days" in short.reason

    carried, lost, caps = await carried_and_lost(branch)
    base = f"/api/v1/conferences/{conference}"
    refused = await branch.call("POST", base + "/motions", as_="Sam Secretary",
                                json={"local_motion": lost["id"], "subject": "membership"})
    assert (refused.status, refused.code) == (422, "not_carried")
    assert "K6" in refused.reason
    written = await branch.ok("POST", base + "/motions", as_="Sam Secretary",
                              json={"local_motion": carried["id"], "subject": "housing"})
    again = await branch.call("POST", base + "/motions", as_="Sam Secretary",
                              json={"local_motion": caps["id"], "subject": "housing"})
    assert (again.status, again.code) == (422, "motion_limit")

    await eventually(lambda: written["entry"] in conferences._conferences(havering.node).motions,
                     what="the conference motion at Havering")
    at_havering = havering.node.state.rules(conferences.Conferences).motions[written["entry"]]
    assert (at_havering.body.title, at_havering.body.text) == (
        "Rent controls", "This conference calls for rent controls.")
    tally = at_havering.body.decision.tally
    assert (tally.in_favour, tally.against, tally.abstentions, tally.attendance) == (20, 5, 3, 28)

    # Havering submits a motion of its own; ours amends it with our carried text
    theirs = await conferences.submit(
        havering.node, conference, "Housing", "This conference calls for housing.", "housing",
        at_havering.body.decision)
    await eventually(lambda: theirs.id in conferences._conferences(branch.node).motions,
                     what="Havering's motion at Southwark")
    amended = await branch.ok("POST", base + "/amendments", as_="Sam Secretary",
                              json={"motion": theirs.id, "local_motion": caps["id"]})
    listed = await branch.ok("GET", base + "/amendments", as_="Member 00")
    [amendment] = listed["amendments"]
    assert amendment["id"] == amended["entry"]
    assert amendment["text"] == "This conference calls for rent caps now."
    assert amendment["group"]["name"] == "Southwark"

    async def stands() -> bool:  # once the network has witnessed the call in time (K4)
        return (await branch.ok("GET", base, as_="Member 00"))["status"] == "stands"

    await eventually(stands, what="the call to stand")
    shown = await branch.ok("GET", base, as_="Member 00")
    assert shown["basis"] == "first"
    assert [t["name"] for t in shown["timetable"]][:4] == [
        "rule_changes", "rule_change_amendments", "motions", "amendments"]
    assert shown["timetable"][0]["at"] == opens - 56 * DAY_MS
    assert shown["timetable"][2]["at"] == opens - 28 * DAY_MS

    async def witnessed() -> bool:
        motions = (await branch.ok("GET", base + "/motions", as_="Member 00"))["motions"]
        assert {m["title"] for m in motions} == {"Rent controls", "Housing"}
        return all(m["status"] == "admissible" for m in motions)

    # pending until the other node has witnessed them (well before the deadline)
    await eventually(witnessed, what="both motions witnessed by the motions deadline")
    agenda = await branch.ok("GET", base + "/agenda", as_="Member 00")
    assert agenda["status"] == "preliminary"
    entitled = (await branch.ok("GET", base + "/entitlements", as_="Member 00"))["entitlements"]
    assert {e["group"]["name"]: e["entitled"] for e in entitled} == {
        "Southwark": 0, "Havering": 0}  # neither has committed its register
    listing = await branch.ok("GET", "/api/v1/conferences", as_="Member 00")
    assert [c["id"] for c in listing["conferences"]] == [conference]

    headers = {"Authorization": f"Bearer {branch.tokens['Member 00']}"}
    async with aiohttp.ClientSession() as http, http.get(
            branch.node.config.url + base + "/deadlines.ics", headers=headers) as response:
        assert response.status == 200
        assert response.content_type == "text/calendar"
        feed = Calendar.from_ical(await response.read())
    events = {str(e["summary"]): e for e in feed.walk("VEVENT")}
    deadline = events["Founding conference: Motions deadline"]["dtstart"].dt
    assert int(deadline.timestamp() * 1000) == (opens - 28 * DAY_MS) // 1000 * 1000
    assert len(events) == 9

    capsys.readouterr()
    code = await asyncio.to_thread(main, ["conference", "agenda", str(branch.node.directory),
                                          conference[:10], "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed["status"] == "preliminary"
    assert {i["title"] for i in printed["items"]} == {"Rent controls", "Housing"}


async def test_delegates_elected_to_the_conference_are_credentialed_against_the_entitlement(
        networked):
    branch, havering = networked
    called = await branch.ok("POST", "/api/v1/conferences", as_="Sam Secretary", json={
        "basis": "first", "opens": clock.now_ms() + 60 * DAY_MS})
    conference = called["entry"]
    people = await members(branch, 6)
    chair, secretary = branch.ids["Chris Chair"], branch.ids["Sam Secretary"]
    agm = await branch.ok("POST", "/api/v1/meetings", as_="Sam Secretary", json={
        "kind": "annual", "starts_at": branch.in_days(29), "place": "Trades Hall",
        "agenda": ["Election of delegates"]})
    base = f"/api/v1/meetings/{agm['id']}/elections"
    election = await branch.ok("POST", base, as_="Sam Secretary",
                               json={"conference": conference, "seats": 2})
    other = await branch.ok("POST", base, as_="Sam Secretary",
                            json={"conference": "Another conference", "seats": 1})
    for member_id, name in zip(people[:2], ("Ali", "Ben"), strict=True):
        await branch.ok("POST", f"/api/v1/elections/{election['id']}/nominations",
                        as_="Sam Secretary", json={"candidate": member_id, "display_name": name,
                                                   "nominated_by": people[5]})
        await branch.ok("POST", f"/api/v1/elections/{election['id']}/nominations/{member_id}/"
                        "acceptance", as_="Sam Secretary", json={})
    branch.days_pass(29)
    for name in ("Chris Chair", "Sam Secretary"):
        await branch.sign_in_again(name)
    await branch.ok("POST", f"/api/v1/meetings/{agm['id']}/attendance", as_="Sam Secretary",
                    json={"present": [chair, secretary, *people]})
    for voter in [chair, secretary, *people]:
        await branch.ok("POST", f"/api/v1/elections/{election['id']}/ballots",
                        as_="Sam Secretary", json={"approvals": people[:2], "voter": voter})
    await branch.ok("POST", f"/api/v1/elections/{election['id']}/count", as_="Chris Chair")

    path = f"/api/v1/conferences/{conference}/credentials"
    wrong = await branch.call("POST", path, as_="Sam Secretary",
                              json={"election": other["id"]})
    assert (wrong.status, wrong.code) == (422, "wrong_conference")
    await branch.ok("POST", path, as_="Sam Secretary", json={"election": election["id"]})
    await eventually(lambda: (branch.node.id, conference) in havering.node.state.credentials,
                     what="the credential at Havering")

    async def judged() -> bool:
        listed = (await branch.ok("GET", path, as_="Sam Secretary"))["credentials"]
        return [c["status"] for c in listed] == ["over entitlement"]

    # Southwark committed no register before the call: it is entitled to no delegate
    await eventually(judged, what="the credential judged by its deadline and entitlement")
    [credential] = (await branch.ok("GET", path, as_="Sam Secretary"))["credentials"]
    assert credential["reason"] == ("K5: it names 2 delegates; the group is entitled to 0 (no "
                                    "register commitment published by the call)")
    entitled = (await branch.ok("GET", f"/api/v1/conferences/{conference}/entitlements",
                                as_="Sam Secretary"))["entitlements"]
    [ours] = [e for e in entitled if e["group"]["name"] == "Southwark"]
    assert (ours["entitled"], ours["delegates"], ours["credential_status"]) == (
        0, 2, "over entitlement")
