"""Elections of the bodies on the conference floor (SPEC 5.9.1): what a group's node signs
to nominate, what the chair signs to put an election, a delegate's ranking, and what the
nodes do by themselves once an election closes.

As for a vote (`floor.py`), the node of the chair group that put an election cuts it
`CUT_DELAY_MS` after the close, and every participant's node cosigns, with
`floor.elected`, the first cut whose count it computes alike and that leaves out nothing
it witnessed before the close: the chair's cut first, so honest participants agree.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

import msgspec

from ..limits import Millis
from ..procedure.network.credentials import Credentials
from ..procedure.network.elections import (
    Election,
    Elections,
    candidates,
    elections_of,
    outcome,
)
from ..procedure.network.floor import MAX_VOTE_MS, MIN_VOTE_MS, Cut, Floor
from ..procedure.network.state import NetworkState
from ..wire.messages import (
    ConferenceNomination,
    Entry,
    EntryRef,
    FloorCut,
    FloorElected,
    FloorElection,
    FloorRanking,
    Name,
    Pseudonym,
    Topic,
)
from ..wire.rejection import Rejection, refuse
from . import cuts
from .conferences import call_or_404
from .node import Node


class Nominate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Our group nominates one of its people for a body the conference elects (N1)."""

    body: Topic
    holder: Pseudonym
    name: Name
    category: Annotated[str, msgspec.Meta(max_length=40)] = ""


class PutElection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The chair puts the election of a body's seats (E1): the candidates are the
    nominations that came by the deadline; the window is fixed now."""

    body: Topic
    method: Literal["hands", "card"] = "hands"
    opens: Millis | None = None
    minutes: Annotated[int, msgspec.Meta(ge=MIN_VOTE_MS // 60_000,
                                         le=MAX_VOTE_MS // 60_000)] = 30


class Rank(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One of our delegates ranks the candidates (nomination ids), first preference first."""

    delegate: Pseudonym
    ranking: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=64)]],
                       msgspec.Meta(min_length=1, max_length=200)]


def _ref(state: NetworkState, group: str, entry: str) -> EntryRef:
    return EntryRef(group, entry, state.head_of(group).seq)


def election_or_404(node: Node, election_id: str) -> Election:
    found = node.state.rules(Elections).elections.get(election_id)
    if found is None:
        raise refuse("unknown_election", "E3: no election put to the floor with that id is "
                     "known here", 404)
    return found


async def nominate(node: Node, conference: str, request: Nominate) -> Entry:
    """Sign a `conference.nomination` (N1, N2)."""
    call = call_or_404(node, conference)
    return await node.append("conference.nomination", ConferenceNomination(
        _ref(node.state, call.author, call.id), request.body, request.holder, request.name,
        request.category))


async def put(node: Node, conference: str, request: PutElection) -> Entry:
    """Sign a `floor.election` naming the nominations that came by the deadline (E1, E2);
    put now (no `opens`), it opens when the entry is dated (`cuts.put_now`)."""
    call = call_or_404(node, conference)
    on_time, _, undecided = candidates(node.state, call, request.body)
    if undecided:
        raise refuse("missing_dependency", f"E2: the network has not yet witnessed whether "
                     f"{undecided} nomination(s) came by the deadline", 409)
    if not on_time:
        raise refuse("bad_election", f"E1: nobody was nominated for `{request.body}` by the "
                     "deadline", 422)
    nominations = node.state.rules(Elections).nominations
    named = [_ref(node.state, nominations[i].author, i) for i in on_time]
    body_rules = next((b for b in node.state.constitution.bodies if b.id == request.body), None)
    seats = body_rules.seats if body_rules is not None else 1
    return await cuts.put_now(node, "floor.election", request.opens, lambda opens: (
        FloorElection(_ref(node.state, call.author, call.id), request.body, seats, named,
                      request.method, opens, opens + request.minutes * 60_000)))


async def rank(node: Node, election_id: str, request: Rank) -> Entry:
    """Sign a `floor.ranking` for one of this group's delegates (E3)."""
    put_ = election_or_404(node, election_id)
    return await node.append("floor.ranking", FloorRanking(
        _ref(node.state, put_.author, put_.id), request.delegate, list(request.ranking)))


def _cut_body(state: NetworkState, put_: Election) -> FloorCut:
    """The heads of every log that may hold a ranking (F7, E4)."""
    wanted = {g for g, c in state.rules(Credentials).history if c == put_.conference}
    return FloorCut(_ref(state, put_.author, put_.id),
                    cuts.heads_of(state, wanted | {put_.author}))


