"""`groupnet bench conference --floor --network`: from a vote's close to its result final on
every node of a running network (SPEC 5.9, F9).

N nodes run in worker processes, one per core by default (`--processes`; node i in worker
i mod W, see `cluster.py`), each a real HTTP server on its own loopback port with its own
SQLite file, formed as `bench propagation` forms them. The conference is set up through
the nodes' own steps: a constitution seating the first group on the arrangements committee,
every group's register commitment, a first conference with one motion per question, every
group's delegate credential. Its weeks pass as in the tests: every clock of every worker
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
from typing import Any

from ... import clock
from ...network import conferences, floor
from ...network.constitution import Founding
from ...network.node import Node
from ...procedure.network.conference_review import review
from ...procedure.network.constitution import DAY_MS, default
from ...procedure.network.floor import CUT_DELAY_MS, Floor
from ...procedure.network.floor_review import question
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
from .cluster import Cluster, Worker
from .propagation import ORDERS, cluster_cpu, form_spread, p99

TARGET_P99_SECONDS = 5.0
MEMBERS_EACH = 140  # 21,000 members over 150 groups: one delegate each
WAIT_SECONDS = 600.0


# -- in each worker: its nodes' steps and checks -------------------------------------------


def _local(worker: Worker) -> list[tuple[int, Node]]:
    return [(i, s.node) for i, s in sorted(worker.services.items())]


async def worker_commit(worker: Worker, members: int) -> None:
    for _, node in _local(worker):
        await node.append("register.commitment", RegisterCommitment(
            clock.now_ms(), members, "ab" * 32))


async def worker_call(worker: Worker, index: int, days: int) -> str:
    opens = clock.now_ms() + days * DAY_MS
    call = await conferences.call_first(worker.services[index].node, "Benchmark conference",
                                        opens, opens + 2 * DAY_MS)
    return call.id


async def worker_submit(worker: Worker, index: int, conference: str, number: int) -> str:
    adopted = Adoption("General meeting", "2026-02-01", Tally(20, 4, 1, 30))
    entry = await conferences.submit(
        worker.services[index].node, conference, f"Motion {number + 1}",
        f"This conference resolves: {number + 1}.", "bench", adopted)
    return entry.id


async def worker_credentials(worker: Worker, conference: str) -> None:
    await asyncio.gather(*(node.append("delegate.credential", DelegateCredential(
        conference, "election 1", [DelegateSeat(f"d{i}", f"Delegate {i}")], []))
        for i, node in _local(worker)))


async def worker_heads(worker: Worker) -> dict[str, int]:
    """The furthest seq any node here holds of each author."""
    heads: dict[str, int] = {}
    for _, node in _local(worker):
        for author, head in node.state.heads.items():
            heads[author] = max(heads.get(author, 0), head.seq)
    return heads


async def worker_witness(worker: Worker) -> None:
    """Every node signs the heads it holds (N5), as its service does when news arrives."""
    async def sign(node: Node) -> None:
        heads = sorted(node.state.heads.items())[:500]
        body = Witness([Head(a, h.seq, h.id) for a, h in heads])  # type: ignore[arg-type]
        with contextlib.suppress(Refused):  # a frozen log takes nothing more
            await node.append("heads.witness", body)

    await asyncio.gather(*(sign(node) for _, node in _local(worker)))


async def worker_advance(worker: Worker, ms: int) -> None:
    clock.advance_everyone(ms)


async def worker_advance_to(worker: Worker, ts: int) -> None:
    clock.advance_everyone(max(0, ts - clock.now_ms()))


def _check(what: str, params: dict) -> Callable[[Node], bool]:
    """What `worker_wait` waits for on each node."""
    if what == "call":
        return lambda n: review(n.state, params["conference"]) is not None
    if what == "synced":
        heads = params["heads"]
        return lambda n: all(n.state.head_of(a).seq >= seq for a, seq in heads.items())
    if what == "ready":
        def ready(node: Node) -> bool:
            found = review(node.state, params["conference"])
            return found is not None and found.agenda.status == "final" and len(
                [c for c in found.credentials if c.status == "accepted"]) == params["total"]
        return ready
    if what == "opened":
        return lambda n: params["open"] in n.state.rules(Floor).opens
    if what == "votes":
        return lambda n: len(n.state.rules(Floor).votes.get(params["open"], {})) == \
            params["total"]
    raise ValueError(f"nothing to wait for called {what}")


async def worker_wait(worker: Worker, what: str, every: float = 0.01,
                      **params: Any) -> float:
    """Wait until `what` holds on every node here: the monotonic time it did."""
    return await worker.until(_check(what, params), what, every, WAIT_SECONDS)


async def worker_put(worker: Worker, index: int, conference: str, motion: str,
                     number: int) -> list[Any]:
    """The chair's node puts motion `motion` to a show of hands: [its id, its close]."""
    node = worker.services[index].node
    opened = await floor.put(node, conference, floor.PutQuestion(
        item=motion, question="motion", text=f"This conference resolves: {number + 1}.",
        method="hands", minutes=60))  # votes at 150 nodes may take minutes
    return [opened.id, node.state.rules(Floor).opens[opened.id].body.closes]


