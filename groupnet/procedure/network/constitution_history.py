"""When a carried rule change takes effect (SPEC 5.3, C5.5–C5.8): the constitution's history.

A rule change (K11) is the whole constitution as it would read. The conference decides
it on its floor (C5.4, SPEC 5.9); this module derives, from the state alone, which
constitution is in force for an entry dated `ts`, so that every node holding the same
entries judges every entry against the same constitution, whatever order they came in:

- C5.5 (effect). Of a conference's rule changes, the one carried by the vote that closed
  last (ties: the greater vote id) takes effect, as the amendment carried last has it
  (F10), at the **effect instant** fixed in advance: the conference's `closes` +
  `FLOOR_EFFECT_MS`, if more than half of the participants' cosigns of the vote's final
  cut arrived by that instant (SPEC 5.5, "Deadlines"). Entries dated at or after it are
  judged under the new constitution. A vote whose cut was not cosigned in time gives no
  effect, so once the network has passed the instant the answer is settled.
- C5.6 (ratification). When the conference's constitution has `ballot_ratification`,
  a carried change waits for a member ballot deciding `amend-constitution` whose calling
  decision's `refs` names the rule change and which opens at or after the conference's
  `closes`; of those that are not void (BL1), the one with the smallest `(closes, id)`
  decides. Its first question asks the members: the first choice counts for, the second
  against; carried at the constitution's threshold `[n, d]`: for > 0 and d·for ≥
  n·(for + against), counted (BL8) from a final cut whose cosigns from more than half of
  the participants arrived by the ballot's instant, `closes` + `BALLOT_EFFECT_MS`. The
  change is in force from that instant; a ballot that fails or does not carry it ends it:
  never in force.
- C5.7 (one procedure, one constitution). A procedure runs under the constitution in
  force when it began: a conference and all its entries under the one in force at its
  call's `ts`, a body's meeting and its votes at the meeting's, a ballot at its call's.
  A conference called, or a meeting convened, under the old rules keeps its timetable and
  notice; one begun at or after the instant follows the new.
- C5.8 (pending). While a change with an instant ≤ `ts` is undecided, the constitution
  for `ts` is undecided: an entry that would begin a procedure then waits
  (`missing_dependency`) instead of getting a verdict that could later flip.

Everything here is derived when asked, the same on every node holding the same entries.
No I/O, no clock.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import Constitution
from .ballots import Ballots
from .ballots import Call as BallotCall
from .bodies import Bodies
from .conferences import Call, Conferences
from .constitution import DAY_MS, Constitutions, default
from .floor import Floor
from .floor_review import floor, rule_change_text
from .witness import Witnesses

if TYPE_CHECKING:
    from .state import NetworkState

# C5.5: a carried change is in force a day after its conference closes: every vote
# closes by the conference's close, and a day is room for its cut and cosigns
FLOOR_EFFECT_MS = DAY_MS
# C5.6: a ratified change a week after the ballot closes: room for its cut and count
BALLOT_EFFECT_MS = 7 * DAY_MS
RATIFYING = "amend-constitution"


class Version(msgspec.Struct, frozen=True):
    """A constitution in force, from when, and the entries that made it so."""

    constitution: Constitution
    since: int | None  # the instant it is in force from; None: since the founding
    source: str  # "default", "founding", "conference" or "ballot"
    entry: str | None  # the founder's `network.constitution`, or the rule change
    conference: str | None = None
    vote: str | None = None  # the `floor.open` that carried it
    cut: str | None = None  # that vote's final cut
    amendment: str | None = None  # the amendment to the rule change it carries, if any
    ballot: str | None = None  # the ballot that ratified it
    ballot_cut: str | None = None


class Outcome(msgspec.Struct, frozen=True):
    """What a conference's rule changes did: in force, pending or never (C5.5, C5.6)."""

    conference: str
    rule_change: str | None
    status: str  # "in force", "pending", "awaiting ballot" or "not in force"
    since: int | None  # the instant it does or would take effect
    reason: str
    version: Version | None = None


