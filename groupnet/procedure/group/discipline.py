"""Due process: the only road to suspending, expelling or removing a member from office.

In the background story members were expelled with no evidence and no appeal.
These rules make that impossible in a group running groupnet (standing orders
Part 7; the numbers below are the ones `standing_orders.NUMBERS` gives them):

1. A case starts with a written charge that names the rule allegedly broken,
   the particulars, and who brings it. There is no other way to open one.
2. Every item of evidence is disclosed to the member, with the time it was
   disclosed. A hearing cannot be scheduled, and no decision taken, while any
   item is undisclosed. New evidence disclosed later vacates a scheduled
   hearing and restarts the reply window.
3. SO 7.1: the member may reply within the reply window (default 14 days),
   counted from the last disclosure. No hearing is held and no decision taken
   before it closes, unless the member has already replied.
4. SO 7.2, 7.3: the hearing is notified at least 7 days ahead and heard by a
   panel of at least 3 people, none of whom brought the charge, gave evidence,
   or is the member (code `conflict_of_interest`).
5. The panel gives a written decision with reasons: no action, a warning,
   suspension for a number of days, removal from an office, or expulsion.
6. SO 7.4, 7.5: the member may appeal within the appeal window (default 14
   days), to a different body: by default a panel drawn from other groups of
   the network; nobody from the first panel and nobody involved in the charge
   may sit on it. The appeal is upheld (the member wins: the decision is
   overturned and no action is taken), dismissed (the decision stands), or
   varied (replaced by a decision that is no more severe).
7. A decision takes effect only once it is final: when the appeal window has
   closed with no appeal, or when the appeal is decided. A suspension's days
   run from then.
8. SO 7.6: before a decision, the member may be suspended in the interim only
   with recorded reasons, once per case, for at most 28 days; it lapses by
   itself at its end time.

A case keeps the Part 7 orders in force when it was charged (`Case.rules`):
a rule change carried mid-case cannot shorten that member's windows.
Every step is a row in `TRANSITIONS`; anything else is refused with
`out_of_order`. Every step's time must not be earlier than the step before.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from ...wire.rejection import Rejection
from .standing_orders import DAY_MS, AppealBody, DueProcessOrders, hours

Outcome = Literal["no_action", "warning", "removal_from_office", "suspension", "expulsion"]
AppealOutcome = Literal["upheld", "dismissed", "varied"]
Stage = Literal[
    "charged", "disclosed", "replied", "hearing_scheduled", "decided",
    "appealed", "appeal_panel_assigned", "appeal_decided", "withdrawn",
]
Action = Literal[
    "add_evidence", "disclose", "reply", "suspend_interim", "schedule_hearing",
    "decide", "withdraw", "appeal", "assign_appeal_panel", "decide_appeal",
]

# Least to most severe: an appeal may vary a decision only down this list.
SEVERITY: tuple[Outcome, ...] = (
    "no_action", "warning", "removal_from_office", "suspension", "expulsion",
)

_BEFORE_DECISION: tuple[Stage, ...] = ("charged", "disclosed", "replied", "hearing_scheduled")

# (action, stage it is taken in) -> stage it leads to.
TRANSITIONS: dict[tuple[Action, Stage], Stage] = {
    **{("add_evidence", s): s for s in _BEFORE_DECISION},
    **{("disclose", s): "disclosed" for s in _BEFORE_DECISION},
    ("reply", "disclosed"): "replied",
    ("reply", "replied"): "replied",
    ("reply", "hearing_scheduled"): "hearing_scheduled",
    **{("suspend_interim", s): s for s in _BEFORE_DECISION},
    ("schedule_hearing", "disclosed"): "hearing_scheduled",
    ("schedule_hearing", "replied"): "hearing_scheduled",
    ("decide", "hearing_scheduled"): "decided",
    **{("withdraw", s): "withdrawn" for s in _BEFORE_DECISION},
    ("appeal", "decided"): "appealed",
    ("assign_appeal_panel", "appealed"): "appeal_panel_assigned",
    ("decide_appeal", "appeal_panel_assigned"): "appeal_decided",
}

# What each step must come after, for the `out_of_order` sentence.
_PRECONDITION: dict[Action, str] = {
    "add_evidence": "evidence can be added only before a decision",
    "disclose": "evidence can be disclosed only before a decision",
    "reply": "the member replies after the evidence is disclosed and before the decision",
    "suspend_interim": "an interim suspension can only be imposed in an open case before "
    "its decision",
    "schedule_hearing": "a hearing can only be scheduled after the evidence is disclosed",
    "decide": "a decision can only follow a hearing scheduled with notice",
    "withdraw": "a charge can be withdrawn only before the decision",
    "appeal": "an appeal can only be lodged against a decision, once",
    "assign_appeal_panel": "an appeal panel can only be assigned to a lodged appeal",
    "decide_appeal": "an appeal can only be decided by its assigned panel",
}


class Charge(msgspec.Struct, frozen=True):
    rule: str
    particulars: str
    brought_by: str
    brought_at_ms: int


class EvidenceItem(msgspec.Struct, frozen=True):
    item_id: str
    description: str
    given_by: str
    added_at_ms: int
    disclosed_at_ms: int | None = None


class Reply(msgspec.Struct, frozen=True):
    text: str
    at_ms: int


class Hearing(msgspec.Struct, frozen=True):
    at_ms: int
    notice_sent_at_ms: int
    panel: tuple[str, ...]


class Decision(msgspec.Struct, frozen=True):
    outcome: Outcome
    reasons: str
    decided_at_ms: int
    suspension_days: int = 0
    role: str = ""


class InterimSuspension(msgspec.Struct, frozen=True):
    from_ms: int
    until_ms: int
    reasons: str
    decided_by: str


class PanelSeat(msgspec.Struct, frozen=True):
    group_id: str
    person_id: str


class Appeal(msgspec.Struct, frozen=True):
    grounds: str
    lodged_at_ms: int
    body: AppealBody | None = None
    panel: tuple[PanelSeat, ...] = ()
    outcome: AppealOutcome | None = None
    reasons: str = ""
    decided_at_ms: int | None = None
    varied_to: Decision | None = None


class Case(msgspec.Struct, frozen=True, kw_only=True):
    case_id: str
    group_id: str
    member_id: str
    rules: DueProcessOrders
    charge: Charge
    stage: Stage = "charged"
    last_step_ms: int
    evidence: tuple[EvidenceItem, ...] = ()
    replies: tuple[Reply, ...] = ()
    hearing: Hearing | None = None
    decision: Decision | None = None
    interim: InterimSuspension | None = None
    appeal: Appeal | None = None
    withdrawn_at_ms: int | None = None


class StatusAuthority(msgspec.Struct, frozen=True):
    """What a case authorises for the member's status at a given time."""

    member_id: str
    status: Literal["active", "suspended", "expelled"]
    until_ms: int | None
    remove_role: str
    reason: str
    reference: str


