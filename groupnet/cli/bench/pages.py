"""`groupnet bench pages`: how long the node takes to make each main web page.

A node founds a network, imports a register of N members (20,000 by
default) through the same function `groupnet member import` calls, calls a
general meeting (its notice recorded for every member), takes a motion with
an amendment and shares one with the network. Then a running node serves
the pages to a browser-like client signed in as the operator (a session
started at /sign-in with the admin token, as a browser does);
each page is fetched several times and the server's own time (the
`Server-Timing` header) is reported as a median per page.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from ... import clock
from ...group import meetings, motions, register_import
from ...group.people import CLI
from ...network import joining, sharing
from ...network.node import Node
from ...procedure.group.standing_orders import DAY_MS
from ...service import Service
from ...store import register as store_register
from ...wire.messages import NetworkStandingOrders
from ..setup import create_node, free_port
from .members import sample_csv

PAGE_TARGET_MS = 200.0


def add_pages_parser(kinds: argparse._SubParsersAction, handler: Callable) -> None:
    p = kinds.add_parser(
        "pages", help="server time of each main web page with a large register",
        description="Import N members (through `groupnet member import`'s path), hold a "
        "meeting with a motion and an amendment, share a motion, then fetch each main web "
        "page as the signed-in operator. Prints the median server time per page "
        f"(Server-Timing; target under {PAGE_TARGET_MS:.0f} ms each).",
    )
    p.add_argument("--members", type=int, default=20000, help="members in the register")
    p.add_argument("--rounds", type=int, default=15, help="fetches of each page")
    p.set_defaults(handler=handler)


async def _scene(node: Node, members: int) -> dict[str, str]:
    """The register, a meeting, a motion with an amendment, a shared motion: page paths."""
    await joining.found(node, "Benchmark Network", NetworkStandingOrders())
    await joining.set_profile(node, {"area": "Southwark", "meets": "Tuesdays"})
    report = await register_import.import_csv(node, CLI, sample_csv(members),
                                              skip_invalid=False)
    if report.imported != members:
        raise SystemExit(f"error: imported {report.imported} of {members}")
    page = await store_register.page(node.db, store_register.Filters(status="active"), None, 3)
    first, second, third = (m.id for m in page.members)
    starts = datetime.now(UTC) + timedelta(days=8)
    meeting = await meetings.call(node, CLI, meetings.CallMeeting(
        kind="general", starts_at=starts, agenda=["Apologies", "Motions"],
        place="Bermondsey Village Hall"))
    motion = await motions.submit(node, CLI, meeting.id, motions.SubmitMotion(
        title="Support the strike", text="This branch supports the bin workers' strike.",
        proposer=first, seconder=second))
    await motions.amend(node, CLI, motion.id, motions.ProposeAmendment(
        text="This branch supports the bin workers' strike and will collect for it.",
        mover=third, seconder=first))
    shared = await sharing.share(node, "Keep the conference", "We call for the conference.",
                                 ["democracy"], None)
    clock.advance(node, 9 * DAY_MS)
    return {
        "dashboard": "/",
        "register": "/members",
        "register, search": "/members?q=patel",
        "register, lapsed": "/members?status=lapsed",
        "member": f"/members/{first}",
        "meetings": "/meetings",
        "meeting": f"/meetings/{meeting.id}",
        "motion": f"/motions/{motion.id}",
        "network motions": "/network/motions",
        "network motion": f"/network/motions/{shared.id}",
        "directory": "/directory",
        "notifications": "/notifications",
        "audit trail": "/audit",
    }


async def bench_pages(args: argparse.Namespace) -> int:
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    if args.members < 3 or args.rounds < 1:
        raise SystemExit("error: --members must be at least 3 and --rounds at least 1")
    base = Path(tempfile.mkdtemp(prefix="groupnet-bench-"))
    try:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        _, token = await create_node(base / "node", "Benchmark Group", url, port=port)
        node = await Node.open(base / "node")
        service = None
        try:
            print(f"pages: building a register of {args.members} members, a meeting, a motion "
                  "and a shared motion …", flush=True)
            start = time.perf_counter()
            paths = await _scene(node, args.members)
            print(f"pages: ready in {time.perf_counter() - start:.1f} s; fetching each page "
                  f"{args.rounds} times", flush=True)
            service = Service(node)
            await service.start()
            timings = await _fetch(url, token, paths, args.rounds)
        finally:
            if service is not None:
                await service.stop()
            await node.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    width = max(len(name) for name in timings)
    slowest = 0.0
    for name, ms in timings.items():
        median = statistics.median(ms)
        slowest = max(slowest, median)
        print(f"  {name:<{width}}  {paths[name]:<40.40}  median {median:7.2f} ms, "
              f"max {max(ms):7.2f} ms")
    verdict = "met" if slowest < PAGE_TARGET_MS else "NOT met"
    print(f"pages: slowest median {slowest:.2f} ms with {args.members} members "
          f"(target under {PAGE_TARGET_MS:.0f} ms each: {verdict})")
    return 0


async def _sign_in(http: aiohttp.ClientSession, url: str, token: str) -> None:
    """Sign in as a browser does: the operator's form, with its CSRF field."""
    async with http.get(url + "/sign-in") as response:
        page = await response.text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    async with http.post(url + "/sign-in/token", data={"token": token, "csrf": csrf},
                         allow_redirects=False) as response:
        if response.status != 303:
            raise SystemExit(f"error: signing in answered HTTP {response.status}")


async def _fetch(url: str, token: str, paths: dict[str, str],
                 rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in paths}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await _sign_in(http, url, token)
        for _ in range(rounds):
            for name, path in paths.items():
                async with http.get(url + path, allow_redirects=False) as response:
                    await response.read()
                    if response.status != 200:
                        raise SystemExit(f"error: {path} answered HTTP {response.status}")
                    timing = response.headers["Server-Timing"]
                timings[name].append(float(timing.partition("dur=")[2]))
    return timings
