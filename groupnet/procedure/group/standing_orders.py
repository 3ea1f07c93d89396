"""A local group's standing orders: the rules its own business runs by.

Every notice period, quorum, threshold and due-process window the other
procedure modules apply comes from a `GroupStandingOrders` value, and every
refusal cites the number of the standing order it applied ("standing order
5.1: ..."). The numbering is fixed here, in `NUMBERS`, so a citation means the
same thing in code, in refusals and in the printed rules (`describe`).

The defaults are a complete, usable set:

- Part 1, notice of meetings: general 7 days, committee 2 days, annual 21 days,
  counted from when the notice was sent.
- Part 2, quorum: the greater of a fixed number and a percentage of those
  entitled to attend (active members; for a committee, its members).
  General and annual meetings max(5, 10%), committee max(3, 50%).
- Part 3, motions: submitted 7 days before the meeting. Counterposed motions
  are put in order of submission and, once one is carried, the others fall
  ("first_carried_others_fall"); or every one is put ("vote_on_all").
- Part 4, votes: a simple majority is more than half of the votes cast;
  abstentions are recorded but are not votes cast.
- Part 5, rule changes: 28 days' notice, at least two-thirds of votes cast,
  and only at a general or annual meeting.
- Part 6, which bodies may take which decisions.
- Part 7, due process: reply window 14 days, hearing notice 7 days, a panel of
  at least 3, appeal window 14 days, appeal heard by a panel from other groups
  of the network, interim suspension at most 28 days.
- Part 8, delegates: an optional balance rule (e.g. at least 50% women).
- Part 9, membership: which roles are officers; named eligibility conditions;
  membership lapses only when dues stay unpaid 30 days after they fall due,
  and only after the member was sent notice and given 14 days to pay or renew,
  never while a meeting the member may attend is called (`members.py`).

Part 0 lists the entrenched provisions. They are checked by `load`, so no set
of standing orders that breaks them can exist, and so no rule change can
produce one: a committee can never be given the power to change the rules, and
due process cannot be voted away. That is the lesson of the background story,
where a committee of 12 dissolved every elected structure by email in an hour.

The only way to change a group's standing orders is a rule-change motion
carried under them (`motions.decide`), which calls `apply_patch`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

import msgspec

from ...wire.rejection import Rejection

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

MeetingKind = Literal["general", "committee", "annual"]
DecisionKind = Literal["motion", "rule_change", "delegate_election", "mandate"]
CounterposedRule = Literal["first_carried_others_fall", "vote_on_all"]
AppealBody = Literal["network_panel", "general_meeting"]

# Bounds keep every computed time and count an ordinary integer (ten years of notice is
# already more than any body gives); \Z, not $, which would let a final newline through.
Days = Annotated[int, msgspec.Meta(ge=0, le=3650)]
Percent = Annotated[int, msgspec.Meta(ge=0, le=100)]
Name = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*\Z", max_length=64)]


def hours(ms: int) -> str:
    """A duration for a refusal sentence, in whole hours rounded down: '20 h'."""
    return f"{ms // HOUR_MS} h"


class Quorum(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The greater of `minimum` people and `percent` of those entitled to attend."""

    minimum: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
    percent: Percent

    def required(self, entitled: int) -> int:
        # Rounded up: 10% of 45 members is 5 people, not 4.
        return max(self.minimum, -(-entitled * self.percent // 100))

    def __str__(self) -> str:
        return f"the greater of {self.minimum} and {self.percent}% of those entitled to attend"


class Threshold(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """`numerator/denominator` of votes cast: more than it if strict, else at least it.

    Integers only, so every node computes the same outcome (no floats).
    """

    numerator: Annotated[int, msgspec.Meta(ge=1, le=1000)]
    denominator: Annotated[int, msgspec.Meta(ge=1, le=1000)]
    strict: bool

    def met(self, in_favour: int, votes_cast: int) -> bool:
        if votes_cast == 0:
            return False
        lhs, rhs = in_favour * self.denominator, self.numerator * votes_cast
        return lhs > rhs if self.strict else lhs >= rhs

    def __str__(self) -> str:
        share = "half" if (self.numerator, self.denominator) == (1, 2) else (
            "two-thirds" if (self.numerator, self.denominator) == (2, 3)
            else f"{self.numerator}/{self.denominator}"
        )
        return f"{'more than' if self.strict else 'at least'} {share} of votes cast"


class BalanceRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """At least `min_percent` of delegates elected (rounded up) must have `attribute`."""

    attribute: Name
    min_percent: Annotated[int, msgspec.Meta(ge=1, le=100)]


class EligibilityCondition(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Name
    description: Annotated[str, msgspec.Meta(max_length=2000)]


class DueProcessOrders(msgspec.Struct, frozen=True):
    """Part 7 on its own: a disciplinary case keeps the copy in force when it was
    charged, so a rule change carried mid-case cannot shorten that member's windows."""

    reply_window_days: int
    hearing_notice_days: int
    min_panel_size: int
    appeal_window_days: int
    appeal_body: AppealBody
    interim_suspension_max_days: int


class GroupStandingOrders(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A group's standing orders. Every field's number and meaning is in `NUMBERS`."""

    general_meeting_notice_days: Days = 7
    committee_meeting_notice_days: Days = 2
    annual_meeting_notice_days: Days = 21
    general_meeting_quorum: Quorum = Quorum(minimum=5, percent=10)
    committee_meeting_quorum: Quorum = Quorum(minimum=3, percent=50)
    annual_meeting_quorum: Quorum = Quorum(minimum=5, percent=10)
    motion_notice_days: Days = 7
    counterposed_motions: CounterposedRule = "first_carried_others_fall"
    simple_majority: Threshold = Threshold(numerator=1, denominator=2, strict=True)
    abstentions_count_as_votes_cast: bool = False
    rule_change_notice_days: Days = 28
    rule_change_threshold: Threshold = Threshold(numerator=2, denominator=3, strict=False)
    motion_bodies: tuple[MeetingKind, ...] = ("general", "committee", "annual")
    rule_change_bodies: tuple[MeetingKind, ...] = ("general", "annual")
    delegate_election_bodies: tuple[MeetingKind, ...] = ("general", "annual")
    mandate_bodies: tuple[MeetingKind, ...] = ("general", "annual")
    reply_window_days: Days = 14
    hearing_notice_days: Days = 7
    # a hearing panel has at most 50 members (group/cases.py)
    min_panel_size: Annotated[int, msgspec.Meta(ge=1, le=50)] = 3
    appeal_window_days: Days = 14
    appeal_body: AppealBody = "network_panel"
    interim_suspension_max_days: Days = 28
    delegate_balance: BalanceRule | None = None
    officer_roles: tuple[Name, ...] = ("chair", "secretary", "treasurer")
    eligibility_conditions: tuple[EligibilityCondition, ...] = ()
    dues_grace_days: Days = 30
    lapse_notice_days: Days = 14

    def notice_days(self, kind: MeetingKind) -> int:
        return getattr(self, f"{kind}_meeting_notice_days")

    def quorum(self, kind: MeetingKind) -> Quorum:
        return getattr(self, f"{kind}_meeting_quorum")

    def bodies_for(self, decision: DecisionKind) -> tuple[MeetingKind, ...]:
        return getattr(self, f"{decision}_bodies")

    def due_process(self) -> DueProcessOrders:
        return DueProcessOrders(
            reply_window_days=self.reply_window_days,
            hearing_notice_days=self.hearing_notice_days,
            min_panel_size=self.min_panel_size,
            appeal_window_days=self.appeal_window_days,
            appeal_body=self.appeal_body,
            interim_suspension_max_days=self.interim_suspension_max_days,
        )


def _days(v: int) -> str:
    return f"{v} days"


def _kinds(v: tuple[str, ...]) -> str:
    return ", ".join(f"{k} meeting" for k in v) if v else "no meeting"


def _balance(v: BalanceRule | None) -> str:
    if v is None:
        return "none"
    return f"at least {v.min_percent}% of delegates elected have '{v.attribute}'"


def _conditions(v: tuple[EligibilityCondition, ...]) -> str:
    return "; ".join(f"{c.name}: {c.description}" for c in v) if v else "none"


def _counterposed(v: str) -> str:
    if v == "first_carried_others_fall":
        return "put in order of submission; once one is carried the others fall"
    return ("every one is put; if several are carried, the one with most votes for stands, "
            "and on a tie none does")


# field -> (number, what it is, how to print its value). `describe` prints in
# this order; a test checks that every field of GroupStandingOrders is here.
NUMBERS: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "general_meeting_notice_days": ("1.1", "Notice of a general meeting", _days),
    "committee_meeting_notice_days": ("1.2", "Notice of a committee meeting", _days),
    "annual_meeting_notice_days": ("1.3", "Notice of an annual meeting", _days),
    "general_meeting_quorum": ("2.1", "Quorum of a general meeting", str),
    "committee_meeting_quorum": ("2.2", "Quorum of a committee meeting", str),
    "annual_meeting_quorum": ("2.3", "Quorum of an annual meeting", str),
    "motion_notice_days": ("3.1", "Notice of a motion, before the meeting", _days),
    "counterposed_motions": ("3.2", "Counterposed motions", _counterposed),
    "simple_majority": ("4.1", "A simple majority is", str),
    "abstentions_count_as_votes_cast": (
        "4.2", "Abstentions count as votes cast", lambda v: "yes" if v else "no"),
    "rule_change_notice_days": ("5.1", "Notice of a rule change", _days),
    "rule_change_threshold": ("5.2", "A rule change is carried by", str),
    "rule_change_bodies": ("5.3", "Rule changes may be decided by", _kinds),
    "motion_bodies": ("6.1", "Motions may be decided by", _kinds),
    "delegate_election_bodies": ("6.2", "Delegates may be elected by", _kinds),
    "mandate_bodies": ("6.3", "Delegates' mandates may be decided by", _kinds),
    "reply_window_days": ("7.1", "A charged member may reply within", _days),
    "hearing_notice_days": ("7.2", "Notice of a disciplinary hearing", _days),
    "min_panel_size": ("7.3", "A hearing panel has at least", lambda v: f"{v} people"),
    "appeal_window_days": ("7.4", "An appeal may be lodged within", _days),
    "appeal_body": ("7.5", "Appeals are heard by", lambda v: v.replace("_", " ")),
    "interim_suspension_max_days": ("7.6", "An interim suspension lasts at most", _days),
    "delegate_balance": ("8.1", "Balance of delegates", _balance),
    "officer_roles": ("9.1", "Officers are", lambda v: ", ".join(v) or "none"),
    "eligibility_conditions": ("9.2", "Conditions of membership", _conditions),
    "dues_grace_days": (
        "9.3", "Membership may lapse only once dues are unpaid after they fell due for",
        _days),
    "lapse_notice_days": (
        "9.4", "Notice to the member of a lapse, before it may take effect (and never "
        "while a meeting the member may attend is called)", _days),
}

# Provisions no rule change can remove; `load` refuses any orders that break them.
ENTRENCHED: dict[str, str] = {
    "0.1": "Rule changes are decided only by a general or annual meeting, never a committee.",
    "0.2": "A rule change needs at least a simple majority and at least 14 days' notice.",
    "0.3": "A simple majority is never less than half of the votes cast.",
    "0.4": "Due process stays: a reply window and an appeal window of at least 7 days, "
    "at least 2 days' notice of a hearing, and interim suspension of 1 to 90 days.",
    "0.5": "Membership lapses only by the rule of Part 9: at least 7 days of grace after dues "
    "fall due and at least 7 days' notice to the member.",
}


def cite(field: str) -> str:
    """'standing order 5.1' for a field of GroupStandingOrders."""
    return f"standing order {NUMBERS[field][0]}"


def _at_least_half(t: Threshold) -> bool:
    # t >= 1/2 as a fraction, and exactly 1/2 only if strict ("more than half").
    return 2 * t.numerator > t.denominator or (2 * t.numerator == t.denominator and t.strict)


def _entrenched_breach(o: GroupStandingOrders) -> Rejection | None:
    def breach(number: str, detail: str) -> Rejection:
        return Rejection(
            "entrenched_provision",
            f"standing order {number} is entrenched ({ENTRENCHED[number]}); {detail}",
        )

    if not o.rule_change_bodies or "committee" in o.rule_change_bodies:
        return breach("0.1", f"these orders give rule changes to: {_kinds(o.rule_change_bodies)}")
    if not _at_least_half(o.rule_change_threshold) or o.rule_change_notice_days < 14:
        return breach("0.2", f"these orders ask {o.rule_change_threshold} "
                      f"and {o.rule_change_notice_days} days' notice")
    if not _at_least_half(o.simple_majority):
        return breach("0.3", f"these orders define a simple majority as {o.simple_majority}")
    if (o.reply_window_days < 7 or o.appeal_window_days < 7 or o.hearing_notice_days < 2
            or not 1 <= o.interim_suspension_max_days <= 90):
        return breach("0.4", f"these orders give a {o.reply_window_days}-day reply window, a "
                      f"{o.appeal_window_days}-day appeal window, {o.hearing_notice_days} days' "
                      f"hearing notice and up to {o.interim_suspension_max_days} days' interim "
                      "suspension")
    if o.dues_grace_days < 7 or o.lapse_notice_days < 7:
        return breach("0.5", f"these orders give {o.dues_grace_days} days of grace and "
                      f"{o.lapse_notice_days} days' notice of a lapse")
    for numerator, denominator in [(t.numerator, t.denominator)
                                   for t in (o.simple_majority, o.rule_change_threshold)]:
        if numerator > denominator:
            return Rejection("invalid_standing_orders",
                             f"a threshold of {numerator}/{denominator} can never be met")
    names = [c.name for c in o.eligibility_conditions]
    if len(set(names)) != len(names):
        return Rejection("invalid_standing_orders",
                         f"{cite('eligibility_conditions')}: condition names must be unique")
    return None


def load(mapping: Mapping[str, Any]) -> GroupStandingOrders | Rejection:
    """Validate standing orders read from TOML (or stored JSON), strictly.

    Unknown fields, wrong types and out-of-range numbers are refused with
    `invalid_standing_orders`; orders that break Part 0 with `entrenched_provision`.
    Missing fields take the documented defaults.
    """
    try:
        orders = msgspec.convert(dict(mapping), GroupStandingOrders)
    except msgspec.ValidationError as e:
        return Rejection("invalid_standing_orders", f"these standing orders are not valid: {e}")
    return _entrenched_breach(orders) or orders


def to_mapping(orders: GroupStandingOrders) -> dict[str, Any]:
    """The plain-data form `load` accepts (for TOML, JSON and storage)."""
    return msgspec.to_builtins(orders)


def apply_patch(
    orders: GroupStandingOrders, patch: Mapping[str, Any]
) -> GroupStandingOrders | Rejection:
    """The orders with the top-level fields in `patch` replaced, validated as a whole.

    Called by a carried rule-change motion; nothing else should call it.
    """
    unknown = sorted(set(patch) - set(NUMBERS))
    if unknown:
        return Rejection("invalid_standing_orders",
                         f"a rule change can only change standing orders that exist; "
                         f"there is none called {', '.join(unknown)}")
    return load({**to_mapping(orders), **patch})


def describe(orders: GroupStandingOrders) -> list[str]:
    """The standing orders as numbered lines, for the group's documentation."""
    lines = [f"SO {number}  {text}" for number, text in ENTRENCHED.items()]
    for field, (number, label, show) in NUMBERS.items():
        lines.append(f"SO {number}  {label}: {show(getattr(orders, field))}")
    return lines
