"""The conference floor from the browser (SPEC 5.9): the delegate's phone, the chair's view,
the projector and the record.

One page, `/conferences/{id}/floor`, shows each person their part of it:

- a delegate (a signed-in member whom the group's standing credential names) sees the
  agenda with the item being decided, the vote open now with its close in the group's
  time zone and a countdown, the mandate the group gave on it and whether it lapsed,
  the vote buttons the mandate admits, their vote once cast and the result once final;
- the chair (the groups on the arrangements committee, F1) puts questions: what may be
  put now, amendments before their motion (F4), with the window's length checked as
  every node checks it; there is no control to close a vote early or to extend it,
  because no kind of entry does either (F2) and the page says so; tellers enter their
  count after the close;
- everyone reads every question put, its counts so far by hands and by card, the cuts
  and how many participants cosigned them.

The projector view (`…/floor/projector`) is the same in large type and refreshes itself;
the record (`…/floor/record`) prints every question with the roll call by delegation.
The countdown is a small script served by the node (`static/floor.js`); without it the
page shows the time left when it was loaded. Every form calls what the API calls
(`network/floor.py`, `group/floor.py`); the rules decide, the pages show their sentences.
"""

from __future__ import annotations

from aiohttp import web

from ... import clock
from ...group import elections
from ...group import floor as group_floor
from ...network import conferences, floor
from ...network.floor_record import record
from ...network.node import Node
from ...procedure.network.conference_review import Review
from ...procedure.network.credentials import Credentials
from ...procedure.network.floor import MAX_VOTE_MS, MIN_VOTE_MS, chairs
from .conferences import STATUS_BADGE, countdown, plainly, zone_of
from .frame import (
    action,
    actor_of,
    caller_of,
    form_of,
    node_of,
    number,
    page,
    render,
    see_other,
    shaped,
    text,
)

API = "/api/v1/conferences/{id}/floor"
QUESTION = "/api/v1/floor/{open}"
METHODS = (("hands", "A show of hands (one vote per delegate)"),
           ("card", "A card vote (each delegate carries their share of the members)"),
           ("tellers", "Tellers count (two or more teller groups)"))
THRESHOLDS = (("simple", "Simple majority (more for than against)"),
              ("two-thirds", "Two thirds of the votes cast"))
CHOICES = (("for", "For"), ("against", "Against"), ("abstain", "Abstain"))
# F6: the votes a mandate that has not lapsed admits
ADMITS = {"support": {"for"}, "oppose": {"against"}}


def _conference(request: web.Request) -> str:
    return request.match_info["id"]


async def _our_delegates(node: Node, member: str | None, conference: str) -> list[str]:
    """The pseudonyms under which the signed-in member sits on our standing credential."""
    if member is None:
        return []
    found = node.state.rules(Credentials).credentials.get((node.id, conference))
    named = {seat.delegate for seat in found[1].delegates} if found else set()
    return [p for p in await elections.pseudonyms(node, member, conference) if p in named]


def puttable(found: Review, questions: list[dict]) -> list[dict]:
    """What the chair may put now, item by item of the final agenda (F3, F4): each admissible
    amendment not yet decided by a vote that closed, then the motion (or composite) once
    all of its amendments were, in the words of the amendment carried last."""
    texts = {m.id: m.text for m in found.motions}
    texts.update({a.id: a.text for a in found.amendments})
    texts.update({c.id: c.text for c in found.composites})
    closed = {}
    for q in questions:
        if q["closed"] and q["status"] != "void":
            closed.setdefault(q["item"], []).append(q)
    out = []
    for item in found.agenda.items:
        waiting = [a for a in item.amendments if a not in closed]
        pending = [a for a in item.amendments
                   if any(q["status"] == "pending" for q in closed.get(a, []))]
        carried = sorted((q["closes"], q["item"]) for a in item.amendments
                         for q in closed.get(a, []) if q["status"] == "carried")
        question = "composite" if item.kind == "composite" else "motion"
        entry = {"item": item, "amendments": [], "question": question, "ready": False,
                 "text": texts.get(carried[-1][1] if carried else item.id, ""),
                 "why": ""}
        for amendment in item.amendments:
            entry["amendments"].append({"id": amendment, "text": texts.get(amendment, ""),
                                        "voted": amendment in closed})
        if waiting:
            entry["why"] = (f"F4: amendments are voted before the {question}; "
                            f"{len(waiting)} amendment(s) still to be put")
        elif pending:
            entry["why"] = "F4: the vote on an amendment is not final yet"
        else:
            entry["ready"] = True
        out.append(entry)
    return out


def _options(found: Review, items: list[dict]) -> list[tuple[str, str]]:
    options = []
    for entry in items:
        item = entry["item"]
        for n, amendment in enumerate(entry["amendments"], 1):
            if not amendment["voted"]:
                options.append((f"amendment|{amendment['id']}",
                                f"Item {item.position}, amendment {n}: {item.title}"))
        if entry["ready"]:
            options.append((f"{entry['question']}|{item.id}",
                            f"Item {item.position}: {item.title}"
                            + (" (as amended)" if entry["text"] != _own_text(found, item.id)
                               else "")))
    return options


def _own_text(found: Review, item: str) -> str:
    return next((m.text for m in found.motions if m.id == item),
                next((c.text for c in found.composites if c.id == item), ""))


