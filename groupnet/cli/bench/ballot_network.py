"""`groupnet bench ballot`: a member ballot across a network, from the call to the count.

N nodes run in worker processes, one per core by default (`--processes`; node i in worker i
mod W, see `cluster.py`), each a real HTTP server on its own loopback port with its own
SQLite file, formed as `bench propagation` forms them, founded under a constitution whose
national committee may call ballots, its first two groups seated on it. V voters are spread
over the groups, each group committing its number of members. Then, through the steps a
user takes: the committee's meeting decides to call the ballot and the founder's node calls
it over its HTTP API; five trustees (three to decrypt) make the election key by the command
line's steps (key, deal, check, extract), their secrets in files; every group lists its
voters' public credentials over HTTP; every voter casts one yes/no/abstain ballot, made on
their "device" (before the clock starts), through their group's node's HTTP API. After the
close the caller's node writes the cut and every participant's node cosigns it by itself;
three trustees publish their partial decryptions, and every node derives the count.

Weeks pass by moving every clock of every worker forward together, as the tests do; the
network's witnesses are signed in rounds the benchmark starts on every node (the same round
the witness loop runs) so that every deadline is decided by witnessed time without a
witness every second from every node.

Every node checks every ballot on arrival, so the figures are: the CPU every process spent
during the voting window and after the close, the ballots checked per CPU-second beside the
one-core rate of `ballot-verify`'s check on the same ballots in the same run, each node's
CPU in its rules (median and max), the time from the close to the count on every node, the
requests, and the result, which must equal the votes cast.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import aiohttp
import msgspec

from ... import clock
from ...config import NodeConfig
from ...network import node as network_node
from ...network.constitution import Founding
from ...network.node import Node
from ...procedure.ballots import ballot as ballots_ballot
from ...procedure.network.ballots import Ballots, election
from ...procedure.network.constitution import DAY_MS, default
from ...service import Service
from ...wire.messages import BodyItem, BodyMeeting, BodyVote, EntryRef, RegisterCommitment, Seat
from .. import ballots as cli_ballots
from .ballots import check_rate
from .cluster import Cluster, Worker
from .propagation import ORDERS, cluster_cpu, form_spread, p99

HOUR = 3_600_000
TRUSTEES = 5
THRESHOLD = 3
CHOICES = ("yes", "no", "abstain")
# credentials one request lists at most (the API's limit)
ENROL_BATCH = 900
# casts in flight at once, over all groups' nodes
CASTING_AT_ONCE = 16
# full-size figures the estimate is made for
FULL_NODES, FULL_VOTERS = 150, 21_000
_SEED = b"groupnet bench ballot\n"
# a node's anti-entropy interval as deployed (node.toml's default)
DEPLOYED_SYNC_SECONDS = NodeConfig("", "").sync_interval_seconds
# how long a worker waits for what every node is to reach
WAIT_SECONDS = 1800.0


def add_ballot_parser(kinds: argparse._SubParsersAction, handler: Callable) -> None:
    p = kinds.add_parser(
        "ballot", help="a member ballot across N nodes and V voters, call to count",
        description="N nodes in worker processes on loopback ports form a network; V voters "
        "in its groups enrol and cast one yes/no/abstain ballot each through their "
        "group's node; the nodes cut and cosign after the close, three of five trustees "
        "decrypt. Prints ballots checked per CPU-second beside one core's check rate on "
        "the same ballots, CPU during the window and after the close, each node's CPU, "
        "the time from the close to the count on every node, requests, and the result.")
    p.add_argument("--nodes", type=int, default=FULL_NODES, help="groups' nodes")
    p.add_argument("--voters", type=int, default=FULL_VOTERS, help="members who vote")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                   help="worker processes the nodes are spread over, node i in worker i mod "
                   "this (default: one per core)")
    p.set_defaults(handler=handler)


def _seed(label: str) -> bytes:
    return hashlib.sha256(_SEED + label.encode()).digest()


def _marks(voter: int) -> list[list[int]]:
    """Voter v marks choice v mod 3: the expected count is known in advance."""
    return [[1 if c == voter % 3 else 0 for c in range(3)]]


def _make_ballot(params: ballots_ballot.Election, voter: int) -> bytes:
    """What the member's device does: encrypt, prove and sign (in a worker process)."""
    secret, _ = ballots_ballot.credential(_seed(f"credential {voter}"))
    made = ballots_ballot.cast(params, secret, _marks(voter), _seed(f"ballot {voter}"))
    assert isinstance(made, bytes)
    return made