def reference(case: Case) -> str:
    """How member history entries name this case in `decided_by`."""
    return f"case:{case.case_id}"


def _step(case: Case, action: Action, at_ms: int) -> Stage | Rejection:
    stage = TRANSITIONS.get((action, case.stage))
    if stage is None:
        return Rejection("out_of_order",
                         f"standing order 7 (due process): {_PRECONDITION[action]}; "
                         f"this case is at '{case.stage}'")
    if at_ms < case.last_step_ms:
        return Rejection("out_of_order",
                         "standing order 7 (due process): each step of a case is recorded in "
                         "order; this one is dated before the previous step")
    return stage


def _involved(case: Case) -> set[str]:
    return {case.charge.brought_by, case.member_id} | {e.given_by for e in case.evidence}


def reply_window_closes(case: Case) -> int:
    """When the member's time to reply ends: the reply window from the last disclosure."""
    last = max((e.disclosed_at_ms or 0) for e in case.evidence)
    return last + case.rules.reply_window_days * DAY_MS


def _replied_since_last_disclosure(case: Case) -> bool:
    last = max((e.disclosed_at_ms or 0) for e in case.evidence)
    return any(r.at_ms >= last for r in case.replies)


def bring_charge(case_id: str, group_id: str, member_id: str, rule: str, particulars: str,
                 brought_by: str, at_ms: int, rules: DueProcessOrders) -> Case | Rejection:
    """Open a case: the first and only way into due process."""
    if not (rule.strip() and particulars.strip() and brought_by.strip()):
        return Rejection("charge_incomplete",
                         "standing order 7 (due process): a charge is written, names the rule "
                         "allegedly broken, gives the particulars, and names who brings it")
    if brought_by == member_id:
        return Rejection("charge_incomplete",
                         "standing order 7 (due process): a member cannot bring a charge "
                         "against themselves")
    return Case(case_id=case_id, group_id=group_id, member_id=member_id, rules=rules,
                charge=Charge(rule, particulars, brought_by, at_ms), last_step_ms=at_ms)


