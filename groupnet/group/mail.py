"""Notices to members: invitations, reset links, meeting and due-process notices.

Every notice is recorded before it is sent, in the `notices` table: to whom
(member, name, email), what (subject, body, attachments), about what (the
related subject, e.g. `meeting:3` or `case:2`), by what transport, and when it
was sent. Notice periods count from `sent_at`, never from when a notice was
written.

- With `[smtp]` in node.toml, notices go through that server (`smtplib` in a
  worker thread, one connection per batch). A notice is `sent` once the
  server has accepted it, with that time as `sent_at`; if the server refuses
  it or cannot be reached, the notice is `failed` with the error, and stays in
  the officers' list of notices to deal with.
- Without SMTP, the notice is recorded with transport `manual` and stays
  `pending`: the node shows it (with any link in it) to officers, who pass it
  on by hand and then mark it passed on; that moment is its `sent_at`.
- A notice carrying a sign-in link is `withdrawn` when a newer link replaces
  it before anyone sent it, and counts as passed on when the member uses it.
- A sign-in link lets whoever holds it act as the member, so it is never shown
  to anyone reading notices (officers included): the node keeps it only while
  its mail waits to be sent, and reading a notice shows a placeholder. Where
  there is no mail, `register.issue_link` decides who may be handed a link.
- Notices about a member's own account (`ACCOUNT`: a link was used, the email
  changed) are for that member alone: by mail when there is mail, otherwise
  shown on their own page; they never wait in the officers' list.

Each batch writes audit rows: one when the notices are recorded (in the same
transaction as whatever caused them, such as a new invitation link), one when
sending finishes, and one whenever an officer marks a notice passed on.
"""

from __future__ import annotations

import asyncio
import base64
import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import aiosqlite
import msgspec

from .. import clock
from ..clock import now_ms
from ..config import SmtpConfig
from ..local_time import LocalTime
from ..network.node import Node
from ..store import audit, register
from ..store import notices as store_notices
from ..wire.rejection import refuse


class Attachment(msgspec.Struct, frozen=True):
    filename: str
    content_type: str
    data: bytes


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """A notice to one person, before it is recorded.

    A `secret` (a sign-in link) stands in the body as `[[link]]`. It is kept
    only for a notice that goes by mail, until the mail server has taken it
    (or refused it), and is never shown when a notice is read: the node does
    not hand out usable links, and does not hold them for long.
    """

    member_id: str | None
    name: str
    email: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()
    secret: str = ""


class Notice(msgspec.Struct, frozen=True):
    id: int
    member_id: str | None
    name: str
    email: str
    kind: str
    subject: str
    body: str
    attachments: list[str]
    related: str
    transport: str
    status: str
    error: str
    created: int
    sent_at: int | None


_attachments = msgspec.json.Decoder(list[Attachment])
LINK = "[[link]]"
HIDDEN_LINK = "(a sign-in link: it goes to the member alone and is not shown here)"
ACCOUNT = "account"
ON_THE_MEMBERS_PAGE = "shown on the member's own page"

def as_notice(row: tuple) -> Notice:
    """A notice row of `store/notices.py` as a `Notice` (its link, if any, hidden)."""
    return _notice(row)


def _notice(row: tuple) -> Notice:
    names = [a.filename for a in _attachments.decode(row[7])]
    return Notice(row[0], row[1], row[2], row[3], row[4], row[5],
                  row[6].replace(LINK, HIDDEN_LINK), names, row[8], row[9], row[10], row[11],
                  row[12], row[13])


def transport_of(node: Node) -> str:
    return "smtp" if node.config.smtp is not None else "manual"


async def record(db: aiosqlite.Connection, drafts: Sequence[Draft], kind: str, related: str,
                 transport: str, actor: str, now: int) -> list[int]:
    """Record notices as pending (inside the caller's transaction); return their ids.

    A draft's secret is kept only if the notice goes by mail, to be sent."""
    ids = []
    for d in drafts:
        ids.append(await store_notices.add(
            db, d.member_id, d.name, d.email, kind, d.subject, d.body,
            d.secret if transport == "smtp" else "",
            msgspec.json.encode(list(d.attachments)), related, transport, now, actor))
    await audit.record(db, actor, "notice.record", related or "notices", {
        "notices": ids, "kind": kind, "transport": transport,
        "recipients": [d.member_id or d.email for d in drafts],
        "subject": drafts[0].subject if drafts else "",
    }, now)
    return ids


