"""What every node derives about a conference (SPEC 5.8): statuses, never refusals.

`conferences.py` decides which entries are accepted; this module reads them,
with the bodies' decisions and the witnesses, and answers what follows for one
conference: whether its call stands (K1–K4), its timetable, each group's
entitlement and credential (K5), each motion's and amendment's status (K6, K7),
the arrangements committee's rulings and composites with their consents (K8),
the priorities ballot (K9), the rule changes and their amendments (K11, K12),
and the agenda, final once the network has passed the final agenda time (K10).
Everything is a function of the state: two nodes that
hold the same entries give the same answers, and an answer that depends on a
deadline not yet witnessed says "pending".

No I/O, no clock.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import Adoption, Constitution
from .bodies import Bodies, Decision
from .commitments import Commitments
from .conferences import Call, Conferences, Requisition
from .constitution import ADMISSIBILITY, DAY_MS, Change, changes
from .credentials import Credentials
from .witness import Witnesses

if TYPE_CHECKING:
    from .state import NetworkState

NEVER = 2**63


class Timetable(msgspec.Struct, frozen=True):
    """K4: the conference's dates, counted back from its opening (ms since 1970)."""

    called: int
    rule_changes: int
    rule_change_amendments: int
    motions: int
    amendments: int
    credentials: int
    final_agenda: int
    emergency: int
    opens: int
    closes: int


class CallStatus(msgspec.Struct, frozen=True):
    status: str  # "stands", "pending", "void" or "superseded"
    reason: str


class Requisitioned(msgspec.Struct, frozen=True):
    """K3: how far a requisition has come."""

    id: str
    group: str
    title: str
    reason: str
    opens: int
    ts: int
    supporters: list[str]
    groups_counted: int
    groups_needed: int
    members_supporting: int
    members_committed: int
    members_percent: int
    met: bool
    summary: str


class Entitlement(msgspec.Struct, frozen=True):
    """K5: a group's delegates, from its commitment published by the call."""

    group: str
    members: int | None
    commitment: str | None
    delegates: int


class CredentialStatus(msgspec.Struct, frozen=True):
    """K5: the credential a group's delegates stand on, and earlier or later ones."""

    group: str
    entry: str
    delegates: int
    entitled: int
    status: str  # "accepted", "over entitlement", "late", "pending"
    reason: str


class MotionStatus(msgspec.Struct, frozen=True):
    id: str
    group: str
    seq: int
    ts: int
    title: str
    subject: str
    text: str
    emergency: str
    decision: Adoption
    # "pending", "late", "ruled out", "composited", "not prioritised", "admissible"
    status: str
    reason: str
    composite: str | None = None
    priority: int = 0


class AmendmentStatus(msgspec.Struct, frozen=True):
    id: str
    group: str
    motion: str
    ts: int
    text: str
    reason_given: str
    decision: Adoption
    status: str  # "pending", "late", "ruled out", "falls", "admissible"
    reason: str


class RuleChangeStatus(msgspec.Struct, frozen=True):
    """K11: a rule change, what it changes in the constitution in force, and its status."""

    id: str
    group: str
    seq: int
    ts: int
    title: str
    reason_given: str
    decision: Adoption
    status: str  # "pending", "late", "ruled out", "admissible"
    reason: str
    changes: list[Change]


class RuleChangeAmendmentStatus(msgspec.Struct, frozen=True):
    """K12: an amendment to a rule change, what it changes in the rule change, its status."""

    id: str
    group: str
    rule_change: str
    ts: int
    reason_given: str
    decision: Adoption
    status: str  # "pending", "late", "ruled out", "falls", "admissible"
    reason: str
    changes: list[Change]


class Ruling(msgspec.Struct, frozen=True):
    """K8: a decision of the arrangements committee for this conference, and its outcome."""

    meeting: str
    item: int
    action: str
    status: str
    reason: str
    provision: str
    text: str
    refs: list[str]
    appeals: list[str]


class CompositeStatus(msgspec.Struct, frozen=True):
    id: str  # "<meeting id>:<item>"
    meeting: str
    item: int
    text: str
    motions: list[str]
    groups: list[str]
    # group -> its standing consent: True, False, or None (none yet, or undecided)
    consents: dict[str, bool | None]
    status: str  # "agreed", "awaiting consent", "refused", "pending"
    reason: str
    subject: str = ""


