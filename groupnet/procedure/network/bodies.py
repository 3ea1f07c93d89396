"""The network's bodies (SPEC 5.7): meetings called with notice, votes signed by the voters.

Kinds: `body.meeting`, `body.vote`. A body (the national committee, the
conference arrangements committee …) is named by the constitution (C2); its
members are people on seats, each vouched for by their own group's node under a
pseudonym. In this version the seats are the interim seats of the founding
constitution (C7), held until `interim_until`. The rules:

- B1 (who calls). A group one of whose people holds a seat on the body calls its
  meeting (`not_seated`), of a body the constitution has (`unknown_body`).
- B2 (notice). A meeting opens at least the body's `notice_days` after it is
  called (`short_notice`, by the caller's own `ts`), and closes after it opens,
  within 14 days (`bad_meeting`). A call whose author dated it early is caught by
  witnessed time: if the call did not reach the network `notice_days` before the
  opening (SPEC 5.5, "Deadlines"), the meeting is void.
- B3 (powers and terms). Every item is a decision the body may take: an action
  the entrenched provisions forbid is `entrenched`, citing E1–E4; one the
  constitution does not give the body is `not_empowered`; a `rule-out` cites one
  of the admissibility provisions C4.1–C4.5 (`bad_provision`); a
  `call-conference` names its opening (`bad_item`). Once the body's term has
  ended it may decide only its `caretaker_powers` (`term_expired`, by the
  caller's `ts`; by witnessed time, the item is void).
- V1 (the meeting). A vote names a meeting by reference (as SM3: judged once the
  receiver holds the caller's log up to `seen`, `missing_dependency` until then;
  `unknown_meeting` if there is none there) and an item of it (`bad_item`).
- V2 (the voter). The voting group holds the seat named (`not_seated`), votes
  once per seat per item (`duplicate_vote`), while the meeting is open by its own
  `ts` (`outside_meeting`).
- B4 (the outcome). Derived, never a refusal: a vote counts if it reached the
  network by the closing (witnessed); the item is pending until the network has
  passed the closing and every vote is decided; then it is carried if the seats
  voting reach the quorum (`quorum_percent` of the seats held, rounded up) and the
  body's majority is for it (`simple`: more for than against; `two-thirds`: for
  at least two thirds of for and against), else it fell; void as B2 and B3 say.

No I/O, no clock: the time is the entries' and the witnesses'.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import BodyItem, BodyMeeting, BodyRules, BodyVote, Entry, Seat
from ...wire.rejection import Rejection
from .constitution import ADMISSIBILITY, DAY_MS, FORBIDDEN_ACTIONS, POWERS, Constitutions

if TYPE_CHECKING:
    from .elections import Seating
    from .state import NetworkState

MAX_MEETING_MS = 14 * DAY_MS


class Meeting(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    body: BodyMeeting


class Vote(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    holder: str
    vote: str


class Decision(msgspec.Struct):
    """An item of a body's meeting and its outcome (B4), as every node computes it."""

    meeting: str
    index: int
    body: str
    caller: str
    title: str
    opens: int
    closes: int
    item: BodyItem
    status: str  # "carried", "fell", "void" or "pending"
    reason: str
    votes_for: int
    votes_against: int
    abstentions: int


