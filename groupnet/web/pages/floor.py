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

import re

import msgspec
from aiohttp import web

from ... import clock
from ...group import elections
from ...group import floor as group_floor
from ...network import conferences, floor
from ...network import elections as network_elections
from ...network.floor_record import record
from ...network.node import Node
from ...procedure.network.conference_review import Review
from ...procedure.network.credentials import Credentials
from ...procedure.network.elections import Elections, nominations_deadline
from ...procedure.network.floor import (
    MAX_VOTE_MS,
    MIN_VOTE_MS,
    RULE_CHANGES,
    Floor,
    chairs,
)
from ...procedure.network.state import NetworkState
from ...store import register
from ...wire.rejection import refuse
from .conferences import STATUS_BADGE, countdown, plainly, zone_of
from .frame import (
    ENV,
    PICK_LIST_MAX,
    PROBLEM,
    action,
    actor_of,
    caller_of,
    choices_of,
    form_of,
    may,
    node_of,
    number,
    page,
    person,
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


ELECTIONS = "/api/v1/conferences/{id}/elections"
NOMINATIONS = "/api/v1/conferences/{id}/nominations"
RANKINGS = ELECTIONS + "/{election}/rankings"
ELECTION_METHODS = (("hands", "By hands (each delegate's ranking counts once)"),
                    ("card", "By card (each ranking carries the delegate's share of the "
                     "members)"))


# SPEC 5.9.1 numbers the elections' rules N1, N2 and E1–E7; the pages name them in words
# (the constitution's entrenched provisions are E1–E7 too, elsewhere)
ELECTION_RULES = {
    "N1": "nominations", "N2": "one nomination of a person", "E1": "putting an election",
    "E2": "the candidates", "E3": "a ranking", "E4": "the count", "E5": "the cosign",
    "E6": "a final result", "E7": "the seats", "F2": "the window", "F5": "who votes",
}
_ELECTION_CITED = re.compile(r"^(N\d|E\d|F\d): ")


def election_words(reason: str) -> str:
    """An election rule's sentence as people read it: the rule named in words."""
    reason = reason.replace("`", "")
    cited = _ELECTION_CITED.match(reason)
    if cited and cited.group(1) in ELECTION_RULES:
        rule = cited.group(1)
        return f"Rule {rule} ({ELECTION_RULES[rule]}): " + reason[cited.end():]
    return reason


ENV.filters["election_words"] = election_words


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
    chairing = node.id in chairs(node.state, conferences.call_or_404(node, conference).ts)
    elected = _elections(node, conference, now, mine)
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
        "own": node.id, "plain_refusals": True, **elected,
        "election_methods": ELECTION_METHODS,
        "election_bodies_options": [(b.id, b.name) for b in elected["elected_bodies"]],
        "people": await _people(request) if may(caller, "POST", NOMINATIONS) else [],
        "posted": request.match_info.get("open", ""),
        "problem_placed": _placed(request, node, shown["questions"], mine, chairing,
                                  found.agenda.status == "final", elected),
        "posted_election": request.match_info.get("election", ""),
    }


async def _people(request: web.Request) -> list[tuple[str, str]]:
    """Whom an officer may nominate, offered by name (beyond PICK_LIST_MAX, by email)."""
    ids = await register.active_ids(node_of(request).db)
    return await choices_of(request, ids) if len(ids) <= PICK_LIST_MAX else []


