"""The notices the group's business sends, through `group/mail.py`, and when they went out.

A meeting's notice goes to everyone entitled to attend, with a calendar
file; a due-process notice goes to the member concerned. `group/mail.py` records
each notice and its sending; notice periods count from `sent_at`, the moment
the last notice about the subject was sent (by the mail server, or passed on
by an officer when the node has no SMTP server). Until then no notice has
been given.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import aiosqlite
import msgspec

from .. import clock
from ..local_time import LocalTime
from ..network.node import Node
from ..procedure.group.meetings import Meeting
from ..procedure.group.standing_orders import HOUR_MS
from ..store import notices as store_notices
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
    where = meeting.place or meeting.link
    agenda = "\n".join(f"{n}. {item}" for n, item in enumerate(meeting.agenda, 1))
    title = f"{meeting.kind.capitalize()} meeting of {node.config.name}"
    ics = mail.meeting_ics(
        f"meeting-{ident}@{urlsplit(node.config.url).hostname or node.id}",
        meeting.starts_at_ms, meeting.starts_at_ms + MEETING_LENGTH_MS, title,
        location=where, description=f"Agenda:\n{agenda}", stamp_ms=clock.now(node),
        url=meeting.link)
    body = (f"Notice of a {meeting.kind} meeting of {node.config.name}.\n\n"
            f"When: {when(node, meeting.starts_at_ms)}\nWhere: {where}\n\nAgenda:\n{agenda}\n")
    await mail.send_notice(node, recipients, f"Notice: {title}, {when(node, meeting.starts_at_ms)}",
                           body, [mail.ics_attachment(ics, f"meeting-{ident}.ics")],
                           related_subject=meeting_subject(ident), kind="meeting",
                           actor=actor.audit)


async def to_member(node: Node, actor: Actor, member_id: str, related: str, subject: str,
                    body: str) -> NoticeState:
    """A due-process notice to the member concerned."""
    await mail.send_notice(node, [member_id], subject, body, related_subject=related,
                           kind="due_process", actor=actor.audit)
    return await state(node.db, related)