class AppealStatus(msgspec.Struct, frozen=True):
    id: str
    group: str
    meeting: str
    item: int
    reason: str
    status: str


class BallotStatus(msgspec.Struct, frozen=True):
    group: str
    entry: str
    choices: list[str]
    status: str  # "counted", "not counted", "replaced", "late", "pending"
    reason: str


class AgendaItem(msgspec.Struct, frozen=True):
    position: int
    kind: str  # "motion", "composite" or "emergency motion"
    id: str
    title: str
    subject: str
    groups: list[str]
    motions: list[str]
    amendments: list[str]
    priority: int | None


class RuleChangeItem(msgspec.Struct, frozen=True):
    """K10, K11: a rule change on the agenda, decided by a card vote at the threshold."""

    position: int
    id: str
    title: str
    groups: list[str]
    threshold: list[int]
    method: str
    amendments: list[str]
    changes: list[Change]


class Omitted(msgspec.Struct, frozen=True):
    # "motion", "emergency motion", "amendment", "composite", "rule change" or
    # "rule change amendment"
    kind: str
    id: str
    title: str
    groups: list[str]
    status: str
    reason: str


class Agenda(msgspec.Struct, frozen=True):
    status: str  # "final" once the network has passed the final agenda time, else "preliminary"
    order: str
    items: list[AgendaItem]
    rule_changes: list[RuleChangeItem]
    not_on_agenda: list[Omitted]


class Review(msgspec.Struct, frozen=True):
    """One conference as every node computes it."""

    id: str
    title: str
    basis: str
    caller: str
    ts: int
    status: CallStatus
    timetable: Timetable
    passed: dict[str, bool]
    requisition: Requisitioned | None
    entitlements: list[Entitlement]
    credentials: list[CredentialStatus]
    motions: list[MotionStatus]
    amendments: list[AmendmentStatus]
    rulings: list[Ruling]
    composites: list[CompositeStatus]
    appeals: list[AppealStatus]
    ballots: list[BallotStatus]
    rule_changes: list[RuleChangeStatus]
    rule_change_amendments: list[RuleChangeAmendmentStatus]
    agenda: Agenda


# -- K1–K4: the call ----------------------------------------------------------------


def timetable(constitution: Constitution, call: Call) -> Timetable:
    rules, amendments = constitution.conference, constitution.amendments
    opens = call.body.opens
    return Timetable(
        called=call.ts,
        rule_changes=opens - amendments.notice_days * DAY_MS,
        rule_change_amendments=opens - (amendments.notice_days - amendments.window_days)
        * DAY_MS,
        motions=opens - rules.motions_deadline_days * DAY_MS,
        amendments=opens - rules.amendments_deadline_days * DAY_MS,
        credentials=opens - rules.credentials_deadline_days * DAY_MS,
        final_agenda=opens - rules.final_agenda_days * DAY_MS,
        emergency=opens - rules.emergency_deadline_days * DAY_MS,
        opens=opens, closes=call.body.closes)


def requisitioned(state: NetworkState, opener: Requisition) -> Requisitioned:
    """K3: the groups counted are those witnessing when the requisition was opened, and
    every group that signed it; members are counted from commitments published by then."""
    rules = state.constitution_at(opener.ts).conference
    witnessing = state.rules(Witnesses).deadline_witnesses(state, opener.ts)
    supporters = sorted(opener.supporters)
    counted = sorted(set(witnessing) | set(supporters))
    needed = ceil(rules.requisition_groups_percent * len(counted) / 100)
    commitments = state.rules(Commitments)
    members = {g: (found[1].active_members if (found := commitments.as_of(g, opener.ts))
                   else 0) for g in counted}
    total = sum(members.values())
    supporting = sum(members[g] for g in supporters)
    percent = supporting * 100 // total if total else 0
    by_groups = len(supporters) >= needed
    by_members = total > 0 and supporting * 100 >= rules.requisition_members_percent * total
    summary = (f"K3: signed by {len(supporters)} of {len(counted)} groups "
               f"({needed} needed, {rules.requisition_groups_percent}%), holding "
               f"{supporting} of {total} committed members "
               f"({rules.requisition_members_percent}% needed)")
    return Requisitioned(
        opener.id, opener.author, opener.body.title, opener.body.reason, opener.body.opens,
        opener.ts, supporters, len(counted), needed, supporting, total, percent,
        by_groups or by_members, summary)