def add_evidence(case: Case, item_id: str, description: str, given_by: str,
                 at_ms: int) -> Case | Rejection:
    stage = _step(case, "add_evidence", at_ms)
    if isinstance(stage, Rejection):
        return stage
    if not (description.strip() and given_by.strip()):
        return Rejection("evidence_incomplete",
                         "standing order 7 (due process): each item of evidence says what it "
                         "is and who gives it")
    if any(e.item_id == item_id for e in case.evidence):
        return Rejection("duplicate_evidence", f"evidence item {item_id} is already in the case")
    if case.hearing is not None and given_by in case.hearing.panel:
        return Rejection("conflict_of_interest",
                         "standing order 7.3: nobody who gives evidence may sit on the panel; "
                         f"{given_by} is on it")
    item = EvidenceItem(item_id, description, given_by, at_ms)
    return msgspec.structs.replace(case, evidence=case.evidence + (item,), last_step_ms=at_ms)


def disclose(case: Case, at_ms: int) -> Case | Rejection:
    """Record that every undisclosed item has now been shown to the member."""
    stage = _step(case, "disclose", at_ms)
    if isinstance(stage, Rejection):
        return stage
    if not case.evidence:
        return Rejection("evidence_required",
                         "standing order 7 (due process): a case proceeds on evidence disclosed "
                         "to the member; this case has none")
    if all(e.disclosed_at_ms is not None for e in case.evidence):
        return Rejection("nothing_to_disclose", "every item of evidence is already disclosed")
    evidence = tuple(e if e.disclosed_at_ms is not None
                     else msgspec.structs.replace(e, disclosed_at_ms=at_ms)
                     for e in case.evidence)
    # New evidence vacates any scheduled hearing: the member gets a fresh reply window.
    return msgspec.structs.replace(case, evidence=evidence, stage=stage, hearing=None,
                                   last_step_ms=at_ms)


def reply(case: Case, by_member_id: str, text: str, at_ms: int) -> Case | Rejection:
    stage = _step(case, "reply", at_ms)
    if isinstance(stage, Rejection):
        return stage
    if by_member_id != case.member_id:
        return Rejection("not_the_member",
                         "standing order 7.1: the reply is the charged member's own")
    if not text.strip():
        return Rejection("reply_empty", "standing order 7.1: a reply must say something")
    return msgspec.structs.replace(case, replies=case.replies + (Reply(text, at_ms),),
                                   stage=stage, last_step_ms=at_ms)


def suspend_interim(case: Case, from_ms: int, until_ms: int, reasons: str, decided_by: str,
                    at_ms: int) -> Case | Rejection:
    stage = _step(case, "suspend_interim", at_ms)
    if isinstance(stage, Rejection):
        return stage
    if not reasons.strip() or not decided_by.strip():
        return Rejection("reasons_required",
                         "standing order 7.6: an interim suspension records its reasons and "
                         "who decided it")
    if case.interim is not None:
        return Rejection("interim_already_used",
                         "standing order 7.6: a case has one interim suspension; it cannot be "
                         "renewed or extended")
    if from_ms < at_ms or until_ms <= from_ms:
        return Rejection("interim_invalid",
                         "standing order 7.6: an interim suspension starts when it is decided or "
                         "later, and ends after it starts")
    longest = case.rules.interim_suspension_max_days * DAY_MS
    if until_ms - from_ms > longest:
        return Rejection("interim_too_long",
                         f"standing order 7.6: an interim suspension lasts at most "
                         f"{case.rules.interim_suspension_max_days} days; this one asked for "
                         f"{hours(until_ms - from_ms)}")
    interim = InterimSuspension(from_ms, until_ms, reasons, decided_by)
    return msgspec.structs.replace(case, interim=interim, last_step_ms=at_ms)


