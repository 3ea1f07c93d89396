"""The member register in the client API: for officers (and the node's operator) only.

Members see their own record through `api/account.py`; nothing here answers a
plain member, so a member can never read another member's record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec
from aiohttp import web

from ...group import commitments, mail, register, register_import, signin
from ...group.people import Actor
from ...limits import Millis
from ...procedure.group.members import Member
from ...procedure.group.register_import import ORDERS, written_choices
from ...store import audit
from ...store import register as store_register
from ...wire.rejection import refuse
from ..auth import require
from .endpoints import Endpoint, Query, ident, json, node_of, query, read_body

OFFICER = ("officer",)
STATUSES = ("active", "lapsed", "suspended", "expelled", "resigned")

Short = Annotated[str, msgspec.Meta(max_length=500)]
Reason = Annotated[str, msgspec.Meta(max_length=2000)]


class StatusChange(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["active", "lapsed", "suspended", "expelled", "resigned"]
    reason: Reason = ""


class RoleAssignment(msgspec.Struct, forbid_unknown_fields=True):
    role: Annotated[str, msgspec.Meta(max_length=64)]
    # the meeting decision that elected or appointed the holder
    decision: Short


class EligibilityEntry(msgspec.Struct, forbid_unknown_fields=True):
    condition: Annotated[str, msgspec.Meta(max_length=64)]
    met: bool
    note: Reason = ""
    # from when (ms since 1970); default: now
    from_ms: Millis | None = None


class DuesPaid(msgspec.Struct, forbid_unknown_fields=True):
    # the date the member's dues are now paid until, YYYY-MM-DD
    paid_until: Annotated[str, msgspec.Meta(max_length=10)]
    note: Short = ""


class LinkRequest(msgspec.Struct, forbid_unknown_fields=True):
    purpose: Literal["invitation", "reset"] = "invitation"


class CommitmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    # the freeze time (ms since 1970); default: now
    freeze: Millis | None = None


def actor_of(request: web.Request) -> Actor:
    caller = require(request)
    return Actor(caller.actor(), caller.member_id)


def member_view(member: Member) -> dict:
    """A member's whole record, with the current status spelled out."""
    return {"id": member.member_id, "status": member.status, **msgspec.to_builtins(member)}


async def _officer_view(request: web.Request, member: Member) -> dict:
    signed_up = await signin.has_password(node_of(request).db, member.member_id)
    lapse = await register.lapse_view(node_of(request), member)
    return {**member_view(member), "signed_up": signed_up, "lapse": msgspec.to_builtins(lapse)}


async def list_members(request: web.Request) -> web.Response:
    filters = store_register.Filters(**{name: query(request, name, "")
                                        for name in ("q", "status", "role", "area", "postcode")})
    limit = query(request, "limit", 100)
    page = await store_register.page(node_of(request).db, filters,
                                     query(request, "after", "") or None, limit)
    return json(page)


async def post_member(request: web.Request) -> web.Response:
    new = await read_body(request, register.NewMember)
    member = await register.add(node_of(request), actor_of(request), new)
    return json(await _officer_view(request, member), status=201)


async def get_member(request: web.Request) -> web.Response:
    member, _ = await store_register.load(node_of(request).db, request.match_info["id"])
    return json(await _officer_view(request, member))


async def patch_member(request: web.Request) -> web.Response:
    changes = await read_body(request, register.ContactChanges)
    member = await register.edit(node_of(request), actor_of(request), request.match_info["id"],
                                 changes)
    return json(await _officer_view(request, member))


async def post_status(request: web.Request) -> web.Response:
    body = await read_body(request, StatusChange)
    member = await register.set_status(node_of(request), actor_of(request),
                                       request.match_info["id"], body.status, body.reason)
    return json(await _officer_view(request, member))


async def post_dues(request: web.Request) -> web.Response:
    body = await read_body(request, DuesPaid)
    member = await register.record_dues(node_of(request), actor_of(request),
                                        request.match_info["id"], body.paid_until, body.note)
    return json(await _officer_view(request, member))


async def post_lapse_notice(request: web.Request) -> web.Response:
    member = await register.give_lapse_notice(node_of(request), actor_of(request),
                                              request.match_info["id"])
    return json(await _officer_view(request, member), status=201)