def _ground(call: Call) -> tuple:
    body = call.body
    if body.basis == "annual":
        return ("annual", body.decision.meeting.entry, body.decision.item)  # type: ignore[union-attr]
    if body.basis == "requisition":
        return ("requisition", body.requisition.entry)  # type: ignore[union-attr]
    return ("first",)


def _own_status(state: NetworkState, call: Call) -> CallStatus:
    """Whether the call stands on its own ground, before comparing it with other calls."""
    rules = state.constitution_at(call.ts).conference
    notice_by = call.body.opens - rules.notice_days * DAY_MS
    in_time = state.arrived_before_deadline(call.author, call.seq, call.ts, notice_by)
    if in_time is False:
        return CallStatus("void", f"K4: the call reached the network less than "
                          f"{rules.notice_days} days before the opening (witnessed time)")
    if call.body.basis == "annual":
        ref = call.body.decision
        decision = state.rules(Bodies).decision(state, ref.meeting.entry, ref.item)  # type: ignore[union-attr]
        if decision is None or decision.status in ("fell", "void"):
            why = decision.reason if decision else "no such decision"
            return CallStatus("void", f"K2: the decision that called it did not carry: {why}")
        if decision.status == "pending":
            return CallStatus("pending", f"K2: the decision that called it is pending: "
                              f"{decision.reason}")
    if call.body.basis == "requisition":
        opener = state.rules(Conferences).requisitions[call.body.requisition.entry]  # type: ignore[union-attr]
        progress = requisitioned(state, opener)
        if not progress.met:
            return CallStatus("pending", f"{progress.summary}: not yet met")
    if in_time is None:
        return CallStatus("pending", "K4: the network has not yet witnessed that the call "
                          f"came {rules.notice_days} days before the opening")
    return CallStatus("stands", {
        "first": "K1: the first conference, called within the constitution's first days",
        "annual": "K2: called by the carried decision it names",
        "requisition": "K3: requisitioned by the groups",
    }[call.body.basis])


def call_status(state: NetworkState, call: Call) -> CallStatus:
    """K1–K4: does the call stand? Of several on one ground, the first witnessed stands."""
    own = _own_status(state, call)
    if own.status != "stands":
        return own
    ground = _ground(call)
    rivals = [c for c in state.rules(Conferences).calls.values()
              if c.id != call.id and _ground(c) == ground]
    standing = [c for c in rivals if _own_status(state, c).status == "stands"]
    if not standing:
        return own

    def witnessed(c: Call) -> tuple[int, str]:
        t = state.settled_time(c.author, c.seq, c.ts)
        return (NEVER if t is None else t, c.id)

    first = min([call, *standing], key=witnessed)
    if first.id != call.id:
        return CallStatus("superseded", f"K4: conference {first.id} was called first on the "
                          "same ground (witnessed time)")
    if witnessed(call)[0] == NEVER:
        return CallStatus("pending", "K4: another call on the same ground stands too; the "
                          "first the network witnesses stands")
    return own


# -- K5: entitlement and credentials ------------------------------------------------


def entitlements(state: NetworkState, call: Call) -> list[Entitlement]:
    """Every member's delegates, from its commitment published and frozen by the call."""
    rules = state.constitution_at(call.ts).conference
    commitments = state.rules(Commitments)
    out = []
    for group in sorted(state.members):
        found = commitments.as_of(group, call.ts)
        if found is None:
            out.append(Entitlement(group, None, None, 0))
            continue
        members = found[1].active_members
        out.append(Entitlement(group, members, found[0], min(
            rules.max_delegates, ceil(members / rules.members_per_delegate))))
    return out


