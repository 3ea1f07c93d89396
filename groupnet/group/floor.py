"""A delegate votes on the conference floor (SPEC 5.9, F5): the member signs in, and the
group's node signs the vote under the pseudonym the member was credentialed by.

The network knows the group's delegates only by pseudonym (`group/elections.py`);
here the node finds which of its credential's delegates the signed-in member is,
from the delegate elections it counted, and votes for them. An officer entering
a delegate's vote by hand (the operator, or the CLI) names the pseudonym.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from ..network import elections as network_elections
from ..network import floor as network_floor
from ..network.node import Node
from ..procedure.network.credentials import Credentials
from ..wire.messages import Entry, Pseudonym
from ..wire.rejection import refuse
from . import elections
from .people import Actor


class CastFloorVote(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A delegate's vote; `delegate` names the pseudonym when the operator enters it."""

    vote: Literal["for", "against", "abstain"]
    delegate: Pseudonym | None = None


class RankCandidates(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A delegate's ranking (nomination ids, first preference first); `delegate` names the
    pseudonym when the operator enters it."""

    ranking: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=64)]],
                       msgspec.Meta(min_length=1, max_length=200)]
    delegate: Pseudonym | None = None


async def _delegate(node: Node, actor: Actor, conference: str, delegate: str | None,
                    step: str) -> str:
    """The pseudonym a step is signed under: the signed-in member's own seat on our
    credential, or the one the operator names (F5, E3)."""
    if actor.member_id is not None:
        found = node.state.rules(Credentials).credentials.get((node.id, conference))
        named = {seat.delegate for seat in found[1].delegates} if found else set()
        mine = [p for p in await elections.pseudonyms(node, actor.member_id, conference)
                if p in named]
        if not mine:
            raise refuse("not_delegate", "F5: you are not one of this group's credentialed "
                         "delegates to the conference")
        if delegate is not None and delegate not in mine:
            raise refuse("not_delegate", f"F5: a member {step} as their own delegate only")
        return mine[-1]
    if delegate is None:
        raise refuse("bad_request", "F5: name the `delegate` whose step this is", 400)
    return delegate


async def cast(node: Node, actor: Actor, open_id: str, request: CastFloorVote) -> Entry:
    """Sign the signed-in delegate's vote (or the named delegate's, for the operator)."""
    put = network_floor.open_or_404(node, open_id)
    delegate = await _delegate(node, actor, put.conference, request.delegate, "votes")
    return await network_floor.vote(node, put.id, delegate, request.vote)


async def rank(node: Node, actor: Actor, election_id: str, request: RankCandidates) -> Entry:
    """Sign the signed-in delegate's ranking (or the named delegate's, for the operator)."""
    put = network_elections.election_or_404(node, election_id)
    delegate = await _delegate(node, actor, put.conference, request.delegate, "ranks")
    return await network_elections.rank(node, put.id, network_elections.Rank(
        delegate=delegate, ranking=list(request.ranking)))
