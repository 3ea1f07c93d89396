"""The group's own business in the client API: rules, meetings, motions, delegates, cases.

Each handler reads the request, names the actor and calls `groupnet.group`;
the procedure code decides. The roles here are the first gate; the business
layer then checks what only it can know (that a member acts for themselves,
that the one recording a decision sits on the panel, and so on).
"""

from __future__ import annotations

from aiohttp import web

from ... import clock
from ...group import cases, elections, meetings, motions, notices, rules
from ...group.people import Actor
from ..auth import require
from .endpoints import Endpoint, Query, ident, json, node_of, query, read_body

MEMBER = ("member",)
OFFICER = ("officer",)
PROCEEDINGS = ("chair", "secretary")


def actor_of(request: web.Request) -> Actor:
    caller = require(request)
    return Actor(caller.actor(), caller.member_id)


# -- rules ---------------------------------------------------------------------------


async def get_rules(request: web.Request) -> web.Response:
    return json(await rules.view(node_of(request).db))


# -- meetings ------------------------------------------------------------------------


async def list_meetings(request: web.Request) -> web.Response:
    return json({"meetings": await meetings.listing(node_of(request).db,
                                                      clock.now(node_of(request)))})


async def post_meeting(request: web.Request) -> web.Response:
    body = await read_body(request, meetings.CallMeeting)
    return json(await meetings.call(node_of(request), actor_of(request), body), 201)


async def get_meeting(request: web.Request) -> web.Response:
    node = node_of(request)
    return json(await meetings.view(node.db, ident(request), clock.now(node)))


async def post_attendance(request: web.Request) -> web.Response:
    body = await read_body(request, meetings.RecordAttendance)
    return json(await meetings.attend(node_of(request), actor_of(request), ident(request), body))


async def post_minute(request: web.Request) -> web.Response:
    body = await read_body(request, meetings.RecordMinute)
    return json(await meetings.minute(node_of(request), actor_of(request), ident(request), body))


async def post_approval(request: web.Request) -> web.Response:
    body = await read_body(request, meetings.ApproveMinutes)
    return json(await meetings.approve(node_of(request), actor_of(request), ident(request),
                                       body))


async def post_cancellation(request: web.Request) -> web.Response:
    body = await read_body(request, meetings.CancelMeeting)
    return json(await meetings.cancel(node_of(request), actor_of(request), ident(request), body))


async def post_postponement(request: web.Request) -> web.Response:
    body = await read_body(request, meetings.PostponeMeeting)
    return json(await meetings.postpone(node_of(request), actor_of(request), ident(request),
                                        body))


async def post_correction(request: web.Request) -> web.Response:
    body = await read_body(request, meetings.CorrectMeeting)
    return json(await meetings.correct(node_of(request), actor_of(request), ident(request),
                                       body))


async def get_meeting_notices(request: web.Request) -> web.Response:
    node = node_of(request)
    number = ident(request)
    await meetings.load(node.db, number)  # 404 for a meeting that is not there
    return json({"notices": await notices.waiting_for_meeting(node.db, number)})


async def post_meeting_notices_passed_on(request: web.Request) -> web.Response:
    return json(await notices.pass_on_meeting(node_of(request), actor_of(request),
                                              ident(request)))


