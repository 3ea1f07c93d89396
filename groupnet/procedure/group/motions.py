"""Motions, amendments, votes and outcomes, including changes to the rules themselves.

- A motion has a title, a text, a proposer and a seconder: two different active
  members. SO 3.1: it is submitted at least 7 days before the meeting; SO 5.1:
  a rule change, 28 days.
- Amendments replace the motion's text; each is shown as a word-by-word diff
  against the text it amends. The mover of the motion may accept an amendment
  as friendly: it is incorporated without a vote. Any other amendment needs a
  seconder and is voted on, by simple majority, before the motion itself. An
  amendment drafted against a text that has since changed must be re-moved.
  A rule-change motion cannot be amended at the meeting: members had notice
  of that exact change, and a different change needs its own notice (SO 5.1).
- Votes are either a show of hands counted by the chair (for, against,
  abstaining) or individual votes, one per attending member. Nobody absent
  votes, nobody votes twice, and a count larger than the attendance is refused.
- SO 4.1, 4.2, 5.2: the outcome is computed from the count and the threshold;
  it is never typed in, and the result names the rule it applied. A simple
  majority is more than half of the votes cast; a rule change needs at least
  two-thirds; abstentions are not votes cast unless SO 4.2 says so.
- A decision is refused unless the meeting may take it: the right body
  (SO 5.3, 6.1), the meeting's own notice (SO 1.x), the motion's notice (SO
  3.1/5.1) and quorum (SO 2.x). Every broken rule is named.
- SO 3.2: counterposed motions are put in order of submission; once one is
  carried the others fall and are not put. Or, if the orders say
  "vote_on_all", each is put; if several are carried, the one with most votes
  for stands and the others fall; if that is a tie, none of them stands.
  Put one at a time, `counterposed_turn` says whether a motion may be put now
  and `counterposed_settled` when none is left to put.
- SO 5: a rule-change motion carries a patch to the standing orders. Only
  `decide`, on a rule change carried under all of the above, produces new
  `GroupStandingOrders`; there is no other way to change them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import msgspec

from ...wire.rejection import Rejection
from . import meetings
from .meetings import Attendance, Meeting
from .members import Member
from .standing_orders import DAY_MS, GroupStandingOrders, apply_patch, cite, hours

MotionKind = Literal["ordinary", "rule_change"]
Choice = Literal["for", "against", "abstain"]
AmendmentStatus = Literal["pending", "incorporated", "carried", "lost"]
Outcome = Literal["carried", "lost", "fell"]


class Amendment(msgspec.Struct, frozen=True, kw_only=True):
    amendment_id: str
    base_text: str
    new_text: str
    mover_id: str
    seconder_id: str | None
    submitted_at_ms: int
    status: AmendmentStatus = "pending"


class Motion(msgspec.Struct, frozen=True, kw_only=True):
    motion_id: str
    meeting_id: str
    title: str
    text: str
    proposer_id: str
    seconder_id: str
    submitted_at_ms: int
    kind: MotionKind = "ordinary"
    rule_patch: dict[str, Any] | None = None
    amendments: tuple[Amendment, ...] = ()


class Tally(msgspec.Struct, frozen=True):
    in_favour: int
    against: int
    abstentions: int


class ShowOfHands(msgspec.Struct, frozen=True, tag="show_of_hands"):
    in_favour: int
    against: int
    abstentions: int
    counted_by: str


class Vote(msgspec.Struct, frozen=True):
    member_id: str
    choice: Choice


class IndividualVotes(msgspec.Struct, frozen=True, tag="individual"):
    votes: tuple[Vote, ...] = ()


Votes = ShowOfHands | IndividualVotes


class MotionResult(msgspec.Struct, frozen=True, kw_only=True):
    motion_id: str
    meeting_id: str
    meeting_kind: str
    outcome: Outcome
    tally: Tally | None
    rule: str
    new_orders: GroupStandingOrders | None = None


class DiffPiece(msgspec.Struct, frozen=True):
    op: Literal["same", "removed", "added"]
    text: str


def text_diff(old: str, new: str) -> list[DiffPiece]:
    """Word-by-word differences from `old` to `new`, for showing an amendment."""
    a, b = re.findall(r"\s+|\S+", old), re.findall(r"\s+|\S+", new)
    pieces: list[DiffPiece] = []

    def put(op: Literal["same", "removed", "added"], words: list[str]) -> None:
        if not words:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = DiffPiece(op, pieces[-1].text + "".join(words))
        else:
            pieces.append(DiffPiece(op, "".join(words)))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            put("same", a[i1:i2])
        else:
            put("removed", a[i1:i2])
            put("added", b[j1:j2])
    return pieces


def amendment_diff(amendment: Amendment) -> list[DiffPiece]:
    return text_diff(amendment.base_text, amendment.new_text)


def motion_notice_check(motion: Motion, meeting: Meeting,
                        orders: GroupStandingOrders) -> Rejection | None:
    """SO 3.1 / 5.1: was the motion submitted early enough before the meeting?"""
    field = "rule_change_notice_days" if motion.kind == "rule_change" else "motion_notice_days"
    days = getattr(orders, field)
    given = meeting.starts_at_ms - motion.submitted_at_ms
    if given >= days * DAY_MS:
        return None
    what = "a rule change" if motion.kind == "rule_change" else "a motion"
    return Rejection("notice_period",
                     f"{cite(field)}: {what} needs {days} days' notice before the meeting; "
                     f"this one gave {hours(max(given, 0))}")


def _movers_check(proposer: Member, seconder: Member | None) -> Rejection | None:
    for person in (proposer, seconder):
        if person is not None and person.status != "active":
            return Rejection("not_active",
                             f"only active members move and second; {person.name} is "
                             f"{person.status}")
    if seconder is not None and seconder.member_id == proposer.member_id:
        return Rejection("seconder_is_proposer", "a seconder is a second person")
    return None


def submit_motion(motion_id: str, meeting: Meeting, title: str, text: str, proposer: Member,
                  seconder: Member, submitted_at_ms: int, orders: GroupStandingOrders,
                  kind: MotionKind = "ordinary",
                  rule_patch: Mapping[str, Any] | None = None) -> Motion | Rejection:
    if not (title.strip() and text.strip()):
        return Rejection("motion_empty", "a motion has a title and a text")
    problem = _movers_check(proposer, seconder)
    if problem:
        return problem
    if kind == "rule_change":
        if not rule_patch:
            return Rejection("rule_change_needs_patch",
                             "a rule change says exactly which standing orders it changes")
        changed = apply_patch(orders, rule_patch)
        if isinstance(changed, Rejection):
            return changed
        if changed == orders:
            return Rejection("rule_change_changes_nothing",
                             "this rule change leaves the standing orders as they are")
    elif rule_patch:
        return Rejection("patch_only_for_rule_change",
                         "only a rule-change motion can change the standing orders")
    motion = Motion(motion_id=motion_id, meeting_id=meeting.meeting_id, title=title.strip(),
                    text=text, proposer_id=proposer.member_id, seconder_id=seconder.member_id,
                    submitted_at_ms=submitted_at_ms, kind=kind,
                    rule_patch=dict(rule_patch) if rule_patch else None)
    return meetings.combine([r for r in (
        meetings.body_check(meeting, kind if kind == "rule_change" else "motion", orders),
        motion_notice_check(motion, meeting, orders),
    ) if r is not None]) or motion


def _amendment(motion: Motion, amendment_id: str) -> Amendment | Rejection:
    for a in motion.amendments:
        if a.amendment_id == amendment_id:
            if a.status != "pending":
                return Rejection("amendment_decided", f"this amendment is already {a.status}")
            if a.base_text != motion.text:
                return Rejection("amendment_stale",
                                 "the motion's text has changed since this amendment was "
                                 "drafted; it must be moved again against the current text")
            return a
    return Rejection("no_such_amendment", f"motion {motion.motion_id} has no amendment "
                     f"{amendment_id}")


def _with_amendment(motion: Motion, amendment: Amendment, status: AmendmentStatus) -> Motion:
    amendments = tuple(msgspec.structs.replace(a, status=status)
                       if a.amendment_id == amendment.amendment_id else a
                       for a in motion.amendments)
    text = amendment.new_text if status in ("incorporated", "carried") else motion.text
    return msgspec.structs.replace(motion, amendments=amendments, text=text)


def propose_amendment(motion: Motion, amendment_id: str, new_text: str, mover: Member,
                      seconder: Member | None, submitted_at_ms: int) -> Motion | Rejection:
    if motion.kind == "rule_change":
        return Rejection("rule_change_not_amendable",
                         f"{cite('rule_change_notice_days')}: members had notice of this exact "
                         "rule change; a different change is a new motion with its own notice")
    if not new_text.strip() or new_text == motion.text:
        return Rejection("amendment_changes_nothing", "an amendment changes the motion's text")
    problem = _movers_check(mover, seconder)
    if problem:
        return problem
    if any(a.amendment_id == amendment_id for a in motion.amendments):
        return Rejection("duplicate_amendment", f"amendment {amendment_id} already exists")
    amendment = Amendment(amendment_id=amendment_id, base_text=motion.text, new_text=new_text,
                          mover_id=mover.member_id,
                          seconder_id=seconder.member_id if seconder else None,
                          submitted_at_ms=submitted_at_ms)
    return msgspec.structs.replace(motion, amendments=motion.amendments + (amendment,))


def accept_friendly(motion: Motion, amendment_id: str, by_member_id: str) -> Motion | Rejection:
    """The motion's mover accepts an amendment: incorporated without a vote."""
    if by_member_id != motion.proposer_id:
        return Rejection("not_the_mover",
                         "only the mover of a motion can accept an amendment as friendly; "
                         "otherwise it is put to the vote")
    amendment = _amendment(motion, amendment_id)
    if isinstance(amendment, Rejection):
        return amendment
    return _with_amendment(motion, amendment, "incorporated")


