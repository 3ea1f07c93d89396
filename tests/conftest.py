"""Real nodes on loopback ports, real SQLite files: the harness every test shares."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from groupnet import clock
from groupnet.cli.setup import create_node
from groupnet.federation.client import PeerClient, PeerError
from groupnet.federation.peer_policy import PeerPolicy
from groupnet.network import joining
from groupnet.network.constitution import Founding
from groupnet.network.node import Node
from groupnet.service import Service
from groupnet.wire.messages import NetworkStandingOrders

FAST_ORDERS = NetworkStandingOrders(witness_interval_seconds=1)


# scripts/test.sh installs every tool the suite uses, so there a skipped test is a
# missing install step, not a choice: GROUPNET_NO_SKIPS=1 makes any skip fail the run.
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("GROUPNET_NO_SKIPS") and _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if os.environ.get("GROUPNET_NO_SKIPS") and _skipped:
        terminalreporter.write_line(
            f"GROUPNET_NO_SKIPS: {len(_skipped)} test(s) skipped; scripts/test.sh installs "
            "everything the suite uses, so a skip here is a missing install step:",
            red=True)
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def eventually(check: Callable[[], bool | Awaitable[bool]], timeout: float = 30.0,
                     what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while True:
        outcome = check()
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if outcome:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class FencedClient(PeerClient):
    """A peer client that cannot reach the URLs in `fenced`: a network partition.

    Test-only. A partition between two sides fences each side's clients off the
    other side's URLs, so neither pushes nor pulls cross it; both sides keep
    serving and writing.
    """

    def __init__(self, fenced: set[str], policy: PeerPolicy) -> None:
        super().__init__(policy=policy)
        self.fenced = fenced

    def _check(self, url: str) -> None:
        if any(url.startswith(base) for base in self.fenced):
            raise PeerError(f"{url}: unreachable (test partition)")

    async def _get(self, url: str, params: dict | None = None):
        self._check(url)
        return await super()._get(url, params)

    async def push(self, base: str, raws: list[bytes]):
        self._check(base)
        return await super().push(base, raws)

    async def logs(self, base: str, after: list[tuple[str, int]], limit: int):
        self._check(base)
        return await super().logs(base, after, limit)


class Cluster:
    """Nodes started in this process, each a real HTTP server with its own database."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.services: list[Service] = []
        self.tokens: list[str] = []
        # node url -> urls it cannot reach (see `partition`)
        self.fences: dict[str, set[str]] = {}

    @property
    def nodes(self) -> list[Node]:
        return [s.node for s in self.services]

    async def create(self, name: str) -> tuple[Path, str, int]:
        port = free_port()
        directory = self.base / name.lower().replace(" ", "-")
        # every node here is on loopback: the peer address policy must allow it; and in
        # UTC, whatever the machine's zone, unless a test sets one (`start`'s settings)
        _, token = await create_node(directory, name, f"http://127.0.0.1:{port}", port=port,
                                     allow_private_peers=True, time_zone="UTC")
        self.tokens.append(token)
        return directory, token, port

    async def start(self, directory: Path, sync_interval: float = 0.5,
                    **settings: object) -> Service:
        """Serve the node in `directory`; `settings` override its node.toml fields."""
        node = await Node.open(directory)
        node.config.sync_interval_seconds = sync_interval
        for field, value in settings.items():
            setattr(node.config, field, value)
        service = Service(node)
        await service.client.close()
        fence = self.fences.setdefault(node.config.url, set())
        service.client = service.outbox.client = FencedClient(
            fence, PeerPolicy.of(node.config))
        await service.start()
        self.services.append(service)
        return service

    async def add(self, name: str) -> Service:
        directory, _, _ = await self.create(name)
        return await self.start(directory)

    async def stop(self, service: Service) -> None:
        await service.stop()
        await service.node.close()
        self.services.remove(service)

    async def form(self, count: int, orders: NetworkStandingOrders = FAST_ORDERS,
                   names: list[str] | None = None,
                   founding: Callable[[list[Service]], Founding] | None = None,
                   ) -> list[Service]:
        """Start `count` nodes, found a network with the first and admit the others.

        `founding` makes the founder's constitution from the started nodes (its interim
        members name them): the network is founded under it.
        """
        names = names or [f"Group {i + 1}" for i in range(count)]
        started = [await self.add(name) for name in names]
        founder = started[0]
        await joining.found(founder.node, "Test Network", orders,
                            founding(started) if founding else None)
        for service in started[1:]:
            await joining.admit(founder.node, founder.client, service.node.config.url)
            await joining.join(service.node, service.client, founder.node.config.url)
            await service.outbox.refresh()
        await founder.outbox.refresh()
        return started

    def time_passes(self, ms: int) -> None:
        """Move every clock of the process `ms` forward: days of notice pass in an instant,
        and witnessed time moves with them, as every node signs its witnesses later."""
        clock.advance_everyone(ms)

    def partition(self, *sides: list[Service]) -> None:
        """Cut the network between `sides`: no request crosses from one side to another."""
        for side in sides:
            others = {s.node.config.url for other in sides if other is not side for s in other}
            for service in side:
                self.fences.setdefault(service.node.config.url, set()).update(others)

    def heal(self) -> None:
        for fence in self.fences.values():
            fence.clear()

    async def converged(self, services: list[Service] | None = None,
                        timeout: float = 40.0) -> str:
        services = services or self.services

        def same() -> bool:
            hashes = {s.node.state.state_hash() for s in services}
            return len(hashes) == 1

        await eventually(same, timeout, "all nodes to reach the same state hash")
        return services[0].node.state.state_hash()

    async def close(self) -> None:
        for service in list(self.services):
            await self.stop(service)


@pytest.fixture
async def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # weeks that pass in a test (`time_passes`) pass for that test alone
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    c = Cluster(tmp_path)
    yield c
    await c.close()
