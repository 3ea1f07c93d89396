"""Meetings and their motions: call, attendance, quorum, minutes, motions, amendments, votes.

The pages call `group.meetings` and `group.motions`, the functions the
API's `/api/v1/meetings` and `/api/v1/motions` call; the procedure code
decides notice, quorum, turns and outcomes, and its refusals are shown next
to the form that asked. Members are chosen on forms by name, from a
search field over those who may be named (those entitled to attend, or in a
large group those present), or by email or member id; small groups get a
list of names to tick.
"""

from __future__ import annotations

import tomllib

from aiohttp import web

from ... import clock
from ...group import adoption, meetings, motions, notices, people, rules
from ...procedure.group.meetings import body_check
from ...wire.rejection import refuse
from ..api.motions import ShareLocalRequest
from .frame import (
    PICK_LIST_MAX,
    action,
    actor_of,
    caller_of,
    choices_of,
    form_of,
    ident,
    member_id,
    moment,
    names_of,
    node_of,
    number,
    page,
    person,
    render,
    secure_headers,
    see_other,
    shaped,
    text,
)

KINDS = ("general", "committee", "annual")
# up to this many entitled members, attendance is ticked from a list of names
TICK_LIST_MAX = 200


# -- meetings -------------------------------------------------------------------------


@page("GET", "/api/v1/meetings")
async def meetings_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    listing = sorted(await meetings.listing(node.db, clock.now(node)),
                     key=lambda m: m["starts_at_ms"], reverse=True)
    return render(request, "meetings.html", meetings=listing, now=clock.now(node),
                  motions=await motions.listing(node.db, None))


@page("POST", "/api/v1/meetings")
async def call_page(request: web.Request) -> web.StreamResponse:
    orders = await rules.current(node_of(request).db)
    return render(request, "meeting_call.html", kinds=KINDS,
                  notice={k: orders.notice_days(k) for k in KINDS})


@action("POST", "/api/v1/meetings", "call", call_page,
        {"bad_starts_at": "starts_at", "time_does_not_exist": "starts_at",
         "starts_before_notice": "starts_at",
         "place_required": "place", "agenda_required": "agenda", "bad_link": "link"})
async def post_call(request: web.Request) -> web.StreamResponse:
    agenda = [line.strip() for line in text(request, "agenda").splitlines() if line.strip()]
    called_by = text(request, "called_by")
    body = shaped(meetings.CallMeeting, {
        "kind": text(request, "kind"), "starts_at": moment(request),
        "agenda": agenda or [""], "place": text(request, "place"), "link": text(request, "link"),
        "called_by": await member_id(request, called_by, "Called by") if called_by else None})
    view = await meetings.call(node_of(request), actor_of(request), body)
    raise see_other(f"/meetings/{view.id}?called=1")


async def _pick_list(request: web.Request, view: meetings.MeetingView,
                     orders) -> list[tuple[str, str]]:
    """Who may be named on the meeting's forms: those entitled to attend, or in a large
    group those present."""
    if view.entitled <= PICK_LIST_MAX:
        return await choices_of(request, await people.entitled_ids(
            node_of(request).db, view.meeting.kind, orders))
    return await choices_of(request, view.present)


@page("GET", "/api/v1/meetings/{id}")
async def meeting_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    now = clock.now(node)
    view = await meetings.view(node.db, ident(request), now)
    orders = await rules.current(node.db)
    listing = await motions.listing(node.db, view.id)
    to_tick: list[tuple[str, str]] = []
    if view.entitled <= TICK_LIST_MAX:
        ids = await people.entitled_ids(node.db, view.meeting.kind, orders)
        names = await names_of(request, ids)
        to_tick = sorted((names[i], i) for i in ids if i not in view.present and i in names)
    present_names = await names_of(request, [*view.present, view.meeting.called_by])
    others = [m for m in await meetings.listing(node.db, now)
              if m["id"] != view.id and not m["cancelled"]]
    # the bodies a decision belongs to; notice and quorum, the same for every kind, are
    # said once
    bodies = {kind: body_check(view.meeting, kind, orders)
              for kind in view.decisions}
    waiting = await notices.waiting_for_meeting(node.db, view.id)
    return render(request, "meeting.html", view=view, motions=listing, to_tick=to_tick,
                  present_names=present_names, others=others, now=now,
                  notice=request.query, bodies=bodies, waiting=len(waiting),
                  choices=await _pick_list(request, view, orders),
                  changeable=not view.meeting.cancelled and now < view.meeting.starts_at_ms,
                  in_session=not view.meeting.cancelled and now >= view.meeting.starts_at_ms)


