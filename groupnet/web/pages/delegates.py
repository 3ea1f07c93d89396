"""Delegates from the browser: elections at a meeting, mandates, the credential as published.

The pages call `group.elections` (the functions behind `/api/v1/elections`);
the count, the balance rule and the lot are the procedure code's
(`procedure/group/delegates.py`). The credential is shown as the network holds it:
the signed `delegate.credential` entry in this node's log.
"""

from __future__ import annotations

import msgspec
from aiohttp import web

from ... import clock
from ...group import elections, meetings
from .frame import (
    action,
    actor_of,
    caller_of,
    form_of,
    ident,
    member_id,
    names_of,
    node_of,
    number,
    page,
    render,
    see_other,
    shaped,
    text,
)


@page("GET", "/api/v1/elections")
async def elections_page(request: web.Request) -> web.StreamResponse:
    db = node_of(request).db
    return render(request, "elections.html", elections=await elections.listing(db),
                  meetings=await meetings.listing(db, clock.now(node_of(request))))


@action("POST", "/api/v1/meetings/{id}/elections", "open", elections_page,
        {"bad_seats": "seats", "bad_meeting": "meeting"})
async def post_open(request: web.Request) -> web.StreamResponse:
    view = await elections.open_election(
        node_of(request), actor_of(request), number(request, "meeting", "The meeting"),
        shaped(elections.OpenElection, {"conference": text(request, "conference"),
                                        "seats": number(request, "seats", "Seats")}))
    raise see_other(f"/elections/{view.id}")


@page("GET", "/api/v1/elections/{id}")
async def election_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    view = await elections.view(node.db, ident(request))
    credentials = []
    for publication in view.published:
        entry = await node.entry(publication.entry)
        if entry is not None:
            credentials.append({"publication": publication,
                                "body": msgspec.to_builtins(entry.body),
                                "network_time": node.state.network_time(entry.author,
                                                                        entry.seq)})
    caller = caller_of(request)
    names = await names_of(request, [n.candidate_id for n in view.nominations])
    return render(request, "election.html", view=view, credentials=credentials, names=names,
                  accepted=[n for n in view.nominations if n.accepted_at_ms is not None],
                  mine=next((n for n in view.nominations
                             if n.candidate_id == caller.member_id
                             and n.accepted_at_ms is None), None))


def _election_action(api: str, name: str, fields: dict[str, str] | None = None):
    method, path = api.split(" ", 1)
    return action(method, path, name, election_page, fields)


def _back(request: web.Request) -> web.HTTPSeeOther:
    return see_other(f"/elections/{request.match_info['id']}")


@_election_action("POST /api/v1/elections/{id}/nominations", "nominate",
                  {"not_found": "candidate"})
async def post_nomination(request: web.Request) -> web.StreamResponse:
    by = text(request, "nominated_by")
    await elections.nominate(node_of(request), actor_of(request), ident(request), shaped(
        elections.Nominate, {
            "candidate": await member_id(request, text(request, "candidate"), "Candidate"),
            "display_name": text(request, "display_name"),
            "nominated_by": await member_id(request, by, "Nominated by") if by else None}))
    raise _back(request)


@_election_action("POST /api/v1/elections/{id}/nominations/{candidate}/acceptance", "accept")
async def post_acceptance(request: web.Request) -> web.StreamResponse:
    attributes = [a.strip() for a in text(request, "attributes").split(",") if a.strip()]
    await elections.accept(node_of(request), actor_of(request), ident(request),
                           text(request, "candidate"),
                           shaped(elections.AcceptNomination, {"attributes": attributes}))
    raise _back(request)


@_election_action("POST /api/v1/elections/{id}/ballots", "ballot")
async def post_ballot(request: web.Request) -> web.StreamResponse:
    voter = text(request, "voter")
    await elections.cast_ballot(node_of(request), actor_of(request), ident(request), shaped(
        elections.CastBallot, {
            "approvals": [str(v) for v in form_of(request).getall("approve", [])],
            "voter": await member_id(request, voter, "Voter") if voter else None}))
    raise _back(request)


@_election_action("POST /api/v1/elections/{id}/count", "count")
async def post_count(request: web.Request) -> web.StreamResponse:
    await elections.count(node_of(request), actor_of(request), ident(request))
    raise _back(request)


@_election_action("POST /api/v1/elections/{id}/credential", "publish")
async def post_publish(request: web.Request) -> web.StreamResponse:
    await elections.publish(node_of(request), actor_of(request), ident(request))
    raise _back(request)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/elections", elections_page),
        web.post("/elections", post_open),
        web.get("/elections/{id}", election_page),
        web.post("/elections/{id}/nominations", post_nomination),
        web.post("/elections/{id}/acceptance", post_acceptance),
        web.post("/elections/{id}/ballots", post_ballot),
        web.post("/elections/{id}/count", post_count),
        web.post("/elections/{id}/credential", post_publish),
    ]
