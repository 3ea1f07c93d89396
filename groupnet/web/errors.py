"""Every refusal over HTTP has one shape: {"error": {"code": ..., "reason": ...}}."""

from __future__ import annotations

import logging
import sqlite3

import msgspec
from aiohttp import web

from .. import store
from ..wire.rejection import Refused, Rejection
from .keys import NODE

log = logging.getLogger("groupnet.web")

# what a `busy` answer asks the caller to wait before trying again
BUSY_RETRY_AFTER_SECONDS = 1
BUSY = Rejection(
    "busy", "the node's database was busy with another writer (such as a command run on "
    "the node's directory) for longer than the busy timeout; nothing was changed: try again")


def error_response(status: int, code: str, reason: str) -> web.Response:
    return web.Response(
        status=status,
        body=msgspec.json.encode({"error": {"code": code, "reason": reason}}),
        content_type="application/json",
    )


@web.middleware
async def errors_as_answers(request: web.Request, handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refused as refused:
        r = refused.rejection
        return error_response(refused.status, r.code, r.reason)
    except web.HTTPRequestEntityTooLarge:
        # aiohttp's exception does not keep the limit; the app was built with this one
        limit = request.app[NODE].config.max_body_bytes
        return error_response(
            413, "too_large", f"request bodies are limited to {limit} bytes; this one is larger"
        )
    except web.HTTPException as error:
        if error.status < 400:
            raise
        code = error.reason.lower().replace(" ", "_")
        response = error_response(error.status, code, error.text or error.reason)
        if "Allow" in error.headers:  # a 405 names the methods the path does serve
            response.headers["Allow"] = error.headers["Allow"]
        return response
    except sqlite3.OperationalError as error:
        if not store.is_busy(error):
            log.exception("unexpected error on %s %s", request.method, request.path)
            return error_response(500, "internal", "the node failed to answer; see its log")
        # another process (the command line) held the database's write lock for longer
        # than the busy timeout; the transaction was rolled back whole
        log.warning("busy: %s %s: %s", request.method, request.path, error)
        response = error_response(503, BUSY.code, BUSY.reason)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal", "the node failed to answer; see its log")
