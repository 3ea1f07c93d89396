"""A delegate votes on the conference floor (SPEC 5.9, F5): the member signs in, and the
group's node signs the vote under the pseudonym the member was credentialed by.

The network knows the group's delegates only by pseudonym (`group/elections.py`);
here the node finds which of its credential's delegates the signed-in member is,
from the delegate elections it counted, and votes for them. An officer entering
a delegate's vote by hand (the operator, or the CLI) names the pseudonym.
"""

from __future__ import annotations

from typing import Literal

import msgspec

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


async def cast(node: Node, actor: Actor, open_id: str, request: CastFloorVote) -> Entry:
    """Sign the signed-in delegate's vote (or the named delegate's, for the operator)."""
    put = network_floor.open_or_404(node, open_id)
    delegate = request.delegate
    if actor.member_id is not None:
        found = node.state.rules(Credentials).credentials.get((node.id, put.conference))
        named = {seat.delegate for seat in found[1].delegates} if found else set()
        mine = [p for p in await elections.pseudonyms(node, actor.member_id, put.conference)
                if p in named]
        if not mine:
            raise refuse("not_delegate", "F5: you are not one of this group's credentialed "
                         "delegates to the conference")
        if delegate is not None and delegate not in mine:
            raise refuse("not_delegate", "F5: a member votes as their own delegate only")
        delegate = mine[-1]
    if delegate is None:
        raise refuse("bad_request", "F5: name the `delegate` whose vote this is", 400)
    return await network_floor.vote(node, put.id, delegate, request.vote)