def _credential(voter: int) -> str:
    return ballots_ballot.credential(_seed(f"credential {voter}"))[1].hex()


def _founding(nodes: list[str]) -> Founding:
    """The default constitution, its national committee empowered to call ballots, the
    first two groups (of `nodes`, the ids in order) seated on it for the founding term."""
    rules = default(ORDERS)
    committee = msgspec.structs.replace(rules.bodies[0],
                                        powers=[*rules.bodies[0].powers, "call-ballot"])
    seats = [Seat("national-committee", node, f"nc-{i + 1}", f"Seat {i + 1}")
             for i, node in enumerate(nodes[:2])]
    return Founding(msgspec.structs.replace(rules, bodies=[committee, *rules.bodies[1:]]),
                    seats, interim_days=150)


class _RulesCpu:
    """CPU each node of a worker spends in its rules, and the ballots it checked.

    A worker's nodes run in one thread, so CPU is told apart where a node decides: around
    `receive` and `count` (`network/node.py`), which run each node's rules on its own
    state without awaiting; every ballot's proofs are checked there. Counted with the
    thread's CPU clock; the HTTP, storage and signature work around it is not in it
    (the CPU of every process is reported beside it).
    """

    def __init__(self) -> None:
        self.by_state: dict[int, float] = {}
        self.checks = 0
        self.checking = 0.0
        self._kept = (network_node.receive, network_node.count, ballots_ballot.verify)

    def install(self) -> None:
        receive, count, verify = self._kept

        def timed(function: Callable) -> Callable:
            def run(state, *args, **kwargs):
                start = time.thread_time()
                try:
                    return function(state, *args, **kwargs)
                finally:
                    key = id(state)
                    self.by_state[key] = self.by_state.get(key, 0.0) + time.thread_time() \
                        - start
            return run

        def counted(params, data):
            start = time.thread_time()
            try:
                return verify(params, data)
            finally:
                self.checks += 1
                self.checking += time.thread_time() - start

        network_node.receive, network_node.count = timed(receive), timed(count)
        ballots_ballot.verify = counted

    def remove(self) -> None:
        network_node.receive, network_node.count, ballots_ballot.verify = self._kept


# -- in each worker: its nodes' steps and checks -------------------------------------------

_timing: _RulesCpu | None = None


def _local(worker: Worker) -> list[tuple[int, Service]]:
    return sorted(worker.services.items())


def _rules(node: Node) -> Ballots:
    return node.state.rules(Ballots)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The command line's steps print a line each; the benchmark prints its own."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


async def worker_commit(worker: Worker, members: dict[str, int]) -> None:
    for i, service in _local(worker):
        await service.node.append("register.commitment", RegisterCommitment(
            clock.now_ms(), members[str(i)], "ab" * 32))


async def worker_meeting(worker: Worker, index: int, opens: int, ballot_opens: int) -> str:
    """The national committee's meeting that is to decide to call the ballot: its id."""
    meeting = await worker.services[index].node.append("body.meeting", BodyMeeting(
        "national-committee", "Call a ballot", opens, opens + 2 * HOUR,
        [BodyItem("call-ballot", "Ratify the rule change by a member ballot", "", [],
                  ballot_opens, "")]))
    return meeting.id


async def worker_committee_vote(worker: Worker, index: int, seat: str, founder: str,
                                meeting: str) -> None:
    node = worker.services[index].node
    await node.append("body.vote", BodyVote(
        EntryRef(founder, meeting, node.state.head_of(founder).seq), 0, seat, "for"))


async def worker_trustee(worker: Worker, index: int, step: str, ballot: str,
                         secret: str) -> Any:
    """One of the command line's trustee steps (`groupnet trustee <step>`) on this node."""
    run = getattr(cli_ballots, f"trustee_{step}")
    with _quiet():
        return await run(worker.services[index].node,
                         argparse.Namespace(ballot=ballot, secret=secret))