def _current_item(found: Review, questions: list[dict]) -> str | None:
    """The agenda item of the vote open now: the item itself, or the one amended."""
    for q in questions:
        if q["open_now"]:
            for item in found.agenda.items:
                if q["item"] == item.id or q["item"] in item.amendments:
                    return item.id
    return None


async def _context(request: web.Request) -> dict:
    node = node_of(request)
    conference = _conference(request)
    found = conferences.review_or_404(node, conference)
    described = conferences.describe(node, conference)
    zone = zone_of(node)
    now = clock.now_ms()
    shown = record(node, conference, now)
    caller = caller_of(request)
    mine = await _our_delegates(node, caller.member_id if caller else None, conference)
    for q in shown["questions"]:
        q["local_closes"] = zone.moment(q["closes"])
        q["countdown"] = ("closed" if q["closed"] else
                          countdown(q["closes"], now, False) if q["open_now"] else
                          f"opens {zone.moment(q['opens'])}")
        q["mine"] = [v for v in q["votes"] if v["group"]["node"] == node.id
                     and v["delegate"] in mine]
        mandate = q["own_mandate"]
        q["admits"] = (ADMITS.get(mandate["position"], {"for", "against", "abstain"})
                       if mandate and not mandate["lapsed"] else {"for", "against", "abstain"})
    chairing = node.id in chairs(node.state)
    items = puttable(found, shown["questions"]) if found.agenda.status == "final" else []
    return {
        "conference": described, "review": found, "floor": shown, "now": now,
        "zone_name": zone.name, "when": zone.moment, "badge": STATUS_BADGE,
        "delegates": mine, "chairing": chairing, "items": items,
        "put_options": _options(found, items), "methods": METHODS,
        "thresholds": THRESHOLDS, "choices": CHOICES,
        "min_minutes": MIN_VOTE_MS // 60_000, "max_minutes": MAX_VOTE_MS // 60_000,
        "current_item": _current_item(found, shown["questions"]),
        "open_now": [q for q in shown["questions"] if q["open_now"]],
        "own": node.id, "plain_refusals": True,
    }


@page("GET", API)
@plainly
async def floor_page(request: web.Request) -> web.StreamResponse:
    return render(request, "conference_floor.html", notice=request.query.get("done", ""),
                  **await _context(request))


@page("GET", API)
@plainly
async def projector_page(request: web.Request) -> web.StreamResponse:
    context = await _context(request)
    questions = context["floor"]["questions"]
    # the vote open now, else the one closed last
    shown = (context["open_now"] or sorted(questions, key=lambda q: q["closes"])[-1:]
             or [None])[-1]
    return render(request, "conference_projector.html", question=shown, **context)


@page("GET", API)
@plainly
async def record_page(request: web.Request) -> web.StreamResponse:
    return render(request, "conference_record.html", **await _context(request))


def _back(request: web.Request, what: str, anchor: str = "") -> web.HTTPSeeOther:
    return see_other(f"/conferences/{_conference(request)}/floor?done={what}"
                     + (f"#{anchor}" if anchor else ""))


@action("POST", API, "put", floor_page, {"bad_window": "minutes"})
async def post_question(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    conference = _conference(request)
    found = conferences.review_or_404(node, conference)
    question, _, item = text(request, "what").partition("|")
    context_items = puttable(found, record(node, conference)["questions"])
    text_put = next((e["text"] for e in context_items if e["item"].id == item), "")
    text_put = next((a["text"] for e in context_items for a in e["amendments"]
                     if a["id"] == item), text_put)
    body = shaped(floor.PutQuestion, {
        "item": item, "question": question, "text": text_put,
        "method": text(request, "method") or "hands",
        "tellers": [str(t) for t in form_of(request).getall("teller", [])],
        "threshold": text(request, "threshold") or "simple",
        "minutes": number(request, "minutes", "The vote's length in minutes")})
    entry = await floor.put(node, conference, body)
    raise _back(request, "put", f"q-{entry.id}")


@action("POST", QUESTION + "/votes", "vote", floor_page)
async def post_vote(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    put = request.match_info["open"]
    body = shaped(group_floor.CastFloorVote, {"vote": text(request, "vote")})
    await group_floor.cast(node, actor_of(request), put, body)
    raise _back(request, "vote", f"q-{put}")


@action("POST", QUESTION + "/count", "count", floor_page)
async def post_count(request: web.Request) -> web.StreamResponse:
    put = request.match_info["open"]
    body = shaped(floor.TellersCount, {
        "for": number(request, "for", "For"), "against": number(request, "against", "Against"),
        "abstain": number(request, "abstain", "Abstaining")})
    await floor.count(node_of(request), put, body)
    raise _back(request, "count", f"q-{put}")


@action("POST", QUESTION + "/cut", "cut", floor_page)
async def post_cut(request: web.Request) -> web.StreamResponse:
    put = request.match_info["open"]
    await floor.cut(node_of(request), put)
    raise _back(request, "cut", f"q-{put}")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/conferences/{id}/floor", floor_page),
        web.get("/conferences/{id}/floor/projector", projector_page),
        web.get("/conferences/{id}/floor/record", record_page),
        web.post("/conferences/{id}/floor/questions", post_question),
        web.post("/conferences/{id}/floor/{open}/vote", post_vote),
        web.post("/conferences/{id}/floor/{open}/count", post_count),
        web.post("/conferences/{id}/floor/{open}/cut", post_cut),
    ]