async def post_role(request: web.Request) -> web.Response:
    body = await read_body(request, RoleAssignment)
    member = await register.assign_role(node_of(request), actor_of(request),
                                        request.match_info["id"], body.role, body.decision)
    return json(await _officer_view(request, member))


async def delete_role(request: web.Request) -> web.Response:
    member = await register.stand_down(node_of(request), actor_of(request),
                                       request.match_info["id"], request.match_info["role"])
    return json(await _officer_view(request, member))


async def post_eligibility(request: web.Request) -> web.Response:
    body = await read_body(request, EligibilityEntry)
    member, open_case = await register.record_eligibility(
        node_of(request), actor_of(request), request.match_info["id"], body.condition,
        body.met, body.note, body.from_ms)
    answer = {"member": await _officer_view(request, member), "open_case": None}
    if open_case is not None:
        answer["open_case"] = {
            **msgspec.to_builtins(open_case),
            "instruction": "the member's status has not changed: open a due-process case "
            "(standing order 7) to decide what follows",
        }
    return json(answer)


async def post_link(request: web.Request) -> web.Response:
    body = await read_body(request, LinkRequest)
    issued = await register.issue_link(node_of(request), actor_of(request),
                                       request.match_info["id"], body.purpose)
    return json(issued, status=201)


async def post_import(request: web.Request) -> web.Response:
    text = register_import.decode_csv(await request.read())
    written = query(request, "map", "")
    columns = register.check(written_choices(p for p in written.split(";") if p.strip()), 400)
    choices = register_import.ImportChoices(columns=columns,
                                            dates=query(request, "dates", "auto"))
    try:
        report = await register_import.import_csv(node_of(request), actor_of(request), text,
                                                  query(request, "skip_invalid", False),
                                                  choices)
    except register_import.ImportRefused as refused:
        r = refused.rejection
        return json({"error": {"code": r.code, "reason": r.reason,
                               "rows": msgspec.to_builtins(refused.errors)}}, status=422)
    return json(report, status=201 if report.imported else 200)


