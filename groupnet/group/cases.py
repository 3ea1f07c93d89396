"""Due process: disciplinary cases, step by step, and their effect on the member.

Every step is a transition of `procedure/group/discipline.py`; this module only
fetches what a step needs, records the result and sends the member notice.
Who may take each step:

- officers bring a charge (for themselves or a member who complains), add
  evidence, disclose it, impose an interim suspension, schedule the hearing
  and assign the appeal panel, and record the appeal panel's decision;
- the member concerned replies and appeals (the operator may record a reply
  or an appeal that arrived on paper, but no officer can);
- the hearing panel's decision is recorded by a member of that panel (or the
  operator), never by whoever brought the charge;
- only who brought the charge withdraws it.

The member sees their own case and every disclosed document in it, and how
many items still wait to be disclosed; a member of its hearing panel sees
the case too; officers see every case. A member's status changes only
through `members.apply_due_process` on what a case authorises: at each step,
and when an officer brings the register up to date with a case (`enforce`),
for instance once an appeal window has closed or a suspension has been
served.
"""

from __future__ import annotations

from typing import Annotated

import aiosqlite
import msgspec

from .. import clock
from ..network.node import Node
from ..procedure.group import discipline, members
from ..procedure.group.discipline import AppealBody, AppealOutcome, Case, Outcome, PanelSeat
from ..procedure.group.standing_orders import DAY_MS
from ..store import audit, business, register
from ..wire.rejection import Rejection, or_refuse, refuse
from . import notices, people, rules
from .meetings import AwareTime, MemberId, Text
from .notices import NoticeState
from .people import Actor

KIND = "case"

Reasons = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]


