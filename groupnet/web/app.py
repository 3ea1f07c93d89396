"""The aiohttp application: federation endpoints, client API, and their guards."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..node import Node
from . import api, federation
from .auth import authenticate
from .errors import errors_as_answers
from .keys import NODE, SERVICE


def make_app(node: Node, service: Any = None) -> web.Application:
    app = web.Application(
        client_max_size=node.config.max_body_bytes,
        middlewares=[errors_as_answers, authenticate],
    )
    app[NODE] = node
    app[SERVICE] = service
    app.add_routes(federation.routes())
    app.add_routes(api.routes())
    return app
