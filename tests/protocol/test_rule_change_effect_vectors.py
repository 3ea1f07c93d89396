"""A node that takes rule_change_effect.json's entries derives the constitution's history
the vector states (SPEC 5.3, C5.5–C5.8)."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

from groupnet.cli.main import main
from groupnet.cli.setup import create_node
from groupnet.network.node import Node

VECTOR = Path(__file__).resolve().parents[2] / "protocol" / "vectors" / "rule_change_effect.json"


async def test_a_node_fed_the_rule_change_vector_switches_constitution_at_the_instant(tmp_path):
    scenario = json.loads(VECTOR.read_text(encoding="utf-8"))
    expected = scenario["derived"]
    await create_node(tmp_path / "receiver", "Receiver", "http://127.0.0.1:9")
    node = await Node.open(tmp_path / "receiver")
    try:
        for step in scenario["steps"]:
            [result] = await node.ingest([base64.b64decode(step["wire_b64"])], now=step["now"])
            assert (result.status, result.code) == (
                step["expect"]["status"], step["expect"]["code"]), step["description"]
        history = node.state.constitution_history()
        instant = expected["effect_instant"]
        before, after = node.state.constitution_at(instant - 1), node.state.constitution_at(instant)
        assert node.state.state_hash() == scenario["final"]["state_hash"]
    finally:
        await node.close()
    assert [[o.conference, o.rule_change, o.status, o.since]
            for o in history.outcomes] == expected["outcomes"]
    assert [[v.source, v.entry, v.since, v.vote, v.cut]
            for v in history.versions] == expected["versions"]
    notice = {b.id: b.notice_days for b in before.bodies}, {b.id: b.notice_days
                                                           for b in after.bodies}
    assert (notice[0]["national-committee"], notice[1]["national-committee"]) == (7, 3)


async def _fed(directory: Path, scenario: dict) -> None:
    await create_node(directory, "Receiver", "http://127.0.0.1:9")
    node = await Node.open(directory)
    try:
        for step in scenario["steps"]:
            await node.ingest([base64.b64decode(step["wire_b64"])], now=step["now"])
    finally:
        await node.close()


def test_constitution_show_prints_the_one_in_force_and_its_history(tmp_path, capsys):
    scenario = json.loads(VECTOR.read_text(encoding="utf-8"))
    derived = scenario["derived"]
    asyncio.run(_fed(tmp_path / "receiver", scenario))
    capsys.readouterr()
    assert main(["constitution", "show", str(tmp_path / "receiver")]) == 0
    shown = capsys.readouterr().out
    [_, (_, change, since, vote, cut)] = derived["versions"]
    assert shown.startswith(f"the constitution of rule change {change}, in force for entries "
                            "dated from 2026-03-05 00:00 UTC (C5.5)")
    assert f"carried at conference {derived['conference']} by vote {vote} (1550 for, 250 " \
           f"against), final cut {cut}" in shown
    assert "bodies.national-committee.notice_days: 7 -> 3" in shown
    assert "the constitution of rule change" in shown and since == derived["effect_instant"]


RATIFICATION = VECTOR.parent / "rule_change_ratification.json"


def test_a_node_fed_the_ratification_vector_finds_the_change_in_force_from_the_ballot(tmp_path):
    scenario = json.loads(RATIFICATION.read_text(encoding="utf-8"))
    expected = scenario["derived"]

    async def fed() -> tuple[list, list, str]:
        await _fed(tmp_path / "receiver", scenario)
        node = await Node.open(tmp_path / "receiver")
        try:
            history = node.state.constitution_history()
            return history.outcomes, history.versions, node.state.state_hash()
        finally:
            await node.close()

    outcomes, versions, state_hash = asyncio.run(fed())
    assert state_hash == scenario["final"]["state_hash"]
    assert [[o.conference, o.rule_change, o.status, o.since] for o in outcomes] == \
        expected["outcomes"]
    assert [[v.source, v.entry, v.since, v.vote, v.cut, v.ballot] for v in versions] == \
        expected["versions"]
