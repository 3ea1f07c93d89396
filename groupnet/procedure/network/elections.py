"""Elections of the network's bodies by the conference, on its floor (SPEC 5.9.1).

Kinds: `conference.nomination`, `floor.election`, `floor.ranking`, `floor.elected`;
the cut that closes an election is the floor's `floor.cut` (F7). A body the
constitution marks `elected` has its seats filled by the conference, by single
transferable vote (protocol/STV.md). The rules, as SPEC 5.9.1 numbers them:

- N1 (nominations). A group nominates one of its own people (`holder`, vouched for
  by its node as for a seat) for a body the constitution has (`unknown_body`) and
  the conference elects (`not_elected`), at a conference called
  (`unknown_conference`), by the nominations deadline, `nominations_deadline_days`
  before the opening (`late_nomination`, by the group's own `ts`). By witnessed
  time a nomination that did not reach the network by the deadline is late: it is
  no candidate (derived).
- N2. A group names a person once per body per conference (`duplicate_nomination`).
- E1 (the election). The chair puts it (F1), with its window fixed now (F2), while
  the conference sits (F3), for a body the conference elects (`unknown_body`,
  `not_elected`), for the body's seats (`bad_election`), naming each candidate once
  (`bad_election`), each a nomination for that body at that conference (resolved as
  a reference: `missing_dependency`, `unknown_candidate`).
- E2 (the candidates, derived). The candidates are exactly the nominations for the
  body at the conference that reached the network by the deadline; else the
  election is void; pending while an arrival is undecided. Of a body's elections at
  a conference, the first put (by opening, then id) that is not void stands; the
  others are void.
- E3 (the ranking). A delegate ranks candidates as F2 and F5 let a delegate vote:
  within the window (`outside_vote`), a delegate of the author's own group within
  its entitlement (`not_delegate`, `over_entitlement`), once (`duplicate_vote`);
  candidates of the election only (`not_candidate`), each once (`bad_ranking`).
  Mandates (F6) are on motions and do not bind a ranking.
- E4 (the count). The rankings in a cut (F7) are those in the named logs at or
  below the heads. The cut's result is the STV count of the participants' rankings
  (each weighing 1 for `hands`, its delegate's card weight for `card`, F8) for the
  election's seats, with the body's balance rule (at least half the seats, rounded
  up, for candidates of its category, STV 7), and the cut's id as the seed of the
  draw (STV 6).
- E5 (the cosign). A participant's `floor.elected` states who that count elects, in
  order (`wrong_result`), once per election (`duplicate_cosign`), under F7 and F8
  as a `floor.cosign`.
- E6 (finality) as F9: final once more than half of the participants cosigned one
  cut; pending until then.
- E7 (the seats). Once final, the elected hold the body's seats from the
  conference's close for the body's `term_days`; until the first such election,
  the interim seats (C7). B1–B4 (SPEC 5.7) read the seats in force when a meeting
  is called.

No I/O, no clock.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import (
    BodyRules,
    ConferenceNomination,
    Entry,
    EntryRef,
    FloorElected,
    FloorElection,
    FloorRanking,
    Seat,
)
from ...wire.rejection import Rejection
from . import stv
from .conferences import Call, Conferences
from .constitution import DAY_MS, Constitutions
from .credentials import Credentials
from .floor import (
    Cut,
    Floor,
    card_weight,
    check_window,
    delegate_seat,
    in_chairs_log,
    members_of,
    omits,
    resolve_call,
    void_reference,
)

if TYPE_CHECKING:
    from .state import NetworkState


class Nomination(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    conference: str
    body: ConferenceNomination


class Election(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    conference: str
    body: FloorElection


class Ranking(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    delegate: str
    ranking: list[str]
    weight: int  # F8: the members the delegate carries on a card vote


class Elected(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    cut: str
    elected: list[str]


class Seating(msgspec.Struct, frozen=True):
    """Who sits on a body at a time, from when, until when, and by what (E7)."""

    body: str
    seats: list[Seat]
    since: int | None  # None for the interim seats
    until: int
    election: str | None


class Elections:
    """Nominations, the elections put to the floor, the rankings and their cosigns."""

    kinds = frozenset({"conference.nomination", "floor.election", "floor.ranking",
                       "floor.elected"})

    def __init__(self) -> None:
        self.nominations: dict[str, Nomination] = {}
        self.elections: dict[str, Election] = {}
        # election -> author -> its rankings, in log order
        self.rankings: dict[str, dict[str, list[Ranking]]] = {}
        # election -> group -> its cosign (E5)
        self.cosigns: dict[str, dict[str, Elected]] = {}
        self._entries: list[tuple[str, str, str]] = []
        # cut -> its count (E4), once it no longer waits: fixed once the cut is accepted
        # (F7), as the floor keeps a vote's result
        self._counts: dict[str, stv.Count] = {}

    # -- check ------------------------------------------------------------------

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        ref = _reference(entry.body)
        if void_reference(state, ref):
            if entry.kind == "floor.election":
                return check_window(state, entry)  # F1, F2 need nothing but the entry
            return None
        if entry.kind == "conference.nomination":
            return self._check_nomination(state, entry)
        if entry.kind == "floor.election":
            return self._check_election(state, entry)
        if entry.kind == "floor.ranking":
            return self._check_ranking(state, entry)
        return self._check_elected(state, entry)

    def _check_nomination(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceNomination = entry.body  # type: ignore[assignment]
        call = resolve_call(state, body.conference)
        if isinstance(call, Rejection):
            return call
        refused = _elected_body(state, body.body, call.ts)
        if isinstance(refused, Rejection):
            return refused
        due = nominations_deadline(state, call)
        if entry.ts > due:
            return Rejection(
                "late_nomination", f"N1: nominations close "
                f"{state.constitution_at(call.ts).conference.nominations_deadline_days} days "
                "before the conference opens; this one is dated after")
        if any(n.author == entry.author and n.conference == call.id and n.body.body == body.body
               and n.body.holder == body.holder for n in self.nominations.values()):
            return Rejection(
                "duplicate_nomination", f"N2: this group has nominated `{body.holder}` for "
                f"`{body.body}` at this conference already")
        return None

    def _check_election(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorElection = entry.body  # type: ignore[assignment]
        own = check_window(state, entry)
        if own is not None:
            return own
        call = resolve_call(state, body.conference)
        if isinstance(call, Rejection):
            return call
        if not call.body.opens <= body.opens or not body.closes <= call.body.closes:
            return Rejection(
                "outside_conference", "F3: an election is held while the conference sits, "
                "between its opening and its close")
        rules = _elected_body(state, body.body, call.ts)
        if isinstance(rules, Rejection):
            return rules
        if body.seats != rules.seats:
            return Rejection(
                "bad_election", f"E1: `{body.body}` has {rules.seats} seats; the election "
                f"is for {body.seats}")
        ids = [c.entry for c in body.candidates]
        if len(set(ids)) != len(ids):
            return Rejection("bad_election", "E1: an election names each candidate once")
        for candidate in body.candidates:
            held = state.head_of(candidate.group).seq
            if held < candidate.seen:
                return Rejection(
                    "missing_dependency", f"E1: the election cites seq {candidate.seen} of a "
                    f"nominating group's log; this node holds {held} so far")
            found = self.nominations.get(candidate.entry)
            if (found is None or found.author != candidate.group or found.seq > candidate.seen
                    or found.conference != call.id or found.body.body != body.body):
                return Rejection(
                    "unknown_candidate", f"E1: that group's log holds no nomination for "
                    f"`{body.body}` at this conference with id {candidate.entry[:12]}")
        return None

    def _election(self, state: NetworkState, ref: EntryRef) -> Election | Rejection:
        return in_chairs_log(state, ref, self.elections.get(ref.entry), "E3",
                             "unknown_election", "election put to the floor")

    def _check_ranking(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorRanking = entry.body  # type: ignore[assignment]
        put = self._election(state, body.election)
        if isinstance(put, Rejection):
            return put
        if not put.body.opens <= entry.ts <= put.body.closes:
            return Rejection(
                "outside_vote", "F2: the window was fixed when the election opened: a "
                "delegate ranks between its opening and its close")
        seated = delegate_seat(state, entry.author, put, body.delegate)
        if isinstance(seated, Rejection):
            return seated
        if any(r.delegate == body.delegate
               for r in self.rankings.get(put.id, {}).get(entry.author, ())):
            return Rejection(
                "duplicate_vote", f"E3: `{body.delegate}` has ranked the candidates already")
        candidates = {c.entry for c in put.body.candidates}
        stranger = next((c for c in body.ranking if c not in candidates), None)
        if stranger is not None:
            return Rejection(
                "not_candidate", f"E3: {stranger[:12]} is no candidate of this election")
        if len(set(body.ranking)) != len(body.ranking):
            return Rejection("bad_ranking", "E3: a ranking names each candidate once")
        return None

    def _check_elected(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorElected = entry.body  # type: ignore[assignment]
        held = state.head_of(body.cut.group).seq
        if held < body.cut.seen:
            return Rejection(
                "missing_dependency", f"E5: the cosign cites seq {body.cut.seen} of the "
                f"chair's log; this node holds {held} so far")
        cut = state.rules(Floor).cuts.get(body.cut.entry)
        if (cut is None or cut.author != body.cut.group or cut.seq > body.cut.seen
                or cut.open not in self.elections):
            return Rejection(
                "unknown_cut", "E5: that group's log holds no cut of an election with that "
                "id at the seq cited")
        result = self.judge_cosign(state, entry.author, cut)
        if isinstance(result, Rejection):
            return result
        if result.elected != body.elected:
            return Rejection(
                "wrong_result", f"E5: the result contradicts the rankings in the cut: they "
                f"elect {_names(self, result.elected)}; the cosign says "
                f"{_names(self, body.elected)}")
        return self._omits(state, entry.author, entry.seq, cut)

    def judge_cosign(self, state: NetworkState, author: str, cut: Cut) -> stv.Count | Rejection:
        """F8 as E5 asks it: may `author` cosign `cut`, and what does the cut's count give?"""
        put = self.elections[cut.open]
        call = state.rules(Conferences).calls[put.conference]
        refused = state.rules(Floor).not_taking_part(state, call, author, "its election")
        if refused is not None:
            return refused
        if author in self.cosigns.get(put.id, {}):
            return Rejection("duplicate_cosign", "E5: a group cosigns one cut of each election")
        return self.result_of(state, cut)

    def cosign_for(self, state: NetworkState, author: str, seq: int,
                   cut: Cut) -> stv.Count | Rejection:
        """The count `author` would cosign at `seq`, or why it may not (E5)."""
        result = self.judge_cosign(state, author, cut)
        if isinstance(result, Rejection):
            return result
        return self._omits(state, author, seq, cut) or result

    def _omits(self, state: NetworkState, author: str, seq: int, cut: Cut) -> Rejection | None:
        put = self.elections[cut.open]
        cast = {other: [r.seq for r in ranked]
                for other, ranked in self.rankings.get(put.id, {}).items()}
        return omits(state, author, seq - 1, put.body.closes, cut, cast)

    # -- apply ------------------------------------------------------------------

    def apply(self, state: NetworkState, entry: Entry) -> None:
        if void_reference(state, _reference(entry.body)):
            return  # a reference a fork freeze removed: accepted, no effect (SM3)
        body = entry.body
        if isinstance(body, ConferenceNomination):
            self.nominations[entry.id] = Nomination(
                entry.id, entry.author, entry.seq, entry.ts, body.conference.entry, body)
        elif isinstance(body, FloorElection):
            self.elections[entry.id] = Election(
                entry.id, entry.author, entry.seq, entry.ts, body.conference.entry, body)
        elif isinstance(body, FloorRanking):
            put = self.elections[body.election.entry]
            credential, position, entitled = delegate_seat(  # type: ignore[misc]
                state, entry.author, put, body.delegate)
            members = members_of(state, state.rules(Conferences).calls[put.conference],
                               entry.author)
            self.rankings.setdefault(put.id, {}).setdefault(entry.author, []).append(Ranking(
                entry.id, entry.author, entry.seq, entry.ts, body.delegate, list(body.ranking),
                card_weight(members, min(len(credential.delegates), entitled), position)))
        elif isinstance(body, FloorElected):
            cut = state.rules(Floor).cuts[body.cut.entry]
            self.cosigns.setdefault(cut.open, {})[entry.author] = Elected(
                entry.id, entry.author, entry.seq, entry.ts, cut.id, list(body.elected))
        self._entries.append((entry.id, entry.kind, entry.author))

    def summary(self, state: NetworkState) -> dict[str, object]:
        # written once there is one: older networks hash as before (5.6)
        if not self._entries:
            return {}
        return {"election_entries": sorted([i, k, a] for i, k, a in self._entries)}

    # -- the count (E4) ----------------------------------------------------------

    def rankings_in(self, cut: Cut) -> list[Ranking]:
        return [r for author, ranked in sorted(self.rankings.get(cut.open, {}).items())
                for r in ranked if r.seq <= cut.heads.get(author, 0)]

    def result_of(self, state: NetworkState, cut: Cut) -> stv.Count | Rejection:
        """E4: the STV count of the participants' rankings in the cut; kept once there is
        one, since every cosign of the cut asks for it."""
        known = self._counts.get(cut.id)
        if known is not None:
            return known
        found = self._count(state, cut)
        if isinstance(found, stv.Count) and cut.id in state.rules(Floor).cuts:
            self._counts[cut.id] = found
        return found

    def _count(self, state: NetworkState, cut: Cut) -> stv.Count | Rejection:
        put = self.elections[cut.open]
        call = state.rules(Conferences).calls[put.conference]
        ballots: list[list[str]] = []
        weights: list[int] = []
        standing: dict[str, bool | None] = {}
        for ranking in self.rankings_in(cut):
            if ranking.author not in standing:
                standing[ranking.author] = state.rules(Floor).participant(
                    state, call, ranking.author)
            if standing[ranking.author] is None:
                return Rejection(
                    "missing_dependency", "F8: the network has not yet witnessed whether a "
                    "ranking group's credential stands (K5)")
            if standing[ranking.author]:
                ballots.append(ranking.ranking)
                weights.append(ranking.weight if put.body.method == "card" else 1)
        candidates = []
        for ref in put.body.candidates:
            category = self.nominations[ref.entry].body.category
            candidates.append(stv.Candidate(ref.entry, (category,) if category else ()))
        called = state.rules(Conferences).calls[put.conference].ts
        rules = state.rules(Constitutions).body(state, put.body.body, called)  # C5.7
        minimum = {rules.balance: ceil(put.body.seats / 2)} if rules and rules.balance else {}
        return stv.count(put.body.seats, candidates, ballots, weights=weights,
                         minimum=minimum, seed=cut.id)


