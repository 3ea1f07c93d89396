"""`groupnet bench propagation`: how fast a shared motion reaches every node.

N nodes run in worker processes (one per core by default, `--processes`; node i in
worker i mod W, see `cluster.py`), each a real HTTP server on its own loopback
port with its own SQLite file. One node shares a motion; the benchmark watches
every node's state and records when the motion appears there. It prints the
median and p99 of those arrival times, the time until the last node has it,
and how many HTTP requests the network spent on the message, beside the two
references that matter: n·log2(n) (what gossip over a log-degree overlay
should cost) and n² (what everyone-pushes-to-everyone would cost).

Anti-entropy and witnessing are slowed down while measuring, so the figures
are of push relaying alone; both run normally while the network forms.
"""

from __future__ import annotations

import asyncio
import math
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import msgspec

from ...federation.overlay import fanout
from ...network import joining
from ...network.constitution import Founding
from ...network.node import Node
from ...service import Service
from ...wire.messages import NetworkStandingOrders
from ..setup import create_node
from .cluster import Cluster, cpu_seconds

TARGET_P99_SECONDS = 2.0
FORMING_SYNC_SECONDS = 1.0
MEASURING_SYNC_SECONDS = 600.0
# joins at a time: each new node reads the founder's whole feed; joins that overlap
# send their entries on in bigger batches (docs/benchmarks.md, "Forming the network")
JOINING_AT_ONCE = 48
# the network's standing orders: witnesses once a day, so that they do not blur the figures
ORDERS = NetworkStandingOrders(witness_interval_seconds=86400)


def _free_ports(count: int) -> list[int]:
    import socket

    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


async def form(base: Path, count: int,
               founding: Callable[[list[Service]], Founding] | None = None,
               ) -> tuple[list[Service], list[str]]:
    """`count` nodes serving on loopback, a network founded by the first (under the
    constitution `founding` makes of the started nodes, if given) that all the others
    joined, every node in the same state; answers the services and their admin tokens."""
    started, cpu = time.perf_counter(), cpu_seconds()
    ports = _free_ports(count)
    # several at a time: making a node is mostly waiting for its database's fsyncs
    starting = asyncio.Semaphore(16)

    tokens = [""] * count

    async def start(i: int, port: int) -> Service:
        async with starting:
            directory = base / f"node{i:04d}"
            _, tokens[i] = await create_node(directory, f"Group {i + 1}",
                                             f"http://127.0.0.1:{port}", port=port,
                                             allow_private_peers=True)
            node = await Node.open(directory)
            node.config.sync_interval_seconds = FORMING_SYNC_SECONDS
            service = Service(node)
            await service.start()
            return service

    services = list(await asyncio.gather(*(start(i, port) for i, port in enumerate(ports))))
    print(f"{count} nodes created and serving in {time.perf_counter() - started:.1f} s, "
          f"{cpu_seconds() - cpu:.1f} s of CPU (part of the formation below)", flush=True)
    founder = services[0]
    await joining.found(founder.node, "Benchmark network",
                        ORDERS, founding(services) if founding else None)
    for service in services[1:]:
        await joining.admit(founder.node, founder.client, service.node.config.url)
    gate = asyncio.Semaphore(JOINING_AT_ONCE)

    async def join(service: Service) -> None:
        async with gate:
            await joining.join(service.node, service.client, founder.node.config.url)

    await asyncio.gather(*(join(s) for s in services[1:]))
    for service in services:
        await service.outbox.refresh()
    print(f"every node joined after {time.perf_counter() - started:.1f} s", flush=True)
    deadline = time.monotonic() + 120
    while not converged(services):
        if time.monotonic() > deadline:
            raise SystemExit("error: the benchmark network did not converge in 120 s")
        await asyncio.sleep(0.1)
    print(f"every node had the same state after {time.perf_counter() - started:.1f} s",
          flush=True)
    for service in services:
        service.node.config.sync_interval_seconds = MEASURING_SYNC_SECONDS
    await asyncio.sleep(FORMING_SYNC_SECONDS * 2)
    return services, tokens


def converged(services: list[Service]) -> bool:
    """Every node has the same state hash; hashed only once all hold as many entries."""
    if len({s.node.last_rx for s in services}) > 1:
        return False
    return len({s.node.state.state_hash() for s in services}) == 1


