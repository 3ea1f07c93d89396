"""Electing the group's delegates to a conference, and publishing their credential.

An election belongs to a meeting allowed to elect delegates (SO 6.2).
Members are nominated and accept; attending members each cast one approval
ballot (a teller may enter a paper ballot for a named member); the chair has
the node count them, with a lot seed the node draws at the count and keeps,
so anyone can repeat the count. The result, with the mandates the group's
carried motions gave for that conference, is published to the network as a
signed `delegate.credential`: delegates appear by the name they chose and a
pseudonymous id, never by member id.
"""

from __future__ import annotations

import os
from typing import Annotated

import aiosqlite
import msgspec

from .. import clock, store
from ..network.node import Node
from ..procedure.group import delegates
from ..procedure.group.delegates import Election, ElectionResult
from ..procedure.group.standing_orders import Name
from ..store import audit, business
from ..wire.messages import DelegateCredential, DelegateSeat, MandateLine
from ..wire.rejection import or_refuse, refuse
from . import meetings, motions, people, rules
from .meetings import MemberId
from .people import Actor

KIND = "election"
SALT_KEY = "delegate_pseudonym_salt"


class OpenElection(msgspec.Struct, forbid_unknown_fields=True):
    """Elect `seats` delegates to the named conference at this meeting."""

    conference: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    seats: Annotated[int, msgspec.Meta(ge=1, le=100)]


