"""The member register's rules: status, roles, eligibility and CSV import.

A member's status is one of active, lapsed, suspended, expelled, resigned, and
the register keeps its whole history: every change is a new `StatusEntry`
(status, from when, why, decided by whom); nothing is overwritten. The
current status is the last entry's. Who may cause which change is the table
`TRANSITIONS`:

- A member may resign themselves, whatever their status short of expelled;
  nobody can resign for them.
- An officer (SO 9.1: a holder of one of the officer roles, while active) may
  reinstate a lapsed member and readmit one who resigned, giving a reason.
- A member lapses only by the rule that defines lapsing (SO 9.3, 9.4): their
  dues, paid until the date of the last payment recorded, have been unpaid
  for the grace period (`dues_grace_days`); an officer then gave them notice
  of the lapse (`give_lapse_notice`), which was sent to them; the notice
  period (`lapse_notice_days`) has run since it was sent; and no meeting the
  member is entitled to attend has been called and not yet held (pending from
  its call until a day after it starts), so a lapse can never take away a
  vote at a meeting already called. Only then may an officer mark them
  lapsed. A lapse asked for outside this rule is refused: taking away a
  member's rights for anything else is a due-process case (SO 7).
- The member puts it right themselves by renewing (`renew`: a lapsed member
  is active again at once, a pending notice is withdrawn, and their dues fall
  due afresh from that day), or an officer records a payment
  (`record_payment`) that brings their dues up to date, with the same effect.
- Suspension, expulsion, and the return from them come only from a
  due-process case (`apply_due_process`, SO 7). Asking for them any other way
  is refused with `due_process_required`; so is removing someone from an office
  they have not given up themselves.
- Roles are recorded by an officer citing the decision that elected the
  holder. Resigning or being expelled ends every role. The names in
  `RESERVED_ROLES` are not offices: they name the node's operator and the
  classes of caller the client API knows, so the register never holds them
  (a row written before they were reserved is read as holding nothing).
- SO 9.2: eligibility conditions are recorded per member with dates. A record
  that makes a member ineligible changes no status: it returns an instruction
  to open a due-process case, so nobody is silently removed.

CSV import (`COLUMNS`): name, email and joined (YYYY-MM-DD) are required;
phone, area, postcode, status, roles (separated by ';') and notes are optional.
Each column holds at most `MAX_LENGTH[column]` characters, the same limits the
API and the pages apply to a member added or edited one at a time.
Emails are compared lower-cased and trimmed, across the whole file and against
the register. Status is active, lapsed or resigned: a row cannot import a
suspension or expulsion, because in this register those exist only as the
result of a due-process case. Every bad row is reported with its line number.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Literal

import msgspec

from ...wire.rejection import Rejection
from . import discipline
from .standing_orders import DAY_MS, GroupStandingOrders, MeetingKind, cite

Status = Literal["active", "lapsed", "suspended", "expelled", "resigned"]
Authority = Literal["self", "officer", "due_process", "lapse_rule"]

TRANSITIONS: dict[tuple[Status, Status], Authority] = {
    ("active", "resigned"): "self",
    ("lapsed", "resigned"): "self",
    ("suspended", "resigned"): "self",
    ("active", "lapsed"): "lapse_rule",
    ("lapsed", "active"): "officer",
    ("resigned", "active"): "officer",
    ("active", "suspended"): "due_process",
    ("lapsed", "suspended"): "due_process",
    ("active", "expelled"): "due_process",
    ("lapsed", "expelled"): "due_process",
    ("suspended", "expelled"): "due_process",
    ("suspended", "active"): "due_process",
}

COLUMNS = ("name", "email", "phone", "area", "postcode", "joined", "status", "roles", "notes")
REQUIRED_COLUMNS = ("name", "email", "joined")
MAX_LENGTH = {"name": 200, "email": 320, "phone": 32, "area": 200, "postcode": 16,
              "joined": 10, "status": 16, "roles": 500, "notes": 5000}
IMPORTABLE_STATUSES: dict[str, Status] = {"active": "active", "lapsed": "lapsed",
                                          "resigned": "resigned"}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"[0-9+() \-]{0,32}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ROLE = re.compile(r"[a-z][a-z0-9_]*")
# Not offices of the group: `admin` and `operator` name the node's operator (an
# admin token, never a member), `officer` is whoever SO 9.1 makes one, `member`
# is everyone in the register.
RESERVED_ROLES = frozenset({"admin", "operator", "officer", "member"})


class StatusEntry(msgspec.Struct, frozen=True):
    status: Status
    from_ms: int
    reason: str
    decided_by: str


class EligibilityRecord(msgspec.Struct, frozen=True):
    condition: str
    met: bool
    from_ms: int
    note: str = ""


class Dues(msgspec.Struct, frozen=True):
    """One record of a member's dues: paid until `paid_until` (a payment an officer
    recorded), or the member's own renewal, from which their dues fall due afresh."""

    paid_until: date
    at_ms: int
    recorded_by: str
    note: str = ""
    renewal: bool = False