async def deliver(node: Node, ids: Sequence[int]) -> list[Notice]:
    """Send the SMTP notices among `ids` that are not yet sent; return all of them as now."""
    notices = await by_ids(node.db, ids)
    smtp = node.config.smtp
    waiting = [n for n in notices if n.transport == "smtp" and n.status != "sent"]
    if waiting and smtp is not None:
        raw = await _raw_attachments(node.db, [n.id for n in waiting])
        secrets = await _secrets(node.db, [n.id for n in waiting])
        messages = [_message(smtp, n, raw[n.id], secrets.get(n.id, "")) for n in waiting]
        # the server's acceptance times, on the group's business clock
        offset = clock.now(node) - now_ms()
        outcomes = await asyncio.to_thread(_send_all, smtp, messages)
        now = clock.now(node)
        async with node.transaction() as db:
            for notice, (error, at) in zip(waiting, outcomes, strict=True):
                # sent or refused, the link is not kept: nobody may pass it on by hand
                await store_notices.mark_mailed(db, notice.id, error,
                                                None if error else at + offset)
            await audit.record(db, "node", "notice.send", waiting[0].related or "notices", {
                "sent": [n.id for n, (e, _) in zip(waiting, outcomes, strict=True) if not e],
                "failed": {str(n.id): e for n, (e, _) in zip(waiting, outcomes, strict=True)
                           if e},
            }, now)
        notices = await by_ids(node.db, ids)
    return notices


async def record_account_notice(db: aiosqlite.Connection, node: Node, member_id: str,
                                name: str, email: str, subject: str, body: str, actor: str,
                                now: int) -> int | None:
    """Tell a member something about their own account (inside the caller's transaction).

    By mail when there is mail (the id returned is to `deliver` once the
    transaction has committed); otherwise it counts as sent at once, shown on
    the member's own page (`account_notices`), and None is returned.
    """
    transport = transport_of(node)
    draft = Draft(member_id=member_id, name=name, email=email, subject=subject, body=body)
    (notice_id,) = await record(db, [draft], ACCOUNT, f"member:{member_id}", transport, actor,
                                now)
    if transport == "smtp":
        return notice_id
    await store_notices.mark_sent(db, notice_id, now, ON_THE_MEMBERS_PAGE)
    return None


async def account_notices(db: aiosqlite.Connection, member_id: str,
                          limit: int = 20) -> list[Notice]:
    """The newest notices about a member's own account, for their own page."""
    return [_notice(row) for row in await store_notices.of_kind(db, member_id, ACCOUNT, limit)]


async def send_notice(node: Node, recipients: Sequence[str], subject: str, body: str,
                      attachments: Sequence[Attachment] = (), related_subject: str = "",
                      kind: str = "notice", actor: str = "node") -> list[Notice]:
    """Send the same notice to each member in `recipients` (member ids), and record it.

    For meeting notices (with `meeting_ics` as an attachment), due-process
    notices and the like. Call it after the transaction that caused the
    notice has committed. Without SMTP the notices stay pending for officers
    to pass on; `all_sent_at` says when every notice about a subject was sent.
    """
    recipients = list(dict.fromkeys(recipients))  # one notice each, however often named
    members = await register.records(node.db, recipients)
    missing = [m for m in recipients if m not in members]
    if missing:
        raise refuse("not_found", f"there is no member {missing[0]} in this register", 404)
    drafts = [Draft(member_id=m.member_id, name=m.name, email=m.email, subject=subject,
                    body=body, attachments=tuple(attachments))
              for m in (members[r] for r in recipients)]
    async with node.transaction() as db:
        ids = await record(db, drafts, kind, related_subject, transport_of(node), actor,
                           clock.now(node))
    return await deliver(node, ids)


async def by_ids(db: aiosqlite.Connection, ids: Sequence[int]) -> list[Notice]:
    found = {row[0]: _notice(row) for row in await store_notices.by_ids(db, ids)}
    return [found[i] for i in ids if i in found]


async def _secrets(db: aiosqlite.Connection, ids: Sequence[int]) -> dict[int, str]:
    """The links kept for notices about to be mailed: read only to send them."""
    return await store_notices.secrets(db, ids)


async def _raw_attachments(db: aiosqlite.Connection,
                           ids: Sequence[int]) -> dict[int, list[Attachment]]:
    return {ident: _attachments.decode(blob)
            for ident, blob in await store_notices.attachments(db, ids)}


async def attachments_of(db: aiosqlite.Connection, notice_id: int) -> list[dict]:
    """A notice's attachments with their contents (base64), for an officer passing it on."""
    found = await _raw_attachments(db, [notice_id])
    return [{"filename": a.filename, "content_type": a.content_type,
             "data_base64": base64.b64encode(a.data).decode()} for a in found[notice_id]]


async def waiting(db: aiosqlite.Connection, limit: int = 500) -> list[Notice]:
    """Notices nobody has sent yet: manual ones to pass on, and failed ones (but not a
    member's account notices, which are theirs alone)."""
    return [_notice(row) for row in await store_notices.unsent(db, ACCOUNT, limit)]


async def of_member(db: aiosqlite.Connection, member_id: str) -> list[Notice]:
    return [_notice(row) for row in await store_notices.of_member(db, member_id)]


async def about(db: aiosqlite.Connection, related: str) -> list[Notice]:
    return [_notice(row) for row in await store_notices.about(db, related)]


