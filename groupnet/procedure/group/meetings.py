"""Meetings: notice, attendance, quorum, and minutes.

- An officer calls a meeting (general, committee or annual) with a start time,
  a place or a link, and an agenda. Notice counts from when it was sent
  (`called_at_ms`), not from when someone decided to hold the meeting.
- SO 1.1-1.3: a meeting called with less notice than its kind needs may still
  meet, but it cannot take binding decisions; `notice_check` says so, with the
  hours given and required.
- Attendance: active members attend general and annual meetings; committee
  meetings are attended by the committee, i.e. the officers (SO 9.1). Each
  person is recorded once. Attendance, minutes and votes are recorded at the
  meeting, so not before it starts (`in_session`).
- SO 2.1-2.3: quorum is the greater of a fixed number and a percentage of
  those entitled to attend. A decision without quorum is refused (`quorum`).
- SO 5.3, 6.1-6.3: each kind of decision may be taken only by the bodies the
  standing orders name (`wrong_body`).
- Minutes are a list of numbered entries. They are approved at a later
  meeting of the same body (committee minutes by a committee, general and
  annual minutes by a general or annual meeting), never at the meeting they
  record. Once approved they are locked; corrections are new entries that
  name the entry they correct, before or after approval; nothing is edited.
- Changing a called meeting (SO 1.1-1.3, 9.1): before it starts, an officer
  may cancel it, postpone it to a later time, or correct its place, link or
  agenda, each time giving a reason; nothing is erased, each change is kept
  in `changes`. Cancelling and postponing give notice as calling does; a
  postponed meeting's notice counts again from when the notice of its new
  time is sent (`called_at_ms`), so a postponement cannot shorten the notice
  its kind needs. A cancelled meeting records nothing and decides nothing.
  A meeting is never brought forward: that would shorten the notice given;
  cancel it and call another.
- `binding_check` says whether a meeting can take binding decisions, and if
  not why: cancelled, notice not yet given or too short, or (once it has
  started) without quorum.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from ...wire.rejection import Rejection
from .members import Member, is_officer
from .standing_orders import (
    DAY_MS,
    NUMBERS,
    DecisionKind,
    GroupStandingOrders,
    MeetingKind,
    cite,
    hours,
)

MeetingChangeKind = Literal["cancelled", "postponed", "corrected"]


class MeetingChange(msgspec.Struct, frozen=True, kw_only=True):
    """One change to a called meeting, with what it was before."""

    kind: MeetingChangeKind
    at_ms: int
    by: str
    reason: str
    starts_at_ms: int
    place: str
    link: str
    agenda: tuple[str, ...]


class Meeting(msgspec.Struct, frozen=True, kw_only=True):
    meeting_id: str
    kind: MeetingKind
    starts_at_ms: int
    called_at_ms: int
    called_by: str
    agenda: tuple[str, ...]
    place: str = ""
    link: str = ""
    cancelled_at_ms: int | None = None
    # every change since it was called, oldest first, each with the meeting as it was
    changes: tuple[MeetingChange, ...] = ()

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at_ms is not None


class Attendance(msgspec.Struct, frozen=True):
    meeting_id: str
    present: tuple[str, ...] = ()


class QuorumCount(msgspec.Struct, frozen=True):
    required: int
    present: int
    met: bool
    rule: str


class MinutesEntry(msgspec.Struct, frozen=True):
    number: int
    text: str
    recorded_at_ms: int
    recorded_by: str
    corrects: int | None = None


class Minutes(msgspec.Struct, frozen=True, kw_only=True):
    meeting_id: str
    entries: tuple[MinutesEntry, ...] = ()
    approved_at_meeting: str | None = None
    approved_at_ms: int | None = None


def call_meeting(meeting_id: str, kind: MeetingKind, starts_at_ms: int, called_at_ms: int,
                 agenda: tuple[str, ...], called_by: Member, orders: GroupStandingOrders,
                 place: str = "", link: str = "") -> Meeting | Rejection:
    if not is_officer(called_by, orders):
        return Rejection("officer_required",
                         f"{cite('officer_roles')}: meetings are called by an officer "
                         f"({', '.join(orders.officer_roles)})")
    if not (place.strip() or link.strip()):
        return Rejection("place_required", "a notice of meeting says where: a place or a link")
    if not [item for item in agenda if item.strip()]:
        return Rejection("agenda_required", "a notice of meeting gives the agenda")
    if starts_at_ms <= called_at_ms:
        return Rejection("starts_before_notice", "a meeting cannot start before its notice is sent")
    return Meeting(meeting_id=meeting_id, kind=kind, starts_at_ms=starts_at_ms,
                   called_at_ms=called_at_ms, called_by=called_by.member_id,
                   agenda=tuple(a.strip() for a in agenda if a.strip()), place=place.strip(),
                   link=link.strip())


def notice_check(meeting: Meeting, orders: GroupStandingOrders) -> Rejection | None:
    """None if the meeting had the notice its kind needs; else why it cannot decide."""
    field = f"{meeting.kind}_meeting_notice_days"
    days = getattr(orders, field)
    given = max(meeting.starts_at_ms - meeting.called_at_ms, 0)
    if given >= days * DAY_MS:
        return None
    return Rejection("notice_period",
                     f"{cite(field)}: a {meeting.kind} meeting needs {days} days' notice "
                     f"({hours(days * DAY_MS)}); this one gave {hours(given)}, so it may meet "
                     "but cannot take binding decisions")


def in_session(meeting: Meeting, at_ms: int) -> Rejection | None:
    """Attendance, minutes, votes and counts are recorded at the meeting, so from its start;
    a cancelled meeting never sits."""
    if meeting.cancelled:
        return _cancelled(meeting)
    if at_ms >= meeting.starts_at_ms:
        return None
    return Rejection("meeting_not_started",
                     f"attendance, minutes and votes are recorded at the meeting, which starts "
                     f"in {hours(meeting.starts_at_ms - at_ms)}")


def _cancelled(meeting: Meeting) -> Rejection:
    reason = meeting.changes[-1].reason if meeting.changes else ""
    return Rejection("meeting_cancelled",
                     f"this meeting was cancelled ({reason}), so it records and decides nothing; "
                     "call another meeting")


def _may_change(meeting: Meeting, by: Member, reason: str, at_ms: int,
                orders: GroupStandingOrders, what: str) -> Rejection | None:
    if not is_officer(by, orders):
        return Rejection("officer_required",
                         f"{cite('officer_roles')}: a meeting is {what} by an officer "
                         f"({', '.join(orders.officer_roles)})")
    if meeting.cancelled:
        return _cancelled(meeting)
    if at_ms >= meeting.starts_at_ms:
        return Rejection("meeting_started",
                         f"this meeting started {hours(at_ms - meeting.starts_at_ms)} ago; a "
                         f"meeting is {what} before it starts (once it sits, the meeting "
                         "itself decides, and its minutes record it)")
    if not reason.strip():
        return Rejection("reason_required", f"say why the meeting is {what}: the members are "
                         "told, and the audit trail keeps it")
    return None


def _changed(meeting: Meeting, kind: MeetingChangeKind, by: Member, reason: str,
             at_ms: int) -> MeetingChange:
    return MeetingChange(kind=kind, at_ms=at_ms, by=by.member_id, reason=reason.strip(),
                         starts_at_ms=meeting.starts_at_ms, place=meeting.place,
                         link=meeting.link, agenda=meeting.agenda)


def cancel_meeting(meeting: Meeting, reason: str, by: Member, at_ms: int,
                   orders: GroupStandingOrders) -> Meeting | Rejection:
    """SO 9.1: an officer cancels a meeting before it starts; members are told."""
    refusal = _may_change(meeting, by, reason, at_ms, orders, "cancelled")
    if refusal:
        return refusal
    return msgspec.structs.replace(
        meeting, cancelled_at_ms=at_ms,
        changes=meeting.changes + (_changed(meeting, "cancelled", by, reason, at_ms),))


def postpone_meeting(meeting: Meeting, starts_at_ms: int, reason: str, by: Member, at_ms: int,
                     orders: GroupStandingOrders) -> Meeting | Rejection:
    """SO 1.1-1.3: a postponed meeting's notice counts from the notice of its new time."""
    refusal = _may_change(meeting, by, reason, at_ms, orders, "postponed")
    if refusal:
        return refusal
    if starts_at_ms <= meeting.starts_at_ms:
        return Rejection("not_later",
                         f"{cite(f'{meeting.kind}_meeting_notice_days')}: a meeting is postponed "
                         "to a later time, never brought forward (that would shorten the "
                         "notice given); cancel it and call another")
    return msgspec.structs.replace(
        meeting, starts_at_ms=starts_at_ms, called_at_ms=at_ms,
        changes=meeting.changes + (_changed(meeting, "postponed", by, reason, at_ms),))