async def worker_vote(worker: Worker, open_id: str, choices: dict[str, str]) -> None:
    await asyncio.gather(*(floor.vote(node, open_id, f"d{i}", choices[str(i)])
                           for i, node in _local(worker)))


def _final(node: Node, open_id: str, participants: int) -> bool:
    """F9, cheaply: one cut cosigned by more than half the participants (every group is one
    here, set up so); the benchmark checks the derived question once all nodes say so."""
    cosigned = Counter(node.state.rules(Floor).cosigned(open_id).values())
    return bool(cosigned) and 2 * max(cosigned.values()) > participants


async def worker_finals(worker: Worker, open_id: str, participants: int,
                        chair: int) -> dict[str, Any]:
    """The monotonic time each node here first held the question's result as final, and
    when the chair's node (if here) held its own cut; looked every 5 ms."""
    finals: dict[str, float] = {}
    cut_at: float | None = None
    local = _local(worker)
    started = time.monotonic()
    while len(finals) < len(local):
        now = time.monotonic()
        if cut_at is None and chair in worker.services and any(
                c.open == open_id for c in worker.services[chair].node.state.rules(
                    Floor).cuts.values()):
            cut_at = now
        for i, node in local:
            if str(i) not in finals and _final(node, open_id, participants):
                finals[str(i)] = now
        if now - started > WAIT_SECONDS:
            raise SystemExit(f"final on {len(finals)} of {len(local)} nodes only")
        await asyncio.sleep(0.005)
    return {"finals": finals, "cut": cut_at}


async def worker_wrong(worker: Worker, open_id: str, in_favour: int, total: int) -> int:
    """How many nodes here derive a result other than the votes cast, or not final."""
    expected = FloorResult(in_favour, total - in_favour, 0, in_favour > total - in_favour)
    wrong = 0
    for _, node in _local(worker):
        found = question(node.state, open_id)
        wrong += not (found is not None and found.final and found.result == expected
                      and found.status == ("carried" if expected.carried else "lost"))
    return wrong


def _founding(nodes: list[str]) -> Founding:
    """The founder's constitution: the founder's group sits on the arrangements committee,
    so its node (the first) chairs the conference (C5.7)."""
    return Founding(default(ORDERS), [Seat("arrangements-committee", nodes[0], "chair",
                                           "Chair")], interim_days=150)

# -- the benchmark -------------------------------------------------------------------------


async def _settle(cluster: Cluster, what: str) -> None:
    """Every node holds every entry any node held when asked."""
    heads: dict[str, int] = {}
    for part in await cluster.each("floor_network.heads"):
        for author, seq in part.items():
            heads[author] = max(heads.get(author, 0), seq)
    started = time.monotonic()
    done = await cluster.each("floor_network.wait", what="synced", heads=heads)
    print(f"  {what}: on every node after {max(done) - started:.1f} s", flush=True)


