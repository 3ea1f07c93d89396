"""The network's governance in the client API: its constitution, its bodies, their meetings."""

from __future__ import annotations

import msgspec
from aiohttp import web

from ...network import bodies, constitution
from .endpoints import Endpoint, json, node_of, read_body

MEMBER = ("member",)
OFFICER = ("officer",)


class BodiesView(msgspec.Struct, frozen=True):
    bodies: list[constitution.BodyView]


class BodyDetail(msgspec.Struct, frozen=True):
    """A body, the seats this group holds on it, and its meetings, latest first."""

    body: constitution.BodyView
    own_seats: list[str]
    meetings: list[bodies.BodyMeetingView]


class SignedBodyEntry(msgspec.Struct, frozen=True):
    """The entry this node signed, and what it now says."""

    entry: str
    seq: int
    meeting: bodies.BodyMeetingView


def _body_view(request: web.Request) -> constitution.BodyView:
    node = node_of(request)
    body_id = request.match_info["body"]
    bodies.body_or_404(node, body_id)
    return next(b for b in constitution.bodies(node.state) if b.id == body_id)


async def get_constitution(request: web.Request) -> web.Response:
    return json(constitution.describe(node_of(request).state))


async def get_bodies(request: web.Request) -> web.Response:
    return json(BodiesView(constitution.bodies(node_of(request).state)))


async def get_body(request: web.Request) -> web.Response:
    node = node_of(request)
    body = _body_view(request)
    return json(BodyDetail(body, bodies.own_seats(node, body.id), bodies.meetings(node, body.id)))


async def post_meeting(request: web.Request) -> web.Response:
    node = node_of(request)
    call = await read_body(request, bodies.CallMeeting)
    entry = await bodies.call_meeting(node, request.match_info["body"], call)
    meeting = bodies.meeting_or_404(node, request.match_info["body"], entry.id)
    return json(SignedBodyEntry(entry.id, entry.seq, bodies.describe(node, meeting)), status=201)


async def get_meeting(request: web.Request) -> web.Response:
    node = node_of(request)
    meeting = bodies.meeting_or_404(node, request.match_info["body"], request.match_info["id"])
    return json(bodies.describe(node, meeting))


async def post_vote(request: web.Request) -> web.Response:
    node = node_of(request)
    vote = await read_body(request, bodies.CastVote)
    body_id, meeting_id = request.match_info["body"], request.match_info["id"]
    entry = await bodies.cast_vote(node, body_id, meeting_id, vote)
    meeting = bodies.meeting_or_404(node, body_id, meeting_id)
    return json(SignedBodyEntry(entry.id, entry.seq, bodies.describe(node, meeting)), status=201)


MEETINGS = "/api/v1/bodies/{body}/meetings"

ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/v1/constitution",
             "The network constitution in force, every provision in plain words with the "
             "entrenched provision (E1-E7) that fixes it", MEMBER, get_constitution,
             response=constitution.ConstitutionView),
    Endpoint("GET", "/api/v1/bodies",
             "The network's bodies: seats, members, term end, in office or caretaker",
             MEMBER, get_bodies, response=BodiesView),
    Endpoint("GET", "/api/v1/bodies/{body}",
             "A body, the seats this group holds on it, and its meetings with every item's "
             "outcome (carried, fell, void, pending) and the provision that decided it",
             MEMBER, get_body, response=BodyDetail),
    Endpoint("POST", MEETINGS,
             "Call a meeting of a body this group holds a seat on; refused with the provision "
             "(notice, powers, term, entrenched provisions) unless every node would accept it",
             OFFICER, post_meeting, bodies.CallMeeting, answers=(201,), response=SignedBodyEntry),
    Endpoint("GET", MEETINGS + "/{id}",
             "One meeting: its items, their outcomes and the votes, with whether each reached "
             "the network by the closing", MEMBER, get_meeting, response=bodies.BodyMeetingView),
    Endpoint("POST", MEETINGS + "/{id}/votes",
             "Vote on an item as one of this group's seat holders on the body",
             OFFICER, post_vote, bodies.CastVote, answers=(201,), response=SignedBodyEntry),
]
