"""Conferences from the browser: the list, a conference, the organisers' dashboard, the agenda.

Every member reads what the API beside these pages reads (`/api/v1/conferences`
…): the call and whether it stands, the timetable with countdowns, each group's
entitlement from its register commitment, credentials, motions, amendments,
the arrangements committee's rulings and composites with each group's consent,
appeals, priorities and the agenda (final once the network has passed its
time), with a printable agenda, and the rule changes with what each changes in
the constitution. The rules (SPEC 5.8, K1–K12) decide every status; these pages
only show them.

A group's officers act on the same page, each form calling the step the API
calls (`network/conferences.py`, `group/conferences.py`, `group/motions.py`):
requisition a conference or sign one, call it, submit one of the group's
carried motions or amend with one (never retyped), submit the rule change one
of the group's carried motions decided, or an amendment to another group's,
with the TOML of what it changes, publish the delegates'
credential from the group's election, propose the delegates' mandate on an
agenda item at one of the group's meetings, consent to or decline a
composite, appeal a ruling, cast the priorities ballot.

The organisers are the arrangements committee (the constitution's
`arranged_by`): a group one of whose people holds a seat there sees the
dashboard, and prepares the committee's rulings, composites and order of
business. Preparing one changes nothing, so the builder is a plain GET form;
the prepared item is then put to a meeting of the committee, called from the
dashboard through the body meeting step (`network/bodies.py`, the function
`POST /api/v1/bodies/{body}/meetings` calls), which the committee decides
with its notice, quorum and vote (SPEC 5.7).

Refusals are shown next to the form that asked, in the rule's words with the
provision it cites, never as a code, with the input kept.
"""

from __future__ import annotations

import re

import msgspec
from aiohttp import web
from multidict import MultiDict

from ... import clock
from ...group import conferences as group_conferences
from ...group import elections, meetings, motions
from ...local_time import LocalTime
from ...network import bodies, conferences
from ...network.node import Node
from ...procedure.group.delegates import current_mandates
from ...procedure.network.bodies import Bodies
from ...procedure.network.conference_review import Review
from ...procedure.network.constitution import ADMISSIBILITY
from ...wire.rejection import Refused, Rejection, refuse
from ..api.conferences import (
    AmendRequest,
    AppealRequest,
    PrioritiesRequest,
    RequisitionRequest,
    RuleChangeAmendRequest,
    RuleChangeRequest,
    SubmitRequest,
    SupportRequest,
)
from .frame import (
    ENV,
    FORM,
    PROBLEM,
    PageHandler,
    Problem,
    action,
    actor_of,
    caller_of,
    form_of,
    member_id,
    moment,
    node_of,
    number,
    page,
    render,
    see_other,
    shaped,
    text,
)

API = "/api/v1/conferences"
CONFERENCE = API + "/{id}"
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

# what each rule of SPEC 5.8 (and the rules it leans on) is about, as a page names it
PROVISIONS = {
    "K1": "the first conference", "K2": "an annual conference", "K3": "requisitions",
    "K4": "calling a conference", "K5": "delegates and credentials", "K6": "motions",
    "K7": "amendments", "K8": "the arrangements committee", "K9": "the priorities ballot",
    "K10": "the final agenda", "K11": "rule changes", "K12": "amendments to rule changes",
    "C5": "amending the constitution", "E1": "an entrenched provision",
    "E2": "an entrenched provision", "E3": "an entrenched provision",
    "E4": "an entrenched provision", "E5": "an entrenched provision",
    "E6": "an entrenched provision", "E7": "an entrenched provision",
    "SM3": "references to other groups' entries",
    "SM8": "the count of a meeting", "B1": "who calls a body's meeting",
    "B2": "a body's notice", "B3": "a body's powers and term", "B4": "a body's decisions",
}
_CITED = re.compile(r"^(K\d+|SM\d+|B\d|C5|E\d): ")

