"""Meetings: calling them (the notice goes out), attendance, quorum and minutes.

Calling a meeting records it and sends its notice to everyone entitled to
attend. SO 1.x counts notice from the moment the last of those notices was
sent (`notices.py`), not from the call: until then no notice has been given.
A meeting called with too little notice may meet, but every decision put to
it is refused, and its view says so and why. Attendance, minutes, votes and
counts are recorded from the meeting's start; minutes are numbered entries,
approved at a later meeting and then locked.

Before it starts, an officer may cancel, postpone or correct a meeting
(`cancel`, `postpone`, `correct`): the rule decides, the change is audited,
and the members are told as they were told of the call. A postponement's
notice replaces the call's (its unsent notices are withdrawn) and the notice
period counts again from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import aiosqlite
import msgspec

from .. import clock
from ..limits import Id, OptionalLink
from ..network.node import Node
from ..procedure.group import meetings
from ..procedure.group.meetings import Attendance, Meeting, Minutes, MinutesEntry, QuorumCount
from ..procedure.group.standing_orders import DecisionKind, GroupStandingOrders, MeetingKind
from ..store import audit, business
from ..wire.rejection import Rejection, or_refuse, refuse
from . import notices, people, rules
from .notices import NoticeState
from .people import Actor

KIND = "meeting"

AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
Line = Annotated[str, msgspec.Meta(max_length=500)]
MemberId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
DECISIONS: tuple[DecisionKind, ...] = ("motion", "rule_change", "delegate_election", "mandate")


class CallMeeting(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Call a meeting: the notice goes to everyone entitled to attend, now."""

    kind: MeetingKind
    starts_at: AwareTime
    agenda: Annotated[list[Line], msgspec.Meta(min_length=1, max_length=100)]
    place: Line = ""
    # to meet online: an http:// or https:// address (limits.py)
    link: OptionalLink = ""
    # the officer calling it; a signed-in officer calls it themselves
    called_by: MemberId | None = None


class RecordAttendance(msgspec.Struct, forbid_unknown_fields=True):
    """Members present: each is recorded once; one refusal refuses the whole list."""

    present: Annotated[list[MemberId], msgspec.Meta(min_length=1, max_length=5000)]


class RecordMinute(msgspec.Struct, forbid_unknown_fields=True):
    """A new minute, or (with `corrects`) a correction of an earlier one."""

    text: Text
    corrects: Id | None = None


class ApproveMinutes(msgspec.Struct, forbid_unknown_fields=True):
    """Approve this meeting's minutes at a later meeting, now in session."""

    at_meeting: Id


class CancelMeeting(msgspec.Struct, forbid_unknown_fields=True):
    """Cancel a meeting before it starts; everyone entitled to attend is told why."""

    reason: Line


class PostponeMeeting(msgspec.Struct, forbid_unknown_fields=True):
    """Move a meeting to a later time; the notice of the new time goes out now, and notice
    counts from it."""

    starts_at: AwareTime
    reason: Line


