"""A node that takes conference.json's entries derives the statuses the vector states (SPEC 5.8)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from groupnet.cli.setup import create_node
from groupnet.network.node import Node
from groupnet.procedure.network.conference_review import review

VECTOR = Path(__file__).resolve().parents[2] / "protocol" / "vectors" / "conference.json"


async def test_a_node_fed_the_conference_vector_derives_its_agenda_and_statuses(tmp_path):
    scenario = json.loads(VECTOR.read_text(encoding="utf-8"))
    expected = scenario["derived"]
    await create_node(tmp_path / "receiver", "Receiver", "http://127.0.0.1:9")
    node = await Node.open(tmp_path / "receiver")
    try:
        for step in scenario["steps"]:
            await node.ingest([base64.b64decode(step["wire_b64"])], now=step["now"])
        found = review(node.state, expected["conference"])
    finally:
        await node.close()
    assert found.status.status == expected["call"]
    assert found.agenda.status == expected["agenda_status"]
    assert [[i.kind, i.id, i.groups, i.amendments, i.priority]
            for i in found.agenda.items] == expected["agenda"]
    assert {e.group: e.delegates for e in found.entitlements} == expected["entitlements"]
    assert sorted([c.group, c.entry, c.status] for c in found.credentials) == \
        expected["credentials"]
    assert sorted([m.id, m.status] for m in found.motions) == expected["motions"]
    assert sorted([a.id, a.status] for a in found.amendments) == expected["amendments"]
    assert [[c.id, c.status] for c in found.composites] == expected["composites"]
    assert sorted([b.group, b.entry, b.status] for b in found.ballots) == expected["ballots"]
    assert [a.id for a in found.appeals] == expected["appeals"]


RULE_CHANGES = VECTOR.with_name("rule_changes.json")


async def test_a_node_fed_the_rule_changes_vector_puts_them_on_the_agenda_as_it_states(tmp_path):
    scenario = json.loads(RULE_CHANGES.read_text(encoding="utf-8"))
    expected = scenario["derived"]
    await create_node(tmp_path / "receiver", "Receiver", "http://127.0.0.1:9")
    node = await Node.open(tmp_path / "receiver")
    try:
        for step in scenario["steps"]:
            await node.ingest([base64.b64decode(step["wire_b64"])], now=step["now"])
        found = review(node.state, expected["conference"])
    finally:
        await node.close()
    assert found.agenda.status == expected["agenda_status"]
    assert sorted([r.id, r.status] for r in found.rule_changes) == expected["rule_changes"]
    assert sorted([a.id, a.status] for a in found.rule_change_amendments) == \
        expected["rule_change_amendments"]
    assert [[i.id, i.groups, i.threshold, i.method, i.amendments,
             [[c.field, c.old, c.new] for c in i.changes]]
            for i in found.agenda.rule_changes] == expected["agenda_rule_changes"]
