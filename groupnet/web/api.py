"""The client JSON API (`/api/v1`): every area's endpoints, guarded by role.

The router and the OpenAPI document served at `/api/v1/openapi.json` are both
made from the areas' `ENDPOINTS` tables.
"""

from __future__ import annotations

import msgspec
from aiohttp import web

from . import api_account, api_business, api_motions, api_network, api_register
from .auth import check_csrf_header, require
from .endpoints import JSON, Endpoint, Handler, json, require_content_type


def all_endpoints() -> list[Endpoint]:
    return [*api_network.ENDPOINTS, *api_motions.ENDPOINTS, *api_register.ENDPOINTS,
            *api_account.ENDPOINTS, *api_business.ENDPOINTS]


async def get_openapi(request: web.Request) -> web.Response:
    return json(openapi_document())


def _guarded(endpoint: Endpoint) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        if endpoint.roles:  # no roles: open to anyone (signing in)
            require(request, *endpoint.roles)
            check_csrf_header(request)
        if endpoint.body is not None and request.body_exists:
            require_content_type(request, JSON)
        return await endpoint.handler(request)

    return handler


def routes() -> list[web.RouteDef]:
    table = [web.route(e.method, e.path, _guarded(e)) for e in all_endpoints()]
    table.append(web.get("/api/v1/openapi.json", get_openapi))
    return table


def openapi_document() -> dict:
    endpoints = all_endpoints()
    bodies = [e.body for e in endpoints if e.body is not None]
    schemas, components = msgspec.json.schema_components(
        bodies, ref_template="#/components/schemas/{name}"
    )
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
    for e in endpoints:
        operation: dict = {
            "summary": e.summary,
            "security": [{"token": []}] if e.roles else [],
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
