"""The conference floor in the client API (SPEC 5.9): the chair puts a question, a
delegate votes, tellers count, the chair cuts; everyone sees every question decided."""

from __future__ import annotations

from aiohttp import web

from ...group import floor as group_floor
from ...network import elections, floor
from .business import actor_of
from .endpoints import Endpoint, json, node_of, read_body


def _written(entry) -> web.Response:
    return json({"entry": entry.id, "seq": entry.seq}, status=201)


async def get_floor(request: web.Request) -> web.Response:
    return json(floor.view(node_of(request), request.match_info["id"]))


async def get_question(request: web.Request) -> web.Response:
    return json(floor.one(node_of(request), request.match_info["open"]))


async def post_question(request: web.Request) -> web.Response:
    body = await read_body(request, floor.PutQuestion)
    return _written(await floor.put(node_of(request), request.match_info["id"], body))


async def post_vote(request: web.Request) -> web.Response:
    body = await read_body(request, group_floor.CastFloorVote)
    return _written(await group_floor.cast(node_of(request), actor_of(request),
                                           request.match_info["open"], body))


async def post_count(request: web.Request) -> web.Response:
    body = await read_body(request, floor.TellersCount)
    return _written(await floor.count(node_of(request), request.match_info["open"], body))


async def post_cut(request: web.Request) -> web.Response:
    return _written(await floor.cut(node_of(request), request.match_info["open"]))


async def post_nomination(request: web.Request) -> web.Response:
    body = await read_body(request, elections.Nominate)
    return _written(await elections.nominate(node_of(request), request.match_info["id"], body))


async def get_elections(request: web.Request) -> web.Response:
    return json(elections.view(node_of(request), request.match_info["id"]))


async def post_election(request: web.Request) -> web.Response:
    body = await read_body(request, elections.PutElection)
    return _written(await elections.put(node_of(request), request.match_info["id"], body))


async def get_election(request: web.Request) -> web.Response:
    return json(elections.one(node_of(request), request.match_info["election"]))


async def post_ranking(request: web.Request) -> web.Response:
    body = await read_body(request, group_floor.RankCandidates)
    return _written(await group_floor.rank(node_of(request), actor_of(request),
                                           request.match_info["election"], body))


async def post_election_cut(request: web.Request) -> web.Response:
    return _written(await elections.cut(node_of(request), request.match_info["election"]))


QUESTION = "/api/v1/floor/{open}"
ELECTION = "/api/v1/conferences/{id}/elections/{election}"
MEMBER = ("member",)
OFFICER = ("officer",)
WRITTEN = (201,)
ENDPOINTS = [
    Endpoint("GET", "/api/v1/conferences/{id}/floor",
             "The conference floor: the chair, the participants, every question put with "
             "its votes, cuts, result and whether it is final", MEMBER, get_floor),
    Endpoint("GET", QUESTION, "One question put to the floor, decided", MEMBER,
             get_question),
    Endpoint("POST", "/api/v1/conferences/{id}/floor",
             "Put a question to the floor, with its window fixed now (our group chairs)",
             OFFICER, post_question, floor.PutQuestion, answers=WRITTEN),
    Endpoint("POST", QUESTION + "/votes",
             "Vote as one of our credentialed delegates (signed as the delegate's pseudonym)",
             MEMBER, post_vote, group_floor.CastFloorVote, answers=WRITTEN),
    Endpoint("POST", QUESTION + "/count", "Enter our tellers' count of a vote by tellers",
             OFFICER, post_count, floor.TellersCount, answers=WRITTEN),
    Endpoint("POST", QUESTION + "/cut",
             "Cut the question's votes now (the node that put it cuts by itself)", OFFICER,
             post_cut, answers=WRITTEN),
    Endpoint("POST", "/api/v1/conferences/{id}/nominations",
             "Nominate one of our people for a body the conference elects (SPEC 5.9.1, N1)",
             OFFICER, post_nomination, elections.Nominate, answers=WRITTEN),
    Endpoint("GET", "/api/v1/conferences/{id}/elections",
             "The conference's elections: candidates, status, the count's stages and the "
             "seats they give", MEMBER, get_elections),
    Endpoint("POST", "/api/v1/conferences/{id}/elections",
             "Put the election of a body's seats to the floor, the nominations made on time "
             "as candidates (our group chairs)", OFFICER, post_election,
             elections.PutElection, answers=WRITTEN),
    Endpoint("GET", ELECTION, "One election, decided, with the count's stages", MEMBER,
             get_election),
    Endpoint("POST", ELECTION + "/rankings",
             "Rank the candidates as one of our credentialed delegates (E3; signed as the "
             "delegate's pseudonym)", MEMBER, post_ranking, group_floor.RankCandidates,
             answers=WRITTEN),
    Endpoint("POST", ELECTION + "/cut",
             "Cut the election's rankings now (the node that put it cuts by itself)",
             OFFICER, post_election_cut, answers=WRITTEN),
]
