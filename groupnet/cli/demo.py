"""`groupnet demo`: a small local network with sample data, in one command."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from ..network import joining, sharing
from ..network.node import Node
from ..service import Service
from ..wire.messages import NetworkStandingOrders
from .setup import create_node, wait_for_signal

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
    """Create, start and connect `count` nodes; return their services and admin tokens.

    If anything fails part way (a port already taken, say), the nodes already
    started are stopped again, so the command ends instead of hanging.
    """
    services: list[Service] = []
    tokens: list[str] = []
    try:
        await _start_nodes(base, base_port, count, services, tokens)
        await _connect(services, orders)
        await share_sample_motions(services)
    except BaseException:
        await stop_all(services)
        raise
    return services, tokens


async def stop_all(services: list[Service]) -> None:
    for service in services:
        await service.stop()
        await service.node.close()


async def _start_nodes(base: Path, base_port: int, count: int, services: list[Service],
                       tokens: list[str]) -> None:
    for i in range(count):
        name, _, _, _ = SAMPLE_GROUPS[i % len(SAMPLE_GROUPS)]
        if i >= len(SAMPLE_GROUPS):
            name = f"{name} {i // len(SAMPLE_GROUPS) + 1}"
        port = base_port + i
        directory = base / f"node{i + 1}-{name.lower().replace(' ', '-')}"
        _, token = await create_node(directory, name, f"http://127.0.0.1:{port}", port=port,
                                     allow_private_peers=True)
        tokens.append(token)
        node = await Node.open(directory)
        service = Service(node)
        try:
            await service.start()
        except BaseException:
            await service.stop()
            await node.close()
            raise
        services.append(service)


async def _connect(services: list[Service], orders: NetworkStandingOrders | None) -> None:
    founder = services[0]
    await joining.found(founder.node, "Local Groups Network",
                        orders or NetworkStandingOrders(witness_interval_seconds=2))
    for service in services[1:]:
        await joining.admit(founder.node, founder.client, service.node.config.url)
        await joining.join(service.node, service.client, founder.node.config.url)
        await service.outbox.refresh()
    await founder.outbox.refresh()
    for i, service in enumerate(services):
        _, area, meets, contact = SAMPLE_GROUPS[i % len(SAMPLE_GROUPS)]
        await joining.set_profile(service.node, {"area": area, "meets": meets,
                                                 "contact": contact})



async def share_sample_motions(services: list[Service]) -> None:
    """A motion adopted by one group and taken up by others, and a draft seeking support."""
    first = services[0].node
    adopted = await sharing.share(
        first, "Keep the delegate conference",
        "This branch calls for the delegate conference to go ahead as the elected "
        "committees decided, with motions from local groups and amendments.",
        ["democracy", "conference"],
        {"meeting": "General meeting", "date": "2017-01-11",
         "tally": {"in_favour": 17, "against": 10, "abstentions": 1, "attendance": 28}},
        "motion 3",
    )
    draft = await sharing.share(
        first, "Open the membership database to the groups",
        "Each local group should hold its own member register; no single person or "
        "company should hold everyone's data.", ["democracy", "membership"], None, "draft 7",
    )
    for service in services[1:]:
        await _wait_for(service.node, [adopted.id, draft.id])
    if len(services) > 1:
        await sharing.endorse(services[1].node, adopted.id,
                              {"meeting": "Branch meeting", "date": "2017-01-21",
                               "tally": {"in_favour": 22, "against": 3, "abstentions": 2,
                                         "attendance": 27}})
        await sharing.cosponsor(services[1].node, draft.id)
    if len(services) > 2:
        await sharing.amend(
            services[2].node, adopted.id,
            "This branch calls for the delegate conference to go ahead as the elected "
            "committees decided, with motions and amendments from local groups, and for "
            "its standing orders to be published six weeks before.",
            "add notice of the standing orders")


async def _wait_for(node: Node, motion_ids: list[str], seconds: float = 20.0) -> None:
    for _ in range(int(seconds * 20)):
        if all(m in node.state.motions.motions for m in motion_ids):
            return
        await asyncio.sleep(0.05)


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
    await stop_all(services)
    return 0
