"""Founding a network under a constitution, and reading the constitution and its bodies.

A founder may give a TOML file (`groupnet network found --constitution FILE`,
see docs/constitution.md) that overrides any part of the default constitution
(`procedure.network.constitution.default`) and names the interim members and
their term (C7). The node then signs its `network.constitution` right after
the charter, before it approves anyone (C1). Everything is checked before the
charter is signed, by the very rules every node applies, on a scratch state
(`rehearse`): a file that breaks an entrenched provision founds nothing.

A network founded without a file keeps the default constitution and writes
no entry, as networks founded before constitutions do.

`provisions` puts a constitution in plain words, each provision with the
entrenched provision (E1–E7) that fixes or bounds it; `bodies` lists each
body with its seats, members and term. Pages, the API and the CLI read both.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from .. import clock
from ..procedure.network import NetworkState
from ..procedure.network.bodies import Bodies
from ..procedure.network.conferences import Conferences
from ..procedure.network.constitution import (
    ADMISSIBILITY,
    DAY_MS,
    POWERS,
    Constitutions,
    changes,
    default,
    entrenchment,
)
from ..procedure.network.constitution_history import Version
from ..procedure.network.floor import Floor
from ..wire import crypto, messages
from ..wire.messages import (
    Charter,
    Constitution,
    Entry,
    FloorResult,
    NetworkConstitution,
    NetworkStandingOrders,
    Seat,
)
from ..wire.rejection import Refused, Rejection, refuse
from .node import Node

# The parts a constitution file may hold: the constitution's own, then the interim members.
PARTS = ("standing_orders", "bodies", "conference", "amendments", "ballots", "interim_max_days",
         "interim", "interim_days", "interim_until")
TABLES = ("standing_orders", "conference", "amendments", "ballots")
TermDays = Annotated[int, Meta(ge=1, le=3650)]

# The entrenched provisions in plain words (SPEC 5.3.1): no constitution can remove them.
ENTRENCHED: dict[str, str] = {
    "E1": "Only a conference, or a member ballot where the constitution allows it, can amend "
          "the constitution. No committee can adopt, amend or suspend it.",
    "E2": "No body can abolish, dissolve, wind up or suspend a body, or unseat its members.",
    "E3": "No body can shorten or extend a term of office, its own or another's.",
    "E4": "No body can cancel or postpone a called conference, or rule that it consider no "
          "motions; a conference is called with at least 14 days' notice.",
    "E5": "An amendment of the constitution needs at least 28 days' notice, an amendment "
          "window of at least 7 days, and at least a two-thirds majority.",
    "E6": "Members can always requisition a special conference: the thresholds are at most "
          "half of the groups or half of the members, and it opens within a year.",
    "E7": "Interim members serve at most a year; every term is at most five years; every "
          "body meets with notice and needs a quorum of at least a quarter of its seats.",
}


# What a member ballot may decide (C6), in words.
BALLOT_DECISIONS = {"amend-constitution": "amendments of the constitution"}


class Founding(msgspec.Struct, frozen=True):
    """A founder's constitution as read from a file: what its `network.constitution` says."""

    constitution: Constitution
    interim: list[Seat]
    # the interim members' term: a number of days from the founding, or a fixed end
    interim_days: int | None = None
    interim_until: int | None = None

    def body(self, founded: int) -> NetworkConstitution:
        """The entry's body for a constitution signed at `founded` (ms)."""
        if self.interim_until is not None:
            until = self.interim_until
        elif self.interim_days is not None:
            until = founded + self.interim_days * DAY_MS
        else:
            until = founded  # no interim members: no term to run
        return NetworkConstitution(self.constitution, list(self.interim), until)


def _bad(path: Path | str, why: object) -> Refused:
    return refuse("bad_constitution", f"C1: {path}: {why}", 400)