def correct_meeting(meeting: Meeting, place: str, link: str, agenda: tuple[str, ...],
                    reason: str, by: Member, at_ms: int,
                    orders: GroupStandingOrders) -> Meeting | Rejection:
    """An officer corrects where a meeting is, its link or its agenda; its time changes only
    by postponing it."""
    refusal = _may_change(meeting, by, reason, at_ms, orders, "corrected")
    if refusal:
        return refusal
    if not (place.strip() or link.strip()):
        return Rejection("place_required", "a notice of meeting says where: a place or a link")
    items = tuple(a.strip() for a in agenda if a.strip())
    if not items:
        return Rejection("agenda_required", "a notice of meeting gives the agenda")
    if (place.strip(), link.strip(), items) == (meeting.place, meeting.link, meeting.agenda):
        return Rejection("nothing_changed", "the place, link and agenda are as they were")
    return msgspec.structs.replace(
        meeting, place=place.strip(), link=link.strip(), agenda=items,
        changes=meeting.changes + (_changed(meeting, "corrected", by, reason, at_ms),))


def binding_check(meeting: Meeting, notices_waiting: int, attendance_count: int,
                  entitled: int, orders: GroupStandingOrders, at_ms: int) -> Rejection | None:
    """None if the meeting can take binding decisions as things stand; else why not.

    `meeting` is as notified (`called_at_ms` is when the last of its notices was sent);
    quorum counts only once it has started."""
    if meeting.cancelled:
        return _cancelled(meeting)
    if notices_waiting:
        notices = "notice waits" if notices_waiting == 1 else "notices wait"
        return Rejection("notice_not_given",
                         f"{cite(f'{meeting.kind}_meeting_notice_days')}: {notices_waiting} "
                         f"{notices} to be passed on, and notice counts from when the last is "
                         "sent")
    refusal = notice_check(meeting, orders)
    if refusal is None and at_ms >= meeting.starts_at_ms:
        refusal = quorum_check(meeting, attendance_count, entitled, orders)
    return refusal