class LapseNotice(msgspec.Struct, frozen=True):
    """SO 9.4: notice to the member that their membership may lapse.

    The notice period counts from when the notice was sent, which the register
    reads from the notice it recorded about `related`.
    """

    related: str
    given_at_ms: int
    given_by: str
    dues_paid_until: date


class CalledMeeting(msgspec.Struct, frozen=True):
    """A meeting that has been called, as the lapse rule needs to know it."""

    meeting_id: str
    kind: MeetingKind
    starts_at_ms: int


class LapseGrounds(msgspec.Struct, frozen=True):
    """What the lapse rule looks at besides the member: when their lapse notice was
    sent (None while it is unsent), and the meetings called."""

    notice_sent_ms: int | None = None
    meetings: tuple[CalledMeeting, ...] = ()


class Member(msgspec.Struct, frozen=True, kw_only=True):
    # Empty until the register stores the member and gives them an id.
    member_id: str = ""
    name: str
    email: str
    phone: str = ""
    area: str = ""
    postcode: str = ""
    joined: date
    history: tuple[StatusEntry, ...]
    roles: tuple[str, ...] = ()
    notes: str = ""
    eligibility: tuple[EligibilityRecord, ...] = ()
    dues: tuple[Dues, ...] = ()
    lapse_notice: LapseNotice | None = None

    @property
    def status(self) -> Status:
        return self.history[-1].status

    @property
    def paid_until(self) -> date | None:
        """The date the member's dues are paid until, by the latest record; None if the
        register records no dues for them."""
        return self.dues[-1].paid_until if self.dues else None


class RowError(msgspec.Struct, frozen=True):
    line: int
    reason: str


class OpenCase(msgspec.Struct, frozen=True):
    """An instruction to open a due-process case; the register never acts on it alone."""

    member_id: str
    condition: str
    reason: str


class EligibilityChange(msgspec.Struct, frozen=True):
    member: Member
    open_case: OpenCase | None


def reserved_role(role: str) -> str:
    """Why `role` cannot be held in the register."""
    return (f"'{role}' is reserved: the names {', '.join(sorted(RESERVED_ROLES))} belong to "
            "the node's operator and to the API's own classes of caller, not to an office of "
            "the group, so no member can hold one")


def offices(member: Member) -> tuple[str, ...]:
    """The roles a member holds that count for anything: reserved names never do."""
    return tuple(r for r in member.roles if r not in RESERVED_ROLES)


def is_officer(member: Member, orders: GroupStandingOrders) -> bool:
    """SO 9.1: an active member holding one of the officer roles."""
    return member.status == "active" and any(r in orders.officer_roles for r in offices(member))


def _with_status(member: Member, status: Status, at_ms: int, reason: str,
                 decided_by: str) -> Member | Rejection:
    if at_ms < member.history[-1].from_ms:
        return Rejection("history_out_of_order",
                         "a member's status history is recorded in order; this change is dated "
                         "before the last one")
    # Someone who has left or been expelled holds no office in the group.
    roles = () if status in ("resigned", "expelled") else member.roles
    entry = StatusEntry(status, at_ms, reason, decided_by)
    return msgspec.structs.replace(member, history=member.history + (entry,), roles=roles)


