"""The network's governance in the client API: its constitution and its bodies."""

from __future__ import annotations

import msgspec
from aiohttp import web

from ... import clock
from ...network import constitution
from .endpoints import Endpoint, json, node_of

MEMBER = ("member",)


class BodiesView(msgspec.Struct, frozen=True):
    bodies: list[constitution.BodyView]


async def get_constitution(request: web.Request) -> web.Response:
    return json(constitution.describe(node_of(request).state))


async def get_bodies(request: web.Request) -> web.Response:
    node = node_of(request)
    return json(BodiesView(constitution.bodies(node.state, clock.now(node))))


ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/v1/constitution",
             "The network constitution in force, every provision in plain words with the "
             "entrenched provision (E1-E7) that fixes it", MEMBER, get_constitution,
             response=constitution.ConstitutionView),
    Endpoint("GET", "/api/v1/bodies",
             "The network's bodies: seats, members, term end, in office or caretaker",
             MEMBER, get_bodies, response=BodiesView),
]
