"""What a group's officers do about a conference on the network, and what they see.

Each step becomes one signed entry in this node's log; the conference rules
(`procedure/network/conferences.py`) decide on every node whether it stands,
and `procedure/network/conference_review.py` derives what follows: whether
the call stands, entitlements, statuses, the agenda. References carry the seq
of the referenced group's log this node holds now (SM3), so the verdict here
and everywhere else is the same. A motion or amendment from one of the group's
own carried motions is made in `group/conferences.py`, which calls `submit`
and `amend` here with the meeting's decision; so are rule changes and their
amendments (`propose_rule_change`, `amend_rule_change`, C5).
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from icalendar import Calendar, Event

from ..procedure.network.bodies import Bodies
from ..procedure.network.conference_review import (
    CallStatus,
    Review,
    call_status,
    requisitioned,
    review,
    timetable,
)
from ..procedure.network.conferences import Call, Conferences
from ..wire.messages import (
    Adoption,
    ConferenceAmendment,
    ConferenceAppeal,
    ConferenceCall,
    ConferenceConsent,
    ConferenceMotion,
    ConferencePriorities,
    ConferenceRequisition,
    ConferenceRuleChange,
    ConferenceRuleChangeAmendment,
    Constitution,
    Entry,
)
from ..wire.rejection import refuse
from .node import Node

DAY_MS = 86_400_000


def _body(shape: type, fields: dict):
    try:
        return msgspec.convert(fields, shape)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"{shape.__name__}: {error}", 400) from None


def _ref(node: Node, group: str, entry: str) -> dict:
    """A reference to `group`'s entry, with the seq of its log this node holds (SM3)."""
    return {"group": group, "entry": entry, "seen": node.state.head_of(group).seq}


def _conferences(node: Node) -> Conferences:
    return node.state.rules(Conferences)


def call_or_404(node: Node, conference: str) -> Call:
    call = _conferences(node).calls.get(conference)
    if call is None:
        raise refuse("unknown_conference", "K4: no conference with that id is known here", 404)
    return call


def review_or_404(node: Node, conference: str) -> Review:
    call_or_404(node, conference)
    found = review(node.state, conference)
    assert found is not None
    return found


def _decision_ref(node: Node, meeting_id: str, item: int, action: str) -> dict:
    meeting = node.state.rules(Bodies).meetings.get(meeting_id)
    if meeting is None or not 0 <= item < len(meeting.body.items):
        raise refuse("unknown_meeting", "K8: no meeting with that id and item is known here",
                     404)
    if meeting.body.items[item].action != action:
        raise refuse("bad_item", f"K8: item {item} of that meeting is "
                     f"`{meeting.body.items[item].action}`, not `{action}`")
    return {"meeting": _ref(node, meeting.author, meeting.id), "item": item}


# -- calling a conference (K1–K4) ----------------------------------------------------


async def call_first(node: Node, title: str, opens: int, closes: int) -> Entry:
    """Call the first conference (K1)."""
    body = _body(ConferenceCall, {"title": title, "basis": "first", "opens": opens,
                                  "closes": closes, "decision": None, "requisition": None})
    return await node.append("conference.call", body)


async def call_annual(node: Node, meeting_id: str, item: int, closes: int | None = None,
                      title: str | None = None) -> Entry:
    """Publish the conference a `call-conference` decision called (K2), opening when it says."""
    ref = _decision_ref(node, meeting_id, item, "call-conference")
    decided = node.state.rules(Bodies).meetings[meeting_id].body.items[item]
    opens = decided.opens or 0
    body = _body(ConferenceCall, {
        "title": title or decided.text.split("\n", 1)[0][:200] or "Annual conference",
        "basis": "annual", "opens": opens, "closes": closes or opens + 2 * DAY_MS,
        "decision": ref, "requisition": None})
    return await node.append("conference.call", body)


async def call_requisitioned(node: Node, requisition_id: str, closes: int | None = None,
                             title: str | None = None) -> Entry:
    """Call the conference a requisition asked for (K3), on the day it asked for."""
    opener = _conferences(node).requisitions.get(requisition_id)
    if opener is None:
        raise refuse("unknown_requisition", "K3: no requisition with that id is known here",
                     404)
    opens = opener.body.opens
    body = _body(ConferenceCall, {
        "title": title or opener.body.title, "basis": "requisition", "opens": opens,
        "closes": closes or opens + 2 * DAY_MS, "decision": None,
        "requisition": _ref(node, opener.author, opener.id)})
    return await node.append("conference.call", body)


async def call(node: Node, basis: str, *, title: str | None = None, opens: int | None = None,
               closes: int | None = None, meeting: str | None = None, item: int = 0,
               requisition: str | None = None) -> Entry:
    """Call a conference on its ground: the first (`opens`), an annual one from a
    `call-conference` decision (`meeting`, `item`), or a requisitioned one (`requisition`)."""
    if basis == "first":
        if opens is None:
            raise refuse("bad_request", "K1: the first conference's call names the day it "
                         "opens", 400)
        return await call_first(node, title or "First conference", opens,
                                closes or opens + 2 * DAY_MS)
    if basis == "annual":
        if meeting is None:
            raise refuse("bad_request", "K2: an annual call names the meeting and the item "
                         "of the decision that called it", 400)
        return await call_annual(node, meeting, item, closes, title)
    if basis == "requisition":
        if requisition is None:
            raise refuse("bad_request", "K3: a requisitioned call names the requisition", 400)
        return await call_requisitioned(node, requisition, closes, title)
    raise refuse("bad_request", "K4: a conference is called as the first, an annual or a "
                 "requisitioned conference", 400)


