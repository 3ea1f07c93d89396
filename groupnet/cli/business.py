"""`groupnet rules|meeting|motion|delegates|case …`: the group's business from the command line.

The CLI works on the node's directory as the node's operator (audit actor
`cli`): it stands in as an officer where a step needs one, and names the
member where a step needs a member. Every command calls the same functions
as the client API, so the same rules refuse the same things. Each command
prints the record it changed (or showed) as JSON.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec

from .. import clock
from ..group import cases, elections, meetings, motions, notices, rules
from ..group.people import CLI
from ..limits import count_arg, id_arg
from ..network.node import Node
from ..wire.rejection import refuse

Action = Callable[[Node, argparse.Namespace], Awaitable[object]]


def _shape(shape: type, fields: dict[str, Any]):
    """The request as the API would take it, checked by the same type."""
    try:
        return msgspec.convert({k: v for k, v in fields.items() if v is not None}, shape)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"{error}", 400) from None


def _json_option(text: str | None, what: str) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise refuse("bad_request", f"{what} must be JSON: {error}", 400) from None


def _print(value: object) -> None:
    print(json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False))


async def _run(args: argparse.Namespace) -> int:
    node = await Node.open(Path(args.dir))
    try:
        shown = await args.action(node, args)
        if shown is not None:
            _print(shown)
        return 0
    finally:
        await node.close()


# -- rules -------------------------------------------------------------------------------


async def rules_show(node: Node, args: argparse.Namespace) -> object:
    view = await rules.view(node.db)
    if args.json:
        return view
    if args.markdown:
        print(rules.markdown_table(await rules.current(node.db)))
        return None
    print("\n".join(view.lines))
    print(f"\nin force since: {view.decided_by}")
    return None


# -- meetings ----------------------------------------------------------------------------


async def meeting_call(node: Node, args: argparse.Namespace) -> object:
    return await meetings.call(node, CLI, _shape(meetings.CallMeeting, {
        "kind": args.kind, "starts_at": args.at, "agenda": args.agenda, "place": args.place,
        "link": args.link, "called_by": args.called_by}))


async def meeting_list(node: Node, args: argparse.Namespace) -> object:
    return await meetings.listing(node.db, clock.now(node))


async def meeting_show(node: Node, args: argparse.Namespace) -> object:
    return await meetings.view(node.db, args.id, clock.now(node))


async def meeting_attend(node: Node, args: argparse.Namespace) -> object:
    return await meetings.attend(node, CLI, args.id,
                                 _shape(meetings.RecordAttendance, {"present": args.members}))


async def meeting_minutes(node: Node, args: argparse.Namespace) -> object:
    if args.approve_at is not None:
        return await meetings.approve(node, CLI, args.id, _shape(
            meetings.ApproveMinutes, {"at_meeting": args.approve_at}))
    if args.text is None:
        raise refuse("bad_request", "give --text (a minute) or --approve-at MEETING", 400)
    return await meetings.minute(node, CLI, args.id, _shape(
        meetings.RecordMinute, {"text": args.text, "corrects": args.corrects}))


async def meeting_cancel(node: Node, args: argparse.Namespace) -> object:
    return await meetings.cancel(node, CLI, args.id,
                                 _shape(meetings.CancelMeeting, {"reason": args.reason}))


async def meeting_postpone(node: Node, args: argparse.Namespace) -> object:
    return await meetings.postpone(node, CLI, args.id, _shape(
        meetings.PostponeMeeting, {"starts_at": args.to, "reason": args.reason}))


async def meeting_correct(node: Node, args: argparse.Namespace) -> object:
    return await meetings.correct(node, CLI, args.id, _shape(meetings.CorrectMeeting, {
        "reason": args.reason, "place": args.place, "link": args.link,
        "agenda": args.agenda}))


async def meeting_notices(node: Node, args: argparse.Namespace) -> object:
    await meetings.load(node.db, args.id)
    if args.passed_on:
        return await notices.pass_on_meeting(node, CLI, args.id)
    if args.csv:
        print(await notices.mail_merge(node, CLI, args.id), end="")
        return None
    return await notices.waiting_for_meeting(node.db, args.id)


# -- motions -----------------------------------------------------------------------------


async def motion_submit(node: Node, args: argparse.Namespace) -> object:
    mandate = None
    if args.mandate:
        conference, conference_motion, position = args.mandate
        mandate = {"conference": conference, "conference_motion": conference_motion,
                   "position": position}
    patch = _json_option(args.rule_change, "--rule-change")
    return await motions.submit(node, CLI, args.meeting, _shape(motions.SubmitMotion, {
        "title": args.title, "text": args.text, "proposer": args.proposer,
        "seconder": args.seconder, "kind": "rule_change" if patch is not None else "ordinary",
        "rule_patch": patch, "counterposed_to": args.counterposed_to, "mandate": mandate}))


async def motion_amend(node: Node, args: argparse.Namespace) -> object:
    return await motions.amend(node, CLI, args.id, _shape(motions.ProposeAmendment, {
        "text": args.text, "mover": args.mover, "seconder": args.seconder}))


async def motion_accept(node: Node, args: argparse.Namespace) -> object:
    return await motions.accept_friendly(node, CLI, args.id, args.amendment, _shape(
        motions.AcceptFriendly, {"mover": args.mover}))


async def motion_vote(node: Node, args: argparse.Namespace) -> object:
    hands = None
    if args.in_favour is not None or args.against is not None or args.abstain is not None:
        hands = {"in_favour": args.in_favour or 0, "against": args.against or 0,
                 "abstentions": args.abstain or 0}
    return await motions.put_to_vote(node, CLI, args.id, _shape(motions.PutToVote, {
        "amendment": args.amendment, "show_of_hands": hands}))


async def motion_show(node: Node, args: argparse.Namespace) -> object:
    return await motions.view(node.db, args.id)


async def motion_list(node: Node, args: argparse.Namespace) -> object:
    return await motions.listing(node.db, args.meeting)


# -- delegates ---------------------------------------------------------------------------


async def delegates_elect(node: Node, args: argparse.Namespace) -> object:
    return await elections.open_election(node, CLI, args.meeting, _shape(
        elections.OpenElection, {"conference": args.conference, "seats": args.seats}))


async def delegates_nominate(node: Node, args: argparse.Namespace) -> object:
    return await elections.nominate(node, CLI, args.id, _shape(elections.Nominate, {
        "candidate": args.candidate, "display_name": args.name, "nominated_by": args.by}))


async def delegates_accept(node: Node, args: argparse.Namespace) -> object:
    return await elections.accept(node, CLI, args.id, args.candidate, _shape(
        elections.AcceptNomination, {"attributes": args.attribute or []}))


async def delegates_ballot(node: Node, args: argparse.Namespace) -> object:
    return await elections.cast_ballot(node, CLI, args.id, _shape(
        elections.CastBallot, {"approvals": args.candidates, "voter": args.voter}))


async def delegates_result(node: Node, args: argparse.Namespace) -> object:
    return await elections.count(node, CLI, args.id)


async def delegates_show(node: Node, args: argparse.Namespace) -> object:
    return await elections.view(node.db, args.id)


async def delegates_publish(node: Node, args: argparse.Namespace) -> object:
    return await elections.publish(node, CLI, args.id)


# -- due process -------------------------------------------------------------------------


async def case_charge(node: Node, args: argparse.Namespace) -> object:
    return await cases.charge(node, CLI, _shape(cases.BringCharge, {
        "member": args.member, "rule": args.rule, "particulars": args.particulars,
        "brought_by": args.by}))


async def case_evidence(node: Node, args: argparse.Namespace) -> object:
    return await cases.add_evidence(node, CLI, args.id, _shape(
        cases.AddEvidence, {"description": args.text, "given_by": args.given_by}))


async def case_disclose(node: Node, args: argparse.Namespace) -> object:
    return await cases.disclose(node, CLI, args.id)


async def case_reply(node: Node, args: argparse.Namespace) -> object:
    return await cases.reply(node, CLI, args.id, _shape(cases.Reply, {"text": args.text}))


async def case_suspend(node: Node, args: argparse.Namespace) -> object:
    return await cases.suspend(node, CLI, args.id, _shape(
        cases.InterimSuspension, {"days": args.days, "reasons": args.reasons}))


async def case_hearing(node: Node, args: argparse.Namespace) -> object:
    answer = await cases.schedule_hearing(node, CLI, args.id, _shape(
        cases.ScheduleHearing, {"at": args.at, "panel": args.panel}))
    if not answer.scheduled:
        print("the hearing's notice waits to be passed on (see `groupnet notices`); "
              "run this command again once it has been sent")
    return answer


async def case_decide(node: Node, args: argparse.Namespace) -> object:
    return await cases.decide(node, CLI, args.id, _shape(cases.Decide, {
        "outcome": args.outcome, "reasons": args.reasons, "suspension_days": args.days,
        "role": args.role}))


async def case_appeal(node: Node, args: argparse.Namespace) -> object:
    return await cases.appeal(node, CLI, args.id, _shape(cases.LodgeAppeal,
                                                          {"grounds": args.grounds}))


async def case_appeal_panel(node: Node, args: argparse.Namespace) -> object:
    seats = []
    for seat in args.seat:
        group, sep, person = seat.partition(":")
        if not sep:
            raise refuse("bad_request", f"--seat is GROUP:PERSON, not {seat!r}", 400)
        seats.append({"group": group, "person": person})
    return await cases.assign_appeal_panel(node, CLI, args.id, _shape(
        cases.AssignAppealPanel, {"body": args.body, "panel": seats}))


async def case_appeal_decide(node: Node, args: argparse.Namespace) -> object:
    return await cases.decide_appeal(node, CLI, args.id, _shape(cases.DecideAppeal, {
        "outcome": args.outcome, "reasons": args.reasons, "varied_to": args.varied_to,
        "suspension_days": args.days, "role": args.role}))


async def case_withdraw(node: Node, args: argparse.Namespace) -> object:
    return await cases.withdraw(node, CLI, args.id, _shape(cases.Withdraw, {"by": args.by}))


async def case_enforce(node: Node, args: argparse.Namespace) -> object:
    return await cases.enforce(node, CLI, args.id)


async def case_show(node: Node, args: argparse.Namespace) -> object:
    return await cases.view(node, CLI, args.id)


async def case_list(node: Node, args: argparse.Namespace) -> object:
    return await cases.listing(node.db, CLI)


# -- parsers -----------------------------------------------------------------------------


def _command(group, name: str, action: Action, help_text: str, description: str = ""):
    p = group.add_parser(name, help=help_text, description=description or help_text)
    p.add_argument("dir", help="the node's directory")
    p.set_defaults(handler=_run, action=action)
    return p


def _outcomes(p: argparse.ArgumentParser, option: str, required: bool) -> None:
    p.add_argument(option, required=required,
                   choices=["no_action", "warning", "removal_from_office", "suspension",
                            "expulsion"], help="the decision")


def add_parsers(commands) -> None:
    """Add `rules`, `meeting`, `motion`, `delegates` and `case` to the top-level commands."""
    top = commands.add_parser("rules", help="the group's standing orders",
                              description="The group's own standing orders. They change only "
                              "by a rule-change motion carried at a meeting "
                              "(`groupnet motion submit --rule-change`).")
    sub = top.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    p = _command(sub, "show", rules_show, "print the standing orders in force, numbered")
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.add_argument("--markdown", action="store_true", help="print them as a Markdown table")

    top = commands.add_parser("meeting", help="call meetings, record attendance and minutes",
                              description="Meetings of the group: notice, attendance, quorum "
                              "and minutes.")
    sub = top.add_subparsers(dest="meeting_command", metavar="ACTION", required=True)
    p = _command(sub, "call", meeting_call, "call a meeting and send its notice",
                 "Call a meeting: the notice (with a calendar file) goes to everyone "
                 "entitled to attend now; notice counts from when it is sent.")
    p.add_argument("--kind", required=True, choices=["general", "committee", "annual"])
    p.add_argument("--at", required=True,
                   help="when it starts, with a time zone: 2017-03-01T19:30:00+00:00")
    p.add_argument("--agenda", action="append", required=True,
                   help="an agenda item (repeat for each)")
    p.add_argument("--place", help="where it meets")
    p.add_argument("--link", help="or a link to meet online")
    p.add_argument("--called-by", help="the officer calling it (member id)")
    _command(sub, "list", meeting_list, "list every meeting")
    p = _command(sub, "show", meeting_show,
                 "show a meeting: notice, quorum, decisions it may take, minutes")
    p.add_argument("id", type=id_arg)
    p = _command(sub, "attend", meeting_attend, "record members present at a meeting")
    p.add_argument("id", type=id_arg)
    p.add_argument("members", nargs="+", help="member ids")
    p = _command(sub, "minutes", meeting_minutes, "record a minute, a correction, or approval",
                 "Record a minute (--text), a correction of minute N (--text --corrects N), "
                 "or approve the minutes at a later meeting in session (--approve-at).")
    p.add_argument("id", type=id_arg)
    p.add_argument("--text", help="the minute")
    p.add_argument("--corrects", type=id_arg, help="the number of the minute it corrects")
    p.add_argument("--approve-at", type=id_arg, help="approve at this later meeting")
    p = _command(sub, "cancel", meeting_cancel, "cancel a meeting before it starts",
                 "Cancel a meeting before it starts; everyone entitled to attend is told why.")
    p.add_argument("id", type=id_arg)
    p.add_argument("--reason", required=True, help="why (the members are told)")
    p = _command(sub, "postpone", meeting_postpone, "postpone a meeting to a later time",
                 "Postpone a meeting before it starts: the notice of its new time goes out "
                 "now, and notice counts from it.")
    p.add_argument("id", type=id_arg)
    p.add_argument("--to", required=True,
                   help="the new start, with a time zone: 2017-03-08T19:30:00+00:00")
    p.add_argument("--reason", required=True, help="why (the members are told)")
    p = _command(sub, "correct", meeting_correct, "correct a meeting's place, link or agenda",
                 "Correct a meeting's place, link or agenda before it starts (what is not "
                 "given stays as it was); everyone entitled to attend is told.")
    p.add_argument("id", type=id_arg)
    p.add_argument("--reason", required=True, help="why (the members are told)")
    p.add_argument("--place", help="where it meets now")
    p.add_argument("--link", help="the link to meet online now")
    p.add_argument("--agenda", action="append",
                   help="an agenda item (repeat for each; replaces the whole agenda)")
    p = _command(sub, "notices", meeting_notices, "the meeting's notices waiting to be sent",
                 "Without a mail server, a meeting's notices wait for an officer to pass them "
                 "on. List them, print them as a mail-merge CSV (--csv), or record that every "
                 "one was passed on by hand (--passed-on): notice counts from then.")
    p.add_argument("id", type=id_arg)
    how = p.add_mutually_exclusive_group()
    how.add_argument("--csv", action="store_true",
                     help="print a mail-merge CSV: names, contact details, subject, text")
    how.add_argument("--passed-on", action="store_true",
                     help="record that every unsent notice of the meeting was passed on")

    top = commands.add_parser("motion", help="submit, amend and decide motions",
                              description="Motions, amendments and votes. Outcomes are "
                              "computed from the count and the standing orders.")
    sub = top.add_subparsers(dest="motion_command", metavar="ACTION", required=True)
    p = _command(sub, "submit", motion_submit, "submit a motion for a meeting",
                 "Submit a motion, with the notice the standing orders require (SO 3.1; a "
                 "rule change SO 5.1).")
    p.add_argument("meeting", type=id_arg)
    p.add_argument("--title", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--proposer", required=True, help="member id")
    p.add_argument("--seconder", required=True, help="member id")
    p.add_argument("--rule-change", metavar="JSON",
                   help='a rule change: the standing orders it changes, e.g. '
                   '\'{"general_meeting_notice_days": 14}\'')
    p.add_argument("--counterposed-to", type=id_arg, help="the motion it is counterposed to")
    p.add_argument("--mandate", nargs=3, metavar=("CONFERENCE", "MOTION", "POSITION"),
                   help="if carried, mandate the delegates: POSITION is support, oppose or "
                   "free")
    p = _command(sub, "amend", motion_amend, "move an amendment (the whole new text)")
    p.add_argument("id", type=id_arg)
    p.add_argument("--text", required=True)
    p.add_argument("--mover", required=True, help="member id")
    p.add_argument("--seconder", help="member id (needed for it to be put to the vote)")
    p = _command(sub, "accept", motion_accept, "the mover accepts an amendment as friendly")
    p.add_argument("id", type=id_arg)
    p.add_argument("amendment")
    p.add_argument("--mover", required=True, help="the motion's mover (member id)")
    p = _command(sub, "vote", motion_vote, "put the question and record the vote",
                 "Put a motion (or --amendment) to the vote: give the count of a show of "
                 "hands, or nothing to count the individual votes members cast.")
    p.add_argument("id", type=id_arg)
    p.add_argument("--for", dest="in_favour", type=count_arg)
    p.add_argument("--against", type=count_arg)
    p.add_argument("--abstain", type=count_arg)
    p.add_argument("--amendment", help="vote on this amendment instead of the motion")
    p = _command(sub, "show", motion_show, "show a motion, its amendments (as diffs) and result")
    p.add_argument("id", type=id_arg)
    p = _command(sub, "list", motion_list, "list motions")
    p.add_argument("--meeting", type=id_arg, help="only this meeting's")

    top = commands.add_parser("delegates", help="elect delegates and publish their credential",
                              description="Elections of delegates to a conference; their "
                              "mandates come from motions carried with --mandate.")
    sub = top.add_subparsers(dest="delegates_command", metavar="ACTION", required=True)
    p = _command(sub, "elect", delegates_elect, "open an election at a meeting")
    p.add_argument("meeting", type=id_arg)
    p.add_argument("--conference", required=True)
    p.add_argument("--seats", type=count_arg, required=True)
    p = _command(sub, "nominate", delegates_nominate, "nominate a member")
    p.add_argument("id", type=id_arg, help="the election")
    p.add_argument("candidate", help="member id")
    p.add_argument("--name", required=True, help="the name the network will see")
    p.add_argument("--by", required=True, help="the nominating member's id")
    p = _command(sub, "accept", delegates_accept, "record that a nominee accepts")
    p.add_argument("id", type=id_arg, help="the election")
    p.add_argument("candidate", help="member id")
    p.add_argument("--attribute", action="append",
                   help="an attribute the nominee declares (e.g. woman); repeat for each")
    p = _command(sub, "ballot", delegates_ballot, "enter a member's (paper) approval ballot")
    p.add_argument("id", type=id_arg, help="the election")
    p.add_argument("candidates", nargs="*", help="member ids voted for")
    p.add_argument("--voter", required=True, help="the voter's member id")
    p = _command(sub, "result", delegates_result, "count the ballots and show the result")
    p.add_argument("id", type=id_arg)
    p = _command(sub, "show", delegates_show, "show an election, its result and mandates")
    p.add_argument("id", type=id_arg)
    p = _command(sub, "publish", delegates_publish,
                 "publish the delegates and mandates as a signed delegate.credential")
    p.add_argument("id", type=id_arg)

    top = commands.add_parser("case", help="due process: charge, evidence, hearing, appeal",
                              description="Disciplinary cases. No suspension or expulsion "
                              "without a charge, disclosed evidence, a reply, a hearing by an "
                              "independent panel, and an appeal.")
    sub = top.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    p = _command(sub, "charge", case_charge, "bring a written charge (opens a case)")
    p.add_argument("--member", required=True, help="the member charged")
    p.add_argument("--rule", required=True, help="the rule allegedly broken")
    p.add_argument("--particulars", required=True)
    p.add_argument("--by", required=True, help="who brings it (member id)")
    p = _command(sub, "evidence", case_evidence, "add an item of evidence")
    p.add_argument("id", type=id_arg)
    p.add_argument("--text", required=True, help="the evidence, or what the document is")
    p.add_argument("--given-by", required=True, help="member id, or name if not a member")
    p = _command(sub, "disclose", case_disclose, "disclose all evidence to the member")
    p.add_argument("id", type=id_arg)
    p = _command(sub, "reply", case_reply, "record the member's reply (received on paper)")
    p.add_argument("id", type=id_arg)
    p.add_argument("--text", required=True)
    p = _command(sub, "suspend", case_suspend, "interim suspension, time-limited, with reasons")
    p.add_argument("id", type=id_arg)
    p.add_argument("--days", type=count_arg, required=True)
    p.add_argument("--reasons", required=True)
    p = _command(sub, "hearing", case_hearing, "schedule the hearing and its panel",
                 "Send the hearing's notice and schedule it once the notice is sent.")
    p.add_argument("id", type=id_arg)
    p.add_argument("--at", required=True, help="when, with a time zone")
    p.add_argument("--panel", nargs="+", required=True, help="member ids")
    p = _command(sub, "decide", case_decide, "record the panel's written decision")
    p.add_argument("id", type=id_arg)
    _outcomes(p, "--outcome", True)
    p.add_argument("--reasons", required=True)
    p.add_argument("--days", type=count_arg, help="for a suspension: how many days")
    p.add_argument("--role", help="for a removal from office: which office")
    p = _command(sub, "appeal", case_appeal, "record the member's appeal (received on paper)")
    p.add_argument("id", type=id_arg)
    p.add_argument("--grounds", required=True)
    p = _command(sub, "appeal-panel", case_appeal_panel, "assign the appeal to a different body")
    p.add_argument("id", type=id_arg)
    p.add_argument("--body", required=True, choices=["network_panel", "general_meeting"])
    p.add_argument("--seat", action="append", required=True,
                   help="GROUP:PERSON (the group's node id); repeat for each seat")
    p = _command(sub, "appeal-decide", case_appeal_decide,
                 "record the appeal panel's written decision")
    p.add_argument("id", type=id_arg)
    p.add_argument("--outcome", required=True, choices=["upheld", "dismissed", "varied"])
    p.add_argument("--reasons", required=True)
    _outcomes(p, "--varied-to", False)
    p.add_argument("--days", type=count_arg, help="for a suspension: how many days")
    p.add_argument("--role", help="for a removal from office: which office")
    p = _command(sub, "withdraw", case_withdraw, "withdraw the charge")
    p.add_argument("id", type=id_arg)
    p.add_argument("--by", required=True, help="who brought it (member id)")
    p = _command(sub, "enforce", case_enforce,
                 "bring the member's status in line with the case now")
    p.add_argument("id", type=id_arg)
    p = _command(sub, "show", case_show, "show a case and every document in it")
    p.add_argument("id", type=id_arg)
    _command(sub, "list", case_list, "list every case")
