"""Member ballots from the browser: the ballot page, the trustees' page, the results.

Every member may read them, as the API beside them (`/api/v1/ballots/…`). A
member's credential and ballot are made on their own device: the command line,
or the ballot page's script (`static/ballot.js`), which makes the credential and
the ballot in the browser and posts only the public credential and the finished
ballot to the client API, with the session's CSRF token. So these pages write
nothing themselves: they show the questions and the window, the form the script
fills in, find a member's ballot by the tracker on their receipt, show each
trustee's progress and the commands a trustee runs on their own machine, and the
result with whether it verifies.
"""

from __future__ import annotations

import re

from aiohttp import web

from ... import clock
from ...network import ballots
from .frame import node_of, page, render

BADGE = {"counted": "good", "open": "", "counting": "", "pending": "", "void": "bad",
         "failed": "bad", "ready": "good"}
_TRACKER = re.compile(r"[0-9a-f]{64}")


def _names(node) -> dict[str, str]:
    return {m.node: m.name for m in node.state.members.values()}


def phase(described: dict, now: int) -> str:
    """What a member can do on the ballot page now: make a credential (`enrol`, until the
    opening, BL5), vote (`vote`, in the window with the election key made, BL2, BL6),
    nothing more (`closed`), or nothing at all (`none`: the ballot is void or failed)."""
    if described["status"] in ("void", "failed"):
        return "none"
    if now < described["opens"]:
        return "enrol"
    if now <= described["closes"]:
        return "vote" if described["key"]["status"] == "ready" else "none"
    return "closed"


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
                  found=found, names=_names(node), phase=phase(described, clock.now(node)))


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
