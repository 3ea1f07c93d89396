"""The member register for officers: search, filter, add, edit, status, roles, CSV in and out.

Every change goes through `groupnet.group.register` (the same functions as
`/api/v1/members` and `groupnet member …`), which asks the rules in
`procedure/group/members.py`; a refused change is shown next to its field.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from aiohttp import web

from ...group import mail, register, register_import, signin
from ...procedure.group.members import TRANSITIONS
from ...store import register as store_register
from ...wire.rejection import Refused, refuse
from ..api.register import LinkRequest, RoleAssignment, StatusChange
from .frame import (
    FORM,
    action,
    actor_of,
    csrf_token,
    form_of,
    ident,
    node_of,
    page,
    render,
    see_other,
    shaped,
    text,
)

STATUSES = ("active", "lapsed", "suspended", "expelled", "resigned")
PAGE_SIZE = 50
CONTACT = ("name", "email", "phone", "area", "postcode", "joined", "notes")
MEMBER_FIELDS = {"invalid_member": "email", "email_taken": "email"}


@page("GET", "/api/v1/members")
async def members_page(request: web.Request) -> web.StreamResponse:
    q = request.query
    status = q.get("status", "")
    if status and status not in STATUSES:
        raise refuse("bad_request", f"status is one of {', '.join(STATUSES)}", 400)
    filters = store_register.Filters(q=q.get("q", "")[:200], status=status,
                                     role=q.get("role", "")[:64], area=q.get("area", "")[:200])
    found = await store_register.page(node_of(request).db, filters, q.get("after") or None,
                                      PAGE_SIZE)
    return render(request, "members.html", found=found, filters=filters, statuses=STATUSES,
                  roles=(await register.standing_orders(node_of(request))).officer_roles)


@action("POST", "/api/v1/members", "add", members_page, MEMBER_FIELDS)
async def post_member(request: web.Request) -> web.StreamResponse:
    fields = {name: text(request, name) for name in CONTACT}
    fields["joined"] = fields["joined"] or None
    member = await register.add(node_of(request), actor_of(request),
                                shaped(register.NewMember, fields))
    raise see_other(f"/members/{member.member_id}?added=1")


@page("GET", "/api/v1/members/{id}")
async def member_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    member, _ = await store_register.load(node.db, request.match_info["id"])
    orders = await register.standing_orders(node)
    lapse = await register.lapse_view(node, member)
    # only what an officer may do now: the rest is the member's own, or due process
    statuses = [to for (was, to), by in TRANSITIONS.items() if was == member.status and (
        by == "officer" or (by == "lapse_rule" and lapse.refusal is None))]
    return render(request, "member.html", member=member,
                  signed_up=await signin.has_password(node.db, member.member_id),
                  mail=node.config.smtp is not None, statuses=statuses,
                  roles=[r for r in orders.officer_roles if r not in member.roles],
                  notice=request.query, lapse=lapse, orders=orders)


def _member_action(api: str, name: str, fields: dict[str, str] | None = None):
    method, path = api.split(" ", 1)
    return action(method, path, name, member_page, fields)


@_member_action("PATCH /api/v1/members/{id}", "edit", MEMBER_FIELDS)
async def post_edit(request: web.Request) -> web.StreamResponse:
    changes = shaped(register.ContactChanges, {name: text(request, name) for name in CONTACT})
    await register.edit(node_of(request), actor_of(request), request.match_info["id"], changes)
    raise see_other(f"/members/{request.match_info['id']}?saved=1")


@_member_action("POST /api/v1/members/{id}/status", "status", {"reason_required": "reason"})
async def post_status(request: web.Request) -> web.StreamResponse:
    body = shaped(StatusChange, {"status": text(request, "status"),
                                 "reason": text(request, "reason")})
    await register.set_status(node_of(request), actor_of(request), request.match_info["id"],
                              body.status, body.reason)
    raise see_other(f"/members/{request.match_info['id']}?saved=1")


@_member_action("POST /api/v1/members/{id}/dues", "dues", {"bad_request": "paid_until"})
async def post_dues(request: web.Request) -> web.StreamResponse:
    await register.record_dues(node_of(request), actor_of(request), request.match_info["id"],
                               text(request, "paid_until"), text(request, "note"))
    raise see_other(f"/members/{request.match_info['id']}?saved=1")


@_member_action("POST /api/v1/members/{id}/lapse-notice", "lapse_notice")
async def post_lapse_notice(request: web.Request) -> web.StreamResponse:
    await register.give_lapse_notice(node_of(request), actor_of(request),
                                     request.match_info["id"])
    raise see_other(f"/members/{request.match_info['id']}?saved=1")


@_member_action("POST /api/v1/members/{id}/roles", "role",
                {"decision_required": "decision", "invalid_role": "role",
                 "reserved_role": "role"})
async def post_role(request: web.Request) -> web.StreamResponse:
    body = shaped(RoleAssignment, {"role": text(request, "role"),
                                   "decision": text(request, "decision")})
    await register.assign_role(node_of(request), actor_of(request), request.match_info["id"],
                               body.role, body.decision)
    raise see_other(f"/members/{request.match_info['id']}?saved=1")


@_member_action("POST /api/v1/members/{id}/links", "link")
async def post_link(request: web.Request) -> web.StreamResponse:
    purpose = shaped(LinkRequest, {"purpose": text(request, "purpose") or "invitation"}).purpose
    issued = await register.issue_link(node_of(request), actor_of(request),
                                       request.match_info["id"], purpose)
    member, _ = await store_register.load(node_of(request).db, request.match_info["id"])
    return render(request, "link_issued.html", member=member, issued=issued, purpose=purpose)


# -- CSV --------------------------------------------------------------------------------------


# Importing goes in two steps: the file is uploaded and held (`register_import.hold`),
# then its preview shows where each column goes, how the dates are read and which rows
# would be refused; the officer may change the choices, and imports on confirmation.

FIELD_NAMES = {"name": "Name", "email": "Email", "phone": "Phone", "area": "Area",
               "postcode": "Postcode", "joined": "Date joined", "status": "Status",
               "roles": "Roles", "notes": "Notes"}
DATE_ORDERS = (("auto", "Work it out from the dates"),
               ("dmy", "Day/month/year (31/01/2024)"),
               ("mdy", "Month/day/year (01/31/2024)"),
               ("ymd", "Year-month-day (2024-01-31)"))
IMPORT_FIELDS = {"no_file": "file", "csv_encoding": "file", "too_large": "file"}
# set when an import's choices differ from those its preview showed
CHANGED = web.RequestKey("import_choices_changed", bool)


@page("POST", "/api/v1/register/import")
async def import_page(request: web.Request) -> web.StreamResponse:
    return render(request, "import.html", report=None, field_names=FIELD_NAMES)


@action("POST", "/api/v1/register/import", "import", import_page, IMPORT_FIELDS)
async def post_import(request: web.Request) -> web.StreamResponse:
    """The chosen file (or the pasted rows) is held, and its preview shown."""
    upload = form_of(request).get("file")
    if upload is not None and hasattr(upload, "file") and upload.filename:
        data, name = upload.file.read(), upload.filename
    else:
        data, name = text(request, "csv").encode(), "the pasted rows"
    if not data.strip():
        raise refuse("no_file", "choose a CSV file, or paste the rows", 400)
    held = await register_import.hold(node_of(request), csrf_token(request), name, data)
    raise see_other(f"/members/import/{held}")


def _choices(request: web.Request) -> register_import.ImportChoices:
    """The choices on the preview's form, if it was sent (the field of each column `name-i`
    in `column-i`, and how to read the dates); else none, and the guess stands."""
    form = request.get(FORM)
    if form is None or "dates" not in form:
        return register_import.ImportChoices()
    chosen = dict(_sent_columns(request))
    return shaped(register_import.ImportChoices,
                  {"columns": chosen, "dates": text(request, "dates") or "auto"})


def _sent_columns(request: web.Request) -> list[tuple[str, str]]:
    """(column, field) for each column on the preview's form, in the file's order."""
    form = request[FORM]
    pairs, i = [], 0
    while f"name-{i}" in form:
        pairs.append((text(request, f"name-{i}"), text(request, f"column-{i}")))
        i += 1
    return pairs


def _shown(columns: list[tuple[str, str]], dates: str) -> str:
    """What a preview showed, to tell whether an import is of what the officer saw."""
    return msgspec.json.encode({"columns": columns, "dates": dates}).decode()


@page("POST", "/api/v1/register/import")
async def preview_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    ident = request.match_info["file"]
    name, csv_text = await register_import.held(node, ident, csrf_token(request))
    choices = _choices(request)
    try:
        shown = await register_import.preview(node, actor_of(request), csv_text, choices)
    except Refused as refused:
        return render(request, "import_preview.html", ident=ident, file_name=name,
                      preview=None, unreadable=refused.rejection, choices=choices,
                      field_names=FIELD_NAMES, date_orders=DATE_ORDERS, changed=False,
                      status=refused.status)
    changed = request.get(CHANGED, False)
    return render(request, "import_preview.html", ident=ident, file_name=name, preview=shown,
                  unreadable=None, choices=choices, field_names=FIELD_NAMES,
                  date_orders=DATE_ORDERS, changed=changed,
                  shown=_shown([(c.name, c.field) for c in shown.columns], choices.dates))


@action("POST", "/api/v1/register/import", "import", preview_page)
async def post_preview(request: web.Request) -> web.StreamResponse:
    """Show the preview again with the choices made, or import with them."""
    if text(request, "do") != "import":
        return await preview_page(request)
    node = node_of(request)
    ident = request.match_info["file"]
    _, csv_text = await register_import.held(node, ident, csrf_token(request))
    choices = _choices(request)
    if _shown(_sent_columns(request), choices.dates) != text(request, "shown"):
        # what would be imported is not what the officer last saw: show it first
        request[CHANGED] = True
        return await preview_page(request)
    report = await register_import.import_csv(node, actor_of(request), csv_text,
                                              text(request, "skip_invalid") == "yes", choices)
    await register_import.drop(node, ident)
    return render(request, "import.html", report=report, field_names=FIELD_NAMES)


@page("GET", "/api/v1/register/export")
async def export(request: web.Request) -> web.StreamResponse:
    status = request.query.get("status", "")
    if status and status not in STATUSES:
        raise refuse("bad_request", f"status is one of {', '.join(STATUSES)}", 400)
    csv_text = await register.export_csv(node_of(request), actor_of(request), status)
    day = datetime.now(UTC).date().isoformat()
    return web.Response(text=csv_text, content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="register-{day}.csv"'})


# -- notices to pass on by hand ----------------------------------------------------------

NOTICES_SHOWN = 200


@page("GET", "/api/v1/notices")
async def notices_page(request: web.Request) -> web.StreamResponse:
    waiting = await mail.waiting(node_of(request).db, NOTICES_SHOWN)
    # a meeting's notices are passed on together, from the meeting's own list
    by_meeting: dict[int, int] = {}
    for n in waiting:
        parts = n.related.split(":")
        if parts[0] == "meeting" and len(parts) > 1 and parts[1].isdigit():
            by_meeting[int(parts[1])] = by_meeting.get(int(parts[1]), 0) + 1
    return render(request, "notices.html", notices=waiting, shown=NOTICES_SHOWN,
                  smtp=node_of(request).config.smtp is not None, by_meeting=by_meeting)


@action("POST", "/api/v1/notices/{id}/passed-on", "passed_on", notices_page)
async def post_passed_on(request: web.Request) -> web.StreamResponse:
    await mail.pass_on(node_of(request), ident(request), actor_of(request).audit)
    raise see_other("/notices")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/members", members_page),
        web.post("/members", post_member),
        web.get("/members/import", import_page),
        web.post("/members/import", post_import),
        web.get("/members/import/{file}", preview_page),
        web.post("/members/import/{file}", post_preview),
        web.get("/members/export", export),
        web.get("/members/{id}", member_page),
        web.post("/members/{id}", post_edit),
        web.post("/members/{id}/status", post_status),
        web.post("/members/{id}/roles", post_role),
        web.post("/members/{id}/dues", post_dues),
        web.post("/members/{id}/lapse-notice", post_lapse_notice),
        web.post("/members/{id}/links", post_link),
        web.get("/notices", notices_page),
        web.post("/notices/{id}/passed-on", post_passed_on),
    ]
