"""`groupnet member …`, `groupnet notices …`, `groupnet register commit`: the register
from the command line.

Each command opens the node's directory and runs the same step the client
API runs, as the node's operator (named `cli` in the audit trail). It works
beside a running `groupnet run` on the same directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from ..group import commitments, mail, register, register_import
from ..group.people import CLI
from ..group.register import check
from ..limits import count_arg, id_arg
from ..network.node import Node
from ..procedure.group.members import COLUMNS, REQUIRED_COLUMNS, normalise_email
from ..procedure.group.register_import import ORDERS, written_choices
from ..store import register as store_register
from ..wire.rejection import Refused, refuse

COLUMN_HELP = (f"The register's fields: {', '.join(COLUMNS)}. Required: "
               f"{', '.join(REQUIRED_COLUMNS)}; status active, lapsed or resigned (default "
               "active); roles separated by ';'. A file from another system (CiviCRM, "
               "NationBuilder, a spreadsheet) has its columns matched to them by their usual "
               "names, case aside (First Name + Last Name make the name; E-mail, Mobile, Zip, "
               "Created at...); the columns matched are printed. See docs/members.md.")


async def _with_node(directory: str, action: Callable[[Node], Awaitable[int]]) -> int:
    node = await Node.open(Path(directory))
    try:
        return await action(node)
    finally:
        await node.close()


async def cmd_import(args: argparse.Namespace) -> int:
    text = register_import.decode_csv(Path(args.file).read_bytes())
    columns = check(written_choices(args.map), 400)
    choices = register_import.ImportChoices(columns=columns, dates=args.dates)

    async def act(node: Node) -> int:
        try:
            report = await register_import.import_csv(node, CLI, text, args.skip_invalid,
                                                      choices)
        except register_import.ImportRefused as refused:
            _how_read(refused.columns, refused.dates, sys.stderr)
            for error in refused.errors:
                print(f"line {error.line}: {error.reason}", file=sys.stderr)
            print("(--skip-invalid imports the valid rows and leaves these out)",
                  file=sys.stderr)
            raise
        except Refused as refused:
            if refused.rejection.code == "csv_header" and text.strip():
                shown = await register_import.preview(node, CLI, text, choices)
                print("the file's columns, and the fields they go to:", file=sys.stderr)
                for column in shown.columns:
                    print(f"  {column.name} -> {column.field or '(not imported)'}",
                          file=sys.stderr)
                print('say where a column goes with --map "COLUMN=FIELD"', file=sys.stderr)
            raise
        _how_read(report.columns, report.dates, sys.stdout)
        for error in report.skipped:
            print(f"skipped line {error.line}: {error.reason}", file=sys.stderr)
        print(f"imported {report.imported} member(s) from {args.file}"
              + (f"; skipped {len(report.skipped)} invalid row(s)" if report.skipped else ""))
        return 0

    return await _with_node(args.dir, act)


def _how_read(columns: dict[str, str], dates: str, out: TextIO) -> None:
    print("columns imported:", file=out)
    for column, field in columns.items():
        print(f"  {column} -> {field}", file=out)
    print(dates, file=out)


async def cmd_export(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        text = await register.export_csv(node, CLI, args.status or "")
        if args.output is None:
            sys.stdout.write(text)
            return 0
        # personal data: readable by this user only
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            out.write(text)
        print(f"exported {text.count(chr(10)) - 1} member(s) to {args.output}")
        return 0

    return await _with_node(args.dir, act)


async def cmd_list(args: argparse.Namespace) -> int:
    filters = store_register.Filters(q=args.search or "", status=args.status or "",
                                     role=args.role or "", area=args.area or "")

    async def act(node: Node) -> int:
        rows, after = [], None
        while True:
            page = await store_register.page(node.db, filters, after, store_register.MAX_PAGE)
            rows += page.members
            after = page.next
            if after is None or (args.limit and len(rows) >= args.limit):
                break
        rows = rows[:args.limit] if args.limit else rows
        if args.json:
            print(json.dumps([{f: getattr(r, f) for f in r.__struct_fields__} for r in rows],
                             indent=2))
            return 0
        for r in rows:
            roles = f"  [{', '.join(r.roles)}]" if r.roles else ""
            print(f"{r.id}  {r.name} <{r.email}>  {r.status}{roles}")
        print(f"{len(rows)} of {page.total} member(s)", file=sys.stderr)
        return 0

    return await _with_node(args.dir, act)


async def cmd_add(args: argparse.Namespace) -> int:
    new = register.NewMember(name=args.name, email=args.email, phone=args.phone or "",
                             area=args.area or "", postcode=args.postcode or "",
                             joined=args.joined, notes=args.notes or "")

    async def act(node: Node) -> int:
        member = await register.add(node, CLI, new)
        print(f"added {member.name} <{member.email}> as member {member.member_id}")
        return 0

    return await _with_node(args.dir, act)


async def cmd_invite(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        member = await store_register.find_by_email(node.db, normalise_email(args.email))
        if member is None:
            raise refuse("not_found", f"{args.email} is not in this node's register", 404)
        purpose = "reset" if args.reset else "invitation"
        issued = await register.issue_link(node, CLI, member.member_id, purpose)
        what = "invitation" if purpose == "invitation" else "password-reset link"
        notice = issued.notice
        if notice.status == "sent":
            print(f"sent the {what} to {member.name} <{member.email}> by email "
                  f"(notice {notice.id})")
            return 0
        why = notice.error or "no SMTP server is configured"
        print(f"{why}: pass this {what} on to {member.name} <{member.email}> yourself:")
        print(f"  {issued.link}")
        print(f"then run: groupnet notices passed-on {args.dir} {notice.id}")
        return 0

    return await _with_node(args.dir, act)


async def cmd_dues(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        before, _ = await store_register.load(node.db, args.id)
        member = await register.record_dues(node, CLI, args.id, args.paid_until,
                                            args.note or "")
        print(f"recorded dues of {member.name} paid until {member.paid_until}"
              + ("; reinstated: active again" if member.status != before.status else "")
              + ("; the lapse notice is withdrawn"
                 if before.lapse_notice and not member.lapse_notice else ""))
        return 0

    return await _with_node(args.dir, act)


async def cmd_lapse_notice(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        member = await register.give_lapse_notice(node, CLI, args.id)
        view = await register.lapse_view(node, member)
        sent = ("sent" if view.notice_sent_at
                else f"waiting to be passed on (groupnet notices list {args.dir})")
        print(f"gave {member.name} notice of a lapse (standing order 9.4): {sent}")
        return 0

    return await _with_node(args.dir, act)


async def cmd_lapse(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        member = await register.set_status(node, CLI, args.id, "lapsed", args.reason)
        print(f"{member.name}'s membership has lapsed (standing orders 9.3, 9.4)")
        return 0

    return await _with_node(args.dir, act)


async def cmd_notices(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        waiting = await mail.waiting(node.db)
        if not waiting:
            print("no notices waiting to be passed on")
        for n in waiting:
            state = "failed: " + n.error if n.status == "failed" else "to pass on by hand"
            print(f"notice {n.id} to {n.name} <{n.email}>: {n.subject} ({state})")
            if args.full:
                print("  " + n.body.replace("\n", "\n  "))
        return 0

    return await _with_node(args.dir, act)


async def cmd_passed_on(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        notice = await mail.pass_on(node, args.notice, CLI.audit)
        print(f"notice {notice.id} to {notice.email} counts as sent now")
        return 0

    return await _with_node(args.dir, act)


def _freeze_ms(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise refuse("bad_request", f"--freeze {text!r} is not a date or time (ISO 8601)",
                     400) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


async def cmd_commit(args: argparse.Namespace) -> int:
    async def act(node: Node) -> int:
        published = await commitments.publish(node, CLI, _freeze_ms(args.freeze))
        frozen = datetime.fromtimestamp(published.freeze / 1000, UTC).isoformat()
        print(f"published register commitment: {published.active_members} active member(s) "
              f"at {frozen}; root {published.root}; entry {published.entry}")
        return 0

    return await _with_node(args.dir, act)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    member = commands.add_parser(
        "member", help="the member register: import, export, list, add, invite, dues, lapse",
        description="The group's private member register. Every change is recorded in the "
        "audit trail as made by `cli`.")
    actions = member.add_subparsers(dest="member_command", metavar="ACTION", required=True)

    p = actions.add_parser(
        "import", help="import members from a CSV file",
        description="Import members from a CSV file (UTF-8). Every bad row is reported with "
        "its line number and reason, and emails already in the register or repeated in the "
        "file are refused. All or nothing unless --skip-invalid. " + COLUMN_HELP)
    p.add_argument("dir", help="the node's directory")
    p.add_argument("file", help="the CSV file")
    p.add_argument("--skip-invalid", action="store_true",
                   help="import the valid rows and report the others, instead of nothing")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="send the file's COLUMN to the register's FIELD, e.g. \"E-mail=email\" "
                   "or \"City=area\"; \"Display Name=\" imports a column nowhere (repeatable; "
                   "the usual names are matched without it)")
    p.add_argument("--dates", choices=ORDERS, default="auto",
                   help="how the file writes dates: dmy (31/01/2024), mdy (01/31/2024), ymd "
                   "(2024-01-31), or auto (default): worked out from the dates, and the "
                   "order taken printed")
    p.set_defaults(handler=cmd_import)

    p = actions.add_parser(
        "export", help="export the register as CSV",
        description="Write the register as CSV in the import columns (it imports again). "
        "The file holds personal data: it is created readable by you only.")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("--output", "-o", help="write to this file (default: standard output)")
    p.add_argument("--status", choices=["active", "lapsed", "suspended", "expelled",
                                        "resigned"], help="only members with this status")
    p.set_defaults(handler=cmd_export)

    p = actions.add_parser(
        "list", help="list members, in name order",
        description="List members (id, name, email, status, roles) in name order.")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("--status", choices=["active", "lapsed", "suspended", "expelled",
                                        "resigned"], help="only members with this status")
    p.add_argument("--role", help="only holders of this role, e.g. secretary")
    p.add_argument("--area", help="only members in this area")
    p.add_argument("--search", help="part of a name, email, area or postcode")
    p.add_argument("--limit", type=count_arg, default=0, help="at most this many (default: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser(
        "add", help="add one member",
        description="Add a member to the register, active from now.")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("--name", required=True, help="full name")
    p.add_argument("--email", required=True, help="email address (unique in the register)")
    p.add_argument("--joined", help="when they joined, YYYY-MM-DD (default: today)")
    p.add_argument("--phone", help="phone number")
    p.add_argument("--area", help="area or branch")
    p.add_argument("--postcode", help="postcode")
    p.add_argument("--notes", help="officers' notes")
    p.set_defaults(handler=cmd_add)

    p = actions.add_parser(
        "invite", help="send a member an invitation (or reset) link",
        description="Issue a one-time link with which the member chooses a password and signs "
        "in (an invitation: 14 days; a reset link: 2 hours), and email it through the node's "
        "SMTP server. Without one, the link is printed for you to pass on, and the notice "
        "waits until you mark it passed on.")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("email", help="the member's email address")
    p.add_argument("--reset", action="store_true",
                   help="a password-reset link, for a member who has signed in before")
    p.set_defaults(handler=cmd_invite)

    p = actions.add_parser(
        "dues", help="record a member's dues paid until a date",
        description="Record that a member's dues are paid until DATE. Dues brought up to date "
        "(standing order 9.3) withdraw a lapse notice and reinstate a lapsed member.")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("id", help="the member's id")
    p.add_argument("--paid-until", required=True, help="YYYY-MM-DD")
    p.add_argument("--note", help="e.g. how it was paid")
    p.set_defaults(handler=cmd_dues)

    p = actions.add_parser(
        "lapse-notice", help="give a member in arrears notice of a lapse",
        description="Standing order 9.4: a member whose dues are unpaid past the grace period "
        "(9.3) is sent notice that their membership may lapse, and given the notice period to "
        "pay or renew. Sent by email, or kept for you to pass on (notices list).")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("id", help="the member's id")
    p.set_defaults(handler=cmd_lapse_notice)

    p = actions.add_parser(
        "lapse", help="mark a member lapsed, where standing orders 9.3-9.4 allow it",
        description="Only once the member's dues are unpaid past the grace period, notice was "
        "sent and its period has run, and no meeting the member may attend is called; "
        "anything else is refused (a due-process case is the way to take away a member's "
        "rights on other grounds).")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("id", help="the member's id")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_lapse)

    notices = commands.add_parser(
        "notices", help="notices waiting to be passed on by hand",
        description="Without an SMTP server (or when it failed) the node keeps each notice for "
        "an officer to pass on; it counts as sent when marked passed on.")
    notice_actions = notices.add_subparsers(dest="notices_command", metavar="ACTION",
                                            required=True)
    p = notice_actions.add_parser("list", help="notices nobody has sent yet")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("--full", action="store_true", help="print each notice's text too")
    p.set_defaults(handler=cmd_notices)
    p = notice_actions.add_parser("passed-on", help="record that you passed a notice on",
                                  description="The notice counts as sent from now: notice "
                                  "periods count from this moment.")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("notice", type=id_arg, help="the notice's number")
    p.set_defaults(handler=cmd_passed_on)

    reg = commands.add_parser("register", help="publish a commitment to the register",
                              description="What the network may learn about the register.")
    reg_actions = reg.add_subparsers(dest="register_command", metavar="ACTION", required=True)
    p = reg_actions.add_parser(
        "commit", help="publish the active-member count and a Merkle root",
        description="Sign and publish `register.commitment`: the number of members active at "
        "the freeze time and a Merkle root over a salted leaf per member. No names, emails or "
        "ids leave the node; each member can check their own inclusion (GET /api/v1/me/"
        "inclusion).")
    p.add_argument("dir", help="the node's directory")
    p.add_argument("--freeze", help="the freeze time, ISO 8601 (default: now; UTC if no zone)")
    p.set_defaults(handler=cmd_commit)
