"""`groupnet bench …`: measured figures, each printed beside its reference.

Both benchmarks run real nodes on loopback, as a user would: a real HTTP
server, a real SQLite file, every check a receiver makes (canonical form,
signature, chain, network rules). The test data is a small network made up
before the clock starts: a founder that signs the charter and admits a number
of author nodes, and each author's log of `group.profile` entries with varied
text. Only the work under test is timed.

The reference is the raw Ed25519 verify rate of the `cryptography` library on
this machine, measured in the same run on the same signatures, single
threaded: the one cost no receiver can avoid. The machine is shared and noisy,
so each benchmark runs several rounds and reports medians; each round times
the reference right after the work, so a ratio compares like with like.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ... import config, store
from ...federation.client import PeerClient
from ...federation.peer_policy import PeerPolicy
from ...network import joining
from ...network.node import Node
from ...service import Service
from ...store import entries
from ...wire import crypto, messages
from ...wire.messages import Admit, Charter, Entry, NetworkStandingOrders, Profile
from ..setup import create_node, free_port
from .ballot_network import add_ballot_parser, bench_ballot
from .ballots import add_ballots_parser, bench_ballots
from .conference import add_conference_parser, bench_conference
from .members import add_members_parser, bench_members
from .pages import add_pages_parser, bench_pages
from .propagation import add_propagation_parser, run_propagation

INGEST_TARGET = 0.60
CATCHUP_TARGET_SECONDS = 15.0
# Where the sample authors say they can be reached: a loopback port nothing
# listens on, so a receiver's outbox fails fast and backs off instead of
# pushing the whole run to a real server.
UNREACHABLE = "http://127.0.0.1:9"


def add_bench_parser(commands: argparse._SubParsersAction, handler: Callable) -> None:
    bench = commands.add_parser(
        "bench", help="benchmarks: print figures and their references",
        description="Benchmarks on real nodes over loopback HTTP. Each prints its figures "
        "(medians of several rounds) beside the raw Ed25519 verify rate of this machine.",
    )
    kinds = bench.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    p = kinds.add_parser(
        "ingest", help="signed entries per second through the HTTP inbox",
        description="Concurrent senders POST NDJSON batches of signed entries to a node's "
        "/fed/v1/inbox; every entry must be accepted. Prints entries/s and the ratio to "
        f"one core's raw verify rate (target >= {INGEST_TARGET:.2f}).",
    )
    p.add_argument("--messages", type=int, default=20000, help="entries timed per round")
    p.add_argument("--batch", type=int, default=500, help="entries per POST (at most 1000)")
    p.add_argument("--authors", type=int, default=8, help="authors writing the entries")
    p.add_argument("--senders", type=int, default=4, help="concurrent HTTP senders")
    p.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported")
    p.set_defaults(handler=handler)
    p = kinds.add_parser(
        "catchup", help="a fresh node pulls N entries from a peer",
        description="A peer node holding N entries serves its feed; a fresh node runs the "
        "same catch-up as `network join` over HTTP and must reach the peer's state hash. "
        f"Target: under {CATCHUP_TARGET_SECONDS:.0f} s for 100,000 entries.",
    )
    p.add_argument("--messages", type=int, default=100000,
                   help="entries the peer holds (charter and admissions included)")
    p.add_argument("--authors", type=int, default=50, help="authors writing the entries")
    p.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported")
    p.set_defaults(handler=handler)
    add_members_parser(kinds, handler)
    add_pages_parser(kinds, handler)
    add_propagation_parser(kinds, handler)
    add_conference_parser(kinds, handler)
    add_ballots_parser(kinds, handler)
    add_ballot_parser(kinds, handler)


async def run_bench(args: argparse.Namespace) -> int:
    if args.bench == "members":
        return await bench_members(args)
    if args.bench == "pages":
        return await bench_pages(args)
    if args.bench == "propagation":
        return await run_propagation(args)
    if args.bench == "conference":
        return await bench_conference(args)
    if args.bench == "ballot-verify":
        return bench_ballots(args)
    if args.bench == "ballot":
        return await bench_ballot(args)
    # The sample authors are unreachable on purpose; their failed pushes are
    # logged at info level and would drown the figures.
    root = logging.getLogger()
    root.setLevel(max(root.level, logging.WARNING))
    if args.rounds < 1 or args.authors < 1:
        raise SystemExit("error: --rounds and --authors must be at least 1")
    if args.bench == "ingest":
        return await bench_ingest(args)
    return await bench_catchup(args)


# -- the sample network -----------------------------------------------------------


@dataclass
class SampleNetwork:
    """A founder's charter and admissions, and each admitted author's log."""

    net: str
    setup: list[bytes]                 # founder: charter, then one admission per author
    authors: list[crypto.SigningKey]
    logs: list[list[bytes]]            # per author: its profile entries, seq 1, 2, …



def interleave(logs: list[list[bytes]]) -> list[bytes]:
    """Several authors' entries taken in turn: an order a node could accept them in."""
    out: list[bytes] = []
    for turn in range(max((len(log) for log in logs), default=0)):
        out.extend(log[turn] for log in logs if turn < len(log))
    return out


