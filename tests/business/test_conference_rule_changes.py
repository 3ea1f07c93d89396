"""A group submits the rule change its meeting carried, as a TOML of what it changes, and
amends another's; the rules refuse what no conference may do (SPEC 5.3 C5, 5.8 K11, K12)."""

from __future__ import annotations

import asyncio
import json

from groupnet import clock
from groupnet.cli.main import main
from groupnet.network import conferences
from groupnet.procedure.network.constitution import DAY_MS
from tests.conftest import eventually

from .test_conferences import carried_and_lost

GRAB = """
[[bodies]]
id = "national-committee"
powers = ["call-conference", "statement", "amend-constitution"]

[[bodies]]
id = "arrangements-committee"
"""


async def test_a_carried_rule_change_goes_to_the_conference_and_the_agenda_shows_its_changes(
        networked, capsys, tmp_path):
    branch, havering = networked
    opens = clock.now_ms() + 90 * DAY_MS
    called = await branch.ok("POST", "/api/v1/conferences", as_="Sam Secretary", json={
        "basis": "first", "title": "Founding conference", "opens": opens})
    conference = called["entry"]
    carried, lost, caps = await carried_and_lost(branch)
    base = f"/api/v1/conferences/{conference}/rule-changes"

    refused = await branch.call("POST", base, as_="Sam Secretary", json={
        "local_motion": lost["id"], "constitution": "[conference]\nmax_delegates = 4\n"})
    assert (refused.status, refused.code) == (422, "not_carried")
    entrenched = await branch.call("POST", base, as_="Sam Secretary", json={
        "local_motion": carried["id"], "constitution": GRAB})
    assert (entrenched.status, entrenched.code) == (422, "entrenched")
    assert entrenched.reason.startswith("E1:")
    garbled = await branch.call("POST", base, as_="Sam Secretary", json={
        "local_motion": carried["id"], "constitution": "[conference\n"})
    assert (garbled.status, garbled.code) == (400, "bad_constitution")
    unchanged = await branch.call("POST", base, as_="Sam Secretary", json={
        "local_motion": carried["id"], "constitution": "[conference]\nmax_delegates = 6\n"})
    assert (unchanged.status, unchanged.code) == (422, "no_change")
    count = len(branch.node.state.rules(conferences.Conferences).rule_changes)
    assert count == 0  # a refused request changes nothing

    written = await branch.ok("POST", base, as_="Sam Secretary", json={
        "local_motion": carried["id"], "constitution": "[conference]\nmax_delegates = 4\n"})
    again = await branch.call("POST", base, as_="Sam Secretary", json={
        "local_motion": caps["id"], "constitution": "[conference]\nmax_delegates = 3\n"})
    assert (again.status, again.code) == (422, "rule_change_limit")

    await eventually(lambda: written["entry"] in
                     havering.node.state.rules(conferences.Conferences).rule_changes,
                     what="the rule change at Havering")
    at_havering = havering.node.state.rules(conferences.Conferences).rule_changes[
        written["entry"]]
    assert at_havering.body.title == "Rent controls"
    assert at_havering.body.decision.tally.in_favour == 20

    # the same steps from the command line: an amendment to it, from a TOML file
    amendment = tmp_path / "five.toml"
    amendment.write_text("[conference]\nmax_delegates = 5\n", encoding="utf-8")
    capsys.readouterr()
    code = await asyncio.to_thread(main, [
        "conference", "rule-change", str(branch.node.directory), conference[:10],
        "--motion", str(caps["id"]), "--file", str(amendment), "--amends",
        written["entry"][:10]])
    assert code == 0 and "amendment to a rule change" in capsys.readouterr().out

    async def admissible() -> bool:
        listed = await branch.ok("GET", base, as_="Member 00")
        return [r["status"] for r in listed["rule_changes"]] == ["admissible"] and \
            [a["status"] for a in listed["amendments"]] == ["admissible"]

    await eventually(admissible, what="the rule change and its amendment witnessed in time")
    listed = await branch.ok("GET", base, as_="Member 00")
    assert listed["threshold"] == [2, 3] and listed["notice"] == opens - 56 * DAY_MS
    [proposal] = listed["rule_changes"]
    assert proposal["group"]["name"] == "Southwark"
    assert proposal["changes"] == [
        {"field": "conference.max_delegates", "old": 6, "new": 4}]
    [amended] = listed["amendments"]
    assert amended["changes"] == [{"field": "conference.max_delegates", "old": 4, "new": 5}]

    agenda = await branch.ok("GET", f"/api/v1/conferences/{conference}/agenda",
                             as_="Member 00")
    [item] = agenda["rule_changes"]
    assert (item["id"], item["method"], item["threshold"]) == (
        written["entry"], "card vote", [2, 3])
    assert item["amendments"] == [amended["id"]]

    capsys.readouterr()
    code = await asyncio.to_thread(main, ["conference", "agenda", str(branch.node.directory),
                                          conference[:10]])
    printed = capsys.readouterr().out
    assert code == 0 and "card vote, 2/3 needed" in printed
    assert "conference.max_delegates: 6 → 4" in printed
    code = await asyncio.to_thread(main, ["conference", "agenda", str(branch.node.directory),
                                          conference[:10], "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert code == 0 and shown["rule_changes"][0]["groups"][0]["name"] == "Southwark"
