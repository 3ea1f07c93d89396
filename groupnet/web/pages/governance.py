"""The network's governance from the browser: its constitution and its bodies.

Every member may read them, as the API beside them (`/api/v1/constitution`,
`/api/v1/bodies`); the pages call the same functions.
"""

from __future__ import annotations

from aiohttp import web

from ... import clock
from ...network import constitution
from .frame import node_of, page, render

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def countdown(ends: int | None, now: int) -> str:
    """How long until `ends`, in words: days and hours, or how long ago it was."""
    if ends is None:
        return ""
    left = ends - now
    if left <= 0:
        return "ended"
    days, hours = divmod(left // HOUR_MS, 24)
    if days:
        return f"in {days} day{'s' if days != 1 else ''}, {hours} h"
    return f"in {hours} h {left % HOUR_MS // 60_000} min"


@page("GET", "/api/v1/constitution")
async def constitution_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    view = constitution.describe(node.state)
    sections: dict[str, list[constitution.Provision]] = {}
    for provision in view.provisions:
        sections.setdefault(provision.section, []).append(provision)
    return render(request, "constitution.html", view=view, sections=sections,
                  network=node.state.name if node.state.net else None)


@page("GET", "/api/v1/bodies")
async def bodies_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    now = clock.network_now(node)
    bodies = constitution.bodies(node.state)
    return render(request, "bodies.html", bodies=bodies, own=node.id,
                  countdown=lambda ends: countdown(ends, now),
                  network=node.state.name if node.state.net else None)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/constitution", constitution_page),
        web.get("/bodies", bodies_page),
    ]