async def get_export(request: web.Request) -> web.Response:
    status = query(request, "status", "")
    text = await register.export_csv(node_of(request), actor_of(request), status)
    day = datetime.now(UTC).date().isoformat()
    return web.Response(text=text, content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="register-{day}.csv"'})


async def get_audit(request: web.Request) -> web.Response:
    before = query(request, "before", None)
    limit = query(request, "limit", 100)
    subject = query(request, "subject", "") or None
    rows = await audit.page(node_of(request).db, before, limit, subject)
    following = rows[-1].seq if len(rows) == limit and rows[-1].seq > 1 else None
    return json({"rows": rows, "before": following})


async def get_notices(request: web.Request) -> web.Response:
    return json({"notices": await mail.waiting(node_of(request).db)})


async def get_notice(request: web.Request) -> web.Response:
    db = node_of(request).db
    number = ident(request)
    found = await mail.by_ids(db, [number])
    if not found:
        raise refuse("not_found", f"there is no notice {number}", 404)
    return json({**msgspec.to_builtins(found[0]),
                 "attachments": await mail.attachments_of(db, number)})


async def post_passed_on(request: web.Request) -> web.Response:
    notice = await mail.pass_on(node_of(request), ident(request), actor_of(request).audit)
    return json(notice)


async def post_commitment(request: web.Request) -> web.Response:
    body = await read_body(request, CommitmentRequest)
    published = await commitments.publish(node_of(request), actor_of(request), body.freeze)
    return json(published, status=201)


async def get_commitments(request: web.Request) -> web.Response:
    return json({"commitments": await commitments.history(node_of(request))})


MEMBER_FILTERS = (Query("q"), Query("status", choices=STATUSES), Query("role"),
                  Query("area"), Query("postcode"), Query("after"),
                  Query("limit", "integer", 1, store_register.MAX_PAGE))

ENDPOINTS = [
    Endpoint("GET", "/api/v1/members",
             "The register, in name order, 100 a page: search (q: name, email, area or "
             "postcode), filter by status, role, area or postcode prefix; `after` is the "
             "previous page's `next`", OFFICER, list_members, None, MEMBER_FILTERS),
    Endpoint("POST", "/api/v1/members", "Add a member to the register (active from now)",
             OFFICER, post_member, register.NewMember, answers=(201,)),
    Endpoint("GET", "/api/v1/members/{id}",
             "One member's whole record: status history, roles, eligibility", OFFICER,
             get_member),
    Endpoint("PATCH", "/api/v1/members/{id}", "Change a member's contact details or notes",
             OFFICER, patch_member, register.ContactChanges),
    Endpoint("POST", "/api/v1/members/{id}/status",
             "Reinstate or readmit a member, or mark them lapsed where SO 9.3-9.4 allow it "
             "(dues unpaid past the grace period, notice sent and run, no meeting called); "
             "suspension and expulsion only through due process", OFFICER, post_status,
             StatusChange),
    Endpoint("POST", "/api/v1/members/{id}/dues",
             "Record dues paid until a date; dues brought up to date withdraw a lapse notice "
             "and reinstate a lapsed member", OFFICER, post_dues, DuesPaid),
    Endpoint("POST", "/api/v1/members/{id}/lapse-notice",
             "Give a member whose dues are unpaid past the grace period (SO 9.3) notice of a "
             "lapse (SO 9.4): sent, or kept for an officer to pass on", OFFICER,
             post_lapse_notice),
    Endpoint("POST", "/api/v1/members/{id}/roles",
             "Record that a member holds a role, citing the decision", OFFICER, post_role,
             RoleAssignment),
    Endpoint("DELETE", "/api/v1/members/{id}/roles/{role}",
             "Stand down from a role (one's own; removing others is due process)", OFFICER,
             delete_role),
    Endpoint("POST", "/api/v1/members/{id}/eligibility",
             "Record whether a member meets a condition of membership (SO 9.2); an ineligible "
             "member is not removed: the answer says to open a due-process case", OFFICER,
             post_eligibility, EligibilityEntry),
    Endpoint("POST", "/api/v1/members/{id}/links",
             "Send a member an invitation or a password-reset link (shown here when there is "
             "no SMTP server to send it)", OFFICER, post_link, LinkRequest, answers=(201,),
             response=register.LinkIssued),
    Endpoint("POST", "/api/v1/register/import",
             "Import members from a CSV body (text/csv, at most max_body_bytes), ours or "
             "another system's: columns go to the register's fields by their usual names, "
             "or as `map` says (\"Column=field\" pairs separated by ';'); `dates` says how "
             "to read dates (auto works it out). All or nothing unless skip_invalid=true "
             "(docs/members.md)", OFFICER, post_import, str,
             (Query("skip_invalid", "boolean"), Query("map", max_length=2000),
              Query("dates", choices=ORDERS)), answers=(200, 201),
             response=register_import.ImportReport),
    Endpoint("GET", "/api/v1/register/export",
             "The register as CSV, in the import columns", OFFICER, get_export, None,
             (Query("status", choices=STATUSES),), response=str),
    Endpoint("POST", "/api/v1/register/commitments",
             "Publish the count of active members at a freeze time and a Merkle root over "
             "salted leaves: no personal data", OFFICER, post_commitment, CommitmentRequest,
             answers=(201,), response=commitments.Published),
    Endpoint("GET", "/api/v1/register/commitments",
             "The commitments this group has published", OFFICER, get_commitments),
    Endpoint("GET", "/api/v1/audit",
             "The audit trail, newest first: who changed what, when", OFFICER, get_audit, None,
             (Query("before", "integer", 1), Query("limit", "integer", 1, 1000),
              Query("subject"))),
    Endpoint("GET", "/api/v1/notices",
             "Notices nobody has sent yet: to pass on by hand, or that failed", OFFICER,
             get_notices),
    Endpoint("GET", "/api/v1/notices/{id}", "One notice, with its attachments", OFFICER,
             get_notice, numbered=("id",)),
    Endpoint("POST", "/api/v1/notices/{id}/passed-on",
             "Record that an officer passed a notice on by hand: it counts as sent now",
             OFFICER, post_passed_on, numbered=("id",)),
]