def cast_vote(votes: IndividualVotes, member_id: str, choice: Choice,
              attendance: Attendance) -> IndividualVotes | Rejection:
    if member_id not in attendance.present:
        return Rejection("not_present", "only members recorded as present vote")
    if any(v.member_id == member_id for v in votes.votes):
        return Rejection("already_voted", "each member present votes once")
    return IndividualVotes(votes.votes + (Vote(member_id, choice),))


def count(votes: Votes, attendance: Attendance) -> Tally | Rejection:
    """The tally, checked against who was present."""
    if isinstance(votes, ShowOfHands):
        tally = Tally(votes.in_favour, votes.against, votes.abstentions)
        if min(tally.in_favour, tally.against, tally.abstentions) < 0:
            return Rejection("invalid_tally", "a count of hands is never negative")
    else:
        voters = [v.member_id for v in votes.votes]
        if len(set(voters)) != len(voters):
            return Rejection("already_voted", "each member present votes once")
        if not set(voters) <= set(attendance.present):
            return Rejection("not_present", "only members recorded as present vote")
        choices = [v.choice for v in votes.votes]
        tally = Tally(choices.count("for"), choices.count("against"), choices.count("abstain"))
    total = tally.in_favour + tally.against + tally.abstentions
    if total > len(attendance.present):
        return Rejection("tally_exceeds_attendance",
                         f"{total} votes were counted but only {len(attendance.present)} "
                         "members were present")
    return tally


