"""`groupnet bench conference --floor --network`: from a vote's close to its result final on
every node of a running network (SPEC 5.9, F9).

N nodes run in this one process, each a real HTTP server on its own loopback port with its
own SQLite file, formed as `bench propagation` forms them. The conference is set up through
the nodes' own steps: a constitution seating the first group on the arrangements committee,
every group's register commitment, a first conference with one motion per question, every
group's delegate credential. Its weeks pass as in the tests: every clock of the process
moves forward together (`clock.advance_everyone`), and every node signs a witness where the
service would, once the entries are in and once the deadlines have passed.

Then for each question the chair's node puts a motion to a show of hands, every group's node
votes for its delegate, and once every node holds every vote the clock moves to the close.
From that instant the benchmark watches every node until it holds the question's result as
final (a cut cosigned by most participants), and checks the result against the votes cast.
Reference, from the same run: how long the question's `floor.open` took to reach every node.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ... import clock
from ...network import conferences, floor
from ...network.constitution import Founding
from ...network.node import Node
from ...procedure.network.conference_review import review
from ...procedure.network.constitution import DAY_MS, default
from ...procedure.network.floor import CUT_DELAY_MS, Floor
from ...procedure.network.floor_review import question
from ...service import Service
from ...wire.messages import (
    Adoption,
    DelegateCredential,
    DelegateSeat,
    FloorResult,
    Head,
    RegisterCommitment,
    Seat,
    Tally,
    Witness,
)
from ...wire.rejection import Refused
from .propagation import ORDERS, cpu_seconds, form, p99

TARGET_P99_SECONDS = 5.0
MEMBERS_EACH = 140  # 21,000 members over 150 groups: one delegate each
WAIT_SECONDS = 600.0


async def _everywhere(services: list[Service], check: Callable[[Node], bool],
                      what: str, every: float = 0.01) -> float:
    """Wait until `check` holds on every node; the seconds it took. A check that derives a
    review looks `every` second or so: the nodes share this process's CPU."""
    started = time.perf_counter()
    while not all(check(s.node) for s in services):
        if time.perf_counter() - started > WAIT_SECONDS:
            missing = sum(not check(s.node) for s in services)
            raise SystemExit(f"error: {what}: not on {missing} nodes after {WAIT_SECONDS:.0f} s")
        await asyncio.sleep(every)
    return time.perf_counter() - started


async def _witness_everywhere(services: list[Service]) -> None:
    """Every node signs the heads it holds (N5), as its service does when news arrives."""
    async def sign(node: Node) -> None:
        heads = sorted(node.state.heads.items())[:500]
        body = Witness([Head(a, h.seq, h.id) for a, h in heads])  # type: ignore[arg-type]
        with contextlib.suppress(Refused):  # a frozen log takes nothing more
            await node.append("heads.witness", body)

    await asyncio.gather(*(sign(s.node) for s in services))


def _synced(services: list[Service]) -> Callable[[Node], bool]:
    heads: dict[str, int] = {}
    for service in services:  # the furthest any node is with each author
        for author, head in service.node.state.heads.items():
            heads[author] = max(heads.get(author, 0), head.seq)
    return lambda node: all(node.state.head_of(a).seq >= seq for a, seq in heads.items())


async def _settle(services: list[Service], what: str) -> None:
    """Every node holds every entry any node held when asked."""
    took = await _everywhere(services, _synced(services), what)
    print(f"  {what}: on every node after {took:.1f} s", flush=True)


def _founding(services: list[Service]) -> Founding:
    """The founder's constitution: the founder's group sits on the arrangements committee,
    so its node chairs the conference (C5.7)."""
    chair = services[0].node
    return Founding(default(ORDERS), [Seat("arrangements-committee", chair.id, "chair",
                                           "Chair")], interim_days=150)


async def setup(services: list[Service], questions: int) -> tuple[str, list[str]]:
    """A conference at its opening, its agenda final with a motion per question: its id and
    the motions' ids."""
    nodes = [s.node for s in services]
    chair = nodes[0]
    for node in nodes:
        await node.append("register.commitment", RegisterCommitment(
            clock.now_ms(), MEMBERS_EACH, "ab" * 32))
    opens = clock.now_ms() + 60 * DAY_MS
    call = await conferences.call_first(chair, "Benchmark conference", opens,
                                        opens + 2 * DAY_MS)
    await _everywhere(services, lambda n: review(n.state, call.id) is not None, "the call",
                      every=0.5)
    adopted = Adoption("General meeting", "2026-02-01", Tally(20, 4, 1, 30))
    motions = []
    for number in range(questions):
        mover = nodes[(number + 1) % len(nodes)]
        motions.append((await conferences.submit(
            mover, call.id, f"Motion {number + 1}", f"This conference resolves: {number + 1}.",
            "bench", adopted)).id)
    await asyncio.gather(*(node.append("delegate.credential", DelegateCredential(
        call.id, "election 1", [DelegateSeat(f"d{i}", f"Delegate {i}")], []))
        for i, node in enumerate(nodes)))
    await _settle(services, "the motions and credentials")
    await _witness_everywhere(services)  # their arrival, witnessed before the deadlines
    await _settle(services, "the witnesses of the motions and credentials")
    clock.advance_everyone(61 * DAY_MS)  # past the final agenda (day 53) and the opening
    await _witness_everywhere(services)  # the deadlines passed
    await _settle(services, "the witnesses after the deadlines")

    def ready(node: Node) -> bool:
        found = review(node.state, call.id)
        return found is not None and found.agenda.status == "final" and len(
            [c for c in found.credentials if c.status == "accepted"]) == len(nodes)

    await _everywhere(services, ready, "the final agenda with every credential accepted",
                      every=0.5)
    return call.id, motions