STATUS_BADGE = {
    "stands": "good", "admissible": "good", "accepted": "good", "agreed": "good",
    "counted": "good", "carried": "good", "final": "good",
    "void": "bad", "superseded": "bad", "late": "bad", "ruled out": "bad", "falls": "bad",
    "refused": "bad", "over entitlement": "bad", "fell": "bad", "not counted": "bad",
    "not prioritised": "bad",
}
BASIS = {"first": "The first conference (K1)", "annual": "An annual conference (K2)",
         "requisition": "A requisitioned special conference (K3)"}
POSITIONS = (("support", "Support"), ("oppose", "Oppose"), ("free", "A free vote"))
ACTIONS = {"rule-out": "Rule out of order", "composite": "Composite",
           "order-business": "Order of business"}


def plain(reason: str) -> str:
    """A rule's sentence as people read it: the provision named in words, no code marks."""
    reason = reason.replace("`", "")
    cited = _CITED.match(reason)
    if cited and cited.group(1) in PROVISIONS:
        rule = cited.group(1)
        return f"Rule {rule} ({PROVISIONS[rule]}): " + reason[cited.end():]
    return reason


ENV.filters["plain"] = plain


def provision_value(value: object) -> str:
    """A constitution's value as people read it: a list joined, a body by its name, none
    as a dash (a body only one side of a rule change has)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return f"the body “{value.get('name', value.get('id', ''))}”"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


ENV.filters["provision_value"] = provision_value


# -- time where the group is ------------------------------------------------------


def zone_of(node: Node) -> LocalTime:
    """The group's local time: the node's time zone (UTC for a node that names none)."""
    return LocalTime(node.config.time_zone)


def countdown(at: int, now: int, passed: bool) -> str:
    """How long until `at`, in words; once the network has passed it, that it has."""
    if passed:
        return "passed (witnessed by the network)"
    left = at - now
    if left <= 0:
        return "due now; the network has not yet witnessed it passing"
    days, hours = divmod(left // HOUR_MS, 24)
    if days:
        return f"in {days} day{'s' if days != 1 else ''}, {hours} h"
    return f"in {hours} h {left % HOUR_MS // 60_000} min"


# -- what every page of a conference needs -------------------------------------------


def _names(node: Node) -> dict[str, str]:
    return {m.node: m.name for m in node.state.members.values()}


def _conference(request: web.Request) -> str:
    return request.match_info["id"]


def organiser(node: Node) -> bool:
    """Whether this node's group holds a seat on the arrangements committee (K8)."""
    committee = node.state.constitution.conference.arranged_by
    return any(seat.group == node.id for seat in Bodies.seats(node.state, committee))