def schedule_hearing(case: Case, hearing_at_ms: int, notice_sent_at_ms: int,
                     panel: tuple[str, ...], at_ms: int) -> Case | Rejection:
    stage = _step(case, "schedule_hearing", at_ms)
    if isinstance(stage, Rejection):
        return stage
    if any(e.disclosed_at_ms is None for e in case.evidence):
        return Rejection("evidence_undisclosed",
                         "standing order 7 (due process): every item of evidence is disclosed "
                         "to the member before a hearing is scheduled")
    rules = case.rules
    # Notice cannot be given of a hearing before it is scheduled, whatever the record says.
    given = hearing_at_ms - max(notice_sent_at_ms, at_ms)
    if given < rules.hearing_notice_days * DAY_MS:
        return Rejection("hearing_notice",
                         f"standing order 7.2: a hearing needs {rules.hearing_notice_days} days' "
                         f"notice; this one gave {hours(given)}")
    closes = reply_window_closes(case)
    if hearing_at_ms < closes and not _replied_since_last_disclosure(case):
        return Rejection("reply_window_open",
                         f"standing order 7.1: the member has {rules.reply_window_days} days "
                         f"from disclosure to reply; the hearing would come "
                         f"{hours(closes - hearing_at_ms)} before that window closes")
    conflict = _involved(case) & set(panel)
    if conflict:
        return Rejection("conflict_of_interest",
                         "standing order 7.3: nobody who brought the charge, gave evidence or is "
                         f"the member may sit on the panel; {', '.join(sorted(conflict))} did")
    if len(set(panel)) < rules.min_panel_size:
        return Rejection("panel_too_small",
                         f"standing order 7.3: a hearing panel has at least "
                         f"{rules.min_panel_size} people; this one has {len(set(panel))}")
    hearing = Hearing(hearing_at_ms, notice_sent_at_ms, tuple(sorted(set(panel))))
    return msgspec.structs.replace(case, hearing=hearing, stage=stage, last_step_ms=at_ms)


def _decision_problem(outcome: Outcome, reasons: str, suspension_days: int,
                      role: str) -> Rejection | None:
    if not reasons.strip():
        return Rejection("reasons_required",
                         "standing order 7 (due process): a decision is written and gives its "
                         "reasons")
    if (outcome == "suspension") != (suspension_days > 0):
        return Rejection("suspension_period_required",
                         "standing order 7 (due process): a suspension is for a stated number of "
                         "days, and only a suspension has one")
    if (outcome == "removal_from_office") != bool(role.strip()):
        return Rejection("role_required",
                         "standing order 7 (due process): a removal from office names the office")
    return None


def decide(case: Case, outcome: Outcome, reasons: str, decided_at_ms: int,
           suspension_days: int = 0, role: str = "") -> Case | Rejection:
    """The hearing panel's written decision."""
    stage = _step(case, "decide", decided_at_ms)
    if isinstance(stage, Rejection):
        return stage
    assert case.hearing is not None  # the table only allows "decide" once a hearing is set
    if decided_at_ms < case.hearing.at_ms:
        return Rejection("hearing_not_held",
                         "standing order 7 (due process): the panel decides at or after the "
                         f"hearing; this decision is {hours(case.hearing.at_ms - decided_at_ms)} "
                         "early")
    if any(e.disclosed_at_ms is None for e in case.evidence):
        return Rejection("evidence_undisclosed",
                         "standing order 7 (due process): no decision rests on evidence the "
                         "member has not seen")
    # The reply window needs no check here: the hearing was scheduled after it
    # (or after a reply), and new evidence vacates the hearing.
    problem = _decision_problem(outcome, reasons, suspension_days, role)
    if problem:
        return problem
    decision = Decision(outcome, reasons, decided_at_ms, suspension_days, role)
    return msgspec.structs.replace(case, decision=decision, stage=stage,
                                   last_step_ms=decided_at_ms)


def withdraw(case: Case, by: str, at_ms: int) -> Case | Rejection:
    stage = _step(case, "withdraw", at_ms)
    if isinstance(stage, Rejection):
        return stage
    if by != case.charge.brought_by:
        return Rejection("not_the_complainant",
                         "standing order 7 (due process): only who brought a charge can "
                         "withdraw it")
    return msgspec.structs.replace(case, stage=stage, withdrawn_at_ms=at_ms, last_step_ms=at_ms)