async def tally(db: aiosqlite.Connection, related: str) -> tuple[int, int, int | None]:
    """(how many notices are about `related`, how many of them were sent, `all_sent_at`),
    counted by the database: a meeting of 20,000 members is not 20,000 notices read."""
    total, sent, last = await store_notices.tally(db, related)
    return total, sent, last if total and sent == total else None


async def all_sent_at(db: aiosqlite.Connection, related: str) -> int | None:
    """When the last notice about `related` was sent, or None while any is unsent.

    This is the moment a notice period about that subject counts from.
    """
    _, _, last = await tally(db, related)
    return last


async def pass_on(node: Node, notice_id: int, actor: str) -> Notice:
    """An officer says they passed an unsent notice on by hand: it counts as sent now."""
    now = clock.now(node)
    async with node.transaction() as db:
        if not await store_notices.pass_on(db, notice_id, now, actor):
            found = await by_ids(db, [notice_id])
            if not found:
                raise refuse("not_found", f"there is no notice {notice_id}", 404)
            raise refuse("already_sent", f"notice {notice_id} was already sent, at "
                         f"{LocalTime(node.config.time_zone).moment(found[0].sent_at or 0)}",
                         409)
        await audit.record(db, actor, "notice.passed_on", f"notice:{notice_id}", {}, now)
    (notice,) = await by_ids(node.db, [notice_id])
    return notice


async def link_used(db: aiosqlite.Connection, member_id: str, kind: str, now: int) -> None:
    """The member used the link in their unsent notice: it reached them, so it counts as
    passed on now, and the link is no longer kept (inside the caller's transaction)."""
    await store_notices.link_used(db, member_id, kind, now)


async def withdraw_links(db: aiosqlite.Connection, member_id: str, kind: str) -> None:
    """A newer link replaced the one in these unsent notices: nobody should pass them on."""
    await store_notices.withdraw(db, member_id, kind)


# -- SMTP --------------------------------------------------------------------------


def _message(smtp: SmtpConfig, notice: Notice, attachments: list[Attachment],
             secret: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.from_address
    message["To"] = formataddr((notice.name, notice.email))
    message["Subject"] = notice.subject
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(smtp.from_address)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(f"notice{notice.id}", domain=domain)
    # the stored body with its link, not `notice.body`, which never shows one
    message.set_content(notice.body.replace(HIDDEN_LINK, secret) if secret else notice.body)
    for a in attachments:
        maintype, _, subtype = a.content_type.partition("/")
        params = {"method": "PUBLISH"} if a.content_type == "text/calendar" else None
        message.add_attachment(a.data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=a.filename, params=params)
    return message


def _send_all(smtp: SmtpConfig, messages: list[EmailMessage]) -> list[tuple[str, int]]:
    """(error or '', when the server accepted it) per message, over one connection."""
    outcomes: list[tuple[str, int]] = []
    try:
        if smtp.tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout_seconds,
                context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        with connection:
            if smtp.starttls and not smtp.tls:
                connection.starttls(context=ssl.create_default_context())
            if smtp.username:
                connection.login(smtp.username, smtp.password)
            for message in messages:
                try:
                    connection.send_message(message)
                    outcomes.append(("", now_ms()))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                        smtplib.SMTPSenderRefused) as error:
                    outcomes.append((f"the mail server refused it: {error}", 0))
    except (OSError, smtplib.SMTPException) as error:
        reason = f"could not send through {smtp.host}:{smtp.port}: {error}"
        outcomes += [(reason, 0)] * (len(messages) - len(outcomes))
    return outcomes


# -- calendar files ------------------------------------------------------------------


def _ics_time(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y%m%dT%H%M%SZ")


def _ics_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines of at most 75 octets; continuations start with one space.

    Splits fall between characters, never inside a UTF-8 sequence.
    """
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def meeting_ics(uid: str, start_ms: int, end_ms: int, summary: str, location: str = "",
                description: str = "", stamp_ms: int | None = None, url: str = "",
                sequence: int = 0) -> str:
    """An iCalendar file (RFC 5545) with one event, times in UTC, CRLF line endings.

    `uid` must stay the same for the same meeting (e.g. `meeting-3@<node url host>`);
    raise `sequence` when a meeting already announced changes.
    """
    if end_ms <= start_ms:
        raise refuse("bad_request", "a meeting ends after it starts", 400)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//groupnet//groupnet meeting notice//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{_ics_text(uid)}",
        f"DTSTAMP:{_ics_time(stamp_ms if stamp_ms is not None else now_ms())}",
        f"DTSTART:{_ics_time(start_ms)}",
        f"DTEND:{_ics_time(end_ms)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{_ics_text(summary)}",
    ]
    if location:
        lines.append(f"LOCATION:{_ics_text(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_text(description)}")
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)


def ics_attachment(ics: str, filename: str = "meeting.ics") -> Attachment:
    return Attachment(filename, "text/calendar", ics.encode())