def _outcome(tally: Tally, field: str, orders: GroupStandingOrders) -> tuple[bool, str]:
    threshold = getattr(orders, field)
    cast = tally.in_favour + tally.against
    if orders.abstentions_count_as_votes_cast:
        cast += tally.abstentions
    carried = threshold.met(tally.in_favour, cast)
    rule = (f"{cite(field)}: carried by {threshold} "
            f"({cite('abstentions_count_as_votes_cast')}: abstentions "
            f"{'count' if orders.abstentions_count_as_votes_cast else 'do not count'}); "
            f"{tally.in_favour} for, {tally.against} against, {tally.abstentions} abstaining")
    return carried, rule


def decide_amendment(motion: Motion, amendment_id: str, votes: Votes, meeting: Meeting,
                     attendance: Attendance, active_member_count: int,
                     orders: GroupStandingOrders) -> tuple[Motion, MotionResult] | Rejection:
    """Put an ordinary amendment to the vote: the motion as amended (or not), and the result."""
    amendment = _amendment(motion, amendment_id)
    if isinstance(amendment, Rejection):
        return amendment
    if amendment.seconder_id is None:
        return Rejection("not_seconded", "an amendment put to the vote needs a seconder")
    refusal = meetings.may_decide(meeting, "motion", len(attendance.present),
                                  active_member_count, orders)
    if refusal:
        return refusal
    tally = count(votes, attendance)
    if isinstance(tally, Rejection):
        return tally
    carried, rule = _outcome(tally, "simple_majority", orders)
    result = MotionResult(motion_id=f"{motion.motion_id}/{amendment_id}",
                          meeting_id=meeting.meeting_id, meeting_kind=meeting.kind,
                          outcome="carried" if carried else "lost", tally=tally, rule=rule)
    return _with_amendment(motion, amendment, "carried" if carried else "lost"), result


