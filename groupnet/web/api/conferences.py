"""Conferences in the client API: the call, the timetable, entitlements, motions,
rulings, composites, the agenda, an iCalendar feed of the deadlines, and the steps
a group takes (SPEC 5.8)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from aiohttp import web

from ...group import conferences as group_conferences
from ...group import elections
from ...limits import Id, Millis
from ...network import conferences
from ...wire.messages import EntryId, Name, Text, Topic
from ...wire.rejection import refuse
from .business import actor_of
from .endpoints import Endpoint, json, node_of, read_body


class CallRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Call a conference: the first (`opens`), an annual one from a `call-conference`
    decision (`meeting`, `item`), or a requisitioned one (`requisition`)."""

    basis: Literal["first", "annual", "requisition"]
    title: Name | None = None
    opens: Millis | None = None
    closes: Millis | None = None
    meeting: EntryId | None = None
    item: Annotated[int, msgspec.Meta(ge=0, le=49)] = 0
    requisition: EntryId | None = None


class RequisitionRequest(msgspec.Struct, forbid_unknown_fields=True):
    title: Name
    reason: Text
    opens: Millis


class SupportRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text = ""


class SubmitRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Submit one of our motions that our meeting carried: its title, text and count go
    as they are."""

    local_motion: Id
    subject: Topic
    emergency: Text = ""


class AmendRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Propose the text of one of our carried motions as an amendment of `motion`."""

    motion: EntryId
    local_motion: Id
    reason: Text = ""


class ConsentRequest(msgspec.Struct, forbid_unknown_fields=True):
    consent: bool


class AppealRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class PrioritiesRequest(msgspec.Struct, forbid_unknown_fields=True):
    choices: Annotated[list[EntryId], msgspec.Meta(max_length=1000)]


class CredentialRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Publish the credential of our counted delegate election for this conference."""

    election: Id


def _written(entry) -> web.Response:
    return json({"entry": entry.id, "seq": entry.seq}, status=201)


def _conference(request: web.Request) -> str:
    return request.match_info["id"]


async def list_conferences(request: web.Request) -> web.Response:
    return json({"conferences": conferences.listing(node_of(request))})


async def get_conference(request: web.Request) -> web.Response:
    return json(conferences.describe(node_of(request), _conference(request)))


async def get_entitlements(request: web.Request) -> web.Response:
    return json({"entitlements": conferences.entitlements(node_of(request),
                                                          _conference(request))})


def _derived(field: str, *groups: str):
    async def handler(request: web.Request) -> web.Response:
        node = node_of(request)
        found = conferences.review_or_404(node, _conference(request))
        return json({field: conferences.with_names(node, getattr(found, field), *groups)})
    return handler


async def get_agenda(request: web.Request) -> web.Response:
    node = node_of(request)
    found = conferences.review_or_404(node, _conference(request))
    agenda = found.agenda
    return json({
        "status": agenda.status, "order": agenda.order,
        "final_agenda": found.timetable.final_agenda,
        "items": conferences.with_names(node, agenda.items, "groups"),
        "not_on_agenda": conferences.with_names(node, agenda.not_on_agenda, "groups"),
    })


async def get_deadlines(request: web.Request) -> web.Response:
    node = node_of(request)
    body = conferences.deadlines_ics(node, _conference(request), request.host or "groupnet")
    return web.Response(body=body, content_type="text/calendar", charset="utf-8")


async def list_requisitions(request: web.Request) -> web.Response:
    return json({"requisitions": conferences.requisitions(node_of(request))})


async def post_call(request: web.Request) -> web.Response:
    body = await read_body(request, CallRequest)
    node = node_of(request)
    if body.basis == "first":
        if body.opens is None:
            raise refuse("bad_request", "K1: the first conference's call names `opens`", 400)
        closes = body.closes or body.opens + 2 * conferences.DAY_MS
        entry = await conferences.call_first(node, body.title or "First conference",
                                             body.opens, closes)
    elif body.basis == "annual":
        if body.meeting is None:
            raise refuse("bad_request", "K2: an annual call names the `meeting` and `item` "
                         "of its decision", 400)
        entry = await conferences.call_annual(node, body.meeting, body.item, body.closes,
                                              body.title)
    else:
        if body.requisition is None:
            raise refuse("bad_request", "K3: a requisitioned call names the `requisition`", 400)
        entry = await conferences.call_requisitioned(node, body.requisition, body.closes,
                                                     body.title)
    return _written(entry)


async def post_requisition(request: web.Request) -> web.Response:
    body = await read_body(request, RequisitionRequest)
    return _written(await conferences.open_requisition(node_of(request), body.title,
                                                       body.reason, body.opens))


async def post_support(request: web.Request) -> web.Response:
    body = await read_body(request, SupportRequest)
    return _written(await conferences.support_requisition(
        node_of(request), request.match_info["id"], body.reason))


async def post_motion(request: web.Request) -> web.Response:
    body = await read_body(request, SubmitRequest)
    return _written(await group_conferences.submit_local(
        node_of(request), _conference(request), body.local_motion, body.subject,
        body.emergency))


async def post_amendment(request: web.Request) -> web.Response:
    body = await read_body(request, AmendRequest)
    node = node_of(request)
    motion = conferences.motion_or_404(node, body.motion)
    if motion.conference != _conference(request):
        raise refuse("not_found", "K7: that motion was submitted to another conference", 404)
    return _written(await group_conferences.amend_local(node, body.motion, body.local_motion,
                                                        body.reason))


async def post_consent(request: web.Request) -> web.Response:
    body = await read_body(request, ConsentRequest)
    conferences.call_or_404(node_of(request), _conference(request))
    return _written(await conferences.consent(node_of(request),
                                              request.match_info["composite"], body.consent))


async def post_appeal(request: web.Request) -> web.Response:
    body = await read_body(request, AppealRequest)
    conferences.call_or_404(node_of(request), _conference(request))
    return _written(await conferences.appeal(node_of(request), request.match_info["ruling"],
                                             body.reason))


async def post_priorities(request: web.Request) -> web.Response:
    body = await read_body(request, PrioritiesRequest)
    return _written(await conferences.priorities(node_of(request), _conference(request),
                                                 body.choices))


async def post_credential(request: web.Request) -> web.Response:
    body = await read_body(request, CredentialRequest)
    node = node_of(request)
    conference = _conference(request)
    conferences.call_or_404(node, conference)
    record, _ = await elections.load(node.db, body.election)
    if record.election.conference != conference:
        raise refuse("wrong_conference", f"K5: election {body.election} elected delegates to "
                     f"`{record.election.conference}`, not to this conference")
    view = await elections.publish(node, actor_of(request), body.election)
    published = view.published[-1]
    return json({"entry": published.entry, "seq": published.seq}, status=201)


CONFERENCE = "/api/v1/conferences/{id}"
MEMBER = ("member",)
OFFICER = ("officer",)
WRITTEN = (201,)
ENDPOINTS = [
    Endpoint("GET", "/api/v1/conferences", "Every conference called, with whether it stands",
             MEMBER, list_conferences),
    Endpoint("GET", CONFERENCE, "One conference: its call, status and timetable",
             MEMBER, get_conference),
    Endpoint("GET", CONFERENCE + "/entitlements",
             "Each group's committed members, delegates entitled and credentialed (K5)",
             MEMBER, get_entitlements),
    Endpoint("GET", CONFERENCE + "/credentials",
             "Each credential for the conference, on time or late, within entitlement (K5)",
             MEMBER, _derived("credentials", "group")),
    Endpoint("GET", CONFERENCE + "/motions", "The motions submitted, with status and reason",
             MEMBER, _derived("motions", "group")),
    Endpoint("GET", CONFERENCE + "/amendments",
             "The amendments submitted, with status and reason", MEMBER,
             _derived("amendments", "group")),
    Endpoint("GET", CONFERENCE + "/rulings",
             "The arrangements committee's decisions for the conference, with appeals",
             MEMBER, _derived("rulings")),
    Endpoint("GET", CONFERENCE + "/composites", "Composites and each group's consent",
             MEMBER, _derived("composites", "groups")),
    Endpoint("GET", CONFERENCE + "/ballots", "The priorities ballots and whether they count",
             MEMBER, _derived("ballots", "group")),
    Endpoint("GET", CONFERENCE + "/agenda",
             "The agenda (final once the network passed its time), and what is not on it",
             MEMBER, get_agenda),
    Endpoint("GET", CONFERENCE + "/deadlines.ics",
             "The conference's deadlines as an iCalendar feed", MEMBER, get_deadlines,
             response=str, response_media="text/calendar"),
    Endpoint("GET", "/api/v1/requisitions",
             "Requisitions of special conferences, and how far each has come",
             MEMBER, list_requisitions),
    Endpoint("POST", "/api/v1/conferences", "Call a conference (first, annual, requisitioned)",
             OFFICER, post_call, CallRequest, answers=WRITTEN),
    Endpoint("POST", "/api/v1/requisitions", "Open a requisition of a special conference",
             OFFICER, post_requisition, RequisitionRequest, answers=WRITTEN),
    Endpoint("POST", "/api/v1/requisitions/{id}/support", "Sign another group's requisition",
             OFFICER, post_support, SupportRequest, answers=WRITTEN),
    Endpoint("POST", CONFERENCE + "/motions",
             "Submit one of our carried motions, as it was carried", OFFICER, post_motion,
             SubmitRequest, answers=WRITTEN),
    Endpoint("POST", CONFERENCE + "/amendments",
             "Propose one of our carried motions' text as an amendment", OFFICER,
             post_amendment, AmendRequest, answers=WRITTEN),
    Endpoint("POST", CONFERENCE + "/composites/{composite}/consent",
             "Consent, or refuse, to a composite of our motion", OFFICER, post_consent,
             ConsentRequest, answers=WRITTEN),
    Endpoint("POST", CONFERENCE + "/rulings/{ruling}/appeal",
             "Appeal against the ruling that put our motion out of order", OFFICER,
             post_appeal, AppealRequest, answers=WRITTEN),
    Endpoint("POST", CONFERENCE + "/priorities", "Cast our priorities ballot", OFFICER,
             post_priorities, PrioritiesRequest, answers=WRITTEN),
    Endpoint("POST", CONFERENCE + "/credentials",
             "Publish our delegates' credential from a counted election", OFFICER,
             post_credential, CredentialRequest, answers=WRITTEN),
]