# -- derived: the candidates, finality and the seats (E2, E6, E7) -----------------------


class Outcome(msgspec.Struct, frozen=True):
    """An election as every node derives it."""

    status: str  # "pending", "void" or "elected"
    reason: str
    cut: str | None = None
    count: stv.Count | None = None
    seats: list[Seat] = []


def nominations_deadline(state: NetworkState, call: Call) -> int:
    """N1: nominations close `nominations_deadline_days` before the opening (of the
    constitution the conference was called under, C5.7)."""
    days = state.constitution_at(call.ts).conference.nominations_deadline_days
    return call.body.opens - days * DAY_MS


def candidates(state: NetworkState, call: Call, body: str) -> tuple[list[str], list[str], int]:
    """E2: the nominations for `body` at the conference that arrived by the deadline, those
    that did not, and how many are undecided."""
    due = nominations_deadline(state, call)
    on_time, late, undecided = [], [], 0
    held = state.rules(Elections).nominations.values()
    for n in sorted(held, key=lambda n: n.id):
        if n.conference != call.id or n.body.body != body:
            continue
        arrived = state.arrived_before_deadline(n.author, n.seq, n.ts, due)
        if arrived is None:
            undecided += 1
        elif arrived:
            on_time.append(n.id)
        else:
            late.append(n.id)
    return on_time, late, undecided