def _final(node: Node, open_id: str, participants: int) -> bool:
    """F9, cheaply: one cut cosigned by more than half the participants (every group is one
    here, set up so); the benchmark checks the derived question once all nodes say so."""
    cosigned = Counter(c.cut for c in node.state.rules(Floor).cosigns.get(open_id, {}).values())
    return bool(cosigned) and 2 * max(cosigned.values()) > participants


async def hold(services: list[Service], conference: str, motion: str, number: int,
               chooser: random.Random) -> dict:
    """Put one motion, vote on every node, move the clock to the close, time finality."""
    chair = services[0].node
    opened = await floor.put(chair, conference, floor.PutQuestion(
        item=motion, question="motion", text=f"This conference resolves: {number + 1}.",
        method="hands", minutes=60))  # votes at 150 nodes may take minutes
    reached = await _everywhere(
        services, lambda n: opened.id in n.state.rules(Floor).opens, "the question")
    choices = {s.node.id: ("for" if chooser.random() < 0.6 else "against") for s in services}
    await asyncio.gather(*(floor.vote(s.node, opened.id, f"d{i}", choices[s.node.id])
                           for i, s in enumerate(services)))

    def all_votes(node: Node) -> bool:
        return len(node.state.rules(Floor).votes.get(opened.id, {})) == len(services)

    await _everywhere(services, all_votes, "the votes")
    requests = sum(s.client.requests for s in services)
    cpu = cpu_seconds()
    put_ = chair.state.rules(Floor).opens[opened.id]
    clock.advance_everyone(put_.body.closes - clock.now_ms())
    closed = time.perf_counter()
    finals: dict[int, float] = {}
    cut_at: float | None = None
    while len(finals) < len(services):
        now = time.perf_counter()
        if cut_at is None and any(c.open == opened.id
                                  for c in chair.state.rules(Floor).cuts.values()):
            cut_at = now - closed
        for i, service in enumerate(services):
            if i not in finals and _final(service.node, opened.id, len(services)):
                finals[i] = now - closed
        if now - closed > WAIT_SECONDS:
            raise SystemExit(f"error: question {number + 1} final on {len(finals)} nodes only")
        await asyncio.sleep(0.005)
    spent_cpu = cpu_seconds() - cpu
    await asyncio.sleep(0.5)  # trailing relays, before counting requests
    spent = sum(s.client.requests for s in services) - requests
    in_favour = sum(c == "for" for c in choices.values())
    expected = FloorResult(in_favour, len(services) - in_favour, 0,
                           in_favour > len(services) - in_favour)
    wrong = 0
    for service in services:
        found = question(service.node.state, opened.id)
        assert found is not None
        right = found.final and found.result == expected and found.status == (
            "carried" if expected.carried else "lost")
        wrong += not right
    return {"finals": [finals[i] for i in range(len(services))], "cut": cut_at or 0.0,
            "reached": reached, "requests": spent, "cpu": spent_cpu, "wrong": wrong,
            "status": "carried" if expected.carried else "lost"}


async def bench_floor_network(nodes: int, questions: int) -> int:
    base = Path(tempfile.mkdtemp(prefix=f"groupnet-bench-floor-{nodes}-"))
    services: list[Service] = []
    chooser = random.Random(2026)
    try:
        started, cpu = time.perf_counter(), cpu_seconds()
        services, _ = await form(base, nodes, _founding)
        print(f"{nodes} nodes formed a network in {time.perf_counter() - started:.1f} s, "
              f"{cpu_seconds() - cpu:.1f} s of CPU", flush=True)
        started, cpu = time.perf_counter(), cpu_seconds()
        conference, motions = await setup(services, questions)
        print(f"the conference set up to its opening in {time.perf_counter() - started:.1f} s, "
              f"{cpu_seconds() - cpu:.1f} s of CPU", flush=True)
        rows = []
        for number, motion in enumerate(motions):
            row = await hold(services, conference, motion, number, chooser)
            rows.append(row)
            print(f"question {number + 1}: {row['status']}; cut written "
                  f"{row['cut']:.2f} s after the close; final on every node: median "
                  f"{statistics.median(row['finals']):.2f} s, last {max(row['finals']):.2f} s; "
                  f"{row['requests']} requests, {row['cpu']:.1f} s CPU; the question reached "
                  f"every node in {row['reached']:.2f} s; wrong results: {row['wrong']}",
                  flush=True)
        finals = [t for row in rows for t in row["finals"]]
        wrong = sum(row["wrong"] for row in rows)
        print(f"\n{nodes} nodes, {questions} questions: from the close to the result final, "
              f"over {len(finals)} node-questions: median {statistics.median(finals):.2f} s, "
              f"p99 {p99(finals):.2f} s, max {max(finals):.2f} s "
              f"(target: p99 under {TARGET_P99_SECONDS:.0f} s)")
        cuts = [r["cut"] for r in rows]
        print(f"cut written after the close: median {statistics.median(cuts):.2f} s "
              f"(CUT_DELAY {CUT_DELAY_MS / 1000:.1f} s)")
        print(f"per question, close to final everywhere: median "
              f"{statistics.median(r['requests'] for r in rows):.0f} requests, "
              f"{statistics.median(r['cpu'] for r in rows):.1f} s CPU")
        print(f"reference: a question reached every node in median "
              f"{statistics.median(r['reached'] for r in rows):.2f} s, "
              f"max {max(r['reached'] for r in rows):.2f} s")
        print(f"results: {len(rows) * nodes - wrong} of {len(rows) * nodes} final and equal to "
              f"the votes cast")
        return 1 if wrong else 0
    finally:
        for service in services:
            await service.stop()
            await service.node.close()
        shutil.rmtree(base, ignore_errors=True)