def load_founding(path: Path | str, rules: NetworkStandingOrders | None = None) -> Founding:
    """Read a constitution file: the default constitution with the file's parts over it.

    A table (`[conference]`, …) changes only the fields it gives. `[[bodies]]`
    lists the bodies the network has: each is the default body of the same id
    with the fields given over it, or a new body with every field given. The
    charter's standing orders come from the file's `[standing_orders]` or from
    `rules` (`--rules`), not both.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise _bad(path, f"cannot be read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _bad(path, f"is not TOML: {error}") from None
    unknown = sorted(set(data) - set(PARTS))
    if unknown:
        raise _bad(path, f"a constitution has no part {', '.join(map(repr, unknown))} "
                   f"(its parts: {', '.join(PARTS)})")
    if rules is not None and "standing_orders" in data:
        raise _bad(path, "the standing orders come from `--rules` or from the file's "
                   "[standing_orders], not both")
    try:
        merged = _over(default(rules), data)
    except ValueError as error:
        raise _bad(path, error) from None
    if "interim_days" in data and "interim_until" in data:
        raise _bad(path, "C7: give the interim members' term once: `interim_days` or "
                   "`interim_until`")
    try:
        constitution = msgspec.convert(merged, Constitution)
        interim = msgspec.convert(data.get("interim", []), list[Seat])
    except msgspec.ValidationError as error:
        raise _bad(path, error) from None
    days = data.get("interim_days")
    if days is not None:
        try:
            days = msgspec.convert(days, TermDays)
        except msgspec.ValidationError:
            raise _bad(path, "C7: `interim_days` is a whole number of days from 1 to "
                       "3650") from None
    until = _moment(path, data["interim_until"]) if "interim_until" in data else None
    if interim and days is None and until is None:
        raise _bad(path, "C7: the file names interim members: give their term, "
                   "`interim_days` (from the founding) or `interim_until` (a date)")
    return Founding(constitution, interim, days, until)


def _over(base: Constitution, data: dict) -> dict:
    """`base` as JSON values with the file's parts over it: a table changes the fields it
    gives; `[[bodies]]` lists the bodies, each over the base body of the same id. A part
    of the wrong shape is a ValueError saying so."""
    merged = msgspec.to_builtins(base)
    for part in TABLES:
        if part in data:
            if not isinstance(data[part], dict):
                raise ValueError(f"`{part}` is a table ([{part}])")
            merged[part] = {**merged[part], **data[part]}
    if "bodies" in data:
        given = data["bodies"]
        if not isinstance(given, list) or not all(isinstance(b, dict) for b in given):
            raise ValueError("`bodies` is a list of tables ([[bodies]])")
        defaults = {body["id"]: body for body in merged["bodies"]}
        merged["bodies"] = [{**defaults.get(body.get("id"), {}), **body} for body in given]
    if "interim_max_days" in data:
        merged["interim_max_days"] = data["interim_max_days"]
    return merged


# The parts a rule change's file may hold: the constitution's own (C5).
AMENDABLE = ("standing_orders", "bodies", "conference", "amendments", "ballots",
             "interim_max_days")


def amended(text: str, base: Constitution, source: str = "the rule change") -> Constitution:
    """A rule change's constitution from a TOML file: `base` (the constitution in force,
    or the rule change an amendment amends) with the file's parts over it, read as a
    founding file is read (docs/constitution.md). Whether it keeps the entrenched
    provisions is the rules' to say (K11, K12)."""
    def bad(why: object) -> Refused:
        return refuse("bad_constitution", f"C5: {source}: {why}", 400)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise bad(f"is not TOML: {error}") from None
    unknown = sorted(set(data) - set(AMENDABLE))
    if unknown:
        raise bad(f"a rule change has no part {', '.join(map(repr, unknown))} (its parts: "
                  f"{', '.join(AMENDABLE)})")
    try:
        return msgspec.convert(_over(base, data), Constitution)
    except (ValueError, msgspec.ValidationError) as error:
        raise bad(error) from None


def _moment(path: Path | str, value: Any) -> int:
    """A TOML date or date-time as ms since 1970; without an offset it is UTC."""
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    else:
        raise _bad(path, "C7: `interim_until` is a TOML date or date-time, e.g. "
                   "2026-07-01T00:00:00Z")
    return int(moment.timestamp() * 1000)


def problems(founding: Founding, key: crypto.SigningKey, charter: Charter,
             founded: int) -> list[Rejection]:
    """Everything that would refuse this founding, by the rules every node applies.

    Every entrenched provision broken is listed; otherwise the rules' one answer
    (interim members, the charter's standing orders) for the constitution signed
    at `founded` right after `charter`, on a scratch state: nothing is stored.
    """
    broken = entrenchment(founding.constitution)
    if broken:
        return broken
    state = NetworkState()
    author = key.public
    net = crypto.network_id(author, charter.nonce)
    try:
        first = messages.build(key, net, author, 1, None, founded, "network.charter", charter)
        state.fold(first)
        second = messages.build(key, net, author, 2, first.id, founded,
                                "network.constitution", founding.body(founded))
    except ValueError as error:  # an entry this node would itself refuse (its size, say)
        return [Rejection("bad_constitution", f"C1: {error}")]
    refused = state.check(second)
    return [refused] if refused else []


