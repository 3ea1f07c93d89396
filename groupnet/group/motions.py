"""Motions, amendments and votes at a meeting, including rule changes and mandates.

A motion is submitted for a meeting with the notice the rules require. It
may be counterposed to another motion of the same meeting; the set is then
put as SO 3.2 says, one motion at a time, and only once no more is to be put
do the results become final. A motion may carry a mandate for the group's
delegates (support, oppose or a free vote on a conference motion), which
exists only once the motion is carried. A rule change, once carried, puts
the new standing orders into force in the same transaction.

Votes are the chair's count of a show of hands, or individual votes cast by
attending members and then counted. Either way the outcome is computed by
the procedure code; nobody types it in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import aiosqlite
import msgspec

from .. import clock
from ..limits import Id
from ..network.node import Node
from ..procedure.group import delegates, meetings, motions
from ..procedure.group.delegates import Mandate, Position
from ..procedure.group.meetings import Attendance, Meeting
from ..procedure.group.motions import (
    Choice,
    DiffPiece,
    IndividualVotes,
    Motion,
    MotionKind,
    MotionResult,
    ShowOfHands,
    Votes,
)
from ..procedure.group.standing_orders import GroupStandingOrders
from ..store import audit, business
from ..wire.rejection import or_refuse, refuse
from . import endorsement, people, rules
from . import meetings as group_meetings
from .meetings import Line, MemberId, Text
from .people import Actor

KIND = "motion"
MOTION = "motion"  # the question of the motion itself, beside its amendments' ids

Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
# standing orders by name, each value checked by the standing orders' own types
RulePatch = Annotated[dict[Annotated[str, msgspec.Meta(max_length=64)], Any],
                      msgspec.Meta(max_length=64)]


class MandateProposal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """If the motion is carried, the group's delegates to `conference` are mandated to
    take `position` on `conference_motion`."""

    conference: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    conference_motion: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    position: Position


class SubmitMotion(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A motion for a meeting. A rule change gives `rule_patch`: the standing orders it
    changes, by field name, with their new values."""

    title: Line
    text: Text
    seconder: MemberId
    proposer: MemberId | None = None
    kind: MotionKind = "ordinary"
    rule_patch: RulePatch | None = None
    counterposed_to: Id | None = None
    mandate: MandateProposal | None = None


class ProposeAmendment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An amendment gives the motion's whole new text; it is shown as a diff."""

    text: Text
    mover: MemberId | None = None
    seconder: MemberId | None = None


class AcceptFriendly(msgspec.Struct, forbid_unknown_fields=True):
    """The motion's mover accepts an amendment as friendly (officers may record it for them)."""

    mover: MemberId | None = None


class CastVote(msgspec.Struct, forbid_unknown_fields=True):
    """An attending member's own vote, on the motion or (`amendment`) on an amendment."""

    choice: Choice
    amendment: Annotated[str, msgspec.Meta(max_length=20)] | None = None


class HandsCount(msgspec.Struct, forbid_unknown_fields=True):
    in_favour: Count
    against: Count
    abstentions: Count


class PutToVote(msgspec.Struct, forbid_unknown_fields=True):
    """The chair puts the question: with `show_of_hands`, the count of hands; without it,
    the individual votes members have cast are counted."""

    amendment: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    show_of_hands: HandsCount | None = None


class MotionRecord(msgspec.Struct, frozen=True, kw_only=True):
    motion: Motion
    # the id of the first motion of its counterposed set, if it has one
    counterposed_set: str | None = None
    mandate: MandateProposal | None = None
    # individual votes cast so far, by question (MOTION or an amendment id)
    ballots: dict[str, IndividualVotes] = {}
    # the votes the motion was put on, and the result then
    votes: Votes | None = None
    put: MotionResult | None = None
    # the final result (for a counterposed motion, once the set is settled)
    result: MotionResult | None = None
    decided_at_ms: int | None = None
    amendment_results: tuple[MotionResult, ...] = ()
    mandate_given: Mandate | None = None


class AmendmentView(msgspec.Struct, frozen=True):
    amendment_id: str
    status: str
    mover_id: str
    seconder_id: str | None
    diff: list[DiffPiece]


class MotionView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    meeting: int
    motion: Motion
    amendments: list[AmendmentView]
    amendment_results: tuple[MotionResult, ...]
    counterposed_with: list[int]
    mandate: MandateProposal | None
    votes_cast: dict[str, int]
    put: MotionResult | None
    result: MotionResult | None
    mandate_given: Mandate | None
    version: int