async def cut(node: Node, election_id: str) -> Entry:
    put_ = election_or_404(node, election_id)
    entry = await node.append_made("floor.cut", lambda state: _cut_body(state, put_))
    assert entry is not None
    return entry


def _cut_due(state: NetworkState, me: str, put_: Election, now: int) -> bool:
    """The node that put the election cuts it CUT_DELAY after the close, and again while it
    leaves out a ranking signed by the close and the result is not final (`cuts.py`)."""
    if not cuts.due(put_.author, me, put_.body.closes, now):
        return False
    latest = cuts.latest_own_cut(state, me, put_.id)
    return latest is None or _omits(state, put_, latest)


def _omits(state: NetworkState, put_: Election, cut_: Cut) -> bool:
    """Would a cut written now hold a ranking that `cut_` leaves out, with the election
    still not final?"""
    held = [(r.author, r.seq) for ranked in state.rules(Elections).rankings.get(put_.id, {})
            .values() for r in ranked]
    if not cuts.leaves_out(cut_, _cut_body(state, put_).heads, held):
        return False
    found = outcome(state, put_)
    return found.status == "pending" and found.cut is None


def _cosign_body(state: NetworkState, me: str, cut_: Cut) -> FloorElected | None:
    elections = state.rules(Elections)
    if me in elections.cosigns.get(cut_.open, {}):
        return None
    result = elections.cosign_for(state, me, state.head_of(me).seq + 1, cut_)
    if isinstance(result, Rejection):
        return None
    return FloorElected(_ref(state, cut_.author, cut_.id), list(result.elected))


async def automate(node: Node, now: int) -> list[Entry]:
    """Cut the elections this node put once closed; cosign the cuts it agrees with
    (`cuts.py`)."""
    written: list[Entry] = []
    me = node.id
    elections = node.state.rules(Elections)
    if not elections.elections:
        return written
    for put_ in sorted(elections.elections.values(), key=lambda e: (e.body.closes, e.id)):

        def make_cut(s: NetworkState, p: Election = put_) -> FloorCut | None:
            return _cut_body(s, p) if _cut_due(s, me, p, now) else None

        entry = await cuts.cut_if_due(node, put_.id, now, make_cut)
        if entry is not None:
            written.append(entry)
    pending = [c for c in node.state.rules(Floor).cuts.values()
               if c.open in elections.elections and me not in elections.cosigns.get(c.open, {})]
    written += await cuts.cosign_each(
        node, "floor.elected",
        cuts.cosign_order(pending, {e: elections.elections[e].author
                                    for e in {c.open for c in pending}}),
        lambda state, cut_: _cosign_body(state, me, cut_), _participants, _progress, now)
    return written


def _participants(state: NetworkState, cut_: Cut) -> list[str] | None:
    return cuts.conference_participants(
        state, state.rules(Elections).elections[cut_.open].conference)


def _progress(state: NetworkState, cut_: Cut,
              participants: Collection[str]) -> tuple[bool, int]:
    """E5: is the election's result final, and how many cosigns of it are held?"""
    cosigns = state.rules(Elections).cosigns.get(cut_.open, {})
    return cuts.tally_cosigns(((g, c.cut) for g, c in cosigns.items()), participants)


# -- what the API shows --------------------------------------------------------------------


def describe(state: NetworkState, put_: Election) -> dict:
    """An election as every node derives it: candidates, status, the count's stages, seats."""
    nominations = state.rules(Elections).nominations
    found = outcome(state, put_)
    out = {
        "id": put_.id, "chair": put_.author, "conference": put_.conference,
        "body": put_.body.body, "seats": put_.body.seats, "method": put_.body.method,
        "opens": put_.body.opens, "closes": put_.body.closes,
        "candidates": [{"id": c.entry, "group": c.group,
                        "holder": nominations[c.entry].body.holder,
                        "name": nominations[c.entry].body.name,
                        "category": nominations[c.entry].body.category}
                       for c in put_.body.candidates],
        "rankings": sum(len(r) for r in state.rules(Elections).rankings.get(
            put_.id, {}).values()),
        "status": found.status, "reason": found.reason, "cut": found.cut,
        "elected": list(found.count.elected) if found.count else [],
        "count": msgspec.to_builtins(found.count) if found.count else None,
        "seats_held": msgspec.to_builtins(found.seats),
    }
    return out


def view(node: Node, conference: str) -> list[dict]:
    call_or_404(node, conference)
    return [describe(node.state, e) for e in elections_of(node.state, conference)]


def one(node: Node, election_id: str) -> dict:
    return describe(node.state, election_or_404(node, election_id))