def make_network(founder: crypto.SigningKey, authors: int, per_author: list[int]) -> SampleNetwork:
    """Sign a sample network; the authors' logs are signed on every core in parallel.

    Its standing orders ask for witness entries once a day, not every ten
    seconds, so that a peer that is a member writes nothing while a benchmark
    reads it and the state hashes can be compared exactly.
    """
    base = int(time.time() * 1000) - 3_600_000  # an hour ago: never "from the future"
    keys = [crypto.SigningKey.generate() for _ in range(authors)]
    nonce = crypto.b64encode(os.urandom(16))
    net = crypto.network_id(founder.public, nonce)
    charter = Charter("Benchmark Network", "Founding Group", UNREACHABLE, nonce,
                      NetworkStandingOrders(witness_interval_seconds=86400))
    setup = [messages.build(founder, net, founder.public, 1, None, base, "network.charter",
                            charter)]
    for number, key in enumerate(keys, start=1):
        body = Admit(key.public, f"Group {number}", UNREACHABLE)
        setup.append(messages.build(founder, net, founder.public, number + 1, setup[-1].id,
                                    base + number, "node.admit", body))
    jobs = [(key.seed(), net, count, number, base + 1000)
            for number, (key, count) in enumerate(zip(keys, per_author, strict=True), start=1)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        logs = list(pool.map(_author_log, *zip(*jobs, strict=True)))
    return SampleNetwork(net, [e.raw for e in setup], keys, logs)


def _author_log(seed: bytes, net: str, count: int, number: int, ts: int) -> list[bytes]:
    key = crypto.SigningKey.from_seed(seed)
    days = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Saturdays"]
    prev: str | None = None
    raws = []
    for seq in range(1, count + 1):
        body = Profile(
            name=f"Group {number}",
            area=f"Ward {seq % 37} and the streets around the {seq % 11}th market",
            meets=f"{days[seq % 5]} at {seq % 5 + 6}pm, community hall room {seq % 9}",
            contact=f"secretary-{seq}@group{number}.example.org",
        )
        entry = messages.build(key, net, key.public, seq, prev, ts + seq, "group.profile", body)
        prev = entry.id
        raws.append(entry.raw)
    return raws


def _parse(raw: bytes) -> Entry:
    entry = messages.parse(raw)
    if not isinstance(entry, Entry):
        raise SystemExit(f"error: the sample network holds a bad entry: {entry}")
    return entry


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# -- the reference: raw Ed25519 verification on one core ---------------------------


class RawSignatures:
    """The signatures of some entries, decoded ahead, for the reference timing."""

    def __init__(self, raws: list[bytes]) -> None:
        keys: dict[str, Ed25519PublicKey] = {}
        self.items: list[tuple[Ed25519PublicKey, bytes, bytes]] = []
        for raw in raws:
            entry = _parse(raw)
            key = keys.get(entry.author)
            if key is None:
                key = keys[entry.author] = Ed25519PublicKey.from_public_bytes(
                    crypto.b64decode(entry.author))
            self.items.append((key, crypto.b64decode(entry.sig),
                               crypto.SIGNATURE_DOMAIN + entry.id_bytes))

    def seconds(self) -> tuple[float, float]:
        """Time `verify` alone, one signature after another, in this thread: (wall, CPU)."""
        start, cpu = time.perf_counter(), time.thread_time()
        for key, signature, signed in self.items:
            key.verify(signature, signed)
        return time.perf_counter() - start, time.thread_time() - cpu


# -- what a round cost ------------------------------------------------------------


@dataclass
class Timing:
    """A round's wall time, and CPU seconds spent on it (None where /proc is missing)."""

    seconds: float
    node_cpu: float             # this process: event loop, SQLite thread, HTTP
    checkers_cpu: float | None  # its worker processes: the signature checks

    def per_entry(self, count: int) -> str:
        node = f"node process {self.node_cpu / count * 1e6:.0f} us"
        if self.checkers_cpu is None:
            return node
        return f"{node}, signature workers {self.checkers_cpu / count * 1e6:.0f} us"


class Stopwatch:
    """Wall time and CPU time from now, this process's and its children's.

    CPU time does not grow when a shared machine is busy with other work, as
    wall time does, so it says what the work itself costs and where.
    """

    def __init__(self, exclude: frozenset[int] = frozenset()) -> None:
        self.exclude = exclude  # child processes that are not ours to count (the peer)
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.children = self._children_cpu()

    def read(self) -> Timing:
        children = self._children_cpu()
        return Timing(
            time.perf_counter() - self.wall,
            time.process_time() - self.cpu,
            None if children is None or self.children is None else children - self.children,
        )

    def _children_cpu(self) -> float | None:
        """CPU seconds used by the live child processes (Linux /proc; else None)."""
        proc = Path("/proc")
        if not (proc / "self" / "stat").exists():
            return None
        me, tick, total = os.getpid(), os.sysconf("SC_CLK_TCK"), 0.0
        for entry in proc.iterdir():
            if not entry.name.isdigit() or int(entry.name) in self.exclude:
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == me:  # fields: state, ppid, …, utime (11), stime (12)
                total += (int(fields[11]) + int(fields[12])) / tick
        return total


# -- ingest -----------------------------------------------------------------------


async def bench_ingest(args: argparse.Namespace) -> int:
    if not 1 <= args.batch <= 1000:
        raise SystemExit("error: --batch must be between 1 and 1000 (the inbox's limit)")
    if args.messages < args.authors:
        raise SystemExit("error: --messages must be at least --authors")
    senders = max(1, min(args.senders, args.authors))
    print(f"preparing {args.messages} signed entries from {args.authors} authors …", flush=True)
    sample = make_network(crypto.SigningKey.generate(), args.authors,
                          split(args.messages, args.authors))
    timed = [raw for log in sample.logs for raw in log]
    reference = RawSignatures(timed)
    # Each sender pushes a few authors' logs, taken in turn, in batches, as an
    # outbox relaying several authors would.
    bodies = []
    for s in range(senders):
        mine = interleave(sample.logs[s::senders])
        bodies.append([b"".join(raw + b"\n" for raw in mine[i:i + args.batch])
                       for i in range(0, len(mine), args.batch)])
    print(f"ingest: {args.messages} entries, {args.authors} authors, {senders} concurrent "
          f"senders, batches of {args.batch}, POST /fed/v1/inbox over loopback HTTP; "
          f"{args.rounds} round(s)", flush=True)
    rounds = []
    for number in range(1, args.rounds + 1):
        timing = await _ingest_round(sample, bodies, args.messages)
        raw, raw_cpu = reference.seconds()
        rate, raw_rate = args.messages / timing.seconds, len(reference.items) / raw
        rounds.append((timing, raw_rate, rate / raw_rate, raw_cpu / len(reference.items)))
        print(f"  round {number}: {timing.seconds:.2f} s, {rate:.0f} entries/s; raw verify, "
              f"one core: {raw_rate:.0f}/s; ratio {rate / raw_rate:.2f}; CPU per entry: "
              f"{timing.per_entry(args.messages)}", flush=True)
    middle = sorted(rounds, key=lambda r: r[0].seconds)[(len(rounds) - 1) // 2]
    seconds = statistics.median(r[0].seconds for r in rounds)
    raw_rate = statistics.median(r[1] for r in rounds)
    ratio = statistics.median(r[2] for r in rounds)
    print(f"messages: {args.messages}")
    print(f"seconds: {seconds:.2f} (median of {args.rounds})")
    print(f"messages/s: {args.messages / seconds:.0f}")
    print(f"raw verify/s (one core): {raw_rate:.0f} (median; cryptography Ed25519PublicKey"
          f".verify, {os.cpu_count()} cores here)")
    print(f"CPU per entry (median round): {middle[0].per_entry(args.messages)} (the node "
          f"process also runs the senders); raw verify {middle[3] * 1e6:.0f} us")
    print(f"ratio: {ratio:.2f} of one core's raw verify rate (target >= {INGEST_TARGET:.2f})")
    return 0


async def _ingest_round(sample: SampleNetwork, bodies: list[list[bytes]],
                        expected: int) -> Timing:
    base = Path(tempfile.mkdtemp(prefix="groupnet-bench-"))
    try:
        port = free_port()
        directory = base / "receiver"
        await create_bench_node(directory, "Receiver", port)
        node = await Node.open(directory)
        service = Service(node)
        await service.start()
        inbox = f"http://127.0.0.1:{port}/fed/v1/inbox"
        headers = {"Content-Type": "application/x-ndjson"}
        try:
            async with aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=len(bodies)),
                timeout=aiohttp.ClientTimeout(total=600),
            ) as http:

                async def send(batches: list[bytes]) -> list[dict]:
                    results = []
                    for body in batches:
                        async with http.post(inbox, data=body, headers=headers) as response:
                            payload = await response.read()
                            if response.status != 200:
                                raise SystemExit(f"error: the inbox answered HTTP "
                                                 f"{response.status}: {payload[:300]!r}")
                        results.extend(msgspec.json.decode(payload)["results"])
                    return results

                setup = b"".join(raw + b"\n" for raw in sample.setup)
                _all_accepted(await send([setup]), len(sample.setup), "setup")
                stopwatch = Stopwatch()
                answers = await asyncio.gather(*(send(batches) for batches in bodies))
                timing = stopwatch.read()
        finally:
            await service.stop()
            await node.close()
        _all_accepted([r for answer in answers for r in answer], expected, "timed batches")
        return timing
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _all_accepted(results: list[dict], expected: int, what: str) -> None:
    refused = [r for r in results if r.get("status") != "accepted"]
    if refused or len(results) != expected:
        first = refused[0] if refused else {}
        raise SystemExit(f"error: {what}: {len(results) - len(refused)} of {expected} entries "
                         f"accepted; first other answer: {first}")