async def load(db: aiosqlite.Connection, ident: int) -> tuple[MotionRecord, int]:
    return await business.load(db, KIND, ident, MotionRecord)


async def _counterposed_set(db: aiosqlite.Connection,
                            root: str) -> dict[int, tuple[MotionRecord, int]]:
    ids = await business.ids_where(db, KIND, "$.counterposed_set", root)
    return {ident: await load(db, ident) for ident in ids}


async def view(db: aiosqlite.Connection, ident: int) -> MotionView:
    record, version = await load(db, ident)
    others = []
    if record.counterposed_set is not None:
        others = [i for i in await _counterposed_set(db, record.counterposed_set) if i != ident]
    return MotionView(
        id=ident, meeting=int(record.motion.meeting_id), motion=record.motion,
        amendments=[AmendmentView(a.amendment_id, a.status, a.mover_id, a.seconder_id,
                                  motions.amendment_diff(a)) for a in record.motion.amendments],
        amendment_results=record.amendment_results, counterposed_with=others,
        mandate=record.mandate,
        votes_cast={q: len(v.votes) for q, v in record.ballots.items()},
        put=record.put, result=record.result, mandate_given=record.mandate_given,
        version=version)


async def listing(db: aiosqlite.Connection, meeting: int | None) -> list[dict]:
    return [{"id": ident, "meeting": int(r.motion.meeting_id), "title": r.motion.title,
             "kind": r.motion.kind, "proposer": r.motion.proposer_id,
             "outcome": r.result.outcome if r.result else None}
            for ident, r in await business.all_of(db, KIND, MotionRecord)
            if meeting is None or r.motion.meeting_id == str(meeting)]


async def submit(node: Node, actor: Actor, meeting_id: int, request: SubmitMotion,
                 also: Callable[[aiosqlite.Connection, int], Awaitable[None]] | None = None,
                 ) -> MotionView:
    """Submit a motion; `also` writes more in the same transaction (a link to its origin)."""
    async with node.transaction() as db:
        now = clock.now(node)
        orders = await rules.current(db)
        meeting_record, _ = await group_meetings.load(db, meeting_id)
        meeting = meeting_record.meeting
        proposer = await people.acting_for(db, actor, request.proposer, orders,
                                           "proposes the motion")
        seconder = await people.member(db, request.seconder)
        ident = await business.next_id(db, KIND)
        motion = or_refuse(motions.submit_motion(
            str(ident), meeting, request.title, request.text, proposer, seconder, now, orders,
            kind=request.kind, rule_patch=request.rule_patch))
        if request.mandate is not None:
            if request.kind != "ordinary":
                raise refuse("mandate_only_for_motion",
                             "a mandate is given by an ordinary motion, not a rule change")
            refusal = meetings.body_check(meeting, "mandate", orders)
            if refusal:
                raise refuse(refusal.code, refusal.reason)
        root = None
        if request.counterposed_to is not None:
            root = await _join_counterposed(db, request.counterposed_to, motion, now)
        record = MotionRecord(motion=motion, counterposed_set=root, mandate=request.mandate)
        await business.save(db, KIND, ident, record, None, now)
        if also is not None:
            await also(db, ident)
        await audit.record(db, actor.audit, "motion.submitted", f"{KIND}:{ident}", {
            "meeting": meeting_id, "title": motion.title, "kind": motion.kind,
            "proposer": motion.proposer_id, "seconder": motion.seconder_id,
            "rule_patch": motion.rule_patch, "counterposed_to": request.counterposed_to,
            "mandate": msgspec.to_builtins(request.mandate),
        }, now)
    return await view(node.db, ident)


async def _join_counterposed(db: aiosqlite.Connection, other_id: int, motion: Motion,
                             now: int) -> str:
    """The set `motion` joins by being counterposed to motion `other_id`."""
    other, version = await load(db, other_id)
    if other.motion.meeting_id != motion.meeting_id:
        raise refuse("not_counterposed",
                     "standing order 3.2: counterposed motions are put at the same meeting; "
                     f"motion {other_id} is for meeting {other.motion.meeting_id}")
    if other.put is not None:
        raise refuse("already_put", f"motion {other_id} has already been put to the vote, so "
                     "nothing can now be counterposed to it")
    if other.counterposed_set is not None:
        return other.counterposed_set
    root = other.motion.motion_id
    await business.save(db, KIND, other_id,
                        msgspec.structs.replace(other, counterposed_set=root), version, now)
    return root


