"""The notices the group's business sends, through `group/mail.py`, and when they went out.

A meeting's notice goes to everyone entitled to attend, with a calendar
file; a due-process notice goes to the member concerned. `group/mail.py` records
each notice and its sending; notice periods count from `sent_at`, the moment
the last notice about the subject was sent (by the mail server, or passed on
by an officer when the node has no SMTP server). Until then no notice has
been given.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import aiosqlite
import msgspec

from .. import clock
from ..local_time import LocalTime
from ..network.node import Node
from ..procedure.group.meetings import Meeting, MeetingChange
from ..procedure.group.standing_orders import HOUR_MS
from ..store import audit
from ..store import notices as store_notices
from ..store import register as store_register
from ..wire.rejection import refuse
from . import mail
from .people import Actor

# A calendar entry needs an end; a notice gives only the start.
MEETING_LENGTH_MS = 2 * HOUR_MS


class NoticeState(msgspec.Struct, frozen=True):
    """How far the notices about one subject have gone out."""

    related: str
    recipients: int
    sent: int
    waiting: int
    # when the last of them was sent: notice counts from here; None while any waits
    sent_at_ms: int | None


def meeting_subject(ident: int) -> str:
    return f"meeting:{ident}"


def case_subject(ident: int) -> str:
    return f"case:{ident}"


def hearing_subject(ident: int, at_ms: int) -> str:
    return f"case:{ident}:hearing:{at_ms}"


def when(node: Node, ms: int) -> str:
    """A moment as a notice gives it, in the group's local time: "Tuesday 14 March 2017,
    19:30 GMT"."""
    local = LocalTime(node.config.time_zone)
    return f"{local.at(ms):%A} {local.moment(ms)}"


async def about_case(db: aiosqlite.Connection, ident: int) -> list[mail.Notice]:
    """Every notice sent in case `ident`, its hearings' included, in the order recorded."""
    subject = case_subject(ident)
    subjects = await store_notices.subjects_under(db, subject)
    found = [n for s in subjects for n in await mail.about(db, s)]
    return sorted(found, key=lambda n: n.id)


async def state(db: aiosqlite.Connection, related: str) -> NoticeState:
    total, sent, last = await mail.tally(db, related)
    return NoticeState(related, total, sent, total - sent, last)


async def meeting_called(node: Node, actor: Actor, ident: int, meeting: Meeting,
                         recipients: list[str]) -> None:
    """Send the notice of meeting `ident` to `recipients`, with a calendar file."""
    title, facts, ics = _meeting_notice(node, ident, meeting)
    body = f"Notice of a {meeting.kind} meeting of {node.config.name}.\n\n{facts}"
    await mail.send_notice(node, recipients,
                           f"Notice: {title}, {when(node, meeting.starts_at_ms)}",
                           body, [mail.ics_attachment(ics, f"meeting-{ident}.ics")],
                           related_subject=meeting_subject(ident), kind="meeting",
                           actor=actor.audit)


def _meeting_notice(node: Node, ident: int, meeting: Meeting) -> tuple[str, str, str]:
    """(title, what it says of the meeting, the calendar entry) for meeting `ident`."""
    where = meeting.place or meeting.link
    agenda = "\n".join(f"{n}. {item}" for n, item in enumerate(meeting.agenda, 1))
    title = f"{meeting.kind.capitalize()} meeting of {node.config.name}"
    ics = mail.meeting_ics(
        f"meeting-{ident}@{urlsplit(node.config.url).hostname or node.id}",
        meeting.starts_at_ms, meeting.starts_at_ms + MEETING_LENGTH_MS, title,
        location=where, description=f"Agenda:\n{agenda}", stamp_ms=clock.now(node),
        url=meeting.link)
    facts = (f"When: {when(node, meeting.starts_at_ms)}\nWhere: {where}\n\n"
             f"Agenda:\n{agenda}\n")
    return title, facts, ics


CHANGE_SUBJECTS = {"cancelled": "Cancelled", "postponed": "Postponed", "corrected": "Corrected"}