async def worker_witness(worker: Worker) -> None:
    """Every node here runs one round of its witness loop."""
    await asyncio.gather(*(service.witness() for _, service in _local(worker)))


def _check(what: str, params: dict) -> Callable[[Node], bool]:
    """What `worker_wait` waits for on each node."""
    ballot = params.get("ballot", "")
    if what == "keys":
        return lambda n: len(_rules(n).keys.get(ballot, {})) == params["trustees"]
    if what == "key":
        return lambda n: _rules(n).key(n.state, ballot).status == "ready"
    if what == "open":
        return lambda n: _rules(n).result(n.state, ballot).status == "open"
    if what == "ballots":
        return lambda n: sum(len(c) for c in _rules(n).casts.get(ballot, {}).values()) == \
            params["voters"]
    if what == "cut":
        return lambda n: _rules(n).final_cut(n.state, ballot) is not None
    raise ValueError(f"nothing to wait for called {what}")


async def worker_wait(worker: Worker, what: str, every: float = 0.05,
                      **params: Any) -> float:
    """Wait until `what` holds on every node here: the monotonic time it did."""
    return await worker.until(_check(what, params), what, every, WAIT_SECONDS)


async def worker_election(worker: Worker, index: int, ballot: str) -> dict[str, Any]:
    """The election's public parameters, as node `index` holds them (for the devices)."""
    node = worker.services[index].node
    key = _rules(node).key(node.state, ballot)
    return msgspec.to_builtins(election(ballot, _rules(node).calls[ballot].body,
                                        key.public_key))


async def worker_time_rules(worker: Worker) -> None:
    """From now on, time every node's rules and ballot checks (`_RulesCpu`)."""
    global _timing
    _timing = _RulesCpu()
    _timing.install()


async def worker_rules_cpu(worker: Worker) -> dict[str, Any]:
    """The CPU timed so far: the checks made, their CPU, and each node's CPU in its rules."""
    assert _timing is not None
    return {"checks": _timing.checks, "checking": _timing.checking,
            "nodes": {str(i): _timing.by_state.get(id(s.node.state), 0.0)
                      for i, s in _local(worker)}}


def _counted(node: Node, ballot: str) -> bool:
    """The node holds a final cut and enough partial decryptions, and its count is made."""
    rules = _rules(node)
    final = rules.final_cut(node.state, ballot)
    if final is None or len(rules.partials.get(final.id, {}).get("", {})) < THRESHOLD:
        return False
    return rules.result(node.state, ballot).status == "counted"


async def worker_counted(worker: Worker, ballot: str) -> dict[str, float]:
    """The monotonic time each node here first held the count; looked every 50 ms."""
    counted: dict[str, float] = {}
    started = time.monotonic()
    while len(counted) < len(worker.services):
        now = time.monotonic()
        for i, service in _local(worker):
            if str(i) not in counted and _counted(service.node, ballot):
                counted[str(i)] = now
        if now - started > WAIT_SECONDS:
            raise SystemExit(f"the count reached {len(counted)} of {len(worker.services)} "
                             f"nodes in {WAIT_SECONDS:.0f} s")
        await asyncio.sleep(0.05)
    return counted


async def worker_results(worker: Worker, ballot: str) -> list[str]:
    """Each node's count, as text."""
    return [str(_rules(s.node).result(s.node.state, ballot).counts) for _, s in _local(worker)]


# -- the benchmark -------------------------------------------------------------------------


async def _settle(cluster: Cluster) -> None:
    """Every node holds every entry any node held when asked."""
    heads: dict[str, int] = {}
    for part in await cluster.each("floor_network.heads"):
        for author, seq in part.items():
            heads[author] = max(heads.get(author, 0), seq)
    await cluster.each("floor_network.wait", what="synced", heads=heads, every=0.02)


async def _witness(cluster: Cluster) -> None:
    """Every node signs the heads it holds (one round of its witness loop); all settle."""
    await _settle(cluster)
    await cluster.each("ballot_network.witness")
    await _settle(cluster)