# -- catch-up ---------------------------------------------------------------------


async def bench_catchup(args: argparse.Namespace) -> int:
    if args.messages < 2 * (args.authors + 1):
        raise SystemExit("error: --messages must be at least twice (--authors + 1)")
    base = Path(tempfile.mkdtemp(prefix="groupnet-bench-"))
    peer = None
    try:
        port = free_port()
        peer_dir = base / "peer"
        token = await create_bench_node(peer_dir, "Peer", port)
        founder = crypto.load_key(peer_dir / config.KEY_FILE)
        print(f"preparing {args.messages} signed entries from {args.authors} authors …",
              flush=True)
        profiles = args.messages - 1 - args.authors
        sample = make_network(founder, args.authors, split(profiles, args.authors))
        feed = sample.setup + interleave(sample.logs)
        await _store_rows(peer_dir, feed)
        reference = RawSignatures(feed)
        del sample
        url = f"http://127.0.0.1:{port}"
        peer = await start_peer(peer_dir, port, base / "peer.log")
        peer_hash = await _state_hash(url, token)
        print(f"catch-up: a fresh node pulls {len(feed)} entries ({args.authors + 1} authors) "
              f"from a peer over loopback HTTP, as `groupnet network join` does; the peer is "
              f"a `groupnet run` process whose database was filled by inserting the signed "
              f"rows directly; {args.rounds} round(s)", flush=True)
        rounds = []
        for number in range(1, args.rounds + 1):
            timing = await _catchup_round(base / f"fresh-{number}", url, len(feed), peer_hash,
                                          frozenset({peer.pid}))
            raw, raw_cpu = reference.seconds()
            rounds.append((timing, raw, raw / timing.seconds, raw_cpu / len(feed)))
            print(f"  round {number}: {timing.seconds:.2f} s, "
                  f"{len(feed) / timing.seconds:.0f} entries/s; raw verify, one core: "
                  f"{raw:.2f} s; ratio {raw / timing.seconds:.2f}; CPU per entry: "
                  f"{timing.per_entry(len(feed))}", flush=True)
        middle = sorted(rounds, key=lambda r: r[0].seconds)[(len(rounds) - 1) // 2]
        seconds = statistics.median(r[0].seconds for r in rounds)
        raw = statistics.median(r[1] for r in rounds)
        ratio = statistics.median(r[2] for r in rounds)
        if len(feed) >= 100000:
            verdict = "met" if seconds < CATCHUP_TARGET_SECONDS else "NOT met"
        else:
            verdict = "not judged at this size"
        print(f"messages: {len(feed)}")
        print(f"seconds: {seconds:.2f} (median of {args.rounds}; target < "
              f"{CATCHUP_TARGET_SECONDS:.0f} s for 100000: {verdict})")
        print(f"messages/s: {len(feed) / seconds:.0f}")
        print(f"raw verify, one core: {raw:.2f} s for {len(feed)} signatures "
              f"({len(feed) / raw:.0f}/s, cryptography Ed25519PublicKey.verify, "
              f"{os.cpu_count()} cores here)")
        print(f"CPU per entry (median round): {middle[0].per_entry(len(feed))}; raw verify "
              f"{middle[3] * 1e6:.0f} us")
        print(f"ratio: {ratio:.2f} of one core's raw verify rate (reference; the target is "
              f"the time)")
        return 0
    finally:
        if peer is not None:
            await stop_peer(peer)
        shutil.rmtree(base, ignore_errors=True)


async def _store_rows(directory: Path, raws: list[bytes]) -> None:
    """Fill the peer's database quickly: the signed rows, in an order it could accept them.

    This skips the peer's own checks (the fresh node makes them all) and is
    why the peer is started only afterwards: it folds what it holds on start.
    """
    db = await store.connect(directory / config.DB_FILE)
    try:
        async with store.write_transaction(db):
            await entries.insert(db, [_parse(raw) for raw in raws], int(time.time() * 1000))
    finally:
        await db.close()


async def _catchup_round(directory: Path, url: str, expected: int, peer_hash: str,
                         peer: frozenset[int]) -> Timing:
    await create_bench_node(directory, "Fresh", free_port())
    node = await Node.open(directory)
    client = PeerClient(timeout=60, policy=PeerPolicy.of(node.config))
    try:
        stopwatch = Stopwatch(exclude=peer)
        fetched = await joining.join(node, client, url)
        timing = stopwatch.read()
        if fetched != expected:
            raise SystemExit(f"error: the fresh node took {fetched} of {expected} entries")
        if node.state.state_hash() != peer_hash:
            raise SystemExit("error: the fresh node's state hash differs from the peer's")
        return timing
    finally:
        await client.close()
        await node.close()
        shutil.rmtree(directory, ignore_errors=True)


async def _state_hash(url: str, token: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(
        url + "/api/v1/network", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        if response.status != 200:
            raise SystemExit(f"error: the peer answered HTTP {response.status}")
        return (await response.json())["state_hash"]


# -- nodes ------------------------------------------------------------------------



async def create_bench_node(directory: Path, name: str, port: int) -> str:
    _, token = await create_node(directory, name, f"http://127.0.0.1:{port}", port=port,
                                 allow_private_peers=True)
    return token


async def start_peer(directory: Path, port: int, log_file: Path) -> asyncio.subprocess.Process:
    """`groupnet run DIR` in its own process: the peer is another machine's node."""
    with open(log_file, "wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c",
            "import sys; from groupnet.cli.main import main; sys.exit(main())",
            "--log-level", "warning", "run", str(directory), "--port", str(port),
            stdout=asyncio.subprocess.DEVNULL, stderr=log,
        )
    url = f"http://127.0.0.1:{port}/.well-known/groupnet"
    deadline = time.monotonic() + 300
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise SystemExit(f"error: the peer exited: {log_file.read_text()[-500:]}")
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    process.kill()
    raise SystemExit("error: the peer did not start serving")


async def stop_peer(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()
