"""`groupnet demo`: a small local network with sample data, in one command."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from . import network
from .cli import create_node, wait_for_signal
from .messages import NetworkStandingOrders
from .node import Node
from .service import Service

SAMPLE_GROUPS = [
    ("Southwark", "Southwark and Bermondsey", "Second Tuesday, 7pm, Bermondsey library",
     "secretary@southwark.example"),
    ("Havering", "Havering and Romford", "First Monday, 7.30pm, Romford community hall",
     "havering.group@example.org"),
    ("Birmingham", "Birmingham city centre", "Every other Thursday, Digbeth",
     "brum@example.net"),
    ("Leeds", "Leeds and Bradford", "Last Wednesday, Chapeltown", "leeds@example.org"),
    ("Bristol", "Bristol and Bath", "Fortnightly Sundays, Easton", "bristol@example.org"),
]


async def start_demo_network(base: Path, base_port: int, count: int,
                             orders: NetworkStandingOrders | None = None,
                             ) -> tuple[list[Service], list[str]]:
    """Create, start and connect `count` nodes; return their services and admin tokens."""
    services: list[Service] = []
    tokens: list[str] = []
    for i in range(count):
        name, area, meets, contact = SAMPLE_GROUPS[i % len(SAMPLE_GROUPS)]
        if i >= len(SAMPLE_GROUPS):
            name = f"{name} {i // len(SAMPLE_GROUPS) + 1}"
        port = base_port + i
        directory = base / f"node{i + 1}-{name.lower().replace(' ', '-')}"
        _, token = await create_node(directory, name, f"http://127.0.0.1:{port}", port=port)
        tokens.append(token)
        node = await Node.open(directory)
        service = Service(node)
        await service.start()
        services.append(service)
    founder = services[0]
    await network.found(founder.node, "Local Groups Network",
                        orders or NetworkStandingOrders(witness_interval_seconds=2))
    for service in services[1:]:
        await network.admit(founder.node, founder.client, service.node.config.url)
        await network.join(service.node, service.client, founder.node.config.url)
        await service.outbox.refresh()
    await founder.outbox.refresh()
    for i, service in enumerate(services):
        _, area, meets, contact = SAMPLE_GROUPS[i % len(SAMPLE_GROUPS)]
        await network.set_profile(service.node, {"area": area, "meets": meets,
                                                 "contact": contact})
    return services, tokens


async def run_demo(args: argparse.Namespace) -> int:
    if args.dir:
        base = Path(args.dir)
        base.mkdir(parents=True, exist_ok=True)
    else:
        base = Path(tempfile.mkdtemp(prefix="groupnet-demo-"))
    services, tokens = await start_demo_network(base, args.base_port, args.nodes)
    await asyncio.sleep(1.0)
    print(f"groupnet demo: {len(services)} nodes in {base}\n")
    for service, token in zip(services, tokens, strict=True):
        node = service.node
        print(f"  {node.config.name:<12} {node.config.url}   admin token: {token}")
    first = services[0].node
    print(f"""
Open {first.config.url}/ in a browser and sign in with the first admin token above
("Node operator"); each node's own pages are at its URL.

Try:
  curl -H "Authorization: Bearer {tokens[0]}" {first.config.url}/api/v1/groups
  curl {first.config.url}/api/v1/openapi.json
  groupnet network groups {services[1].node.directory}
  groupnet profile set {services[2].node.directory} --meets "Saturdays, 11am"
  groupnet verify {services[0].node.directory}
Every node shows the same directory; change a profile on one and watch it reach the others.
Press Ctrl-C to stop.""", flush=True)
    if args.exit_after is not None:
        await asyncio.sleep(args.exit_after)
    else:
        await wait_for_signal()
    for service in services:
        await service.stop()
        await service.node.close()
    return 0