def appeal_closes(case: Case) -> int:
    """When the time to appeal the decision ends."""
    assert case.decision is not None
    return case.decision.decided_at_ms + case.rules.appeal_window_days * DAY_MS


def appeal(case: Case, by_member_id: str, grounds: str, lodged_at_ms: int) -> Case | Rejection:
    stage = _step(case, "appeal", lodged_at_ms)
    if isinstance(stage, Rejection):
        return stage
    assert case.decision is not None
    if by_member_id != case.member_id:
        return Rejection("not_the_member",
                         "standing order 7.4: the appeal is the charged member's right")
    if case.decision.outcome == "no_action":
        return Rejection("nothing_to_appeal",
                         "standing order 7.4: a decision to take no action leaves nothing to "
                         "appeal")
    if lodged_at_ms >= appeal_closes(case):
        return Rejection("appeal_window_closed",
                         f"standing order 7.4: an appeal is lodged within "
                         f"{case.rules.appeal_window_days} days of the decision; this one came "
                         f"{hours(lodged_at_ms - case.decision.decided_at_ms)} after it")
    if not grounds.strip():
        return Rejection("grounds_required", "standing order 7.4: an appeal states its grounds")
    return msgspec.structs.replace(case, appeal=Appeal(grounds, lodged_at_ms), stage=stage,
                                   last_step_ms=lodged_at_ms)


def assign_appeal_panel(case: Case, body: AppealBody, panel: tuple[PanelSeat, ...],
                        at_ms: int) -> Case | Rejection:
    """The different body that hears the appeal (SO 7.5)."""
    stage = _step(case, "assign_appeal_panel", at_ms)
    if isinstance(stage, Rejection):
        return stage
    assert case.appeal is not None and case.hearing is not None
    rules = case.rules
    if body != rules.appeal_body:
        return Rejection("wrong_appeal_body",
                         f"standing order 7.5: appeals are heard by the "
                         f"{rules.appeal_body.replace('_', ' ')}, not the "
                         f"{body.replace('_', ' ')}")
    own = {s.person_id for s in panel if s.group_id == case.group_id}
    first_panel = own & set(case.hearing.panel)
    if first_panel:
        return Rejection("appeal_panel_not_independent",
                         "standing order 7.5: an appeal is heard by a different body; "
                         f"{', '.join(sorted(first_panel))} sat on the first panel")
    conflict = own & _involved(case)
    if conflict:
        return Rejection("conflict_of_interest",
                         "standing order 7.5: nobody who brought the charge, gave evidence or is "
                         f"the member may hear the appeal; {', '.join(sorted(conflict))} did")
    if body == "network_panel" and own:
        return Rejection("panel_from_own_group",
                         "standing order 7.5: the appeal panel is drawn from other groups of the "
                         f"network; {', '.join(sorted(own))} belong to this group")
    if body == "general_meeting" and len(own) != len(panel):
        return Rejection("panel_from_other_group",
                         "standing order 7.5: an appeal to the general meeting is decided by "
                         "this group's own members")
    if len(set(panel)) < rules.min_panel_size:
        return Rejection("panel_too_small",
                         f"standing order 7.3: a panel has at least {rules.min_panel_size} "
                         f"people; this one has {len(set(panel))}")
    new_appeal = msgspec.structs.replace(case.appeal, body=body,
                                         panel=tuple(sorted(set(panel), key=_seat_key)))
    return msgspec.structs.replace(case, appeal=new_appeal, stage=stage, last_step_ms=at_ms)


def _seat_key(seat: PanelSeat) -> tuple[str, str]:
    return seat.group_id, seat.person_id


