"""What a body's members do on the network: call a meeting of their body, vote on its items.

Each is one signed entry in this node's log (`body.meeting`, `body.vote`); the
body rules (`procedure/network/bodies.py`, SPEC 5.7) decide on every node
whether it stands, and what became of each item: carried, fell, void or still
pending, with the provision that decided it. This node votes only for the
people its own group vouches for: a vote names a seat `holder` of this group.

A vote names its meeting with the seq of the calling group's log this node
holds now (as a shared motion's reference, SM3), so every node judges it
against the same meeting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from ..procedure.network.bodies import Bodies, Decision, Meeting
from ..procedure.network.constitution import Constitutions
from ..wire.messages import (
    BodyItem,
    BodyMeeting,
    BodyVote,
    EntryId,
    EntryRef,
    Name,
    Pseudonym,
    Text,
    Topic,
)
from ..wire.rejection import refuse
from .constitution import group_names
from .node import Node

AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]


class MeetingItem(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One decision a meeting is called to take (B3): the action is one of the body's powers."""

    action: Topic
    text: Text = ""
    # for rule-out, composite and order-business: the conference and the motions
    conference: Text = ""
    refs: Annotated[list[EntryId], msgspec.Meta(max_length=300)] = []
    # for call-conference: when the conference opens
    opens: AwareTime | None = None
    # for rule-out: the admissibility provision cited (C4.1 … C4.5)
    provision: Annotated[str, msgspec.Meta(max_length=20)] = ""


class CallMeeting(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Call a meeting of a body this group holds a seat on, with the body's notice (B1, B2)."""

    title: Name
    opens: AwareTime
    closes: AwareTime
    items: Annotated[list[MeetingItem], msgspec.Meta(min_length=1, max_length=50)]


class CastVote(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A vote of one of this group's seat holders on one item (V1, V2)."""

    item: Annotated[int, msgspec.Meta(ge=0, le=49)]
    vote: Literal["for", "against", "abstain"]
    # the seat; may be left out when this group holds one seat on the body
    holder: Pseudonym | None = None


class BodyVoteView(msgspec.Struct, frozen=True):
    entry: str
    group: str
    group_name: str | None
    holder: str
    vote: str
    ts: int
    # whether it reached the network by the closing (witnessed time); None: not yet known
    counted: bool | None


class BodyItemView(msgspec.Struct, frozen=True):
    index: int
    action: str
    text: str
    conference: str
    refs: list[str]
    opens: int | None
    provision: str
    status: str
    reason: str
    votes_for: int
    votes_against: int
    abstentions: int
    votes: list[BodyVoteView]


class BodyMeetingView(msgspec.Struct, frozen=True):
    """A meeting of a body: when it was called (as claimed and as witnessed), its items."""

    id: str
    body: str
    body_name: str
    title: str
    caller: str
    caller_name: str | None
    called_at: int
    network_time: int | None
    opens: int
    closes: int
    items: list[BodyItemView]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def body_or_404(node: Node, body_id: str):
    rules = node.state.rules(Constitutions).body(node.state, body_id)
    if rules is None:
        raise refuse("unknown_body", f"C2: the constitution has no body `{body_id}`", 404)
    return rules


def meeting_or_404(node: Node, body_id: str, meeting_id: str) -> Meeting:
    meeting = node.state.rules(Bodies).meetings.get(meeting_id)
    if meeting is None or meeting.body.body != body_id:
        raise refuse("unknown_meeting", f"V1: `{body_id}` has no meeting with that id here",
                      404)
    return meeting


def own_seats(node: Node, body_id: str) -> list[str]:
    """The seats this node's group holds on the body: the holders it vouches for (the
    interim seats, or those the conference elected, E7, as of the latest entry held)."""
    state = node.state
    latest = max((head.ts for head in state.heads.values()), default=0)
    sitting = state.seating(body_id, latest)
    seats = sitting.seats if sitting is not None else Bodies.seats(state, body_id)
    return [seat.holder for seat in seats if seat.group == node.id]


async def call_meeting(node: Node, body_id: str, request: CallMeeting):
    """Sign a `body.meeting`: refused, with the provision, unless every node would accept it."""
    body_or_404(node, body_id)
    items = [BodyItem(item.action, item.text, item.conference, list(item.refs),
                      _ms(item.opens) if item.opens else None, item.provision)
             for item in request.items]
    meeting = BodyMeeting(body_id, request.title, _ms(request.opens), _ms(request.closes), items)
    return await node.append("body.meeting", meeting)


async def cast_vote(node: Node, body_id: str, meeting_id: str, request: CastVote):
    """Sign a `body.vote` of this group's seat holder on one item of a meeting."""
    meeting = meeting_or_404(node, body_id, meeting_id)
    holder = request.holder
    if holder is None:
        seats = own_seats(node, body_id)
        if not seats:
            raise refuse("not_seated", f"V2: this group holds no seat on `{body_id}`")
        if len(seats) > 1:
            raise refuse("bad_request", f"V2: this group holds {len(seats)} seats on "
                         f"`{body_id}` ({', '.join(seats)}): name the `holder` who votes", 400)
        holder = seats[0]
    ref = EntryRef(meeting.author, meeting.id, node.state.head_of(meeting.author).seq)
    return await node.append("body.vote", BodyVote(ref, request.item, holder, request.vote))


def describe(node: Node, meeting: Meeting) -> BodyMeetingView:
    """A meeting with every item's outcome and votes, as every node computes them."""
    state = node.state
    bodies = state.rules(Bodies)
    names = group_names(state)
    rules = state.rules(Constitutions).body(state, meeting.body.body, meeting.ts)
    items = []
    for index, item in enumerate(meeting.body.items):
        decision: Decision = bodies.outcome(state, meeting, index)
        votes = [
            BodyVoteView(vote.id, vote.author, names.get(vote.author), vote.holder, vote.vote,
                     vote.ts, state.arrived_before_deadline(vote.author, vote.seq, vote.ts,
                                                            meeting.body.closes))
            for vote in sorted(bodies.votes.get((meeting.id, index), {}).values(),
                               key=lambda v: (v.ts, v.id))]
        items.append(BodyItemView(
            index, item.action, item.text, item.conference, list(item.refs), item.opens,
            item.provision, decision.status, decision.reason, decision.votes_for,
            decision.votes_against, decision.abstentions, votes))
    return BodyMeetingView(
        meeting.id, meeting.body.body, rules.name if rules else meeting.body.body,
        meeting.body.title, meeting.author, names.get(meeting.author), meeting.ts,
        state.network_time(meeting.author, meeting.seq), meeting.body.opens,
        meeting.body.closes, items)


def meetings(node: Node, body_id: str) -> list[BodyMeetingView]:
    """Every meeting of a body, latest opening first."""
    found = [m for m in node.state.rules(Bodies).meetings.values() if m.body.body == body_id]
    found.sort(key=lambda m: (m.body.opens, m.id), reverse=True)
    return [describe(node, meeting) for meeting in found]


def resolve(node: Node, prefix: str) -> Meeting:
    """The meeting whose id starts with `prefix` (the CLI takes a unique prefix)."""
    matches = [m for i, m in node.state.rules(Bodies).meetings.items() if i.startswith(prefix)]
    if len(matches) != 1:
        raise refuse("unknown_meeting", f"{len(matches)} body meetings have an id starting "
                     f"{prefix!r}; give more of it", 404)
    return matches[0]