async def form_spread(base: Path, count: int, cluster: Cluster,
                      founding: Callable[[list[str]], Founding] | None = None,
                      ) -> list[tuple[str, str, str]]:
    """As `form`, with the nodes in the cluster's worker processes: `count` nodes serving,
    a network founded by node 0 (under the constitution `founding` makes of the nodes' ids
    in order, if given) that all the others joined, every node in the same state. Answers
    each node's (id, URL, admin token) in order."""
    started, cpu = time.perf_counter(), await cluster_cpu(cluster)
    ports = _free_ports(count)
    shares = [[[i, port] for i, port in enumerate(ports) if cluster.worker_of(i) == w]
              for w in range(cluster.workers)]
    made = await asyncio.gather(*(
        cluster.call(w, "start", base=str(base), nodes=shares[w], sync=FORMING_SYNC_SECONDS,
                     at_once=max(1, 16 // cluster.workers)) for w in range(cluster.workers)))
    nodes = {index: (node, url, token) for part in made for index, node, url, token in part}
    ordered = [nodes[i] for i in range(count)]
    print(f"{count} nodes created and serving in {time.perf_counter() - started:.1f} s, "
          f"{await cluster_cpu(cluster) - cpu:.1f} s of CPU (part of the formation below)",
          flush=True)
    await cluster.call(0, "found", index=0, name="Benchmark network",
                       orders=msgspec.to_builtins(ORDERS),
                       founding=msgspec.to_builtins(founding([n for n, _, _ in ordered]))
                       if founding else None)
    await cluster.call(0, "admit", index=0, urls=[url for _, url, _ in ordered[1:]])
    await asyncio.gather(*(cluster.call(
        w, "join", indices=[i for i, _ in shares[w] if i != 0], url=ordered[0][1],
        at_once=max(1, JOINING_AT_ONCE // cluster.workers)) for w in range(cluster.workers)))
    await cluster.each("refresh")
    print(f"every node joined after {time.perf_counter() - started:.1f} s", flush=True)
    deadline = time.monotonic() + 120
    while not await _converged(cluster):
        if time.monotonic() > deadline:
            raise SystemExit("error: the benchmark network did not converge in 120 s")
        await asyncio.sleep(0.1)
    print(f"every node had the same state after {time.perf_counter() - started:.1f} s",
          flush=True)
    await cluster.each("sync", seconds=MEASURING_SYNC_SECONDS)
    await asyncio.sleep(FORMING_SYNC_SECONDS * 2)
    return ordered


async def _converged(cluster: Cluster) -> bool:
    """As `converged`: the same number of entries everywhere, then the same state hash."""
    if len({rx for part in await cluster.each("status", hashes=False) for _, rx, _ in part}) > 1:
        return False
    return len({h for part in await cluster.each("status", hashes=True)
                for _, _, h in part}) == 1


async def _spread_cost(cluster: Cluster) -> str:
    """Requests (by endpoint), commits and entries stored that forming the network took,
    summed over the workers."""
    sent: Counter[str] = Counter()
    commits = stored = 0
    for part in await cluster.each("cost"):
        sent.update(part["sent"])
        commits += part["commits"]
        stored += part["stored"]
    kinds = ", ".join(f"{kind} {number}" for kind, number in sent.most_common())
    return (f"{sum(sent.values())} requests ({kinds}); {commits} commits; "
            f"{stored} entries stored")


async def cluster_cpu(cluster: Cluster) -> float:
    """CPU time of this process and of every worker with its signature checkers."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + sum(await cluster.each("cpu"))


async def _essential_work(base: Path, raws: list[bytes]) -> tuple[int, float, float]:
    """How long one fresh node takes to take the network's whole log in one batch.

    Forming the network delivers about this log to every node: this times the same
    number of entries arriving at once (parse, signatures, rules, one commit) —
    the least the formation could cost per node. Returns (entries, wall, CPU seconds).
    """
    directory = base / "reference"
    await create_node(directory, "Reference", "http://127.0.0.1:9", port=9)
    node = await Node.open(directory)
    try:
        cpu, wall = cpu_seconds(), time.perf_counter()
        results = await node.ingest(raws)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    finally:
        await node.close()
    if any(r.status != "accepted" for r in results):
        raise SystemExit("error: the reference node refused part of the network's log")
    return len(raws), wall, cpu


async def _trial(cluster: Cluster, count: int, sharer: int,
                 number: int) -> tuple[list[float], int]:
    """One motion shared by node `sharer`: the other nodes' arrival times, and the requests
    the network spent on it."""
    before = sum(c["requests"] for c in await cluster.each("cost"))
    entry, start = await cluster.call(cluster.worker_of(sharer), "share", index=sharer,
                                      number=number)
    seen: dict[str, float] = {}
    for part in await cluster.each("arrivals", entry=entry, until=start + 60):
        seen.update(part)
    if len(seen) < count:
        raise SystemExit(f"error: motion {number} reached only {len(seen)} nodes in 60 s")
    # let trailing relays (duplicates) finish before counting requests
    await asyncio.sleep(0.5)
    after = sum(c["requests"] for c in await cluster.each("cost"))
    return [seen[str(i)] - start for i in range(count) if i != sharer], after - before


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


async def bench_propagation(sizes: list[int], trials: int, processes: int) -> int:
    rows = []
    for count in sizes:
        base = Path(tempfile.mkdtemp(prefix=f"groupnet-bench-prop-{count}-"))
        cluster = await Cluster.start(min(processes, count))
        try:
            formed, cpu = time.perf_counter(), await cluster_cpu(cluster)
            await form_spread(base, count, cluster)
            formed, cpu = time.perf_counter() - formed, await cluster_cpu(cluster) - cpu
            print(f"{count} nodes formed a network in {formed:.1f} s, {cpu:.1f} s of CPU "
                  f"(fan-out {fanout(count)} per node; {cluster.workers} worker process(es), "
                  f"node i in worker i mod {cluster.workers}): "
                  f"{await _spread_cost(cluster)}", flush=True)
            raws = [raw.encode() for raw in await cluster.call(0, "feed", index=0)]
            logged, wall, work = await _essential_work(base, raws)
            print(f"reference: one node takes its network's {logged} entries in one batch in "
                  f"{wall * 1000:.0f} ms ({work * 1000:.0f} ms CPU); the {count - 1} others "
                  f"together: {wall * (count - 1):.1f} s ({work * (count - 1):.1f} s CPU)",
                  flush=True)
            arrivals: list[float] = []
            lasts: list[float] = []
            requests: list[int] = []
            for trial in range(trials):
                times, spent = await _trial(cluster, count, (trial * 7919) % count, trial)
                arrivals.extend(times)
                lasts.append(max(times) if times else 0.0)
                requests.append(spent)
            row = {
                "nodes": count,
                "median": statistics.median(arrivals),
                "p99": p99(arrivals),
                "last": statistics.median(lasts),
                "requests": statistics.median(requests),
                "nlogn": count * math.log2(max(count, 2)),
                "n2": count * count,
            }
            rows.append(row)
            print(f"{count:>5} nodes: arrival median {row['median'] * 1000:7.1f} ms, "
                  f"p99 {row['p99'] * 1000:7.1f} ms, last node (median of {trials}) "
                  f"{row['last'] * 1000:7.1f} ms; requests per message {row['requests']:.0f} "
                  f"(n log2 n = {row['nlogn']:.0f}, n^2 = {row['n2']})", flush=True)
        finally:
            await cluster.stop()
            shutil.rmtree(base, ignore_errors=True)
    print("\nnodes  median_ms  p99_ms  requests/msg  requests/(n log2 n)  requests/n^2")
    for row in rows:
        print(f"{row['nodes']:>5}  {row['median'] * 1000:9.1f}  {row['p99'] * 1000:6.1f}  "
              f"{row['requests']:12.0f}  {row['requests'] / row['nlogn']:19.2f}  "
              f"{row['requests'] / row['n2']:12.3f}")
    largest = rows[-1]
    print(f"p99 at {largest['nodes']} nodes: {largest['p99']:.2f} s "
          f"(target < {TARGET_P99_SECONDS:.1f} s)")
    return 0


def add_propagation_parser(kinds, handler) -> None:
    p = kinds.add_parser(
        "propagation", help="time for a shared motion to reach every node, and its requests",
        description="N nodes on loopback ports (in worker processes, one per core by default) form "
        "a network; one shares a "
        "motion; prints the median and p99 time until every node has it, and the HTTP "
        f"requests spent per message beside n·log2(n) and n². Target: p99 under "
        f"{TARGET_P99_SECONDS:.0f} s at 150 nodes.",
    )
    p.add_argument("--nodes", default="10,50,150",
                   help="comma-separated network sizes (default 10,50,150)")
    p.add_argument("--trials", type=int, default=5, help="motions shared per size")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                   help="worker processes the nodes are spread over, node i in worker i mod "
                   "W (default: one per core; 1 runs every node in one event loop)")
    p.set_defaults(handler=handler)


async def run_propagation(args) -> int:
    try:
        sizes = [int(part) for part in args.nodes.split(",")]
    except ValueError:
        raise SystemExit("error: --nodes takes sizes such as 10,50,150") from None
    if any(size < 2 for size in sizes) or args.trials < 1 or args.processes < 1:
        raise SystemExit("error: each size must be at least 2, and --trials and --processes "
                         "at least 1")
    return await bench_propagation(sizes, args.trials, args.processes)
