"""The network part of the client API: this node, the directory, admissions, forks."""

from __future__ import annotations

import msgspec
from aiohttp import web

from ...limits import Link
from ...network import joining
from ...wire.messages import Name, Text
from ...wire.rejection import refuse
from .endpoints import Endpoint, Query, json, node_of, query, read_body, service_of


class ProfileChange(msgspec.Struct, forbid_unknown_fields=True):
    """The fields to change, each as the `group.profile` message holds it."""

    name: Name | None = None
    area: Text | None = None
    meets: Text | None = None
    contact: Text | None = None
    url: Link | None = None


class AdmissionRequest(msgspec.Struct, forbid_unknown_fields=True):
    url: Link


async def get_node(request: web.Request) -> web.Response:
    node = node_of(request)
    service = service_of(request)
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
        # requests the peer address policy stopped, latest per peer (docs/network.md)
        "refused_peers": {
            peer: {"at": at, "reason": reason}
            for peer, (at, reason) in sorted(service.client.refused.items())
        } if service else {},
    })


async def get_network(request: web.Request) -> web.Response:
    node = node_of(request)
    return json({"state_hash": node.state.state_hash(), **node.state.summary()})


async def get_groups(request: web.Request) -> web.Response:
    return json({"groups": node_of(request).groups()})


async def put_profile(request: web.Request) -> web.Response:
    change = await read_body(request, ProfileChange)
    entry = await joining.set_profile(node_of(request), msgspec.to_builtins(change))
    return json({"entry": entry.id, "seq": entry.seq})


async def post_admission(request: web.Request) -> web.Response:
    body = await read_body(request, AdmissionRequest)
    service = service_of(request)
    if service is None:
        raise refuse("not_running", "admissions need a running node", 503)
    entry = await joining.admit(node_of(request), service.client, body.url)
    return json({"entry": entry.id, "seq": entry.seq}, status=201)


async def get_forks(request: web.Request) -> web.Response:
    forks = node_of(request).state.forks
    return json({"forks": [msgspec.to_builtins(f) for f in forks]})


async def get_entry(request: web.Request) -> web.Response:
    node = node_of(request)
    entry = await node.entry(request.match_info["id"])
    if entry is None:
        raise refuse("not_found", "no entry with that id is held here", 404)
    answer = {
        "id": entry.id, "author": entry.author, "seq": entry.seq, "kind": entry.kind,
        "ts": entry.ts, "body": msgspec.to_builtins(entry.body),
        "network_time": node.state.network_time(entry.author, entry.seq),
    }
    deadline = query(request, "deadline", None)
    if deadline is not None:
        answer["arrived_before_deadline"] = node.state.arrived_before(
            entry.author, entry.seq, deadline
        )
    return json(answer)


ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/v1/node", "This node: identity, head, state hash, outbox, forks",
             ("officer",), get_node),
    Endpoint("GET", "/api/v1/network", "The network state every node computes alike",
             ("member",), get_network),
    Endpoint("GET", "/api/v1/groups", "Every admitted group with its latest profile",
             ("member",), get_groups),
    Endpoint("PUT", "/api/v1/profile", "Publish this group's public profile",
             ("officer",), put_profile, ProfileChange),
    Endpoint("POST", "/api/v1/admissions", "Admit the node at a URL into the network",
             ("admin",), post_admission, AdmissionRequest, answers=(201,),
             refusals=(502, 503)),
    Endpoint("GET", "/api/v1/forks", "Equivocations detected (two entries, one seq)",
             ("officer",), get_forks),
    Endpoint("GET", "/api/v1/entries/{id}",
             "One entry, its witnessed network time, and whether it arrived before a deadline",
             ("member",), get_entry, None, (Query("deadline", "integer"),)),
]