def _meeting_action(api: str, name: str, fields: dict[str, str] | None = None):
    method, path = api.split(" ", 1)
    return action(method, path, name, meeting_page, fields)


def _back(request: web.Request, anchor: str = "") -> web.HTTPSeeOther:
    """To the meeting's page; `anchor` may start with a query (a confirmation to show)."""
    return see_other(f"/meetings/{request.match_info['id']}{anchor}")


@_meeting_action("POST /api/v1/meetings/{id}/cancellation", "cancel",
                 {"reason_required": "reason", "bad_request": "reason"})
async def post_cancel(request: web.Request) -> web.StreamResponse:
    await meetings.cancel(node_of(request), actor_of(request), ident(request), shaped(
        meetings.CancelMeeting, {"reason": text(request, "reason")}))
    raise _back(request, "?changed=cancelled")


@_meeting_action("POST /api/v1/meetings/{id}/postponement", "postpone",
                 {"reason_required": "reason", "not_later": "starts_at",
                  "bad_starts_at": "starts_at"})
async def post_postpone(request: web.Request) -> web.StreamResponse:
    await meetings.postpone(node_of(request), actor_of(request), ident(request), shaped(
        meetings.PostponeMeeting, {"starts_at": moment(request),
                                   "reason": text(request, "reason")}))
    raise _back(request, "?changed=postponed")


@_meeting_action("POST /api/v1/meetings/{id}/correction", "correct",
                 {"reason_required": "reason", "place_required": "place",
                  "agenda_required": "agenda", "bad_link": "link",
                  "nothing_changed": "place"})
async def post_correct(request: web.Request) -> web.StreamResponse:
    agenda = [line.strip() for line in text(request, "agenda").splitlines() if line.strip()]
    await meetings.correct(node_of(request), actor_of(request), ident(request), shaped(
        meetings.CorrectMeeting, {"reason": text(request, "reason"),
                                  "place": text(request, "place"),
                                  "link": text(request, "link"), "agenda": agenda or [""]}))
    raise _back(request, "?changed=corrected")


# -- notices to pass on, for a meeting at once ---------------------------------------


@page("GET", "/api/v1/meetings/{id}/notices")
async def notices_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    view = await meetings.view(node.db, ident(request), clock.now(node))
    waiting = await notices.waiting_for_meeting(node.db, view.id)
    contacts = await people.members(node.db, [n.member_id for n in waiting if n.member_id])
    texts: dict[tuple[str, str], int] = {}
    for n in waiting:
        texts[(n.subject, n.body)] = texts.get((n.subject, n.body), 0) + 1
    return render(request, "meeting_notices.html", view=view, waiting=waiting,
                  contacts=contacts, texts=texts, notice=request.query)


@action("POST", "/api/v1/meetings/{id}/notices/passed-on", "passed_on", notices_page)
async def post_notices_passed_on(request: web.Request) -> web.StreamResponse:
    state = await notices.pass_on_meeting(node_of(request), actor_of(request), ident(request))
    raise _back(request, f"?passed={state.sent}")


