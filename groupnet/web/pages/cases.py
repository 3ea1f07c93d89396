"""Due process from the browser: the officers' view and the member's view of a case.

Every step calls `group.cases`, which asks `procedure/group/discipline.py`; a
step taken out of order or too early is refused with the standing order it
breaks, shown beside the form. Every deadline of a case is shown
(`deadlines.of_case`). A member sees their own case with the disclosed
evidence only; officers see every case; a panel member sees the case they hear.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from ...group import cases
from ...store import register
from ...wire.rejection import refuse
from . import deadlines
from .frame import (
    action,
    actor_of,
    caller_of,
    ident,
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

OUTCOMES = ("no_action", "warning", "removal_from_office", "suspension", "expulsion")


@page("GET", "/api/v1/cases")
async def cases_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    listing = await cases.listing(node.db, actor_of(request))
    found = await register.records(node.db, [c["member"] for c in listing])
    names = {i: m.name for i, m in found.items()}
    return render(request, "cases.html", cases=listing, names=names)


@action("POST", "/api/v1/cases", "charge", cases_page, {"not_found": "member"})
async def post_charge(request: web.Request) -> web.StreamResponse:
    brought_by = text(request, "brought_by")
    view = await cases.charge(node_of(request), actor_of(request), shaped(cases.BringCharge, {
        "member": await member_id(request, text(request, "member"), "Member charged"),
        "rule": text(request, "rule"), "particulars": text(request, "particulars"),
        "brought_by": await member_id(request, brought_by, "Brought by") if brought_by else None}))
    raise see_other(f"/cases/{view.id}")


@page("GET", "/api/v1/cases/{id}")
async def case_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    view = await cases.view(node, actor_of(request), ident(request))
    case = view.case
    named = [case.member_id, case.charge.brought_by, *(e.given_by for e in case.evidence),
             *(case.hearing.panel if case.hearing else ())]
    found = await register.records(node.db, named)
    caller = caller_of(request)
    return render(request, "case.html", view=view, deadlines={view.id: deadlines.of_case(case)},
                  names={i: m.name for i, m in found.items()}, outcomes=OUTCOMES,
                  own=caller.member_id == case.member_id,
                  officer=caller.kind == "admin" or caller.officer,
                  waiting=request.query.get("waiting") == "1")


Step = Callable[[web.Request], Awaitable[object]]


def _step(api: str, name: str, fields: dict[str, str] | None = None):
    method, path = api.split(" ", 1)

    def wrap(step: Step):
        async def handler(request: web.Request) -> web.StreamResponse:
            answer = await step(request)
            suffix = "?waiting=1" if getattr(answer, "scheduled", True) is False else ""
            raise see_other(f"/cases/{request.match_info['id']}{suffix}")

        handler.__name__ = step.__name__
        return action(method, path, name, case_page, fields)(handler)

    return wrap


def _args(request: web.Request):
    return node_of(request), actor_of(request), ident(request)


@_step("POST /api/v1/cases/{id}/evidence", "evidence")
async def post_evidence(request: web.Request):
    given_by = text(request, "given_by")
    if "@" in given_by:
        given_by = await member_id(request, given_by, "Given by")
    return await cases.add_evidence(*_args(request), shaped(cases.AddEvidence, {
        "description": text(request, "description"), "given_by": given_by}))


@_step("POST /api/v1/cases/{id}/disclosure", "disclose")
async def post_disclose(request: web.Request):
    return await cases.disclose(*_args(request))


@_step("POST /api/v1/cases/{id}/reply", "reply")
async def post_reply(request: web.Request):
    return await cases.reply(*_args(request), shaped(cases.Reply, {"text": text(request, "text")}))


@_step("POST /api/v1/cases/{id}/interim-suspension", "interim", {"bad_days": "days"})
async def post_interim(request: web.Request):
    return await cases.suspend(*_args(request), shaped(cases.InterimSuspension, {
        "days": number(request, "days", "Days"), "reasons": text(request, "reasons")}))


@_step("POST /api/v1/cases/{id}/hearing", "hearing", {"bad_at": "at", "time_does_not_exist": "at"})
async def post_hearing(request: web.Request):
    panel = [await member_id(request, line, "Panel") for line in text(request, "panel").splitlines()
             if line.strip()]
    return await cases.schedule_hearing(*_args(request), shaped(cases.ScheduleHearing, {
        "at": moment(request, "at"), "panel": panel}))


def _suspension_days(request: web.Request) -> int:
    return number(request, "suspension_days", "Days of suspension") \
        if text(request, "suspension_days") else 0


@_step("POST /api/v1/cases/{id}/decision", "decide", {"bad_suspension_days": "suspension_days"})
async def post_decide(request: web.Request):
    return await cases.decide(*_args(request), shaped(cases.Decide, {
        "outcome": text(request, "outcome"), "reasons": text(request, "reasons"),
        "suspension_days": _suspension_days(request), "role": text(request, "role")}))


@_step("POST /api/v1/cases/{id}/appeal", "appeal")
async def post_appeal(request: web.Request):
    return await cases.appeal(*_args(request), shaped(cases.LodgeAppeal, {
        "grounds": text(request, "grounds")}))


@_step("POST /api/v1/cases/{id}/appeal-panel", "appeal_panel")
async def post_appeal_panel(request: web.Request):
    seats = []
    for line in text(request, "panel").splitlines():
        if line.strip():
            group, _, person = line.partition(":")
            if not person.strip():
                raise refuse("bad_seat", f"each seat is `group node id: person`; “{line}” is "
                             "not", 400)
            seats.append({"group": group.strip(), "person": person.strip()})
    return await cases.assign_appeal_panel(*_args(request), shaped(cases.AssignAppealPanel, {
        "body": text(request, "body"), "panel": seats}))


@_step("POST /api/v1/cases/{id}/appeal-decision", "appeal_decision",
       {"bad_suspension_days": "suspension_days"})
async def post_appeal_decision(request: web.Request):
    return await cases.decide_appeal(*_args(request), shaped(cases.DecideAppeal, {
        "outcome": text(request, "outcome"), "reasons": text(request, "reasons"),
        "varied_to": text(request, "varied_to") or None,
        "suspension_days": _suspension_days(request), "role": text(request, "role")}))


@_step("POST /api/v1/cases/{id}/withdrawal", "withdraw")
async def post_withdraw(request: web.Request):
    by = text(request, "by")
    return await cases.withdraw(*_args(request), cases.Withdraw(
        await member_id(request, by, "Brought by") if by else None))


@_step("POST /api/v1/cases/{id}/enforcement", "enforce")
async def post_enforce(request: web.Request):
    return await cases.enforce(*_args(request))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/cases", cases_page),
        web.post("/cases", post_charge),
        web.get("/cases/{id}", case_page),
        web.post("/cases/{id}/evidence", post_evidence),
        web.post("/cases/{id}/disclosure", post_disclose),
        web.post("/cases/{id}/reply", post_reply),
        web.post("/cases/{id}/interim-suspension", post_interim),
        web.post("/cases/{id}/hearing", post_hearing),
        web.post("/cases/{id}/decision", post_decide),
        web.post("/cases/{id}/appeal", post_appeal),
        web.post("/cases/{id}/appeal-panel", post_appeal_panel),
        web.post("/cases/{id}/appeal-decision", post_appeal_decision),
        web.post("/cases/{id}/withdrawal", post_withdraw),
        web.post("/cases/{id}/enforcement", post_enforce),
    ]