def outcome(state: NetworkState, put: Election) -> Outcome:
    """E2, E6: is the election void, pending, or final, and whom does it elect?"""
    elections = state.rules(Elections)
    call = state.rules(Conferences).calls[put.conference]
    rivals = sorted((e for e in elections.elections.values()
                     if e.conference == put.conference and e.body.body == put.body.body),
                    key=lambda e: (e.body.opens, e.id))
    for earlier in rivals:
        if earlier.id == put.id:
            break
        verdict = _candidates_verdict(state, call, earlier)
        if verdict is None:
            return Outcome("void", f"E2: election {earlier.id[:12]} of `{put.body.body}` at "
                           "this conference was put first and stands")
        if verdict.status == "pending":
            return Outcome("pending", f"E2: whether election {earlier.id[:12]}, put first, "
                           "stands is not decided yet")
    verdict = _candidates_verdict(state, call, put)
    if verdict is not None:
        return verdict
    groups = sorted({g for g, c in state.rules(Credentials).history if c == call.id})
    standing = {g: state.rules(Floor).participant(state, call, g) for g in groups}
    undecided = [g for g, ok in standing.items() if ok is None]
    if undecided:
        return Outcome("pending", f"F9: the network has not yet witnessed whether "
                       f"{len(undecided)} group(s)' credentials stand (K5)")
    count = sum(1 for ok in standing.values() if ok)
    cuts = sorted((c for c in state.rules(Floor).cuts.values() if c.open == put.id),
                  key=lambda c: c.id)
    signed = {c.id: cosigners(state, put, c, standing) for c in cuts}
    final = next((c for c in cuts if 2 * len(signed[c.id]) > count), None)
    if final is None:
        best = max((len(s) for s in signed.values()), default=0)
        return Outcome("pending", f"E6: {best} of {count} participants cosigned one cut; "
                       "more than half are needed for a final result")
    result = elections.result_of(state, final)
    if isinstance(result, Rejection):
        return Outcome("pending", result.reason, final.id)
    seats = []
    for chosen in result.elected:
        nomination = elections.nominations[chosen]
        seats.append(Seat(put.body.body, nomination.author, nomination.body.holder,
                          nomination.body.name))
    vacant = f", {result.vacant} seat(s) vacant" if result.vacant else ""
    return Outcome("elected", f"E6: final: {len(result.elected)} elected{vacant}, cosigned by "
                   f"{len(signed[final.id])} of {count} participants", final.id, result, seats)


