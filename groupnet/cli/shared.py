"""`groupnet shared …`: motions on the network, from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..group import adoption
from ..group.people import CLI
from ..limits import count_arg, id_arg
from ..network import following, sharing
from ..network.node import Node
from ..wire.rejection import refuse


def _adoption(args: argparse.Namespace) -> dict | None:
    if args.meeting is None:
        return None
    return {"meeting": args.meeting, "date": args.date,
            "tally": {"in_favour": args.in_favour, "against": args.against,
                      "abstentions": args.abstentions, "attendance": args.attendance}}


def _add_adoption_options(p: argparse.ArgumentParser, required: bool) -> None:
    group = p.add_argument_group("the meeting's decision")
    group.add_argument("--meeting", required=required, help="which meeting decided, e.g. AGM")
    group.add_argument("--date", required=required, help="its date, YYYY-MM-DD")
    group.add_argument("--for", dest="in_favour", type=count_arg, default=0, help="votes in favour")
    group.add_argument("--against", type=count_arg, default=0, help="votes against")
    group.add_argument("--abstentions", type=count_arg, default=0, help="abstentions")
    group.add_argument("--attendance", type=count_arg, default=0, help="members present")


async def _run(args: argparse.Namespace) -> int:
    node = await Node.open(Path(args.dir))
    try:
        return await ACTIONS[args.shared_command](node, args)
    finally:
        await node.close()


def _print_entry(what: str, entry) -> int:
    print(f"{what}: entry {entry.id} (seq {entry.seq})")
    return 0


async def _list(node: Node, args: argparse.Namespace) -> int:
    motions = sharing.feed(node, args.group, args.area, args.topic, args.state, args.search)
    if args.json:
        print(json.dumps(motions, indent=2))
        return 0
    if not motions:
        print("no shared motions match")
    for m in motions:
        print(f"{m['id'][:12]}  [{m['state']}] v{m['version']}  {m['title']}\n"
              f"              from {m['group']['name']}; {m['endorsements']} endorsements, "
              f"{m['cosponsors']} co-sponsors, {m['amendments']} amendments")
    return 0


def _resolve(node: Node, prefix: str) -> str:
    matches = [m for m in node.state.motions.motions if m.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]

    raise refuse("unknown_motion", f"{len(matches)} shared motions have an id starting "
                 f"{prefix!r}; give more of it", 404)


async def _show(node: Node, args: argparse.Namespace) -> int:
    motion = sharing.motion_or_404(node, _resolve(node, args.motion))
    print(json.dumps(sharing.describe(node, motion, full=True), indent=2))
    return 0


async def _share(node: Node, args: argparse.Namespace) -> int:
    if args.from_motion is not None:
        entry = await adoption.share_local(node, args.from_motion, args.topic or [])
        return _print_entry(f"shared motion {args.from_motion}", entry)
    if not args.title or not (args.text or args.text_file):
        raise refuse("bad_request", "give --from-motion, or --title and --text/--text-file", 400)
    text = Path(args.text_file).read_text() if args.text_file else args.text
    entry = await sharing.share(node, args.title, text, args.topic or [], _adoption(args),
                                args.local)
    return _print_entry("shared", entry)


async def _revise(node: Node, args: argparse.Namespace) -> int:
    text = Path(args.text_file).read_text() if args.text_file else args.text
    changes = {"title": args.title, "text": text, "topics": args.topic,
               "adopted": _adoption(args)}
    entry = await sharing.revise(node, _resolve(node, args.motion), changes, args.note)
    return _print_entry("revised", entry)


async def _withdraw(node: Node, args: argparse.Namespace) -> int:
    return _print_entry("withdrawn",
                        await sharing.withdraw(node, _resolve(node, args.motion), args.reason))


async def _endorse(node: Node, args: argparse.Namespace) -> int:
    entry = await sharing.endorse(node, _resolve(node, args.motion), _adoption(args),
                                  args.version)
    return _print_entry("endorsed", entry)


async def _cosponsor(node: Node, args: argparse.Namespace) -> int:
    return _print_entry("co-sponsored",
                        await sharing.cosponsor(node, _resolve(node, args.motion), args.version))


async def _amend(node: Node, args: argparse.Namespace) -> int:
    text = Path(args.text_file).read_text() if args.text_file else args.text
    entry = await sharing.amend(node, _resolve(node, args.motion), text, args.reason,
                                args.version)
    return _print_entry("amendment proposed", entry)


async def _reply(node: Node, args: argparse.Namespace) -> int:
    return _print_entry("replied",
                        await sharing.reply(node, _resolve(node, args.motion), args.text))


async def _adopt(node: Node, args: argparse.Namespace) -> int:
    view = await adoption.adopt(node, CLI, _resolve(node, args.motion), args.meeting,
                                args.seconder, args.proposer)
    print(f"adopted as motion {view.id} for meeting {view.meeting}; when the meeting carries "
          "it, the endorsement goes to the network with the count")
    return 0


async def _follow(node: Node, args: argparse.Namespace) -> int:
    await following.follow(node, args.kind, args.value)
    print(f"following {args.kind} {args.value}")
    return 0


async def _unfollow(node: Node, args: argparse.Namespace) -> int:
    await following.unfollow(node, args.kind, args.value)
    print(f"no longer following {args.kind} {args.value}")
    return 0


async def _notifications(node: Node, args: argparse.Namespace) -> int:
    inbox = await following.notifications(node)
    print(f"{inbox['unread']} unread")
    for item in inbox["items"]:
        mark = "*" if item["unread"] else " "
        m = item["motion"]
        print(f"{mark} {m['id'][:12]}  v{item['version']}  {m['title']} "
              f"({m['group']['name']}; {', '.join(item['because'])})")
    if args.mark_read:
        await following.mark_read(node)
    return 0


ACTIONS = {
    "list": _list, "show": _show, "share": _share, "revise": _revise, "withdraw": _withdraw,
    "endorse": _endorse, "cosponsor": _cosponsor, "adopt": _adopt, "amend": _amend, "reply": _reply,
    "follow": _follow, "unfollow": _unfollow, "notifications": _notifications,
}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    shared = commands.add_parser(
        "shared", help="motions shared on the network: feed, share, endorse, amend",
        description="Motions groups share with the network, and other groups' responses.")
    actions = shared.add_subparsers(dest="shared_command", metavar="ACTION", required=True)

    def action(name: str, text: str, motion: bool = True) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=text, description=text)
        p.add_argument("dir", help="the node's directory")
        if motion:
            p.add_argument("motion", help="the shared motion's id (a unique prefix will do)")
        p.set_defaults(handler=_run)
        return p

    p = action("list", "the network motion feed, newest first", motion=False)
    p.add_argument("--group", help="only this group (name or node id)")
    p.add_argument("--area", help="only groups whose area contains this")
    p.add_argument("--topic", help="only motions with this topic")
    p.add_argument("--state", choices=["draft", "adopted", "withdrawn"])
    p.add_argument("--search", help="only motions whose title or text contains this")
    p.add_argument("--json", action="store_true", help="print JSON")
    action("show", "one motion with its versions, endorsements, amendments and replies")
    p = action("share", "share one of this group's motions (adopted, or a draft)", motion=False)
    p.add_argument("--from-motion", type=id_arg,
                   help="share this local motion (carried: with its decision; not yet put: "
                   "as a draft) instead of giving --title and --text")
    p.add_argument("--title")
    p.add_argument("--text", help="the motion's text")
    p.add_argument("--text-file", help="read the text from this file")
    p.add_argument("--topic", action="append", help="a topic (repeat for more)")
    p.add_argument("--local", default="", help="the group's own reference, e.g. 'motion 3'")
    _add_adoption_options(p, required=False)
    p = action("revise", "publish a revised version of this group's motion")
    p.add_argument("--title")
    p.add_argument("--text")
    p.add_argument("--text-file")
    p.add_argument("--topic", action="append")
    p.add_argument("--note", default="", help="what changed and why")
    _add_adoption_options(p, required=False)
    p = action("withdraw", "withdraw this group's motion")
    p.add_argument("--reason", required=True)
    p = action("endorse", "endorse a motion this group adopted, with the meeting's tally")
    p.add_argument("--version", type=count_arg, help="the version adopted (default: the latest)")
    _add_adoption_options(p, required=True)
    p = action("adopt", "put a shared motion to one of our meetings as our own motion")
    p.add_argument("--meeting", type=id_arg, required=True, help="our meeting's id")
    p.add_argument("--seconder", required=True, help="the seconder's member id")
    p.add_argument("--proposer", help="the proposer's member id")
    p = action("cosponsor", "co-sponsor a motion")
    p.add_argument("--version", type=count_arg)
    p = action("amend", "propose an amendment to a motion")
    p.add_argument("--text", help="the amended text in full")
    p.add_argument("--text-file")
    p.add_argument("--reason", default="")
    p.add_argument("--version", type=count_arg)
    p = action("reply", "publish a reply under a motion")
    p.add_argument("--text", required=True)
    for name, text in (("follow", "be notified of new motions from a group or on a topic"),
                       ("unfollow", "stop following a group or topic")):
        p = action(name, text, motion=False)
        p.add_argument("kind", choices=["group", "topic"])
        p.add_argument("value", help="a group's node id, or a topic")
    p = action("notifications", "new motions from followed groups and topics", motion=False)
    p.add_argument("--mark-read", action="store_true", help="then mark them all read")
