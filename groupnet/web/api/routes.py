"""The client JSON API (`/api/v1`): every area's endpoints, guarded by role.

The router and the OpenAPI document served at `/api/v1/openapi.json` are both
made from the areas' `ENDPOINTS` tables: the document's request and answer
schemas are the JSON Schemas of the very types the handlers decode and
encode (`msgspec.json.schema_components`), its statuses are those the
endpoints declare, and its parameters those the router checks.
"""

from __future__ import annotations

import msgspec
from aiohttp import web

from ...limits import MAX_ID
from ..auth import SESSION_COOKIE, check_csrf_header, require
from . import (
    account,
    ballots,
    business,
    conferences,
    floor,
    governance,
    motions,
    network,
    register,
)
from .endpoints import (
    ENDPOINT,
    PATH_TEXT_LENGTH,
    Endpoint,
    Handler,
    check_path_and_query,
    json,
    require_content_type,
)

OPENAPI_PATH = "/api/v1/openapi.json"
# what a refusal with each status means, in the document
REFUSALS = {
    400: "Malformed or ill-fitting input (a body, a query parameter)",
    401: "No valid token or session",
    403: "The caller's role may not do this, or a cookie came without its CSRF header",
    404: "No such thing here",
    409: "Someone else changed the record first, or it already exists",
    410: "The link was used, replaced by a newer one, or has expired",
    413: "The request body is larger than the node accepts",
    415: "The body is not of the content type the call takes",
    422: "Refused by the rules",
    429: "Too many attempts: wait and try again",
    502: "The other node could not be reached or answered unusably",
    503: "The node is not running its network service",
}


def all_endpoints() -> list[Endpoint]:
    return [*network.ENDPOINTS, *motions.ENDPOINTS, *register.ENDPOINTS,
            *account.ENDPOINTS, *business.ENDPOINTS, *conferences.ENDPOINTS, *floor.ENDPOINTS,
            *governance.ENDPOINTS, *ballots.ENDPOINTS]


async def get_openapi(request: web.Request) -> web.Response:
    return json(openapi_document())


def _guarded(endpoint: Endpoint) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        request[ENDPOINT] = endpoint
        if endpoint.roles:  # no roles: open to anyone (signing in)
            require(request, *endpoint.roles)
            check_csrf_header(request)
        check_path_and_query(request, endpoint)
        if endpoint.body is not None and request.body_exists:
            require_content_type(request, endpoint.media_type)
        return await endpoint.handler(request)

    return handler


def routes() -> list[web.RouteDef]:
    table = [web.route(e.method, e.path, _guarded(e)) for e in all_endpoints()]
    table.append(web.get(OPENAPI_PATH, get_openapi))
    return table


def refusals_of(endpoint: Endpoint) -> set[int]:
    """The refusal statuses an endpoint may answer with."""
    codes = set(endpoint.refusals)
    if endpoint.roles:
        codes |= {401, 403}
    if _path_names(endpoint.path):
        codes.add(404)
    if endpoint.params:
        codes.add(400)
    if endpoint.method != "GET":
        codes |= {400, 404, 409, 422}
    if endpoint.body is not None:
        codes |= {413, 415}
    return codes


def openapi_document() -> dict:
    endpoints = all_endpoints()
    types = list(dict.fromkeys(
        [e.body for e in endpoints if e.body is not None]
        + [e.response for e in endpoints if e.response is not None]))
    schemas, components = msgspec.json.schema_components(
        types, ref_template="#/components/schemas/{name}")
    schema_of = dict(zip(types, schemas, strict=True))
    components["Error"] = {
        "type": "object",
        "properties": {"error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "reason": {"type": "string"}},
            "required": ["code", "reason"]}},
        "required": ["error"],
    }
    responses = {
        str(status): {"description": f"Refused: {meaning}. The answer has a stable code and "
                      "a sentence citing the rule.",
                      "content": {"application/json": {
                          "schema": {"$ref": "#/components/schemas/Error"}}}}
        for status, meaning in REFUSALS.items()
    }
    paths: dict[str, dict] = {}
    for e in endpoints:
        answers: dict[str, dict] = {}
        for status in e.answers:
            media = e.response_media if e.response is str else "application/json"
            schema = schema_of[e.response] if e.response is not None else {"type": "object"}
            answers[str(status)] = {"description": _answer_meaning(status),
                                    "content": {media: {"schema": schema}}}
        for status in sorted(refusals_of(e)):
            answers[str(status)] = {"$ref": f"#/components/responses/{status}"}
        operation: dict = {
            "summary": e.summary,
            "operationId": f"{e.method.lower()}{_operation_name(e.path)}",
            "security": [{"token": []}, {"session": []}] if e.roles else [],
            "x-roles": list(e.roles),
            "responses": answers,
        }
        parameters = [
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}
             if name in e.numbered
             else {"type": "string", "minLength": 1, "maxLength": PATH_TEXT_LENGTH}}
            for name in _path_names(e.path)
        ] + [
            {"name": q.name, "in": "query", "required": False, "schema": q.schema()}
            for q in e.params
        ]
        if parameters:
            operation["parameters"] = parameters
        if e.body is not None:
            media = e.media_type
            operation["requestBody"] = {
                "required": e.body_required,
                "content": {media: {"schema": schema_of[e.body]}},
            }
        paths.setdefault(e.path, {})[e.method.lower()] = operation
    # as JSON holds it (the response types' tuple defaults become lists)
    return msgspec.json.decode(msgspec.json.encode({
        "openapi": "3.1.0",
        "info": {
            "title": "groupnet client API", "version": "1",
            "description": "Every refusal is JSON: {\"error\": {\"code\", \"reason\"}}. A method "
            "a path does not serve is answered 405 with an `Allow` header naming those it "
            "does. A body whose fields all have defaults may be left out.",
        },
        "components": {
            "schemas": components,
            "responses": responses,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer",
                          "description": "an admin token, or a member's session token"},
                "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                            "description": "the session cookie signing in sets"},
            },
        },
        "paths": paths,
    }))


def _answer_meaning(status: int) -> str:
    return {200: "Done", 201: "Created", 202: "Accepted: it waits on something else (see "
            "the answer)"}.get(status, "Done")


def _operation_name(path: str) -> str:
    parts = path.removeprefix("/api/v1").replace("-", "_").split("/")
    return "".join(f"_{p.strip('{}')}" for p in parts if p)


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
