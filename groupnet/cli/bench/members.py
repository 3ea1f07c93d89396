"""`groupnet bench members`: import a large register from CSV, then page through it.

The import is timed from reading the file to the committed transaction,
through the same function `groupnet member import` calls (every row checked,
duplicates looked for, one audit row per member). Then a `groupnet run`-style
node serves the register and the benchmark pages through all of it over
loopback HTTP, 100 members a page, as an officer's browser would: each page
starts after the previous page's cursor. For each page it takes the server's
own time (the `Server-Timing` header every API answer carries) and the time
the client saw, and reports both medians. The import's CPU time is printed
beside its wall time: on a shared machine the second depends on the load.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import aiohttp

from ...group import register_import
from ...group.people import CLI
from ...network.node import Node
from ...service import Service
from ..setup import create_node, free_port

IMPORT_TARGET_SECONDS = 10.0
PAGE_TARGET_MS = 20.0

_FIRST = ("Ada", "Ben", "Cat", "Dev", "Eve", "Fay", "Gus", "Hal", "Ida", "Jo", "Kit", "Lee",
          "Mo", "Nia", "Olu", "Pat", "Raj", "Sam", "Tam", "Uma", "Viv", "Wes", "Yan", "Zoe")
_LAST = ("Archer", "Baker", "Cole", "Dunn", "Evans", "Fox", "Gray", "Hunt", "Ives", "Jones",
         "King", "Lowe", "Moss", "Nash", "Okoro", "Patel", "Quinn", "Reid", "Shah", "Tran",
         "Usman", "Vance", "Wood", "Young")
_AREAS = ("Walworth", "Peckham", "Bermondsey", "Camberwell", "Rotherhithe", "Dulwich")


def add_members_parser(kinds: argparse._SubParsersAction, handler: Callable) -> None:
    p = kinds.add_parser(
        "members", help="import N members from CSV, then page the register over HTTP",
        description="Import N generated members from a CSV file through the same path as "
        "`groupnet member import`, then page through the whole register 100 at a time over "
        "the client API of a running node. Prints the import time (target: under "
        f"{IMPORT_TARGET_SECONDS:.0f} s for 50,000) and the median page time, server side "
        f"(target: under {PAGE_TARGET_MS:.0f} ms) and as the client saw it.",
    )
    p.add_argument("--members", type=int, default=50000, help="members in the CSV file")
    p.add_argument("--page", type=int, default=100, help="members per page (at most 1000)")
    p.set_defaults(handler=handler)


def sample_csv(count: int, seed: int = 2017) -> str:
    """A register CSV of `count` distinct members with varied details."""
    rng = random.Random(seed)
    lines = ["name,email,phone,area,postcode,joined,status,roles,notes"]
    first_day = date(2010, 1, 1)
    for n in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        joined = first_day + timedelta(days=rng.randrange(2500))
        status = "lapsed" if n % 23 == 0 else ("resigned" if n % 47 == 0 else "active")
        roles = "secretary" if n == 0 else ""
        lines.append(f"{first} {last},{first.lower()}.{last.lower()}.{n}@example.org,"
                     f"020 7{n % 1000:03d} {n % 10000:04d},{rng.choice(_AREAS)},"
                     f"SE{n % 28 + 1} {n % 9}{chr(65 + n % 26)}{chr(65 + n % 13)},"
                     f"{joined.isoformat()},{status},{roles},")
    return "\n".join(lines) + "\n"


async def bench_members(args: argparse.Namespace) -> int:
    # the node logs each start at info level, which would interleave with the figures
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    if args.members < 1 or not 1 <= args.page <= 1000:
        raise SystemExit("error: --members must be at least 1 and --page between 1 and 1000")
    load = os.getloadavg()
    base = Path(tempfile.mkdtemp(prefix="groupnet-bench-"))
    try:
        port = free_port()
        directory = base / "node"
        _, token = await create_node(directory, "Benchmark Group",
                                     f"http://127.0.0.1:{port}", port=port)
        csv_file = base / "members.csv"
        csv_file.write_text(sample_csv(args.members))
        node = await Node.open(directory)
        service = None
        try:
            print(f"members: importing {args.members} members from a "
                  f"{csv_file.stat().st_size // 1024} KiB CSV file, as `groupnet member "
                  "import` does …", flush=True)
            start, cpu = time.perf_counter(), time.process_time()
            text = register_import.decode_csv(csv_file.read_bytes())
            report = await register_import.import_csv(node, CLI, text, skip_invalid=False)
            import_seconds = time.perf_counter() - start
            import_cpu = time.process_time() - cpu
            if report.imported != args.members:
                raise SystemExit(f"error: imported {report.imported} of {args.members}")
            service = Service(node)
            await service.start()
            server_ms, client_ms, pages = await _page_through(
                f"http://127.0.0.1:{port}", token, args.page, args.members)
        finally:
            if service is not None:
                await service.stop()
            await node.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"import: {import_seconds:.2f} s for {args.members} members "
          f"({args.members / import_seconds:.0f}/s; target under {IMPORT_TARGET_SECONDS:.0f} s)")
    # on a shared machine the wall time depends on who else runs; the CPU time less so
    print(f"import, CPU time of this process (all threads): {import_cpu:.2f} s; "
          f"load average before: {load[0]:.2f} on {os.cpu_count()} core(s)")
    print(f"pages: {pages} of {args.page} over GET /api/v1/members (keyset cursor)")
    print(f"page, server time (Server-Timing): median {statistics.median(server_ms):.2f} ms, "
          f"95th percentile {_percentile(server_ms, 95):.2f} ms "
          f"(target under {PAGE_TARGET_MS:.0f} ms)")
    print(f"page, as the client saw it: median {statistics.median(client_ms):.2f} ms, "
          f"95th percentile {_percentile(client_ms, 95):.2f} ms")
    return 0


async def _page_through(url: str, token: str, size: int,
                        expected: int) -> tuple[list[float], list[float], int]:
    headers = {"Authorization": f"Bearer {token}"}
    server_ms: list[float] = []
    client_ms: list[float] = []
    seen, after = 0, None
    async with aiohttp.ClientSession(headers=headers) as http:
        while True:
            params = {"limit": str(size), **({"after": after} if after else {})}
            start = time.perf_counter()
            async with http.get(f"{url}/api/v1/members", params=params) as response:
                body = await response.json()
            client_ms.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                raise SystemExit(f"error: the node answered HTTP {response.status}: {body}")
            timing = response.headers["Server-Timing"]
            server_ms.append(float(timing.partition("dur=")[2]))
            seen += len(body["members"])
            after = body["next"]
            if after is None:
                break
    if seen != expected:
        raise SystemExit(f"error: paging saw {seen} members, not {expected}")
    return server_ms, client_ms, len(server_ms)



def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * percent // 100)]
