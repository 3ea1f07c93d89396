"""Conferences in the client API: the call, the timetable, entitlements, motions,
rule changes, rulings, composites, the agenda, an iCalendar feed of the deadlines,
and the steps a group takes (SPEC 5.8)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from aiohttp import web

from ...group import conferences as group_conferences
from ...limits import Id, Millis
from ...network import conferences
from ...wire.messages import EntryId, Name, Text, Topic
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


# A rule change's TOML: the parts of the constitution it changes (docs/constitution.md)
ConstitutionToml = Annotated[str, msgspec.Meta(min_length=1, max_length=60_000)]


class RuleChangeRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Submit the rule change one of our carried motions decided: its title, reason and
    count go as carried; `constitution` is the TOML of the parts it changes in the
    constitution in force."""

    local_motion: Id
    constitution: ConstitutionToml
    reason: Text = ""


class RuleChangeAmendRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Submit the amendment one of our carried motions decided to a rule change;
    `constitution` is the TOML of the parts it changes in the rule change."""

    local_motion: Id
    constitution: ConstitutionToml
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
        "rule_changes": conferences.with_names(node, agenda.rule_changes, "groups"),
        "not_on_agenda": conferences.with_names(node, agenda.not_on_agenda, "groups"),
    })


async def get_rule_changes(request: web.Request) -> web.Response:
    node = node_of(request)
    found = conferences.review_or_404(node, _conference(request))
    return json({
        "threshold": node.state.constitution.amendments.threshold,
        "notice": found.timetable.rule_changes,
        "window_closes": found.timetable.rule_change_amendments,
        "rule_changes": conferences.with_names(node, found.rule_changes, "group"),
        "amendments": conferences.with_names(node, found.rule_change_amendments, "group"),
    })


async def get_deadlines(request: web.Request) -> web.Response:
    node = node_of(request)
    body = conferences.deadlines_ics(node, _conference(request), request.host or "groupnet")
    return web.Response(body=body, content_type="text/calendar", charset="utf-8")


async def list_requisitions(request: web.Request) -> web.Response:
    return json({"requisitions": conferences.requisitions(node_of(request))})


async def post_call(request: web.Request) -> web.Response:
    body = await read_body(request, CallRequest)
    entry = await conferences.call(
        node_of(request), body.basis, title=body.title, opens=body.opens, closes=body.closes,
        meeting=body.meeting, item=body.item, requisition=body.requisition)
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
    return _written(await group_conferences.amend_local(
        node_of(request), body.motion, body.local_motion, body.reason, _conference(request)))


async def post_rule_change(request: web.Request) -> web.Response:
    body = await read_body(request, RuleChangeRequest)
    return _written(await group_conferences.rule_change_local(
        node_of(request), _conference(request), body.local_motion, body.constitution,
        body.reason))


async def post_rule_change_amendment(request: web.Request) -> web.Response:
    body = await read_body(request, RuleChangeAmendRequest)
    return _written(await group_conferences.amend_rule_change_local(
        node_of(request), request.match_info["rule_change"], body.local_motion,
        body.constitution, body.reason, _conference(request)))


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
    published = await group_conferences.publish_credential(
        node_of(request), actor_of(request), _conference(request), body.election)
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
    Endpoint("GET", CONFERENCE + "/rule-changes",
             "The rule changes and their amendments, each with status, reason and what it "
             "changes in the constitution (C5)", MEMBER, get_rule_changes),
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
    Endpoint("POST", CONFERENCE + "/rule-changes",
             "Submit the rule change one of our carried motions decided", OFFICER,
             post_rule_change, RuleChangeRequest, answers=WRITTEN),
    Endpoint("POST", CONFERENCE + "/rule-changes/{rule_change}/amendments",
             "Submit the amendment one of our carried motions decided to a rule change",
             OFFICER, post_rule_change_amendment, RuleChangeAmendRequest, answers=WRITTEN),
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
