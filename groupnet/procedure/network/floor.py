"""The conference floor (SPEC 5.9): votes put by the chair, cast by delegates, closed by a cut.

Kinds: `floor.open`, `floor.vote`, `floor.count`, `floor.cut`, `floor.cosign`,
`floor.certificate`.
The **chair** is any group holding a seat on the body that arranges
conferences (`arranged_by`); the **participants** are the groups whose
credential for the conference is accepted (K5). The rules, as SPEC 5.9
numbers them:

- F1 (who puts a question). Only the chair opens a vote (`not_chair`), and
  writes the cut that closes it.
- F2 (the window). A vote is put with its window fixed: it opens no earlier
  than it is put, and stays open at least `MIN_VOTE_MS` and at most a day
  (`bad_window`). No kind closes or extends it. A delegate votes within it
  (`outside_vote`); nobody counts or closes before it ends (`early_close`).
- F3 (the conference). A vote belongs to a conference and falls within its days
  (`unknown_conference`, `outside_conference`). What is put must be on the final
  agenda: a motion or composite, an admissible amendment, a carried ruling for a
  reference back or an appeal; else the vote is void (derived).
- F4 (amendments first). A motion or composite is put only once every admissible
  amendment to it had a vote that closed before; its text is the motion's text,
  or that of the amendment carried. Else void (derived).
- F5 (the delegates). A group's node votes for its own delegates only: the
  group's latest credential names the delegate (`not_delegate`) within its
  entitlement (`over_entitlement`), once per vote (`duplicate_vote`); a vote by
  tellers takes no individual votes (`tellers_vote`). Tellers named in the vote
  count it once each after the close (`not_teller`, `duplicate_count`); their
  count stands when all agree, else it is disputed.
- F6 (mandates). A delegate does not vote against the mandate the group gave on
  the item (`against_mandate`, citing the group's decision). A mandate on a
  motion lapses when the motion is put amended or composited.
- F7 (the cut). The cut names the head of every participant's log it counts; the
  receiver holds those logs up to them (`missing_dependency`) and the ids match
  (`bad_cut`). A participant cosigns a cut only if it includes every vote the
  participant witnessed before the close (`cut_omits`).
- F8 (the result). A cosign states the result the cut gives (`wrong_result`),
  once per vote per group (`duplicate_cosign`), by a participant
  (`not_participant`). Votes count only for participants. A card vote weighs a
  delegation's committed members, split among its delegates in whole members.
- F9 (finality). A vote's result is final when more than half of the
  participants cosigned one cut; at most one cut can reach that (a group found
  cosigning two cuts of a vote counts for neither). Until then, pending.
- F11 (certificates). A participant may cosign a cut apart from its log: a
  cosignature, signed with its key over the cut, the result and how far its own
  log goes (`seen`). A certificate gathers a majority of them into one entry, which
  every node checks once, each cosignature as a cosign would be (`bad_cosignature`,
  `not_participant`, `cut_omits`; `bad_certificate` for a group named twice).

What the entry, its references and its author's own log decide is refused at
receipt, here; what depends on other groups' entries (the agenda, amendments
carried, finality) is derived when asked, in `floor_review.py`, the same on
every node holding the same entries, "pending" while undecided. No I/O, no clock.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING, TypeVar

import msgspec

from ...wire.crypto import verify_id
from ...wire.messages import (
    ConferenceRules,
    Cosignature,
    DelegateCredential,
    Entry,
    EntryRef,
    FloorCertificate,
    FloorCosign,
    FloorCount,
    FloorCut,
    FloorElection,
    FloorOpen,
    FloorResult,
    FloorVote,
    cosignature_id,
)
from ...wire.rejection import Rejection
from .bodies import Bodies
from .commitments import Commitments
from .conference_review import timetable
from .conferences import Call, Conferences
from .constitution import DAY_MS
from .credentials import Credentials
from .witness import Witnesses

if TYPE_CHECKING:
    from .elections import Election
    from .state import NetworkState

MIN_VOTE_MS = 2 * 60_000  # F2: a vote stays open at least two minutes
MAX_VOTE_MS = DAY_MS  # F2: and at most a day
CUT_DELAY_MS = 1_000  # SPEC 5.9 recommends the chair's cut this long after the close
# questions on the constitution (C5.4): by card vote, at its amendment threshold
RULE_CHANGES = ("rule-change", "rule-change-amendment")


# -- what the state holds ------------------------------------------------------------


class Open(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    conference: str
    body: FloorOpen


class Vote(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    delegate: str
    vote: str
    # F8: the members the delegate carries on a card vote
    weight: int
    # F6: "support", "oppose", "free", "lapsed", or "" without a mandate on the item
    mandate: str


class Count(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    result: tuple[int, int, int]


class Cut(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    open: str
    heads: dict[str, int]


class Cosign(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    cut: str
    result: FloorResult


class Certificate(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    cut: str
    result: FloorResult
    groups: tuple[str, ...]


class Floor:
    """Every vote put to a conference floor, the votes cast, the cuts and their cosigns."""

    kinds = frozenset({"floor.open", "floor.vote", "floor.count", "floor.cut", "floor.cosign",
                       "floor.certificate"})

    def __init__(self) -> None:
        self.opens: dict[str, Open] = {}
        # open -> author -> its votes, in log order
        self.votes: dict[str, dict[str, list[Vote]]] = {}
        # open -> teller -> its count
        self.counts: dict[str, dict[str, Count]] = {}
        self.cuts: dict[str, Cut] = {}
        # open -> group -> its cosign (one per group per vote, F8)
        self.cosigns: dict[str, dict[str, Cosign]] = {}
        # open -> the certificates of its cuts (F11), in the order accepted
        self.certificates: dict[str, list[Certificate]] = {}
        self._entries: list[tuple[str, str, str]] = []
        # cut -> its result (F8), once it no longer waits: what a cut holds is fixed once
        # the cut is accepted (F7), and a participation once witnessed never changes
        self._results: dict[str, FloorResult] = {}
        # (group, conference) -> (credentials held, whether a participant), once witnessed
        self._standing: dict[tuple[str, str], tuple[int, bool]] = {}

    # -- check ------------------------------------------------------------------

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body = entry.body
        if void_reference(state, _reference(body)):
            # a reference a fork freeze removed: only what needs nothing but the entry
            own = _check_own(state, entry)
            if own is None and isinstance(body, FloorOpen):
                return _check_tellers(body)
            return own
        return _CHECKS[entry.kind](self, state, entry)

    def _check_open(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorOpen = entry.body  # type: ignore[assignment]
        own = _check_own(state, entry)
        if own is not None:
            return own
        call = resolve_call(state, body.conference)
        if isinstance(call, Rejection):
            return call
        if not call.body.opens <= body.opens or not body.closes <= call.body.closes:
            return Rejection(
                "outside_conference", "F3: a vote is taken while the conference sits, "
                "between its opening and its close")
        return _check_tellers(body)

    def _open(self, state: NetworkState, ref: EntryRef,
              elections: bool = False) -> Open | Election | Rejection:
        found: Open | Election | None = self.opens.get(ref.entry)
        if found is None and elections:  # a cut closes an election as it closes a vote (E4)
            found = state.election(ref.entry)
        return in_chairs_log(state, ref, found, "F2", "unknown_vote", "vote put to the floor")

    def _check_vote(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorVote = entry.body  # type: ignore[assignment]
        put = self._open(state, body.open)
        if isinstance(put, Rejection):
            return put
        if not put.body.opens <= entry.ts <= put.body.closes:
            return Rejection(
                "outside_vote", "F2: the window was fixed when it opened: a delegate votes "
                "between its opening and its close")
        seated = delegate_seat(state, entry.author, put, body.delegate)
        if isinstance(seated, Rejection):
            return seated
        mandate = _mandate(state, put, seated[0], body.delegate, body.vote, entry.author)
        if isinstance(mandate, Rejection):
            return mandate
        if any(v.delegate == body.delegate
               for v in self.votes.get(put.id, {}).get(entry.author, ())):
            return Rejection(
                "duplicate_vote", f"F5: `{body.delegate}` has voted on this question already")
        if put.body.method == "tellers":
            return Rejection(
                "tellers_vote", "F5: a vote by tellers takes no individual votes; the "
                "tellers count it")
        return None

    def _check_count(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorCount = entry.body  # type: ignore[assignment]
        put = self._open(state, body.open)
        if isinstance(put, Rejection):
            return put
        if entry.author not in put.body.tellers:
            return Rejection("not_teller", "F5: only the tellers the chair named count a vote")
        if entry.ts < put.body.closes:
            return Rejection(
                "early_close", "F2: nobody can close a vote early: a count is made after the "
                "close")
        if entry.author in self.counts.get(put.id, {}):
            return Rejection("duplicate_count", "F5: each teller counts a vote once")
        return None

    def _check_cut(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorCut = entry.body  # type: ignore[assignment]
        put = self._open(state, body.open, elections=True)
        if isinstance(put, Rejection):
            return put
        called = state.rules(Conferences).calls[put.conference].ts
        if not _is_chair(state, entry.author, called):
            return _not_chair(state, called)
        if entry.ts < put.body.closes:
            return Rejection(
                "early_close", "F2: nobody can close a vote early: the cut is made after "
                "the close")
        authors = [head.author for head in body.heads]
        if len(set(authors)) != len(authors):
            return Rejection("bad_cut", "F7: a cut names each log once")
        for head in body.heads:
            frozen_at = state.frozen.get(head.author)
            if frozen_at is not None and frozen_at <= head.seq:
                continue  # the log counts below the freeze only, and so does the cut (3.3)
            held = state.head_of(head.author).seq
            if held < head.seq:
                return Rejection(
                    "missing_dependency", f"F7: the cut names seq {head.seq} of a log "
                    f"this node holds up to {held}")
            if state.id_at(head.author, head.seq) != head.id:
                return Rejection(
                    "bad_cut", f"F7: the cut names {head.id} at seq {head.seq} of a log "
                    "that holds another entry there")
        return None

    def _check_cosign(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorCosign = entry.body  # type: ignore[assignment]
        held = state.head_of(body.cut.group).seq
        if held < body.cut.seen:
            return Rejection(
                "missing_dependency", f"F8: the cosign cites seq {body.cut.seen} of the "
                f"chair's log; this node holds {held} so far")
        cut = self.cuts.get(body.cut.entry)
        if (cut is None or cut.author != body.cut.group or cut.seq > body.cut.seen
                or cut.open not in self.opens):  # an election's cut is cosigned by E5
            return Rejection(
                "unknown_cut", "F8: that group's log holds no cut with that id at the seq "
                "cited")
        result = self.judge_cosign(state, entry.author, entry.seq, cut)
        if isinstance(result, Rejection):
            return result
        if result != body.result:
            return Rejection(
                "wrong_result", f"F8: the result contradicts the votes in the cut: they "
                f"give {said(result)}; the cosign says {said(body.result)}")
        return self._omits(state, entry.author, entry.seq - 1, cut)

    def _check_certificate(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: FloorCertificate = entry.body  # type: ignore[assignment]
        groups = [c.group for c in body.cosignatures]
        if len(set(groups)) != len(groups):
            return Rejection("bad_certificate", "F11: a certificate names each group once")
        held = state.head_of(body.cut.group).seq
        if held < body.cut.seen:
            return Rejection(
                "missing_dependency", f"F11: the certificate cites seq {body.cut.seen} of "
                f"the chair's log; this node holds {held} so far")
        cut = self.cuts.get(body.cut.entry)
        if (cut is None or cut.author != body.cut.group or cut.seq > body.cut.seen
                or cut.open not in self.opens):
            return Rejection(
                "unknown_cut", "F11: that group's log holds no cut of a vote with that id at "
                "the seq cited")
        for cosignature in body.cosignatures:
            held = state.head_of(cosignature.group).seq
            if held < cosignature.seen:
                return Rejection(
                    "missing_dependency", f"F11: a cosignature cites seq {cosignature.seen} "
                    f"of its group's log; this node holds {held} so far")
        for cosignature in body.cosignatures:
            if not verify_cosignature(state, cut.id, body.result, cosignature):
                return Rejection(
                    "bad_cosignature", f"F11: the cosignature of {cosignature.group} does "
                    "not verify with that group's key over the cut, the result and its seen")
        cast = self._cast(cut.open)
        for cosignature in body.cosignatures:
            found = self.check_cosignature(state, cut, cosignature, cast)
            if isinstance(found, Rejection):
                return found
            if found != body.result:
                return Rejection(
                    "wrong_result", f"F8: the result contradicts the votes in the cut: they "
                    f"give {said(found)}; the certificate says {said(body.result)}")
        return None

    def check_cosignature(self, state: NetworkState, cut: Cut, cosignature: Cosignature,
                          cast: dict[str, list[int]] | None = None) -> FloorResult | Rejection:
        """F11 on one cosignature, its signature apart: may its group cosign `cut` as of
        `seen` (a participant, holding nothing the cut leaves out, F7, F8), and the result
        the cut gives."""
        call = state.rules(Conferences).calls[self.opens[cut.open].conference]
        refused = self.not_taking_part(state, call, cosignature.group, "its votes")
        if refused is not None:
            return refused
        held = state.head_of(cosignature.group).seq
        if held < cosignature.seen:
            return Rejection(
                "missing_dependency", f"F11: a cosignature cites seq {cosignature.seen} of "
                f"its group's log; this node holds {held} so far")
        result = self.result_of(state, cut)
        if isinstance(result, Rejection):
            return result
        return self._omits(state, cosignature.group, cosignature.seen, cut, cast) or result

    def judge_cosign(self, state: NetworkState, author: str, seq: int,
                     cut: Cut) -> FloorResult | Rejection:
        """F8 before the result is compared: may `author` cosign `cut` at `seq`, and what
        result does the cut give? (The cosign's result must equal it, then F7 follows.)"""
        put = self.opens[cut.open]
        call = state.rules(Conferences).calls[put.conference]
        refused = self.not_taking_part(state, call, author, "its votes")
        if refused is not None:
            return refused
        if author in self.cosigns.get(put.id, {}):
            return Rejection(
                "duplicate_cosign", "F8: a group cosigns one cut of each vote")
        return self.result_of(state, cut)

    def cosign_for(self, state: NetworkState, author: str, seq: int,
                   cut: Cut) -> FloorResult | Rejection:
        """The result `author` would cosign at `seq`, or why it may not (F7, F8)."""
        result = self.judge_cosign(state, author, seq, cut)
        if isinstance(result, Rejection):
            return result
        return self._omits(state, author, seq - 1, cut) or result

    def _omits(self, state: NetworkState, author: str, upto: int, cut: Cut,
               cast: dict[str, list[int]] | None = None) -> Rejection | None:
        """F7: every vote or count the cosigner had witnessed by the close, in its log to
        `upto`, is in the cut."""
        return omits(state, author, upto, self.opens[cut.open].body.closes, cut,
                     self._cast(cut.open) if cast is None else cast)

    def _cast(self, open_id: str) -> dict[str, list[int]]:
        """Author -> the seqs of its votes and counts on the question (F7)."""
        cast = {other: [v.seq for v in votes]
                for other, votes in self.votes.get(open_id, {}).items()}
        for teller, count in self.counts.get(open_id, {}).items():
            cast.setdefault(teller, []).append(count.seq)
        return cast

    # -- apply ------------------------------------------------------------------

    def apply(self, state: NetworkState, entry: Entry) -> None:
        if void_reference(state, _reference(entry.body)):
            return  # a reference a fork freeze removed: accepted, no effect (SM3)
        _APPLY[entry.kind](self, state, entry)
        self._entries.append((entry.id, entry.kind, entry.author))

    def _apply_open(self, state: NetworkState, entry: Entry) -> None:
        body: FloorOpen = entry.body  # type: ignore[assignment]
        self.opens[entry.id] = Open(entry.id, entry.author, entry.seq, entry.ts,
                                    body.conference.entry, body)

    def _apply_vote(self, state: NetworkState, entry: Entry) -> None:
        body: FloorVote = entry.body  # type: ignore[assignment]
        put = self.opens[body.open.entry]
        credential, position, entitled = delegate_seat(state, entry.author, put, body.delegate)  # type: ignore[misc]
        members = members_of(state, state.rules(Conferences).calls[put.conference], entry.author)
        mandate = _mandate(state, put, credential, body.delegate, body.vote, entry.author)
        self.votes.setdefault(put.id, {}).setdefault(entry.author, []).append(Vote(
            entry.id, entry.author, entry.seq, entry.ts, body.delegate, body.vote,
            card_weight(members, min(len(credential.delegates), entitled), position),
            mandate if isinstance(mandate, str) else ""))

    def _apply_count(self, state: NetworkState, entry: Entry) -> None:
        body: FloorCount = entry.body  # type: ignore[assignment]
        self.counts.setdefault(body.open.entry, {})[entry.author] = Count(
            entry.id, entry.author, entry.seq, entry.ts,
            (body.for_, body.against, body.abstain))

    def _apply_cut(self, state: NetworkState, entry: Entry) -> None:
        body: FloorCut = entry.body  # type: ignore[assignment]
        self.cuts[entry.id] = Cut(entry.id, entry.author, entry.seq, entry.ts, body.open.entry,
                                  {head.author: head.seq for head in body.heads})

    def _apply_cosign(self, state: NetworkState, entry: Entry) -> None:
        body: FloorCosign = entry.body  # type: ignore[assignment]
        cut = self.cuts[body.cut.entry]
        self.cosigns.setdefault(cut.open, {})[entry.author] = Cosign(
            entry.id, entry.author, entry.seq, entry.ts, cut.id, body.result)

    def _apply_certificate(self, state: NetworkState, entry: Entry) -> None:
        body: FloorCertificate = entry.body  # type: ignore[assignment]
        cut = self.cuts[body.cut.entry]
        self.certificates.setdefault(cut.open, []).append(Certificate(
            entry.id, entry.author, entry.seq, entry.ts, cut.id, body.result,
            tuple(c.group for c in body.cosignatures)))

    def cosigned(self, open_id: str) -> dict[str, str]:
        """F9: group -> the cut of the vote it cosigned, by a `floor.cosign` or in a
        certificate (F11). A group found cosigning two cuts of a vote counts for neither."""
        cuts: dict[str, set[str]] = {}
        for group, cosign in self.cosigns.get(open_id, {}).items():
            cuts.setdefault(group, set()).add(cosign.cut)
        for certificate in self.certificates.get(open_id, ()):
            for group in certificate.groups:
                cuts.setdefault(group, set()).add(certificate.cut)
        return {g: next(iter(c)) for g, c in cuts.items() if len(c) == 1}

    def summary(self, state: NetworkState) -> dict[str, object]:
        # written once there is a floor entry: older networks hash as before (5.6)
        if not self._entries:
            return {}
        return {"floor_entries": sorted([i, k, a] for i, k, a in self._entries)}

    # -- what a cut gives (F8) ------------------------------------------------------

    def votes_in(self, cut: Cut) -> list[Vote]:
        """The votes in the cut: those in the named logs at or below the heads named."""
        return [v for author, cast in sorted(self.votes.get(cut.open, {}).items())
                for v in cast if v.seq <= cut.heads.get(author, 0)]

    def not_taking_part(self, state: NetworkState, call: Call, group: str,
                        what: str) -> Rejection | None:
        """F8: why `group` may not cosign `what` of the conference, if it may not: not a
        participant, or not yet witnessed to be one."""
        standing = self.participant(state, call, group)
        if standing is None:
            return Rejection(
                "missing_dependency", "F8: the network has not yet witnessed whether this "
                "group's credential stands (K5)")
        if not standing:
            return Rejection(
                "not_participant", "F8: only a group whose credential for the conference "
                f"is accepted (K5) cosigns {what}")
        return None

    def participant(self, state: NetworkState, call: Call, group: str) -> bool | None:
        """`participant`, kept once witnessed while the group's credentials stay the same."""
        held = len(state.rules(Credentials).history.get((group, call.id), ()))
        known = self._standing.get((group, call.id))
        if known is not None and known[0] == held:
            return known[1]
        found = participant(state, call, group)
        if found is not None:
            self._standing[(group, call.id)] = (held, found)
        return found

    def result_of(self, state: NetworkState, cut: Cut) -> FloorResult | Rejection:
        """F8: the result the votes (or the tellers' counts) in the cut give.

        Votes count only for participants; while whether a voting group is one is not yet
        witnessed, the answer waits (`missing_dependency`). Once there is a result it is
        kept: every cosign of the cut asks for it.
        """
        known = self._results.get(cut.id)
        if known is not None:
            return known
        found = self._result_of(state, cut)
        if isinstance(found, FloorResult) and cut.id in self.cuts:
            self._results[cut.id] = found
        return found

    def _result_of(self, state: NetworkState, cut: Cut) -> FloorResult | Rejection:
        put = self.opens[cut.open]
        if put.body.method == "tellers":
            counts = [c.result for t, c in sorted(self.counts.get(put.id, {}).items())
                      if c.seq <= cut.heads.get(t, 0)]
            if len(counts) < len(set(put.body.tellers)) or len(set(counts)) != 1:
                return Rejection(
                    "wrong_result", "F8: the cut holds no count on which every teller "
                    "agrees")
            yes, no, abstain = counts[0]
            return FloorResult(yes, no, abstain, _carries(state, put, yes, no))
        call = state.rules(Conferences).calls[put.conference]
        tally = {"for": 0, "against": 0, "abstain": 0}
        standing: dict[str, bool | None] = {}
        for vote in self.votes_in(cut):
            if vote.author not in standing:
                standing[vote.author] = self.participant(state, call, vote.author)
            if standing[vote.author] is None:
                return Rejection(
                    "missing_dependency", "F8: the network has not yet witnessed whether a "
                    "voting group's credential stands (K5)")
            if standing[vote.author]:
                tally[vote.vote] += vote.weight if put.body.method == "card" else 1
        yes, no = tally["for"], tally["against"]
        return FloorResult(yes, no, tally["abstain"], _carries(state, put, yes, no))


# -- helpers of the receipt rules -------------------------------------------------------


def carries(threshold: str, yes: int, no: int) -> bool:
    """F8: `simple`: more for than against; `two-thirds`: for ≥ 2/3 of for and against."""
    if threshold == "two-thirds":
        return yes > 0 and 3 * yes >= 2 * (yes + no)
    return yes > no


def _carries(state: NetworkState, put: Open, yes: int, no: int) -> bool:
    """A rule change, and an amendment to one, needs the constitution's amendment threshold
    `[n, d]` (C5.4): for > 0 and d · for ≥ n · (for + against); the rest the open's."""
    if put.body.question in RULE_CHANGES:
        called = state.rules(Conferences).calls[put.conference].ts
        n, d = state.constitution_at(called).amendments.threshold
        return yes > 0 and d * yes >= n * (yes + no)
    return carries(put.body.threshold, yes, no)


def card_weight(members: int, delegates: int, position: int) -> int:
    """F8: a delegation's members, split in whole members among its `delegates`: each gets
    the quotient, and the first `members mod delegates` one member more."""
    if delegates <= 0:
        return 0
    share, rest = divmod(members, delegates)
    return share + (1 if position < rest else 0)


def chairs(state: NetworkState, called: int) -> list[str]:
    """The chair: the groups holding a seat on the body that arranges conferences (F1),
    by the constitution of a conference called at `called` (C5.7)."""
    body = state.constitution_at(called).conference.arranged_by
    return sorted({seat.group for seat in Bodies.seats(state, body)})


def _is_chair(state: NetworkState, group: str, called: int) -> bool:
    return group in chairs(state, called)


def _not_chair(state: NetworkState, called: int) -> Rejection:
    body = state.constitution_at(called).conference.arranged_by
    return Rejection(
        "not_chair", f"F1: only a group holding a seat on `{body}` chairs the conference floor")


def omits(state: NetworkState, author: str, upto: int, closes: int, cut: Cut,
          cast: dict[str, list[int]]) -> Rejection | None:
    """F7: every entry cast (author -> seqs) that the cosigner `author` had witnessed by
    `closes`, in its log to seq `upto` (a cosign at seq s: s − 1), is in the cut."""
    heads, frozen = cut.heads, state.frozen
    # a log the cut counts as far as the cosigner witnessed it or further passes: the
    # receiver holds it to the cut's head, as it accepted the cut, and nothing is left out
    seen = state.rules(Witnesses).acknowledged_beyond(author, closes, upto, heads, frozen)
    if upto > heads.get(author, 0) or author in frozen:
        seen[author] = upto  # its own log, as far as it goes
    else:
        seen.pop(author, None)
    for other, upto in sorted(seen.items()):
        frozen_at = frozen.get(other)
        if frozen_at is not None:
            upto = min(upto, frozen_at - 1)
        within = [s for s in cast.get(other, ()) if s <= upto]
        held = state.head_of(other).seq
        if held < upto:
            return Rejection(
                "missing_dependency", f"F7: this group witnessed seq {upto} of a log "
                f"this node holds up to {held}")
        if within and max(within) > cut.heads.get(other, 0):
            return Rejection(
                "cut_omits", "F7: the cut leaves out entries this node witnessed before "
                "the close")
    return None


def _check_own(state: NetworkState, entry: Entry) -> Rejection | None:
    """What an open decides by itself, reference apart: F1, F2 and the tellers."""
    if entry.kind != "floor.open":
        return None
    return check_window(state, entry)


def check_window(state: NetworkState, entry: Entry) -> Rejection | None:
    """F1, F2 for a vote or an election put to the floor: the chair, and the window."""
    body: FloorOpen | FloorElection = entry.body  # type: ignore[assignment]
    # C5.7: the conference's constitution; a call not held yet fails F3 whatever this says
    call = state.rules(Conferences).calls.get(body.conference.entry)
    called = call.ts if call is not None else entry.ts
    if not _is_chair(state, entry.author, called):
        return _not_chair(state, called)
    if body.opens < entry.ts:
        return Rejection(
            "bad_window", "F2: a vote opens no earlier than it is put; this one is dated "
            f"{(entry.ts - body.opens) // 1000} s after its opening")
    length = body.closes - body.opens
    if not MIN_VOTE_MS <= length <= MAX_VOTE_MS:
        given = "closes before it opens" if length < 0 else f"lasts {length // 1000} s"
        return Rejection(
            "bad_window", f"F2: a vote stays open between {MIN_VOTE_MS // 60_000} minutes "
            f"and a day; this one {given}")
    return None


def _check_tellers(body: FloorOpen) -> Rejection | None:
    distinct = len(set(body.tellers))
    if body.method == "tellers":
        if distinct < 2 or distinct != len(body.tellers):
            return Rejection(
                "bad_tellers", "F5: a vote by tellers names at least two different teller "
                "groups, each once")
    elif body.tellers:
        return Rejection("bad_tellers", f"F5: a vote by {body.method} names no tellers")
    return None


def resolve_call(state: NetworkState, ref: EntryRef) -> Call | Rejection:
    held = state.head_of(ref.group).seq
    if held < ref.seen:
        return Rejection(
            "missing_dependency", f"F3: the vote cites seq {ref.seen} of the calling group's "
            f"log; this node holds {held} so far")
    call = state.rules(Conferences).calls.get(ref.entry)
    if call is None or call.author != ref.group or call.seq > ref.seen:
        return Rejection(
            "unknown_conference", "F3: that group's log holds no conference call with that id "
            "at the seq cited")
    return call


def members_of(state: NetworkState, call: Call, group: str) -> int:
    """K5: the group's active members, by its latest commitment published by the call."""
    found = state.rules(Commitments).as_of(group, call.ts)
    return found[1].active_members if found is not None else 0


def entitlement(state: NetworkState, call: Call, group: str) -> int:
    """K5: how many delegates the group sends to the conference."""
    rules: ConferenceRules = state.constitution_at(call.ts).conference
    return min(rules.max_delegates,
               ceil(members_of(state, call, group) / rules.members_per_delegate))


def delegate_seat(state: NetworkState, author: str, put: Open | Election,
          delegate: str) -> tuple[DelegateCredential, int, int] | Rejection:
    """F5: the author's latest credential names the delegate within its entitlement."""
    found = state.rules(Credentials).credentials.get((author, put.conference))
    names = [seat.delegate for seat in found[1].delegates] if found is not None else []
    if delegate not in names:
        return Rejection(
            "not_delegate", f"F5: this group's latest credential for the conference names no "
            f"delegate `{delegate}`; a node votes only for its own group's delegates")
    call = state.rules(Conferences).calls[put.conference]
    entitled = entitlement(state, call, author)
    position = names.index(delegate)
    if position >= entitled:
        return Rejection(
            "over_entitlement", f"F5: the group is entitled to {entitled} delegate(s) (K5); "
            f"`{delegate}` is number {position + 1} on its credential")
    return found[1], position, entitled  # type: ignore[index]


def _mandate(state: NetworkState, put: Open, credential: DelegateCredential, delegate: str,
             vote: str, author: str) -> str | Rejection:
    """F6: the delegation's mandate on the item: the position, "lapsed", or ""."""
    line = next((m for m in credential.mandates if m.motion == put.body.item), None)
    if line is None:
        return ""
    if put.body.question == "motion":
        motion = state.rules(Conferences).motions.get(put.body.item)
        if motion is None:
            return Rejection(
                "missing_dependency", "F6: the mandate names a motion this node does not "
                "hold yet")
        if motion.body.text != put.body.text:
            return "lapsed"  # F6: the motion is put amended
    wanted = {"support": "for", "oppose": "against"}.get(line.position)
    if wanted is not None and vote != wanted:
        profile = state.profiles.get(author)
        member = state.members.get(author)
        group = profile[1].name if profile else member.name if member else author
        return Rejection(
            "against_mandate", f"F6: {group}'s mandate on this item is to "
            f"{line.position} it (decision: {line.decision})")
    return line.position


_Put = TypeVar("_Put", bound="Open | Election")


def in_chairs_log(state: NetworkState, ref: EntryRef, found: _Put | None, rule: str,
                  code: str, what: str) -> _Put | Rejection:
    """A reference to what the chair put (SM3): `missing_dependency` while this node holds
    the chair's log below `seen`; else `found` must be the chair's, at a seq ≤ `seen`."""
    held = state.head_of(ref.group).seq
    if held < ref.seen:
        return Rejection(
            "missing_dependency", f"{rule}: the entry cites seq {ref.seen} of the chair's "
            f"log; this node holds {held} so far")
    if found is None or found.author != ref.group or found.seq > ref.seen:
        return Rejection(
            code, f"{rule}: that group's log holds no {what} with that id at the seq cited")
    return found


def void_reference(state: NetworkState, ref: EntryRef | None) -> bool:
    """A reference into a part of a log that a fork freeze removed (SM3): no effect."""
    if ref is None:
        return False
    frozen_at = state.frozen.get(ref.group)
    return frozen_at is not None and frozen_at <= ref.seen


def _reference(body: object) -> EntryRef | None:
    if isinstance(body, FloorOpen):
        return body.conference
    if isinstance(body, FloorVote | FloorCount | FloorCut):
        return body.open
    if isinstance(body, FloorCosign | FloorCertificate):
        return body.cut
    return None


def verify_cosignature(state: NetworkState, cut: str, result: FloorResult,
                       cosignature: Cosignature) -> bool:
    """F11: `sig` is valid (SPEC 2.3) over the cosignature's digest, with the key in force
    for the group's entry after `seen` (its log held that far)."""
    key = state.key_at(cosignature.group, cosignature.seen + 1)
    return verify_id(key, cosignature_id(state.net or "", cut, cosignature.seen, result),
                     cosignature.sig)


def said(result: FloorResult) -> str:
    """A result in words, as the refusals and the derived reasons give it."""
    return (f"{result.for_} for, {result.against} against, {result.abstain} abstaining, "
            f"{'carried' if result.carried else 'not carried'}")


def participant(state: NetworkState, call: Call, group: str) -> bool | None:
    """K5 as the floor asks it: is the group's credential for the conference accepted?

    None while the network has not witnessed whether one of its credentials came by the
    credentials deadline: once witnessed, the answer never changes (SPEC 5.5).
    """
    deadline = timetable(state.constitution_at(call.ts), call).credentials
    standing = None
    for seq, ts, _, body in state.rules(Credentials).history.get((group, call.id), ()):
        arrived = state.arrived_before_deadline(group, seq, ts, deadline)
        if arrived is None:
            return None
        if arrived:
            standing = body
    if standing is None:
        return False
    return len(standing.delegates) <= entitlement(state, call, group)


_CHECKS = {
    "floor.open": Floor._check_open,
    "floor.vote": Floor._check_vote,
    "floor.count": Floor._check_count,
    "floor.cut": Floor._check_cut,
    "floor.cosign": Floor._check_cosign,
    "floor.certificate": Floor._check_certificate,
}
_APPLY = {
    "floor.open": Floor._apply_open,
    "floor.vote": Floor._apply_vote,
    "floor.count": Floor._apply_count,
    "floor.cut": Floor._apply_cut,
    "floor.cosign": Floor._apply_cosign,
    "floor.certificate": Floor._apply_certificate,
}