def credentials(state: NetworkState, call: Call, entitled: dict[str, Entitlement],
                deadline: int) -> list[CredentialStatus]:
    """K5: for each group, the latest credential that reached the network by the deadline
    stands; later ones are late; it is refused if it names more delegates than entitled."""
    out = []
    history = state.rules(Credentials).history
    for (group, conference), published in sorted(history.items()):
        if conference != call.id:
            continue
        allowed = entitled[group].delegates if group in entitled else 0
        standing = None
        for seq, ts, ident, body in published:
            arrived = state.arrived_before_deadline(group, seq, ts, deadline)
            count = len(body.delegates)
            if arrived is False:
                out.append(CredentialStatus(
                    group, ident, count, allowed, "late", "K5: it reached the network after "
                    "the credentials deadline (witnessed time)"))
            elif arrived is None:
                out.append(CredentialStatus(
                    group, ident, count, allowed, "pending", "K5: the network has not yet "
                    "witnessed whether it came by the credentials deadline"))
            else:
                standing = (ident, count)
        if standing is not None:
            ident, count = standing
            if count > allowed:
                members = entitled[group].members if group in entitled else None
                basis = (f"{members} members at the call" if members is not None
                         else "no register commitment published by the call")
                out.append(CredentialStatus(
                    group, ident, count, allowed, "over entitlement",
                    f"K5: it names {count} delegates; the group is entitled to {allowed} "
                    f"({basis})"))
            else:
                out.append(CredentialStatus(
                    group, ident, count, allowed, "accepted",
                    f"K5: on time, {count} of {allowed} delegates"))
    return out


# -- K6–K10: the business ---------------------------------------------------------------


def _arrival(state: NetworkState, author: str, seq: int, ts: int, deadline: int,
             rule: str, what: str) -> tuple[str, str] | None:
    arrived = state.arrived_before_deadline(author, seq, ts, deadline)
    if arrived is False:
        return ("late", f"{rule}: it reached the network after the {what} (witnessed time)")
    if arrived is None:
        return ("pending", f"{rule}: the network has not yet witnessed whether it came by "
                f"the {what}")
    return None


def _latest_on_time(state: NetworkState, entries: list, deadline: int) -> tuple[object, bool]:
    """The latest of a group's entries that reached the network by `deadline`, and whether
    a later one is still undecided."""
    standing, pending = None, False
    for entry in entries:
        arrived = state.arrived_before_deadline(entry.author, entry.seq, entry.ts, deadline)
        if arrived:
            standing = entry
        elif arrived is None:
            pending = True
    return standing, pending


