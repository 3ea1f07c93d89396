"""The network constitution (SPEC 5.3): the rules that bind those in charge.

Kind: `network.constitution`. The rules:

- C1 (founding). A network's constitution is the founder's `network.constitution`,
  written before the founder approves any other node (while it is the only member
  and has no candidate), at most once. It repeats the charter's standing orders.
  A network whose founder wrote none has the default constitution (`default`) with
  its charter's standing orders, so networks founded before constitutions keep
  working. Afterwards only the amendment procedure (C5: a conference's vote, or a
  member ballot, with notice and a window) can change it. Rule changes and their
  amendments come before a conference (`conferences.py`, K11, K12); they change the
  constitution only through the conference floor's final result, at an instant fixed
  in advance (C5.5–C5.8, `constitution_history.py`): no entry changes a founded
  constitution by itself, and which one judges an entry is derived from the state.
- C2 (bodies). The constitution names the network's bodies: seats, term of office,
  notice of meetings, quorum, majority, what each may decide (`powers`) and what it
  may still decide once its term has run out (`caretaker_powers`); whether the
  conference elects its seats (`elected`) and its balance rule (`balance`: at least
  half the seats, rounded up, for candidates of a category), SPEC 5.9.1.
- C7 (interim members). At founding nobody is elected yet: the founding constitution
  names interim members, each a person on a body, vouched for by their own group's
  node under a pseudonym, until `interim_until`, at most `interim_max_days` after the
  constitution. The first conference is called by the rules (SPEC 5.8), not by them.
- Entrenched provisions (E1–E7, `entrenchment`) hold for every constitution, the
  default, a founder's and every amendment; a constitution that breaks one is
  refused with the provision cited:
  - E1: only a conference (or a member ballot, where the constitution says so) can
    amend the constitution; no body holds that power.
  - E2: no body can abolish, dissolve, wind up or suspend a body.
  - E3: no body can shorten or extend a term of office.
  - E4: no body can cancel, postpone or shrink a called conference, or rule that it
    consider no motions.
  - E5: an amendment needs at least 28 days' notice, an amendment window of at
    least 7 days, and at least a two-thirds majority.
  - E6: members can requisition a special conference: the thresholds are at most
    half of the groups and at most half of the members, and a requisitioned
    conference opens within a year.
  - E7: interim members serve at most a year; every body has a term of at most five
    years, meets with notice, and needs a quorum of at least a quarter of its seats.

No I/O, no clock: time is the entry's own `ts` or an argument.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import (
    AmendmentRules,
    BallotRules,
    BodyRules,
    ConferenceRules,
    Constitution,
    Entry,
    NetworkConstitution,
    NetworkStandingOrders,
    Seat,
)
from ...wire.rejection import Rejection

if TYPE_CHECKING:
    from .state import NetworkState

DAY_MS = 86_400_000

# What no body may ever decide, whatever a constitution says, and the provision each
# breaks (E1–E4). A body's item with one of these actions is refused citing it.
FORBIDDEN_ACTIONS: dict[str, str] = {
    "amend-constitution": "E1: only a conference (or a member ballot where the "
                          "constitution allows it) can amend the constitution",
    "adopt-constitution": "E1: only a conference (or a member ballot where the "
                          "constitution allows it) can amend the constitution",
    "suspend-constitution": "E1: only a conference (or a member ballot where the "
                            "constitution allows it) can amend the constitution",
    "abolish-body": "E2: no body can abolish, dissolve, wind up or suspend a body",
    "dissolve-body": "E2: no body can abolish, dissolve, wind up or suspend a body",
    "wind-up-body": "E2: no body can abolish, dissolve, wind up or suspend a body",
    "suspend-body": "E2: no body can abolish, dissolve, wind up or suspend a body",
    "remove-member": "E2: no body can abolish, dissolve, wind up or suspend a body, "
                     "nor unseat a member of one",
    "shorten-term": "E3: no body can shorten or extend a term of office",
    "extend-term": "E3: no body can shorten or extend a term of office",
    "cancel-conference": "E4: no body can cancel, postpone or shrink a called conference",
    "postpone-conference": "E4: no body can cancel, postpone or shrink a called conference",
    "no-motions": "E4: no body can rule that a conference consider no motions",
}

# The powers a constitution may give a body: anything else is not a power (C2).
POWERS: dict[str, str] = {
    "call-conference": "call the annual conference (SPEC 5.8)",
    "call-ballot": "call a member ballot on a decision the constitution gives ballots (C6)",
    "rule-out": "rule a conference motion out of order, citing a provision",
    "composite": "propose a composite of motions on one subject",
    "order-business": "propose the order of business of a conference",
    "statement": "issue a statement in the network's name; it binds nobody",
}

# Provisions a ruling may cite to rule a motion out (C4): the CAC's only grounds.
ADMISSIBILITY = {
    "C4.1": "a motion deals with one subject",
    "C4.2": "a motion is within the conference's competence: it asks the network to "
            "do or say something the network can do or say",
    "C4.3": "a motion is not substantially the same as one the previous conference "
            "decided",
    "C4.4": "an emergency motion concerns an event after the motions deadline",
    "C4.5": "a motion keeps to the word limit",
}


def default(orders: NetworkStandingOrders | None = None) -> Constitution:
    """The default constitution: one a real network could adopt as it is.

    Numbers from the practice of unions and parties (docs/constitution.md gives the
    sources): 1 delegate per started 250 members, 6 at most; motions 4 weeks before
    conference, amendments 2, final agenda 1, emergency motions 2 days before; a
    requisition by a fifth of the groups or of the members; amendments with 8
    weeks' notice, a 2-week window and two thirds.
    """
    return Constitution(
        standing_orders=orders or NetworkStandingOrders(),
        bodies=[
            BodyRules(
                id="national-committee", name="National committee", seats=12,
                term_days=730, notice_days=7, quorum_percent=50, majority="simple",
                powers=["call-conference", "statement"],
                caretaker_powers=["call-conference"],
            ),
            BodyRules(
                id="arrangements-committee", name="Conference arrangements committee",
                seats=5, term_days=730, notice_days=2, quorum_percent=60,
                majority="simple", powers=["rule-out", "composite", "order-business"],
                caretaker_powers=["rule-out", "composite", "order-business"],
            ),
        ],
        conference=ConferenceRules(
            called_by="national-committee", arranged_by="arrangements-committee",
            notice_days=56, first_within_days=180, special_within_days=90,
            motions_deadline_days=28, amendments_deadline_days=14,
            credentials_deadline_days=7, final_agenda_days=7, emergency_deadline_days=2,
            members_per_delegate=250, max_delegates=6, motions_per_group=1,
            amendments_per_group=2, emergency_motions_per_group=1, max_motion_words=500,
            priority_slots=10, requisition_groups_percent=20,
            requisition_members_percent=20,
        ),
        amendments=AmendmentRules(
            notice_days=56, window_days=14, threshold=[2, 3], ballot_ratification=False,
        ),
        ballots=BallotRules(decisions=["amend-constitution"], min_window_days=14),
        interim_max_days=183,
    )


def entrenchment(constitution: Constitution) -> list[Rejection]:
    """Every entrenched provision (E1–E7) the constitution breaks; empty when it keeps them."""
    broken: list[Rejection] = []
    ids = [body.id for body in constitution.bodies]
    if len(set(ids)) != len(ids):
        broken.append(Rejection("bad_constitution", "C2: each body has its own id"))
    for body in constitution.bodies:
        for power in [*body.powers, *body.caretaker_powers]:
            if power in FORBIDDEN_ACTIONS:
                broken.append(Rejection(
                    "entrenched", f"{FORBIDDEN_ACTIONS[power]}; the constitution gives "
                    f"`{body.id}` the power `{power}`"))
            elif power not in POWERS:
                broken.append(Rejection(
                    "bad_constitution", f"C2: `{power}` is not a power a body can hold "
                    f"(powers: {', '.join(POWERS)})"))
        if not set(body.caretaker_powers) <= set(body.powers):
            broken.append(Rejection(
                "bad_constitution", f"C2: `{body.id}` keeps, as caretaker, only powers "
                "it holds in office"))
        if body.notice_days < 1:
            broken.append(Rejection(
                "entrenched", f"E7: every body meets with notice; `{body.id}` has none"))
        if body.quorum_percent < 25:
            broken.append(Rejection(
                "entrenched", f"E7: a body's quorum is at least a quarter of its seats; "
                f"`{body.id}` has {body.quorum_percent}%"))
    conference = constitution.conference
    for role, body_id in (("called_by", conference.called_by),
                          ("arranged_by", conference.arranged_by)):
        if body_id not in ids:
            broken.append(Rejection(
                "bad_constitution", f"C3: the conference's `{role}` names `{body_id}`, "
                "which is no body of this constitution"))
    if conference.called_by in ids and "call-conference" not in _body(
            constitution, conference.called_by).powers:
        broken.append(Rejection(
            "bad_constitution", f"C3: `{conference.called_by}` calls the conference but "
            "does not hold the power `call-conference`"))
    timetable = [
        ("notice_days", conference.notice_days),
        ("motions_deadline_days", conference.motions_deadline_days),
        ("amendments_deadline_days", conference.amendments_deadline_days),
        ("final_agenda_days", conference.final_agenda_days),
        ("emergency_deadline_days", conference.emergency_deadline_days),
    ]
    for (early, a), (late, b) in zip(timetable, timetable[1:], strict=False):
        if a < b:
            broken.append(Rejection(
                "bad_constitution", f"C3: the timetable runs in order: `{early}` ({a}) "
                f"is at least `{late}` ({b})"))
    if conference.credentials_deadline_days > conference.notice_days:
        broken.append(Rejection(
            "bad_constitution", "C3: credentials are due after the call, so "
            "`credentials_deadline_days` is at most `notice_days`"))
    if conference.notice_days < 14:
        broken.append(Rejection(
            "entrenched", "E4: a conference is called with at least 14 days' notice"))
    if conference.requisition_groups_percent > 50 or conference.requisition_members_percent > 50:
        broken.append(Rejection(
            "entrenched", "E6: members can requisition a special conference: its "
            "thresholds are at most half of the groups and half of the members"))
    special = conference.special_within_days
    if special > 365 or special < conference.notice_days:
        broken.append(Rejection(
            "entrenched", "E6: a requisitioned conference opens within a year, and no "
            "sooner than its notice allows (`special_within_days` ≥ `notice_days`)"))
    if conference.first_within_days < conference.notice_days:
        broken.append(Rejection(
            "bad_constitution", "C3: the first conference opens no sooner than its "
            "notice allows (`first_within_days` ≥ `notice_days`)"))
    amendments = constitution.amendments
    numerator, denominator = amendments.threshold
    if numerator > denominator or 3 * numerator < 2 * denominator:
        broken.append(Rejection(
            "entrenched", f"E5: an amendment needs at least two thirds; the threshold "
            f"is {numerator}/{denominator}"))
    if amendments.notice_days < 28:
        broken.append(Rejection(
            "entrenched", "E5: an amendment needs at least 28 days' notice"))
    if amendments.window_days < 7:
        broken.append(Rejection(
            "entrenched", "E5: an amendment window is at least 7 days"))
    if amendments.notice_days < amendments.window_days:
        broken.append(Rejection(
            "bad_constitution", "C5: the amendment window closes before the conference, "
            "so `window_days` is at most `notice_days`"))
    if constitution.interim_max_days > 365:
        broken.append(Rejection(
            "entrenched", "E7: interim members serve at most a year"))
    for body in constitution.bodies:
        if body.term_days > 1830:
            broken.append(Rejection(
                "entrenched", f"E7: a term of office is at most five years; `{body.id}` "
                f"has {body.term_days} days"))
    if (conference.nominations_deadline_days > conference.notice_days
            and any(rules.elected for rules in constitution.bodies)):
        broken.append(Rejection(
            "bad_constitution", "C3: nominations are due after the call, so "
            "`nominations_deadline_days` is at most `notice_days`"))
    for rules in constitution.bodies:
        if rules.balance and not rules.elected:
            broken.append(Rejection(
                "bad_constitution", f"C2: `{rules.id}` has a balance rule but the "
                "conference does not elect it (SPEC 5.9.1)"))
    return broken


class Change(msgspec.Struct, frozen=True):
    """One field a rule change alters: where, what it reads now, what it would read."""

    field: str
    old: object
    new: object


def changes(old: Constitution, new: Constitution) -> list[Change]:
    """What `new` changes in `old`, field by field, for people to read (K10, K11).

    Bodies are matched by id (`bodies.<id>.<field>`); a body added or removed is one
    change with null on the other side; a list (powers, the threshold) is one value.
    """
    return _changes("", msgspec.to_builtins(old), msgspec.to_builtins(new))


def _changes(path: str, old: object, new: object) -> list[Change]:
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Change] = []
        for key in sorted(old.keys() | new.keys()):
            out.extend(_changes(f"{path}{key}" if not path else f"{path}.{key}",
                                old.get(key), new.get(key)))
        return out
    if path == "bodies" and isinstance(old, list) and isinstance(new, list):
        return _changes(path, {b["id"]: b for b in old}, {b["id"]: b for b in new})
    return [Change(path, old, new)]


def _body(constitution: Constitution, body_id: str) -> BodyRules:
    return next(body for body in constitution.bodies if body.id == body_id)


class Constitutions:
    """The constitution in force, the entry that set it, and the interim members."""

    kinds = frozenset({"network.constitution"})

    def __init__(self) -> None:
        self.entry: str | None = None
        self.ts: int | None = None
        self.written: Constitution | None = None
        self.interim: list[Seat] = []
        self.interim_until: int | None = None

    def current(self, state: NetworkState) -> Constitution:
        """The latest constitution in force: the founder's (else the default with the
        charter's orders), or the latest rule change that took effect (C5.5)."""
        return state.constitution

    def body(self, state: NetworkState, body_id: str, ts: int | None = None) -> BodyRules | None:
        """The body's rules for a meeting called at `ts` (C5.7); without one, the latest."""
        constitution = state.constitution if ts is None else state.constitution_at(ts)
        return next((b for b in constitution.bodies if b.id == body_id), None)

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: NetworkConstitution = entry.body  # type: ignore[assignment]
        if entry.author != state.founder:
            return Rejection(
                "not_founder", "C1: only the founder writes the founding constitution; "
                "afterwards only a conference amends it (E1)")
        if self.entry is not None:
            return Rejection(
                "constitution_exists", "C1: the network already has its founding "
                "constitution; only the amendment procedure changes it (C5)")
        if len(state.members) > 1 or state.candidates:
            return Rejection(
                "constitution_closed", "C1: the founding constitution comes before the "
                "founder approves any other node")
        constitution = body.constitution
        if constitution.standing_orders != state.orders:
            return Rejection(
                "bad_constitution", "C1: the constitution repeats the charter's standing "
                "orders unchanged")
        broken = entrenchment(constitution)
        if broken:
            return broken[0]
        return _check_interim(constitution, body, entry.ts)

    def apply(self, state: NetworkState, entry: Entry) -> None:
        body: NetworkConstitution = entry.body  # type: ignore[assignment]
        self.entry, self.ts, self.written = entry.id, entry.ts, body.constitution
        self.interim = list(body.interim)
        self.interim_until = body.interim_until

    def summary(self, state: NetworkState) -> dict[str, object]:
        # written once the network has a constitution entry: the state hash of a network
        # without one is what it was before constitutions (SPEC 5.6)
        summary: dict[str, object] = {}
        if self.entry is not None:
            summary["constitution"] = self.entry
        latest = state.constitution_history().latest()
        if latest.source in ("conference", "ballot"):
            # C5.5: written once a rule change has taken effect, so a network whose
            # constitution never changed hashes as before
            summary["constitution_in_force"] = latest.entry
        return summary

    def describe(self, state: NetworkState) -> dict:
        """The constitution in force, for pages and the API."""
        return {
            "entry": self.entry,
            "default": self.written is None,
            "constitution": msgspec.to_builtins(self.current(state)),
            "interim": msgspec.to_builtins(self.interim),
            "interim_until": self.interim_until,
        }


def _check_interim(constitution: Constitution, body: NetworkConstitution,
                   ts: int) -> Rejection | None:
    limit = ts + constitution.interim_max_days * DAY_MS
    if body.interim and not ts < body.interim_until <= limit:
        return Rejection(
            "bad_interim", f"C7: interim members serve from the constitution until at "
            f"most {constitution.interim_max_days} days after it")
    seats: dict[str, list[Seat]] = {}
    for seat in body.interim:
        seats.setdefault(seat.body, []).append(seat)
    for body_id, held in seats.items():
        rules = next((b for b in constitution.bodies if b.id == body_id), None)
        if rules is None:
            return Rejection("unknown_body", f"C7: the constitution has no body `{body_id}`")
        if len(held) > rules.seats:
            return Rejection(
                "bad_interim", f"C7: `{body_id}` has {rules.seats} seats; the interim "
                f"list names {len(held)}")
        holders = [(seat.group, seat.holder) for seat in held]
        if len(set(holders)) != len(holders):
            return Rejection("bad_interim", f"C7: `{body_id}` names a person twice")
    return None