def one_refusal(broken: list[Rejection]) -> Rejection:
    """Several refusals as one: the first's code, every sentence."""
    return Rejection(broken[0].code, "; ".join(r.reason for r in broken))


async def found_under(node: Node, charter: Charter, founding: Founding) -> Entry:
    """Sign the charter and, right after it, the founder's constitution (C1).

    Both are stamped with the same time, for which the whole founding was
    checked first: either both are signed, or nothing is.
    """
    if charter.standing_orders != founding.constitution.standing_orders:
        raise refuse("bad_constitution", "C1: the constitution repeats the charter's standing "
                     "orders unchanged", 400)
    founded = clock.now_ms()
    broken = problems(founding, node.key, charter, founded)
    if broken:
        raise Refused(one_refusal(broken), 422)
    entry = await node.append("network.charter", charter, now=founded)
    await node.append("network.constitution", founding.body(founded), now=founded)
    return entry


def check_file(path: Path | str) -> list[Rejection]:
    """`groupnet constitution check`: every problem of a constitution file, or none.

    The file is checked as a founding now would be, by a throwaway founder.
    """
    try:
        founding = load_founding(path)
    except Refused as refused:
        return [refused.rejection]
    key = crypto.SigningKey.generate()
    charter = Charter("Check", "Check", "https://check.invalid", crypto.b64encode(bytes(16)),
                      founding.constitution.standing_orders)
    return problems(founding, key, charter, clock.now_ms())


# -- reading -------------------------------------------------------------------------


def group_names(state: NetworkState) -> dict[str, str]:
    """Each admitted group's name, as its latest profile gives it."""
    names = {node: member.name for node, member in state.members.items()}
    for node, (_, profile) in state.profiles.items():
        names[node] = profile.name
    return names


class Provision(msgspec.Struct, frozen=True):
    """One provision in plain words, with the entrenched provision that fixes or bounds it."""

    section: str
    ref: str
    text: str
    entrenched: str | None = None


class Entrenched(msgspec.Struct, frozen=True):
    id: str
    text: str


class FieldChange(msgspec.Struct, frozen=True):
    """One field a version changed: where, what it read before, what it reads now."""

    field: str
    old: Any
    new: Any


class VersionView(msgspec.Struct, frozen=True):
    """One constitution that has been in force, and what put it there (C1, C5.5, C5.6)."""

    source: str  # "default", "founding", "conference" or "ballot"
    entry: str | None  # the founder's `network.constitution`, or the rule change
    title: str | None  # the rule change's title
    since: int | None  # in force for entries dated from here; None: since the founding
    conference: str | None
    vote: str | None  # the `floor.open` that carried it
    cut: str | None  # that vote's final cut
    result: FloorResult | None  # that vote's result
    amendment: str | None  # the amendment to the rule change it was carried as
    ballot: str | None  # the member ballot that ratified it
    changes: list[FieldChange]  # against the version before


class OutcomeView(msgspec.Struct, frozen=True):
    """What a conference's rule changes did: in force, pending, awaiting ballot or not."""

    conference: str
    rule_change: str | None
    status: str
    since: int | None
    reason: str


class ConstitutionView(msgspec.Struct, frozen=True):
    """The constitution in force, its provisions, and its history.

    `entry`, `default` and `since` are the founding's (the founder's entry; none: the
    default); `source`, `rule_change` and `in_force_since` say what put the one in force
    there: the founding, or a rule change that took effect (C5.5, C5.6)."""

    entry: str | None
    default: bool
    since: int | None
    constitution: Constitution
    interim: list[Seat]
    interim_until: int | None
    provisions: list[Provision]
    entrenched: list[Entrenched]
    source: str
    rule_change: str | None
    in_force_since: int | None
    history: list[VersionView]
    outcomes: list[OutcomeView]


class SeatView(msgspec.Struct, frozen=True):
    """A person on a body, for the group whose node vouches for them."""

    group: str
    group_name: str | None
    holder: str
    name: str
    interim: bool
    term_ends: int | None


class BodyView(msgspec.Struct, frozen=True):
    """A body: its rules, its members, and whether it is in office, a caretaker or vacant."""

    id: str
    name: str
    seats: int
    term_days: int
    notice_days: int
    quorum_percent: int
    majority: str
    powers: list[str]
    caretaker_powers: list[str]
    members: list[SeatView]
    vacant_seats: int
    term_ends: int | None
    status: str
    # SPEC 5.9.1: whether the conference elects it, and the election that seated its members
    elected: bool = False
    election: str | None = None
    since: int | None = None