def cosigners(state: NetworkState, put: Election, cut: Cut,
              standing: dict[str, bool | None]) -> list[str]:
    return sorted(g for g, c in state.rules(Elections).cosigns.get(put.id, {}).items()
                  if c.cut == cut.id and standing.get(g))


def _candidates_verdict(state: NetworkState, call: Call, put: Election) -> Outcome | None:
    on_time, late, undecided = candidates(state, call, put.body.body)
    if undecided:
        return Outcome("pending", f"E2: the network has not yet witnessed whether "
                       f"{undecided} nomination(s) came by the deadline")
    named = sorted(c.entry for c in put.body.candidates)
    if named != on_time:
        return Outcome("void", f"E2: the candidates are the {len(on_time)} nomination(s) "
                       f"that came by the deadline; the election names {len(named)}, "
                       f"{len(set(named) - set(on_time))} of them not among those")
    return None


def seating(state: NetworkState, body: str, at: int) -> Seating | None:
    """E7: the seats on `body` at time `at`, and their term; None while pending.

    The seats of the final election at the latest conference that closed by `at`; while an
    election that would decide it is pending, None; with none, the interim seats (C7).
    """
    constitutions = state.rules(Constitutions)
    rules = constitutions.body(state, body, at)
    interim = Seating(body, [s for s in constitutions.interim if s.body == body], None,
                      constitutions.interim_until, None)
    if rules is None or not rules.elected:
        return interim
    calls = state.rules(Conferences).calls
    held = [e for e in state.rules(Elections).elections.values()
            if e.body.body == body and calls[e.conference].body.closes <= at]
    for put in sorted(held, key=lambda e: (-calls[e.conference].body.closes, e.body.opens,
                                           e.id)):
        decided = outcome(state, put)
        if decided.status == "pending":
            return None
        if decided.status == "elected":
            since = calls[put.conference].body.closes
            # C5.7: the term the conference was called under
            term = constitutions.body(state, body, calls[put.conference].ts) or rules
            return Seating(body, decided.seats, since, since + term.term_days * DAY_MS,
                           put.id)
    return interim


