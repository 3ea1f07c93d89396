"""`groupnet constitution …`: the network constitution and its bodies, from the command line."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import msgspec

from .. import clock
from ..network import constitution
from ..network.node import Node


def _day(ms: int | None) -> str:
    if ms is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ms / 1000))


async def _show(args: argparse.Namespace) -> int:
    node = await Node.open(Path(args.dir))
    try:
        view = msgspec.to_builtins(constitution.describe(node.state))
        view["bodies"] = msgspec.to_builtins(constitution.bodies(node.state, clock.now(node)))
    finally:
        await node.close()
    if args.json:
        print(json.dumps(view, indent=2))
        return 0
    if view["default"]:
        print("the default constitution (the founder wrote none)")
    else:
        print(f"the founding constitution, entry {view['entry']}, since {_day(view['since'])}")
    section = None
    for provision in view["provisions"]:
        if provision["section"] != section:
            section = provision["section"]
            print(f"\n{section}")
        mark = f"  [entrenched: {provision['entrenched']}]" if provision["entrenched"] else ""
        print(f"  {provision['ref']}  {provision['text']}{mark}")
    print("\nEntrenched provisions (no amendment can remove them)")
    for item in view["entrenched"]:
        print(f"  {item['id']}  {item['text']}")
    print("\nBodies")
    for body in view["bodies"]:
        ends = f", term ends {_day(body['term_ends'])}" if body["term_ends"] else ""
        print(f"  {body['name']} ({body['id']}): {body['status']}, "
              f"{len(body['members'])} of {body['seats']} seats held{ends}")
        for member in body["members"]:
            print(f"    {member['name']} ({member['holder']}) for "
                  f"{member['group_name'] or member['group']}")
    return 0


async def _check(args: argparse.Namespace) -> int:
    broken = constitution.check_file(args.file)
    if not broken:
        print(f"{args.file}: keeps every entrenched provision and is consistent")
        return 0
    for rejection in broken:
        print(f"{rejection.code}: {rejection.reason}")
    print(f"{args.file}: {len(broken)} problem(s); a network cannot be founded with it")
    return 1


def add_parsers(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "constitution", help="the network constitution: show it, check a file",
        description="The network constitution: its bodies, conferences, amendments, and the "
        "entrenched provisions no amendment can remove (docs/constitution.md).")
    actions = p.add_subparsers(dest="constitution_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the constitution in force and its bodies",
                              description="Every provision in plain words, the entrenched "
                              "ones marked, and each body with its members and term.")
    show.add_argument("dir", help="the node's directory")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)
    check = actions.add_parser("check", help="check a constitution file before founding",
                               description="Check FILE.toml as `network found "
                               "--constitution` would: list every entrenched provision it "
                               "breaks; exit 0 only when there is none.")
    check.add_argument("file", help="a constitution file (docs/constitution.example.toml)")
    check.set_defaults(handler=_check)