def review(state: NetworkState, conference: str) -> Review | None:
    """Everything K1–K12 derive about one conference; None if no such call is held."""
    rules_module = state.rules(Conferences)
    call = rules_module.calls.get(conference)
    if call is None:
        return None
    constitution = state.constitution_at(call.ts)  # C5.7: the call's, throughout
    rules = constitution.conference
    times = timetable(constitution, call)
    passed = {name: state.deadline_passed(at)
              for name, at in msgspec.structs.asdict(times).items() if name != "called"}
    status = call_status(state, call)
    requisition = None
    if call.body.basis == "requisition":
        requisition = requisitioned(
            state, rules_module.requisitions[call.body.requisition.entry])  # type: ignore[union-attr]
    entitled = entitlements(state, call)
    by_group = {e.group: e for e in entitled}
    creds = credentials(state, call, by_group, times.credentials)
    standing_credentials = {c.group for c in creds if c.status == "accepted"}

    # K8: the arrangements committee's decisions for this conference, by the final agenda
    decisions = [d for d in state.rules(Bodies).decisions(state, body=rules.arranged_by)
                 if d.item.conference == call.id and d.closes <= times.final_agenda]
    carried = [d for d in decisions if d.status == "carried"]
    ruled_out: dict[str, Decision] = {}
    for d in carried:
        if d.item.action == "rule-out":
            for ref in d.item.refs:
                ruled_out.setdefault(ref, d)

    # K6: each motion's own status: arrival, then rulings
    motions = sorted((m for m in rules_module.motions.values() if m.conference == call.id),
                     key=lambda m: m.id)
    status_of: dict[str, tuple[str, str]] = {}
    for m in motions:
        emergency = bool(m.body.emergency)
        deadline = times.emergency if emergency else times.motions
        what = "emergency motions deadline" if emergency else "motions deadline"
        late = _arrival(state, m.author, m.seq, m.ts, deadline, "K6", what)
        if late is not None:
            status_of[m.id] = late
        elif m.id in ruled_out:
            status_of[m.id] = ("ruled out", _ruling_reason(ruled_out[m.id]))
        else:
            status_of[m.id] = ("admissible", "K6: on time and in order")
    by_id = {m.id: m for m in motions}

    # K8: composites, in the order they were decided; a motion joins the first only
    composites: list[CompositeStatus] = []
    composited: dict[str, str] = {}
    consents = rules_module.consents
    for d in sorted((d for d in carried if d.item.action == "composite"),
                    key=lambda d: (d.closes, d.meeting, d.index)):
        ident = f"{d.meeting}:{d.index}"
        members = [r for r in d.item.refs if r in by_id
                   and status_of[r][0] == "admissible" and r not in composited]
        groups = sorted({by_id[r].author for r in members})
        given: dict[str, bool | None] = {}
        undecided = False
        for group in groups:
            found, pending = _latest_on_time(
                state, consents.get((d.meeting, d.index), {}).get(group, []),
                times.final_agenda)
            given[group] = found.consent if found is not None else None  # type: ignore[attr-defined]
            undecided = undecided or pending
        subject = by_id[min(members)].body.subject if members else ""
        if not members:
            state_, why = "void", "K8: none of its motions is admissible"
        elif any(v is False for v in given.values()):
            refused = [g for g, v in given.items() if v is False]
            state_, why = "refused", (f"K8: {len(refused)} submitting group(s) refused "
                                      "consent; the motions stand")
        elif all(v is True for v in given.values()):
            state_, why = "agreed", "K8: every submitting group consented; it replaces its " \
                                    "motions"
            for r in members:
                composited[r] = ident
        elif undecided:
            state_, why = "pending", ("K8: the network has not yet witnessed whether a "
                                      "consent came by the final agenda")
        else:
            waiting = [g for g, v in given.items() if v is None]
            state_, why = "awaiting consent", (f"K8: {len(waiting)} submitting group(s) have "
                                               "not consented; until then the motions stand")
        composites.append(CompositeStatus(ident, d.meeting, d.index, d.item.text, members,
                                          groups, given, state_, why, subject))
    for r, ident in composited.items():
        status_of[r] = ("composited", f"K8: composited into {ident}")

    # K8: the order of business: the latest carried order-business decision
    orders = sorted((d for d in carried if d.item.action == "order-business"),
                    key=lambda d: (d.closes, d.meeting, d.index))
    order = orders[-1] if orders else None
    place = {ref: i for i, ref in reversed(list(enumerate(order.item.refs)))} if order else {}

    # the items that may be debated: admissible motions and agreed composites
    agreed = [c for c in composites if c.status == "agreed"]
    candidates: list[tuple[str, str, list[str], str]] = []  # (kind, id, motions, subject)
    for m in motions:
        if status_of[m.id][0] == "admissible":
            kind = "emergency motion" if m.body.emergency else "motion"
            candidates.append((kind, m.id, [m.id], m.body.subject))
    for c in agreed:
        candidates.append(("composite", c.id, c.motions, c.subject))

    def position(candidate: tuple[str, str, list[str], str]) -> tuple:
        kind, ident, members, subject = candidate
        placed = min((place[m] for m in [ident, *members] if m in place), default=None)
        if placed is not None:
            return (0, placed, "", ident)
        return (1, 0, subject, ident)

    candidates.sort(key=position)

    # K9: priorities: each group's latest ballot by the final agenda, if its credential stands
    ballots: list[BallotStatus] = []
    choosers: dict[str, set[str]] = {}
    item_of = {m: ident for _, ident, members, _ in candidates for m in [ident, *members]}
    for group, cast in sorted(rules_module.ballots.get(call.id, {}).items()):
        found, pending = _latest_on_time(state, cast, times.final_agenda)
        for ballot in cast:
            if ballot is found:
                continue
            arrived = state.arrived_before_deadline(group, ballot.seq, ballot.ts,
                                                    times.final_agenda)
            ballots.append(BallotStatus(
                group, ballot.id, ballot.choices,
                "late" if arrived is False else "pending" if arrived is None else "replaced",
                "K9: it reached the network after the final agenda time" if arrived is False
                else "K9: not yet witnessed" if arrived is None
                else "K9: a later ballot of the group replaces it"))
        if found is None:
            continue
        if group not in standing_credentials:
            ballots.append(BallotStatus(group, found.id, found.choices, "not counted",  # type: ignore[attr-defined]
                                        "K9: the group's credential does not stand"))
            continue
        ballots.append(BallotStatus(group, found.id, found.choices, "counted",  # type: ignore[attr-defined]
                                    "K9: the group's latest ballot by the final agenda"))
        for choice in found.choices:  # type: ignore[attr-defined]
            if choice in item_of:
                choosers.setdefault(item_of[choice], set()).add(group)
    votes = {ident: len(groups) for ident, groups in choosers.items()}
    debatable = [c for c in candidates if c[0] != "emergency motion"]
    not_prioritised: dict[str, str] = {}  # item id -> why
    if len(debatable) > rules.priority_slots:
        ranked = sorted(debatable, key=lambda c: (-votes.get(c[1], 0), position(c)))
        cut = ranked[rules.priority_slots - 1]
        for c in ranked[rules.priority_slots:]:
            why = (f"K9: chosen by {votes.get(c[1], 0)} group(s); the {rules.priority_slots} "
                   f"slots went to items chosen by at least {votes.get(cut[1], 0)}")
            not_prioritised[c[1]] = why
            for m in c[2]:
                if m in by_id and status_of[m][0] == "admissible":
                    status_of[m] = ("not prioritised", why)

    # K7: amendments, under their motions
    amendments: list[AmendmentStatus] = []
    amendment_status: dict[str, tuple[str, str]] = {}
    for a in sorted((a for a in rules_module.amendments.values() if a.conference == call.id),
                    key=lambda a: a.id):
        late = _arrival(state, a.author, a.seq, a.ts, times.amendments, "K7",
                        "amendments deadline")
        motion_state = status_of.get(a.motion, ("pending", ""))
        if late is not None:
            verdict = late
        elif a.id in ruled_out:
            verdict = ("ruled out", _ruling_reason(ruled_out[a.id]))
        elif motion_state[0] != "admissible":
            verdict = ("falls", f"K7: its motion is not debated ({motion_state[0]}: "
                       f"{motion_state[1]})")
        else:
            verdict = ("admissible", "K7: on time, to a motion on the agenda")
        amendment_status[a.id] = verdict
        amendments.append(AmendmentStatus(a.id, a.author, a.motion, a.ts, a.body.text,
                                          a.body.reason, a.body.decision, *verdict))

    # K10: the agenda
    items: list[AgendaItem] = []
    for kind, ident, members, subject in candidates:
        if ident in not_prioritised:
            continue
        groups = sorted({by_id[m].author for m in members})
        title = by_id[ident].body.title if ident in by_id else \
            f"Composite of {len(members)} motions on {subject}"
        under = sorted(a.id for a in amendments
                       if a.motion in members and amendment_status[a.id][0] == "admissible")
        items.append(AgendaItem(len(items) + 1, kind, ident, title, subject, groups, members,
                                under, votes.get(ident, 0) if kind != "emergency motion"
                                else None))
    omitted: list[Omitted] = []
    for m in motions:
        state_, why = status_of[m.id]
        if state_ != "admissible":
            kind = "emergency motion" if m.body.emergency else "motion"
            omitted.append(Omitted(kind, m.id, m.body.title, [m.author], state_, why))
    for a in amendments:
        if a.status != "admissible":
            omitted.append(Omitted("amendment", a.id, by_id[a.motion].body.title
                                   if a.motion in by_id else a.motion, [a.group], a.status,
                                   a.reason))
    for c in composites:
        title = f"Composite of {len(c.motions)} motions on {c.subject}"
        if c.status != "agreed":
            omitted.append(Omitted("composite", c.id, title, c.groups, c.status, c.reason))
        elif c.id in not_prioritised:
            omitted.append(Omitted("composite", c.id, title, c.groups, "not prioritised",
                                   not_prioritised[c.id]))
    final = passed["final_agenda"]
    order_text = (f"K8: the order of business decided at meeting {order.meeting}, item "
                  f"{order.index}" if order is not None
                  else "K10: by subject, then by id (no order of business was decided)")
    proposals, proposal_amendments, on_agenda, left_out = _rule_changes(state, call, times,
                                                                        ruled_out)
    omitted.extend(left_out)
    agenda = Agenda("final" if final else "preliminary", order_text, items, on_agenda,
                    omitted)

    motion_list = [MotionStatus(
        m.id, m.author, m.seq, m.ts, m.body.title, m.body.subject, m.body.text,
        m.body.emergency, m.body.decision, *status_of[m.id], composite=composited.get(m.id),
        priority=votes.get(item_of.get(m.id, m.id), 0)) for m in motions]
    appeals = [AppealStatus(a.id, a.author, a.meeting, a.item, a.reason,
                            "for the conference to decide")
               for a in sorted(rules_module.appeals.values(), key=lambda a: a.id)
               if any(d.meeting == a.meeting and d.index == a.item for d in decisions)]
    rulings = [Ruling(d.meeting, d.index, d.item.action, d.status, d.reason,
                      d.item.provision, d.item.text, list(d.item.refs),
                      [a.id for a in appeals if (a.meeting, a.item) == (d.meeting, d.index)])
               for d in decisions]
    return Review(
        call.id, call.body.title, call.body.basis, call.author, call.ts, status, times, passed,
        requisition, entitled, creds, motion_list, amendments, rulings, composites, appeals,
        ballots, proposals, proposal_amendments, agenda)