async def open_requisition(node: Node, title: str, reason: str, opens: int) -> Entry:
    """Open a requisition of a special conference (K3)."""
    body = _body(ConferenceRequisition, {"title": title, "reason": reason, "opens": opens,
                                         "ref": None})
    return await node.append("conference.requisition", body)


async def support_requisition(node: Node, requisition_id: str, reason: str) -> Entry:
    """Sign another group's requisition, as it was opened (K3)."""
    opener = _conferences(node).requisitions.get(requisition_id)
    if opener is None:
        raise refuse("unknown_requisition", "K3: no requisition with that id is known here",
                     404)
    body = _body(ConferenceRequisition, {
        "title": opener.body.title, "reason": reason, "opens": opener.body.opens,
        "ref": _ref(node, opener.author, opener.id)})
    return await node.append("conference.requisition", body)


# -- the business (K6–K9) -----------------------------------------------------------------


async def submit(node: Node, conference: str, title: str, text: str, subject: str,
                 decision: Adoption, emergency: str = "") -> Entry:
    """Submit a motion the group's meeting carried (K6)."""
    call = call_or_404(node, conference)
    body = _body(ConferenceMotion, {
        "conference": _ref(node, call.author, call.id), "title": title, "text": text,
        "subject": subject, "decision": msgspec.to_builtins(decision),
        "emergency": emergency})
    return await node.append("conference.motion", body)


def motion_or_404(node: Node, motion_id: str):
    motion = _conferences(node).motions.get(motion_id)
    if motion is None:
        raise refuse("unknown_motion", "K7: no conference motion with that id is known here",
                     404)
    return motion


async def amend(node: Node, motion_id: str, text: str, reason: str,
                decision: Adoption) -> Entry:
    """Submit an amendment the group's meeting carried to a conference motion (K7)."""
    motion = motion_or_404(node, motion_id)
    body = _body(ConferenceAmendment, {
        "motion": _ref(node, motion.author, motion.id), "text": text, "reason": reason,
        "decision": msgspec.to_builtins(decision)})
    return await node.append("conference.amendment", body)


async def propose_rule_change(node: Node, conference: str, title: str,
                              constitution: Constitution, reason: str,
                              decision: Adoption) -> Entry:
    """Submit a rule change the group's meeting carried: the whole constitution as it
    would read (C5, K11)."""
    call = call_or_404(node, conference)
    body = _body(ConferenceRuleChange, {
        "conference": _ref(node, call.author, call.id), "title": title,
        "constitution": msgspec.to_builtins(constitution), "reason": reason,
        "decision": msgspec.to_builtins(decision)})
    return await node.append("conference.rule_change", body)


def rule_change_or_404(node: Node, rule_change: str):
    found = _conferences(node).rule_changes.get(rule_change)
    if found is None:
        raise refuse("unknown_rule_change", "K12: no rule change with that id is known here",
                     404)
    return found


async def amend_rule_change(node: Node, rule_change: str, constitution: Constitution,
                            reason: str, decision: Adoption) -> Entry:
    """Submit an amendment the group's meeting carried to a rule change: the whole
    constitution as the rule change would read once amended (C5, K12)."""
    proposal = rule_change_or_404(node, rule_change)
    body = _body(ConferenceRuleChangeAmendment, {
        "rule_change": _ref(node, proposal.author, proposal.id),
        "constitution": msgspec.to_builtins(constitution), "reason": reason,
        "decision": msgspec.to_builtins(decision)})
    return await node.append("conference.rule_change_amendment", body)


def _composite(composite: str) -> tuple[str, int]:
    meeting, _, item = composite.partition(":")
    if not item.isdigit() or not item.isascii():
        raise refuse("not_found", "a composite is named `<meeting id>:<item>`", 404)
    return meeting, int(item)


async def consent(node: Node, composite: str, given: bool) -> Entry:
    """Consent, or refuse consent, to a composite of our motion with others (K8)."""
    meeting, item = _composite(composite)
    body = _body(ConferenceConsent, {
        "composite": _decision_ref(node, meeting, item, "composite"), "consent": given})
    return await node.append("conference.consent", body)


async def appeal(node: Node, ruling: str, reason: str) -> Entry:
    """Appeal against the ruling that put our motion out of order (K8)."""
    meeting, item = _composite(ruling)
    body = _body(ConferenceAppeal, {
        "ruling": _decision_ref(node, meeting, item, "rule-out"), "reason": reason})
    return await node.append("conference.appeal", body)


