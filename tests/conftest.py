"""Real nodes on loopback ports, real SQLite files: the harness every test shares."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from groupnet import network
from groupnet.cli import create_node
from groupnet.messages import NetworkStandingOrders
from groupnet.node import Node
from groupnet.service import Service

FAST_ORDERS = NetworkStandingOrders(witness_interval_seconds=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def eventually(check: Callable[[], bool | Awaitable[bool]], timeout: float = 15.0,
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


class Cluster:
    """Nodes started in this process, each a real HTTP server with its own database."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.services: list[Service] = []
        self.tokens: list[str] = []

    @property
    def nodes(self) -> list[Node]:
        return [s.node for s in self.services]

    async def create(self, name: str) -> tuple[Path, str, int]:
        port = free_port()
        directory = self.base / name.lower().replace(" ", "-")
        _, token = await create_node(directory, name, f"http://127.0.0.1:{port}", port=port)
        self.tokens.append(token)
        return directory, token, port

    async def start(self, directory: Path, sync_interval: float = 0.5) -> Service:
        node = await Node.open(directory)
        node.config.sync_interval_seconds = sync_interval
        service = Service(node)
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
                   names: list[str] | None = None) -> list[Service]:
        names = names or [f"Group {i + 1}" for i in range(count)]
        started = [await self.add(name) for name in names]
        founder = started[0]
        await network.found(founder.node, "Test Network", orders)
        for service in started[1:]:
            await network.admit(founder.node, founder.client, service.node.config.url)
            await network.join(service.node, service.client, founder.node.config.url)
            await service.outbox.refresh()
        await founder.outbox.refresh()
        return started

    async def converged(self, services: list[Service] | None = None,
                        timeout: float = 20.0) -> str:
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
async def cluster(tmp_path: Path):
    c = Cluster(tmp_path)
    yield c
    await c.close()
