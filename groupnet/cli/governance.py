"""`groupnet constitution …`: the network constitution and its bodies, from the command line."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from ..limits import argument
from ..network import bodies, constitution
from ..network.node import Node
from ..wire.rejection import refuse


def _day(ms: int | None) -> str:
    if ms is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ms / 1000))


async def _show(args: argparse.Namespace) -> int:
    node = await Node.open(Path(args.dir))
    try:
        view = msgspec.to_builtins(constitution.describe(node.state))
        view["bodies"] = msgspec.to_builtins(constitution.bodies(node.state))
    finally:
        await node.close()
    if args.json:
        print(json.dumps(view, indent=2))
        return 0
    if view["rule_change"] is not None:
        print(f"the constitution of rule change {view['rule_change']}, in force for entries "
              f"dated from {_day(view['in_force_since'])} (C5.5)")
    elif view["default"]:
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
    _print_history(view)
    print("\nBodies")
    for body in view["bodies"]:
        ends = f", term ends {_day(body['term_ends'])}" if body["term_ends"] else ""
        print(f"  {body['name']} ({body['id']}): {body['status']}, "
              f"{len(body['members'])} of {body['seats']} seats held{ends}")
        for member in body["members"]:
            print(f"    {member['name']} ({member['holder']}) for "
                  f"{member['group_name'] or member['group']}")
    return 0


def _print_history(view: dict) -> None:
    """Every constitution in force so far, newest last, with the vote that carried it, and
    what became of the rule changes not (or not yet) in force."""
    print("\nHistory")
    for version in view["history"]:
        if version["source"] == "default":
            print("  from the founding: the default constitution")
            continue
        if version["source"] == "founding":
            print(f"  from the founding: the founder's constitution, entry {version['entry']}")
            continue
        result = version["result"]
        votes = f" ({result['for']} for, {result['against']} against)" if result else ""
        print(f"  from {_day(version['since'])}: rule change {version['entry']} "
              f"\"{version['title']}\", carried at conference {version['conference']} by vote "
              f"{version['vote']}{votes}, final cut {version['cut']}")
        if version["amendment"]:
            print(f"    as amendment {version['amendment']} has it")
        if version["ballot"]:
            print(f"    ratified by member ballot {version['ballot']}")
        for change in version["changes"]:
            print(f"    {change['field']}: {json.dumps(change['old'])} -> "
                  f"{json.dumps(change['new'])}")
    for outcome in view["outcomes"]:
        if outcome["status"] != "in force":
            named = f"rule change {outcome['rule_change']}" if outcome["rule_change"] \
                else "its rule changes"
            print(f"  conference {outcome['conference']}, {named}: {outcome['status']}: "
                  f"{outcome['reason']}")


async def _check(args: argparse.Namespace) -> int:
    broken = constitution.check_file(args.file)
    if not broken:
        print(f"{args.file}: keeps every entrenched provision and is consistent")
        return 0
    for rejection in broken:
        print(f"{rejection.code}: {rejection.reason}")
    print(f"{args.file}: {len(broken)} problem(s); a network cannot be founded with it")
    return 1


# -- bodies ----------------------------------------------------------------------------


async def _with_node(args: argparse.Namespace, action) -> int:
    node = await Node.open(Path(args.dir))
    try:
        return await action(node)
    finally:
        await node.close()


def _print_meeting(meeting: bodies.BodyMeetingView) -> None:
    print(f"{meeting.id[:12]}  {meeting.title}: opens {_day(meeting.opens)}, closes "
          f"{_day(meeting.closes)}; called by {meeting.caller_name or meeting.caller}")
    for item in meeting.items:
        print(f"  item {item.index}: {item.action}{': ' + item.text if item.text else ''}")
        print(f"    {item.status}: {item.reason}")
        for vote in item.votes:
            counted = {True: "counted", False: "late: not counted", None: "pending"}[
                vote.counted]
            print(f"    {vote.vote:<8} {vote.holder} ({vote.group_name or vote.group}), "
                  f"{counted}")


async def _body_list(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        listed = constitution.bodies(node.state)
        if args.json:
            print(json.dumps(msgspec.to_builtins(listed), indent=2))
            return 0
        for body in listed:
            ends = f", term ends {_day(body.term_ends)}" if body.term_ends else ""
            how = (f", elected at conference (election {body.election[:12]})" if body.election
                   else ", elected at conference" if body.elected else "")
            print(f"{body.id}  {body.name}: {body.status}, {len(body.members)} of "
                  f"{body.seats} seats held{ends}{how}")
        return 0

    return await _with_node(args, act)


async def _body_show(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        bodies.body_or_404(node, args.body)
        view = next(b for b in constitution.bodies(node.state) if b.id == args.body)
        found = bodies.meetings(node, args.body)
        if args.json:
            print(json.dumps({"body": msgspec.to_builtins(view),
                              "own_seats": bodies.own_seats(node, args.body),
                              "meetings": msgspec.to_builtins(found)}, indent=2))
            return 0
        print(f"{view.name} ({view.id}): {view.status}; {view.notice_days} days' notice, "
              f"quorum {view.quorum_percent}%, {view.majority} majority")
        if view.election is not None:
            print(f"  elected by the conference (election {view.election[:12]}), from "
                  f"{_day(view.since)} until {_day(view.term_ends)}")  # type: ignore[arg-type]
        elif view.elected:
            print("  the conference elects this body; the interim members sit until it does")
        for member in view.members:
            print(f"  {member.holder:<12} {member.name} for {member.group_name or member.group}")
        if not found:
            print("no meetings yet")
        for meeting in found:
            _print_meeting(meeting)
        return 0

    return await _with_node(args, act)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise refuse("bad_request", f"{text!r} is not a date and time, e.g. "
                     "2027-01-10T19:00:00Z", 400) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _items(args: argparse.Namespace) -> list[dict]:
    if args.items_json:
        return json.loads(Path(args.items_json).read_text(encoding="utf-8"))
    items = []
    for given in args.item or []:
        action, _, text = given.partition(":")
        item: dict = {"action": action.strip(), "text": text.strip()}
        if item["action"] == "call-conference" and args.conference_opens:
            item["opens"] = args.conference_opens
        if item["action"] == "rule-out":
            item.update(provision=args.provision or "", refs=args.ref or [])
        items.append(item)
    return items


def _shaped(shape: type, fields: dict):
    try:
        return msgspec.convert(fields, shape)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"{shape.__name__}: {error}", 400) from None


async def _body_meeting(args: argparse.Namespace) -> int:
    call = _shaped(bodies.CallMeeting, {
        "title": args.title, "opens": _moment(args.opens).isoformat(),
        "closes": _moment(args.closes).isoformat(), "items": _items(args)})

    async def act(node: Node) -> int:
        entry = await bodies.call_meeting(node, args.body, call)
        print(f"called a meeting of {args.body}: entry {entry.id} (seq {entry.seq})")
        return 0

    return await _with_node(args, act)


async def _body_vote(args: argparse.Namespace) -> int:
    vote = _shaped(bodies.CastVote, {"item": args.item, "vote": args.vote,
                                    "holder": args.holder})

    async def act(node: Node) -> int:
        meeting = bodies.resolve(node, args.meeting)
        entry = await bodies.cast_vote(node, meeting.body.body, meeting.id, vote)
        print(f"voted {args.vote} on item {args.item}: entry {entry.id} (seq {entry.seq})")
        return 0

    return await _with_node(args, act)


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

    p = commands.add_parser(
        "body", help="the network's bodies: list, show, call a meeting, vote",
        description="Meetings of the network's bodies, called with notice and voted on by "
        "the seat holders' own groups; every node judges them by the constitution.")
    actions = p.add_subparsers(dest="body_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every body: status, seats held, term end")
    listing.add_argument("dir", help="the node's directory")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_body_list)
    show = actions.add_parser("show", help="a body, its members, its meetings and outcomes")
    show.add_argument("dir", help="the node's directory")
    show.add_argument("body", help="the body's id, e.g. national-committee")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_body_show)
    meeting = actions.add_parser(
        "meeting", help="call a meeting of a body this group holds a seat on",
        description="Sign a body.meeting: refused with the provision it breaks (notice B2, "
        "powers and term B3, entrenched provisions E1-E4) unless every node would accept it.")
    meeting.add_argument("dir", help="the node's directory")
    meeting.add_argument("body", help="the body's id, e.g. national-committee")
    meeting.add_argument("--title", required=True)
    meeting.add_argument("--opens", required=True, help="when it opens, e.g. 2027-01-10T19:00Z")
    meeting.add_argument("--closes", required=True, help="when voting closes (within 14 days)")
    meeting.add_argument("--item", action="append", metavar="ACTION: TEXT",
                         help="an item: one of the body's powers and its text (repeatable)")
    meeting.add_argument("--conference-opens", help="for call-conference: when it opens")
    meeting.add_argument("--provision", help="for rule-out: the provision cited, e.g. C4.1")
    meeting.add_argument("--ref", action="append", help="for rule-out: a motion's entry id")
    meeting.add_argument("--items-json", metavar="FILE",
                         help="the items as a JSON list instead (fields as the API takes)")
    meeting.set_defaults(handler=_body_meeting)
    vote = actions.add_parser("vote", help="vote on an item as one of this group's seat holders")
    vote.add_argument("dir", help="the node's directory")
    vote.add_argument("meeting", help="the meeting's id (a unique prefix will do)")
    vote.add_argument("--item", type=argument(0, 49), required=True, help="the item's number")
    vote.add_argument("--vote", choices=["for", "against", "abstain"], required=True)
    vote.add_argument("--holder", help="the seat holder, when this group holds several seats")
    vote.set_defaults(handler=_body_vote)