def may_sit(state: NetworkState, body: str, group: str, holder: str | None = None) -> bool:
    """B1, V2 at receipt for an elected body: an interim seat, or the group's own nomination
    of the holder for the body (in its own log, so every node answers alike); whether the
    seat is held when the meeting is called is derived (E7)."""
    if any(s.body == body and s.group == group and holder in (None, s.holder)
           for s in state.rules(Constitutions).interim):
        return True
    return any(n.author == group and n.body.body == body and holder in (None, n.body.holder)
               for n in state.rules(Elections).nominations.values())


def elections_of(state: NetworkState, conference: str) -> list[Election]:
    return sorted((e for e in state.rules(Elections).elections.values()
                   if e.conference == conference), key=lambda e: (e.body.opens, e.id))


def _elected_body(state: NetworkState, body: str, called: int) -> BodyRules | Rejection:
    rules = state.rules(Constitutions).body(state, body, called)
    if rules is None:
        return Rejection("unknown_body", f"N1: the constitution has no body `{body}`")
    if not rules.elected:
        return Rejection(
            "not_elected", f"N1: the constitution does not have the conference elect "
            f"`{body}`")
    return rules


def _names(elections: Elections, ids: list[str]) -> str:
    names = [elections.nominations[i].body.name if i in elections.nominations else i[:12]
             for i in ids]
    return ", ".join(names) or "nobody"


def _reference(body: object) -> EntryRef | None:
    if isinstance(body, ConferenceNomination | FloorElection):
        return body.conference
    if isinstance(body, FloorRanking):
        return body.election
    if isinstance(body, FloorElected):
        return body.cut
    return None