def plainly(handler: PageHandler) -> PageHandler:
    """A page whose unexpected refusal (an unknown conference …) is shown in words alone."""
    async def shown(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except Refused as refused:
            return render(request, "refused.html", status=refused.status,
                          rejection=refused.rejection, plain_refusals=True)
    shown.__name__ = handler.__name__
    shown.__doc__ = handler.__doc__
    return shown


def _context(request: web.Request, conference: str) -> dict:
    node = node_of(request)
    found: Review = conferences.review_or_404(node, conference)
    described = conferences.describe(node, conference)
    zone = zone_of(node)
    now = clock.now_ms()
    names = _names(node)
    motions_by_id = {m.id: m for m in found.motions}
    timetable = [{**line, "local": zone.moment(line["at"]),
                  "countdown": countdown(line["at"], now, line["passed"])}
                 for line in described["timetable"]]
    committee = node.state.constitution.conference.arranged_by
    return {
        "conference": described, "review": found, "timetable": timetable,
        "zone_name": zone.name, "names": names, "own": node.id,
        "entitlements": conferences.entitlements(node, conference),
        "motions_by_id": motions_by_id, "badge": STATUS_BADGE, "basis": BASIS,
        "organiser": organiser(node), "committee": committee,
        "amendments_of": {m.id: [a for a in found.amendments if a.motion == m.id]
                          for m in found.motions},
        "rule_change_amendments_of": {
            r.id: [a for a in found.rule_change_amendments if a.rule_change == r.id]
            for r in found.rule_changes},
        "threshold": node.state.constitution.amendments.threshold,
        "when": zone.moment, "provisions": ADMISSIBILITY,
        "provision_options": [(p, f"{p}: {words}") for p, words in ADMISSIBILITY.items()],
        "actions": ACTIONS, "plain_refusals": True,
    }


def _title(names: dict, found: Review, ident: str) -> str:
    motion = next((m for m in found.motions if m.id == ident), None)
    if motion is not None:
        return f"{motion.title} ({names.get(motion.group, motion.group)})"
    composite = next((c for c in found.composites if c.id == ident), None)
    if composite is not None:
        return f"Composite {ident[:8]}… on {composite.subject}"
    proposal = next((r for r in found.rule_changes if r.id == ident), None)
    if proposal is not None:
        return f"Rule change: {proposal.title} ({names.get(proposal.group, proposal.group)})"
    amendment = next((a for a in found.rule_change_amendments if a.id == ident), None)
    if amendment is not None:
        return (f"Amendment to a rule change "
                f"({names.get(amendment.group, amendment.group)})")
    return ident


# -- the list -------------------------------------------------------------------------


@page("GET", API)
@plainly
async def list_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    zone = zone_of(node)
    listing = conferences.listing(node)
    requisitions = conferences.requisitions(node)
    called_by = node.state.constitution.conference.called_by
    # K2: the carried `call-conference` decisions whose conference nobody has published yet
    published = {(c.body.decision.meeting.entry, c.body.decision.item)
                 for c in node.state.rules(conferences.Conferences).calls.values()
                 if c.body.decision is not None}
    decided = [d for d in node.state.rules(Bodies).decisions(
        node.state, "call-conference", called_by)
        if d.status == "carried" and (d.meeting, d.index) not in published]
    return render(request, "conferences.html", conferences=listing, requisitions=requisitions,
                  decided=decided, called_by=called_by,
                  own=node.id, badge=STATUS_BADGE, basis=BASIS, zone_name=zone.name,
                  when=zone.moment, plain_refusals=True,
                  network=node.state.name if node.state.net else None)


@action("POST", "/api/v1/requisitions", "requisition", list_page,
        {"bad_opens": "opens", "outside_window": "opens", "short_notice": "opens"})
async def post_requisition(request: web.Request) -> web.StreamResponse:
    body = shaped(RequisitionRequest, {
        "title": text(request, "title"), "reason": text(request, "reason"),
        "opens": int(moment(request, "opens").timestamp() * 1000)})
    await conferences.open_requisition(node_of(request), body.title, body.reason, body.opens)
    raise see_other("/conferences?requisitioned=1#requisitions")


@action("POST", "/api/v1/requisitions/{id}/support", "support", list_page)
async def post_support(request: web.Request) -> web.StreamResponse:
    body = shaped(SupportRequest, {"reason": text(request, "reason")})
    await conferences.support_requisition(node_of(request), request.match_info["id"],
                                          body.reason)
    raise see_other("/conferences?signed=1#requisitions")


@action("POST", API, "call", list_page,
        {"bad_opens": "opens", "short_notice": "opens", "outside_window": "opens"})
async def post_call(request: web.Request) -> web.StreamResponse:
    basis = text(request, "basis")
    opens = moment(request, "opens") if basis == "first" else None
    entry = await conferences.call(
        node_of(request), basis, title=text(request, "title") or None,
        opens=int(opens.timestamp() * 1000) if opens else None,
        meeting=text(request, "meeting") or None,
        item=number(request, "item", "The item") if basis == "annual" else 0,
        requisition=text(request, "requisition") or None)
    raise see_other(f"/conferences/{entry.id}?called=1")


# -- one conference -----------------------------------------------------------------------


async def _secretary(request: web.Request, conference: str, found: Review) -> dict:
    """What a group's officers choose among on the conference page: nothing is retyped."""
    node = node_of(request)
    caller = caller_of(request)
    if caller is None or not caller.has("officer"):
        return {"secretary": False}
    local_motions = await motions.listing(node.db, None)
    carried = [m for m in local_motions if m["outcome"] == "carried"]
    ours = [m for m in found.motions if m.group == node.id]
    elected = [e for e in await elections.listing(node.db) if e["conference"] == conference]
    standing = next((c for c in found.credentials if c.group == node.id
                     and c.status in ("accepted", "over entitlement")), None)
    mandates = current_mandates(await motions.mandates_for(node.db, conference))
    now = clock.now(node)
    upcoming = [m for m in await meetings.listing(node.db, now)
                if m["starts_at_ms"] > now and not m["cancelled"]]
    items = found.agenda.items
    ballot = next((b for b in found.ballots if b.group == node.id
                   and b.status in ("counted", "not counted", "pending")), None)
    return {
        "secretary": True,
        "carried": carried,
        "carried_options": [(str(m["id"]), f"Motion {m['id']}: {m['title']} (carried at "
                             f"meeting {m['meeting']})") for m in carried],
        "amendable": [(m.id, f"{m.title} ({_names(node).get(m.group, m.group)})")
                      for m in found.motions if m.group != node.id],
        "rule_changes_to_amend": [(r.id, f"{r.title} ({_names(node).get(r.group, r.group)})")
                                  for r in found.rule_changes],
        "ours": ours,
        "elections": elected,
        "election_options": [(str(e["id"]), f"Election {e['id']} at meeting {e['meeting']}, "
                              f"{e['seats']} seat(s)") for e in elected if e["counted"]],
        "standing_credential": standing,
        "mandates": {m.conference_motion: m for m in mandates},
        "meeting_options": [(str(m["id"]), f"Meeting {m['id']} ({m['kind']}), "
                             f"{zone_of(node).moment(m['starts_at_ms'])}")
                            for m in sorted(upcoming, key=lambda m: m["starts_at_ms"])],
        "item_options": [(i.id, f"{i.position}. {i.title}") for i in items],
        "positions": POSITIONS,
        "to_consent": [c for c in found.composites if node.id in c.groups],
        "to_appeal": [r for r in found.rulings if r.action == "rule-out"
                      and r.status == "carried" and any(
                          m.id in r.refs for m in ours)],
        "appealed": {(a.meeting, a.item) for a in found.appeals if a.group == node.id},
        "choices": [(i.motions[0] if i.kind == "composite" else i.id, i)
                    for i in items if i.kind != "emergency motion"],
        "ballot": ballot,
        "chosen": set(ballot.choices) if ballot else set(),
        "slots": node.state.constitution.conference.priority_slots,
    }


@page("GET", CONFERENCE)
@plainly
async def conference_page(request: web.Request) -> web.StreamResponse:
    conference = _conference(request)
    context = _context(request, conference)
    context.update(await _secretary(request, conference, context["review"]))
    return render(request, "conference.html", notice=request.query.get("done", ""),
                  **context)


def _done(request: web.Request, what: str, anchor: str) -> web.HTTPSeeOther:
    return see_other(f"/conferences/{_conference(request)}?done={what}#{anchor}")


def _conference_action(api: str, name: str, fields: dict[str, str] | None = None):
    method, path = api.split(" ", 1)
    return action(method, path, name, conference_page, fields)


@_conference_action("POST " + CONFERENCE + "/motions", "submit",
                    {"not_carried": "local_motion", "too_long": "local_motion"})
async def post_motion(request: web.Request) -> web.StreamResponse:
    body = shaped(SubmitRequest, {
        "local_motion": number(request, "local_motion", "The motion"),
        "subject": text(request, "subject"), "emergency": text(request, "emergency")})
    await group_conferences.submit_local(node_of(request), _conference(request),
                                         body.local_motion, body.subject, body.emergency)
    raise _done(request, "submitted", "motions")


@_conference_action("POST " + CONFERENCE + "/amendments", "amend",
                    {"no_change": "local_motion", "not_carried": "local_motion"})
async def post_amendment(request: web.Request) -> web.StreamResponse:
    body = shaped(AmendRequest, {
        "motion": text(request, "motion"),
        "local_motion": number(request, "local_motion", "The motion"),
        "reason": text(request, "reason")})
    await group_conferences.amend_local(node_of(request), body.motion, body.local_motion,
                                        body.reason, _conference(request))
    raise _done(request, "amended", "amendments")


RULE_CHANGE_FIELDS = {
    "not_carried": "local_motion", "tally_exceeds_attendance": "local_motion",
    "rule_change_limit": "local_motion", "past_deadline": "local_motion",
    "entrenched": "constitution", "bad_constitution": "constitution",
    "no_change": "constitution"}


@_conference_action("POST " + CONFERENCE + "/rule-changes", "rule_change", RULE_CHANGE_FIELDS)
async def post_rule_change(request: web.Request) -> web.StreamResponse:
    body = shaped(RuleChangeRequest, {
        "local_motion": number(request, "local_motion", "The motion"),
        "constitution": text(request, "constitution"), "reason": text(request, "reason")})
    await group_conferences.rule_change_local(node_of(request), _conference(request),
                                              body.local_motion, body.constitution,
                                              body.reason)
    raise _done(request, "rule_change", "rule-changes")


@_conference_action("POST " + CONFERENCE + "/rule-changes/{rule_change}/amendments",
                    "rule_change_amendment",
                    {**RULE_CHANGE_FIELDS, "unknown_rule_change": "rule_change"})
async def post_rule_change_amendment(request: web.Request) -> web.StreamResponse:
    body = shaped(RuleChangeAmendRequest, {
        "local_motion": number(request, "local_motion", "The motion"),
        "constitution": text(request, "constitution"), "reason": text(request, "reason")})
    await group_conferences.amend_rule_change_local(
        node_of(request), text(request, "rule_change"), body.local_motion, body.constitution,
        body.reason, _conference(request))
    raise _done(request, "rule_change_amendment", "rule-changes")


@_conference_action("POST " + CONFERENCE + "/credentials", "credential")
async def post_credential(request: web.Request) -> web.StreamResponse:
    await group_conferences.publish_credential(
        node_of(request), actor_of(request), _conference(request),
        number(request, "election", "The election"))
    raise _done(request, "credential", "delegates")


@_conference_action("POST /api/v1/meetings/{id}/motions", "mandate",
                    {"seconder_is_proposer": "seconder", "not_active": "seconder",
                     "not_found": "seconder"})
async def post_mandate(request: web.Request) -> web.StreamResponse:
    conference = _conference(request)
    node = node_of(request)
    item = text(request, "item")
    found = conferences.review_or_404(node, conference)
    chosen = next((i for i in found.agenda.items if i.id == item), None)
    if chosen is None:
        raise refuse("unknown_item", "K10: a mandate is on an item of the conference's "
                     "agenda; choose one of its items", 400)
    position = text(request, "position")
    proposer = text(request, "proposer")
    words = dict(POSITIONS).get(position, position).lower()
    body = shaped(motions.SubmitMotion, {
        "title": text(request, "title") or f"Mandate on “{chosen.title}”"[:200],
        "text": text(request, "text") or
        f"Our delegates to {found.title} take the position “{words}” on item "
        f"{chosen.position}, “{chosen.title}”.",
        "seconder": await member_id(request, text(request, "seconder"), "Seconder"),
        "proposer": await member_id(request, proposer, "Proposer") if proposer else None,
        "mandate": {"conference": conference, "conference_motion": chosen.id,
                    "position": position}})
    view = await motions.submit(node, actor_of(request),
                                number(request, "meeting", "The meeting"), body)
    raise see_other(f"/motions/{view.id}")


@_conference_action("POST " + CONFERENCE + "/composites/{composite}/consent", "consent")
async def post_consent(request: web.Request) -> web.StreamResponse:
    conferences.call_or_404(node_of(request), _conference(request))
    await conferences.consent(node_of(request), request.match_info["composite"],
                              text(request, "consent") == "yes")
    raise _done(request, "consent", "composites")


@_conference_action("POST " + CONFERENCE + "/rulings/{ruling}/appeal", "appeal")
async def post_appeal(request: web.Request) -> web.StreamResponse:
    body = shaped(AppealRequest, {"reason": text(request, "reason")})
    conferences.call_or_404(node_of(request), _conference(request))
    await conferences.appeal(node_of(request), request.match_info["ruling"], body.reason)
    raise _done(request, "appeal", "rulings")


@_conference_action("POST " + CONFERENCE + "/priorities", "priorities")
async def post_priorities(request: web.Request) -> web.StreamResponse:
    body = shaped(PrioritiesRequest, {
        "choices": [str(c) for c in form_of(request).getall("choice", [])]})
    await conferences.priorities(node_of(request), _conference(request), body.choices)
    raise _done(request, "priorities", "priorities")


# -- the organisers' dashboard --------------------------------------------------------------


def _prepared(request: web.Request, found: Review) -> dict | None:
    """The committee's item the builder prepared from the query, or None; refused (K8)
    when it names nothing the committee could decide."""
    kind = request.query.get("prepare", "")
    if kind not in ACTIONS:
        return None
    submitted = {m.id for m in found.motions}
    if kind == "rule-out":  # K8, K11, K12: rule changes are ruled out as motions are
        submitted |= {r.id for r in found.rule_changes}
        submitted |= {a.id for a in found.rule_change_amendments}
    chosen = [c for c in request.query.getall("motion", []) if c in submitted]
    reason = request.query.get("text", "").strip()
    if kind == "rule-out":
        if not chosen:
            raise refuse("choose_motions", "K8: a ruling names the motion(s) it rules out; "
                         "choose at least one", 400)
        provision = request.query.get("provision", "")
        if provision not in ADMISSIBILITY:
            raise refuse("bad_provision", "K8: a motion is ruled out only under one of the "
                         f"admissibility provisions {', '.join(ADMISSIBILITY)}", 400)
        return {"action": kind, "text": reason or ADMISSIBILITY[provision], "refs": chosen,
                "provision": provision}
    if kind == "composite":
        if len(chosen) < 2:
            raise refuse("choose_motions", "K8: a composite joins two or more motions on "
                         "one subject into one text; choose at least two", 400)
        if not reason:
            raise refuse("composite_text", "K8: a composite is one text, put to the "
                         "submitting groups for their consent; write it", 400)
        return {"action": kind, "text": reason, "refs": chosen, "provision": ""}
    positions: list[tuple[int, str]] = []
    for item in found.agenda.items:
        raw = request.query.get(f"position-{item.id}", "").strip()
        if raw:
            if not raw.isdigit() or not raw.isascii():
                raise refuse("bad_position", f"K8: a place in the order is a whole number; "
                             f"“{raw[:20]}” is not", 400)
            positions.append((int(raw), item.id))
    if not positions:
        raise refuse("choose_order", "K8: an order of business places the agenda's items; "
                     "give each item you place a number", 400)
    if len({p for p, _ in positions}) != len(positions):
        raise refuse("bad_position", "K8: each item has its own place in the order; two "
                     "items have the same number", 400)
    return {"action": kind, "text": reason or "The order of business",
            "refs": [ident for _, ident in sorted(positions)], "provision": ""}


@page("GET", CONFERENCE)
@plainly
async def arrangements_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    conference = _conference(request)
    context = _context(request, conference)
    if not context["organiser"]:
        return render(request, "refused.html", status=403, plain_refusals=True,
                      rejection=Rejection("not_organiser", plain(
                          f"K8: the dashboard is the arrangements committee's "
                          f"({context['committee']}); no one of {node.config.name} holds "
                          "a seat on it")))
    found = context["review"]
    prepared = None
    try:
        prepared = _prepared(request, found)
    except Refused as refused:
        r = refused.rejection
        request[PROBLEM] = Problem(request.query.get("prepare", ""), r.code, r.reason)
        request[FORM] = MultiDict(request.query)
    caller = caller_of(request)
    notice = bodies.body_or_404(node, context["committee"]).notice_days
    zone = zone_of(node)
    opens = clock.now_ms() + notice * DAY_MS + HOUR_MS
    return render(
        request, "conference_arrangements.html", prepared=prepared,
        notice_days=notice, meeting_opens=zone.field(opens),
        meeting_closes=zone.field(opens + 2 * HOUR_MS),
        query_string=request.query_string,
        prepared_refs=[(ident, _title(context["names"], found, ident))
                       for ident in (prepared or {}).get("refs", [])],
        body_page=f"/bodies/{context['committee']}",
        query=request.query, officer=caller is not None and caller.has("officer"),
        chosen=set(request.query.getall("motion", [])),
        item_json=msgspec.json.encode({**prepared, "conference": conference}).decode()
        if prepared else "",
        **context)


@action("POST", "/api/v1/bodies/{body}/meetings", "propose", arrangements_page,
        {"short_notice": "opens", "bad_opens": "opens", "bad_meeting": "closes",
         "bad_closes": "closes"})
async def post_proposal(request: web.Request) -> web.StreamResponse:
    """Call a meeting of the committee with the item prepared (as the query names it)."""
    node = node_of(request)
    found = conferences.review_or_404(node, _conference(request))
    prepared = _prepared(request, found)
    if prepared is None:
        raise refuse("choose_item", "K8: prepare a ruling, a composite or an order of "
                     "business first", 400)
    committee = node.state.constitution.conference.arranged_by
    call = shaped(bodies.CallMeeting, {
        "title": text(request, "title"), "opens": moment(request, "opens"),
        "closes": moment(request, "closes"),
        "items": [{**prepared, "conference": found.id}]})
    entry = await bodies.call_meeting(node, committee, call)
    raise see_other(f"/bodies/{committee}/meetings/{entry.id}?called=1")


# -- the agenda, to print ----------------------------------------------------------------------


@page("GET", CONFERENCE + "/agenda")
@plainly
async def agenda_page(request: web.Request) -> web.StreamResponse:
    context = _context(request, _conference(request))
    return render(request, "conference_agenda.html", **context)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/conferences", list_page),
        web.post("/conferences/requisitions", post_requisition),
        web.post("/conferences/requisitions/{id}/support", post_support),
        web.post("/conferences/call", post_call),
        web.get("/conferences/{id}", conference_page),
        web.get("/conferences/{id}/arrangements", arrangements_page),
        web.post("/conferences/{id}/arrangements/meeting", post_proposal),
        web.get("/conferences/{id}/agenda", agenda_page),
        web.post("/conferences/{id}/motions", post_motion),
        web.post("/conferences/{id}/amendments", post_amendment),
        web.post("/conferences/{id}/rule-changes", post_rule_change),
        web.post("/conferences/{id}/rule-change-amendments", post_rule_change_amendment),
        web.post("/conferences/{id}/credentials", post_credential),
        web.post("/conferences/{id}/mandates", post_mandate),
        web.post("/conferences/{id}/composites/{composite}/consent", post_consent),
        web.post("/conferences/{id}/rulings/{ruling}/appeal", post_appeal),
        web.post("/conferences/{id}/priorities", post_priorities),
    ]
