"""The client JSON API (`/api/v1`), described by the OpenAPI document it serves.

Each endpoint is declared once, in `ENDPOINTS`, with its role and request
shape; the router and `/api/v1/openapi.json` are both made from that table, so
the document cannot drift from what the node answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec
from aiohttp import web

from .. import network
from ..node import Node
from ..procedure.rejection import refuse
from .auth import require
from .keys import NODE, SERVICE


class ProfileChange(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    area: str | None = None
    meets: str | None = None
    contact: str | None = None
    url: str | None = None


class AdmissionRequest(msgspec.Struct, forbid_unknown_fields=True):
    url: str


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    roles: tuple[str, ...]
    handler: Handler
    body: type | None = None
    params: tuple[tuple[str, str], ...] = ()


def json(data: object, status: int = 200) -> web.Response:
    return web.Response(body=msgspec.json.encode(data), status=status,
                        content_type="application/json")


async def read_body(request: web.Request, shape: type):
    raw = await request.read()
    try:
        return msgspec.json.decode(raw, type=shape)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"the request body does not fit: {error}", 400) from None
    except msgspec.DecodeError as error:
        raise refuse("malformed", f"the request body is not JSON: {error}", 400) from None


def _node(request: web.Request) -> Node:
    return request.app[NODE]


async def get_node(request: web.Request) -> web.Response:
    node = _node(request)
    service = request.app[SERVICE]
    outbox = await service.outbox.backlog() if service else {}
    head = node.state.head_of(node.id)
    return json({
        "node": node.id,
        "name": node.config.name,
        "url": node.config.url,
        "network": node.state.net,
        "admitted": node.state.is_member(node.id),
        "head": {"seq": head.seq, "id": head.id},
        "entries": node.last_rx,
        "state_hash": node.state.state_hash(),
        "outbox": outbox,
        "forks": len(node.state.forks),
    })


async def get_network(request: web.Request) -> web.Response:
    node = _node(request)
    return json({"state_hash": node.state.state_hash(), **node.state.summary()})


async def get_groups(request: web.Request) -> web.Response:
    return json({"groups": _node(request).groups()})


async def put_profile(request: web.Request) -> web.Response:
    change = await read_body(request, ProfileChange)
    entry = await network.set_profile(_node(request), msgspec.to_builtins(change))
    return json({"entry": entry.id, "seq": entry.seq})


async def post_admission(request: web.Request) -> web.Response:
    body = await read_body(request, AdmissionRequest)
    service = request.app[SERVICE]
    if service is None:
        raise refuse("not_running", "admissions need a running node", 503)
    entry = await network.admit(_node(request), service.client, body.url)
    return json({"entry": entry.id, "seq": entry.seq}, status=201)


async def get_forks(request: web.Request) -> web.Response:
    forks = _node(request).state.forks
    return json({"forks": [msgspec.to_builtins(f) for f in forks]})


async def get_entry(request: web.Request) -> web.Response:
    node = _node(request)
    entry = await node.entry(request.match_info["id"])
    if entry is None:
        raise refuse("not_found", "no entry with that id is held here", 404)
    answer = {
        "id": entry.id, "author": entry.author, "seq": entry.seq, "kind": entry.kind,
        "ts": entry.ts, "body": msgspec.to_builtins(entry.body),
        "network_time": node.state.network_time(entry.author, entry.seq),
    }
    deadline = request.query.get("deadline")
    if deadline is not None:
        try:
            moment = int(deadline)
        except ValueError:
            raise refuse("bad_request", "`deadline` is milliseconds since 1970", 400) from None
        answer["arrived_before_deadline"] = node.state.arrived_before(
            entry.author, entry.seq, moment
        )
    return json(answer)


async def get_openapi(request: web.Request) -> web.Response:
    return json(openapi_document())


ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/v1/node", "This node: identity, head, state hash, outbox, forks",
             ("admin",), get_node),
    Endpoint("GET", "/api/v1/network", "The network state every node computes alike",
             ("admin",), get_network),
    Endpoint("GET", "/api/v1/groups", "Every admitted group with its latest profile",
             ("admin",), get_groups),
    Endpoint("PUT", "/api/v1/profile", "Publish this group's public profile",
             ("admin",), put_profile, ProfileChange),
    Endpoint("POST", "/api/v1/admissions", "Admit the node at a URL into the network",
             ("admin",), post_admission, AdmissionRequest),
    Endpoint("GET", "/api/v1/forks", "Equivocations detected (two entries, one seq)",
             ("admin",), get_forks),
    Endpoint("GET", "/api/v1/entries/{id}",
             "One entry, its witnessed network time, and whether it arrived before a deadline",
             ("admin",), get_entry, None, (("deadline", "integer"),)),
]


def _guarded(endpoint: Endpoint) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        require(request, *endpoint.roles)
        return await endpoint.handler(request)

    return handler


def routes() -> list[web.RouteDef]:
    table = [web.route(e.method, e.path, _guarded(e)) for e in ENDPOINTS]
    table.append(web.get("/api/v1/openapi.json", get_openapi))
    return table


def openapi_document() -> dict:
    bodies = [e.body for e in ENDPOINTS if e.body is not None]
    schemas, components = msgspec.json.schema_components(bodies, "#/components/schemas/{name}")
    error = {
        "description": "Refused: a stable code and a sentence citing the rule",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    components["Error"] = {
        "type": "object",
        "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "reason": {"type": "string"}},
            "required": ["code", "reason"]}},
    }
    paths: dict[str, dict] = {}
    body_schema = dict(zip(bodies, schemas, strict=True))
    for e in ENDPOINTS:
        operation: dict = {
            "summary": e.summary,
            "security": [{"token": []}],
            "x-roles": list(e.roles),
            "responses": {"200": {"description": "OK"}, "4XX": error},
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _path_names(e.path)
        ] + [
            {"name": name, "in": "query", "required": False, "schema": {"type": kind}}
            for name, kind in e.params
        ]
        if parameters:
            operation["parameters"] = parameters
        if e.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body_schema[e.body]}},
            }
        paths.setdefault(e.path, {})[e.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "groupnet client API", "version": "1"},
        "components": {
            "schemas": components,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