def decide_appeal(case: Case, outcome: AppealOutcome, reasons: str, decided_at_ms: int,
                  varied_to: Outcome | None = None, suspension_days: int = 0,
                  role: str = "") -> Case | Rejection:
    """Upheld: the member wins and no action is taken. Dismissed: the decision stands.
    Varied: `varied_to` replaces it, and may not be more severe."""
    stage = _step(case, "decide_appeal", decided_at_ms)
    if isinstance(stage, Rejection):
        return stage
    assert case.appeal is not None and case.decision is not None
    if not reasons.strip():
        return Rejection("reasons_required",
                         "standing order 7.5: an appeal decision is written and gives its "
                         "reasons")
    varied: Decision | None = None
    if outcome == "varied":
        if varied_to is None:
            return Rejection("variation_required",
                             "standing order 7.5: a varied decision says what replaces it")
        if SEVERITY.index(varied_to) >= SEVERITY.index(case.decision.outcome):
            return Rejection("variation_not_lesser",
                             f"standing order 7.5: an appeal may only lessen a decision; "
                             f"{varied_to} is not less than {case.decision.outcome}")
        problem = _decision_problem(varied_to, reasons, suspension_days, role)
        if problem:
            return problem
        varied = Decision(varied_to, reasons, decided_at_ms, suspension_days, role)
    elif varied_to is not None:
        return Rejection("variation_required",
                         f"standing order 7.5: an appeal that is {outcome} replaces nothing")
    new_appeal = msgspec.structs.replace(case.appeal, outcome=outcome, reasons=reasons,
                                         decided_at_ms=decided_at_ms, varied_to=varied)
    return msgspec.structs.replace(case, appeal=new_appeal, stage=stage,
                                   last_step_ms=decided_at_ms)


def final_decision(case: Case, at_ms: int) -> tuple[Decision, int] | None:
    """The decision in force at `at_ms` and when it became final, or None if none is final."""
    if case.stage == "appeal_decided":
        assert case.appeal is not None and case.decision is not None
        assert case.appeal.decided_at_ms is not None
        since = case.appeal.decided_at_ms
        if at_ms < since:
            return None
        if case.appeal.outcome == "upheld":
            return Decision("no_action", case.appeal.reasons, since), since
        if case.appeal.outcome == "varied":
            assert case.appeal.varied_to is not None
            return case.appeal.varied_to, since
        return case.decision, since
    if case.stage == "decided" and at_ms >= appeal_closes(case):
        assert case.decision is not None
        return case.decision, appeal_closes(case)
    return None


def interim_ends(case: Case, interim: InterimSuspension) -> int:
    """When an interim suspension ends."""
    # It lapses at its own end, or sooner if the charge is withdrawn or the panel
    # decides on no action or a warning: nothing is left that it could protect.
    ends = [interim.until_ms]
    if case.withdrawn_at_ms is not None:
        ends.append(case.withdrawn_at_ms)
    if case.decision is not None and case.decision.outcome in ("no_action", "warning"):
        ends.append(case.decision.decided_at_ms)
    return min(ends)


def status_authority(case: Case, at_ms: int) -> StatusAuthority:
    """What this case authorises for its member's status at `at_ms`."""
    ref = reference(case)
    final = final_decision(case, at_ms)
    if final is not None:
        decision, since = final
        if decision.outcome == "expulsion":
            return StatusAuthority(case.member_id, "expelled", None, "",
                                   f"expelled by a final decision: {decision.reasons}", ref)
        if decision.outcome == "suspension":
            until = since + decision.suspension_days * DAY_MS
            if at_ms < until:
                return StatusAuthority(case.member_id, "suspended", until, "",
                                       f"suspended for {decision.suspension_days} days by a "
                                       f"final decision: {decision.reasons}", ref)
            return StatusAuthority(case.member_id, "active", None, "",
                                   "the suspension has been served", ref)
        if decision.outcome == "removal_from_office":
            return StatusAuthority(case.member_id, "active", None, decision.role,
                                   f"removed as {decision.role} by a final decision: "
                                   f"{decision.reasons}", ref)
        return StatusAuthority(case.member_id, "active", None, "",
                               f"the case ended in {decision.outcome.replace('_', ' ')}", ref)
    interim = case.interim
    if interim is not None and interim.from_ms <= at_ms < interim_ends(case, interim):
        return StatusAuthority(case.member_id, "suspended", interim_ends(case, interim), "",
                               f"interim suspension: {interim.reasons}", ref)
    return StatusAuthority(case.member_id, "active", None, "",
                           "no decision in this case restricts the member now", ref)


def authorises(case: Case, member_id: str, status: str, at_ms: int) -> Rejection | None:
    """None if this case makes `status` the member's status at `at_ms`; else why not."""
    authority = status_authority(case, at_ms)
    if authority.member_id != member_id or authority.status != status:
        return Rejection("not_authorised",
                         f"standing order 7 (due process): case {case.case_id} does not make "
                         f"member {member_id} {status} now ({authority.reason})")
    return None
