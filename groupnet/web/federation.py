"""The federation endpoints other nodes call (protocol/SPEC.md section 6).

No tokens here: authenticity rests on the signature of every entry, so any
node (or anyone) may read logs, and the inbox accepts only what verifies.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from aiohttp import web

from ..limits import whole_number
from ..network import certificates
from ..network.node import Node
from ..wire.rejection import refuse
from .keys import NODE

MAX_BATCH = 1000
MAX_COSIGNATURE_BYTES = 2048
MAX_READ = 5000
# authors one `POST /fed/v1/logs` may ask for (SPEC 6.4.1)
MAX_LOGS = 5000

Seq = Annotated[int, msgspec.Meta(ge=0, le=2**53)]
Author = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class LogsAsked(msgspec.Struct):
    """The body of `POST /fed/v1/logs` (SPEC 6.4.1)."""

    after: dict[Author, Seq]
    limit: Annotated[int, msgspec.Meta(ge=0, le=MAX_READ)] = 1000


_logs_asked = msgspec.json.Decoder(LogsAsked)


def _int_param(request: web.Request, name: str, default: int, top: int) -> int:
    value = whole_number(request.query.get(name, str(default)), 0, top)
    if value is None:
        raise refuse("bad_request", f"SPEC 6: `{name}` must be an integer (digits 0-9) between "
                     f"0 and {top}", 400)
    return value


def _ndjson(lines: list[bytes], headers: dict | None = None) -> web.Response:
    body = b"".join(line + b"\n" for line in lines)
    return web.Response(body=body, content_type="application/x-ndjson", headers=headers)


async def well_known(request: web.Request) -> web.Response:
    node: Node = request.app[NODE]
    charter = None
    if node.state.founder:
        entry = await node.entry(node.state.charter_id)
        charter = entry.raw.decode() if entry else None
    return web.json_response({
        "protocol": "groupnet/1",
        "node": node.id,
        "name": node.config.name,
        "url": node.config.url,
        "network": node.state.net,
        "charter": charter,
    })


async def inbox(request: web.Request) -> web.Response:
    node: Node = request.app[NODE]
    body = await request.read()
    lines = [line for line in body.split(b"\n") if line.strip()]
    if not lines:
        raise refuse("empty_batch", "SPEC 6.2: an inbox batch holds at least one entry", 400)
    if len(lines) > MAX_BATCH:
        raise refuse(
            "batch_too_large",
            f"SPEC 6.2: a batch holds at most {MAX_BATCH} entries; this one has {len(lines)}",
            413,
        )
    results = await node.take_pushed(lines)
    return web.Response(
        body=msgspec.json.encode({"results": results}), content_type="application/json"
    )


async def cosignature(request: web.Request) -> web.Response:
    """A participant's cosignature of a cut this node wrote (SPEC 6.6.1, F11)."""
    node: Node = request.app[NODE]
    body = await request.read()
    if len(body) > MAX_COSIGNATURE_BYTES:
        raise refuse("too_large", f"SPEC 6.6.1: a cosignature is at most "
                     f"{MAX_COSIGNATURE_BYTES} bytes", 413)
    try:
        offered = certificates.offered_decoder.decode(body)
    except msgspec.DecodeError as error:
        raise refuse("bad_request", "SPEC 6.6.1: the body is a JSON object with `cut`, "
                     f"`result` and `cosignature`: {error}", 400) from None
    status = certificates.take(node, offered)
    return web.Response(body=msgspec.json.encode({"status": status}),
                        content_type="application/json")


async def feed(request: web.Request) -> web.Response:
    node: Node = request.app[NODE]
    after = _int_param(request, "after", 0, 2**53)
    limit = _int_param(request, "limit", 1000, MAX_READ) or 1
    rows = await node.feed(after, limit)
    following = rows[-1][0] if rows else after
    return _ndjson([raw for _, raw in rows], {"Groupnet-Feed-Next": str(following)})


async def author_log(request: web.Request) -> web.Response:
    node: Node = request.app[NODE]
    after = _int_param(request, "after", 0, 2**53)
    limit = _int_param(request, "limit", 1000, MAX_READ) or 1
    return _ndjson(await node.log(request.match_info["author"], after, limit))


async def logs(request: web.Request) -> web.Response:
    node: Node = request.app[NODE]
    try:
        asked = _logs_asked.decode(await request.read())
    except msgspec.DecodeError as error:
        raise refuse("bad_request", "SPEC 6.4.1: the body is a JSON object with `after` (each "
                     "author's seq, 0 … 2^53) and `limit` (0 … "
                     f"{MAX_READ}): {error}", 400) from None
    if len(asked.after) > MAX_LOGS:
        raise refuse("too_many_logs", f"SPEC 6.4.1: one request asks for at most {MAX_LOGS} "
                     f"authors' logs; this one asks for {len(asked.after)}", 413)
    limit = asked.limit or 1
    rows = await node.logs(list(asked.after.items()), limit)
    headers = None
    if len(rows) == limit:
        author, seq, _ = rows[-1]
        headers = {"Groupnet-Logs-Next": f"{author} {seq}"}
    return _ndjson([raw for _, _, raw in rows], headers)


async def heads(request: web.Request) -> web.Response:
    node: Node = request.app[NODE]
    # asked every few seconds by every member: encoded by msgspec, not the json module
    body = msgspec.json.encode({"network": node.state.net, "heads": node.heads(),
                                "forks": len(node.state.forks)})
    return web.Response(body=body, content_type="application/json")


async def forks(request: web.Request) -> web.Response:
    node: Node = request.app[NODE]
    return _ndjson(await node.fork_evidence())


def routes() -> list[web.RouteDef]:
    return [
        web.get("/.well-known/groupnet", well_known),
        web.post("/fed/v1/inbox", inbox),
        web.post("/fed/v1/cosignature", cosignature),
        web.get("/fed/v1/feed", feed),
        web.get("/fed/v1/log/{author}", author_log),
        web.post("/fed/v1/logs", logs),
        web.get("/fed/v1/heads", heads),
        web.get("/fed/v1/forks", forks),
    ]