async def _until(cluster: Cluster, moment: int) -> None:
    """Every worker's clocks reach `moment` (never back)."""
    await cluster.each("floor_network.advance_to", ts=moment)


async def _wait(cluster: Cluster, what: str, **params: Any) -> float:
    return max(await cluster.each("ballot_network.wait", what=what, **params))


class _Api:
    """Requests to the nodes' JSON API, as a member's or an officer's client makes them."""

    def __init__(self, http: aiohttp.ClientSession, nodes: list[tuple[str, str, str]]) -> None:
        self.http, self.nodes, self.requests = http, nodes, 0

    async def post(self, index: int, path: str, body: dict) -> dict:
        _, url, token = self.nodes[index]
        self.requests += 1
        async with self.http.post(url + path, json=body, headers={
                "Authorization": f"Bearer {token}"}) as response:
            answer = await response.json()
            if response.status not in (200, 201):
                raise SystemExit(f"error: POST {path} answered {response.status}: {answer}")
            return answer


class _Timetable(NamedTuple):
    meeting: str  # the committee's meeting that decides to call the ballot
    meeting_opens: int
    deals_by: int
    opens: int
    closes: int


async def _call(cluster: Cluster, api: _Api, now: int) -> tuple[str, _Timetable]:
    """The committee meets and decides; the founder's node calls the ballot over HTTP."""
    meeting_opens, opens = now + 8 * DAY_MS, now + 30 * DAY_MS
    meeting = await cluster.call(0, "ballot_network.meeting", index=0, opens=meeting_opens,
                                 ballot_opens=opens)
    await _settle(cluster)
    trustees = [node for node, _, _ in api.nodes[:TRUSTEES]]
    answer = await api.post(0, "/api/v1/ballots", {
        "title": "Ratification", "decision": "amend-constitution", "meeting": meeting,
        "item": 0, "questions": [{"text": "Ratify?", "choices": ["Yes", "No", "Abstain"],
                                  "least": 1, "most": 1}],
        "trustees": trustees, "threshold": THRESHOLD,
        "keys_by": now + 2 * DAY_MS, "deals_by": now + 4 * DAY_MS,
        "extracts_by": now + 6 * DAY_MS, "opens": opens, "closes": opens + 14 * DAY_MS})
    await _settle(cluster)
    return answer["entry"], _Timetable(meeting, meeting_opens, now + 4 * DAY_MS, opens,
                                       opens + 14 * DAY_MS)


async def _trustees(cluster: Cluster, step: str, ballot: str, secrets: Path,
                    api: _Api, how_many: int = TRUSTEES) -> list[Any]:
    """The first `how_many` trustees take `step` in turn, each on its own node."""
    done = []
    for index in range(min(how_many, len(api.nodes))):
        node = api.nodes[index][0]
        done.append(await cluster.call(cluster.worker_of(index), "ballot_network.trustee",
                                       index=index, step=step, ballot=ballot,
                                       secret=str(secrets / f"{node}.json")))
    return done


