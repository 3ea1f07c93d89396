"""How an API endpoint is declared: once, with its roles and request shape.

Each area of the API (network, register, business …) lists its endpoints in
an `ENDPOINTS` table of `Endpoint`s; `web/api.py` makes both the router and
the OpenAPI document from those tables, so the document cannot drift from
what the node answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec
from aiohttp import web

from ..node import Node
from ..procedure.rejection import refuse
from .keys import NODE, SERVICE

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


JSON = "application/json"


def require_content_type(request: web.Request, wanted: str) -> None:
    """Refuse (415) a body that does not say it is `wanted`, before reading it.

    A page on another site can make a browser send a form or text/plain with
    the victim's cookie, but not application/json without asking first (a
    CORS preflight this node never answers); so the type is part of the guard.
    """
    if request.content_type != wanted:
        raise refuse("unsupported_media_type", f"this call takes a {wanted} body (send "
                     f"`Content-Type: {wanted}`); this one is {request.content_type}", 415)


async def read_body(request: web.Request, shape: type):
    require_content_type(request, JSON)
    raw = await request.read()
    try:
        return msgspec.json.decode(raw, type=shape)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"the request body does not fit: {error}", 400) from None
    except msgspec.DecodeError as error:
        raise refuse("malformed", f"the request body is not JSON: {error}", 400) from None


def node_of(request: web.Request) -> Node:
    return request.app[NODE]


def service_of(request: web.Request):
    return request.app[SERVICE]


def int_query(request: web.Request, name: str, default: int | None = None,
              low: int = 0, high: int = 2**53) -> int | None:
    text = request.query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise refuse("bad_request", f"`{name}` must be an integer", 400) from None
    if not low <= value <= high:
        raise refuse("bad_request", f"`{name}` must be between {low} and {high}", 400)
    return value