async def amend(node: Node, actor: Actor, ident: int, request: ProposeAmendment) -> MotionView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        _not_yet_put(record, ident)
        orders = await rules.current(db)
        mover = await people.acting_for(db, actor, request.mover, orders,
                                        "moves the amendment")
        seconder = await people.member(db, request.seconder) if request.seconder else None
        amendment_id = str(len(record.motion.amendments) + 1)
        motion = or_refuse(motions.propose_amendment(record.motion, amendment_id, request.text,
                                                  mover, seconder, now))
        await business.save(db, KIND, ident, msgspec.structs.replace(record, motion=motion),
                            version, now)
        await audit.record(db, actor.audit, "motion.amendment_proposed", f"{KIND}:{ident}", {
            "amendment": amendment_id, "mover": mover.member_id,
            "seconder": seconder.member_id if seconder else None, "text": request.text,
        }, now)
    return await view(node.db, ident)


async def accept_friendly(node: Node, actor: Actor, ident: int, amendment_id: str,
                          request: AcceptFriendly) -> MotionView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        _not_yet_put(record, ident)
        orders = await rules.current(db)
        mover = await people.acting_for(db, actor, request.mover, orders,
                                        "moved the motion")
        motion = or_refuse(motions.accept_friendly(record.motion, amendment_id, mover.member_id))
        await business.save(db, KIND, ident, msgspec.structs.replace(record, motion=motion),
                            version, now)
        await audit.record(db, actor.audit, "motion.amendment_accepted", f"{KIND}:{ident}",
                           {"amendment": amendment_id, "by": mover.member_id,
                            "text": motion.text}, now)
    return await view(node.db, ident)


def _not_yet_put(record: MotionRecord, ident: int) -> None:
    if record.put is not None or record.result is not None:
        raise refuse("already_decided",
                     f"motion {ident} has been put to the vote; a question is decided once")


def _question(record: MotionRecord, amendment: str | None) -> str:
    if amendment is None:
        return MOTION
    if not any(a.amendment_id == amendment for a in record.motion.amendments):
        raise refuse("no_such_amendment",
                     f"motion {record.motion.motion_id} has no amendment {amendment}", 404)
    return amendment


async def cast_vote(node: Node, actor: Actor, ident: int, request: CastVote) -> MotionView:
    async with node.transaction() as db:
        now = clock.now(node)
        if actor.member_id is None:
            raise refuse("member_required",
                         "an individual vote is cast by the member themselves; the operator "
                         "records a count of hands instead", 403)
        record, version = await load(db, ident)
        _not_yet_put(record, ident)
        question = _question(record, request.amendment)
        meeting_record, _ = await group_meetings.load(db, int(record.motion.meeting_id))
        group_meetings.in_session(meeting_record, now)
        ballots = or_refuse(motions.cast_vote(record.ballots.get(question, IndividualVotes()),
                                           actor.member_id, request.choice,
                                           meeting_record.attendance))
        await business.save(db, KIND, ident, msgspec.structs.replace(
            record, ballots={**record.ballots, question: ballots}), version, now)
        # the audit says that the member voted, not how
        await audit.record(db, actor.audit, "motion.vote_cast", f"{KIND}:{ident}",
                           {"question": question, "votes_cast": len(ballots.votes)}, now)
    return await view(node.db, ident)


def _votes(record: MotionRecord, question: str, request: PutToVote, actor: Actor) -> Votes:
    cast = record.ballots.get(question)
    if request.show_of_hands is not None:
        if cast is not None and cast.votes:
            raise refuse("votes_already_cast",
                         f"{len(cast.votes)} members have cast individual votes on this "
                         "question; put it by counting them, not by a show of hands")
        hands = request.show_of_hands
        return ShowOfHands(hands.in_favour, hands.against, hands.abstentions,
                           counted_by=actor.member_id or actor.audit)
    if cast is None or not cast.votes:
        raise refuse("no_votes_cast",
                     "no individual votes have been cast on this question; give the count of "
                     "a show of hands instead")
    return cast