def _elections(node: Node, conference: str, now: int, mine: list[str]) -> dict:
    """The conference's elections of the network's bodies (SPEC 5.9.1) as the pages show
    them: the bodies it elects, the nominations by body, each election put with its
    candidates, progress, our delegates' rankings and, once final, the elected and the
    count stage by stage."""
    state = node.state
    call = conferences.call_or_404(node, conference)
    held = state.rules(Elections)
    zone = zone_of(node)
    names = {m.node: m.name for m in state.members.values()}
    bodies = [b for b in state.constitution.bodies if b.elected]
    deadline = nominations_deadline(state, call)
    nominated = sorted((n for n in held.nominations.values() if n.conference == conference),
                       key=lambda n: (n.body.body, n.ts, n.id))
    by_body = [{"body": b, "nominations": [
        {"name": n.body.name, "group": names.get(n.author, n.author[:12]),
         "category": n.body.category, "ours": n.author == node.id}
        for n in nominated if n.body.body == b.id]} for b in bodies]
    shown = network_elections.view(node, conference)
    for e in shown:
        e["title"] = next((b.name for b in state.constitution.bodies if b.id == e["body"]),
                          e["body"])
        e["open_now"] = e["opens"] <= now <= e["closes"]
        e["closed"] = now > e["closes"]
        e["local_closes"] = zone.moment(e["closes"])
        e["countdown"] = ("closed" if e["closed"] else
                          countdown(e["closes"], now, False) if e["open_now"] else
                          f"opens {zone.moment(e['opens'])}")
        by_id = {c["id"]: c for c in e["candidates"]}
        for c in e["candidates"]:
            c["group_name"] = names.get(c["group"], c["group"][:12])
        ours = held.rankings.get(e["id"], {}).get(node.id, [])
        e["mine"] = [[by_id[c]["name"] for c in r.ranking if c in by_id]
                     for r in ours if r.delegate in mine]
        e["chair_name"] = names.get(e["chair"], e["chair"][:12])
        e["cosigns"] = len(held.cosigns.get(e["id"], {}))
        e["cuts"] = sum(1 for c in state.rules(Floor).cuts.values() if c.open == e["id"])
        e["elected_shown"] = [by_id[c] for c in e["elected"] if c in by_id]
        e["stages"] = _stages(e, by_id)
        e["balance"] = _balance(state, e)
    return {
        "elected_bodies": bodies, "nominations_by_body": by_body,
        "nominations_deadline": deadline, "nominations_open": now < deadline,
        "nominations_countdown": countdown(deadline, now, now >= deadline),
        "elections": shown, "elections_open": [e for e in shown if e["open_now"]],
        "election_options": [(b.id, f"{b.name} ({b.seats} seat(s))") for b in bodies]
        if now >= deadline else [],
    }


def _stages(shown: dict, by_id: dict[str, dict]) -> list[dict]:
    """The count's stages in names: what each stage did, and the votes it left."""
    count = shown["count"]
    if count is None:
        return []

    def name(c: str) -> str:
        return by_id[c]["name"] if c in by_id else c[:8]

    return [{"number": s["number"], "action": s["action"],
             "candidates": [name(c) for c in s["candidates"]],
             "votes": [(name(c), v) for c, v in s["votes"].items()],
             "elected": [name(c) for c in s["elected"]],
             "reasons": s["reasons"]} for s in count["stages"]]