class CorrectMeeting(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Correct a meeting's place, link or agenda (what is left out stays as it was); its
    time changes only by postponing it."""

    reason: Line
    place: Line | None = None
    link: OptionalLink | None = None
    agenda: Annotated[list[Line], msgspec.Meta(min_length=1, max_length=100)] | None = None


class MeetingRecord(msgspec.Struct, frozen=True, kw_only=True):
    # `meeting.called_at_ms` is when it was called; notice counts from when it was sent
    meeting: Meeting
    attendance: Attendance
    minutes: Minutes


class MeetingView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    meeting: Meeting
    notice: NoticeState
    # why this meeting may not take binding decisions (SO 1.x), or None
    notice_problem: Rejection | None
    # why this meeting cannot take binding decisions as things stand (cancelled, notice,
    # quorum once it has started), or None
    binding_problem: Rejection | None
    present: tuple[str, ...]
    entitled: int
    quorum: QuorumCount
    # for each kind of decision, None if this meeting may take it now, else why not
    decisions: dict[str, Rejection | None]
    minutes: Minutes
    minutes_as_corrected: list[MinutesEntry]
    motions: list[int]
    elections: list[int]
    version: int


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def load(db: aiosqlite.Connection, ident: int) -> tuple[MeetingRecord, int]:
    return await business.load(db, KIND, ident, MeetingRecord)


def in_session(record: MeetingRecord, now: int) -> None:
    refusal = meetings.in_session(record.meeting, now)
    if refusal:
        raise refuse(refusal.code, refusal.reason)


def as_notified(meeting: Meeting, notice: NoticeState) -> Meeting:
    """The meeting as the rules see it: notified when its notice was sent, and given no
    notice at all while any of it waits to be sent."""
    sent = notice.sent_at_ms if notice.sent_at_ms is not None else meeting.starts_at_ms
    return msgspec.structs.replace(meeting, called_at_ms=sent)


async def notified(db: aiosqlite.Connection, ident: int,
                   record: MeetingRecord) -> tuple[Meeting, NoticeState]:
    notice = await notices.state(db, notices.meeting_subject(ident))
    return as_notified(record.meeting, notice), notice


async def view(db: aiosqlite.Connection, ident: int, now: int) -> MeetingView:
    record, version = await load(db, ident)
    orders = await rules.current(db)
    meeting, notice = await notified(db, ident, record)
    entitled = await people.entitled_to_attend(db, meeting.kind, orders)
    present = len(record.attendance.present)
    return MeetingView(
        id=ident, meeting=record.meeting, notice=notice,
        notice_problem=meetings.notice_check(meeting, orders),
        binding_problem=meetings.binding_check(meeting, notice.waiting, present, entitled,
                                               orders, now),
        present=record.attendance.present, entitled=entitled,
        quorum=meetings.quorum(meeting, present, entitled, orders),
        decisions={d: meetings.may_decide(meeting, d, present, entitled, orders)
                   for d in DECISIONS},
        minutes=record.minutes, minutes_as_corrected=meetings.as_corrected(record.minutes),
        motions=await _at_meeting(db, "motion", "$.motion.meeting_id", ident),
        elections=await _at_meeting(db, "election", "$.election.meeting_id", ident),
        version=version)


async def _at_meeting(db: aiosqlite.Connection, kind: str, path: str, ident: int) -> list[int]:
    """The ids of the records of `kind` (motions, elections) that belong to meeting `ident`."""
    return await business.ids_where(db, kind, path, str(ident))


async def listing(db: aiosqlite.Connection, now: int) -> list[dict]:
    """Every meeting, each with why it cannot take binding decisions (`cannot_decide`: a
    code and a sentence), or None."""
    orders = await rules.current(db)
    entitled = {kind: await people.entitled_to_attend(db, kind, orders)
                for kind in ("general", "committee", "annual")}
    found = []
    for ident, r in await business.all_of(db, KIND, MeetingRecord):
        meeting, notice = await notified(db, ident, r)
        found.append({
            "id": ident, "kind": r.meeting.kind, "starts_at_ms": r.meeting.starts_at_ms,
            "called_at_ms": r.meeting.called_at_ms, "place": r.meeting.place,
            "link": r.meeting.link, "agenda": r.meeting.agenda,
            "cancelled": r.meeting.cancelled,
            "cannot_decide": meetings.binding_check(
                meeting, notice.waiting, len(r.attendance.present), entitled[meeting.kind],
                orders, now)})
    return found



async def call(node: Node, actor: Actor, request: CallMeeting) -> MeetingView:
    async with node.transaction() as db:
        now = clock.now(node)
        orders = await rules.current(db)
        officer = await people.officer_acting(db, actor, request.called_by, orders,
                                              "calls the meeting")
        ident = await business.next_id(db, KIND)
        meeting = or_refuse(meetings.call_meeting(
            str(ident), request.kind, _ms(request.starts_at), now, tuple(request.agenda),
            officer, orders, place=request.place, link=request.link))
        record = MeetingRecord(meeting=meeting, attendance=Attendance(meeting.meeting_id),
                               minutes=Minutes(meeting_id=meeting.meeting_id))
        await business.save(db, KIND, ident, record, None, now)
        recipients = await people.entitled_ids(db, meeting.kind, orders)
        await audit.record(db, actor.audit, "meeting.called", f"{KIND}:{ident}", {
            "kind": meeting.kind, "starts_at_ms": meeting.starts_at_ms,
            "called_by": meeting.called_by, "agenda": list(meeting.agenda),
            "place": meeting.place, "link": meeting.link, "recipients": len(recipients),
        }, now)
    await notices.meeting_called(node, actor, ident, meeting, recipients)
    return await view(node.db, ident, clock.now(node))


async def _change(node: Node, actor: Actor, ident: int, what: str, change,
                  ) -> tuple[Meeting, list[str]]:
    """Ask `change(meeting, officer, now, orders)` for the changed meeting; save and audit it.
    Answers the meeting and those entitled to attend, who are told."""
    async with node.transaction() as db:
        now = clock.now(node)
        orders = await rules.current(db)
        record, version = await load(db, ident)
        officer = await people.officer_acting(db, actor, None, orders, what)
        meeting = or_refuse(change(record.meeting, officer, now, orders))
        await business.save(db, KIND, ident, msgspec.structs.replace(record, meeting=meeting),
                            version, now)
        done = meeting.changes[-1]
        recipients = await people.entitled_ids(db, meeting.kind, orders)
        await audit.record(db, actor.audit, f"meeting.{done.kind}", f"{KIND}:{ident}", {
            "reason": done.reason, "by": done.by,
            "before": {"starts_at_ms": done.starts_at_ms, "place": done.place,
                       "link": done.link, "agenda": list(done.agenda)},
            "after": {"starts_at_ms": meeting.starts_at_ms, "place": meeting.place,
                      "link": meeting.link, "agenda": list(meeting.agenda)},
            "recipients": len(recipients)}, now)
        if done.kind != "corrected":
            # the call's unsent notices are out of date: nobody should pass them on
            await notices.withdraw_unsent(db, notices.meeting_subject(ident))
    return meeting, recipients


async def cancel(node: Node, actor: Actor, ident: int, request: CancelMeeting) -> MeetingView:
    meeting, recipients = await _change(
        node, actor, ident, "cancels the meeting",
        lambda m, officer, now, orders: meetings.cancel_meeting(m, request.reason, officer,
                                                                now, orders))
    await notices.meeting_changed(node, actor, ident, meeting, recipients)
    return await view(node.db, ident, clock.now(node))


async def postpone(node: Node, actor: Actor, ident: int,
                   request: PostponeMeeting) -> MeetingView:
    meeting, recipients = await _change(
        node, actor, ident, "postpones the meeting",
        lambda m, officer, now, orders: meetings.postpone_meeting(
            m, _ms(request.starts_at), request.reason, officer, now, orders))
    await notices.meeting_changed(node, actor, ident, meeting, recipients)
    return await view(node.db, ident, clock.now(node))


async def correct(node: Node, actor: Actor, ident: int, request: CorrectMeeting) -> MeetingView:
    def corrected(m: Meeting, officer, now: int, orders: GroupStandingOrders):
        return meetings.correct_meeting(
            m, m.place if request.place is None else request.place,
            m.link if request.link is None else request.link,
            m.agenda if request.agenda is None else tuple(request.agenda),
            request.reason, officer, now, orders)

    meeting, recipients = await _change(node, actor, ident, "corrects the meeting", corrected)
    await notices.meeting_changed(node, actor, ident, meeting, recipients)
    return await view(node.db, ident, clock.now(node))


async def attend(node: Node, actor: Actor, ident: int, request: RecordAttendance) -> MeetingView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        in_session(record, now)
        orders = await rules.current(db)
        found = await people.members(db, request.present)
        attendance = record.attendance
        for member_id in dict.fromkeys(request.present):
            attendance = or_refuse(meetings.attend(attendance, found[member_id], record.meeting,
                                                orders))
        await business.save(db, KIND, ident,
                            msgspec.structs.replace(record, attendance=attendance), version, now)
        await audit.record(db, actor.audit, "meeting.attendance", f"{KIND}:{ident}",
                           {"added": sorted(set(request.present)),
                            "present": len(attendance.present)}, now)
    return await view(node.db, ident, clock.now(node))


async def minute(node: Node, actor: Actor, ident: int, request: RecordMinute) -> MeetingView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        in_session(record, now)
        if request.corrects is None:
            minutes = or_refuse(meetings.record_minute(record.minutes, request.text, actor.audit,
                                                    now))
        else:
            minutes = or_refuse(meetings.correct_minute(record.minutes, request.corrects,
                                                     request.text, actor.audit, now))
        await business.save(db, KIND, ident, msgspec.structs.replace(record, minutes=minutes),
                            version, now)
        entry = minutes.entries[-1]
        await audit.record(db, actor.audit, "meeting.minute", f"{KIND}:{ident}",
                           {"number": entry.number, "corrects": entry.corrects,
                            "text": entry.text}, now)
    return await view(node.db, ident, clock.now(node))


async def approve(node: Node, actor: Actor, ident: int, request: ApproveMinutes) -> MeetingView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        approving, _ = await load(db, request.at_meeting)
        approving_meeting, _ = await notified(db, request.at_meeting, approving)
        orders = await rules.current(db)
        entitled = await people.entitled_to_attend(db, approving.meeting.kind, orders)
        minutes = or_refuse(meetings.approve_minutes(
            record.minutes, record.meeting, approving_meeting, now,
            len(approving.attendance.present), entitled, orders))
        await business.save(db, KIND, ident, msgspec.structs.replace(record, minutes=minutes),
                            version, now)
        await audit.record(db, actor.audit, "meeting.minutes_approved", f"{KIND}:{ident}",
                           {"at_meeting": request.at_meeting,
                            "entries": len(minutes.entries)}, now)
    return await view(node.db, ident, clock.now(node))


async def decision_context(db: aiosqlite.Connection, meeting_id: str, now: int,
                           ) -> tuple[MeetingRecord, Meeting, GroupStandingOrders, int]:
    """What a decision at a meeting needs: its record (the meeting in session), the
    meeting as notified, the orders in force, and how many are entitled to attend."""
    ident = int(meeting_id)
    record, _ = await load(db, ident)
    in_session(record, now)
    meeting, _ = await notified(db, ident, record)
    orders = await rules.current(db)
    entitled = await people.entitled_to_attend(db, meeting.kind, orders)
    return record, meeting, orders, entitled