def attend(attendance: Attendance, member: Member, meeting: Meeting,
           orders: GroupStandingOrders) -> Attendance | Rejection:
    if attendance.meeting_id != meeting.meeting_id:
        return Rejection("wrong_meeting", "this attendance list is for another meeting")
    if member.status != "active":
        return Rejection("not_active",
                         f"only active members attend with a voice and a vote; this member is "
                         f"{member.status}")
    if meeting.kind == "committee" and not is_officer(member, orders):
        return Rejection("not_committee_member",
                         f"{cite('officer_roles')}: the committee is the officers "
                         f"({', '.join(orders.officer_roles)})")
    if member.member_id in attendance.present:
        return Rejection("already_present", "this member is already recorded as present")
    present = tuple(sorted(attendance.present + (member.member_id,)))
    return msgspec.structs.replace(attendance, present=present)


def quorum(meeting: Meeting, attendance_count: int, active_member_count: int,
           orders: GroupStandingOrders) -> QuorumCount:
    """SO 2.1-2.3. `active_member_count` is those entitled to attend: the active
    members, or for a committee meeting, the committee's members."""
    field = f"{meeting.kind}_meeting_quorum"
    rule = getattr(orders, field)
    required = rule.required(active_member_count)
    return QuorumCount(required, attendance_count, attendance_count >= required,
                       f"{cite(field)}: quorum is {rule}")


def body_check(meeting: Meeting, decision: DecisionKind,
               orders: GroupStandingOrders) -> Rejection | None:
    field = f"{decision}_bodies"
    bodies = orders.bodies_for(decision)
    if meeting.kind in bodies:
        return None
    label = NUMBERS[field][1]
    allowed = " or ".join(f"{_a(k)} {k} meeting" for k in bodies) or "no meeting"
    return Rejection("wrong_body",
                     f"{cite(field)}: {label[0].lower()}{label[1:]} {allowed}; "
                     f"this was {_a(meeting.kind)} {meeting.kind} meeting")


def _a(kind: str) -> str:
    return "an" if kind == "annual" else "a"