async def put_to_vote(node: Node, actor: Actor, ident: int, request: PutToVote) -> MotionView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        _not_yet_put(record, ident)
        question = _question(record, request.amendment)
        meeting_record, meeting, orders, entitled = await group_meetings.decision_context(
            db, record.motion.meeting_id, now)
        votes = _votes(record, question, request, actor)
        attendance = meeting_record.attendance
        if question != MOTION:
            motion, result = or_refuse(motions.decide_amendment(
                record.motion, question, votes, meeting, attendance, entitled, orders))
            await business.save(db, KIND, ident, msgspec.structs.replace(
                record, motion=motion, amendment_results=record.amendment_results + (result,)),
                version, now)
            await _audit_result(db, actor, ident, question, result, now)
        elif record.counterposed_set is not None:
            await _put_counterposed(db, actor, ident, record, votes, meeting, attendance,
                                    orders, entitled, now)
        else:
            result = or_refuse(motions.decide(record.motion, votes, meeting, attendance, entitled,
                                           orders))
            put = msgspec.structs.replace(record, votes=votes, put=result)
            await business.save(db, KIND, ident, await _final(db, actor, put, result, orders, now),
                                version, now)
            await _audit_result(db, actor, ident, MOTION, result, now)
    done = await view(node.db, ident)
    # a carried motion adopted from the network is endorsed there with this count
    await endorsement.after_decision(node, ident, done.meeting, done.result)
    return done


async def _put_counterposed(db: aiosqlite.Connection, actor: Actor, ident: int,
                            record: MotionRecord, votes: Votes, meeting: Meeting,
                            attendance: Attendance, orders: GroupStandingOrders, entitled: int,
                            now: int) -> None:
    """Put one motion of a counterposed set; once the set is settled, every result is final."""
    assert record.counterposed_set is not None
    members = await _counterposed_set(db, record.counterposed_set)
    set_motions = [r.motion for r, _ in members.values()]
    put = {r.motion.motion_id: r.put for r, _ in members.values() if r.put is not None}
    or_refuse(motions.counterposed_turn(record.motion, set_motions, put, orders))
    result = or_refuse(motions.decide(record.motion, votes, meeting, attendance, entitled, orders))
    await _audit_result(db, actor, ident, MOTION, result, now)
    put[record.motion.motion_id] = result
    changed = {ident: msgspec.structs.replace(record, votes=votes, put=result)}
    if motions.counterposed_settled(set_motions, put, orders):
        current = {i: changed.get(i, r) for i, (r, _) in members.items()}
        all_votes = {r.motion.motion_id: r.votes for r in current.values() if r.votes is not None}
        finals = {f.motion_id: f for f in or_refuse(motions.decide_counterposed(
            set_motions, all_votes, meeting, attendance, entitled, orders))}
        for other_id, other in current.items():
            final = finals[other.motion.motion_id]
            changed[other_id] = await _final(db, actor, other, final, orders, now)
            await audit.record(db, actor.audit, "motion.decided", f"{KIND}:{other_id}",
                               {"outcome": final.outcome, "rule": final.rule}, now)
    for other_id, other in changed.items():
        await business.save(db, KIND, other_id, other, members[other_id][1], now)


async def _final(db: aiosqlite.Connection, actor: Actor, record: MotionRecord,
                 result: MotionResult, orders: GroupStandingOrders, now: int) -> MotionRecord:
    """The record with its final result; a carried rule change or mandate takes effect."""
    given = None
    if result.outcome == "carried" and result.new_orders is not None:
        await rules.adopt(db, result, actor.audit, now)
    if result.outcome == "carried" and record.mandate is not None:
        proposal = record.mandate
        given = or_refuse(delegates.mandate(proposal.conference, proposal.conference_motion,
                                         proposal.position, result, orders))
    return msgspec.structs.replace(record, result=result, decided_at_ms=now, mandate_given=given)


async def _audit_result(db: aiosqlite.Connection, actor: Actor, ident: int, question: str,
                        result: MotionResult, now: int) -> None:
    await audit.record(db, actor.audit, "motion.put", f"{KIND}:{ident}", {
        "question": question, "outcome": result.outcome,
        "tally": msgspec.to_builtins(result.tally), "rule": result.rule,
    }, now)


async def mandates_for(db: aiosqlite.Connection, conference: str) -> list[Mandate]:
    """The mandates the group's carried motions gave its delegates to `conference`,
    in the order they were decided."""
    given = sorted((r.decided_at_ms or 0, ident, r.mandate_given)
                   for ident, r in await business.all_of(db, KIND, MotionRecord)
                   if r.mandate_given is not None and r.mandate_given.conference == conference)
    return [mandate for _, _, mandate in given]