async def setup(cluster: Cluster, nodes: int, questions: int) -> tuple[str, list[str]]:
    """A conference at its opening, its agenda final with a motion per question: its id and
    the motions' ids."""
    await cluster.each("floor_network.commit", members=MEMBERS_EACH)
    conference = await cluster.call(0, "floor_network.call", index=0, days=60)
    await cluster.each("floor_network.wait", what="call", conference=conference, every=0.5)
    motions = []
    for number in range(questions):
        mover = (number + 1) % nodes
        motions.append(await cluster.call(cluster.worker_of(mover), "floor_network.submit",
                                          index=mover, conference=conference, number=number))
    await cluster.each("floor_network.credentials", conference=conference)
    await _settle(cluster, "the motions and credentials")
    await cluster.each("floor_network.witness")  # their arrival, witnessed before the deadlines
    await _settle(cluster, "the witnesses of the motions and credentials")
    # past the final agenda (day 53) and the opening
    await cluster.each("floor_network.advance", ms=61 * DAY_MS)
    await cluster.each("floor_network.witness")  # the deadlines passed
    await _settle(cluster, "the witnesses after the deadlines")
    await cluster.each("floor_network.wait", what="ready", conference=conference,
                       total=nodes, every=0.5)
    return conference, motions


async def hold(cluster: Cluster, nodes: int, conference: str, motion: str, number: int,
               chooser: random.Random) -> dict:
    """Put one motion, vote on every node, move the clock to the close, time finality."""
    started = time.monotonic()
    opened, closes = await cluster.call(0, "floor_network.put", index=0,
                                        conference=conference, motion=motion, number=number)
    reached = max(await cluster.each("floor_network.wait", what="opened", open=opened))
    choices = {str(i): ("for" if chooser.random() < 0.6 else "against") for i in range(nodes)}
    await cluster.each("floor_network.vote", open_id=opened, choices=choices)
    await cluster.each("floor_network.wait", what="votes", open=opened, total=nodes)
    before = await cluster.each("cost")
    requests = sum(c["requests"] for c in before)
    failed = sum(c["failed"] for c in before)
    cpu = await cluster_cpu(cluster)
    closed = time.monotonic()
    await cluster.each("floor_network.advance_to", ts=closes)
    finals: dict[str, float] = {}
    cut_at: float | None = None
    for part in await cluster.each("floor_network.finals", open_id=opened,
                                   participants=nodes, chair=0):
        finals.update(part["finals"])
        cut_at = part["cut"] if part["cut"] is not None else cut_at
    spent_cpu = await cluster_cpu(cluster) - cpu
    await asyncio.sleep(0.5)  # trailing relays, before counting requests
    after = await cluster.each("cost")
    spent = sum(c["requests"] for c in after) - requests
    failed = sum(c["failed"] for c in after) - failed
    in_favour = sum(c == "for" for c in choices.values())
    wrong = sum(await cluster.each("floor_network.wrong", open_id=opened,
                                   in_favour=in_favour, total=nodes))
    return {"finals": [finals[str(i)] - closed for i in range(nodes)],
            "cut": (cut_at - closed) if cut_at is not None else 0.0,
            "reached": reached - started, "requests": spent, "failed": failed, "cpu": spent_cpu,
            "wrong": wrong, "status": "carried" if 2 * in_favour > nodes else "lost"}


async def bench_floor_network(nodes: int, questions: int, processes: int) -> int:
    base = Path(tempfile.mkdtemp(prefix=f"groupnet-bench-floor-{nodes}-"))
    chooser = random.Random(2026)
    cluster = await Cluster.start(min(processes, nodes))
    try:
        started, cpu = time.perf_counter(), await cluster_cpu(cluster)
        await form_spread(base, nodes, cluster, _founding)
        print(f"{nodes} nodes formed a network in {time.perf_counter() - started:.1f} s, "
              f"{await cluster_cpu(cluster) - cpu:.1f} s of CPU ({cluster.workers} worker "
              f"process(es), node i in worker i mod {cluster.workers})", flush=True)
        started, cpu = time.perf_counter(), await cluster_cpu(cluster)
        conference, motions = await setup(cluster, nodes, questions)
        print(f"the conference set up to its opening in {time.perf_counter() - started:.1f} s, "
              f"{await cluster_cpu(cluster) - cpu:.1f} s of CPU", flush=True)
        rows = []
        for number, motion in enumerate(motions):
            row = await hold(cluster, nodes, conference, motion, number, chooser)
            rows.append(row)
            print(f"question {number + 1}: {row['status']}; cut written "
                  f"{row['cut']:.2f} s after the close; final on every node: median "
                  f"{statistics.median(row['finals']):.2f} s, last {max(row['finals']):.2f} s; "
                  f"{row['requests']} requests ({row['failed']} pushes failed), "
                  f"{row['cpu']:.1f} s CPU; the question reached "
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
        await cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