class BringCharge(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A written charge: the member, the rule allegedly broken, and the particulars."""

    member: MemberId
    rule: Annotated[str, msgspec.Meta(max_length=500)]
    particulars: Text
    brought_by: MemberId | None = None


class AddEvidence(msgspec.Struct, forbid_unknown_fields=True):
    """One item of evidence: what it is (its text, or a description of the document) and
    who gives it (their member id, or their name if they are not a member)."""

    description: Text
    given_by: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Reply(msgspec.Struct, forbid_unknown_fields=True):
    text: Text


class InterimSuspension(msgspec.Struct, forbid_unknown_fields=True):
    """Suspend the member from now for `days`, for the reasons given (SO 7.6)."""

    days: Annotated[int, msgspec.Meta(ge=1, le=366)]
    reasons: Reasons


class ScheduleHearing(msgspec.Struct, forbid_unknown_fields=True):
    """The hearing: when, and the panel of members who hear it."""

    at: AwareTime
    panel: Annotated[list[MemberId], msgspec.Meta(min_length=1, max_length=50)]


class Decide(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The hearing panel's written decision."""

    outcome: Outcome
    reasons: Reasons
    suspension_days: Annotated[int, msgspec.Meta(ge=0, le=3660)] = 0
    role: Annotated[str, msgspec.Meta(max_length=100)] = ""


class LodgeAppeal(msgspec.Struct, forbid_unknown_fields=True):
    grounds: Reasons


class Seat(msgspec.Struct, forbid_unknown_fields=True):
    """A seat on the appeal panel: the group (its node id) and the person."""

    group: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    person: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class AssignAppealPanel(msgspec.Struct, forbid_unknown_fields=True):
    body: AppealBody
    panel: Annotated[list[Seat], msgspec.Meta(min_length=1, max_length=50)]


class DecideAppeal(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The appeal panel's written decision. Upheld: the member wins, no action is taken.
    Dismissed: the decision stands. Varied: `varied_to` replaces it (never more severe)."""

    outcome: AppealOutcome
    reasons: Reasons
    varied_to: Outcome | None = None
    suspension_days: Annotated[int, msgspec.Meta(ge=0, le=3660)] = 0
    role: Annotated[str, msgspec.Meta(max_length=100)] = ""


class Withdraw(msgspec.Struct, forbid_unknown_fields=True):
    """Withdraw the charge; `by` is who brought it (officers may record it for them)."""

    by: MemberId | None = None


class CaseNotice(msgspec.Struct, frozen=True):
    """A notice the member was sent in the case, as they received it."""

    subject: str
    body: str
    status: str
    sent_at_ms: int | None


class CaseView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    case: Case
    # items not yet disclosed to the member (their contents are shown to officers and
    # the panel only)
    undisclosed: int
    # what the case makes of the member's status now
    authority: discipline.StatusAuthority
    member_status: str
    notices: list[CaseNotice]
    version: int


class HearingAnswer(msgspec.Struct, frozen=True):
    """`scheduled` is False while the hearing's notice waits to be sent: send it (pass it
    on), then make the same request again."""

    scheduled: bool
    notice: NoticeState
    case: CaseView


def _check(value):
    # refusals of who is asking are 403s; the rest are the rules' 422s
    if isinstance(value, Rejection) and value.code in ("not_the_member", "not_the_complainant"):
        return or_refuse(value, 403)
    return or_refuse(value)


async def load(db: aiosqlite.Connection, ident: int) -> tuple[Case, int]:
    return await business.load(db, KIND, ident, Case)


async def _may_see(db: aiosqlite.Connection, actor: Actor, case: Case) -> bool:
    """Officers and the operator see every case; a member their own, or one they hear."""
    if actor.member_id is None or actor.member_id == case.member_id:
        return True
    if case.hearing is not None and actor.member_id in case.hearing.panel:
        return True
    me = await people.member(db, actor.member_id)
    return members.is_officer(me, await rules.current(db))


async def view(node: Node, actor: Actor, ident: int) -> CaseView:
    db = node.db
    case, version = await load(db, ident)
    if not await _may_see(db, actor, case):
        raise refuse("not_found", f"there is no case {ident} that you may see", 404)
    undisclosed = sum(e.disclosed_at_ms is None for e in case.evidence)
    authority = discipline.status_authority(case, clock.now(node))
    if actor.member_id == case.member_id:
        case = msgspec.structs.replace(case, evidence=tuple(
            e for e in case.evidence if e.disclosed_at_ms is not None))
    member = await people.member(db, case.member_id)
    sent = await notices.about_case(db, ident)
    return CaseView(id=ident, case=case, undisclosed=undisclosed, authority=authority,
                    member_status=member.status,
                    notices=[CaseNotice(n.subject, n.body, n.status, n.sent_at) for n in sent],
                    version=version)


async def listing(db: aiosqlite.Connection, actor: Actor) -> list[dict]:
    return [{"id": ident, "member": c.member_id, "rule": c.charge.rule, "stage": c.stage,
             "charged_at_ms": c.charge.brought_at_ms}
            for ident, c in await business.all_of(db, KIND, Case)
            if await _may_see(db, actor, c)]


async def _enforce(db: aiosqlite.Connection, actor: Actor, ident: int, case: Case, now: int,
                   strict: bool = False) -> None:
    """Bring the member's status and roles in line with what the case authorises now.

    After a step, a member the case can no longer affect (one who resigned) leaves
    the step standing; asked for directly (`strict`), the refusal is the answer.
    """
    member, version = await register.load(db, case.member_id)
    updated = members.apply_due_process(member, case, now)
    if isinstance(updated, Rejection) and strict:
        _check(updated)
    if isinstance(updated, Rejection) or updated == member:
        return
    await register.save(db, updated, version, actor.audit, now)
    await audit.record(db, actor.audit, "member.due_process", f"member:{member.member_id}", {
        "case": ident, "from": member.status, "to": updated.status,
        "roles_removed": sorted(set(member.roles) - set(updated.roles)),
        "reason": updated.history[-1].reason if updated.status != member.status else "",
    }, now)


async def _save(db: aiosqlite.Connection, actor: Actor, ident: int, case: Case,
                version: int | None, action: str, detail: dict, now: int) -> None:
    """Save a step's result with its audit row; the member's status follows the case."""
    await business.save(db, KIND, ident, case, version, now)
    await audit.record(db, actor.audit, f"case.{action}", f"{KIND}:{ident}",
                       {"stage": case.stage, **detail}, now)
    await _enforce(db, actor, ident, case, now)


async def _notify(node: Node, actor: Actor, ident: int, case: Case, subject: str,
                  body: str) -> None:
    await notices.to_member(node, actor, case.member_id, notices.case_subject(ident),
                            f"{subject} (case {ident})", body)


async def charge(node: Node, actor: Actor, request: BringCharge) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        orders = await rules.current(db)
        accuser = await people.acting_for(db, actor, request.brought_by, orders,
                                          "brings the charge")
        member = await people.member(db, request.member)
        ident = await business.next_id(db, KIND)
        case = _check(discipline.bring_charge(str(ident), node.id, member.member_id,
                                              request.rule, request.particulars,
                                              accuser.member_id, now, orders.due_process()))
        await _save(db, actor, ident, case, None, "charged",
                    {"member": member.member_id, "rule": case.charge.rule,
                     "brought_by": accuser.member_id}, now)
    windows = case.rules
    await _notify(node, actor, ident, case, "A charge has been brought against you",
                  f"A written charge has been brought against you by {accuser.name}.\n\n"
                  f"Rule allegedly broken: {case.charge.rule}\n\n"
                  f"Particulars:\n{case.charge.particulars}\n\n"
                  "All the evidence will be disclosed to you before any hearing. You may reply "
                  f"within {windows.reply_window_days} days of its disclosure; you will have "
                  f"{windows.hearing_notice_days} days' notice of the hearing, and you may "
                  f"appeal a decision within {windows.appeal_window_days} days.\n")
    return await view(node, actor, ident)


async def add_evidence(node: Node, actor: Actor, ident: int, request: AddEvidence) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        item_id = str(len(case.evidence) + 1)
        updated = _check(discipline.add_evidence(case, item_id, request.description,
                                                 request.given_by, now))
        await _save(db, actor, ident, updated, version, "evidence_added",
                    {"item": item_id, "given_by": request.given_by}, now)
    return await view(node, actor, ident)


async def disclose(node: Node, actor: Actor, ident: int) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        updated = _check(discipline.disclose(case, now))
        waiting = {e.item_id for e in case.evidence if e.disclosed_at_ms is None}
        await _save(db, actor, ident, updated, version, "disclosed",
                    {"items": sorted(waiting, key=int)}, now)
    items = "\n\n".join(f"Item {e.item_id}, given by {e.given_by}:\n{e.description}"
                         for e in updated.evidence if e.item_id in waiting)
    await _notify(node, actor, ident, updated, "Evidence disclosed to you",
                  f"This evidence in your case is now disclosed to you:\n\n{items}\n\n"
                  f"You may reply within {updated.rules.reply_window_days} days from now. "
                  "No hearing can be held before then unless you reply sooner.\n")
    return await view(node, actor, ident)


async def reply(node: Node, actor: Actor, ident: int, request: Reply) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        member_id = actor.member_id or case.member_id  # the operator records a paper reply
        updated = _check(discipline.reply(case, member_id, request.text, now))
        await _save(db, actor, ident, updated, version, "replied",
                    {"length": len(request.text)}, now)
    return await view(node, actor, ident)


async def suspend(node: Node, actor: Actor, ident: int,
                  request: InterimSuspension) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        until = now + request.days * DAY_MS
        updated = _check(discipline.suspend_interim(case, now, until, request.reasons,
                                                    actor.member_id or actor.audit, now))
        await _save(db, actor, ident, updated, version, "suspended_interim",
                    {"until_ms": until, "reasons": request.reasons}, now)
    await _notify(node, actor, ident, updated, "You are suspended while your case is heard",
                  f"You are suspended from now until {notices.when(node, until)}, while the charge "
                  f"against you is heard, for these reasons:\n\n{request.reasons}\n\n"
                  "The suspension ends by itself then, or sooner if the charge is withdrawn "
                  "or the panel decides on no action or a warning.\n")
    return await view(node, actor, ident)


async def schedule_hearing(node: Node, actor: Actor, ident: int,
                           request: ScheduleHearing) -> HearingAnswer:
    """SO 7.2: the hearing's notice period counts from when its notice was sent, so the
    notice goes out first and the hearing is scheduled once it has been sent."""
    at = int(request.at.timestamp() * 1000)
    panel = tuple(dict.fromkeys(request.panel))
    related = notices.hearing_subject(ident, at)
    async with node.transaction() as db:
        now = clock.now(node)
        case, _ = await load(db, ident)
        await people.members(db, panel)
        # Checked as if the notice went out now, before anyone is sent it.
        _check(discipline.schedule_hearing(case, at, now, panel, now))
    notice = await notices.state(node.db, related)
    if notice.recipients == 0:
        panel_names = ", ".join(m.name for m in (await people.members(node.db, panel)).values())
        notice = await notices.to_member(
            node, actor, case.member_id, related, f"Notice of your hearing (case {ident})",
            f"The charge against you will be heard on {notices.when(node, at)} by a panel of "
            f"{panel_names}, none of whom brought the charge or gave evidence.\n\n"
            "You may attend, speak, and be accompanied by a member of your choice.\n")
    if notice.sent_at_ms is None:
        return HearingAnswer(False, notice, await view(node, actor, ident))
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        updated = _check(discipline.schedule_hearing(case, at, notice.sent_at_ms, panel, now))
        await _save(db, actor, ident, updated, version, "hearing_scheduled",
                    {"at_ms": at, "panel": list(updated.hearing.panel if updated.hearing else ()),
                     "notice_sent_at_ms": notice.sent_at_ms}, now)
    return HearingAnswer(True, notice, await view(node, actor, ident))


async def decide(node: Node, actor: Actor, ident: int, request: Decide) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        if (case.hearing is not None and actor.member_id is not None
                and actor.member_id not in case.hearing.panel):
            raise refuse("not_on_panel",
                         "standing order 7.3: the decision is the hearing panel's; only a member "
                         "of the panel records it", 403)
        updated = _check(discipline.decide(case, request.outcome, request.reasons, now,
                                           request.suspension_days, request.role))
        await _save(db, actor, ident, updated, version, "decided",
                    {"outcome": request.outcome, "suspension_days": request.suspension_days,
                     "role": request.role}, now)
    await _notify(node, actor, ident, updated, "The panel's decision in your case",
                  f"The hearing panel decided: {request.outcome.replace('_', ' ')}"
                  f"{f' for {request.suspension_days} days' if request.suspension_days else ''}"
                  f"{f' (as {request.role})' if request.role else ''}.\n\n"
                  f"Its reasons:\n{request.reasons}\n\n"
                  "Nothing takes effect until the decision is final. You may appeal within "
                  f"{updated.rules.appeal_window_days} days; the appeal is heard by a "
                  f"{updated.rules.appeal_body.replace('_', ' ')}.\n")
    return await view(node, actor, ident)


async def appeal(node: Node, actor: Actor, ident: int, request: LodgeAppeal) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        member_id = actor.member_id or case.member_id  # the operator records a paper appeal
        updated = _check(discipline.appeal(case, member_id, request.grounds, now))
        await _save(db, actor, ident, updated, version, "appealed",
                    {"length": len(request.grounds)}, now)
    return await view(node, actor, ident)


async def assign_appeal_panel(node: Node, actor: Actor, ident: int,
                              request: AssignAppealPanel) -> CaseView:
    if request.body == "network_panel":
        unknown = sorted({s.group for s in request.panel if s.group != node.id
                          and not node.state.is_member(s.group)})
        if unknown:
            raise refuse("unknown_group",
                         "standing order 7.5: the appeal panel is drawn from groups of the "
                         f"network; {', '.join(unknown)} is not an admitted group")
    seats = tuple(PanelSeat(s.group, s.person) for s in request.panel)
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        updated = _check(discipline.assign_appeal_panel(case, request.body, seats, now))
        await _save(db, actor, ident, updated, version, "appeal_panel_assigned",
                    {"body": request.body, "panel": msgspec.to_builtins(seats)}, now)
    return await view(node, actor, ident)


async def decide_appeal(node: Node, actor: Actor, ident: int, request: DecideAppeal) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        case, version = await load(db, ident)
        updated = _check(discipline.decide_appeal(case, request.outcome, request.reasons, now,
                                                  request.varied_to, request.suspension_days,
                                                  request.role))
        await _save(db, actor, ident, updated, version, "appeal_decided",
                    {"outcome": request.outcome, "varied_to": request.varied_to}, now)
    final = discipline.final_decision(updated, now)
    outcome = final[0].outcome.replace("_", " ") if final else ""
    await _notify(node, actor, ident, updated, "The decision on your appeal",
                  f"The appeal panel {request.outcome} your appeal. The final decision in your "
                  f"case is: {outcome}.\n\nIts reasons:\n{request.reasons}\n")
    return await view(node, actor, ident)


async def withdraw(node: Node, actor: Actor, ident: int, request: Withdraw) -> CaseView:
    async with node.transaction() as db:
        now = clock.now(node)
        orders = await rules.current(db)
        by = await people.acting_for(db, actor, request.by, orders, "brought the charge")
        case, version = await load(db, ident)
        updated = _check(discipline.withdraw(case, by.member_id, now))
        await _save(db, actor, ident, updated, version, "withdrawn", {"by": by.member_id}, now)
    await _notify(node, actor, ident, updated, "The charge against you is withdrawn",
                  "The charge against you has been withdrawn; the case is closed.\n")
    return await view(node, actor, ident)


async def enforce(node: Node, actor: Actor, ident: int) -> CaseView:
    """Bring the member's status in line with what the case authorises now: after the appeal
    window closes, once a suspension has been served, when an interim suspension lapses."""
    async with node.transaction() as db:
        now = clock.now(node)
        case, _ = await load(db, ident)
        await _enforce(db, actor, ident, case, now, strict=True)
    return await view(node, actor, ident)