def describe(state: NetworkState) -> ConstitutionView:
    """The constitution in force, with its provisions in plain words, and every version
    that has been in force with the vote (and ballot) that carried it (API and pages)."""
    rules = state.rules(Constitutions)
    derived = state.constitution_history()
    latest = derived.latest()
    constitution = latest.constitution
    changed = latest.source in ("conference", "ballot")
    return ConstitutionView(
        entry=rules.entry, default=rules.written is None, since=rules.ts,
        constitution=constitution, interim=list(rules.interim),
        interim_until=rules.interim_until,
        provisions=provisions(constitution, bool(rules.interim), rules.interim_until),
        entrenched=[Entrenched(key, text) for key, text in ENTRENCHED.items()],
        source=latest.source, rule_change=latest.entry if changed else None,
        in_force_since=latest.since if changed else rules.ts,
        history=_history(state, derived.versions),
        outcomes=[OutcomeView(o.conference, o.rule_change, o.status, o.since, o.reason)
                  for o in derived.outcomes])


def _history(state: NetworkState, versions: list[Version]) -> list[VersionView]:
    """The versions in the order they took effect, each with what it changed."""
    ordered = sorted(versions, key=lambda v: (v.since is not None, v.since or 0, v.entry or ""))
    out: list[VersionView] = []
    proposals = state.rules(Conferences).rule_changes
    for before, version in zip([None, *ordered], ordered, strict=False):
        result = None
        if version.vote is not None and version.cut is not None:
            floor_rules = state.rules(Floor)
            found = floor_rules.result_of(state, floor_rules.cuts[version.cut])
            result = found if isinstance(found, FloorResult) else None
        proposal = proposals.get(version.entry) if version.entry else None
        out.append(VersionView(
            version.source, version.entry, proposal.body.title if proposal else None,
            version.since, version.conference, version.vote, version.cut, result,
            version.amendment, version.ballot,
            [FieldChange(c.field, c.old, c.new)
             for c in changes(before.constitution, version.constitution)] if before else []))
    return out