def _rule_changes(state: NetworkState, call: Call, times: Timetable,
                  ruled_out: dict[str, Decision]
                  ) -> tuple[list[RuleChangeStatus], list[RuleChangeAmendmentStatus],
                             list[RuleChangeItem], list[Omitted]]:
    """K11, K12: each rule change by its notice, each amendment by the window, rulings
    as for motions; the admissible ones on the agenda, with threshold and card vote,
    and the others not on it."""
    rules_module = state.rules(Conferences)
    in_force = state.constitution_at(call.ts)
    proposals: list[RuleChangeStatus] = []
    for r in sorted((r for r in rules_module.rule_changes.values()
                     if r.conference == call.id), key=lambda r: r.id):
        late = _arrival(state, r.author, r.seq, r.ts, times.rule_changes, "K11",
                        "rule changes' notice (C5)")
        if late is not None:
            verdict = late
        elif r.id in ruled_out:
            verdict = ("ruled out", _ruling_reason(ruled_out[r.id]))
        else:
            verdict = ("admissible", "K11: with notice, keeping the entrenched provisions")
        proposals.append(RuleChangeStatus(
            r.id, r.author, r.seq, r.ts, r.body.title, r.body.reason, r.body.decision,
            *verdict, changes(in_force, r.body.constitution)))
    status_of = {p.id: p for p in proposals}
    amendments: list[RuleChangeAmendmentStatus] = []
    for a in sorted((a for a in rules_module.rule_change_amendments.values()
                     if a.conference == call.id), key=lambda a: a.id):
        late = _arrival(state, a.author, a.seq, a.ts, times.rule_change_amendments, "K12",
                        "amendment window (C5)")
        proposal = status_of[a.rule_change]
        if late is not None:
            verdict = late
        elif a.id in ruled_out:
            verdict = ("ruled out", _ruling_reason(ruled_out[a.id]))
        elif proposal.status != "admissible":
            verdict = ("falls", f"K12: its rule change is not debated ({proposal.status}: "
                       f"{proposal.reason})")
        else:
            verdict = ("admissible", "K12: within the amendment window, to a rule change on "
                       "the agenda")
        amendments.append(RuleChangeAmendmentStatus(
            a.id, a.author, a.rule_change, a.ts, a.body.reason, a.body.decision, *verdict,
            changes(rules_module.rule_changes[a.rule_change].body.constitution,
                    a.body.constitution)))
    numerator, denominator = in_force.amendments.threshold
    items = [RuleChangeItem(
        i + 1, p.id, p.title, [p.group], [numerator, denominator], "card vote",
        [a.id for a in amendments if a.rule_change == p.id and a.status == "admissible"],
        p.changes) for i, p in enumerate(p for p in proposals if p.status == "admissible")]
    omitted: list[Omitted] = []
    for p in proposals:
        if p.status != "admissible":
            omitted.append(Omitted("rule change", p.id, p.title, [p.group], p.status,
                                   p.reason))
    for a in amendments:
        if a.status != "admissible":
            omitted.append(Omitted("rule change amendment", a.id,
                                   status_of[a.rule_change].title, [a.group], a.status,
                                   a.reason))
    return proposals, amendments, items, omitted


def _ruling_reason(decision: Decision) -> str:
    provision = decision.item.provision
    return (f"K8: ruled out under {provision} ({ADMISSIBILITY.get(provision, '')}) by the "
            f"arrangements committee's meeting {decision.meeting}, item {decision.index}")


def conferences(state: NetworkState) -> list[tuple[Call, CallStatus]]:
    """Every conference called, with whether its call stands, earliest opening first."""
    calls = state.rules(Conferences).calls.values()
    return [(c, call_status(state, c))
            for c in sorted(calls, key=lambda c: (c.body.opens, c.id))]