def decide(motion: Motion, votes: Votes, meeting: Meeting, attendance: Attendance,
           active_member_count: int, orders: GroupStandingOrders) -> MotionResult | Rejection:
    """The outcome of putting `motion` to `meeting`, computed from the votes and the rules."""
    if motion.meeting_id != meeting.meeting_id or attendance.meeting_id != meeting.meeting_id:
        return Rejection("wrong_meeting", "this motion, meeting and attendance do not match")
    if any(a.status == "pending" for a in motion.amendments):
        return Rejection("amendments_pending",
                         "amendments are decided before the motion they amend")
    decision = "rule_change" if motion.kind == "rule_change" else "motion"
    refusal = meetings.combine([r for r in (
        meetings.body_check(meeting, decision, orders),
        meetings.notice_check(meeting, orders),
        motion_notice_check(motion, meeting, orders),
        meetings.quorum_check(meeting, len(attendance.present), active_member_count, orders),
    ) if r is not None])
    if refusal:
        return refusal
    tally = count(votes, attendance)
    if isinstance(tally, Rejection):
        return tally
    field = "rule_change_threshold" if motion.kind == "rule_change" else "simple_majority"
    carried, rule = _outcome(tally, field, orders)
    new_orders = None
    if carried and motion.kind == "rule_change":
        assert motion.rule_patch is not None  # submit_motion requires one
        changed = apply_patch(orders, motion.rule_patch)
        if isinstance(changed, Rejection):
            return changed
        new_orders = changed
    return MotionResult(motion_id=motion.motion_id, meeting_id=meeting.meeting_id,
                        meeting_kind=meeting.kind, outcome="carried" if carried else "lost",
                        tally=tally, rule=rule, new_orders=new_orders)


def in_order_of_submission(motions: Sequence[Motion]) -> list[Motion]:
    return sorted(motions, key=lambda m: (m.submitted_at_ms, m.motion_id))


