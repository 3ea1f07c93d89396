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

from groupnet import config
from groupnet.cli import vectors
from groupnet.cli.setup import create_node
from groupnet.network import joining, verify
from groupnet.network.node import RETRY_LATER, Node
from groupnet.procedure.network import NetworkState
from groupnet.wire import crypto, messages
from groupnet.wire.messages import Admit, Entry, MotionRef, MotionReply, MotionShared, Profile
from groupnet.wire.rejection import Refused

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


async def test_verify_finds_nothing_wrong_with_entries_that_wait_after_a_fork(fresh_nodes):
    """`groupnet verify` re-proves a node that holds entries a freeze left waiting."""
    steps = json.loads((VECTORS / "forks_high_first.json").read_text())["steps"]
    node = await Node.open(fresh_nodes())
    try:
        for step in steps:
            await node.ingest([base64.b64decode(step["wire_b64"])], now=NOW)
        async with node.db.execute(
            "SELECT rx, author, seq, id, kind, raw FROM entries ORDER BY rx"
        ) as cursor:
            rows = await cursor.fetchall()
        async with node.db.execute("SELECT id, author, seq, raw FROM forks") as cursor:
            fork_rows = await cursor.fetchall()
        problems, state = verify.check_rows(rows, fork_rows)
        assert problems == []
        assert state.state_hash() == node.state.state_hash()
    finally:
        await node.close()


def _waits(directory: Path) -> dict[str, vectors.Signed]:
    """Entries after which the node in `directory` (as "third") holds its own entry waiting.

    Second admits fourth at its seq 2, then signs another seq 2: frozen below the
    admission, fourth is no member, so fourth's motion waits, and third's reply to it
    (citing fourth's seq 1) waits for the motion. Third itself stays a member.
    """
    s = vectors.Scenario("own entry waits", "")
    s.keys["third"] = crypto.load_key(directory / config.KEY_FILE)  # the node itself
    founder, second, third, fourth = (s.log(n) for n in ("founder", "second", "third",
                                                          "fourth"))
    e = {"charter": s.charter("founder")}
    e["admit second"] = founder.next("node.admit", Admit(second.id, "second",
                                                         "https://second.org"),
                                     seq=2, prev=e["charter"].id)
    e["admit third"] = founder.next("node.admit", Admit(third.id, "third", "https://third.org"),
                                    seq=3, prev=e["admit second"].id)
    e["one"] = second.next("group.profile", Profile(name="Second"), seq=1, prev=None)
    e["admit fourth"] = second.next("node.admit", Admit(fourth.id, "fourth",
                                                        "https://fourth.org"),
                                    seq=2, prev=e["one"].id)
    e["shared"] = fourth.next("motion.shared", MotionShared("A motion", "Text.", [], None, ""),
                              seq=1, prev=None)
    e["reply"] = third.next("motion.reply", MotionReply(MotionRef(fourth.id, e["shared"].id, 1),
                                                        "Yes."), seq=1, prev=None)
    e["other two"] = second.next("group.profile", Profile(name="Second", area="x"), seq=2,
                                 prev=e["one"].id)
    e["readmit fourth"] = founder.next("node.admit", Admit(fourth.id, "fourth",
                                                           "https://fourth.org"),
                                       seq=4, prev=e["admit third"].id)
    e["fourth's other one"] = fourth.next("group.profile", Profile(name="Fourth"), seq=1,
                                          prev=None)
    return e


async def _node_with_its_own_entry_waiting(directory: Path) -> tuple[Node, dict]:
    entries = _waits(directory)
    node = await Node.open(directory)
    names = ["charter", "admit second", "admit third", "one", "admit fourth", "shared", "reply",
             "other two"]
    results = await node.ingest([entries[n].raw for n in names], now=NOW)
    assert [r.status for r in results] == ["accepted"] * 7 + ["fork"]
    assert node.state.is_member(node.id)
    assert [e.id for e in node.state.waiting()] == [entries["shared"].id, entries["reply"].id]
    return node, entries


async def test_a_node_whose_own_entry_waits_writes_nothing_until_it_counts(fresh_nodes):
    """Its next seq is held already: signing it again would be an equivocation (SPEC 3.3)."""
    node, entries = await _node_with_its_own_entry_waiting(fresh_nodes())
    try:
        with pytest.raises(Refused) as refused:
            await joining.set_profile(node, {"area": "anything"})
        assert refused.value.rejection.code == "missing_dependency"
        assert (await node.entry(entries["reply"].id)) is not None  # held, untouched
        [readmitted] = await node.ingest([entries["readmit fourth"].raw], now=NOW)
        assert readmitted.status == "accepted" and node.state.waiting() == []
        entry = await joining.set_profile(node, {"area": "now it can"})
        assert entry.seq == 2
    finally:
        await node.close()


async def test_another_entry_at_the_seq_of_a_waiting_one_is_a_fork(fresh_nodes):
    node, entries = await _node_with_its_own_entry_waiting(fresh_nodes())
    try:
        [result] = await node.ingest([entries["fourth's other one"].raw], now=NOW)
        assert (result.status, result.code) == ("fork", "equivocation")
        fourth = entries["shared"].author
        assert node.state.frozen[fourth] == 1
        # the reply cites a seq of fourth's log that the freeze removed: void, so it counts
        assert node.state.waiting() == [] and node.state.head_of(node.id).seq == 1
    finally:
        await node.close()
