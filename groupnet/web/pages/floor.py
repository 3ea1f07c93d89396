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

import msgspec
from aiohttp import web

from ... import clock
from ...group import elections
from ...group import floor as group_floor
from ...network import conferences, floor
from ...network.floor_record import record
from ...network.node import Node
from ...procedure.network.conference_review import Review
from ...procedure.network.credentials import Credentials
from ...procedure.network.floor import MAX_VOTE_MS, MIN_VOTE_MS, RULE_CHANGES, chairs
from ...wire.rejection import refuse
from .conferences import STATUS_BADGE, countdown, plainly, zone_of
from .frame import (
    PROBLEM,
    action,
    actor_of,
    caller_of,
    form_of,
    may,
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


class Puttable(msgspec.Struct, kw_only=True):
    """One thing of the final agenda the chair may put, or why not yet (F3, F4)."""

    position: str
    title: str
    question: str
    item: str
    text: str
    amendments: list[dict]
    # "" (may be put now), "amendments first" (F4), or the status of the vote already put
    state: str
    why: str = ""


def puttable(found: Review, questions: list[dict]) -> list[Puttable]:
    """What the chair may put now, in the order of the final agenda (F3, F4): each admissible
    amendment that has had no vote, then the motion, composite or rule change once every
    amendment to it had a vote that closed and is final, in the words of the amendment
    carried last; and the committee's carried rulings, for a reference back or an appeal."""
    texts = {m.id: m.text for m in found.motions}
    texts.update({a.id: a.text for a in found.amendments})
    texts.update({c.id: c.text for c in found.composites})
    put: dict[str, list[dict]] = {}
    for q in questions:
        if q["status"] != "void":
            put.setdefault(q["item"], []).append(q)

    def decided(item: str) -> str:
        """The vote on `item` already put: its status, "" if none."""
        votes = put.get(item, [])
        if not votes:
            return ""
        last = votes[-1]
        return last["status"] if last["closed"] else "being voted"

    def entry(position: str, title: str, question: str, item: str, own_text: str,
              amendments: list[str], amendment_question: str) -> Puttable:
        listed = [{"id": a, "text": texts.get(a, ""), "question": amendment_question,
                   "state": decided(a)} for a in amendments]
        carried = sorted((q["closes"], q["item"]) for a in amendments
                         for q in put.get(a, []) if q["closed"] and q["status"] == "carried")
        text = texts.get(carried[-1][1], own_text) if carried else own_text
        state, why = decided(item), ""
        if not state and any(a["state"] in ("", "being voted") for a in listed):
            state, why = "amendments first", (
                f"F4: amendments are voted before the {question.replace('-', ' ')}")
        elif not state and any(a["state"] == "pending" for a in listed):
            state, why = "amendments first", "F4: the vote on an amendment is not final yet"
        return Puttable(position=position, title=title, question=question, item=item,
                        text=text, amendments=listed, state=state, why=why)

    out = []
    for item in found.agenda.items:
        question = "composite" if item.kind == "composite" else "motion"
        out.append(entry(str(item.position), item.title, question, item.id,
                         texts.get(item.id, ""), item.amendments, "amendment"))
    for change in found.agenda.rule_changes:
        out.append(entry(f"R{change.position}", f"Rule change: {change.title}", "rule-change",
                         change.id, change.title, change.amendments, "rule-change-amendment"))
    for ruling in found.rulings:
        if ruling.action == "rule-out" and ruling.status == "carried":
            ident = f"{ruling.meeting}:{ruling.item}"
            title = f"The ruling under {ruling.provision}"
            out.append(Puttable(position="", title=title, question="reference-back",
                                item=ident, text=ruling.text, amendments=[],
                                state=decided(ident)))
            if ruling.appeals:
                out.append(Puttable(position="", title=f"{title}, appealed", question="appeal",
                                    item=ident, text=ruling.text, amendments=[],
                                    state=decided(ident)))
    return out


def _options(items: list[Puttable]) -> list[tuple[str, str]]:
    """The chair's choices: `question|item`, as the form sends them back."""
    options = []
    for entry in items:
        label = f"Item {entry.position}: " if entry.position else ""
        for n, amendment in enumerate(entry.amendments, 1):
            if not amendment["state"]:
                options.append((f"{amendment['question']}|{amendment['id']}",
                                f"{label}amendment {n} to {entry.title}"))
        if not entry.state:
            words = {"reference-back": "Reference back of ", "appeal": "Appeal against "}
            options.append((f"{entry.question}|{entry.item}",
                            f"{label}{words.get(entry.question, '')}{entry.title}"))
    return options


def _text_put(items: list[Puttable], question: str, item: str) -> str:
    for entry in items:
        if (entry.question, entry.item) == (question, item):
            return entry.text
        for amendment in entry.amendments:
            if (amendment["question"], amendment["id"]) == (question, item):
                return amendment["text"] or entry.title
    return ""


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
        "put_options": _options(items), "methods": METHODS,
        "thresholds": THRESHOLDS, "choices": CHOICES,
        "min_minutes": MIN_VOTE_MS // 60_000, "max_minutes": MAX_VOTE_MS // 60_000,
        "current_item": _current_item(found, shown["questions"]),
        "open_now": [q for q in shown["questions"] if q["open_now"]],
        "own": node.id, "plain_refusals": True,
        "posted": request.match_info.get("open", ""),
        "problem_placed": _placed(request, node, shown["questions"], mine, chairing,
                                  found.agenda.status == "final"),
    }


