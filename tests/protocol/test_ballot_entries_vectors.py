"""A node fed ballot_entries.json derives the ballot's result the vector states (SPEC 5.10)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from groupnet.cli.setup import create_node
from groupnet.network.node import Node
from groupnet.procedure.network.ballots import Ballots

VECTOR = Path(__file__).resolve().parents[2] / "protocol" / "vectors" / "ballot_entries.json"


async def test_a_node_fed_the_ballot_vector_counts_the_ballot_as_it_states(tmp_path):
    scenario = json.loads(VECTOR.read_text(encoding="utf-8"))
    expected = scenario["derived"]
    await create_node(tmp_path / "receiver", "Receiver", "http://127.0.0.1:9")
    node = await Node.open(tmp_path / "receiver")
    try:
        for step in scenario["steps"]:
            await node.ingest([base64.b64decode(step["wire_b64"])], now=step["now"])
        rules = node.state.rules(Ballots)
        result = rules.result(node.state, expected["ballot"])
    finally:
        await node.close()
    assert result.status == expected["status"] == "counted"
    assert result.counts == expected["counts"] == [[1, 1, 1]]
    assert result.ballots == expected["ballots"] == 3
    assert result.final_cut == expected["final_cut"]
    assert result.participants == expected["participants"]
    assert result.trackers == expected["trackers"]
    assert result.key.public_key.hex() == expected["election_key"]