def _balance(state: NetworkState, shown: dict) -> str:
    """The balance rule's effect (STV 7) in words, for a body that has one."""
    rules = next((b for b in state.constitution.bodies if b.id == shown["body"]), None)
    if rules is None or not rules.balance:
        return ""
    needed = -(-shown["seats"] // 2)
    held = sum(1 for c in shown["elected_shown"] if c["category"] == rules.balance)
    return (f"The balance rule: at least {needed} of the {shown['seats']} seats go to "
            f"candidates who describe themselves as {rules.balance}; {held} of those elected "
            "do.")


def _placed(request: web.Request, node: Node, questions: list[dict], mine: list[str],
            chairing: bool, final: bool, elected: dict) -> bool:
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
    if problem.action == "rank":
        ranked = request.match_info.get("election")
        return bool(mine) and any(e["id"] == ranked and e["open_now"] and not e["mine"]
                                  for e in elected["elections"])
    if problem.action == "nominate":
        return elected["nominations_open"] and may(caller, "POST", NOMINATIONS)
    if problem.action == "elect":
        return chairing and bool(elected["elected_bodies"]) and may(caller, "POST", ELECTIONS)
    return chairing and final and may(caller, "POST", API)


@page("GET", API)
@plainly
async def floor_page(request: web.Request) -> web.StreamResponse:
    problem = request.get(PROBLEM)
    if problem is not None and problem.action in ("nominate", "elect", "rank"):
        request[PROBLEM] = msgspec.structs.replace(problem,
                                                   reason=election_words(problem.reason))
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
    # an election open now, or one that closed after the question shown, takes its place
    chosen = (context["elections_open"] or sorted(
        context["elections"], key=lambda e: e["closes"])[-1:] or [None])[-1]
    if chosen is not None and shown is not None and not chosen["open_now"] and \
            (shown["open_now"] or shown["closes"] > chosen["closes"]):
        chosen = None
    return render(request, "conference_projector.html", question=None if chosen else shown,
                  election=chosen, **context)


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


@action("POST", NOMINATIONS, "nominate", floor_page)
async def post_nomination(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    conference = _conference(request)
    body = text(request, "body")
    choices = await choices_of(request, await register.active_ids(node.db))
    raw = text(request, "holder")
    if not raw:
        raise refuse("bad_request", "N1: choose the member the group nominates", 400)
    member = await person(request, raw, "The member nominated", choices)
    if member not in {m for _, m in choices}:
        raise refuse("not_found", "N1: a group nominates one of its own members; "
                     f"“{raw}” is none of ours", 404)
    holder = await elections.nominee(node, member, conference, body or "-")
    request_ = shaped(network_elections.Nominate, {
        "body": body, "holder": holder, "name": text(request, "name"),
        "category": text(request, "category").lower()})
    await network_elections.nominate(node, conference, request_)
    raise _back(request, "nominate", "elections")


@action("POST", ELECTIONS, "elect", floor_page, {"bad_minutes": "minutes"})
async def post_election(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    conference = _conference(request)
    minutes = number(request, "minutes", "The election's length in minutes")
    if not MIN_VOTE_MS <= minutes * 60_000 <= MAX_VOTE_MS:
        raise refuse("bad_minutes", f"F2: an election stays open between "
                     f"{MIN_VOTE_MS // 60_000} minutes and a day ({MAX_VOTE_MS // 60_000} "
                     f"minutes); {minutes} minutes is not, and once put nobody can shorten "
                     "or extend it", 400)
    call = conferences.call_or_404(node, conference)
    if clock.now_ms() < nominations_deadline(node.state, call):
        raise refuse("nominations_open", "E2: the candidates are the nominations that came "
                     "by the deadline; the election is put once it has passed", 409)
    body = shaped(network_elections.PutElection, {
        "body": text(request, "body"), "method": text(request, "method") or "hands",
        "minutes": minutes})
    entry = await network_elections.put(node, conference, body)
    raise _back(request, "elect", f"e-{entry.id}")


def ranking_of(form: dict[str, str], candidates: list[str]) -> list[str]:
    """A ranking from the form's numbers, one per candidate ("" for unranked): validated as
    E3 asks, 1, 2, 3… with no gap and no number twice, at least one candidate ranked."""
    ranked: dict[int, str] = {}
    for candidate in candidates:
        raw = form.get(candidate, "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= len(candidates):
            raise refuse("bad_ranking", f"E3: a preference is a number from 1 to "
                         f"{len(candidates)}; “{raw[:12]}” is not", 400)
        if int(raw) in ranked:
            raise refuse("bad_ranking", f"E3: a ranking names each preference once; "
                         f"{raw} is given twice", 400)
        ranked[int(raw)] = candidate
    if not ranked:
        raise refuse("bad_ranking", "E3: rank at least one candidate, 1 for your first "
                     "preference", 400)
    missing = next((n for n in range(1, len(ranked) + 1) if n not in ranked), None)
    if missing is not None:
        raise refuse("bad_ranking", f"E3: preferences run 1, 2, 3… without a gap; "
                     f"{missing} is missing", 400)
    return [ranked[n] for n in sorted(ranked)]


@action("POST", RANKINGS, "rank", floor_page)
async def post_ranking(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    election = request.match_info["election"]
    put = network_elections.election_or_404(node, election)
    form = form_of(request)
    ranking = ranking_of({c.entry: str(form.get(f"rank-{c.entry}", ""))
                          for c in put.body.candidates},
                         [c.entry for c in put.body.candidates])
    await group_floor.rank(node, actor_of(request), election,
                           group_floor.RankCandidates(ranking=ranking))
    raise _back(request, "rank", f"e-{election}")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/conferences/{id}/floor", floor_page),
        web.get("/conferences/{id}/floor/projector", projector_page),
        web.get("/conferences/{id}/floor/record", record_page),
        web.post("/conferences/{id}/floor/questions", post_question),
        web.post("/conferences/{id}/floor/nominations", post_nomination),
        web.post("/conferences/{id}/floor/elections", post_election),
        web.post("/conferences/{id}/floor/elections/{election}/rank", post_ranking),
        web.post("/conferences/{id}/floor/{open}/vote", post_vote),
        web.post("/conferences/{id}/floor/{open}/count", post_count),
        web.post("/conferences/{id}/floor/{open}/cut", post_cut),
    ]

