"""A node that takes floor.json's entries derives the results the vector states (SPEC 5.9)."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import pytest

from groupnet.cli.setup import create_node
from groupnet.network.node import Node
from groupnet.procedure.network.floor_review import floor
from groupnet.procedure.network.state import NetworkState
from groupnet.wire import messages

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


def _accepted_entries(scenario: dict) -> list[messages.Entry]:
    out = []
    for step in scenario["steps"]:
        if step["expect"]["status"] == "accepted":
            entry = messages.parse(base64.b64decode(step["wire_b64"]))
            assert isinstance(entry, messages.Entry)
            out.append(entry)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_the_floor_vector_folds_to_one_state_in_any_order(seed):
    """Verdicts never depend on arrival order (DESIGN invariant 1): the vector's accepted
    entries, a certificate among them (F11), folded shuffled, wait where they do not fit
    yet and give the same state hash and the same results as in the vector's order."""
    scenario = json.loads(VECTOR.read_text(encoding="utf-8"))
    entries = _accepted_entries(scenario)
    assert any(e.kind == "floor.certificate" for e in entries)

    def folded(order: list[messages.Entry]) -> NetworkState:
        """A receiver offered the entries in `order`, offering again, in the same order,
        each one refused for now, until nothing more fits (SPEC 8, "later?")."""
        state, waiting = NetworkState(), list(order)
        while True:
            fits = [e for e in waiting if e.seq == state.head_of(e.author).seq + 1
                    and state.check(e) is None]
            if not fits:
                return state
            state.apply(fits[0])
            waiting.remove(fits[0])

    expected = folded(entries)
    shuffled = list(entries)
    random.Random(seed).shuffle(shuffled)
    state = folded(shuffled)
    assert state.counted == expected.counted == len(entries)
    assert state.state_hash() == expected.state_hash()
    conference = scenario["derived"]["conference"]
    assert [(q.id, q.status, q.result, q.cut) for q in floor(state, conference).questions] == \
        [(q.id, q.status, q.result, q.cut) for q in floor(expected, conference).questions]
