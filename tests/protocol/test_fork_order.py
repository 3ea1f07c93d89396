"""Forks give the same state whatever order their entries arrive in (SPEC 3.3).

DESIGN invariant 1: two honest nodes that hold the same messages compute the
same state hash. An author that forks at seq 5 and at seq 3 used to leave a node
that saw the seq-5 fork first with both forks in its state, and a node that saw
the seq-3 fork first with one (it refused the seq-5 entries as `equivocated`).
The entries here are those of protocol/vectors/forks_*.json.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
from pathlib import Path

import pytest

from groupnet import messages
from groupnet.cli import create_node
from groupnet.messages import Entry
from groupnet.node import RETRY_LATER, Node
from groupnet.procedure.network import NetworkState

from ..federation.wire import api, push

VECTORS = Path(__file__).resolve().parents[2] / "protocol" / "vectors"
NOW = 1_767_229_200_000


def _entries() -> dict[str, Entry]:
    """The entries of the two-forks scenario, by a short name."""
    steps = json.loads((VECTORS / "forks_high_first.json").read_text())["steps"]
    names = ["charter", "admit second", "one", "shared", "3a", "4", "5a", "third", "reply",
             "5b", "3b", "3c"]
    entries = {}
    for name, step in zip(names, steps, strict=False):
        entry = messages.parse(base64.b64decode(step["wire_b64"]))
        assert isinstance(entry, Entry)
        entries[name] = entry
    entries["readmit"] = messages.parse(base64.b64decode(steps[-2]["wire_b64"]))
    entries["6"] = messages.parse(base64.b64decode(steps[-1]["wire_b64"]))
    assert (entries["3a"].seq, entries["3c"].seq, entries["5b"].seq, entries["6"].seq) == \
        (3, 3, 5, 6)
    return entries


ENTRIES = _entries()
FORK_ENTRIES = ["3a", "3b", "3c", "5a", "5b"]


def test_the_fork_recorded_is_the_same_in_every_order_the_proofs_are_found():
    """The pure rules: any order of fork reports, then the same fold, gives one state."""
    e = ENTRIES
    reports = [("5", e["5a"], e["5b"]), ("3", e["3a"], e["3b"]), ("3", e["3b"], e["3c"]),
               ("3", e["3c"], e["3a"])]
    counted = [e[n] for n in ("charter", "admit second", "one", "shared", "3a", "4", "5a",
                              "third", "reply", "readmit")]
    hashes = set()
    for order in itertools.permutations(reports):
        state = NetworkState()
        for _, held, other in order:
            state.record_fork(held.author, held.seq, held.id, other.id)
        for entry in counted:
            state.fold(entry)
        assert [(f.seq, f.first, f.second) for f in state.forks] == \
            [(3, *sorted([e["3a"].id, e["3b"].id, e["3c"].id])[:2])]
        hashes.add(state.state_hash())
    assert len(hashes) == 1


def orders() -> list[list[str]]:
    """Every order of the five fork entries, woven into the others at fixed places."""
    others = ["4", "third", "reply", "readmit", "6"]
    return [
        ["charter", "admit second", "one", "shared"]
        + [name for pair in zip(forks, others, strict=True) for name in pair]
        for forks in itertools.permutations(FORK_ENTRIES)
    ]


async def deliver(node: Node, names: list[str]) -> None:
    """Offer entries in this order, then again those that may pass later, until none does."""
    waiting = [ENTRIES[name].raw for name in names]
    while waiting:
        later = []
        for raw in waiting:
            [result] = await node.ingest([raw], now=NOW)
            if result.code in RETRY_LATER:
                later.append(raw)
        if len(later) == len(waiting):
            break
        waiting = later


@pytest.fixture
async def fresh_nodes(tmp_path):
    """A fresh receiver per call, copied from one made once (making keys is slow)."""
    template = tmp_path / "template"
    await create_node(template, "Receiver", "http://127.0.0.1:9")
    made = itertools.count()

    def fresh() -> Path:
        directory = tmp_path / f"receiver-{next(made)}"
        shutil.copytree(template, directory)
        return directory

    return fresh


async def test_every_order_of_two_forks_gives_one_state_on_a_node(fresh_nodes):
    """120 orders of the fork entries, through a node's real decision and storage."""
    outcomes = set()
    for names in orders():
        node = await Node.open(fresh_nodes())
        try:
            await deliver(node, names)
            outcomes.add((node.state.state_hash(), json.dumps(node.heads())))
        finally:
            await node.close()
    final = json.loads((VECTORS / "forks_high_first.json").read_text())["final"]
    assert outcomes == {(final["state_hash"], json.dumps(final["heads"]))}


async def test_real_nodes_given_the_entries_in_different_orders_over_http_agree(cluster):
    """Four running nodes, each sent the same entries in another order through its inbox."""
    chosen = orders()
    sequences = [
        chosen[0],  # the fork at 3 found first (3a, 3b, then 3c)
        chosen[-1],  # the fork at 5 found first (5b, 5a), then the one at 3
        list(reversed(chosen[40])),  # everything backwards: gaps and waits everywhere
        chosen[77],
    ]
    services = [await cluster.add(f"Receiver {n}") for n in range(len(sequences))]
    for service in services:  # the scenario's members live at example.org: not on this net
        cluster.fences[service.node.config.url].add("https://")
    for service, names in zip(services, sequences, strict=True):
        waiting = [ENTRIES[name].raw for name in names]
        while waiting:
            later = []
            for raw in waiting:
                [result] = await push(service.node.config.url, raw)
                if result.get("code") in RETRY_LATER:
                    later.append(raw)
            if len(later) == len(waiting):
                break
            waiting = later
    hashes = []
    for service, token in zip(services, cluster.tokens, strict=True):
        status, answer = await api("GET", service.node.config.url + "/api/v1/node", token)
        assert status == 200, answer
        hashes.append(answer["state_hash"])
    final = json.loads((VECTORS / "forks_high_first.json").read_text())["final"]
    assert hashes == [final["state_hash"]] * len(sequences)