async def get_mail_merge(request: web.Request) -> web.Response:
    node = node_of(request)
    number = ident(request)
    await meetings.load(node.db, number)
    text = await notices.mail_merge(node, actor_of(request), number)
    return web.Response(text=text, content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="meeting-{number}-notices.csv"'})


# -- motions -------------------------------------------------------------------------


async def post_motion(request: web.Request) -> web.Response:
    body = await read_body(request, motions.SubmitMotion)
    return json(await motions.submit(node_of(request), actor_of(request), ident(request), body),
                201)


async def list_motions(request: web.Request) -> web.Response:
    meeting = query(request, "meeting", None)
    return json({"motions": await motions.listing(node_of(request).db, meeting)})


async def get_motion(request: web.Request) -> web.Response:
    return json(await motions.view(node_of(request).db, ident(request)))


async def post_amendment(request: web.Request) -> web.Response:
    body = await read_body(request, motions.ProposeAmendment)
    return json(await motions.amend(node_of(request), actor_of(request), ident(request), body),
                201)


async def post_friendly(request: web.Request) -> web.Response:
    body = await read_body(request, motions.AcceptFriendly)
    return json(await motions.accept_friendly(node_of(request), actor_of(request),
                                              ident(request), request.match_info["amendment"],
                                              body))


async def post_vote(request: web.Request) -> web.Response:
    body = await read_body(request, motions.CastVote)
    return json(await motions.cast_vote(node_of(request), actor_of(request), ident(request),
                                        body))


async def post_decision(request: web.Request) -> web.Response:
    body = await read_body(request, motions.PutToVote)
    return json(await motions.put_to_vote(node_of(request), actor_of(request), ident(request),
                                          body))


# -- delegates -----------------------------------------------------------------------


async def post_election(request: web.Request) -> web.Response:
    body = await read_body(request, elections.OpenElection)
    return json(await elections.open_election(node_of(request), actor_of(request),
                                              ident(request), body), 201)


async def list_elections(request: web.Request) -> web.Response:
    return json({"elections": await elections.listing(node_of(request).db)})


async def get_election(request: web.Request) -> web.Response:
    return json(await elections.view(node_of(request).db, ident(request)))


async def post_nomination(request: web.Request) -> web.Response:
    body = await read_body(request, elections.Nominate)
    return json(await elections.nominate(node_of(request), actor_of(request), ident(request),
                                         body), 201)


async def post_acceptance(request: web.Request) -> web.Response:
    body = await read_body(request, elections.AcceptNomination)
    return json(await elections.accept(node_of(request), actor_of(request), ident(request),
                                       request.match_info["candidate"], body))


async def post_ballot(request: web.Request) -> web.Response:
    body = await read_body(request, elections.CastBallot)
    return json(await elections.cast_ballot(node_of(request), actor_of(request), ident(request),
                                            body))


async def post_count(request: web.Request) -> web.Response:
    return json(await elections.count(node_of(request), actor_of(request), ident(request)))


async def post_credential(request: web.Request) -> web.Response:
    return json(await elections.publish(node_of(request), actor_of(request), ident(request)),
                201)


# -- due process ---------------------------------------------------------------------


async def list_cases(request: web.Request) -> web.Response:
    return json({"cases": await cases.listing(node_of(request).db, actor_of(request))})


async def post_case(request: web.Request) -> web.Response:
    body = await read_body(request, cases.BringCharge)
    return json(await cases.charge(node_of(request), actor_of(request), body), 201)


async def get_case(request: web.Request) -> web.Response:
    return json(await cases.view(node_of(request), actor_of(request), ident(request)))


async def post_evidence(request: web.Request) -> web.Response:
    body = await read_body(request, cases.AddEvidence)
    return json(await cases.add_evidence(node_of(request), actor_of(request), ident(request),
                                         body))


async def post_disclosure(request: web.Request) -> web.Response:
    return json(await cases.disclose(node_of(request), actor_of(request), ident(request)))


async def post_reply(request: web.Request) -> web.Response:
    body = await read_body(request, cases.Reply)
    return json(await cases.reply(node_of(request), actor_of(request), ident(request), body))


async def post_interim(request: web.Request) -> web.Response:
    body = await read_body(request, cases.InterimSuspension)
    return json(await cases.suspend(node_of(request), actor_of(request), ident(request), body))


async def post_hearing(request: web.Request) -> web.Response:
    body = await read_body(request, cases.ScheduleHearing)
    answer = await cases.schedule_hearing(node_of(request), actor_of(request), ident(request),
                                          body)
    return json(answer, 200 if answer.scheduled else 202)


async def post_case_decision(request: web.Request) -> web.Response:
    body = await read_body(request, cases.Decide)
    return json(await cases.decide(node_of(request), actor_of(request), ident(request), body))


async def post_appeal(request: web.Request) -> web.Response:
    body = await read_body(request, cases.LodgeAppeal)
    return json(await cases.appeal(node_of(request), actor_of(request), ident(request), body))


async def post_appeal_panel(request: web.Request) -> web.Response:
    body = await read_body(request, cases.AssignAppealPanel)
    return json(await cases.assign_appeal_panel(node_of(request), actor_of(request),
                                                ident(request), body))


async def post_appeal_decision(request: web.Request) -> web.Response:
    body = await read_body(request, cases.DecideAppeal)
    return json(await cases.decide_appeal(node_of(request), actor_of(request), ident(request),
                                          body))


async def post_withdrawal(request: web.Request) -> web.Response:
    body = await read_body(request, cases.Withdraw)
    return json(await cases.withdraw(node_of(request), actor_of(request), ident(request), body))


async def post_enforcement(request: web.Request) -> web.Response:
    return json(await cases.enforce(node_of(request), actor_of(request), ident(request)))


ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/v1/rules",
             "The group's standing orders in force, as data and as numbered lines; they change "
             "only by a carried rule-change motion", MEMBER, get_rules,
             response=rules.RulesView),
    Endpoint("GET", "/api/v1/meetings", "Every meeting called", MEMBER, list_meetings),
    Endpoint("POST", "/api/v1/meetings",
             "Call a meeting: its notice goes to everyone entitled to attend, now",
             OFFICER, post_meeting, meetings.CallMeeting,
             answers=(201,), response=meetings.MeetingView),
    Endpoint("GET", "/api/v1/meetings/{id}",
             "A meeting: notice given, attendance, quorum, which decisions it may take and why "
             "not, minutes, motions, elections", MEMBER, get_meeting,
             response=meetings.MeetingView, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/cancellation",
             "Cancel a meeting before it starts, with the reason; everyone entitled to attend "
             "is told", OFFICER, post_cancellation, meetings.CancelMeeting,
             response=meetings.MeetingView, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/postponement",
             "Postpone a meeting to a later time, with the reason: the notice of the new time "
             "goes out now and notice counts from it", OFFICER, post_postponement,
             meetings.PostponeMeeting, response=meetings.MeetingView, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/correction",
             "Correct a meeting's place, link or agenda before it starts, with the reason; "
             "everyone entitled to attend is told", OFFICER, post_correction,
             meetings.CorrectMeeting, response=meetings.MeetingView, numbered=("id",)),
    Endpoint("GET", "/api/v1/meetings/{id}/notices",
             "The meeting's notices nobody has sent yet (its call, and any change)", OFFICER,
             get_meeting_notices, numbered=("id",)),
    Endpoint("GET", "/api/v1/meetings/{id}/notices/mail-merge",
             "The meeting's unsent notices as a mail-merge CSV: names, contact details, "
             "subject and text (audited)", OFFICER, get_mail_merge, response=str,
             numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/notices/passed-on",
             "Record that an officer passed on every unsent notice of the meeting by hand: "
             "they count as sent now", OFFICER, post_meeting_notices_passed_on,
             response=notices.NoticeState, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/attendance", "Record members present",
             PROCEEDINGS, post_attendance, meetings.RecordAttendance,
             response=meetings.MeetingView, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/minutes",
             "Record a minute, or a correction of one (minutes are never edited)",
             PROCEEDINGS, post_minute, meetings.RecordMinute,
             response=meetings.MeetingView, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/minutes/approval",
             "Approve this meeting's minutes at a later meeting; they are then locked",
             PROCEEDINGS, post_approval, meetings.ApproveMinutes,
             response=meetings.MeetingView, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/motions",
             "Submit a motion (or a rule change, or a mandate) for the meeting, with notice",
             MEMBER, post_motion, motions.SubmitMotion,
             answers=(201,), response=motions.MotionView, numbered=("id",)),
    Endpoint("GET", "/api/v1/motions", "Motions, optionally of one meeting", MEMBER,
             list_motions, None, (Query("meeting", "integer", 1),)),
    Endpoint("GET", "/api/v1/motions/{id}",
             "A motion: amendments as diffs, counterposed motions, votes cast, result",
             MEMBER, get_motion,
             response=motions.MotionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/motions/{id}/amendments", "Move an amendment (the whole new text)",
             MEMBER, post_amendment, motions.ProposeAmendment,
             answers=(201,), response=motions.MotionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/motions/{id}/amendments/{amendment}/friendly",
             "The motion's mover accepts an amendment as friendly", MEMBER, post_friendly,
             motions.AcceptFriendly,
             response=motions.MotionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/motions/{id}/votes",
             "Cast your own vote on the motion or an amendment (attending members)", MEMBER,
             post_vote, motions.CastVote,
             response=motions.MotionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/motions/{id}/decision",
             "Put the question: a count of hands, or count the votes cast; the outcome is "
             "computed from the rules", PROCEEDINGS, post_decision, motions.PutToVote,
             response=motions.MotionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/meetings/{id}/elections",
             "Open an election of delegates to a conference at this meeting", OFFICER,
             post_election, elections.OpenElection,
             answers=(201,), response=elections.ElectionView, numbered=("id",)),
    Endpoint("GET", "/api/v1/elections", "Elections of delegates", MEMBER, list_elections),
    Endpoint("GET", "/api/v1/elections/{id}",
             "An election: nominations, ballots cast, result, mandates, publications", MEMBER,
             get_election,
             response=elections.ElectionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/elections/{id}/nominations", "Nominate a member", MEMBER,
             post_nomination, elections.Nominate,
             answers=(201,), response=elections.ElectionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/elections/{id}/nominations/{candidate}/acceptance",
             "The nominee accepts (with attributes a balance rule looks at)", MEMBER,
             post_acceptance, elections.AcceptNomination,
             response=elections.ElectionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/elections/{id}/ballots",
             "Cast an approval ballot (your own; a teller may enter a paper ballot)", MEMBER,
             post_ballot, elections.CastBallot,
             response=elections.ElectionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/elections/{id}/count",
             "Count the ballots: the result, with the balance rule and a lot for ties",
             PROCEEDINGS, post_count,
             response=elections.ElectionView, numbered=("id",)),
    Endpoint("POST", "/api/v1/elections/{id}/credential",
             "Publish the delegates and their mandates as a signed delegate.credential",
             OFFICER, post_credential,
             answers=(201,), response=elections.ElectionView, numbered=("id",)),
    Endpoint("GET", "/api/v1/cases",
             "Due-process cases: officers see all; a member their own and those they hear",
             MEMBER, list_cases),
    Endpoint("POST", "/api/v1/cases",
             "Bring a written charge naming the rule allegedly broken (opens a case)",
             OFFICER, post_case, cases.BringCharge,
             answers=(201,), response=cases.CaseView),
    Endpoint("GET", "/api/v1/cases/{id}",
             "A case and every document in it (the member's own, the panel's, or an officer)",
             MEMBER, get_case,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/evidence", "Add an item of evidence", OFFICER,
             post_evidence, cases.AddEvidence,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/disclosure",
             "Disclose every undisclosed item to the member (the reply window starts)",
             OFFICER, post_disclosure,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/reply", "The member's reply to the charge", MEMBER,
             post_reply, cases.Reply,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/interim-suspension",
             "Suspend the member until the case is decided: time-limited, with reasons",
             OFFICER, post_interim, cases.InterimSuspension,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/hearing",
             "Schedule the hearing and its panel (conflicts checked); 202 while its notice "
             "waits to be sent", OFFICER, post_hearing, cases.ScheduleHearing,
             answers=(200, 202), response=cases.HearingAnswer, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/decision",
             "The hearing panel's written decision (recorded by a member of the panel)",
             MEMBER, post_case_decision, cases.Decide,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/appeal", "The member appeals the decision", MEMBER,
             post_appeal, cases.LodgeAppeal,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/appeal-panel",
             "Assign the appeal to a different body (by default a panel of other groups)",
             OFFICER, post_appeal_panel, cases.AssignAppealPanel,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/appeal-decision",
             "Record the appeal panel's written decision", OFFICER, post_appeal_decision,
             cases.DecideAppeal,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/withdrawal",
             "Withdraw the charge (only who brought it)", MEMBER, post_withdrawal,
             cases.Withdraw,
             response=cases.CaseView, numbered=("id",)),
    Endpoint("POST", "/api/v1/cases/{id}/enforcement",
             "Bring the member's status in line with what the case authorises now", OFFICER,
             post_enforcement,
             response=cases.CaseView, numbered=("id",)),
]
