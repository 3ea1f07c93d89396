"""`groupnet conference …`: conferences on the network, from the command line.

Every command calls the same steps as the client API (`network/conferences.py`,
`group/conferences.py`), so the same rules refuse the same things. Ids may be
shortened to a unique prefix. Times are ISO 8601 (`2026-03-01` or
`2026-03-01T10:00:00+00:00`, UTC when no zone is given) or milliseconds since 1970.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from ..group import conferences as group_conferences
from ..group import floor as group_floor
from ..group.people import CLI
from ..limits import id_arg
from ..network import conferences, elections, floor, floor_record
from ..network.node import Node
from ..procedure.network.bodies import Bodies
from ..procedure.network.conferences import Conferences
from ..procedure.network.elections import Elections
from ..procedure.network.floor import Floor
from ..wire.rejection import refuse

Action = Callable[[Node, argparse.Namespace], Awaitable[object]]


def moment(text: str) -> int:
    """A time on the command line: ISO 8601 (UTC unless it says), or ms since 1970."""
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is no time: give e.g. 2026-03-01 or 2026-03-01T10:00:00+00:00") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _unique(ids: Iterable[str], prefix: str, what: str, code: str) -> str:
    matches = [i for i in ids if i.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]
    raise refuse(code, f"{len(matches)} {what} have an id starting {prefix!r}; give more of it",
                 404)


def _conference(node: Node, prefix: str) -> str:
    return _unique(node.state.rules(Conferences).calls, prefix, "conferences",
                   "unknown_conference")


def _decision(node: Node, text: str) -> str:
    """`<meeting id>:<item>`, the meeting's id possibly shortened to a unique prefix."""
    meeting, _, item = text.partition(":")
    found = _unique(node.state.rules(Bodies).meetings, meeting, "meetings", "unknown_meeting")
    return f"{found}:{item}"


def _print(value: object) -> None:
    print(json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False))


def _written(what: str, entry) -> None:
    print(f"{what}: entry {entry.id} (seq {entry.seq})")


async def _run(args: argparse.Namespace) -> int:
    node = await Node.open(Path(args.dir))
    try:
        shown = await args.action(node, args)
        if shown is not None:
            _print(shown)
        return 0
    finally:
        await node.close()


async def list_(node: Node, args: argparse.Namespace) -> object:
    listed = conferences.listing(node)
    if args.json:
        return {"conferences": listed}
    if not listed:
        print("no conference has been called")
    for c in listed:
        print(f"{c['id'][:12]}  [{c['status']}] {c['title']} ({c['basis']}), opens "
              f"{_when(c['opens'])}\n              called by {c['called_by']['name']}: "
              f"{c['reason']}")
    requisitions = conferences.requisitions(node)
    for r in requisitions:
        print(f"requisition {r['id'][:12]}  {r['title']}: {r['summary']}"
              f"{' (met)' if r['met'] else ''}")
    return None


