"""Member ballots from the browser: the ballot page, the trustees' page, the results.

Every member may read them, as the API beside them (`/api/v1/ballots/…`). A
member's credential and ballot are made on their own device (the command line,
or the page's script once the browser's cryptography is there), so these pages
write nothing: they show the questions and the window, find a member's ballot by
the tracker on their receipt, show each trustee's progress and the commands a
trustee runs on their own machine, and the result with whether it verifies.
"""

from __future__ import annotations

import re

from aiohttp import web

from ...network import ballots
from .frame import node_of, page, render

BADGE = {"counted": "good", "open": "", "counting": "", "pending": "", "void": "bad",
         "failed": "bad", "ready": "good"}
_TRACKER = re.compile(r"[0-9a-f]{64}")


def _names(node) -> dict[str, str]:
    return {m.node: m.name for m in node.state.members.values()}


@page("GET", "/api/v1/ballots")
async def ballots_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    return render(request, "ballots.html", ballots=ballots.listing(node), badge=BADGE)


@page("GET", "/api/v1/ballots/{id}")
async def ballot_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    ballot = request.match_info["id"]
    described = ballots.describe(node, ballot)
    tracker = request.query.get("tracker", "").strip().lower()
    found = None
    if tracker:
        found = ballots.find(node, ballot, tracker) if _TRACKER.fullmatch(tracker) else \
            {"bad": True}
    return render(request, "ballot.html", ballot=described, badge=BADGE, tracker=tracker,
                  found=found, names=_names(node))


@page("GET", "/api/v1/ballots/{id}")
async def trustees_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    ballot = request.match_info["id"]
    described = ballots.describe(node, ballot)
    return render(request, "ballot_trustees.html", ballot=described, badge=BADGE,
                  trustees=ballots.trustees(node, ballot), names=_names(node), own=node.id)


@page("GET", "/api/v1/ballots/{id}")
async def results_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    ballot = request.match_info["id"]
    described = ballots.describe(node, ballot)
    problems = ballots.verify(node, ballot)
    return render(request, "ballot_results.html", ballot=described, badge=BADGE,
                  problems=problems, names=_names(node))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/ballots", ballots_page),
        web.get("/ballots/{id}", ballot_page),
        web.get("/ballots/{id}/trustees", trustees_page),
        web.get("/ballots/{id}/results", results_page),
    ]