async def priorities(node: Node, conference: str, choices: list[str]) -> Entry:
    """Cast the group's priorities ballot (K9): the motions it most wants debated."""
    call = call_or_404(node, conference)
    body = _body(ConferencePriorities, {
        "conference": _ref(node, call.author, call.id), "choices": choices})
    return await node.append("conference.priorities", body)


# -- what the pages and the API show --------------------------------------------------------


def _names(node: Node) -> dict[str, str]:
    return {m.node: m.name for m in node.state.members.values()}


def _group(names: dict[str, str], node_id: str) -> dict:
    return {"node": node_id, "name": names.get(node_id, node_id)}


def summary(node: Node, call: Call, status: CallStatus | None = None) -> dict:
    status = status or call_status(node.state, call)
    names = _names(node)
    return {
        "id": call.id, "title": call.body.title, "basis": call.body.basis,
        "called_by": _group(names, call.author), "called_at": call.ts,
        "opens": call.body.opens, "closes": call.body.closes,
        "status": status.status, "reason": status.reason,
    }


def listing(node: Node) -> list[dict]:
    """Every conference called, earliest opening first."""
    calls = sorted(_conferences(node).calls.values(), key=lambda c: (c.body.opens, c.id))
    return [summary(node, call) for call in calls]


DEADLINES = (
    ("rule_changes", "Rule changes' notice"),
    ("rule_change_amendments", "Amendments to rule changes"),
    ("motions", "Motions deadline"),
    ("amendments", "Amendments deadline"),
    ("credentials", "Credentials deadline"),
    ("final_agenda", "Final agenda"),
    ("emergency", "Emergency motions deadline"),
    ("opens", "Conference opens"),
    ("closes", "Conference closes"),
)


def describe(node: Node, conference: str) -> dict:
    """One conference: its call, timetable with what the network has passed, requisition."""
    found = review_or_404(node, conference)
    call = call_or_404(node, conference)
    out = summary(node, call, found.status)
    times = msgspec.to_builtins(found.timetable)
    out["timetable"] = [
        {"name": name, "title": title, "at": times[name], "passed": found.passed[name]}
        for name, title in DEADLINES]
    out["requisition"] = msgspec.to_builtins(found.requisition)
    out["counts"] = {
        "motions": len(found.motions), "amendments": len(found.amendments),
        "credentials": len(found.credentials), "rulings": len(found.rulings),
        "composites": len(found.composites), "appeals": len(found.appeals),
        "ballots": len(found.ballots), "agenda_items": len(found.agenda.items),
        "rule_changes": len(found.rule_changes),
        "rule_change_amendments": len(found.rule_change_amendments)}
    out["agenda_status"] = found.agenda.status
    return out


def entitlements(node: Node, conference: str) -> list[dict]:
    """Each group's committed members, entitlement and standing credential (K5)."""
    found = review_or_404(node, conference)
    names = _names(node)
    standing = {c.group: c for c in found.credentials
                if c.status in ("accepted", "over entitlement")}
    return [{
        "group": _group(names, e.group), "members": e.members, "commitment": e.commitment,
        "entitled": e.delegates,
        "delegates": standing[e.group].delegates if e.group in standing else 0,
        "credential": standing[e.group].entry if e.group in standing else None,
        "credential_status": standing[e.group].status if e.group in standing else None,
    } for e in found.entitlements]


def with_names(node: Node, items: list, *fields: str) -> list[dict]:
    """The derived records as JSON, each group id in `fields` given with its name."""
    names = _names(node)
    out = []
    for item in msgspec.to_builtins(items):
        for field in fields:
            value = item.get(field)
            if isinstance(value, list):
                item[field] = [_group(names, v) for v in value]
            elif isinstance(value, str):
                item[field] = _group(names, value)
        out.append(item)
    return out


def requisitions(node: Node) -> list[dict]:
    """Every requisition opened, with how far it has come (K3)."""
    names = _names(node)
    out = []
    for opener in sorted(_conferences(node).requisitions.values(), key=lambda r: r.ts):
        progress = msgspec.to_builtins(requisitioned(node.state, opener))
        progress["group"] = _group(names, opener.author)
        progress["supporters"] = [_group(names, g) for g in progress["supporters"]]
        out.append(progress)
    return out


def deadlines_ics(node: Node, conference: str, host: str) -> bytes:
    """The conference's timetable as an iCalendar feed (RFC 5545): one event per date."""
    call = call_or_404(node, conference)
    times = msgspec.to_builtins(timetable(node.state.constitution_at(call.ts), call))
    calendar = Calendar()
    calendar.add("prodid", "-//groupnet//conference deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", call.body.title)
    stamp = datetime.fromtimestamp(call.ts / 1000, UTC)
    for name, title in DEADLINES:
        event = Event()
        event.add("uid", f"{call.id}-{name}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{call.body.title}: {title}")
        event.add("dtstart", datetime.fromtimestamp(times[name] / 1000, UTC))
        if name == "opens":
            event.add("dtend", datetime.fromtimestamp(times["closes"] / 1000, UTC))
        event.add("description", f"Conference {call.id} ({call.body.basis}); deadlines are "
                  "judged by witnessed network time (SPEC 5.5).")
        calendar.add_component(event)
    return calendar.to_ical()