def _placed(request: web.Request, node: Node, questions: list[dict], mine: list[str],
            chairing: bool, final: bool) -> bool:
    """Whether the refusal of the step just posted shows beside the form that posted it; if
    that form is not on the page (a question closed meanwhile, a forged post), it shows at
    the top of the page instead."""
    problem = request.get(PROBLEM)
    if problem is None:
        return True
    posted = next((q for q in questions if q["id"] == request.match_info.get("open")), None)
    caller = caller_of(request)
    if problem.action == "vote":
        return bool(mine) and posted is not None and posted["open_now"] and \
            posted["method"] != "tellers" and not posted["mine"]
    if problem.action == "count":
        return posted is not None and node.id in posted["tellers"] and posted["closed"] \
            and all(c["group"]["node"] != node.id for c in posted["counts"]) \
            and may(caller, "POST", QUESTION + "/count")
    if problem.action == "cut":
        return posted is not None
    return chairing and final and may(caller, "POST", API)


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


@action("POST", API, "put", floor_page,
        {"bad_window": "minutes", "bad_minutes": "minutes", "bad_method": "method"})
async def post_question(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    conference = _conference(request)
    found = conferences.review_or_404(node, conference)
    question, _, item = text(request, "what").partition("|")
    method = text(request, "method") or "hands"
    if question in RULE_CHANGES and method != "card":
        raise refuse("bad_method", "C5.4: the conference decides a rule change, and an "
                     "amendment to one, by a card vote; choose a card vote", 400)
    minutes = number(request, "minutes", "The vote's length in minutes")
    if not MIN_VOTE_MS <= minutes * 60_000 <= MAX_VOTE_MS:
        raise refuse("bad_window", f"F2: a vote stays open between {MIN_VOTE_MS // 60_000} "
                     f"minutes and a day ({MAX_VOTE_MS // 60_000} minutes); {minutes} "
                     "minutes is not, and once put nobody can shorten or extend it", 400)
    items = puttable(found, record(node, conference)["questions"])
    if found.agenda.status != "final" or \
            f"{question}|{item}" not in {value for value, _ in _options(items)}:
        raise refuse("not_puttable", "F3, F4: the chair puts what the final agenda holds, "
                     "each amendment before its motion; choose one of what may be put now",
                     400)
    body = shaped(floor.PutQuestion, {
        "item": item, "question": question, "text": _text_put(items, question, item),
        "method": method, "threshold": text(request, "threshold") or "simple",
        "tellers": [str(t) for t in form_of(request).getall("teller", [])]
        if method == "tellers" else [],
        "minutes": minutes})
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