class Bodies:
    """Meetings of the network's bodies, their items and the votes on them."""

    kinds = frozenset({"body.meeting", "body.vote"})

    def __init__(self) -> None:
        self.meetings: dict[str, Meeting] = {}
        # (meeting id, item) -> (group, holder) -> vote
        self.votes: dict[tuple[str, int], dict[tuple[str, str], Vote]] = {}
        self._void: set[str] = set()

    # -- seats ---------------------------------------------------------------

    @staticmethod
    def seats(state: NetworkState, body_id: str) -> list[Seat]:
        """The founding constitution's interim seats on a body (C7)."""
        return [seat for seat in state.rules(Constitutions).interim if seat.body == body_id]

    @staticmethod
    def term_end(state: NetworkState, body_id: str) -> int | None:
        """When the interim members' term ends; None while the body has nobody seated."""
        return state.rules(Constitutions).interim_until if Bodies.seats(state, body_id) else None

    @staticmethod
    def seating(state: NetworkState, body_id: str, at: int) -> Seating | None:
        """The seats on a body at `at` and their term: the interim seats, or those of the
        conference's final election (SPEC 5.9.1, E7); None while that is pending."""
        return state.seating(body_id, at)

    # -- checks ----------------------------------------------------------------

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        if entry.kind == "body.meeting":
            return self._check_meeting(state, entry)
        return self._check_vote(state, entry)

    def _check_meeting(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BodyMeeting = entry.body  # type: ignore[assignment]
        constitution = state.constitution_for(entry.ts)  # C5.7, C5.8
        if constitution is None:
            return Rejection(
                "missing_dependency", "C5.8: whether a rule change is in force for this "
                "meeting's date is not decided yet: it waits until the network has "
                "witnessed the outcome")
        rules = next((b for b in constitution.bodies if b.id == body.body), None)
        if rules is None:
            return Rejection("unknown_body", f"B1: the constitution has no body `{body.body}`")
        if not _may_sit(state, rules, entry.author):
            return Rejection(
                "not_seated", f"B1: only a group whose member holds a seat on `{body.body}` "
                "calls its meetings")
        if not body.opens < body.closes <= body.opens + MAX_MEETING_MS:
            return Rejection(
                "bad_meeting", "B2: a meeting closes after it opens, within 14 days")
        if body.opens - entry.ts < rules.notice_days * DAY_MS:
            return Rejection(
                "short_notice", f"B2: `{body.body}` meets with {rules.notice_days} days' "
                "notice; this meeting opens sooner after it was called")
        # an elected body's term is that of the seats in force when it met: derived (E7)
        term_end = None if rules.elected else self.term_end(state, body.body)
        for number, item in enumerate(body.items, 1):
            refused = _check_item(rules, item, number, entry.ts, term_end)
            if refused is not None:
                return refused
        return None

    def _check_vote(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BodyVote = entry.body  # type: ignore[assignment]
        if _void(state, body):
            return None
        meeting = self._resolve(state, body)
        if isinstance(meeting, Rejection):
            return meeting
        if body.item >= len(meeting.body.items):
            return Rejection(
                "bad_item", f"V1: the meeting has {len(meeting.body.items)} item(s); "
                f"there is no item {body.item}")
        rules = state.rules(Constitutions).body(state, meeting.body.body)
        if not _may_sit(state, rules, entry.author, body.holder,
                        self.seats(state, meeting.body.body)):
            return Rejection(
                "not_seated", f"V2: `{body.holder}` holds no seat on `{meeting.body.body}` "
                "for this group")
        if (entry.author, body.holder) in self.votes.get((meeting.id, body.item), {}):
            return Rejection(
                "duplicate_vote", "V2: each seat votes once on an item")
        if not meeting.body.opens <= entry.ts <= meeting.body.closes:
            return Rejection(
                "outside_meeting", "V2: a vote is cast while the meeting is open")
        return None

    def _resolve(self, state: NetworkState, body: BodyVote) -> Meeting | Rejection:
        ref = body.meeting
        held = state.head_of(ref.group).seq
        if held < ref.seen:
            return Rejection(
                "missing_dependency", f"V1: the vote cites seq {ref.seen} of the calling "
                f"group's log; this node holds {held} so far")
        meeting = self.meetings.get(ref.entry)
        if meeting is None or meeting.author != ref.group or meeting.seq > ref.seen:
            return Rejection(
                "unknown_meeting", "V1: the calling group's log holds no such meeting at "
                "the seq cited")
        return meeting

    # -- effects ---------------------------------------------------------------

    def apply(self, state: NetworkState, entry: Entry) -> None:
        if entry.kind == "body.meeting":
            self.meetings[entry.id] = Meeting(entry.id, entry.author, entry.seq, entry.ts,
                                              entry.body)  # type: ignore[arg-type]
            return
        body: BodyVote = entry.body  # type: ignore[assignment]
        if _void(state, body):
            self._void.add(entry.id)
            return
        self.votes.setdefault((body.meeting.entry, body.item), {})[
            (entry.author, body.holder)] = Vote(
                entry.id, entry.author, entry.seq, entry.ts, body.holder, body.vote)

    def summary(self, state: NetworkState) -> dict[str, object]:
        if not self.meetings:
            return {}
        votes = sorted(vote.id for by_seat in self.votes.values() for vote in by_seat.values())
        return {"body_meetings": sorted(self.meetings), "body_votes": votes}

    # -- outcomes (B4) -----------------------------------------------------------

    def decisions(self, state: NetworkState, action: str | None = None,
                  body: str | None = None) -> list[Decision]:
        """Every item of every meeting (of `body`, with `action`), with its outcome."""
        found = []
        for meeting in sorted(self.meetings.values(), key=lambda m: (m.body.opens, m.id)):
            if body is not None and meeting.body.body != body:
                continue
            for index, item in enumerate(meeting.body.items):
                if action is None or item.action == action:
                    found.append(self.outcome(state, meeting, index))
        return found

    def decision(self, state: NetworkState, meeting: str, index: int) -> Decision | None:
        found = self.meetings.get(meeting)
        if found is None or not 0 <= index < len(found.body.items):
            return None
        return self.outcome(state, found, index)

    def outcome(self, state: NetworkState, meeting: Meeting, index: int) -> Decision:
        item = meeting.body.items[index]
        votes = self.votes.get((meeting.id, index), {})
        counted: list[Vote] = []
        pending = False
        sitting = self.seating(state, meeting.body.body, meeting.ts)
        held_seats = {(s.group, s.holder) for s in sitting.seats} if sitting else set()
        for vote in votes.values():
            if sitting is not None and (vote.author, vote.holder) not in held_seats:
                continue  # B4: only the seats held when the meeting was called vote (E7)
            arrived = state.arrived_before_deadline(vote.author, vote.seq, vote.ts,
                                                    meeting.body.closes)
            if arrived is None:
                pending = True
            elif arrived:
                counted.append(vote)
        tally = {choice: sum(1 for v in counted if v.vote == choice)
                 for choice in ("for", "against", "abstain")}

        def decided(status: str, reason: str) -> Decision:
            return Decision(
                meeting.id, index, meeting.body.body, meeting.author, meeting.body.title,
                meeting.body.opens, meeting.body.closes, item, status, reason,
                tally["for"], tally["against"], tally["abstain"])

        void = self._void_reason(state, meeting, item, sitting)
        if void is not None:
            return decided(*void)
        if pending or not state.deadline_passed(meeting.body.closes):
            return decided("pending", "B4: the meeting is open, or the network has not yet "
                           "witnessed its closing")
        rules = state.rules(Constitutions).body(state, meeting.body.body, meeting.ts)
        if rules is None:  # the constitution no longer has the body (C5): nothing to decide
            return decided("void", f"C2: the constitution has no body `{meeting.body.body}`")
        held = len(sitting.seats) if sitting is not None else 0
        quorum = ceil(rules.quorum_percent * held / 100)
        if len(counted) < quorum:
            return decided("fell", f"B4: not quorate: {len(counted)} of {held} seats voted, "
                           f"{quorum} needed ({rules.quorum_percent}%)")
        yes, no = tally["for"], tally["against"]
        if rules.majority == "two-thirds":
            carried, needed = yes > 0 and 3 * yes >= 2 * (yes + no), "two thirds"
        else:
            carried, needed = yes > no, "more for than against"
        if carried:
            return decided("carried", f"B4: carried, {yes} for, {no} against "
                           f"({needed}), {len(counted)} of {held} seats voting")
        return decided("fell", f"B4: fell, {yes} for, {no} against ({needed} needed)")

    def _void_reason(self, state: NetworkState, meeting: Meeting, item: BodyItem,
                     sitting: Seating | None) -> tuple[str, str] | None:
        rules = state.rules(Constitutions).body(state, meeting.body.body, meeting.ts)
        if rules is None:
            return None
        if sitting is None:
            return ("pending", "E7: the election of the seats in force when the meeting "
                    "was called is not final yet")
        if not any(seat.group == meeting.author for seat in sitting.seats):
            return ("void", f"B1: the calling group held no seat on `{meeting.body.body}` "
                    "when it called the meeting (E7)")
        called_by = meeting.body.opens - rules.notice_days * DAY_MS
        in_time = state.arrived_before_deadline(meeting.author, meeting.seq, meeting.ts,
                                                called_by)
        if in_time is False:
            return ("void", f"B2: the call reached the network less than "
                    f"{rules.notice_days} days before the meeting (witnessed time)")
        term_end = sitting.until if sitting.seats else None
        if term_end is not None and item.action not in rules.caretaker_powers:
            within_term = state.arrived_before_deadline(meeting.author, meeting.seq,
                                                        meeting.ts, term_end - 1)
            if within_term is False:
                return ("void", "B3: the body's term had ended before this meeting was "
                        f"called (witnessed time); as caretaker it may decide only "
                        f"{', '.join(rules.caretaker_powers) or 'nothing'}")
        if in_time is None:
            return ("pending", "B2: the network has not yet witnessed when the meeting "
                    "was called")
        return None


def _check_item(rules: BodyRules, item: BodyItem, number: int, ts: int,
                term_end: int | None) -> Rejection | None:
    if item.action in FORBIDDEN_ACTIONS:
        return Rejection("entrenched", f"{FORBIDDEN_ACTIONS[item.action]} (item {number}: "
                         f"`{item.action}`)")
    if item.action not in rules.powers:
        known = POWERS.get(item.action)
        what = f"to {known}" if known else f"`{item.action}`"
        return Rejection(
            "not_empowered", f"C2: the constitution gives `{rules.id}` no power {what} "
            f"(item {number}); its powers: {', '.join(rules.powers) or 'none'}")
    if term_end is not None and ts >= term_end and item.action not in rules.caretaker_powers:
        return Rejection(
            "term_expired", f"B3: the term of `{rules.id}` has ended; as caretaker it may "
            f"decide only {', '.join(rules.caretaker_powers) or 'nothing'} (item {number})")
    if item.action == "rule-out" and item.provision not in ADMISSIBILITY:
        return Rejection(
            "bad_provision", f"B3: a ruling cites one of the provisions "
            f"{', '.join(ADMISSIBILITY)} (item {number})")
    if item.action == "call-conference" and item.opens is None:
        return Rejection("bad_item", f"B3: a call names the conference's opening "
                         f"(item {number})")
    return None


def _may_sit(state: NetworkState, rules: BodyRules | None, group: str,
             holder: str | None = None, interim: list[Seat] | None = None) -> bool:
    """B1, V2 at receipt. For a body the conference elects, an interim seat or the group's
    own nomination of the holder (E7: whether the seat is held then is derived)."""
    if rules is not None and rules.elected:
        return state.may_sit(rules.id, group, holder)
    seats = interim if interim is not None else (
        Bodies.seats(state, rules.id) if rules is not None else [])
    return any(s.group == group and holder in (None, s.holder) for s in seats)


def _void(state: NetworkState, body: BodyVote) -> bool:
    """A reference into a part of a log that a fork freeze removed (as SM3): no effect."""
    frozen_at = state.frozen.get(body.meeting.group)
    return frozen_at is not None and frozen_at <= body.meeting.seen
