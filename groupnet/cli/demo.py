"""`groupnet demo`: a small local network with sample data, in one command.

The nodes run in this process. The first two groups have their business set up
(`demo_business.py`): a register, a general meeting in progress, motions to
vote on, a motion shared and adopted, a due-process case.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from ..network import joining
from ..network.node import Node
from ..service import Service
from ..wire.messages import NetworkStandingOrders
from .demo_business import PASSWORD, SIGNED_UP, email_of, set_up_business
from .setup import create_node, wait_for_signal

# the sample groups are British
TIME_ZONE = "Europe/London"

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
        await set_up_business(services)
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
                                     allow_private_peers=True, time_zone=TIME_ZONE)
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
    secretary, chair, member = SIGNED_UP
    print(f"""
Open {first.config.url}/ and sign in as Southwark's secretary, {secretary}:
  email {email_of(secretary, "southwark")}   password {PASSWORD}
(or as the chair, {email_of(chair, "southwark")}, or a member, {email_of(member, "southwark")},
with the same password; or with the first admin token above, as the node's operator).

Then, in about ten minutes:
  1. Meetings: the general meeting is in progress, its week's notice has run and 27
     members are present (the demo's business runs a week ahead of the clock).
  2. Its motion "Support the bin workers' strike" has an amendment: put the amendment
     to the vote, then the motion; a member signed in can cast their own vote.
  3. "Keep the delegate conference" was carried 21-4-2 and shared: Network motions
     shows Havering adopted it at its own meeting, with its own count (9-2-1, 12 present).
  4. Due process: Vic Stone's case has its evidence disclosed and the reply window open.
  5. Members: 36 members, four lapsed; "Import from CSV" previews another system's export.

Each node's own pages are at its URL. From the command line:
  groupnet member list {first.directory} --status lapsed
  groupnet network groups {services[-1].node.directory}
  groupnet verify {first.directory}
Press Ctrl-C to stop.""", flush=True)
    if args.exit_after is not None:
        await asyncio.sleep(args.exit_after)
    else:
        await wait_for_signal()
    await stop_all(services)
    return 0