async def show(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    described = conferences.describe(node, conference)
    if args.json:
        described["entitlements"] = conferences.entitlements(node, conference)
        return described
    print(f"{described['title']} ({described['basis']}) [{described['status']}]")
    print(f"  {described['reason']}")
    for line in described["timetable"]:
        passed = "passed" if line["passed"] else "to come"
        print(f"  {line['title']:<28} {_when(line['at'])}  ({passed})")
    print("  group                           members  entitled  credentialed")
    for e in conferences.entitlements(node, conference):
        members = "-" if e["members"] is None else e["members"]
        print(f"  {e['group']['name'][:30]:<30} {members:>8}  {e['entitled']:>8}  "
              f"{e['delegates']:>12}  {e['credential_status'] or ''}")
    return None


async def call(node: Node, args: argparse.Namespace) -> object:
    if args.requisition:
        requisition = _unique(node.state.rules(Conferences).requisitions, args.requisition,
                              "requisitions", "unknown_requisition")
        entry = await conferences.call_requisitioned(node, requisition, args.closes,
                                                     args.title)
    elif args.meeting:
        meeting = _unique(node.state.rules(Bodies).meetings, args.meeting, "meetings",
                          "unknown_meeting")
        entry = await conferences.call_annual(node, meeting, args.item, args.closes,
                                              args.title)
    else:
        if args.opens is None:
            raise refuse("bad_request", "K1: the first conference's call needs --opens", 400)
        entry = await conferences.call_first(
            node, args.title or "First conference", args.opens,
            args.closes or args.opens + 2 * conferences.DAY_MS)
    _written("conference called; its id", entry)
    return None


async def requisition(node: Node, args: argparse.Namespace) -> object:
    if args.support:
        opener = _unique(node.state.rules(Conferences).requisitions, args.support,
                         "requisitions", "unknown_requisition")
        _written("requisition signed", await conferences.support_requisition(
            node, opener, args.reason or ""))
        return None
    if args.title is None or args.opens is None:
        raise refuse("bad_request", "K3: a requisition names --title and --opens "
                     "(or --support ID signs another group's)", 400)
    _written("requisition opened; its id", await conferences.open_requisition(
        node, args.title, args.reason or "", args.opens))
    return None


async def submit(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    entry = await group_conferences.submit_local(node, conference, args.motion, args.subject,
                                                 args.emergency or "")
    _written(f"motion {args.motion} submitted", entry)
    return None


async def amend(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    motion = _unique(node.state.rules(Conferences).motions, args.motion,
                     "conference motions", "unknown_motion")
    entry = await group_conferences.amend_local(node, motion, args.from_motion,
                                                args.reason or "", conference)
    _written(f"motion {args.from_motion} proposed as an amendment", entry)
    return None


async def rule_change(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    try:
        amended = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise refuse("bad_constitution", f"C5: {args.file} cannot be read: {error}",
                     400) from None
    if args.amends:
        proposal = _unique(node.state.rules(Conferences).rule_changes, args.amends,
                           "rule changes", "unknown_rule_change")
        entry = await group_conferences.amend_rule_change_local(
            node, proposal, args.motion, amended, args.reason or "", conference)
        _written(f"motion {args.motion} submitted as an amendment to a rule change", entry)
        return None
    entry = await group_conferences.rule_change_local(node, conference, args.motion, amended,
                                                      args.reason or "")
    _written(f"motion {args.motion} submitted as a rule change", entry)
    return None


async def consent(node: Node, args: argparse.Namespace) -> object:
    _conference(node, args.conference)
    entry = await conferences.consent(node, _decision(node, args.composite), not args.refuse)
    _written("consent refused" if args.refuse else "consent given", entry)
    return None


async def appeal(node: Node, args: argparse.Namespace) -> object:
    _conference(node, args.conference)
    _written("appeal lodged", await conferences.appeal(node, _decision(node, args.ruling),
                                                       args.reason))
    return None


async def priorities(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    motions = node.state.rules(Conferences).motions
    choices = [_unique(motions, c, "conference motions", "unknown_motion") for c in args.choice]
    _written("priorities cast", await conferences.priorities(node, conference, choices))
    return None


async def credential(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    published = await group_conferences.publish_credential(node, CLI, conference,
                                                           args.election)
    print(f"credential published: entry {published.entry}")
    return None


async def agenda(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    found = conferences.review_or_404(node, conference)
    if args.json:
        return {"status": found.agenda.status, "order": found.agenda.order,
                "items": conferences.with_names(node, found.agenda.items, "groups"),
                "rule_changes": conferences.with_names(node, found.agenda.rule_changes,
                                                       "groups"),
                "not_on_agenda": conferences.with_names(node, found.agenda.not_on_agenda,
                                                        "groups")}
    names = {m.node: m.name for m in node.state.members.values()}
    print(f"{found.title}: {found.agenda.status} agenda ({found.agenda.order})")
    for item in found.agenda.items:
        groups = ", ".join(names.get(g, g) for g in item.groups)
        priority = "" if item.priority is None else f"  [{item.priority} group(s) chose it]"
        print(f"{item.position:>3}. {item.title} ({item.kind}, {item.subject}) from "
              f"{groups}{priority}")
        for amendment in item.amendments:
            print(f"       amendment {amendment[:12]}")
    if found.agenda.rule_changes:
        print("Rule changes (each decided by a card vote):")
    for change in found.agenda.rule_changes:
        groups = ", ".join(names.get(g, g) for g in change.groups)
        numerator, denominator = change.threshold
        print(f"{change.position:>3}. {change.title} from {groups}  [{change.method}, "
              f"{numerator}/{denominator} needed]")
        for line in change.changes:
            print(f"       {line.field}: {json.dumps(line.old)} → {json.dumps(line.new)}")
        for amendment in change.amendments:
            print(f"       amendment {amendment[:12]}")
    if found.agenda.not_on_agenda:
        print("Not on the agenda:")
    for left in found.agenda.not_on_agenda:
        groups = ", ".join(names.get(g, g) for g in left.groups)
        print(f"  - {left.title} ({left.kind}, from {groups}): {left.status}. {left.reason}")
    return None


# -- the floor (SPEC 5.9) -------------------------------------------------------------


def _question(node: Node, prefix: str) -> str:
    return _unique(node.state.rules(Floor).opens, prefix, "questions put to the floor",
                   "unknown_vote")


async def floor_show(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    shown = floor.view(node, conference)
    if args.json:
        return {**shown, "elections": elections.view(node, conference)}
    chairs = ", ".join(c["group"]["name"] for c in shown["chairs"])
    print(f"chair: {chairs or 'nobody'}; {len(shown['participants'])} participant(s)")
    if not shown["questions"]:
        print("no question has been put")
    _show_elections(node, conference)
    for q in shown["questions"]:
        result = q["result"]
        counted = (f" {result['for']} for, {result['against']} against, "
                   f"{result['abstain']} abstaining" if result else "")
        print(f"{q['id'][:12]}  {q['question']} {q['item'][:24]} by {q['method']}, "
              f"{_when(q['opens'])} to {_when(q['closes'])}: {q['status']}{counted}")
        print(f"              {q['reason']}")
        if q["outcome"]:
            print(f"              {q['outcome']}")
    return None


async def floor_put(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    try:
        request = msgspec.convert({
            "item": args.item, "question": args.question, "text": args.text,
            "method": args.method, "tellers": args.teller or [], "threshold": args.threshold,
            "opens": args.opens, "minutes": args.minutes}, floor.PutQuestion)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"F2: {error}", 400) from None
    _written("question put; its id", await floor.put(node, conference, request))
    return None


async def floor_vote(node: Node, args: argparse.Namespace) -> object:
    question = _question(node, args.question)
    _written(f"vote of {args.delegate} recorded", await group_floor.cast(
        node, CLI, question, group_floor.CastFloorVote(vote=args.vote, delegate=args.delegate)))
    return None


async def floor_count(node: Node, args: argparse.Namespace) -> object:
    question = _question(node, args.question)
    _written("tellers' count entered", await floor.count(node, question, floor.TellersCount(
        args.for_, args.against, args.abstain)))
    return None


async def floor_cut(node: Node, args: argparse.Namespace) -> object:
    _written("votes cut", await floor.cut(node, _question(node, args.question)))
    return None


# -- elections on the floor (SPEC 5.9.1) ------------------------------------------------


def _election(node: Node, prefix: str) -> str:
    return _unique(node.state.rules(Elections).elections, prefix,
                   "elections put to the floor", "unknown_election")


def _nominee(node: Node, prefix: str) -> str:
    return _unique(node.state.rules(Elections).nominations, prefix, "nominations",
                   "not_candidate")


async def nominate(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    try:
        request = msgspec.convert({"body": args.body, "holder": args.holder,
                                   "name": args.name, "category": args.category or ""},
                                  elections.Nominate)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"N1: {error}", 400) from None
    _written("nomination made; its id", await elections.nominate(node, conference, request))
    return None


async def floor_elect(node: Node, args: argparse.Namespace) -> object:
    conference = _conference(node, args.conference)
    try:
        request = msgspec.convert({"body": args.body, "method": args.method,
                                   "opens": args.opens, "minutes": args.minutes},
                                  elections.PutElection)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"E1: {error}", 400) from None
    _written("election put; its id", await elections.put(node, conference, request))
    return None


async def floor_rank(node: Node, args: argparse.Namespace) -> object:
    election = _election(node, args.election)
    ranking = [_nominee(node, c) for c in args.candidate]
    _written(f"ranking of {args.delegate} recorded", await elections.rank(
        node, election, elections.Rank(delegate=args.delegate, ranking=ranking)))
    return None


def _show_elections(node: Node, conference: str) -> list[dict]:
    shown = elections.view(node, conference)
    for e in shown:
        names = {c["id"]: c["name"] for c in e["candidates"]}
        print(f"{e['id'][:12]}  election of {e['seats']} to {e['body']} by {e['method']}, "
              f"{_when(e['opens'])} to {_when(e['closes'])}: {e['status']}")
        print(f"              {e['reason']}")
        print("              candidates: " + ", ".join(
            f"{c['name']} ({c['id'][:8]}{', ' + c['category'] if c['category'] else ''})"
            for c in e["candidates"]))
        count = e["count"]
        if count is None:
            continue
        print(f"              {count['valid']} valid ranking(s), quota {count['quota']}")
        for stage in count["stages"]:
            moved = ", ".join(names.get(c, c[:8]) for c in stage["candidates"])
            votes = ", ".join(f"{names.get(c, c[:8])} {v}" for c, v in stage["votes"].items())
            print(f"              stage {stage['number']} ({stage['action']}"
                  f"{': ' + moved if moved else ''}): {votes}")
            for reason in stage["reasons"]:
                print(f"                {reason}")
        print("              elected: " + ", ".join(
            names.get(c, c[:8]) for c in e["elected"]))
    return shown


async def report(node: Node, args: argparse.Namespace) -> object:
    print(floor_record.report(node, _conference(node, args.conference)), end="")
    return None


def _floor_parsers(sub) -> None:
    top = sub.add_parser(
        "floor", help="the conference floor: put questions, vote, count, cut; elections",
        description="The conference floor (SPEC 5.9): the chair puts a question with its "
        "window fixed; delegates vote; the chair's node cuts after the close and the "
        "participants' nodes cosign.")
    actions = top.add_subparsers(dest="floor_command", metavar="ACTION", required=True)
    p = _command(actions, "show", floor_show, "every question put, its votes and result")
    p.add_argument("conference")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = _command(actions, "put", floor_put, "put a question (our group chairs)")
    p.add_argument("conference")
    p.add_argument("--item", required=True, help="a motion's or amendment's id, or a "
                   "composite's or ruling's <meeting id>:<item>")
    p.add_argument("--question", required=True,
                   choices=("motion", "amendment", "composite", "reference-back", "appeal",
                            "rule-change", "rule-change-amendment"))
    p.add_argument("--text", required=True, help="the wording put")
    p.add_argument("--method", default="hands", choices=("hands", "card", "tellers"))
    p.add_argument("--teller", action="append", help="a teller group's node id (twice or more)")
    p.add_argument("--threshold", default="simple", choices=("simple", "two-thirds"))
    p.add_argument("--opens", type=moment, help="when the vote opens (default: now)")
    p.add_argument("--minutes", type=int, default=10, help="how long it stays open")
    p = _command(actions, "vote", floor_vote, "record one of our delegates' votes")
    p.add_argument("question", help="the question's id (a unique prefix will do)")
    p.add_argument("--delegate", required=True, help="the delegate's pseudonym")
    p.add_argument("--vote", required=True, choices=("for", "against", "abstain"))
    p = _command(actions, "count", floor_count, "enter our tellers' count")
    p.add_argument("question")
    p.add_argument("--for", dest="for_", type=int, required=True)
    p.add_argument("--against", type=int, required=True)
    p.add_argument("--abstain", type=int, default=0)
    p = _command(actions, "cut", floor_cut, "cut a question's votes after its close")
    p.add_argument("question")
    p = _command(actions, "elect", floor_elect, "put the election of a body's seats, the "
                 "nominations made on time as candidates (our group chairs)")
    p.add_argument("conference")
    p.add_argument("--body", required=True, help="the body elected, e.g. national-committee")
    p.add_argument("--method", default="hands", choices=("hands", "card"))
    p.add_argument("--opens", type=moment, help="when the ballot opens (default: now)")
    p.add_argument("--minutes", type=int, default=30, help="how long it stays open")
    p = _command(actions, "rank", floor_rank, "record one of our delegates' ranking")
    p.add_argument("election", help="the election's id (a unique prefix will do)")
    p.add_argument("--delegate", required=True, help="the delegate's pseudonym")
    p.add_argument("candidate", nargs="+",
                   help="candidates' nomination ids (unique prefixes), first preference first")


def _command(group, name: str, action: Action, help_text: str):
    p = group.add_parser(name, help=help_text, description=help_text)
    p.add_argument("dir", help="the node's directory")
    p.set_defaults(handler=_run, action=action)
    return p


def add_parsers(commands) -> None:
    """Add `conference` to the top-level commands."""
    top = commands.add_parser(
        "conference", help="conferences: call, requisition, motions, agenda",
        description="Conferences of the network (SPEC 5.8): called by the rules, never "
        "cancelled, from call to final agenda.")
    sub = top.add_subparsers(dest="conference_command", metavar="ACTION", required=True)
    p = _command(sub, "list", list_, "every conference called, and the requisitions")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = _command(sub, "show", show, "a conference: status, timetable, entitlements")
    p.add_argument("conference", help="the conference's id (a unique prefix will do)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = _command(sub, "call", call, "call a conference: the first (--opens), an annual one "
                 "(--meeting, --item) or a requisitioned one (--requisition)")
    p.add_argument("--title")
    p.add_argument("--opens", type=moment, help="the first conference's opening")
    p.add_argument("--closes", type=moment, help="its closing (default: 2 days after)")
    p.add_argument("--meeting", help="the id of the meeting that decided to call it")
    p.add_argument("--item", type=int, default=0, help="the decision's item (from 0)")
    p.add_argument("--requisition", help="the id of the requisition that called it")
    p = _command(sub, "requisition", requisition,
                 "open a requisition of a special conference, or --support one")
    p.add_argument("--title")
    p.add_argument("--reason")
    p.add_argument("--opens", type=moment, help="the opening asked for")
    p.add_argument("--support", metavar="ID", help="sign this requisition instead")
    p = _command(sub, "submit", submit, "submit one of our carried motions, as carried")
    p.add_argument("conference")
    p.add_argument("--motion", type=id_arg, required=True, help="our motion's number")
    p.add_argument("--subject", required=True, help="its subject (a topic, e.g. housing)")
    p.add_argument("--emergency", help="the event that makes it an emergency motion")
    p = _command(sub, "amend", amend,
                 "propose one of our carried motions' text as an amendment")
    p.add_argument("conference")
    p.add_argument("--motion", required=True, help="the conference motion amended")
    p.add_argument("--from-motion", type=id_arg, required=True,
                   help="our carried motion whose text is the amendment")
    p.add_argument("--reason")
    p = _command(sub, "rule-change", rule_change,
                 "submit the rule change one of our carried motions decided, or --amends "
                 "another's")
    p.add_argument("conference")
    p.add_argument("--motion", type=id_arg, required=True,
                   help="our carried motion that decided it")
    p.add_argument("--file", required=True,
                   help="TOML of the parts it changes (as a constitution file, "
                   "docs/constitution.md)")
    p.add_argument("--amends", metavar="ID",
                   help="amend this rule change: the file changes the rule change")
    p.add_argument("--reason", help="why (default: the motion's text)")
    p = _command(sub, "consent", consent, "consent to a composite of our motion")
    p.add_argument("conference")
    p.add_argument("composite", help="the composite: <meeting id>:<item>")
    p.add_argument("--refuse", action="store_true", help="refuse consent instead")
    p = _command(sub, "appeal", appeal, "appeal against the ruling out of our motion")
    p.add_argument("conference")
    p.add_argument("ruling", help="the ruling: <meeting id>:<item>")
    p.add_argument("--reason", required=True)
    p = _command(sub, "priorities", priorities, "cast our priorities ballot")
    p.add_argument("conference")
    p.add_argument("choice", nargs="*", help="the motions chosen, most wanted first")
    p = _command(sub, "credential", credential,
                 "publish our delegates' credential from a counted election")
    p.add_argument("conference")
    p.add_argument("--election", type=id_arg, required=True)
    p = _command(sub, "nominate", nominate,
                 "nominate one of our people for a body the conference elects")
    p.add_argument("conference")
    p.add_argument("--body", required=True, help="the body, e.g. national-committee")
    p.add_argument("--holder", required=True, help="the person's pseudonym on our node")
    p.add_argument("--name", required=True, help="the person's name")
    p.add_argument("--category", help="the person's own category for a balance rule, "
                   "e.g. woman")
    _floor_parsers(sub)
    p = _command(sub, "report", report, "the floor's record to print, as Markdown: every "
                 "item, every vote by delegation with its mandate and card weight, every "
                 "result and the cut's cosigners")
    p.add_argument("conference")
    p = _command(sub, "agenda", agenda, "the agenda, and what is not on it and why")
    p.add_argument("conference")
    p.add_argument("--json", action="store_true", help="print JSON")