def change_status(member: Member, to: Status, by: Member, at_ms: int, reason: str,
                  orders: GroupStandingOrders,
                  grounds: LapseGrounds | None = None) -> Member | Rejection:
    """A change made by a person: the member themselves or an officer (see TRANSITIONS).

    A lapse is judged by the lapse rule (`lapse_refusal`) on `grounds`.
    """
    current = member.status
    authority = TRANSITIONS.get((current, to))
    if current == to or authority is None:
        return Rejection("no_such_transition",
                         f"the register has no way for a {current} member to become {to}")
    if authority == "due_process":
        return Rejection("due_process_required",
                         "standing order 7 (due process): a member is suspended, expelled or "
                         "restored only by a case with a written charge, disclosed evidence, a "
                         "chance to reply, a hearing and an appeal")
    if authority == "self" and by.member_id != member.member_id:
        return Rejection("self_only", "only members themselves can resign their membership")
    if authority in ("officer", "lapse_rule"):
        if not is_officer(by, orders):
            return Rejection("officer_required",
                             f"{cite('officer_roles')}: only an officer "
                             f"({', '.join(orders.officer_roles)}) may make a member {to}")
        if not reason.strip():
            return Rejection("reason_required", f"an officer making a member {to} gives a reason")
    if authority == "lapse_rule":
        refusal = lapse_refusal(member, at_ms, orders, grounds or LapseGrounds())
        if refusal is not None:
            return refusal
    changed = _with_status(member, to, at_ms, reason, by.member_id)
    if isinstance(changed, Rejection) or changed.lapse_notice is None:
        return changed
    # a notice is used up by the lapse it announced, or made moot by a reinstatement
    return msgspec.structs.replace(changed, lapse_notice=None)


# -- lapsing: SO 9.3 and 9.4 ----------------------------------------------------------

# Meetings record no end: one counts as held a day after it starts.
MEETING_HELD_AFTER_MS = DAY_MS
_ELSE = ("taking away a member's rights on any other grounds is a due-process case "
         "(standing order 7), with a written charge, a hearing and an appeal")