class History(msgspec.Struct):
    """Every version in force so far, by instant, and every conference's outcome."""

    versions: list[Version]
    outcomes: list[Outcome]

    def at(self, ts: int) -> Constitution | None:
        """The constitution for an entry dated `ts`; None while that is undecided (C5.8)."""
        if any(o.status == "pending" and o.since is not None and o.since <= ts
               for o in self.outcomes):
            return None
        return self.decided_at(ts)

    def decided_at(self, ts: int) -> Constitution:
        """The latest version in force by `ts`, leaving undecided changes aside."""
        return self.version_at(ts).constitution

    def version_at(self, ts: int) -> Version:
        found = self.versions[0]
        for version in self.versions[1:]:
            if version.since is not None and version.since <= ts \
                    and (found.since is None or (version.since, version.entry or "")
                         >= (found.since, found.entry or "")):
                found = version
        return found

    def latest(self) -> Version:
        """The version that took effect last: the one in force from then on."""
        return self.version_at(2**63)


def founding(state: NetworkState) -> Version:
    """C1: the founder's constitution, else the default with the charter's orders."""
    rules = state.rules(Constitutions)
    if rules.written is not None:
        return Version(rules.written, None, "founding", rules.entry)
    return Version(default(state.orders), None, "default", None)


def history(state: NetworkState) -> History:
    """The constitution's history as the state stands (cached until the next entry)."""
    cached = state.constitution_cache
    if cached is not None and cached[0] == state.counted:
        return cached[1]
    if state.constitution_building is not None:
        return state.constitution_building  # C5.7: a procedure asks only about earlier times
    built = History([founding(state)], [])
    if not _proposed(state):
        state.constitution_cache = (state.counted, built)
        return built
    state.constitution_building = built
    try:
        _derive(state, built)
    finally:
        state.constitution_building = None
    state.constitution_cache = (state.counted, built)
    return built


def effect_instant(call: Call) -> int:
    """C5.5: when a rule change carried at this conference would take effect."""
    return call.body.closes + FLOOR_EFFECT_MS


def effect_moments(state: NetworkState) -> list[int]:
    """The instants a rule change's effect waits on (C5.5, C5.6): witnesses sign past them."""
    conferences = state.rules(Conferences)
    moments = [effect_instant(conferences.calls[r.conference])
               for r in conferences.rule_changes.values() if r.conference in conferences.calls]
    moments += [b.body.closes + BALLOT_EFFECT_MS for b in state.rules(Ballots).calls.values()
                if b.body.decision == RATIFYING]
    return sorted(set(moments))


def _proposed(state: NetworkState) -> bool:
    return bool(state.rules(Conferences).rule_changes)


def _derive(state: NetworkState, built: History) -> None:
    """Decide each conference with rule changes in the order of its instant (C5.5), and a
    ratifying ballot at its own, later instant (C5.6): whatever a decision asks about an
    earlier time is decided by then (C5.7)."""
    conferences = state.rules(Conferences)
    with_changes = {r.conference for r in conferences.rule_changes.values()}
    queue: list[tuple[int, str, str]] = [
        (effect_instant(conferences.calls[c]), c, "") for c in with_changes
        if c in conferences.calls]
    heapq.heapify(queue)
    carried_at: dict[str, tuple[Version, Constitution]] = {}
    while queue:
        instant, conference, ballot = heapq.heappop(queue)
        call = conferences.calls[conference]
        if ballot:
            carried, under = carried_at[conference]
            if state.rules(Ballots).result(state, ballot).status != "void":
                _ratification(built, state, call, carried, under, instant, ballot)
                continue
            ratifying = _ratifying(state, call, carried, after=ballot)
            if isinstance(ratifying, Outcome):
                _record(built, ratifying)
                continue
            _wait(built, queue, call, carried, ratifying)
            continue
        under = built.at(call.ts)
        if under is None:
            _record(built, Outcome(conference, None, "pending", instant,
                                   "C5.8: the constitution the conference was called under "
                                   "is not decided yet"))
            continue
        carried = _carried(state, call, instant)
        if isinstance(carried, Outcome):
            _record(built, carried)
        elif not under.amendments.ballot_ratification:
            _record(built, Outcome(
                conference, carried.entry, "in force", instant,
                f"C5.5: carried on the floor; in force for entries dated from {instant}",
                carried))
        else:
            ratifying = _ratifying(state, call, carried)
            if isinstance(ratifying, Outcome):
                _record(built, ratifying)
                continue
            carried_at[conference] = (carried, under)
            _wait(built, queue, call, carried, ratifying)