def counterposed_turn(motion: Motion, motions: Sequence[Motion], put: Mapping[str, MotionResult],
                      orders: GroupStandingOrders) -> Rejection | None:
    """SO 3.2, one motion at a time: may `motion`, one of the counterposed `motions`, be
    put now, given the results of those already put (`put`, by motion id)?"""
    if motion.motion_id in put:
        return Rejection("already_put", f"'{motion.title}' has already been put to the vote")
    for earlier in in_order_of_submission(motions):
        if earlier.motion_id == motion.motion_id:
            return None
        result = put.get(earlier.motion_id)
        if result is None:
            return Rejection("not_its_turn",
                             f"{cite('counterposed_motions')}: counterposed motions are put in "
                             f"order of submission, so '{earlier.title}' is put before "
                             f"'{motion.title}'")
        if result.outcome == "carried" and orders.counterposed_motions != "vote_on_all":
            return Rejection("motion_fell",
                             f"{cite('counterposed_motions')}: '{motion.title}' fell when "
                             f"'{earlier.title}' was carried, so it is not put")
    return Rejection("not_counterposed", f"'{motion.title}' is not one of these motions")


def counterposed_settled(motions: Sequence[Motion], put: Mapping[str, MotionResult],
                         orders: GroupStandingOrders) -> bool:
    """SO 3.2: True once no more of these counterposed motions is to be put, so that
    `decide_counterposed` gives the final results."""
    for motion in in_order_of_submission(motions):
        result = put.get(motion.motion_id)
        if result is None:
            return False
        if result.outcome == "carried" and orders.counterposed_motions != "vote_on_all":
            return True
    return True


def _fell(motion: Motion, meeting: Meeting, because: str) -> MotionResult:
    return MotionResult(motion_id=motion.motion_id, meeting_id=meeting.meeting_id,
                        meeting_kind=meeting.kind, outcome="fell", tally=None,
                        rule=f"{cite('counterposed_motions')}: {because}")


def decide_counterposed(motions: Sequence[Motion], votes: Mapping[str, Votes], meeting: Meeting,
                        attendance: Attendance, active_member_count: int,
                        orders: GroupStandingOrders) -> list[MotionResult] | Rejection:
    """Results for counterposed motions, in order of submission, under SO 3.2.

    `votes` holds the votes on each motion that was put. Under the default rule
    a vote recorded on a motion that fell is refused, and so is a missing vote
    on a motion that had to be put.
    """
    if len(motions) < 2 or len({m.motion_id for m in motions}) != len(motions):
        return Rejection("not_counterposed", "counterposed motions are two or more motions")
    results: list[MotionResult] = []
    carried_first: Motion | None = None
    for motion in in_order_of_submission(motions):
        if carried_first is not None and orders.counterposed_motions != "vote_on_all":
            if motion.motion_id in votes:
                return Rejection("motion_fell",
                                 f"{cite('counterposed_motions')}: '{motion.title}' fell when "
                                 f"'{carried_first.title}' was carried, so it is not put")
            results.append(_fell(motion, meeting, f"counterposed to '{carried_first.title}', "
                                 "which was carried first"))
            continue
        if motion.motion_id not in votes:
            return Rejection("vote_missing",
                             f"{cite('counterposed_motions')}: '{motion.title}' must be put "
                             "to the vote")
        result = decide(motion, votes[motion.motion_id], meeting, attendance,
                        active_member_count, orders)
        if isinstance(result, Rejection):
            return result
        results.append(result)
        if result.outcome == "carried" and carried_first is None:
            carried_first = motion
    carried = [r for r in results if r.outcome == "carried"]
    if len(carried) > 1:
        most = max(r.tally.in_favour for r in carried if r.tally)
        winners = [r for r in carried if r.tally and r.tally.in_favour == most]
        titles = {m.motion_id: m.title for m in motions}
        stands = winners[0].motion_id if len(winners) == 1 else None
        because = (f"counterposed to '{titles[stands]}', which was carried with more votes for"
                   if stands else "several counterposed motions were carried with equal votes "
                   "for, so none of them stands")
        results = [r if r.outcome != "carried" or r.motion_id == stands
                   else msgspec.structs.replace(r, outcome="fell", new_orders=None,
                                                rule=f"{cite('counterposed_motions')}: "
                                                f"{because}; {r.rule}")
                   for r in results]
    return results
