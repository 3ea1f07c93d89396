"""How an API endpoint is declared: once, with its roles, request shape and answers.

Each area of the API (network, register, business …) lists its endpoints in
an `ENDPOINTS` table of `Endpoint`s: method and path, who may call it, the
query parameters and path ids it reads, the request type its body decodes
into, the statuses it answers with and the type of its answer. `web/api/routes.py`
makes both the router and the OpenAPI document from those tables, so the
document cannot drift from what the node answers: the router checks every
declared query parameter and path id before the handler runs, and a handler
can only read the body type its endpoint declares (`read_body`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from aiohttp import web

from ...limits import MAX_ID, refusal, whole_number
from ...network.node import Node
from ...wire.rejection import Refused, refuse
from ..keys import NODE, SERVICE

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
T = TypeVar("T")

ENDPOINT = web.RequestKey("endpoint", Any)
QUERY = web.RequestKey("query", Any)

TRUE = ("true", "1", "yes")
FALSE = ("false", "0", "no")
QUERY_TEXT_LENGTH = 200
# the longest name of a thing in a path (member ids, entry ids, roles are far shorter)
PATH_TEXT_LENGTH = 200


JSON = "application/json"


@dataclass(frozen=True)
class Query:
    """A query-string parameter: text (at most `max_length`, or one of `choices`), a whole
    number from `low` to `high`, or a yes/no."""

    name: str
    kind: str = "string"  # "string", "integer" or "boolean"
    low: int = 0
    high: int = MAX_ID
    choices: tuple[str, ...] = ()
    max_length: int = QUERY_TEXT_LENGTH

    def schema(self) -> dict:
        if self.kind == "integer":
            return {"type": "integer", "minimum": self.low, "maximum": self.high}
        if self.kind == "boolean":
            return {"type": "boolean"}
        if self.choices:
            return {"type": "string", "enum": list(self.choices)}
        return {"type": "string", "maxLength": self.max_length}

    def read(self, text: str) -> object:
        if self.kind == "integer":
            value = whole_number(text, self.low, self.high)
            if value is None:
                raise refuse("bad_request", f"`{self.name}` must be a whole number from "
                             f"{self.low} to {self.high}, in the digits 0-9", 400)
            return value
        if self.kind == "boolean":
            if text.lower() not in TRUE + FALSE:
                raise refuse("bad_request", f"`{self.name}` is true or false", 400)
            return text.lower() in TRUE
        if self.choices and text not in self.choices:
            raise refuse("bad_request", f"`{self.name}` is one of {', '.join(self.choices)}", 400)
        if len(text) > self.max_length:
            raise refuse("bad_request", f"`{self.name}` is at most {self.max_length} "
                         "characters", 400)
        return text


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    roles: tuple[str, ...]
    handler: Handler
    body: type | None = None
    params: tuple[Query, ...] = ()
    # the statuses a call that succeeds answers with
    answers: tuple[int, ...] = (200,)
    # the type of a successful answer's JSON, where the handler answers with one
    response: Any = None
    # path parameters that are ids: whole numbers from 1 to MAX_ID (else 404)
    numbered: tuple[str, ...] = ()
    # refusals beyond those every endpoint of its kind may give (e.g. 429, 502)
    refusals: tuple[int, ...] = ()
    # the media type of a text answer (`response=str`): CSV unless it says otherwise
    response_media: str = "text/csv"

    @property
    def body_required(self) -> bool:
        return self.body is not None and not _all_optional(self.body)

    @property
    def media_type(self) -> str:
        """The content type a body must declare: CSV for a text body, JSON for a typed one."""
        return "text/csv" if self.body is str else JSON


def _all_optional(shape: type) -> bool:
    """Whether every field of the request type `shape` has a default."""
    info = msgspec.inspect.type_info(shape)
    if not isinstance(info, msgspec.inspect.StructType):
        return False
    return all(not f.required for f in info.fields)


def json(data: object, status: int = 200) -> web.Response:
    return web.Response(body=msgspec.json.encode(data), status=status,
                        content_type="application/json")


def require_content_type(request: web.Request, wanted: str) -> None:
    """Refuse (415) a body that does not say it is `wanted`, before reading it.

    A page on another site can make a browser send a form or text/plain with
    the victim's cookie, but not application/json without asking first (a
    CORS preflight this node never answers); so the type is part of the guard.
    """
    if request.content_type != wanted:
        raise refuse("unsupported_media_type", f"this call takes a body of type {wanted} (send "
                     f"`Content-Type: {wanted}`); this one is {request.content_type}", 415)


async def read_body(request: web.Request, shape: type[T]) -> T:
    """The request body as `shape`, the type the endpoint declares. A body whose fields all
    have defaults may be left out."""
    declared = request.get(ENDPOINT)
    if declared is not None and declared.body is not shape:
        raise TypeError(f"{declared.method} {declared.path} declares {declared.body}, "
                        f"not {shape}")
    if request.body_exists:
        require_content_type(request, JSON)
    raw = await request.read()
    if not raw.strip():
        if _all_optional(shape):
            return shape()
        raise refuse("bad_request", "this call needs a JSON request body "
                     "(Content-Type: application/json)", 400)
    try:
        return msgspec.json.decode(raw, type=shape)
    except msgspec.ValidationError as error:
        raise Refused(refusal(error, "the request body"), 400) from None
    except msgspec.DecodeError as error:
        raise refuse("malformed", f"the request body is not JSON: {error}", 400) from None


def check_path_and_query(request: web.Request, endpoint: Endpoint) -> None:
    """Every path parameter and declared query parameter read, before the handler runs."""
    for name, text in request.match_info.items():
        if name in endpoint.numbered:
            ident(request, name)
        elif len(text) > PATH_TEXT_LENGTH:
            raise refuse("not_found", f"no {name} here is that long", 404)
    values: dict[str, object] = {}
    for param in endpoint.params:
        text = request.query.get(param.name)
        if text is not None:
            values[param.name] = param.read(text)
    request[QUERY] = values


def query(request: web.Request, name: str, default: T) -> T:
    """A declared query parameter, read and checked by the router; `default` if absent."""
    return request[QUERY].get(name, default)


def ident(request: web.Request, name: str = "id") -> int:
    """A numeric id in the path: 404 unless it is one (see `limits.whole_number`)."""
    text = request.match_info[name]
    value = whole_number(text, 1)
    if value is None:
        raise refuse("not_found", f"`{text}` is not the id of anything here", 404)
    return value


def node_of(request: web.Request) -> Node:
    return request.app[NODE]


def service_of(request: web.Request):
    return request.app[SERVICE]