def _wait(built: History, queue: list[tuple[int, str, str]], call: Call, carried: Version,
          ballot: BallotCall) -> None:
    """C5.6: the ballot is decided at its instant; until then entries from it wait."""
    later = ballot.body.closes + BALLOT_EFFECT_MS
    heapq.heappush(queue, (later, call.id, ballot.id))
    _record(built, Outcome(call.id, carried.entry, "pending", later,
                           f"C5.6: ratification waits for ballot {ballot.id}", carried))


def _record(built: History, outcome: Outcome) -> None:
    built.outcomes = [o for o in built.outcomes if o.conference != outcome.conference]
    built.outcomes.append(outcome)
    if outcome.status == "in force" and outcome.version is not None:
        built.versions.append(outcome.version)


def _carried(state: NetworkState, call: Call, instant: int) -> Version | Outcome:
    """C5.5: the rule change the conference carried in time, or what became of them.

    Decided once the network has passed the instant: until then another vote could still
    be carried and cosigned in time, so the answer waits."""
    if not state.deadline_passed(instant):
        return Outcome(call.id, None, "pending", instant, "C5.5: the conference's rule "
                       "changes are decided once the network has passed the instant")
    derived = floor(state, call.id)
    if derived is None:
        return Outcome(call.id, None, "pending", instant, "C5.5: the conference is not held")
    unheld = _unheld(state, derived.participants, instant)
    if unheld is not None:
        return Outcome(call.id, None, "pending", instant, unheld)
    floor_ = state.rules(Floor)
    best: tuple[int, str] | None = None
    for question in derived.questions:
        if question.question != "rule-change" or question.status in ("void", "lost"):
            continue
        cuts = [question.cut] if question.status == "carried" else [c.entry for c in question.cuts]
        timely = [_cosigned_in_time(state, floor_, question.id, cut, derived.participants,
                                    instant) for cut in cuts]
        if question.status == "pending" and any(t is not False for t in timely):
            return Outcome(call.id, None, "pending", instant,
                           f"C5.5: vote {question.id} was cosigned in time, and its result "
                           f"is not final yet: {question.reason}")
        if question.status == "pending" or False in timely:
            continue
        if None in timely:
            return Outcome(call.id, None, "pending", instant,
                           f"C5.5: the network has not yet witnessed whether the cosigns of "
                           f"vote {question.id} arrived by the instant")
        if best is None or (question.closes, question.id) > best:
            best = (question.closes, question.id)
    if best is None:
        return Outcome(call.id, None, "not in force", instant,
                       "C5.5: no rule change of the conference was carried by a vote whose "
                       "final cut most participants cosigned by the instant")
    question = next(q for q in derived.questions if q.id == best[1])
    proposal = state.rules(Conferences).rule_changes[question.item]
    amendment = rule_change_text(state, question.id)
    text = proposal.body.constitution if amendment is None else \
        state.rules(Conferences).rule_change_amendments[amendment].body.constitution
    return Version(text, instant, "conference", proposal.id, call.id, question.id,
                   question.cut, amendment)


