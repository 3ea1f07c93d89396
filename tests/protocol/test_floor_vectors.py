"""A node that takes floor.json's entries derives the results the vector states (SPEC 5.9)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from groupnet.cli.setup import create_node
from groupnet.network.node import Node
from groupnet.procedure.network.floor_review import floor

VECTOR = Path(__file__).resolve().parents[2] / "protocol" / "vectors" / "floor.json"


async def test_a_node_fed_the_floor_vector_derives_its_final_results(tmp_path):
    scenario = json.loads(VECTOR.read_text(encoding="utf-8"))
    expected = scenario["derived"]
    await create_node(tmp_path / "receiver", "Receiver", "http://127.0.0.1:9")
    node = await Node.open(tmp_path / "receiver")
    try:
        for step in scenario["steps"]:
            [result] = await node.ingest([base64.b64decode(step["wire_b64"])], now=step["now"])
            assert (result.status, result.code) == (
                step["expect"]["status"], step["expect"]["code"]), step["description"]
        found = floor(node.state, expected["conference"])
    finally:
        await node.close()
    assert found.participants == expected["participants"]
    assert [[q.id, q.status, [q.result.for_, q.result.against, q.result.abstain,
                              q.result.carried], q.cut, q.outcome]
            for q in found.questions] == expected["questions"]
