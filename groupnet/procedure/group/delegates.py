"""Electing a group's delegates to a conference, and mandating them.

- SO 6.2: delegates are elected at a general or annual meeting (as the
  orders say), which must be quorate and properly notified.
- Any active member may nominate an active member. A nomination counts only
  once the nominee accepts it; the nominee may then declare attributes about
  themselves (e.g. "woman") that a balance rule looks at. Nominations close
  when the first ballot is cast.
- The ballot is approval voting: each attending member may vote for up to N
  candidates (N the number of seats), at most once each, or for none. Each
  member casts one ballot.
- Count: candidates are ranked by votes; equal votes are split by lot, and the
  lot is a hash of a seed drawn at the meeting (passed in) and the candidate's
  id, so anyone holding the seed can repeat the count. A candidate needs at
  least one vote to be elected; seats nobody voted for stay empty.
- SO 8.1, balance: if at least P% of those elected (rounded up) must have an
  attribute and the top N do not, then, one at a time, the lowest-placed
  elected candidate without it is replaced by the highest-placed unelected
  candidate with it (and at least one vote), until the rule is met or nobody
  with the attribute is left. The result says if the rule could not be met.
  (This is the "every second delegate a woman" approach of UK Labour rules,
  applied by replacing from the bottom of the list.)
- SO 6.3: a mandate (support, oppose or a free vote) on a conference motion is
  decided by a carried group motion at a body allowed to decide mandates. A
  later decision on the same conference motion replaces the earlier mandate.
- The credential names the conference, the group, the delegates by the public
  name each chose and a pseudonymous id, their mandates and the decision
  references. A later layer signs and publishes it; no personal data is in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal

import msgspec

from ...wire.rejection import Rejection
from . import meetings
from .meetings import Attendance, Meeting
from .members import Member
from .motions import MotionResult
from .standing_orders import GroupStandingOrders, cite

Position = Literal["support", "oppose", "free"]

_LOT_DOMAIN = b"groupnet/v1/delegate-lot\n"
_PSEUDONYM_DOMAIN = b"groupnet/v1/delegate-id\n"


class Nomination(msgspec.Struct, frozen=True, kw_only=True):
    candidate_id: str
    display_name: str
    nominated_by: str
    nominated_at_ms: int
    accepted_at_ms: int | None = None
    attributes: tuple[str, ...] = ()


class ApprovalBallot(msgspec.Struct, frozen=True):
    voter_id: str
    approvals: tuple[str, ...]


class Election(msgspec.Struct, frozen=True, kw_only=True):
    election_id: str
    conference: str
    seats: int
    meeting_id: str
    nominations: tuple[Nomination, ...] = ()
    ballots: tuple[ApprovalBallot, ...] = ()


class Placing(msgspec.Struct, frozen=True):
    candidate_id: str
    display_name: str
    votes: int
    lot: str


class ElectionResult(msgspec.Struct, frozen=True, kw_only=True):
    election_id: str
    conference: str
    meeting_id: str
    seats: int
    ranking: tuple[Placing, ...]
    elected: tuple[Placing, ...]
    rule: str
    balance_unmet: str = ""


class Mandate(msgspec.Struct, frozen=True):
    conference: str
    conference_motion: str
    position: Position
    decision_ref: str


class CredentialedDelegate(msgspec.Struct, frozen=True):
    delegate_id: str
    display_name: str


class DelegateCredential(msgspec.Struct, frozen=True, kw_only=True):
    conference: str
    group_id: str
    election_ref: str
    delegates: tuple[CredentialedDelegate, ...]
    mandates: tuple[Mandate, ...]


def open_election(election_id: str, conference: str, seats: int, meeting: Meeting,
                  orders: GroupStandingOrders) -> Election | Rejection:
    if not conference.strip():
        return Rejection("conference_required", "an election of delegates names the conference")
    if seats < 1:
        return Rejection("invalid_seats", "an election fills one seat or more")
    refusal = meetings.body_check(meeting, "delegate_election", orders)
    if refusal:
        return refusal
    return Election(election_id=election_id, conference=conference.strip(), seats=seats,
                    meeting_id=meeting.meeting_id)


def nominate(election: Election, candidate: Member, nominated_by: Member, display_name: str,
             at_ms: int) -> Election | Rejection:
    if election.ballots:
        return Rejection("nominations_closed", "nominations close when voting starts")
    for person in (candidate, nominated_by):
        if person.status != "active":
            return Rejection("not_active", f"only active members nominate and stand; "
                             f"{person.name} is {person.status}")
    if not display_name.strip():
        return Rejection("display_name_required",
                         "a delegate is named publicly by a name they choose; give one")
    if any(n.candidate_id == candidate.member_id for n in election.nominations):
        return Rejection("already_nominated", f"{candidate.name} is already nominated")
    nomination = Nomination(candidate_id=candidate.member_id, display_name=display_name.strip(),
                            nominated_by=nominated_by.member_id, nominated_at_ms=at_ms)
    return msgspec.structs.replace(election, nominations=election.nominations + (nomination,))


def accept_nomination(election: Election, candidate_id: str, by_member_id: str, at_ms: int,
                      attributes: tuple[str, ...] = ()) -> Election | Rejection:
    """The nominee accepts, declaring any attributes about themselves (e.g. "woman")."""
    if by_member_id != candidate_id:
        return Rejection("not_the_nominee", "only the nominee can accept a nomination")
    if election.ballots:
        return Rejection("nominations_closed", "nominations close when voting starts")
    found = [n for n in election.nominations if n.candidate_id == candidate_id]
    if not found:
        return Rejection("not_nominated", "there is no such nomination to accept")
    if found[0].accepted_at_ms is not None:
        return Rejection("already_accepted", "this nomination is already accepted")
    accepted = msgspec.structs.replace(found[0], accepted_at_ms=at_ms,
                                       attributes=tuple(sorted(set(attributes))))
    nominations = tuple(accepted if n.candidate_id == candidate_id else n
                        for n in election.nominations)
    return msgspec.structs.replace(election, nominations=nominations)


def _candidates(election: Election) -> dict[str, Nomination]:
    return {n.candidate_id: n for n in election.nominations if n.accepted_at_ms is not None}


def cast_ballot(election: Election, voter_id: str, approvals: Sequence[str],
                attendance: Attendance) -> Election | Rejection:
    """One attending member votes for up to `seats` candidates (or none)."""
    if attendance.meeting_id != election.meeting_id:
        return Rejection("wrong_meeting", "this attendance list is for another meeting")
    if voter_id not in attendance.present:
        return Rejection("not_present", "only members recorded as present vote")
    if any(b.voter_id == voter_id for b in election.ballots):
        return Rejection("already_voted", "each member present casts one ballot")
    if len(set(approvals)) != len(approvals):
        return Rejection("duplicate_approval", "a ballot votes for each candidate at most once")
    if len(approvals) > election.seats:
        return Rejection("too_many_approvals",
                         f"a ballot votes for up to {election.seats} candidates, the number of "
                         f"seats; this one has {len(approvals)}")
    unknown = set(approvals) - set(_candidates(election))
    if unknown:
        return Rejection("not_a_candidate",
                         "a ballot votes only for nominees who have accepted")
    ballot = ApprovalBallot(voter_id, tuple(sorted(approvals)))
    return msgspec.structs.replace(election, ballots=election.ballots + (ballot,))


def _lot(seed: bytes, candidate_id: str) -> str:
    return hashlib.sha256(_LOT_DOMAIN + seed + b"\n" + candidate_id.encode()).hexdigest()


def _balance(ranking: list[Placing], elected: list[Placing], candidates: dict[str, Nomination],
             orders: GroupStandingOrders) -> tuple[list[Placing], str]:
    rule = orders.delegate_balance
    if rule is None or not elected:
        return elected, ""

    def has(p: Placing) -> bool:
        return rule.attribute in candidates[p.candidate_id].attributes

    need = -(-len(elected) * rule.min_percent // 100)
    elected = list(elected)
    while sum(map(has, elected)) < need:
        waiting = [p for p in ranking if p not in elected and p.votes > 0 and has(p)]
        if not waiting:
            return elected, (f"{cite('delegate_balance')} asks {need} of {len(elected)} "
                             f"delegates with '{rule.attribute}'; not enough such candidates "
                             f"had votes, so {sum(map(has, elected))} are elected")
        lowest = max((p for p in elected if not has(p)), key=ranking.index)
        elected[elected.index(lowest)] = waiting[0]
    return sorted(elected, key=ranking.index), ""


def count_election(election: Election, meeting: Meeting, attendance: Attendance,
                   active_member_count: int, orders: GroupStandingOrders,
                   lot_seed: bytes) -> ElectionResult | Rejection:
    """Rank, break ties by lot, elect the top `seats`, then apply SO 8.1."""
    if meeting.meeting_id != election.meeting_id or attendance.meeting_id != meeting.meeting_id:
        return Rejection("wrong_meeting", "this election, meeting and attendance do not match")
    refusal = meetings.may_decide(meeting, "delegate_election", len(attendance.present),
                                  active_member_count, orders)
    if refusal:
        return refusal
    if len(lot_seed) < 16:
        return Rejection("lot_seed_required",
                         "ties are broken by lot from a seed of at least 16 bytes drawn at the "
                         "meeting")
    if len(election.ballots) > len(attendance.present):
        return Rejection("tally_exceeds_attendance",
                         f"{len(election.ballots)} ballots but {len(attendance.present)} present")
    candidates = _candidates(election)
    votes = {c: 0 for c in candidates}
    for ballot in election.ballots:
        for c in ballot.approvals:
            votes[c] += 1
    ranking = sorted((Placing(c, n.display_name, votes[c], _lot(lot_seed, c))
                      for c, n in candidates.items()),
                     key=lambda p: (-p.votes, p.lot))
    elected = [p for p in ranking if p.votes > 0][:election.seats]
    elected, unmet = _balance(ranking, elected, candidates, orders)
    rule = (f"{cite('delegate_election_bodies')}: approval ballot, each member voting for up "
            f"to {election.seats}; the {election.seats} with most votes are elected, ties "
            f"broken by lot; balance under {cite('delegate_balance')}")
    return ElectionResult(election_id=election.election_id, conference=election.conference,
                          meeting_id=meeting.meeting_id, seats=election.seats,
                          ranking=tuple(ranking), elected=tuple(elected), rule=rule,
                          balance_unmet=unmet)


def mandate(conference: str, conference_motion: str, position: Position,
            decision: MotionResult, orders: GroupStandingOrders) -> Mandate | Rejection:
    """A mandate on a conference motion, as decided by the group's carried motion."""
    if decision.outcome != "carried":
        return Rejection("mandate_not_carried",
                         "a mandate is given by a motion the group carried; this one "
                         f"{decision.outcome}")
    if decision.meeting_kind not in orders.mandate_bodies:
        return Rejection("wrong_body",
                         f"{cite('mandate_bodies')}: mandates are decided by "
                         f"{' or '.join(orders.mandate_bodies)} meetings, not a "
                         f"{decision.meeting_kind} meeting")
    if not conference_motion.strip():
        return Rejection("conference_motion_required", "a mandate names the conference motion")
    return Mandate(conference, conference_motion.strip(), position,
                   f"{decision.meeting_id}/{decision.motion_id}")