def quorum_check(meeting: Meeting, attendance_count: int, active_member_count: int,
                 orders: GroupStandingOrders) -> Rejection | None:
    count = quorum(meeting, attendance_count, active_member_count, orders)
    if count.met:
        return None
    return Rejection("quorum",
                     f"{count.rule}, here {count.required} of {active_member_count}; "
                     f"{count.present} were present")


def combine(objections: list[Rejection]) -> Rejection | None:
    """One refusal for several broken rules: the first rule's code, every reason."""
    if not objections:
        return None
    return Rejection(objections[0].code, "; and ".join(o.reason for o in objections))


def may_decide(meeting: Meeting, decision: DecisionKind, attendance_count: int,
               active_member_count: int, orders: GroupStandingOrders) -> Rejection | None:
    """None if this meeting may take this decision; else every reason it may not,
    under the code of the first (in the order: body, notice, quorum)."""
    if meeting.cancelled:
        return _cancelled(meeting)
    return combine([r for r in (
        body_check(meeting, decision, orders),
        notice_check(meeting, orders),
        quorum_check(meeting, attendance_count, active_member_count, orders),
    ) if r is not None])


def record_minute(minutes: Minutes, text: str, by: str, at_ms: int) -> Minutes | Rejection:
    if minutes.approved_at_meeting is not None:
        return Rejection("minutes_locked",
                         "approved minutes are locked; add a correction instead")
    if not text.strip():
        return Rejection("minute_empty", "a minute must say something")
    entry = MinutesEntry(len(minutes.entries) + 1, text, at_ms, by)
    return msgspec.structs.replace(minutes, entries=minutes.entries + (entry,))


def correct_minute(minutes: Minutes, number: int, text: str, by: str,
                   at_ms: int) -> Minutes | Rejection:
    """Append a correction to entry `number`; the original stays as it was."""
    if not any(e.number == number and e.corrects is None for e in minutes.entries):
        return Rejection("no_such_minute",
                         f"there is no original minute {number} to correct (a correction is "
                         "itself corrected by a new correction of the original)")
    if not text.strip():
        return Rejection("minute_empty", "a correction must say something")
    entry = MinutesEntry(len(minutes.entries) + 1, text, at_ms, by, corrects=number)
    return msgspec.structs.replace(minutes, entries=minutes.entries + (entry,))


def approve_minutes(minutes: Minutes, minuted: Meeting, approving: Meeting, at_ms: int,
                    attendance_count: int, active_member_count: int,
                    orders: GroupStandingOrders) -> Minutes | Rejection:
    """Approve `minuted`'s minutes at the later meeting `approving`, which must be quorate
    and properly notified."""
    if minutes.meeting_id != minuted.meeting_id:
        return Rejection("wrong_meeting", "these minutes are of another meeting")
    if minutes.approved_at_meeting is not None:
        return Rejection("minutes_locked",
                         f"these minutes were approved at meeting {minutes.approved_at_meeting}")
    if approving.meeting_id == minuted.meeting_id or approving.starts_at_ms <= minuted.starts_at_ms:
        return Rejection("same_meeting",
                         "minutes are approved at a later meeting, by people who have read them; "
                         "never at the meeting they record")
    if (minuted.kind == "committee") != (approving.kind == "committee"):
        body = "a committee" if minuted.kind == "committee" else "a general or annual"
        return Rejection("wrong_body",
                         f"a {minuted.kind} meeting's minutes are approved by {body} meeting, "
                         f"not a {approving.kind} meeting")
    if not minutes.entries:
        return Rejection("minutes_empty", "there are no minutes to approve")
    if approving.cancelled:
        return _cancelled(approving)
    if at_ms < approving.starts_at_ms:
        return Rejection("meeting_not_started", "minutes are approved during the meeting")
    refusal = combine([r for r in (
        notice_check(approving, orders),
        quorum_check(approving, attendance_count, active_member_count, orders),
    ) if r is not None])
    if refusal:
        return refusal
    return msgspec.structs.replace(minutes, approved_at_meeting=approving.meeting_id,
                                   approved_at_ms=at_ms)


def as_corrected(minutes: Minutes) -> list[MinutesEntry]:
    """The original entries, each showing the text of its latest correction, for reading."""
    latest: dict[int, str] = {}
    for entry in minutes.entries:
        if entry.corrects is not None:
            latest[entry.corrects] = entry.text
    return [msgspec.structs.replace(e, text=latest.get(e.number, e.text))
            for e in minutes.entries if e.corrects is None]