def _day(ms: int) -> date:
    return datetime.fromtimestamp(ms // 1000, UTC).date()


def _start_of(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _on(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%d %B %Y, %H:%M UTC")


def liable_from(member: Member, orders: GroupStandingOrders) -> int | None:
    """SO 9.3: from when the member's unpaid dues let their membership lapse (after
    notice); None if the register records no dues for them."""
    paid = member.paid_until
    if paid is None:
        return None
    return _start_of(paid) + DAY_MS + orders.dues_grace_days * DAY_MS


def _in_arrears(member: Member, at_ms: int, orders: GroupStandingOrders) -> Rejection | None:
    """None if SO 9.3 lets the member's membership lapse at `at_ms`, else why not."""
    liable = liable_from(member, orders)
    rule = (f"{cite('dues_grace_days')}: membership lapses only once dues are unpaid "
            f"{orders.dues_grace_days} days after they fell due")
    if liable is None:
        return Rejection("due_process_required",
                         f"{rule}, and the register records no dues for this member; {_ELSE}")
    if at_ms < liable:
        return Rejection("due_process_required",
                         f"{rule}; this member's dues are paid until {member.paid_until}, so "
                         f"their membership could lapse no sooner than {_on(liable)} (and "
                         f"only after notice); {_ELSE}")
    return None


def entitled_to_attend(member: Member, kind: MeetingKind, orders: GroupStandingOrders) -> bool:
    """Active members attend general and annual meetings; the committee is the officers."""
    if kind == "committee":
        return is_officer(member, orders)
    return member.status == "active"


def lapse_refusal(member: Member, at_ms: int, orders: GroupStandingOrders,
                  grounds: LapseGrounds) -> Rejection | None:
    """None if the member's membership may lapse at `at_ms` under SO 9.3 and 9.4."""
    if member.status != "active":
        return Rejection("no_such_transition",
                         f"only an active member's membership lapses; this one is "
                         f"{member.status}")
    arrears = _in_arrears(member, at_ms, orders)
    if arrears is not None:
        return arrears
    notice = member.lapse_notice
    days = orders.lapse_notice_days
    rule = (f"{cite('lapse_notice_days')}: a member is sent notice of a lapse and given "
            f"{days} days to pay or renew before it takes effect")
    if notice is None:
        return Rejection("lapse_notice_required",
                         f"{rule}; this member has been given no notice; {_ELSE}")
    if grounds.notice_sent_ms is None:
        return Rejection("lapse_notice_required",
                         f"{rule}; the notice given on {_on(notice.given_at_ms)} has not been "
                         "sent yet (pass it on, and mark it passed on)")
    effective = grounds.notice_sent_ms + days * DAY_MS
    if at_ms < effective:
        return Rejection("lapse_notice_period",
                         f"{rule}; the notice was sent on {_on(grounds.notice_sent_ms)}, so the "
                         f"lapse may take effect from {_on(effective)}")
    for meeting in sorted(grounds.meetings, key=lambda m: m.starts_at_ms):
        held = meeting.starts_at_ms + MEETING_HELD_AFTER_MS
        if at_ms < held and entitled_to_attend(member, meeting.kind, orders):
            return Rejection("meeting_pending",
                             f"{cite('lapse_notice_days')}: a lapse never takes effect while a "
                             "meeting the member is entitled to attend is called; the "
                             f"{meeting.kind} meeting called for {_on(meeting.starts_at_ms)} "
                             f"is still to be held, so the lapse may take effect from "
                             f"{_on(held)} at the soonest; {_ELSE}")
    return None


def give_lapse_notice(member: Member, by: Member, at_ms: int, related: str,
                      orders: GroupStandingOrders) -> Member | Rejection:
    """SO 9.4: record notice that the member's membership may lapse, to be sent to them."""
    if not is_officer(by, orders):
        return Rejection("officer_required",
                         f"{cite('officer_roles')}: only an officer gives notice of a lapse")
    if member.status != "active":
        return Rejection("not_active", f"only an active member's membership lapses; this one "
                         f"is {member.status}")
    arrears = _in_arrears(member, at_ms, orders)
    if arrears is not None:
        return Rejection("not_in_arrears", arrears.reason)
    if member.lapse_notice is not None:
        return Rejection("lapse_notice_given",
                         f"{cite('lapse_notice_days')}: this member was already given notice "
                         f"of a lapse on {_on(member.lapse_notice.given_at_ms)}")
    paid = member.paid_until or _day(at_ms)  # in arrears, so the register records dues
    notice = LapseNotice(related, at_ms, by.member_id, paid)
    return msgspec.structs.replace(member, lapse_notice=notice)


def renew(member: Member, by: Member, at_ms: int, note: str = "") -> Member | Rejection:
    """The member renews their own membership: a lapse is reversed at once, a pending
    notice withdrawn, and their dues fall due afresh from today (SO 9.3 runs again)."""
    if by.member_id != member.member_id:
        return Rejection("self_only", "members renew their own membership; an officer records "
                         "a payment instead")
    if member.status not in ("active", "lapsed"):
        return Rejection("no_such_transition",
                         f"a {member.status} member cannot renew: a resigned member is "
                         "readmitted by an officer, and a suspension or expulsion ends only "
                         "through due process (standing order 7)")
    today = _day(at_ms)
    paid = member.paid_until
    record = Dues(max(paid, today) if paid else today, at_ms, member.member_id,
                  note.strip() or "renewed by the member", renewal=True)
    renewed = msgspec.structs.replace(member, dues=member.dues + (record,), lapse_notice=None)
    if member.status == "lapsed":
        return _with_status(renewed, "active", at_ms, "renewed their membership",
                            member.member_id)
    return renewed


def record_payment(member: Member, paid_until: date, by: Member, at_ms: int, note: str,
                   orders: GroupStandingOrders) -> Member | Rejection:
    """An officer records dues paid until `paid_until`. Dues brought up to date withdraw a
    pending lapse notice and reinstate a lapsed member."""
    if not is_officer(by, orders):
        return Rejection("officer_required",
                         f"{cite('officer_roles')}: only an officer records dues paid")
    if member.status in ("resigned", "expelled"):
        return Rejection("not_a_member", f"dues are recorded for members; this one is "
                         f"{member.status}")
    if member.dues and at_ms < member.dues[-1].at_ms:
        return Rejection("history_out_of_order", "dues are recorded in order; this record is "
                         "dated before the last one")
    updated = msgspec.structs.replace(
        member, dues=member.dues + (Dues(paid_until, at_ms, by.member_id, note.strip()),))
    if _in_arrears(updated, at_ms, orders) is None:
        return updated  # still unpaid past the grace period: nothing else changes
    updated = msgspec.structs.replace(updated, lapse_notice=None)
    if updated.status == "lapsed":
        return _with_status(updated, "active", at_ms, f"dues paid until {paid_until}",
                            by.member_id)
    return updated


def resign(member: Member, by: Member, at_ms: int, reason: str,
           orders: GroupStandingOrders) -> Member | Rejection:
    return change_status(member, "resigned", by, at_ms, reason, orders)


def apply_due_process(member: Member, case: discipline.Case, at_ms: int) -> Member | Rejection:
    """Bring the member's status and roles in line with what `case` authorises at `at_ms`.

    Returns the member unchanged when there is nothing to do. Due process only
    undoes what the same case did: a member who resigned stays resigned.
    """
    authority = discipline.status_authority(case, at_ms)
    if authority.member_id != member.member_id:
        return Rejection("wrong_member",
                         f"case {case.case_id} concerns another member, not {member.member_id}")
    last = member.history[-1]
    ref = authority.reference
    if authority.status == "active":
        if member.status in ("suspended", "expelled") and last.decided_by == ref:
            restored = _with_status(member, "active", at_ms, authority.reason, ref)
            if isinstance(restored, Rejection):
                return restored
            member = restored
        if authority.remove_role and authority.remove_role in member.roles:
            roles = tuple(r for r in member.roles if r != authority.remove_role)
            member = msgspec.structs.replace(member, roles=roles)
        return member
    if member.status == authority.status and last.decided_by == ref:
        return member
    if (member.status, authority.status) not in TRANSITIONS:
        return Rejection("no_such_transition",
                         f"a {member.status} member cannot become {authority.status}")
    return _with_status(member, authority.status, at_ms, authority.reason, ref)


def assign_role(member: Member, role: str, by: Member, decision_ref: str,
                orders: GroupStandingOrders) -> Member | Rejection:
    """Record that `member` was elected or appointed to `role` by `decision_ref`."""
    if not is_officer(by, orders):
        return Rejection("officer_required",
                         f"{cite('officer_roles')}: only an officer records who holds a role")
    if member.status != "active":
        return Rejection("not_active", f"only an active member can hold a role; this one is "
                         f"{member.status}")
    if not _ROLE.fullmatch(role):
        return Rejection("invalid_role", f"'{role}' is not a role name (lower case, a-z 0-9 _)")
    if role in RESERVED_ROLES:
        return Rejection("reserved_role", reserved_role(role))
    if not decision_ref.strip():
        return Rejection("decision_required",
                         "a role is held by decision of the group; name the decision")
    if role in member.roles:
        return Rejection("no_change", f"the member already holds the role {role}")
    return msgspec.structs.replace(member, roles=tuple(sorted(member.roles + (role,))))


def stand_down(member: Member, role: str, by: Member) -> Member | Rejection:
    """A member gives up an office. Removing someone else is due process's business."""
    if by.member_id != member.member_id:
        return Rejection("due_process_required",
                         "standing order 7 (due process): nobody is removed from office except "
                         "by their own choice or a due-process decision")
    if role not in member.roles:
        return Rejection("no_change", f"the member does not hold the role {role}")
    return msgspec.structs.replace(member, roles=tuple(r for r in member.roles if r != role))


def record_eligibility(member: Member, condition: str, met: bool, at_ms: int, note: str,
                       by: Member, orders: GroupStandingOrders) -> EligibilityChange | Rejection:
    """SO 9.2: record whether `member` meets `condition` from `at_ms`."""
    names = [c.name for c in orders.eligibility_conditions]
    if condition not in names:
        return Rejection("unknown_condition",
                         f"{cite('eligibility_conditions')}: '{condition}' is not a condition of "
                         f"membership here (those are: {', '.join(names) or 'none'})")
    if not is_officer(by, orders):
        return Rejection("officer_required",
                         f"{cite('officer_roles')}: only an officer records eligibility")
    previous = [r for r in member.eligibility if r.condition == condition]
    if previous and at_ms < previous[-1].from_ms:
        return Rejection("history_out_of_order",
                         "eligibility records are kept in order; this one is dated before the "
                         "last record for the same condition")
    record = EligibilityRecord(condition, met, at_ms, note)
    updated = msgspec.structs.replace(member, eligibility=member.eligibility + (record,))
    open_case = None
    was_met = not previous or previous[-1].met
    if not met and was_met and member.status in ("active", "lapsed", "suspended"):
        open_case = OpenCase(member.member_id, condition,
                             f"{cite('eligibility_conditions')}: the member no longer meets "
                             f"'{condition}'; only a due-process case can decide what follows")
    return EligibilityChange(updated, open_case)


def is_eligible(member: Member, orders: GroupStandingOrders) -> bool:
    """SO 9.2: every condition's latest record says met (no record counts as met)."""
    for condition in orders.eligibility_conditions:
        records = [r for r in member.eligibility if r.condition == condition.name]
        if records and not records[-1].met:
            return False
    return True


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_header(fieldnames: Iterable[str] | None) -> Rejection | None:
    """The CSV header names only known columns and includes the required ones."""
    names = list(fieldnames or [])
    unknown = [n for n in names if n not in COLUMNS]
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if unknown or missing or len(set(names)) != len(names):
        return Rejection("csv_header",
                         f"the first line names the columns, from: {', '.join(COLUMNS)} "
                         f"(required: {', '.join(REQUIRED_COLUMNS)}, each once); "
                         f"unknown: {', '.join(unknown) or 'none'}; "
                         f"missing: {', '.join(missing) or 'none'}")
    return None


def validate_row(line_no: int, row: Mapping[str | None, str | None],
                 imported_at_ms: int) -> Member | RowError:
    """One CSV row (as csv.DictReader gives it) as a new Member, or why not."""
    if row.get(None):
        return RowError(line_no, "this line has more fields than the header")
    field = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for column, value in field.items():
        if len(value) > MAX_LENGTH[column]:
            return RowError(line_no, f"{column} holds at most {MAX_LENGTH[column]} characters; "
                            f"this one has {len(value)}")
    name = " ".join(field["name"].split())
    if not name:
        return RowError(line_no, "name is required")
    email = normalise_email(field["email"])
    if not email:
        return RowError(line_no, "email is required")
    if not field["joined"]:
        return RowError(line_no, "the date joined is required")
    if not _EMAIL.fullmatch(email):
        return RowError(line_no, f"email '{field['email']}' is not an email address")
    if not _PHONE.fullmatch(field["phone"]):
        return RowError(line_no, f"phone '{field['phone']}' may hold only digits, spaces, "
                        "+ ( ) and -, up to 32 characters")
    if not _DATE.fullmatch(field["joined"]):
        return RowError(line_no, f"joined must be a date as YYYY-MM-DD; got '{field['joined']}'")
    try:
        joined = date.fromisoformat(field["joined"])
    except ValueError:
        return RowError(line_no, f"joined '{field['joined']}' is not a real date")
    if joined > datetime.fromtimestamp(imported_at_ms // 1000, UTC).date():
        return RowError(line_no, f"joined {joined} is after the date of this import")
    status = IMPORTABLE_STATUSES.get(field["status"].lower() or "active")
    if status is None:
        return RowError(line_no, f"status '{field['status']}' cannot be imported: use "
                        f"{', '.join(IMPORTABLE_STATUSES)}; a suspension or expulsion exists "
                        "here only as the result of a due-process case (standing order 7)")
    roles = sorted({r.strip().lower().replace(" ", "_")
                    for r in field["roles"].split(";") if r.strip()} - {"member"})
    bad = [r for r in roles if not _ROLE.fullmatch(r)]
    if bad:
        return RowError(line_no, f"role '{bad[0]}' is not a role name (letters, digits, _)")
    reserved = [r for r in roles if r in RESERVED_ROLES]
    if reserved:
        return RowError(line_no, reserved_role(reserved[0]))
    entry = StatusEntry(status, imported_at_ms,
                        f"imported from the register CSV, line {line_no}", "import")
    return Member(name=name, email=email, phone=field["phone"], area=field["area"],
                  postcode=" ".join(field["postcode"].upper().split()), joined=joined,
                  history=(entry,), roles=() if status == "resigned" else tuple(roles),
                  notes=field["notes"])


def validate_import(rows: Iterable[tuple[int, Mapping[str | None, str | None]]],
                    existing_emails: Collection[str],
                    imported_at_ms: int) -> tuple[list[Member], list[RowError]]:
    """Every row checked; duplicate emails found within the file and against the register.

    `rows` are (line number, row) pairs, the line number as csv.DictReader's
    `line_num` reports it. The caller decides all-or-nothing or skip-invalid.
    """
    existing = {normalise_email(e) for e in existing_emails}
    first_line: dict[str, int] = {}
    members: list[Member] = []
    errors: list[RowError] = []
    for line_no, row in rows:
        result = validate_row(line_no, row, imported_at_ms)
        if isinstance(result, RowError):
            errors.append(result)
        elif result.email in existing:
            errors.append(RowError(line_no, f"{result.email} is already in the register"))
        elif result.email in first_line:
            errors.append(RowError(line_no, f"{result.email} is also on line "
                                   f"{first_line[result.email]}"))
        else:
            first_line[result.email] = line_no
            members.append(result)
    return members, errors


def to_row(member: Member) -> dict[str, str]:
    """The member as a CSV row with `COLUMNS`, for export."""
    return {"name": member.name, "email": member.email, "phone": member.phone,
            "area": member.area, "postcode": member.postcode,
            "joined": member.joined.isoformat(), "status": member.status,
            "roles": ";".join(member.roles), "notes": member.notes}
