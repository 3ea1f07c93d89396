"""The aiohttp application: federation endpoints, client API, and their guards."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from ..network.node import Node
from . import federation, pages
from .api import routes
from .auth import authenticate
from .errors import errors_as_answers
from .keys import NODE, SERVICE


@web.middleware
async def server_timing(request: web.Request, handler) -> web.StreamResponse:
    """`Server-Timing: app;dur=<ms>`: how long the node took, as a client can read it."""
    start = time.perf_counter()
    response = await handler(request)
    if not response.prepared:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.2f}"
    return response


def make_app(node: Node, service: Any = None) -> web.Application:
    app = web.Application(
        client_max_size=node.config.max_body_bytes,
        middlewares=[server_timing, errors_as_answers, authenticate],
    )
    app[NODE] = node
    app[SERVICE] = service
    app.add_routes(federation.routes())
    app.add_routes(routes.routes())
    app.add_routes(pages.routes())
    return app