@page("GET", "/api/v1/meetings/{id}/notices/mail-merge")
async def mail_merge(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    number = ident(request)
    await meetings.load(node.db, number)
    csv_text = await notices.mail_merge(node, actor_of(request), number)
    response = web.Response(text=csv_text, content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="meeting-{number}-notices.csv"'})
    secure_headers(response)
    return response


@_meeting_action("POST /api/v1/meetings/{id}/attendance", "attendance",
                 {"not_found": "present", "no_one": "present"})
async def post_attendance(request: web.Request) -> web.StreamResponse:
    form = form_of(request)
    named = [line for line in text(request, "present").splitlines() if line.strip()]
    ids = [str(v) for v in form.getall("member", [])]
    ids += [await member_id(request, line, "Present") for line in named]
    if not ids:
        raise refuse("no_one", "tick the members present, or name them one a line", 400)
    await meetings.attend(node_of(request), actor_of(request), ident(request),
                          meetings.RecordAttendance(present=ids))
    raise _back(request, "#attendance")


@_meeting_action("POST /api/v1/meetings/{id}/minutes", "minute", {"bad_corrects": "corrects"})
async def post_minute(request: web.Request) -> web.StreamResponse:
    corrects = number(request, "corrects", "The minute corrected") \
        if text(request, "corrects") else None
    await meetings.minute(node_of(request), actor_of(request), ident(request),
                          shaped(meetings.RecordMinute, {"text": text(request, "text"),
                                                         "corrects": corrects}))
    raise _back(request, "#minutes")


@_meeting_action("POST /api/v1/meetings/{id}/minutes/approval", "approve")
async def post_approval(request: web.Request) -> web.StreamResponse:
    await meetings.approve(node_of(request), actor_of(request), ident(request),
                           meetings.ApproveMinutes(number(request, "at_meeting",
                                                          "The approving meeting")))
    raise _back(request, "#minutes")


def _rule_patch(request: web.Request) -> dict | None:
    """The standing orders a rule-change motion changes, written as TOML lines."""
    if text(request, "kind") != "rule_change":
        return None
    try:
        return tomllib.loads(text(request, "rule_patch"))
    except tomllib.TOMLDecodeError as error:
        raise refuse("bad_rule_patch", f"write each change as `name = value`: {error}",
                     400) from None


@_meeting_action("POST /api/v1/meetings/{id}/motions", "motion",
                 {"motion_empty": "text", "seconder_is_proposer": "seconder",
                  "not_active": "seconder", "bad_counterposed_to": "counterposed_to",
                  "not_counterposed": "counterposed_to", "bad_rule_patch": "rule_patch",
                  "rule_change_needs_patch": "rule_patch",
                  "rule_change_changes_nothing": "rule_patch",
                  "invalid_standing_orders": "rule_patch",
                  "entrenched_provision": "rule_patch"})
async def post_motion(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    view = await meetings.view(node.db, ident(request), clock.now(node))
    choices = await _pick_list(request, view, await rules.current(node.db))
    proposer = text(request, "proposer")
    counterposed = text(request, "counterposed_to")
    body = shaped(motions.SubmitMotion, {
        "title": text(request, "title"), "text": text(request, "text"),
        "seconder": await person(request, text(request, "seconder"), "Seconder", choices),
        "proposer": await person(request, proposer, "Proposer", choices) if proposer else None,
        "counterposed_to": number(request, "counterposed_to", "Counterposed to")
        if counterposed else None,
        "kind": "rule_change" if text(request, "kind") == "rule_change" else "ordinary",
        "rule_patch": _rule_patch(request),
        "mandate": {"conference": text(request, "conference"),
                    "conference_motion": text(request, "conference_motion"),
                    "position": text(request, "position")}
        if text(request, "conference") else None})
    view = await motions.submit(node_of(request), actor_of(request), ident(request), body)
    raise see_other(f"/motions/{view.id}")


# -- a motion ------------------------------------------------------------------------------


@page("GET", "/api/v1/rules")
async def rules_page(request: web.Request) -> web.StreamResponse:
    return render(request, "rules.html", view=await rules.view(node_of(request).db))


@page("GET", "/api/v1/motions/{id}")
async def motion_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    now = clock.now(node)
    view = await motions.view(node.db, ident(request))
    meeting = await meetings.view(node.db, view.meeting, now)
    people_named = [view.motion.proposer_id, view.motion.seconder_id,
                    *(a.mover_id for a in view.amendments),
                    *(a.seconder_id for a in view.amendments if a.seconder_id)]
    caller = caller_of(request)
    pending = [a for a in view.amendments if a.status == "pending"]
    return render(request, "motion.html", view=view, meeting=meeting,
                  names=await names_of(request, people_named),
                  attending=caller.member_id in meeting.present if caller.member_id else False,
                  side=request.query.get("diff") == "side", pending=pending,
                  mover=caller.member_id == view.motion.proposer_id,
                  choices=await _amendment_choices(request, meeting),
                  link=await adoption.link_of_local(node, view.id), notice=request.query,
                  in_session=not meeting.meeting.cancelled and now >= meeting.meeting.starts_at_ms)


async def _amendment_choices(request: web.Request,
                             meeting: meetings.MeetingView) -> list[tuple[str, str]]:
    """Who may move or second an amendment: those present once the meeting sits, else
    those entitled to attend."""
    if meeting.present:
        return await choices_of(request, meeting.present)
    return await _pick_list(request, meeting, await rules.current(node_of(request).db))


def _motion_action(api: str, name: str, fields: dict[str, str] | None = None):
    method, path = api.split(" ", 1)
    return action(method, path, name, motion_page, fields)


def _to_motion(request: web.Request) -> web.HTTPSeeOther:
    return see_other(f"/motions/{request.match_info['id']}")


@_motion_action("POST /api/v1/motions/{id}/amendments", "amend",
                {"amendment_changes_nothing": "text", "rule_change_not_amendable": "text",
                 "duplicate_amendment": "text", "seconder_is_proposer": "seconder"})
async def post_amendment(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    view = await motions.view(node.db, ident(request))
    choices = await _amendment_choices(
        request, await meetings.view(node.db, view.meeting, clock.now(node)))
    mover, seconder = text(request, "mover"), text(request, "seconder")
    body = shaped(motions.ProposeAmendment, {
        "text": text(request, "text"),
        "mover": await person(request, mover, "Mover", choices) if mover else None,
        "seconder": await person(request, seconder, "Seconder", choices) if seconder else None})
    await motions.amend(node_of(request), actor_of(request), ident(request), body)
    raise _to_motion(request)


@_motion_action("POST /api/v1/motions/{id}/amendments/{amendment}/friendly", "friendly")
async def post_friendly(request: web.Request) -> web.StreamResponse:
    mover = text(request, "mover")
    await motions.accept_friendly(
        node_of(request), actor_of(request), ident(request), text(request, "amendment"),
        motions.AcceptFriendly(await member_id(request, mover, "Mover") if mover else None))
    raise _to_motion(request)


@_motion_action("POST /api/v1/motions/{id}/share", "share")
async def post_share(request: web.Request) -> web.StreamResponse:
    topics = [t.strip() for t in text(request, "topics").split(",") if t.strip()]
    body = shaped(ShareLocalRequest, {"topics": topics})
    await adoption.share_local(node_of(request), ident(request), body.topics)
    raise see_other(f"/motions/{request.match_info['id']}?shared=1#network")


@_motion_action("POST /api/v1/motions/{id}/votes", "vote")
async def post_vote(request: web.Request) -> web.StreamResponse:
    question = text(request, "question")
    await motions.cast_vote(node_of(request), actor_of(request), ident(request), shaped(
        motions.CastVote, {"choice": text(request, "choice"),
                           "amendment": None if question in ("", "motion") else question}))
    raise _to_motion(request)


@_motion_action("POST /api/v1/motions/{id}/decision", "decide",
                {"bad_in_favour": "in_favour", "bad_against": "against",
                 "bad_abstentions": "abstentions", "invalid_tally": "in_favour",
                 "tally_exceeds_attendance": "in_favour"})
async def post_decision(request: web.Request) -> web.StreamResponse:
    question = text(request, "question")
    hands = None
    if text(request, "method") != "count_votes":
        hands = {"in_favour": number(request, "in_favour", "Votes for"),
                 "against": number(request, "against", "Votes against"),
                 "abstentions": number(request, "abstentions", "Abstentions")}
    await motions.put_to_vote(node_of(request), actor_of(request), ident(request), shaped(
        motions.PutToVote, {"amendment": None if question in ("", "motion") else question,
                            "show_of_hands": hands}))
    raise _to_motion(request)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/meetings", meetings_page),
        web.get("/rules", rules_page),
        web.get("/meetings/new", call_page),
        web.post("/meetings/new", post_call),
        web.get("/meetings/{id}", meeting_page),
        web.post("/meetings/{id}/cancel", post_cancel),
        web.post("/meetings/{id}/postpone", post_postpone),
        web.post("/meetings/{id}/correct", post_correct),
        web.get("/meetings/{id}/notices", notices_page),
        web.post("/meetings/{id}/notices", post_notices_passed_on),
        web.get("/meetings/{id}/notices.csv", mail_merge),
        web.post("/meetings/{id}/attendance", post_attendance),
        web.post("/meetings/{id}/minutes", post_minute),
        web.post("/meetings/{id}/approval", post_approval),
        web.post("/meetings/{id}/motions", post_motion),
        web.get("/motions/{id}", motion_page),
        web.post("/motions/{id}/amendments", post_amendment),
        web.post("/motions/{id}/friendly", post_friendly),
        web.post("/motions/{id}/votes", post_vote),
        web.post("/motions/{id}/share", post_share),
        web.post("/motions/{id}/decision", post_decision),
    ]
