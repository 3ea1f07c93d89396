"""The `groupnet` command line. Every command has --help; failures print one line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from .. import __version__, config, store
from ..federation.client import PeerClient
from ..federation.peer_policy import PeerPolicy
from ..limits import argument
from ..network import constitution, floor_record, joining, keys, verify
from ..network.node import Node
from ..service import Service
from ..store import audit, entries, tokens
from ..web.auth import create_token, revoke_token
from ..wire.rejection import Refused
from . import ballots, business, conferences, governance, members, shared
from .bench.main import add_bench_parser, run_bench
from .demo import run_demo
from .setup import create_node, wait_for_signal

PORT = argument(0, 65535)


class JsonLines(logging.Formatter):
    """One line per event, machine-readable."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line)


def setup_logging(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


# -- node creation ---------------------------------------------------------------

PRIVATE_YES = ("1", "true", "yes")


# -- commands ----------------------------------------------------------------------


async def with_node(directory: str, action: Callable[[Node], Awaitable[int]]) -> int:
    node = await Node.open(Path(directory))
    try:
        return await action(node)
    finally:
        await node.close()


async def cmd_init(args: argparse.Namespace) -> int:
    proxies = [p.strip() for given in args.trusted_proxy for p in given.split(",") if p.strip()]
    node_id, token = await create_node(Path(args.dir), args.name, args.url, args.host, args.port,
                                       trusted_proxies=proxies,
                                       allow_private_peers=args.allow_private_peers,
                                       allowed_peer_networks=args.peer_network,
                                       time_zone=args.time_zone)
    print(f"node id:     {node_id}")
    print(f"directory:   {args.dir}")
    print(f"time zone:   {config.load(Path(args.dir)).time_zone}")
    print(f"admin token: {token}")
    print("(the token is shown only this once; the node keeps only its hash)")
    return 0


async def cmd_found(args: argparse.Namespace) -> int:
    orders = joining.load_standing_orders(Path(args.rules) if args.rules else None)
    founding = None
    if args.constitution:
        founding = constitution.load_founding(args.constitution, orders if args.rules else None)
        orders = founding.constitution.standing_orders

    async def act(node: Node) -> int:
        entry = await joining.found(node, args.name, orders, founding)
        print(f"founded network {entry.net} ({args.name!r}); charter {entry.id}")
        if founding is not None:
            print(f"under the constitution in {args.constitution}, with "
                  f"{len(founding.interim)} interim member(s)")
        return 0

    return await with_node(args.dir, act)


async def cmd_admit(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        client = PeerClient(policy=PeerPolicy.of(node.config))
        try:
            entry = await joining.admit(node, client, args.url)
        finally:
            await client.close()
        body = entry.body
        print(f"approved admission of {body.name!r} ({body.node}); entry {entry.id}")
        if not node.state.is_member(body.node):
            candidate = node.state.candidates.get(body.node)
            got = len(candidate.approvals) if candidate else 0
            need = node.state.approvals_needed()
            print(f"{got} of {need} approvals so far; other admitted nodes must approve too")
        return 0

    return await with_node(args.dir, act)


async def cmd_join(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        client = PeerClient(timeout=60, policy=PeerPolicy.of(node.config))
        try:
            fetched = await joining.join(node, client, args.url)
        finally:
            await client.close()
        member = node.state.members.get(node.id)
        admitted = (f"admitted; the network reaches it at {member.url or 'no url yet'}" if member
                    else "not yet admitted (it publishes its url once it is)")
        print(f"joined network {node.state.net} ({node.state.name!r}) via {args.url}: "
              f"{fetched} entries fetched; this node is {admitted}")
        return 0

    return await with_node(args.dir, act)


async def cmd_groups(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        groups = node.groups()
        if args.json:
            print(json.dumps(groups, indent=2))
            return 0
        if not groups:
            print("no groups yet: this node has not founded or joined a network")
        for g in groups:
            print(f"{g['name']}\n  node:    {g['node']}\n  url:     {g['url']}")
            for field in ("area", "meets", "contact"):
                if g[field]:
                    print(f"  {field + ':':8} {g[field]}")
        return 0

    return await with_node(args.dir, act)


async def cmd_status(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        state = node.state
        print(json.dumps({
            "node": node.id, "name": node.config.name, "network": state.net,
            "network_name": state.name, "admitted": state.is_member(node.id),
            "members": len(state.members), "entries": node.last_rx,
            "state_hash": state.state_hash(), "forks": len(state.forks),
        }, indent=2))
        return 0

    return await with_node(args.dir, act)


async def cmd_profile(args: argparse.Namespace) -> int:
    changes = {k: getattr(args, k) for k in ("name", "area", "meets", "contact", "url")}

    async def act(node: Node) -> int:
        entry = await joining.set_profile(node, changes)
        print(f"published profile (seq {entry.seq}, entry {entry.id})")
        return 0

    return await with_node(args.dir, act)


async def cmd_verify(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    config.load(directory)
    db = await store.connect(directory / config.DB_FILE)
    try:
        rows = await entries.all_rows(db)
        fork_rows = await entries.fork_rows(db)
        audit_rows = await audit.all_rows(db)
    finally:
        await db.close()
    problems, state = verify.check_rows(rows, fork_rows)
    problems += floor_record.recount(state)
    problems += audit.check_chain(audit_rows)
    problems += verify.check_files(directory)
    for line in problems:
        print(f"problem: {line}")
    for line in verify.equivocations(state):
        print(f"equivocation: {line}")
    print(f"checked {len(rows)} entries, {len(fork_rows)} fork proofs and "
          f"{len(audit_rows)} audit rows: "
          f"{len(problems)} problem(s); state hash {state.state_hash()}")
    return 1 if problems else 0


async def cmd_token(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        print(await create_token(node, "admin", args.label))
        return 0

    return await with_node(args.dir, act)


async def cmd_token_list(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        for prefix, role, label, created in await tokens.listing(node.db):
            when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(created / 1000))
            print(f"{prefix}  {role:<6} {when}  {label}")
        return 0

    return await with_node(args.dir, act)


async def cmd_token_revoke(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        await revoke_token(node, args.prefix)
        print(f"revoked token {args.prefix}")
        return 0

    return await with_node(args.dir, act)


async def cmd_key_rotate(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        entry = await keys.rotate(node)
        print(f"rotated key at seq {entry.seq}: new key {entry.body.key}")
        print("restart `groupnet run` for this node if it is running")
        return 0

    return await with_node(args.dir, act)


async def cmd_key_revoke(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        entry = await keys.revoke(node, args.reason)
        print(f"revoked: this node's log is closed at seq {entry.seq}")
        return 0

    return await with_node(args.dir, act)


async def cmd_run(args: argparse.Namespace) -> int:
    node = await Node.open(Path(args.dir))
    service = Service(node, args.host, args.port)
    await service.start()
    print(f"groupnet node {node.config.name!r} serving on http://{service.host}:{service.port}",
          flush=True)
    await wait_for_signal()
    await service.stop()
    await node.close()
    return 0


async def cmd_demo(args: argparse.Namespace) -> int:
    return await run_demo(args)


async def cmd_bench(args: argparse.Namespace) -> int:
    return await run_bench(args)


# -- argument parsing -------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="groupnet",
        description="A federated server for networks of local groups: each group runs a node.",
    )
    parser.add_argument("--version", action="version", version=f"groupnet {__version__}")
    parser.add_argument("--log-level", default="info",
                        choices=["debug", "info", "warning", "error"],
                        help="how much `run` and `demo` log (JSON lines on stderr)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser("init", help="create a node in a new directory",
                            description="Create a node: key (0600), config, SQLite database "
                            "(WAL), and an admin token for the client API, printed once.")
    p.add_argument("dir", help="the node's directory (created with mode 0700)")
    p.add_argument("--name", required=True, help="the group's name, e.g. Southwark")
    p.add_argument("--url", required=True, help="where other nodes reach this node")
    p.add_argument("--host", default="127.0.0.1", help="address `run` listens on")
    p.add_argument("--port", type=PORT, default=0, help="port `run` listens on (default: URL's)")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                   help="a reverse proxy in front of the node (an address or network; "
                   "repeat, or separate with commas): only its X-Forwarded-For is believed "
                   "(trusted_proxies in node.toml; see docs/deploy.md)")
    p.add_argument("--allow-private-peers", action="store_true",
                   default=os.environ.get("GROUPNET_ALLOW_PRIVATE_PEERS", "") in PRIVATE_YES,
                   help="also reach peers on loopback, private and link-local addresses "
                   "(a network on one machine or one private network); by default only "
                   "public addresses (default: the environment's GROUPNET_ALLOW_PRIVATE_PEERS "
                   "= true, as the Docker image's entrypoint passes it on)")
    p.add_argument("--peer-network", action="append", default=[], metavar="CIDR",
                   help="reach peers in this network too, e.g. 10.20.0.0/16 (repeatable)")
    p.add_argument("--time-zone", metavar="ZONE",
                   help="where the group meets, e.g. Europe/London: pages show and read times "
                   "in it (time_zone in node.toml; default: the system's, from TZ or "
                   "/etc/timezone)")
    p.set_defaults(handler=cmd_init)

    net = commands.add_parser("network", help="found, admit, join, list",
                              description="The network this node belongs to.")
    net_commands = net.add_subparsers(dest="network_command", metavar="ACTION", required=True)
    p = net_commands.add_parser("found", help="found a new network with this node",
                                description="Sign a charter that fixes the network id and its "
                                "standing orders (defaults, or a TOML file).")
    p.add_argument("dir")
    p.add_argument("--name", required=True, help="the network's name")
    p.add_argument("--rules", help="TOML file of standing orders (see docs/standing-orders.md)")
    p.add_argument("--constitution", metavar="FILE.toml",
                   help="TOML file overriding the default constitution and naming the interim "
                   "members (see docs/constitution.md); checked in full first: a file that "
                   "breaks an entrenched provision founds nothing")
    p.set_defaults(handler=cmd_found)
    p = net_commands.add_parser("admit", help="approve the admission of the node at URL",
                                description="Run on an admitted node: reads URL's "
                                "/.well-known/groupnet and signs an admission approval.")
    p.add_argument("dir")
    p.add_argument("url")
    p.set_defaults(handler=cmd_admit)
    p = net_commands.add_parser("join", help="fetch the network from any admitted node",
                                description="Fetch the charter and every log from the node "
                                "at URL; from then on this node takes part.")
    p.add_argument("dir")
    p.add_argument("url")
    p.set_defaults(handler=cmd_join)
    p = net_commands.add_parser("groups", help="list every admitted group and its profile")
    p.add_argument("dir")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_groups)
    p = net_commands.add_parser("status", help="this node's view: members, state hash, forks")
    p.add_argument("dir")
    p.set_defaults(handler=cmd_status)

    prof = commands.add_parser("profile", help="the group's public profile")
    prof_commands = prof.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    p = prof_commands.add_parser("set", help="publish the group's profile to the network",
                                 description="Publish a signed group.profile; fields not "
                                 "given keep their current value.")
    p.add_argument("dir")
    p.add_argument("--name", help="the group's name")
    p.add_argument("--area", help="the area the group covers")
    p.add_argument("--meets", help="when and where it meets")
    p.add_argument("--contact", help="how to reach it")
    p.add_argument("--url", help="the node's public URL")
    p.set_defaults(handler=cmd_profile)

    p = commands.add_parser("run", help="serve this node and keep replicating",
                            description="Serve the federation endpoints and the client API; "
                            "push, pull and witness until stopped (SIGINT/SIGTERM).")
    p.add_argument("dir")
    p.add_argument("--host", default=None, help="listen address (default: from node.toml)")
    p.add_argument("--port", type=PORT, default=None, help="listen port (default: from node.toml)")
    p.set_defaults(handler=cmd_run)

    p = commands.add_parser("verify", help="re-check every stored entry",
                            description="Re-check signatures, chains, rules, file modes and "
                            "the audit trail's hash chain; "
                            "print each problem; exit 0 only when all hold.")
    p.add_argument("dir")
    p.set_defaults(handler=cmd_verify)

    tok = commands.add_parser("token", help="client API tokens")
    tok_commands = tok.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    p = tok_commands.add_parser("create", help="create another admin token (printed once)")
    p.add_argument("dir")
    p.add_argument("--label", default="created by `token create`")
    p.set_defaults(handler=cmd_token)
    p = tok_commands.add_parser("list", help="list tokens: hash prefix, role, created, label",
                                description="Tokens are kept only as hashes; this shows a "
                                "prefix of each hash to name it by.")
    p.add_argument("dir")
    p.set_defaults(handler=cmd_token_list)
    p = tok_commands.add_parser("revoke", help="revoke a token by its hash prefix",
                                description="Delete the token whose hash starts with PREFIX "
                                "(see `token list`); clients using it are refused from then on.")
    p.add_argument("dir")
    p.add_argument("prefix")
    p.set_defaults(handler=cmd_token_revoke)

    key = commands.add_parser("key", help="rotate or revoke this node's signing key")
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    p = key_commands.add_parser("rotate", help="sign a rotation to a fresh key",
                                description="The old key signs the new one into force from "
                                "the next seq; old entries stay valid.")
    p.add_argument("dir")
    p.set_defaults(handler=cmd_key_rotate)
    p = key_commands.add_parser("revoke", help="close this node's log for good",
                                description="After a revocation no entry of this node is "
                                "accepted anywhere: use it when the key is lost to others.")
    p.add_argument("dir")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_key_revoke)

    p = commands.add_parser("demo", help="start a three-node network with sample data",
                            description="Start three nodes on loopback in one process, found "
                            "a network, admit and join, publish sample profiles, and give the "
                            "first two groups their business: a register, a general meeting in "
                            "progress with motions and an amendment to vote on, a motion "
                            "carried, shared and adopted, a due-process case; run until "
                            "Ctrl-C.")
    p.add_argument("--dir", help="keep the nodes here (default: a new temporary directory)")
    p.add_argument("--base-port", type=PORT, default=8101, help="first of three ports")
    p.add_argument("--nodes", type=argument(1, 100), default=3, help="how many nodes")
    p.add_argument("--exit-after", type=float, default=None,
                   help="stop after this many seconds (for scripted use)")
    p.set_defaults(handler=cmd_demo)

    shared.add_parsers(commands)
    members.add_parsers(commands)
    business.add_parsers(commands)
    conferences.add_parsers(commands)
    governance.add_parsers(commands)
    ballots.add_parsers(commands)

    add_bench_parser(commands, cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        return asyncio.run(args.handler(args))
    except Refused as refused:
        print(f"error: {refused.rejection.code}: {refused.rejection.reason}", file=sys.stderr)
        return 2
    except sqlite3.OperationalError as error:
        if not store.is_busy(error):
            raise
        print(f"error: busy: another process held the node's database for longer than "
              f"{store.BUSY_TIMEOUT_MS // 1000} s ({error}); nothing was changed: try again",
              file=sys.stderr)
        return 75  # EX_TEMPFAIL
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

