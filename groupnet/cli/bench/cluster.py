"""Benchmark nodes spread over worker processes: one event loop per core, as on real machines.

In a real network each node is its own process on its own machine. A benchmark that runs
150 nodes in one process serves them all from one event loop, so one core, and its wall
time is that loop's CPU time. Here the benchmark (the coordinator) starts W worker
processes, each running its share of the nodes as real services (HTTP on loopback, SQLite
files), and drives them through each worker's stdin and stdout: one JSON line per command,
one per answer, each tagged with a number so that commands to a worker overlap (a worker
watching for a motion keeps serving its nodes). Node i runs in worker i mod W, so the
founder (node 0) is in worker 0. Times compared across processes are read from
`time.monotonic`, CLOCK_MONOTONIC on Linux: one clock for the whole machine.

A worker is `python -c "from groupnet.cli.bench.cluster import main; main()"`; its stdout
carries the answers only (anything else it would print goes to stderr, with its logs).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from ...network import joining, sharing
from ...network.constitution import Founding
from ...network.node import Node
from ...service import Service
from ...wire.messages import NetworkStandingOrders
from ..setup import create_node

LINE_LIMIT = 64 * 1024 * 1024
WORKER = "from groupnet.cli.bench.cluster import main; main()"


class Command(msgspec.Struct):
    id: int
    op: str
    args: dict[str, Any] = {}


class Answer(msgspec.Struct, omit_defaults=True):
    id: int
    ok: Any = None
    error: str | None = None


def cpu_seconds() -> float:
    """CPU time of this process and of its live children (the signature checkers)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
    except OSError:
        return total
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


# -- the worker ------------------------------------------------------------------------


class Worker:
    """The nodes of one worker process, and the commands the coordinator may give."""

    def __init__(self) -> None:
        self.services: dict[int, Service] = {}

    async def start(self, base: str, nodes: list[list[int]], sync: float,
                    at_once: int) -> list[list[Any]]:
        """Make and serve nodes [index, port] under `base`: [index, id, url, token] each."""
        starting = asyncio.Semaphore(at_once)

        async def one(index: int, port: int) -> list[Any]:
            async with starting:
                directory = Path(base) / f"node{index:04d}"
                url = f"http://127.0.0.1:{port}"
                node_id, token = await create_node(directory, f"Group {index + 1}", url,
                                                   port=port, allow_private_peers=True)
                node = await Node.open(directory)
                node.config.sync_interval_seconds = sync
                service = Service(node)
                await service.start()
                self.services[index] = service
                return [index, node_id, url, token]

        return list(await asyncio.gather(*(one(i, p) for i, p in nodes)))

    async def found(self, index: int, name: str, orders: dict,
                    founding: dict | None = None) -> None:
        await joining.found(self.services[index].node, name,
                            msgspec.convert(orders, NetworkStandingOrders),
                            msgspec.convert(founding, Founding) if founding else None)

    async def admit(self, index: int, urls: list[str]) -> None:
        service = self.services[index]
        for url in urls:
            await joining.admit(service.node, service.client, url)

    async def join(self, indices: list[int], url: str, at_once: int) -> None:
        gate = asyncio.Semaphore(at_once)

        async def one(index: int) -> None:
            async with gate:
                service = self.services[index]
                await joining.join(service.node, service.client, url)

        await asyncio.gather(*(one(i) for i in indices))

    async def refresh(self) -> None:
        for service in self.services.values():
            await service.outbox.refresh()

    async def status(self, hashes: bool) -> list[list[Any]]:
        """[index, entries stored, state hash if asked] for each node."""
        return [[i, s.node.last_rx, s.node.state.state_hash() if hashes else None]
                for i, s in self.services.items()]

    async def sync(self, seconds: float) -> None:
        for service in self.services.values():
            service.node.config.sync_interval_seconds = seconds

    async def cost(self) -> dict[str, Any]:
        sent: Counter[str] = Counter()
        for service in self.services.values():
            sent.update(service.client.sent)
        return {"sent": dict(sent),
                "commits": sum(getattr(s.node.db, "commits", 0) for s in self.services.values()),
                "stored": sum(s.node.last_rx for s in self.services.values()),
                "requests": sum(s.client.requests for s in self.services.values()),
                "failed": sum(s.outbox.failed for s in self.services.values())}

    async def cpu(self) -> float:
        return cpu_seconds()

    async def feed(self, index: int) -> list[str]:
        rows = await self.services[index].node.feed(0, 1_000_000)
        return [raw.decode() for _, raw in rows]

    async def share(self, index: int, number: int) -> list[Any]:
        """Share a motion from node `index`: [its entry id, the monotonic time before]."""
        started = time.monotonic()
        entry = await sharing.share(self.services[index].node, f"Benchmark motion {number}",
                                    "Shared to measure how fast motions travel.", ["bench"],
                                    None)
        return [entry.id, started]

    async def arrivals(self, entry: str, until: float) -> dict[str, float]:
        """The monotonic time each node here first held motion `entry` (looked every 2 ms)."""
        seen: dict[str, float] = {}
        while len(seen) < len(self.services):
            now = time.monotonic()
            for i, service in self.services.items():
                if str(i) not in seen and entry in service.node.state.motions.motions:
                    seen[str(i)] = now
            if now > until:
                break
            await asyncio.sleep(0.002)
        return seen

    async def until(self, check: Callable[[Node], bool], what: str, every: float = 0.01,
                    limit: float = 600.0) -> float:
        """Wait until `check` holds on every node here: the monotonic time it did. Checks
        that derive much should look seldom (`every`): the nodes share this process."""
        started = time.monotonic()
        while not all(check(s.node) for s in self.services.values()):
            if time.monotonic() - started > limit:
                missing = sum(not check(s.node) for s in self.services.values())
                raise SystemExit(f"{what}: not on {missing} nodes after {limit:.0f} s")
            await asyncio.sleep(every)
        return time.monotonic()

    async def call(self, op: str, args: dict[str, Any]) -> Any:
        """A command: a method of this class, or `module.name` for the function
        `worker_<name>(worker, ...)` of a benchmark module beside this one."""
        if "." not in op:
            return await getattr(self, op)(**args)
        module, name = op.rsplit(".", 1)
        found = importlib.import_module(f"{__package__}.{module}")
        return await getattr(found, f"worker_{name}")(self, **args)

    async def stop(self) -> None:
        for service in self.services.values():
            await service.stop()
            await service.node.close()
        self.services.clear()