def _days(n: int) -> str:
    return _count(n, "day")


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _list(items: list[str], none: str = "nothing") -> str:
    if not items:
        return none
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def provisions(constitution: Constitution, has_interim: bool = False,
               interim_until: int | None = None) -> list[Provision]:
    """Every provision of `constitution` as a sentence, with the entrenched provision
    (E1–E7) that fixes or bounds it, if any."""
    names = {body.id: body.name for body in constitution.bodies}
    out: list[Provision] = []
    for body in constitution.bodies:
        where = f"{body.name} ({body.id})"
        majority = ("a simple majority (more for than against)" if body.majority == "simple"
                    else "two thirds of those voting for or against")
        powers = [POWERS[p] for p in body.powers if p in POWERS]
        caretaker = [POWERS[p] for p in body.caretaker_powers if p in POWERS]
        out += [
            Provision(where, "C2", f"{body.seats} seats, each held for a term of "
                      f"{_days(body.term_days)}.", "E7"),
            Provision(where, "C2", f"It meets with {_days(body.notice_days)}' notice; a "
                      f"meeting is quorate when {body.quorum_percent}% of its seats vote, and "
                      f"decides by {majority}.", "E7"),
            Provision(where, "C2", f"It may {_list(powers)}."),
            Provision(where, "C2", "Once its term has run out, it may only "
                      f"{_list(caretaker, 'wait for its successors')}."),
            Provision(where, "C2", "It can never amend the constitution, abolish or suspend "
                      "a body, change a term of office, or cancel a called conference.",
                      "E1–E4"),
        ]
    conference = constitution.conference
    called_by = names.get(conference.called_by, conference.called_by)
    arranged_by = names.get(conference.arranged_by, conference.arranged_by)
    section = "Conferences"
    out += [
        Provision(section, "C3", f"The annual conference is called by the {called_by} with "
                  f"at least {_days(conference.notice_days)}' notice; once called, nobody "
                  "can cancel or postpone it, or rule that it consider no motions.", "E4"),
        Provision(section, "C3", "The first conference opens within "
                  f"{_days(conference.first_within_days)} of the constitution; any group may "
                  "call it, and the interim members cannot stop it."),
        Provision(section, "C3", "Members can requisition a special conference: groups "
                  f"making up {conference.requisition_groups_percent}% of the groups, or "
                  f"groups holding {conference.requisition_members_percent}% of the members. "
                  f"It opens within {_days(conference.special_within_days)} of the "
                  "requisition.", "E6"),
        Provision(section, "C3", "Timetable, in days before the opening: motions "
                  f"{conference.motions_deadline_days}, amendments "
                  f"{conference.amendments_deadline_days}, delegates' credentials "
                  f"{conference.credentials_deadline_days}, final agenda "
                  f"{conference.final_agenda_days}, emergency motions "
                  f"{conference.emergency_deadline_days}. A deadline is judged by the "
                  "network's witnessed time, never by one node's clock."),
        Provision(section, "C3", "Each group sends one delegate per started "
                  f"{conference.members_per_delegate} active members, at most "
                  f"{conference.max_delegates}, counted from its register commitment; a group "
                  "with no commitment sends none."),
        Provision(section, "C4", "Each group may submit "
                  f"{_count(conference.motions_per_group, 'motion')}, "
                  f"{_count(conference.amendments_per_group, 'amendment')} and "
                  f"{_count(conference.emergency_motions_per_group, 'emergency motion')}, "
                  f"each of at most {conference.max_motion_words} words; where time is "
                  f"short, the {conference.priority_slots} motions the delegations "
                  "prioritise are debated."),
        Provision(section, "C4", f"The {arranged_by} arranges the conference: it may rule "
                  "a motion out only under one of these provisions, citing it: "
                  + "; ".join(f"{ref} {text}" for ref, text in ADMISSIBILITY.items()) + "."),
    ]
    amendments = constitution.amendments
    numerator, denominator = amendments.threshold
    ratified = ", ratified by a member ballot" if amendments.ballot_ratification else ""
    out.append(Provision(
        "Amending the constitution", "C5", f"Only a conference amends the constitution"
        f"{ratified}: with {_days(amendments.notice_days)}' notice, an amendment window of "
        f"{_days(amendments.window_days)}, and at least {numerator}/{denominator} of those "
        "voting.", "E1, E5"))
    ballots = constitution.ballots
    decisions = _list([BALLOT_DECISIONS.get(d, d) for d in ballots.decisions])
    out.append(Provision(
        "Member ballots", "C6", f"A ballot of every member may decide {decisions}, with a "
        f"voting window of at least {_days(ballots.min_window_days)}.", "E1"))
    named = (f"The founding constitution names interim members until {_ms_day(interim_until)}"
             "; " if has_interim and interim_until else "")
    out.append(Provision(
        "Interim members", "C7", f"{named}interim members serve at most "
        f"{_days(constitution.interim_max_days)}, until the first conference elects their "
        "successors; they do not call it.", "E7"))
    orders = constitution.standing_orders
    out.append(Provision(
        "Standing orders", "C1", "A group joins with "
        f"{_count(orders.admission_approvals, 'approval')} from member groups; nodes sign "
        f"what they have seen every {orders.witness_interval_seconds} s, and accept a clock "
        f"at most {orders.max_future_skew_seconds} s ahead."))
    return out


def _ms_day(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%d %b %Y, %H:%M UTC")


def bodies(state: NetworkState) -> list[BodyView]:
    """Each body of the constitution in force: seats, members, term, and whether it is in
    office or a caretaker: its term over by witnessed time (SPEC 5.5), it may take only
    its caretaker decisions (B3)."""
    rules = state.rules(Constitutions)
    names = group_names(state)
    out = []
    # the seats as of the latest time any member has written: a function of the state (E7)
    latest = max((head.ts for head in state.heads.values()), default=0)
    for body in rules.current(state).bodies:
        seats = Bodies.seats(state, body.id)
        ends = Bodies.term_end(state, body.id)
        sitting = state.seating(body.id, latest)
        if sitting is not None and sitting.election is not None:
            seats, ends = sitting.seats, sitting.until
        if sitting is None:
            status = "election pending"
        elif not seats:
            status = "vacant"
        elif ends is not None and state.deadline_passed(ends):
            status = "caretaker"
        else:
            status = "in office"
        out.append(BodyView(
            id=body.id, name=body.name, seats=body.seats, term_days=body.term_days,
            notice_days=body.notice_days, quorum_percent=body.quorum_percent,
            majority=body.majority, powers=list(body.powers),
            caretaker_powers=list(body.caretaker_powers),
            members=[SeatView(seat.group, names.get(seat.group), seat.holder, seat.name,
                              sitting is None or sitting.election is None, ends)
                     for seat in seats],
            vacant_seats=body.seats - len(seats), term_ends=ends, status=status,
            elected=body.elected, election=sitting.election if sitting else None,
            since=sitting.since if sitting else None))
    return out
