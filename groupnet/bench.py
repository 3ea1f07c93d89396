"""`groupnet bench …`: measured figures, each printed beside its reference."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .bench_members import add_members_parser, bench_members
from .bench_pages import add_pages_parser, bench_pages
from .bench_propagation import add_propagation_parser, run_propagation


def add_bench_parser(commands: argparse._SubParsersAction, handler: Callable) -> None:
    bench = commands.add_parser("bench", help="benchmarks: print figures and their references")
    kinds = bench.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    p = kinds.add_parser("ingest", help="signed entries per second through the HTTP inbox")
    p.add_argument("--messages", type=int, default=20000)
    p.add_argument("--batch", type=int, default=500)
    p.set_defaults(handler=handler)
    p = kinds.add_parser("catchup", help="a fresh node pulls N entries from a peer")
    p.add_argument("--messages", type=int, default=100000)
    p.set_defaults(handler=handler)
    add_members_parser(kinds, handler)
    add_pages_parser(kinds, handler)
    add_propagation_parser(kinds, handler)


async def run_bench(args: argparse.Namespace) -> int:
    if args.bench == "members":
        return await bench_members(args)
    if args.bench == "pages":
        return await bench_pages(args)
    if args.bench == "propagation":
        return await run_propagation(args)
    raise SystemExit("error: benchmarks are being written")