class Nominate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Nominate a member; `display_name` is the name the network will see."""

    candidate: MemberId
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    nominated_by: MemberId | None = None


class AcceptNomination(msgspec.Struct, forbid_unknown_fields=True):
    """The nominee accepts, declaring any attributes a balance rule looks at (e.g. woman)."""

    attributes: Annotated[list[Name], msgspec.Meta(max_length=20)] = []


class CastBallot(msgspec.Struct, forbid_unknown_fields=True):
    """One approval ballot: up to as many candidates as seats. `voter` is for a teller
    entering a paper ballot; a member casts their own."""

    approvals: Annotated[list[MemberId], msgspec.Meta(max_length=100)]
    voter: MemberId | None = None


class Publication(msgspec.Struct, frozen=True):
    entry: str
    seq: int
    at_ms: int
    mandates: int


class ElectionRecord(msgspec.Struct, frozen=True, kw_only=True):
    election: Election
    result: ElectionResult | None = None
    # drawn at the count; with it anyone can repeat the lot (hex)
    lot_seed: str = ""
    published: tuple[Publication, ...] = ()


class ElectionView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    meeting: int
    conference: str
    seats: int
    nominations: list[delegates.Nomination]
    ballots_cast: int
    result: ElectionResult | None
    lot_seed: str
    mandates: list[delegates.Mandate]
    published: tuple[Publication, ...]
    version: int



async def load(db: aiosqlite.Connection, ident: int) -> tuple[ElectionRecord, int]:
    return await business.load(db, KIND, ident, ElectionRecord)


async def view(db: aiosqlite.Connection, ident: int) -> ElectionView:
    record, version = await load(db, ident)
    e = record.election
    return ElectionView(
        id=ident, meeting=int(e.meeting_id), conference=e.conference, seats=e.seats,
        nominations=list(e.nominations), ballots_cast=len(e.ballots), result=record.result,
        lot_seed=record.lot_seed,
        mandates=delegates.current_mandates(await motions.mandates_for(db, e.conference)),
        published=record.published, version=version)


async def listing(db: aiosqlite.Connection) -> list[dict]:
    return [{"id": ident, "meeting": int(r.election.meeting_id),
             "conference": r.election.conference, "seats": r.election.seats,
             "counted": r.result is not None, "published": len(r.published)}
            for ident, r in await business.all_of(db, KIND, ElectionRecord)]


def _still_open(record: ElectionRecord, ident: int) -> None:
    if record.result is not None:
        raise refuse("election_counted", f"election {ident} has been counted; it is closed")


async def open_election(node: Node, actor: Actor, meeting_id: int,
                        request: OpenElection) -> ElectionView:
    async with node.transaction() as db:
        now = clock.now(node)
        meeting_record, _ = await meetings.load(db, meeting_id)
        orders = await rules.current(db)
        ident = await business.next_id(db, KIND)
        election = or_refuse(delegates.open_election(str(ident), request.conference, request.seats,
                                                  meeting_record.meeting, orders))
        await business.save(db, KIND, ident, ElectionRecord(election=election), None, now)
        await audit.record(db, actor.audit, "election.opened", f"{KIND}:{ident}",
                           {"meeting": meeting_id, "conference": election.conference,
                            "seats": election.seats}, now)
    return await view(node.db, ident)


async def nominate(node: Node, actor: Actor, ident: int, request: Nominate) -> ElectionView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        _still_open(record, ident)
        orders = await rules.current(db)
        nominator = await people.acting_for(db, actor, request.nominated_by, orders,
                                            "makes the nomination")
        candidate = await people.member(db, request.candidate)
        election = or_refuse(delegates.nominate(record.election, candidate, nominator,
                                             request.display_name, now))
        await business.save(db, KIND, ident,
                            msgspec.structs.replace(record, election=election), version, now)
        await audit.record(db, actor.audit, "election.nominated", f"{KIND}:{ident}",
                           {"candidate": candidate.member_id, "by": nominator.member_id,
                            "display_name": request.display_name}, now)
    return await view(node.db, ident)


async def accept(node: Node, actor: Actor, ident: int, candidate_id: str,
                 request: AcceptNomination) -> ElectionView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        _still_open(record, ident)
        orders = await rules.current(db)
        nominee = await people.acting_for(db, actor, candidate_id, orders,
                                          "accepts the nomination")
        election = or_refuse(delegates.accept_nomination(record.election, candidate_id,
                                                      nominee.member_id, now,
                                                      tuple(request.attributes)))
        await business.save(db, KIND, ident,
                            msgspec.structs.replace(record, election=election), version, now)
        await audit.record(db, actor.audit, "election.nomination_accepted", f"{KIND}:{ident}",
                           {"candidate": candidate_id, "attributes": request.attributes}, now)
    return await view(node.db, ident)


async def cast_ballot(node: Node, actor: Actor, ident: int, request: CastBallot) -> ElectionView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        _still_open(record, ident)
        orders = await rules.current(db)
        voter = await people.acting_for(db, actor, request.voter, orders, "casts the ballot")
        meeting_record, _ = await meetings.load(db, int(record.election.meeting_id))
        meetings.in_session(meeting_record, now)
        election = or_refuse(delegates.cast_ballot(record.election, voter.member_id,
                                                request.approvals, meeting_record.attendance))
        await business.save(db, KIND, ident,
                            msgspec.structs.replace(record, election=election), version, now)
        # the audit says who voted, not for whom
        await audit.record(db, actor.audit, "election.ballot_cast", f"{KIND}:{ident}",
                           {"voter": voter.member_id, "ballots": len(election.ballots)}, now)
    return await view(node.db, ident)


async def count(node: Node, actor: Actor, ident: int) -> ElectionView:
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        _still_open(record, ident)
        meeting_record, meeting, orders, entitled = await meetings.decision_context(
            db, record.election.meeting_id, now)
        seed = os.urandom(32)
        result = or_refuse(delegates.count_election(record.election, meeting,
                                                 meeting_record.attendance, entitled, orders,
                                                 seed))
        await business.save(db, KIND, ident, msgspec.structs.replace(
            record, result=result, lot_seed=seed.hex()), version, now)
        await audit.record(db, actor.audit, "election.counted", f"{KIND}:{ident}", {
            "elected": [p.candidate_id for p in result.elected], "lot_seed": seed.hex(),
            "balance_unmet": result.balance_unmet, "rule": result.rule,
        }, now)
    return await view(node.db, ident)


async def _salt(node: Node) -> bytes:
    """The group's secret behind its delegates' pseudonyms, made once and kept."""
    async with node.transaction() as db:
        held = await store.get_meta(db, SALT_KEY)
        if held is None:
            held = os.urandom(32).hex()
            await store.set_meta(db, SALT_KEY, held)
    return bytes.fromhex(held)


async def pseudonyms(node: Node, member_id: str, conference: str) -> list[str]:
    """The delegate ids a member was elected under to `conference`, newest election last."""
    salt = await _salt(node)
    return [delegates.pseudonym(salt, r.result.election_id, member_id)
            for _, r in await business.all_of(node.db, KIND, ElectionRecord)
            if r.result is not None and r.election.conference == conference
            and any(p.candidate_id == member_id for p in r.result.elected)]


async def publish(node: Node, actor: Actor, ident: int) -> ElectionView:
    """Sign and publish the delegates and their mandates as a `delegate.credential`."""
    record, _ = await load(node.db, ident)
    if record.result is None:
        raise refuse("election_not_counted",
                     "a credential names the delegates elected; count the election first")
    conference = record.election.conference
    mandates = delegates.current_mandates(await motions.mandates_for(node.db, conference))
    made = or_refuse(delegates.credential(record.result, node.id, mandates, await _salt(node)))
    body = DelegateCredential(
        conference=made.conference, election=made.election_ref,
        delegates=[DelegateSeat(d.delegate_id, d.display_name) for d in made.delegates],
        mandates=[MandateLine(m.conference_motion, m.position, m.decision_ref)
                  for m in made.mandates])
    entry = await node.append("delegate.credential", body)
    async with node.transaction() as db:
        now = clock.now(node)
        record, version = await load(db, ident)
        published = Publication(entry.id, entry.seq, now, len(made.mandates))
        await business.save(db, KIND, ident, msgspec.structs.replace(
            record, published=record.published + (published,)), version, now)
        await audit.record(db, actor.audit, "election.credential_published", f"{KIND}:{ident}",
                           {"entry": entry.id, "seq": entry.seq, "conference": conference,
                            "delegates": len(made.delegates), "mandates": len(made.mandates)},
                           now)
    return await view(node.db, ident)


async def nominee(node: Node, member_id: str, conference: str, body: str) -> str:
    """The pseudonym under which the network knows a member our group nominates for a body
    the conference elects (SPEC 5.9.1, N1): the group's secret salt, as for its delegates."""
    salt = await _salt(node)
    return delegates.pseudonym(salt, f"nomination\n{conference}\n{body}", member_id)