def current_mandates(decided: Sequence[Mandate]) -> list[Mandate]:
    """SO 6.3: the mandates in force, from every mandate decided in the order decided:
    the latest on each conference motion stands."""
    latest: dict[tuple[str, str], Mandate] = {}
    for m in decided:
        latest.pop((m.conference, m.conference_motion), None)
        latest[(m.conference, m.conference_motion)] = m
    return list(latest.values())


def pseudonym(salt: bytes, election_id: str, candidate_id: str) -> str:
    """The delegate id under which the network knows an elected member: the group's secret
    salt keeps anyone outside from telling who it is."""
    return hashlib.sha256(_PSEUDONYM_DOMAIN + salt + b"\n" + election_id.encode() + b"\n"
                          + candidate_id.encode()).hexdigest()


def credential(result: ElectionResult, group_id: str, mandates: Sequence[Mandate],
               pseudonym_salt: bytes) -> DelegateCredential | Rejection:
    """The credential a later layer signs: public names, pseudonymous ids, mandates.

    `pseudonym_salt` is a secret the group keeps (16 bytes or more), so nobody
    outside can tell a delegate's member id from their delegate id.
    """
    if not result.elected:
        return Rejection("no_delegates", "nobody was elected, so there is nobody to credential")
    if len(pseudonym_salt) < 16:
        return Rejection("salt_too_short", "a pseudonym salt has at least 16 bytes")
    if any(m.conference != result.conference for m in mandates):
        return Rejection("wrong_conference",
                         f"every mandate must be for {result.conference}")
    motions = [m.conference_motion for m in mandates]
    if len(set(motions)) != len(motions):
        return Rejection("conflicting_mandates", "a delegation has one mandate per motion")
    delegates = tuple(
        CredentialedDelegate(pseudonym(pseudonym_salt, result.election_id, p.candidate_id),
                             p.display_name)
        for p in result.elected)
    return DelegateCredential(conference=result.conference, group_id=group_id,
                              election_ref=f"{result.meeting_id}/{result.election_id}",
                              delegates=delegates,
                              mandates=tuple(sorted(mandates, key=lambda m: m.conference_motion)))