async def meeting_changed(node: Node, actor: Actor, ident: int, meeting: Meeting,
                          recipients: list[str]) -> None:
    """Tell `recipients` of the latest change to meeting `ident`, as its call told them.

    A postponement's notice is the meeting's notice from now on (notice counts from when
    it is sent); a cancellation or correction is a notice of its own."""
    change: MeetingChange = meeting.changes[-1]
    title, facts, ics = _meeting_notice(node, ident, meeting)
    was = f"It was to meet {when(node, change.starts_at_ms)}."
    if change.kind == "cancelled":
        body = (f"The {meeting.kind} meeting of {node.config.name} called for "
                f"{when(node, meeting.starts_at_ms)} is cancelled.\n\nWhy: {change.reason}\n")
        attachments = []
        related = f"{meeting_subject(ident)}:cancelled"
    else:
        opening = ("is postponed" if change.kind == "postponed"
                   else "is corrected: the place, link or agenda changed")
        body = (f"The {meeting.kind} meeting of {node.config.name} {opening}.\n"
                f"{was if change.kind == 'postponed' else ''}\n\nWhy: {change.reason}\n\n"
                f"{facts}")
        attachments = [mail.ics_attachment(ics, f"meeting-{ident}.ics")]
        related = (meeting_subject(ident) if change.kind == "postponed"
                   else f"{meeting_subject(ident)}:corrected:{len(meeting.changes)}")
    await mail.send_notice(node, recipients, f"{CHANGE_SUBJECTS[change.kind]}: {title}, "
                           f"{when(node, meeting.starts_at_ms)}", body, attachments,
                           related_subject=related, kind="meeting", actor=actor.audit)


async def withdraw_unsent(db: aiosqlite.Connection, related: str) -> None:
    """A newer notice replaces the unsent ones about `related` (inside the caller's
    transaction)."""
    await store_notices.withdraw_about(db, related)


async def waiting_for_meeting(db: aiosqlite.Connection, ident: int) -> list[mail.Notice]:
    """The notices about meeting `ident` (its call, and any change) nobody has sent yet."""
    return [mail.as_notice(row)
            for row in await store_notices.unsent_under(db, meeting_subject(ident))]


async def pass_on_meeting(node: Node, actor: Actor, ident: int) -> NoticeState:
    """An officer has passed on every unsent notice about meeting `ident` by hand: they
    all count as sent now, in one step, and the audit trail says so once."""
    subject = meeting_subject(ident)
    now = clock.now(node)
    async with node.transaction() as db:
        passed = await store_notices.pass_on_under(db, subject, now, actor.audit)
        if not passed:
            raise refuse("nothing_to_pass_on",
                         f"every notice about meeting {ident} has already been sent", 409)
        await audit.record(db, actor.audit, "notice.passed_on", subject,
                           {"notices": passed, "count": len(passed)}, now)
    return await state(node.db, subject)


MAIL_MERGE_COLUMNS = ("name", "email", "phone", "area", "postcode", "subject", "body")


def _cell(value: str) -> str:
    # a spreadsheet reads a cell starting with one of these as a formula
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


async def mail_merge(node: Node, actor: Actor, ident: int) -> str:
    """The meeting's unsent notices as a mail-merge CSV: who (with their contact details
    from the register) and what to send them. Handing it out is audited."""
    waiting = await waiting_for_meeting(node.db, ident)
    members = await store_register.records(node.db, [n.member_id for n in waiting
                                                     if n.member_id])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MAIL_MERGE_COLUMNS)
    for n in waiting:
        m = members.get(n.member_id or "")
        writer.writerow([_cell(v) for v in (
            n.name, n.email, m.phone if m else "", m.area if m else "",
            m.postcode if m else "", n.subject, n.body)])
    now = clock.now(node)
    async with node.transaction() as db:
        await audit.record(db, actor.audit, "notice.mail_merge", meeting_subject(ident),
                           {"notices": [n.id for n in waiting]}, now)
    return out.getvalue()


async def to_member(node: Node, actor: Actor, member_id: str, related: str, subject: str,
                    body: str) -> NoticeState:
    """A due-process notice to the member concerned."""
    await mail.send_notice(node, [member_id], subject, body, related_subject=related,
                           kind="due_process", actor=actor.audit)
    return await state(node.db, related)