async def _key(cluster: Cluster, api: _Api, ballot: str, times: _Timetable,
               secrets: Path) -> None:
    """Trustees make the election key (BALLOTS.md 6); the committee's decision carries."""
    await _trustees(cluster, "key", ballot, secrets, api)
    await _wait(cluster, "keys", ballot=ballot, trustees=min(TRUSTEES, len(api.nodes)))
    await _trustees(cluster, "deal", ballot, secrets, api)
    await _settle(cluster)
    for checked in await _trustees(cluster, "check", ballot, secrets, api):
        if checked["complained_against"]:
            raise SystemExit(f"error: a trustee complained: {checked}")
    await _witness(cluster)
    await _until(cluster, times.deals_by + DAY_MS // 2)
    await _witness(cluster)
    await _trustees(cluster, "extract", ballot, secrets, api)
    await _witness(cluster)
    await _until(cluster, times.meeting_opens + 60_000)
    founder = api.nodes[0][0]
    for index in range(2):
        await cluster.call(cluster.worker_of(index), "ballot_network.committee_vote",
                           index=index, seat=f"nc-{index + 1}", founder=founder,
                           meeting=times.meeting)
    await _witness(cluster)
    await _until(cluster, times.meeting_opens + DAY_MS)
    await _witness(cluster)
    await _wait(cluster, "key", ballot=ballot)


async def _rules_cpu(cluster: Cluster) -> tuple[int, float, list[float]]:
    """Checks made and their CPU over all workers, and each node's CPU in its rules."""
    checks, checking, nodes = 0, 0.0, {}
    for part in await cluster.each("ballot_network.rules_cpu"):
        checks += part["checks"]
        checking += part["checking"]
        nodes.update(part["nodes"])
    return checks, checking, [nodes[str(i)] for i in range(len(nodes))]


async def _requests(cluster: Cluster, api: _Api) -> int:
    return sum(c["requests"] for c in await cluster.each("cost")) + api.requests


async def bench_ballot(args: argparse.Namespace) -> int:
    if args.nodes < 3 or args.voters < 1:
        raise SystemExit("error: --nodes must be at least 3 (three trustees), --voters at "
                         "least 1")
    if args.processes < 1:
        raise SystemExit("error: --processes takes 1 or more")
    count, voters = args.nodes, args.voters
    homes = [[v for v in range(voters) if v % count == g] for g in range(count)]
    base = Path(tempfile.mkdtemp(prefix=f"groupnet-bench-ballot-{count}-"))
    cluster = await Cluster.start(min(args.processes, count))
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
    try:
        print(f"ballot: {count} nodes, {voters} voters (yes/no/abstain), "
              f"{min(TRUSTEES, count)} trustees (threshold {THRESHOLD}), in "
              f"{cluster.workers} worker process(es) on loopback (node i in worker i mod "
              f"{cluster.workers})", flush=True)
        api = _Api(http, await form_spread(base, count, cluster, _founding))
        started, cpu_start = time.perf_counter(), await cluster_cpu(cluster)
        await cluster.each("ballot_network.commit",
                           members={str(g): len(m) for g, m in enumerate(homes)})
        # no clock has been moved yet: the workers' clocks read this process's
        ballot, times = await _call(cluster, api, clock.now_ms())
        secrets = base / "trustees"
        secrets.mkdir()
        await _key(cluster, api, ballot, times, secrets)
        print(f"the election key made by the trustees on every node after "
              f"{time.perf_counter() - started:.1f} s", flush=True)

        # each group lists its voters' public credentials before the opening (BL5)
        for index, members in enumerate(homes):
            listed = [_credential(v) for v in members]
            for at in range(0, len(listed), ENROL_BATCH):
                await api.post(index, f"/api/v1/ballots/{ballot}/credentials",
                               {"credentials": listed[at:at + ENROL_BATCH]})
        await _witness(cluster)
        await _until(cluster, times.opens + HOUR)
        await _witness(cluster)
        await _wait(cluster, "open", ballot=ballot)

        # every member's device makes its ballot (not timed: it is not the nodes' work)
        params = msgspec.convert(await cluster.call(0, "ballot_network.election", index=0,
                                                    ballot=ballot),
                                 ballots_ballot.Election)
        made_at = time.perf_counter()
        with ProcessPoolExecutor() as pool:
            made = list(pool.map(_make_ballot, [params] * voters, range(voters),
                                 chunksize=64))
        print(f"{voters} ballots made on the voters' devices in "
              f"{time.perf_counter() - made_at:.1f} s (not counted below)", flush=True)

        await cluster.each("ballot_network.time_rules")
        requests_before = await _requests(cluster, api)
        window_at, window_cpu = time.perf_counter(), await cluster_cpu(cluster)
        gate = asyncio.Semaphore(CASTING_AT_ONCE)

        async def cast(index: int, voter: int) -> None:
            async with gate:
                await api.post(index, f"/api/v1/ballots/{ballot}/cast",
                               {"ballot": made[voter].hex()})

        await asyncio.gather(*(cast(index, v) for index, members in enumerate(homes)
                               for v in members))
        cast_seconds = time.perf_counter() - window_at
        await _wait(cluster, "ballots", ballot=ballot, voters=voters)
        await _witness(cluster)
        window_wall, window_cpu = time.perf_counter() - window_at, \
            await cluster_cpu(cluster) - window_cpu
        window_checks, window_checking, window_nodes = await _rules_cpu(cluster)
        print(f"every node held and had checked the {voters} ballots "
              f"{window_wall:.1f} s after the first was cast (casting took "
              f"{cast_seconds:.1f} s)", flush=True)

        # the close: the nodes cut and cosign by themselves; trustees decrypt. Their
        # anti-entropy runs as deployed from here on (every 5 s, not every 600 s): an
        # entry a node could not take when pushed is fetched within seconds, as it would be
        await cluster.each("sync", seconds=DEPLOYED_SYNC_SECONDS)
        closed_at, close_cpu = time.monotonic(), await cluster_cpu(cluster)
        await _until(cluster, times.closes + HOUR)
        await _witness(cluster)
        await _wait(cluster, "cut", ballot=ballot)
        await _trustees(cluster, "decrypt", ballot, secrets, api, THRESHOLD)
        counted: dict[str, float] = {}
        for part in await cluster.each("ballot_network.counted", ballot=ballot):
            counted.update(part)
        close_wall = max(counted.values()) - closed_at
        close_cpu = await cluster_cpu(cluster) - close_cpu
        checks_made, _, all_nodes = await _rules_cpu(cluster)
        requests = await _requests(cluster, api) - requests_before

        expected = [sum(1 for v in range(voters) if v % 3 == c) for c in range(3)]
        results = {r for part in await cluster.each("ballot_network.results", ballot=ballot)
                   for r in part}
        if results != {str([expected])}:
            raise SystemExit(f"error: the count {sorted(results)} is not the votes cast "
                             f"{[expected]}")
        reference = check_rate(params, made[:min(voters, 2000)])
        after_nodes = [a - w for a, w in zip(all_nodes, window_nodes, strict=True)]
        checks = count * voters
        rate = checks / window_cpu
        tally = ", ".join(f"{c} {n}" for c, n in zip(CHOICES, expected, strict=True))
        print(f"result on every node: {tally} = the {voters} votes cast")
        print(f"window: {window_wall:.1f} s, {window_cpu:.1f} s of CPU (all {count} nodes; "
              f"{checks} ballot checks, one per node per ballot; {window_checks} checks made, "
              f"{window_checking:.1f} s of CPU in them)")
        print(f"ballots checked per CPU-second during the window: {rate:.0f} (reference, "
              f"`ballot-verify`'s check, one core, same ballots, this run: {reference:.0f}/s; "
              f"ratio {rate / reference:.2f})")
        print(f"after the close: {close_wall:.1f} s, {close_cpu:.1f} s of CPU "
              f"({checks_made - window_checks} ballot checks)")
        after = [counted[str(i)] - closed_at for i in range(count)]
        print(f"close to count on every node: median {statistics.median(after):.1f} s, "
              f"p99 {p99(after):.1f} s, max {max(after):.1f} s")
        print(f"each node's CPU in its rules, whole ballot: median "
              f"{statistics.median(all_nodes):.1f} s, max {max(all_nodes):.1f} s (window: median "
              f"{statistics.median(window_nodes):.1f} s, max {max(window_nodes):.1f} s; after "
              f"the close: median {statistics.median(after_nodes):.1f} s, max "
              f"{max(after_nodes):.1f} s)")
        print(f"CPU of every process from the commitments to the count: "
              f"{await cluster_cpu(cluster) - cpu_start:.1f} s")
        print(f"requests during the ballot (window and close): {requests} "
              f"({requests / voters:.1f} per ballot; {voters} casts over the API)")
        per_check = window_cpu / checks
        full = per_check * FULL_NODES * FULL_VOTERS
        print(f"extrapolation to {FULL_NODES} nodes and {FULL_VOTERS:,} voters from the "
              f"measured CPU per ballot per node ({per_check * 1e3:.2f} ms): "
              f"{full:.0f} CPU-seconds for the window, {full / 3600:.1f} h on one core "
              f"(an estimate, not a measurement)")
        return 0
    finally:
        await http.close()
        await cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
