"""The conference floor on the network (SPEC 5.9): what the chair, the delegates' nodes and
the tellers sign, and what the nodes do by themselves when a vote closes.

Each step is one signed entry in this node's log; the floor rules
(`procedure/network/floor.py`) decide on every node whether it stands and what
the vote decided. Two steps run without anyone asking (`automate`, called by
the service): the node of the group that put a question writes the cut
`CUT_DELAY_MS` after the close on its clock (for a vote by tellers, once every
teller's count is held), and every participant's node cosigns the first cut it
agrees with: one whose result it computes alike and that leaves out nothing it
witnessed before the close. References carry the seq of the referenced log this
node holds now (SM3), so the verdict here and everywhere else is the same.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

import msgspec

from ..clock import now_ms
from ..limits import Millis
from ..procedure.network.credentials import Credentials
from ..procedure.network.floor import CUT_DELAY_MS, MAX_VOTE_MS, MIN_VOTE_MS, Cut, Floor, Open
from ..procedure.network.floor_review import FloorView, Question, floor, question
from ..procedure.network.state import NetworkState
from ..wire.messages import (
    Count,
    Entry,
    EntryRef,
    FloorCosign,
    FloorCount,
    FloorCut,
    FloorOpen,
    FloorVote,
    NodeId,
    Text,
)
from ..wire.rejection import Rejection, refuse
from . import certificates, cuts, elections
from .conferences import call_or_404, with_names
from .node import Node


class PutQuestion(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The chair puts a question to the floor (F1–F4): the window is fixed now."""

    item: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    question: Literal["motion", "amendment", "composite", "reference-back", "appeal",
                      "rule-change", "rule-change-amendment"]
    text: Text
    method: Literal["hands", "card", "tellers"] = "hands"
    tellers: Annotated[list[NodeId], msgspec.Meta(max_length=20)] = []
    threshold: Literal["simple", "two-thirds"] = "simple"
    # when the vote opens (ms since 1970); now if left out
    opens: Millis | None = None
    minutes: Annotated[int, msgspec.Meta(ge=MIN_VOTE_MS // 60_000,
                                         le=MAX_VOTE_MS // 60_000)] = 10


class TellersCount(msgspec.Struct, forbid_unknown_fields=True):
    """A teller group's count of a vote by tellers, entered after the close (F5)."""

    for_: Count = msgspec.field(name="for")
    against: Count = 0
    abstain: Count = 0


def _ref(node: Node, group: str, entry: str) -> EntryRef:
    """A reference to `group`'s entry, with the seq of its log this node holds (SM3)."""
    return EntryRef(group, entry, node.state.head_of(group).seq)


def _floor(node: Node) -> Floor:
    return node.state.rules(Floor)


def open_or_404(node: Node, open_id: str) -> Open:
    found = _floor(node).opens.get(open_id)
    if found is None:
        raise refuse("unknown_vote", "F2: no vote put to the floor with that id is known here",
                     404)
    return found


async def put(node: Node, conference: str, request: PutQuestion) -> Entry:
    """Sign a `floor.open`: refused, with the rule, unless every node would accept it.

    Put now (no `opens`), the vote opens when the entry is dated, as F2 allows at the
    earliest (`cuts.put_now`).
    """
    call = call_or_404(node, conference)
    return await cuts.put_now(node, "floor.open", request.opens, lambda opens: FloorOpen(
        _ref(node, call.author, call.id), request.item, request.question, request.text,
        request.method, list(request.tellers), request.threshold, opens,
        opens + request.minutes * 60_000))


async def vote(node: Node, open_id: str, delegate: str, choice: str) -> Entry:
    """Sign a `floor.vote` for one of this group's delegates (F5, F6)."""
    put_ = open_or_404(node, open_id)
    return await node.append("floor.vote", FloorVote(
        _ref(node, put_.author, put_.id), delegate, choice))


async def count(node: Node, open_id: str, request: TellersCount) -> Entry:
    """Sign this teller group's `floor.count` of a vote by tellers (F5)."""
    put_ = open_or_404(node, open_id)
    return await node.append("floor.count", FloorCount(
        _ref(node, put_.author, put_.id), request.for_, request.against, request.abstain))


def _cut_body(state: NetworkState, put_: Open) -> FloorCut:
    """The heads of every log that may hold a vote or a count of the question (F7): the
    groups with a credential for the conference, and the tellers."""
    wanted = {g for g, c in state.rules(Credentials).history if c == put_.conference}
    return FloorCut(EntryRef(put_.author, put_.id, state.head_of(put_.author).seq),
                    cuts.heads_of(state, wanted | set(put_.body.tellers) | {put_.author}))


async def cut(node: Node, open_id: str) -> Entry:
    """Sign a `floor.cut` of the question with the heads this node holds (F7)."""
    put_ = open_or_404(node, open_id)
    entry = await node.append_made("floor.cut", lambda state: _cut_body(state, put_))
    assert entry is not None
    return entry


# -- what the node does by itself ----------------------------------------------------------


def _cut_due(state: NetworkState, me: str, put_: Open, now: int) -> bool:
    """The node that put the question cuts it CUT_DELAY after the close (a vote by tellers,
    once it holds every teller's count), and again while it leaves out a vote or count
    signed by the close and the result is not final (`cuts.py`)."""
    if not cuts.due(put_.author, me, put_.body.closes, now):
        return False
    latest = cuts.latest_own_cut(state, me, put_.id)
    if latest is not None:
        return _omits(state, put_, latest)
    if put_.body.method == "tellers":
        counted = state.rules(Floor).counts.get(put_.id, {})
        return all(t in counted for t in put_.body.tellers)
    return True


def _omits(state: NetworkState, put_: Open, cut_: Cut) -> bool:
    """Would a cut written now hold a vote or count of the question that `cut_` leaves out,
    with the result still not final?"""
    floor_ = state.rules(Floor)
    held = [v for votes in floor_.votes.get(put_.id, {}).values() for v in votes]
    held += floor_.counts.get(put_.id, {}).values()
    if not cuts.leaves_out(cut_, _cut_body(state, put_).heads, ((e.author, e.seq) for e in held)):
        return False
    found = question(state, put_.id)
    return found is not None and not found.final


def next_cut(state: NetworkState, me: str) -> int | None:
    """When the next cut this node owes falls due (CUT_DELAY after a close), if any."""
    floor_ = state.rules(Floor)
    cut_by_me = {c.open for c in floor_.cuts.values() if c.author == me}
    owed = [o.body.closes + CUT_DELAY_MS for o in floor_.opens.values()
            if o.author == me and o.id not in cut_by_me and o.body.method != "tellers"]
    return min(owed, default=None)


def _cosign_body(state: NetworkState, me: str, cut_: Cut) -> FloorCosign | None:
    """The cosign this node would sign of `cut_`, if it agrees with the cut (F7, F8)."""
    floor_ = state.rules(Floor)
    if me in floor_.cosigns.get(cut_.open, {}):
        return None
    result = floor_.cosign_for(state, me, state.head_of(me).seq + 1, cut_)
    if isinstance(result, Rejection):
        return None
    return FloorCosign(EntryRef(cut_.author, cut_.id, state.head_of(cut_.author).seq), result)


async def automate(node: Node, now: int | None = None,
                   send: certificates.Send | None = None) -> list[Entry]:
    """Write the cuts that are due and cosign the cuts this node agrees with (`cuts.py`).

    With `send` (the service's: a POST to another node), a cut is cosigned first by a
    cosignature sent to its author, who gathers them into a certificate
    (`certificates.py`); a `floor.cosign` follows only if none made the result final
    `CERTIFICATE_WAIT_MS` later."""
    written: list[Entry] = []
    now = now if now is not None else now_ms()
    me = node.id
    if not node.state.is_member(me):
        return written
    written += await elections.automate(node, now)
    floor_ = node.state.rules(Floor)
    if not floor_.opens:
        return written
    certificates.warm(node, [o for o in floor_.opens.values() if o.body.closes > now],
                      lambda put_: cuts.conference_participants(node.state, put_.conference))
    for put_ in sorted(floor_.opens.values(), key=lambda o: (o.body.closes, o.id)):

        def make_cut(state: NetworkState, p: Open = put_) -> FloorCut | None:
            return _cut_body(state, p) if _cut_due(state, me, p, now) else None

        entry = await cuts.cut_if_due(node, put_.id, now, make_cut)
        if entry is not None:
            written.append(entry)
    written += await certificates.certify(node)
    pending = cuts.cosign_order(
        [c for c in floor_.cuts.values()
         if c.open in floor_.opens and me not in floor_.cosigns.get(c.open, {})
         and not certificates.settled(node, c.open)],
        {c.open: floor_.opens[c.open].author for c in floor_.cuts.values()})
    delay = 0
    if send is not None:
        pending = await _cosignatures(node, pending, send)
        delay = certificates.CERTIFICATE_WAIT_MS
    written += await cuts.cosign_each(
        node, "floor.cosign", pending, lambda state, cut_: _cosign_body(state, me, cut_),
        _participants, _progress, now, delay)
    return written


async def _cosignatures(node: Node, pending: list[Cut], send: certificates.Send) -> list[Cut]:
    """Sign a cosignature of the first cut of each vote this node agrees with (F11), and
    send it to the cut's author; the cuts that may still be cosigned by an entry (the one
    cosigned, on each vote: a node cosigns one cut of a vote)."""
    signed = await certificates.signed(node)
    kept = []
    for cut_ in pending:
        participants = _participants(node.state, cut_)
        if participants is not None and _progress(node.state, cut_, participants)[0]:
            certificates.settle(node, cut_.open)
            continue
        chosen = signed.get(cut_.open)
        if chosen is None:
            body = _cosign_body(node.state, node.id, cut_)
            if body is None:
                continue
            if not await certificates.cosign(node, cut_, body.result, send):
                continue
            chosen = cut_.id
        if chosen == cut_.id:
            kept.append(cut_)
    return kept


def _participants(state: NetworkState, cut_: Cut) -> list[str] | None:
    return cuts.conference_participants(state, state.rules(Floor).opens[cut_.open].conference)


def _progress(state: NetworkState, cut_: Cut,
              participants: Collection[str]) -> tuple[bool, int]:
    """F9: is the question's result final, and how many cosigns of it are held?"""
    return cuts.tally_cosigns(state.rules(Floor).cosigned(cut_.open).items(), participants)


# -- what the API shows --------------------------------------------------------------------


def view(node: Node, conference: str) -> dict:
    """The conference's floor: chair, participants and every question put, decided."""
    call_or_404(node, conference)
    found: FloorView | None = floor(node.state, conference)
    assert found is not None
    out = msgspec.to_builtins(found)
    out["chairs"] = with_names(node, [{"group": g} for g in found.chairs], "group")
    out["participants"] = with_names(node, [{"group": g} for g in found.participants],
                                     "group")
    out["questions"] = [describe(node, q) for q in found.questions]
    return out


def describe(node: Node, found: Question) -> dict:
    out = msgspec.to_builtins(found)
    out["chair"] = with_names(node, [{"group": found.chair}], "group")[0]["group"]
    out["votes"] = with_names(node, found.votes, "group")
    out["counts"] = with_names(node, found.counts, "group")
    return out


def one(node: Node, open_id: str) -> dict:
    put_ = open_or_404(node, open_id)
    found = question(node.state, put_.id)
    assert found is not None
    return describe(node, found)

