"""The network's governance from the browser: its constitution, its bodies and their meetings.

Every member may read them, as the API beside them (`/api/v1/constitution`,
`/api/v1/bodies`, …); an officer of a group holding a seat on a body calls its
meetings and casts the votes of the group's seat holders. The pages call the
same steps as the API (`network/bodies.py`).
"""

from __future__ import annotations

from aiohttp import web

from ... import clock
from ...network import bodies, constitution
from ...procedure.network.constitution import ADMISSIBILITY, POWERS
from .frame import action, moment, node_of, page, render, see_other, shaped, text

HOUR_MS = 3_600_000
ITEM_ROWS = 3
STATUS_BADGE = {"carried": "good", "fell": "bad", "void": "bad", "pending": "",
                "in office": "good", "caretaker": "bad", "vacant": ""}


def countdown(ends: int | None, now: int) -> str:
    """How long until `ends`, in words: days and hours, or that it is over."""
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
    now = clock.now_ms()
    return render(request, "bodies.html", bodies=constitution.bodies(node.state), own=node.id,
                  countdown=lambda ends: countdown(ends, now), badge=STATUS_BADGE,
                  network=node.state.name if node.state.net else None)


def _body(request: web.Request) -> constitution.BodyView:
    node = node_of(request)
    body_id = request.match_info["body"]
    bodies.body_or_404(node, body_id)
    return next(b for b in constitution.bodies(node.state) if b.id == body_id)


@page("GET", "/api/v1/bodies/{body}")
async def body_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    body = _body(request)
    now = clock.now_ms()
    return render(request, "body.html", body=body, own=node.id,
                  own_seats=bodies.own_seats(node, body.id),
                  meetings=bodies.meetings(node, body.id), badge=STATUS_BADGE,
                  countdown=lambda ends: countdown(ends, now), powers=POWERS,
                  provisions=ADMISSIBILITY, rows=range(ITEM_ROWS))


def _items(request: web.Request) -> list[dict]:
    items = []
    for row in range(ITEM_ROWS):
        chosen = text(request, f"action{row}")
        if not chosen:
            continue
        item: dict = {"action": chosen, "text": text(request, f"text{row}")}
        if chosen == "call-conference":
            item["opens"] = moment(request, f"conference_opens{row}")
        if chosen == "rule-out":
            item["provision"] = text(request, f"provision{row}")
        refs = text(request, f"refs{row}").split()
        if refs:
            item["refs"] = refs
        items.append(item)
    return items


@action("POST", "/api/v1/bodies/{body}/meetings", "call", body_page,
        {"short_notice": "opens", "bad_opens": "opens", "bad_meeting": "closes",
         "bad_closes": "closes"})
async def post_meeting(request: web.Request) -> web.StreamResponse:
    body_id = request.match_info["body"]
    call = shaped(bodies.CallMeeting, {
        "title": text(request, "title"), "opens": moment(request, "opens"),
        "closes": moment(request, "closes"), "items": _items(request)})
    entry = await bodies.call_meeting(node_of(request), body_id, call)
    raise see_other(f"/bodies/{body_id}/meetings/{entry.id}?called=1")


@page("GET", "/api/v1/bodies/{body}/meetings/{id}")
async def meeting_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    body = _body(request)
    meeting = bodies.meeting_or_404(node, body.id, request.match_info["id"])
    now = clock.now_ms()
    view = bodies.describe(node, meeting)
    seats = bodies.own_seats(node, body.id)
    names = {m.holder: m.name for m in body.members if m.group == node.id}
    return render(request, "body_meeting.html", body=body, view=view, own_seats=seats,
                  seat_options=[(s, f"{s}: {names.get(s, s)}") for s in seats],
                  item_options=[(str(i.index), f"{i.index}: {i.action}") for i in view.items],
                  badge=STATUS_BADGE,
                  open=meeting.body.opens <= now <= meeting.body.closes,
                  countdown=lambda ends: countdown(ends, now),
                  called=request.query.get("called") == "1",
                  voted=request.query.get("voted") == "1")


@action("POST", "/api/v1/bodies/{body}/meetings/{id}/votes", "vote", meeting_page)
async def post_vote(request: web.Request) -> web.StreamResponse:
    body_id, meeting_id = request.match_info["body"], request.match_info["id"]
    vote = shaped(bodies.CastVote, {"item": text(request, "item"), "vote": text(request, "vote"),
                                    "holder": text(request, "holder") or None})
    await bodies.cast_vote(node_of(request), body_id, meeting_id, vote)
    raise see_other(f"/bodies/{body_id}/meetings/{meeting_id}?voted=1")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/constitution", constitution_page),
        web.get("/bodies", bodies_page),
        web.get("/bodies/{body}", body_page),
        web.post("/bodies/{body}/meetings", post_meeting),
        web.get("/bodies/{body}/meetings/{id}", meeting_page),
        web.post("/bodies/{body}/meetings/{id}/votes", post_vote),
    ]