def _unheld(state: NetworkState, groups: list[str], instant: int) -> str | None:
    """Why this node cannot yet answer for `instant`: it does not hold every entry of these
    groups that more than half of the instant's witnesses acknowledged by then (SPEC 5.5);
    None once it does, so what arrived in time is all held, whatever the arrival order."""
    witnesses = state.rules(Witnesses)
    for group in groups:
        named = witnesses.deadline_witnesses(state, instant, group)
        if not named:
            continue
        acknowledged = sorted((witnesses.acknowledged(w, instant).get(group, 0) for w in named),
                              reverse=True)
        needed = acknowledged[len(named) // 2]
        frozen_at = state.frozen.get(group)
        if frozen_at is not None:
            needed = min(needed, frozen_at - 1)
        held = state.head_of(group).seq
        if held < needed:
            return (f"C5.8: most witnesses acknowledged seq {needed} of a participant's log "
                    f"by the instant; this node holds {held} so far")
    return None


def _cosigned_in_time(state: NetworkState, floor_: Floor, open_id: str, cut: str | None,
                      participants: list[str], instant: int) -> bool | None:
    """More than half of the participants' cosigns of `cut` arrived by `instant` (asked
    once the network has passed it, so cosigns yet to come arrive after). A group's cosign
    arrived with its `floor.cosign` or with the first certificate holding it (F11)."""
    cosigned = floor_.cosigned(open_id)
    carriers: dict[str, list[tuple[str, int, int]]] = {}
    for group, cosign in floor_.cosigns.get(open_id, {}).items():
        carriers.setdefault(group, []).append((cosign.author, cosign.seq, cosign.ts))
    for certificate in floor_.certificates.get(open_id, ()):
        for group in certificate.groups:
            carriers.setdefault(group, []).append(
                (certificate.author, certificate.seq, certificate.ts))
    yes = maybe = 0
    for group in participants:
        if cut is None or cosigned.get(group) != cut:
            continue
        arrived = [state.arrived_before_deadline(author, seq, ts, instant)
                   for author, seq, ts in carriers.get(group, ())]
        yes += any(arrived)
        maybe += not any(arrived) and None in arrived
    if 2 * yes > len(participants):
        return True
    if 2 * (yes + maybe) <= len(participants):
        return False
    return None


def _ratifying(state: NetworkState, call: Call, carried: Version,
               after: str | None = None) -> BallotCall | Outcome:
    """C5.6: the ballot that decides the ratification of the carried change: the first by
    `(closes, id)`, or the next after `after`, which was void (BL1)."""
    ballots = state.rules(Ballots)
    bodies = state.rules(Bodies)
    candidates = []
    for ballot in ballots.calls.values():
        if ballot.body.decision != RATIFYING or ballot.body.opens < call.body.closes:
            continue
        meeting = bodies.meetings.get(ballot.body.authority.meeting.entry)
        if meeting is None or ballot.body.authority.item >= len(meeting.body.items):
            continue
        if carried.entry in meeting.body.items[ballot.body.authority.item].refs:
            candidates.append(ballot)
    ordered = sorted(candidates, key=lambda b: (b.body.closes, b.id))
    if after is not None:
        skipped = ballots.calls[after]
        ordered = [b for b in ordered
                   if (b.body.closes, b.id) > (skipped.body.closes, skipped.id)]
    if ordered:
        return ordered[0]
    return Outcome(call.id, carried.entry, "awaiting ballot", None,
                   "C5.6: carried on the floor; it takes effect only once a member ballot "
                   "ratifies it, and none is called", carried)


def _ratification(built: History, state: NetworkState, call: Call, carried: Version,
                  under: Constitution, instant: int, ballot: str) -> None:
    """C5.6: the ballot's verdict on the carried change, recorded as the conference's."""
    ballots = state.rules(Ballots)
    result = ballots.result(state, ballot)

    def outcome(status: str, reason: str, version: Version | None = None) -> None:
        _record(built, Outcome(call.id, carried.entry, status, instant, reason,
                               version or carried))

    if result.status == "failed":
        return outcome("not in force", f"C5.6: the ratifying ballot {ballot} failed: "
                       f"{result.reason}")
    if result.status != "counted" or not result.counts or result.final_cut is None:
        return outcome("pending", f"C5.6: ratification waits for ballot {ballot}: "
                       f"{result.status}")
    cut = result.final_cut
    participants = result.participants
    unheld = _unheld(state, participants, instant)
    if unheld is not None:
        return outcome("pending", unheld)
    cosigns = ballots.cosigns.get(cut, {})
    yes = maybe = 0
    for group in participants:
        held = cosigns.get(group)
        if held is None:
            continue
        arrived = state.arrived_before_deadline(group, held.seq, held.ts, instant)
        yes += bool(arrived)
        maybe += arrived is None
    if 2 * yes <= len(participants):
        if 2 * (yes + maybe) > len(participants) or not state.deadline_passed(instant):
            return outcome("pending", f"C5.6: the network has not yet witnessed whether "
                           f"ballot {ballot}'s final cut was cosigned by the instant")
        return outcome("not in force", f"C5.6: ballot {ballot}'s final cut was not "
                       "cosigned by most participants by the instant")
    counts = result.counts[0]
    yes_votes, no_votes = counts[0], counts[1] if len(counts) > 1 else 0
    n, d = under.amendments.threshold
    if not (yes_votes > 0 and d * yes_votes >= n * (yes_votes + no_votes)):
        return outcome("not in force", f"C5.6: the members did not ratify it: {yes_votes} "
                       f"for, {no_votes} against, {n}/{d} needed")
    version = msgspec.structs.replace(carried, since=instant, source="ballot",
                                      ballot=ballot, ballot_cut=cut)
    return outcome("in force", f"C5.6: ratified by ballot {ballot}, {yes_votes} for, "
                   f"{no_votes} against; in force for entries dated from {instant}", version)
