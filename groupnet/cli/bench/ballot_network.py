"""`groupnet bench ballot`: a member ballot across a network, from the call to the count.

N nodes form a network in this one process, as `bench propagation --processes 1`
forms it (the same code; this benchmark does not yet spread its nodes over worker
processes as that one and `bench conference --floor --network` do), founded under a
constitution whose national committee may call ballots, its first two groups seated
on it. V voters are spread over the groups,
each group committing its number of members. Then, through the steps a user
takes: the committee's meeting decides to call the ballot and the founder's node
calls it over its HTTP API; five trustees (three to decrypt) make the election
key by the command line's steps (key, deal, check, extract), their secrets in
files; every group lists its voters' public credentials over HTTP; every voter
casts one yes/no/abstain ballot, made on their "device" (before the clock
starts), through their group's node's HTTP API. After the close the caller's
node writes the cut and every participant's node cosigns it by itself; three
trustees publish their partial decryptions, and every node derives the count.

Weeks pass by moving every clock of the process forward together, as the tests
do; the network's witnesses are signed in rounds the benchmark starts on every
node (the same round the witness loop runs) so that every deadline is decided
by witnessed time without a witness every second from every node.

Every node checks every ballot on arrival, so the figures are: the CPU the
whole process spent during the voting window and after the close, the ballots
checked per CPU-second beside the one-core rate of `ballot-verify`'s check on
the same ballots in the same run, each node's CPU in its rules (median and
max), the time from the close to the count on every node, the requests, and the
result, which must equal the votes cast.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import logging
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

import aiohttp
import msgspec

from ... import clock
from ...network import node as network_node
from ...network.constitution import Founding
from ...procedure.ballots import ballot as ballots_ballot
from ...procedure.network.ballots import Ballots, election
from ...procedure.network.constitution import DAY_MS, default
from ...service import Service
from ...wire.messages import BodyItem, BodyMeeting, BodyVote, EntryRef, RegisterCommitment, Seat
from .. import ballots as cli_ballots
from .ballots import check_rate
from .cluster import cpu_seconds
from .propagation import ORDERS, form, p99

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


def add_ballot_parser(kinds: argparse._SubParsersAction, handler: Callable) -> None:
    p = kinds.add_parser(
        "ballot", help="a member ballot across N nodes and V voters, call to count",
        description="N nodes in this process on loopback ports form a network; V voters "
        "in its groups enrol and cast one yes/no/abstain ballot each through their "
        "group's node; the nodes cut and cosign after the close, three of five trustees "
        "decrypt. Prints ballots checked per CPU-second beside one core's check rate on "
        "the same ballots, CPU during the window and after the close, each node's CPU, "
        "the time from the close to the count on every node, requests, and the result.")
    p.add_argument("--nodes", type=int, default=FULL_NODES, help="groups' nodes")
    p.add_argument("--voters", type=int, default=FULL_VOTERS, help="members who vote")
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


def _founding(services: list[Service]) -> Founding:
    """The default constitution, its national committee empowered to call ballots, the
    first two groups seated on it for the founding term."""
    rules = default(ORDERS)
    committee = msgspec.structs.replace(rules.bodies[0],
                                        powers=[*rules.bodies[0].powers, "call-ballot"])
    seats = [Seat("national-committee", s.node.id, f"nc-{i + 1}", f"Seat {i + 1}")
             for i, s in enumerate(services[:2])]
    return Founding(msgspec.structs.replace(rules, bodies=[committee, *rules.bodies[1:]]),
                    seats, interim_days=150)


class _RulesCpu:
    """CPU each node spends in its rules, and the ballots checked.

    All nodes run in one thread, so CPU is told apart where a node decides: around
    `receive` and `count` (`network/node.py`), which run each node's rules on its own
    state without awaiting; every ballot's proofs are checked there. Counted with the
    thread's CPU clock; the HTTP, storage and signature work around it is not in it
    (the whole process's CPU is reported beside it).
    """

    def __init__(self) -> None:
        self.by_state: dict[int, float] = {}
        self.checks = 0
        self.checking = 0.0

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        receive, count, verify = network_node.receive, network_node.count, \
            ballots_ballot.verify

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
        try:
            yield
        finally:
            network_node.receive, network_node.count = receive, count
            ballots_ballot.verify = verify

    def per_node(self, services: list[Service]) -> list[float]:
        return [self.by_state.get(id(s.node.state), 0.0) for s in services]


def _settled(services: list[Service]) -> bool:
    """Every node holds every log to the same seq (cheaper than the state hash)."""
    first = services[0].node.state.heads
    seqs = {author: head.seq for author, head in first.items()}
    return all(len(s.node.state.heads) == len(seqs) and all(
        seqs.get(author) == head.seq for author, head in s.node.state.heads.items())
        for s in services[1:])


async def _everywhere(services: list[Service], check: Callable[[Service], bool], what: str,
                      timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while not all(check(s) for s in services):
        if time.monotonic() > deadline:
            raise SystemExit(f"error: not on every node after {timeout:.0f} s: {what}")
        await asyncio.sleep(0.1)


async def _settle(services: list[Service], what: str) -> None:
    await _everywhere(services, lambda s: _settled(services), what)


async def _witness(services: list[Service], what: str) -> None:
    """Every node signs the heads it holds (one round of its witness loop); all settle."""
    await _settle(services, what)
    await asyncio.gather(*(s.witness() for s in services))
    await _settle(services, f"the witnesses of {what}")


def _until(moment: int) -> None:
    """The network's clocks reach `moment` (never back)."""
    clock.advance_everyone(max(0, moment - clock.now_ms()))


def _rules(service: Service) -> Ballots:
    return service.node.state.rules(Ballots)


class _Api:
    """Requests to the nodes' JSON API, as a member's or an officer's client makes them."""

    def __init__(self, http: aiohttp.ClientSession, tokens: dict[str, str]) -> None:
        self.http, self.tokens, self.requests = http, tokens, 0

    async def post(self, service: Service, path: str, body: dict) -> dict:
        url = service.node.config.url
        self.requests += 1
        async with self.http.post(url + path, json=body, headers={
                "Authorization": f"Bearer {self.tokens[url]}"}) as response:
            answer = await response.json()
            if response.status not in (200, 201):
                raise SystemExit(f"error: POST {path} answered {response.status}: {answer}")
            return answer


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The command line's steps print a line each; the benchmark prints its own."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


class _Timetable(NamedTuple):
    meeting: str  # the committee's meeting that decides to call the ballot
    meeting_opens: int
    deals_by: int
    opens: int
    closes: int


async def _call(services: list[Service], api: _Api) -> tuple[str, _Timetable]:
    """The committee meets and decides; the founder's node calls the ballot over HTTP."""
    nodes = [s.node for s in services]
    now = clock.now_ms()
    meeting_opens, opens = now + 8 * DAY_MS, now + 30 * DAY_MS
    meeting = await nodes[0].append("body.meeting", BodyMeeting(
        "national-committee", "Call a ballot", meeting_opens, meeting_opens + 2 * HOUR,
        [BodyItem("call-ballot", "Ratify the rule change by a member ballot", "", [], opens,
                  "")]))
    await _settle(services, "the meeting")
    trustees = [n.id for n in nodes[:TRUSTEES]]
    answer = await api.post(services[0], "/api/v1/ballots", {
        "title": "Ratification", "decision": "amend-constitution", "meeting": meeting.id,
        "item": 0, "questions": [{"text": "Ratify?", "choices": ["Yes", "No", "Abstain"],
                                  "least": 1, "most": 1}],
        "trustees": trustees, "threshold": THRESHOLD,
        "keys_by": now + 2 * DAY_MS, "deals_by": now + 4 * DAY_MS,
        "extracts_by": now + 6 * DAY_MS, "opens": opens, "closes": opens + 14 * DAY_MS})
    await _settle(services, "the call")
    return answer["entry"], _Timetable(meeting.id, meeting_opens, now + 4 * DAY_MS, opens,
                                       opens + 14 * DAY_MS)


async def _key(services: list[Service], ballot: str, times: _Timetable,
               secrets_dir: Path) -> None:
    """Trustees make the election key (BALLOTS.md 6); the committee's decision carries."""
    trustees = [s.node for s in services[:TRUSTEES]]

    def step(node) -> argparse.Namespace:
        return argparse.Namespace(ballot=ballot, secret=str(secrets_dir / f"{node.id}.json"))

    with _quiet():
        for node in trustees:
            await cli_ballots.trustee_key(node, step(node))
        await _everywhere(services, lambda s: len(_rules(s).keys.get(ballot, {}))
                          == len(trustees), "every trustee's key")
        for node in trustees:
            await cli_ballots.trustee_deal(node, step(node))
        await _settle(services, "the deals")
        for node in trustees:
            checked = await cli_ballots.trustee_check(node, step(node))
            if checked["complained_against"]:
                raise SystemExit(f"error: a trustee complained: {checked}")
        await _witness(services, "the keys and deals")
        _until(times.deals_by + DAY_MS // 2)
        await _witness(services, "the close of deals")
        for node in trustees:
            await cli_ballots.trustee_extract(node, step(node))
        await _witness(services, "the extractions")
    _until(times.meeting_opens + 60_000)
    nodes = [s.node for s in services]
    meeting = times.meeting
    for i, node in enumerate(nodes[:2]):
        await node.append("body.vote", BodyVote(
            EntryRef(nodes[0].id, meeting, node.state.head_of(nodes[0].id).seq), 0,
            f"nc-{i + 1}", "for"))
    await _witness(services, "the committee's votes")
    _until(times.meeting_opens + DAY_MS)
    await _witness(services, "the meeting's close")
    await _everywhere(services, lambda s: _rules(s).key(s.node.state, ballot).status == "ready",
                      "the election key")


async def bench_ballot(args: argparse.Namespace) -> int:
    if args.nodes < 3 or args.voters < 1:
        raise SystemExit("error: --nodes must be at least 3 (three trustees), --voters at "
                         "least 1")
    count, voters = args.nodes, args.voters
    # every node logs its own steps at info level: hundreds of lines around the figures
    root = logging.getLogger()
    root.setLevel(max(root.level, logging.WARNING))
    homes = [[v for v in range(voters) if v % count == g] for g in range(count)]
    base = Path(tempfile.mkdtemp(prefix=f"groupnet-bench-ballot-{count}-"))
    services: list[Service] = []
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
    try:
        print(f"ballot: {count} nodes, {voters} voters (yes/no/abstain), "
              f"{min(TRUSTEES, count)} trustees "
              f"(threshold {THRESHOLD}), in one process on loopback", flush=True)
        services, tokens = await form(base, count, _founding)
        api = _Api(http, {s.node.config.url: t for s, t in zip(services, tokens, strict=True)})
        started, cpu_start = time.perf_counter(), cpu_seconds()
        for service, members in zip(services, homes, strict=True):
            await service.node.append("register.commitment", RegisterCommitment(
                clock.now_ms(), len(members), "ab" * 32))
        ballot, times = await _call(services, api)
        secrets_dir = base / "trustees"
        secrets_dir.mkdir()
        await _key(services, ballot, times, secrets_dir)
        print(f"the election key made by the trustees on every node after "
              f"{time.perf_counter() - started:.1f} s", flush=True)

        # each group lists its voters' public credentials before the opening (BL5)
        for service, members in zip(services, homes, strict=True):
            listed = [_credential(v) for v in members]
            for at in range(0, len(listed), ENROL_BATCH):
                await api.post(service, f"/api/v1/ballots/{ballot}/credentials",
                               {"credentials": listed[at:at + ENROL_BATCH]})
        await _witness(services, "the credential lists")
        _until(times.opens + HOUR)
        await _witness(services, "the opening")
        await _everywhere(services, lambda s: _rules(s).result(s.node.state, ballot).status
                          == "open", "the ballot open")

        # every member's device makes its ballot (not timed: it is not the nodes' work)
        key = _rules(services[0]).key(services[0].node.state, ballot)
        params = election(ballot, _rules(services[0]).calls[ballot].body, key.public_key)
        made_at = time.perf_counter()
        with ProcessPoolExecutor() as pool:
            made = list(pool.map(_make_ballot, [params] * voters, range(voters),
                                 chunksize=64))
        print(f"{voters} ballots made on the voters' devices in "
              f"{time.perf_counter() - made_at:.1f} s (not counted below)", flush=True)

        rules_cpu = _RulesCpu()
        requests_before = sum(s.client.requests for s in services) + api.requests
        with rules_cpu.installed():
            window_at, window_cpu = time.perf_counter(), cpu_seconds()
            gate = asyncio.Semaphore(CASTING_AT_ONCE)

            async def cast(service: Service, voter: int) -> None:
                async with gate:
                    await api.post(service, f"/api/v1/ballots/{ballot}/cast",
                                   {"ballot": made[voter].hex()})

            await asyncio.gather(*(cast(service, v) for service, members in
                                   zip(services, homes, strict=True) for v in members))
            cast_seconds = time.perf_counter() - window_at
            await _everywhere(services, lambda s: sum(
                len(c) for c in _rules(s).casts.get(ballot, {}).values()) == voters,
                "every ballot")
            await _witness(services, "the ballots")
            window_wall, window_cpu = time.perf_counter() - window_at, \
                cpu_seconds() - window_cpu
            window_checks, window_checking = rules_cpu.checks, rules_cpu.checking
            window_nodes = rules_cpu.per_node(services)
            print(f"every node held and had checked the {voters} ballots "
                  f"{window_wall:.1f} s after the first was cast (casting took "
                  f"{cast_seconds:.1f} s)", flush=True)

            # the close: the nodes cut and cosign by themselves; trustees decrypt
            _until(times.closes + HOUR)
            closed_at, close_cpu = time.perf_counter(), cpu_seconds()
            await _witness(services, "the close")
            await _everywhere(services, lambda s: _rules(s).final_cut(s.node.state, ballot)
                              is not None, "a final cut")
            with _quiet():
                for service in services[:THRESHOLD]:
                    await cli_ballots.trustee_decrypt(service.node, argparse.Namespace(
                        ballot=ballot, secret=str(secrets_dir / f"{service.node.id}.json")))
            counted_after: dict[int, float] = {}
            deadline = time.monotonic() + 1800
            while len(counted_after) < count:
                for i, service in enumerate(services):
                    if i not in counted_after and _counted(service, ballot):
                        counted_after[i] = time.perf_counter() - closed_at
                if time.monotonic() > deadline:
                    raise SystemExit(f"error: the count reached {len(counted_after)} of "
                                     f"{count} nodes in 1800 s")
                await asyncio.sleep(0.05)
            close_wall, close_cpu = time.perf_counter() - closed_at, cpu_seconds() - close_cpu
            close_checks = rules_cpu.checks - window_checks
            all_nodes = rules_cpu.per_node(services)
        requests = sum(s.client.requests for s in services) + api.requests - requests_before

        expected = [sum(1 for v in range(voters) if v % 3 == c) for c in range(3)]
        results = {str(_rules(s).result(s.node.state, ballot).counts) for s in services}
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
              f"({close_checks} ballot checks)")
        after = list(counted_after.values())
        print(f"close to count on every node: median {statistics.median(after):.1f} s, "
              f"p99 {p99(after):.1f} s, max {max(after):.1f} s")
        print(f"each node's CPU in its rules, whole ballot: median "
              f"{statistics.median(all_nodes):.1f} s, max {max(all_nodes):.1f} s (window: median "
              f"{statistics.median(window_nodes):.1f} s, max {max(window_nodes):.1f} s; after "
              f"the close: median {statistics.median(after_nodes):.1f} s, max "
              f"{max(after_nodes):.1f} s)")
        print(f"whole process CPU from the commitments to the count: "
              f"{cpu_seconds() - cpu_start:.1f} s")
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
        for service in services:
            await service.stop()
            await service.node.close()
        shutil.rmtree(base, ignore_errors=True)


def _counted(service: Service, ballot: str) -> bool:
    """The node holds a final cut and enough partial decryptions, and its count is made."""
    rules = _rules(service)
    final = rules.final_cut(service.node.state, ballot)
    if final is None or len(rules.partials.get(final.id, {}).get("", {})) < THRESHOLD:
        return False
    return rules.result(service.node.state, ballot).status == "counted"