async def _serve() -> None:
    # the answers go to the original stdout; anything printed goes to stderr
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    worker = Worker()
    encode, decode = msgspec.json.Encoder(), msgspec.json.Decoder(Command)
    running: set[asyncio.Task] = set()

    async def run(command: Command) -> None:
        try:
            result = await worker.call(command.op, command.args)
            answer = Answer(command.id, ok=result)
        except BaseException as error:  # the coordinator says what failed, and stops
            answer = Answer(command.id, error=f"{type(error).__name__}: {error}")
        answers.write(encode.encode(answer) + b"\n")

    while line := await reader.readline():
        command = decode.decode(line)
        if command.op == "stop":
            await asyncio.gather(*running, return_exceptions=True)
            await worker.stop()
            answers.write(encode.encode(Answer(command.id, ok=None)) + b"\n")
            return
        task = asyncio.create_task(run(command))
        running.add(task)
        task.add_done_callback(running.discard)
    await worker.stop()


def main() -> None:
    asyncio.run(_serve())


# -- the coordinator -------------------------------------------------------------------


class Cluster:
    """W worker processes running N nodes between them (node i in worker i mod W)."""

    def __init__(self, processes: list[asyncio.subprocess.Process]) -> None:
        self.processes = processes
        # command id -> (the worker it went to, its answer to come)
        self._waiting: dict[int, tuple[int, asyncio.Future]] = {}
        self._next = 0
        self._readers = [asyncio.create_task(self._read(w)) for w in range(len(processes))]
        self._decode = msgspec.json.Decoder(Answer)

    @classmethod
    async def start(cls, workers: int) -> Cluster:
        processes = [await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, limit=LINE_LIMIT) for _ in range(workers)]
        return cls(processes)

    @property
    def workers(self) -> int:
        return len(self.processes)

    def worker_of(self, index: int) -> int:
        return index % self.workers

    async def _read(self, worker: int) -> None:
        stdout = self.processes[worker].stdout
        assert stdout is not None
        while line := await stdout.readline():
            answer = self._decode.decode(line)
            _, waiting = self._waiting.pop(answer.id, (worker, None))
            if waiting is None or waiting.done():
                continue
            if answer.error is not None:
                waiting.set_exception(SystemExit(f"error: benchmark worker {worker}: "
                                                 f"{answer.error}"))
            else:
                waiting.set_result(answer.ok)
        for ident, (whose, waiting) in list(self._waiting.items()):
            if whose == worker:
                del self._waiting[ident]
                waiting.set_exception(SystemExit(f"error: benchmark worker {worker} ended"))

    async def call(self, worker: int, op: str, **args: Any) -> Any:
        """Give one worker a command; its answer."""
        self._next += 1
        ident = self._next
        answer = asyncio.get_running_loop().create_future()
        self._waiting[ident] = (worker, answer)
        stdin = self.processes[worker].stdin
        assert stdin is not None
        stdin.write(msgspec.json.encode(Command(ident, op, args)) + b"\n")
        await stdin.drain()
        return await answer

    async def each(self, op: str, **args: Any) -> list[Any]:
        """The same command to every worker at once; their answers in worker order."""
        return list(await asyncio.gather(*(self.call(w, op, **args)
                                           for w in range(self.workers))))

    async def stop(self) -> None:
        with contextlib.suppress(SystemExit, ConnectionError):
            await asyncio.wait_for(self.each("stop"), 60)
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                if process.returncode is None:
                    process.stdin.close()  # type: ignore[union-attr]
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
