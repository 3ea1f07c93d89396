"""Conferences (SPEC 5.8): called by the rules, never cancelled, from call to final agenda.

Kinds: `conference.call`, `conference.requisition`, `conference.motion`,
`conference.amendment`, `conference.consent`, `conference.appeal`,
`conference.priorities`; and `delegate.credential` (N7), matched here to the
conference it names. A conference's id is the id of the `conference.call` that
called it. The rules, numbered as SPEC 5.8 numbers them:

- K1 (first). While the constitution's `first_within_days` run from the
  constitution (or, under the default one, the charter), any group may call
  the first conference.
- K2 (annual). A call names a `call-conference` decision of the body that calls
  conferences (`called_by`), opening when it says; it stands once that decision
  is carried, and is void if it fell or was void.
- K3 (requisition). A group opens a requisition (title, reason, opening within
  the notice and `special_within_days`); others support it, repeating its title
  and opening. A call naming it stands once the groups supporting it reach
  `requisition_groups_percent` of the groups witnessing when it was opened, or
  hold `requisition_members_percent` of their committed members.
- K4 (every call). Notice, by the caller's `ts` (refused) and by witnessed time
  (void if it reached the network late); a conference lasts at most 14 days; of
  several calls on one ground the one the network witnessed first stands, the
  others are superseded. Nothing cancels a conference: no kind removes one, and a
  body's `cancel-conference` is entrenched (E4, `bodies.py`). The timetable is
  counted back from the opening.
- K5 (entitlement). Each group's delegates are counted from its latest register
  commitment published and frozen by the call: `min(max_delegates,
  ceil(active_members / members_per_delegate))`, none without one. A group's
  credential for the conference counts if it reached the network by the
  credentials deadline and names no more delegates than that.
- K6 (motions). A group submits a motion its meeting carried, within the word
  limit and its number of motions (emergency motions apart); on time if it
  reached the network by the motions deadline (an emergency motion: by the
  emergency deadline).
- K7 (amendments). A group amends a conference motion with a new text its
  meeting carried, within its number of amendments, by the amendments deadline.
- K8 (arrangements). Only carried decisions of the arrangements committee
  (`arranged_by`) for this conference, closing by the final agenda, rule motions
  out (citing C4.x), composite them, or order the business. A composite replaces
  its motions only once every submitting group consented (its latest consent by
  the final agenda). A group whose motion was ruled out may appeal; the
  conference decides the appeal.
- K9 (priorities). A group that published a credential for the conference casts
  a priorities ballot; its latest ballot by the final agenda counts if its
  credential stands. When more motions and composites are admissible than the
  constitution's `priority_slots`, those chosen by the most groups are debated.
- K10 (final agenda). Once the network has passed the final agenda time, the
  agenda is final: every admissible item in order, with its submitting groups;
  everything else listed with its reason.
- K11 (rule changes, C5). A group submits a rule change its meeting carried: the
  whole constitution as it would read. With the amendments' notice before the
  opening; keeping every entrenched provision (E1–E7), so no rule change can take
  a protection away; changing something; one per group per conference.
- K12 (amendments to rule changes, C5). A group amends a rule change with another
  whole constitution its meeting carried, within the amendment window, keeping the
  entrenched provisions and changing the rule change. What a rule change does once
  the conference has voted is the floor's final result, never these entries; it takes
  effect at the conference's effect instant (C5.5, `constitution_history.py`).
- C5.7. A conference, and every entry of it, runs under the constitution in force for
  its call's `ts` (`Conferences.constitution`); a call dated where that is undecided
  waits (C5.8).

What the entry and its author's own log decide is checked at receipt (a refusal);
a reference to another group's entry carries `seen` and is judged as SM3 judges a
motion reference. What depends on time or on other groups' entries (K2–K5 and
K8–K10 mostly) is derived from the state when asked: statuses with the rule
cited, the same on every node that holds the same entries, never a refusal.

No I/O, no clock: the time is the entries' and the witnesses'.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import (
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
    ConferenceRules,
    Constitution,
    DecisionRef,
    Entry,
    EntryRef,
)
from ...wire.rejection import Rejection
from .admission import Admission
from .bodies import Bodies
from .constitution import DAY_MS, Constitutions, entrenchment
from .credentials import Credentials

if TYPE_CHECKING:
    from .state import NetworkState

MAX_CONFERENCE_MS = 14 * DAY_MS
# K11: the constitution has no limit of its own for rule changes: one per group
RULE_CHANGES_PER_GROUP = 1
# K6: a word is a run of characters other than ASCII whitespace
_WORD = re.compile(r"[^\t\n\v\f\r ]+")


def words(text: str) -> int:
    """How many words a motion has (K6): runs of characters between ASCII whitespace."""
    return len(_WORD.findall(text))


# -- what the state holds: the entries, as accepted ---------------------------------


class Call(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    body: ConferenceCall


class Requisition(msgspec.Struct):
    """A requisition opened, and every group that signed it, in the order they did."""

    id: str
    author: str
    seq: int
    ts: int
    body: ConferenceRequisition
    # group -> the entry (the opener's, or its support) by which it signed
    supporters: dict[str, str] = msgspec.field(default_factory=dict)


class Submission(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    conference: str
    body: ConferenceMotion


class Amendment(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    conference: str
    motion: str
    body: ConferenceAmendment


class RuleChange(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    conference: str
    body: ConferenceRuleChange


class RuleChangeAmendment(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    conference: str
    rule_change: str
    body: ConferenceRuleChangeAmendment


class Consent(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    consent: bool


class Appeal(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    meeting: str
    item: int
    reason: str


class Ballot(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int
    choices: list[str]


# -- the rules at receipt -------------------------------------------------------------


class Conferences:
    """Every conference called, and what groups submitted to each."""

    kinds = frozenset({
        "conference.call", "conference.requisition", "conference.motion",
        "conference.amendment", "conference.consent", "conference.appeal",
        "conference.priorities", "conference.rule_change",
        "conference.rule_change_amendment",
    })

    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        self.requisitions: dict[str, Requisition] = {}
        self.motions: dict[str, Submission] = {}
        self.amendments: dict[str, Amendment] = {}
        self.rule_changes: dict[str, RuleChange] = {}
        self.rule_change_amendments: dict[str, RuleChangeAmendment] = {}
        # (meeting id, item) -> group -> its consents, in log order
        self.consents: dict[tuple[str, int], dict[str, list[Consent]]] = {}
        self.appeals: dict[str, Appeal] = {}
        # conference -> group -> its ballots, in log order
        self.ballots: dict[str, dict[str, list[Ballot]]] = {}
        # (author, conference, "motion" | "emergency" | "amendment" | "rule change")
        # -> how many so far
        self._submitted: dict[tuple[str, str, str], int] = {}
        # (author, meeting, item) of each appeal: one per ruling per group
        self._appealed: set[tuple[str, str, int]] = set()
        # every entry that had an effect: (id, kind, author), for the summary
        self._entries: list[tuple[str, str, str]] = []

    # -- check ------------------------------------------------------------------

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        return _CHECKS[entry.kind](self, state, entry)

    def _check_call(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceCall = entry.body  # type: ignore[assignment]
        constitution = state.constitution_for(entry.ts)
        if constitution is None:
            return _undecided()
        rules = constitution.conference
        fields = {"first": (False, False), "annual": (True, False),
                  "requisition": (False, True)}[body.basis]
        if (body.decision is not None, body.requisition is not None) != fields:
            return Rejection(
                "bad_call", f"K4: a call on the ground `{body.basis}` names "
                + {"first": "neither a decision nor a requisition",
                   "annual": "the decision that called it, and no requisition",
                   "requisition": "the requisition that called it, and no decision"}[body.basis])
        if not body.opens < body.closes <= body.opens + MAX_CONFERENCE_MS:
            return Rejection(
                "bad_call", "K4: a conference closes after it opens, within 14 days")
        if body.opens - entry.ts < rules.notice_days * DAY_MS:
            return Rejection(
                "short_notice", f"K4: a conference is called with {rules.notice_days} days' "
                f"notice (C3, E4); this call gives {_days(body.opens - entry.ts)}")
        if body.basis == "first":
            start = _constitution_start(state)
            last = start + rules.first_within_days * DAY_MS
            if body.opens > last:
                return Rejection(
                    "outside_window", f"K1: the first conference opens within "
                    f"{rules.first_within_days} days of the constitution; this one opens "
                    f"{_days(body.opens - start)} after it")
            return None
        if body.basis == "annual":
            return _check_annual(state, body.decision, body.opens, rules)  # type: ignore[arg-type]
        ref: EntryRef = body.requisition  # type: ignore[assignment]
        if _void(state, ref):
            return None
        opener = self._opener(state, ref)
        if isinstance(opener, Rejection):
            return opener
        earliest = opener.ts + rules.notice_days * DAY_MS
        latest = opener.ts + rules.special_within_days * DAY_MS
        if not earliest <= body.opens <= latest:
            return Rejection(
                "outside_window", f"K3: a requisitioned conference opens between "
                f"{rules.notice_days} and {rules.special_within_days} days after the "
                "requisition was opened")
        return None

    def _opener(self, state: NetworkState, ref: EntryRef) -> Requisition | Rejection:
        missing = _missing(state, ref, "K3")
        if missing is not None:
            return missing
        found = self.requisitions.get(ref.entry)
        if found is None or not _at(found.author, found.seq, ref):
            return Rejection(
                "unknown_requisition", "K3: that group's log holds no requisition opened "
                "there at the seq cited")
        return found

    def _check_requisition(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceRequisition = entry.body  # type: ignore[assignment]
        if body.ref is None:
            constitution = state.constitution_for(entry.ts)
            if constitution is None:
                return _undecided()
            rules = constitution.conference
            if not (rules.notice_days * DAY_MS <= body.opens - entry.ts
                    <= rules.special_within_days * DAY_MS):
                return Rejection(
                    "outside_window", f"K3: a requisitioned conference opens between "
                    f"{rules.notice_days} and {rules.special_within_days} days after the "
                    f"requisition; this one asks for {_days(body.opens - entry.ts)}")
            return None
        if _void(state, body.ref):
            return None
        opener = self._opener(state, body.ref)
        if isinstance(opener, Rejection):
            return opener
        if (body.title, body.opens) != (opener.body.title, opener.body.opens):
            return Rejection(
                "bad_requisition", "K3: a group supports a requisition as it was opened: "
                "the same title and opening")
        if entry.author in opener.supporters:
            return Rejection(
                "already_supported", "K3: this group has already signed this requisition")
        return None

    def _check_motion(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceMotion = entry.body  # type: ignore[assignment]
        rules = self.constitution(state, body.conference.entry, entry.ts).conference
        own = _check_text_and_decision(body.text, body.decision, rules, "K6", "motion")
        if own is not None or _void(state, body.conference):
            return own
        call = self._call(state, body.conference)
        if isinstance(call, Rejection):
            return call
        emergency = bool(body.emergency)
        kind = "emergency" if emergency else "motion"
        days = rules.emergency_deadline_days if emergency else rules.motions_deadline_days
        deadline = call.body.opens - days * DAY_MS
        if entry.ts > deadline:
            return Rejection(
                "past_deadline", f"K6: {'emergency motions' if emergency else 'motions'} "
                f"are due {days} days before the conference opens; this one is dated "
                f"{_days(entry.ts - deadline)} after that")
        limit = rules.emergency_motions_per_group if emergency else rules.motions_per_group
        if self._submitted.get((entry.author, call.id, kind), 0) >= limit:
            return Rejection(
                "motion_limit", f"K6: a group submits at most {limit} "
                f"{'emergency motion' if emergency else 'motion'}(s) to a conference; "
                "this group's log has that many already")
        return None

    def constitution(self, state: NetworkState, conference: str | None,
                     ts: int) -> Constitution:
        """C5.7: the constitution a conference runs under, the one for its call's `ts`; for
        a call not held (refused by K4 all the same, or void) the one for `ts`."""
        call = self.calls.get(conference) if conference is not None else None
        return state.constitution_at(call.ts if call is not None else ts)

    def _call(self, state: NetworkState, ref: EntryRef) -> Call | Rejection:
        missing = _missing(state, ref, "K6")
        if missing is not None:
            return missing
        call = self.calls.get(ref.entry)
        if call is None or not _at(call.author, call.seq, ref):
            return Rejection(
                "unknown_conference", "K4: that group's log holds no conference call with "
                "that id at the seq cited")
        return call

    def _check_amendment(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceAmendment = entry.body  # type: ignore[assignment]
        amended = self.motions.get(body.motion.entry)
        rules = self.constitution(state, amended.conference if amended else None,
                                  entry.ts).conference
        own = _check_text_and_decision(body.text, body.decision, rules, "K7", "amendment")
        if own is not None or _void(state, body.motion):
            return own
        missing = _missing(state, body.motion, "K7")
        if missing is not None:
            return missing
        motion = self.motions.get(body.motion.entry)
        if motion is None or not _at(motion.author, motion.seq, body.motion):
            return Rejection(
                "unknown_motion", "K7: that group's log holds no conference motion with that "
                "id at the seq cited")
        if motion.body.text == body.text:
            return Rejection("no_change", "K7: an amendment must change the motion's text")
        call = self.calls[motion.conference]
        deadline = call.body.opens - rules.amendments_deadline_days * DAY_MS
        if entry.ts > deadline:
            return Rejection(
                "past_deadline", f"K7: amendments are due {rules.amendments_deadline_days} "
                f"days before the conference opens; this one is dated "
                f"{_days(entry.ts - deadline)} after that")
        if self._submitted.get((entry.author, call.id, "amendment"), 0) \
                >= rules.amendments_per_group:
            return Rejection(
                "amendment_limit", f"K7: a group submits at most "
                f"{rules.amendments_per_group} amendment(s) to a conference; this group's "
                "log has that many already")
        return None

    def _check_rule_change(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceRuleChange = entry.body  # type: ignore[assignment]
        own = _check_decision(body.decision, "K11", "rule change")
        if own is not None:
            return own
        if _void(state, body.conference):
            return _check_proposal(state, body.constitution)
        call = self._call(state, body.conference)
        if isinstance(call, Rejection):
            return call
        in_force = state.constitution_at(call.ts)
        rules = in_force.amendments
        deadline = call.body.opens - rules.notice_days * DAY_MS
        if entry.ts > deadline:
            return Rejection(
                "past_deadline", f"C5: a rule change is submitted with {rules.notice_days} "
                f"days' notice before the conference opens; this one is dated "
                f"{_days(entry.ts - deadline)} after that")
        refused = _check_proposal(state, body.constitution)
        if refused is not None:
            return refused
        if body.constitution == in_force:
            return Rejection(
                "no_change", "K11: a rule change must change the constitution in force")
        if self._submitted.get((entry.author, call.id, "rule change"), 0) \
                >= RULE_CHANGES_PER_GROUP:
            return Rejection(
                "rule_change_limit", f"K11: a group submits at most "
                f"{RULE_CHANGES_PER_GROUP} rule change to a conference; this group's log "
                "has one already")
        return None

    def _check_rule_change_amendment(self, state: NetworkState,
                                     entry: Entry) -> Rejection | None:
        body: ConferenceRuleChangeAmendment = entry.body  # type: ignore[assignment]
        own = _check_decision(body.decision, "K12", "rule change amendment")
        if own is not None:
            return own
        if _void(state, body.rule_change):
            return _check_proposal(state, body.constitution)
        missing = _missing(state, body.rule_change, "K12")
        if missing is not None:
            return missing
        proposal = self.rule_changes.get(body.rule_change.entry)
        if proposal is None or not _at(proposal.author, proposal.seq, body.rule_change):
            return Rejection(
                "unknown_rule_change", "K12: that group's log holds no rule change with that "
                "id at the seq cited")
        call = self.calls[proposal.conference]
        rules = state.constitution_at(call.ts).amendments
        closes = rules.notice_days - rules.window_days
        deadline = call.body.opens - closes * DAY_MS
        if entry.ts > deadline:
            return Rejection(
                "past_deadline", f"C5: the amendment window closes {closes} days before "
                f"the conference opens ({rules.window_days} days after the rule changes' "
                f"notice); this amendment is dated {_days(entry.ts - deadline)} after that")
        refused = _check_proposal(state, body.constitution)
        if refused is not None:
            return refused
        if body.constitution == proposal.body.constitution:
            return Rejection(
                "no_change", "K12: an amendment must change the rule change it amends")
        return None

    def _check_decision_ref(self, state: NetworkState, entry: Entry, ref: DecisionRef,
                            action: str, code: str, what: str) -> Rejection | None:
        """K8: a consent names a composite, an appeal a ruling, of the author's motion."""
        if _void(state, ref.meeting):
            return None
        missing = _missing(state, ref.meeting, "K8")
        if missing is not None:
            return missing
        meeting = state.rules(Bodies).meetings.get(ref.meeting.entry)
        if meeting is None or not _at(meeting.author, meeting.seq, ref.meeting):
            return Rejection(
                "unknown_meeting", "K8: that group's log holds no meeting with that id at "
                "the seq cited")
        if ref.item >= len(meeting.body.items):
            return Rejection(
                "bad_item", f"K8: the meeting has {len(meeting.body.items)} item(s); there "
                f"is no item {ref.item}")
        item = meeting.body.items[ref.item]
        if item.action != action:
            return Rejection(code, f"K8: item {ref.item} of that meeting is no {what}")
        if not any(self.motions.get(m) is not None and self.motions[m].author == entry.author
                   for m in item.refs):
            return Rejection(
                "not_submitter", f"K8: only a group whose motion the {what} names may "
                f"{'consent to it' if action == 'composite' else 'appeal against it'}")
        return None

    def _check_consent(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceConsent = entry.body  # type: ignore[assignment]
        return self._check_decision_ref(state, entry, body.composite, "composite",
                                        "not_a_composite", "composite")

    def _check_appeal(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferenceAppeal = entry.body  # type: ignore[assignment]
        refused = self._check_decision_ref(state, entry, body.ruling, "rule-out",
                                           "not_a_ruling", "ruling")
        if refused is None and not _void(state, body.ruling.meeting) and \
                (entry.author, body.ruling.meeting.entry, body.ruling.item) in self._appealed:
            return Rejection(
                "already_appealed", "K8: a group appeals against a ruling once")
        return refused

    def _check_priorities(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: ConferencePriorities = entry.body  # type: ignore[assignment]
        rules = self.constitution(state, body.conference.entry, entry.ts).conference
        if len(body.choices) > rules.priority_slots:
            return Rejection(
                "too_many_choices", f"K9: a ballot chooses at most {rules.priority_slots} "
                f"items (the constitution's priority slots); this one chooses "
                f"{len(body.choices)}")
        if len(set(body.choices)) != len(body.choices):
            return Rejection("duplicate_choice", "K9: a ballot chooses each item once")
        if _void(state, body.conference):
            return None
        call = self._call(state, body.conference)
        if isinstance(call, Rejection):
            return call
        if (entry.author, call.id) not in state.rules(Credentials).credentials:
            return Rejection(
                "no_credential", "K9: a group casts a priorities ballot once it has "
                "published its delegates' credential for the conference")
        deadline = call.body.opens - rules.final_agenda_days * DAY_MS
        if entry.ts > deadline:
            return Rejection(
                "past_deadline", f"K9: priorities are due by the final agenda, "
                f"{rules.final_agenda_days} days before the conference opens; this ballot "
                f"is dated {_days(entry.ts - deadline)} after that")
        return None

    # -- apply --------------------------------------------------------------------

    def apply(self, state: NetworkState, entry: Entry) -> None:
        if _void(state, _reference(entry)):
            return  # a reference a fork freeze removed: accepted, no effect (SM3)
        _APPLY[entry.kind](self, entry)
        self._entries.append((entry.id, entry.kind, entry.author))

    def _apply_call(self, entry: Entry) -> None:
        self.calls[entry.id] = Call(entry.id, entry.author, entry.seq, entry.ts,
                                    entry.body)  # type: ignore[arg-type]

    def _apply_requisition(self, entry: Entry) -> None:
        body: ConferenceRequisition = entry.body  # type: ignore[assignment]
        if body.ref is None:
            self.requisitions[entry.id] = Requisition(
                entry.id, entry.author, entry.seq, entry.ts, body, {entry.author: entry.id})
        else:
            self.requisitions[body.ref.entry].supporters[entry.author] = entry.id

    def _apply_motion(self, entry: Entry) -> None:
        body: ConferenceMotion = entry.body  # type: ignore[assignment]
        conference = body.conference.entry
        self.motions[entry.id] = Submission(entry.id, entry.author, entry.seq, entry.ts,
                                            conference, body)
        key = (entry.author, conference, "emergency" if body.emergency else "motion")
        self._submitted[key] = self._submitted.get(key, 0) + 1

    def _apply_amendment(self, entry: Entry) -> None:
        body: ConferenceAmendment = entry.body  # type: ignore[assignment]
        conference = self.motions[body.motion.entry].conference
        self.amendments[entry.id] = Amendment(entry.id, entry.author, entry.seq, entry.ts,
                                              conference, body.motion.entry, body)
        key = (entry.author, conference, "amendment")
        self._submitted[key] = self._submitted.get(key, 0) + 1

    def _apply_rule_change(self, entry: Entry) -> None:
        body: ConferenceRuleChange = entry.body  # type: ignore[assignment]
        conference = body.conference.entry
        self.rule_changes[entry.id] = RuleChange(entry.id, entry.author, entry.seq, entry.ts,
                                                 conference, body)
        key = (entry.author, conference, "rule change")
        self._submitted[key] = self._submitted.get(key, 0) + 1

    def _apply_rule_change_amendment(self, entry: Entry) -> None:
        body: ConferenceRuleChangeAmendment = entry.body  # type: ignore[assignment]
        proposal = self.rule_changes[body.rule_change.entry]
        self.rule_change_amendments[entry.id] = RuleChangeAmendment(
            entry.id, entry.author, entry.seq, entry.ts, proposal.conference, proposal.id, body)

    def _apply_consent(self, entry: Entry) -> None:
        body: ConferenceConsent = entry.body  # type: ignore[assignment]
        composite = (body.composite.meeting.entry, body.composite.item)
        self.consents.setdefault(composite, {}).setdefault(entry.author, []).append(
            Consent(entry.id, entry.author, entry.seq, entry.ts, body.consent))

    def _apply_appeal(self, entry: Entry) -> None:
        body: ConferenceAppeal = entry.body  # type: ignore[assignment]
        self.appeals[entry.id] = Appeal(entry.id, entry.author, entry.seq, entry.ts,
                                        body.ruling.meeting.entry, body.ruling.item,
                                        body.reason)
        self._appealed.add((entry.author, body.ruling.meeting.entry, body.ruling.item))

    def _apply_priorities(self, entry: Entry) -> None:
        body: ConferencePriorities = entry.body  # type: ignore[assignment]
        self.ballots.setdefault(body.conference.entry, {}).setdefault(entry.author, []).append(
            Ballot(entry.id, entry.author, entry.seq, entry.ts, list(body.choices)))

    def summary(self, state: NetworkState) -> dict[str, object]:
        # written once there is a conference entry: older networks hash as before (5.6)
        if not self._entries:
            return {}
        return {"conference_entries": sorted([i, k, a] for i, k, a in self._entries)}


# -- helpers of the receipt rules ---------------------------------------------------


def _days(ms: int) -> str:
    whole, rest = divmod(ms, DAY_MS)
    return f"{whole} days" if rest == 0 else f"{ms / DAY_MS:.1f} days"


def _undecided() -> Rejection:
    return Rejection(
        "missing_dependency", "C5.8: whether a rule change is in force for this entry's "
        "date is not decided yet: it waits until the network has witnessed the outcome")


def _constitution_start(state: NetworkState) -> int:
    """When the constitution took effect: its entry, or under the default the charter (K1)."""
    written = state.rules(Constitutions).ts
    if written is not None:
        return written
    return state.rules(Admission).founded_at or 0


def _missing(state: NetworkState, ref: EntryRef, rule: str) -> Rejection | None:
    held = state.head_of(ref.group).seq
    if held < ref.seen:
        return Rejection(
            "missing_dependency", f"{rule}: the reference cites seq {ref.seen} of that "
            f"group's log; this node holds {held} so far")
    return None


def _at(author: str, seq: int, ref: EntryRef) -> bool:
    """The entry found is the referenced group's, at or before the seq the writer held."""
    return author == ref.group and seq <= ref.seen


def _void(state: NetworkState, ref: EntryRef | None) -> bool:
    """A reference into a part of a log that a fork freeze removed (SM3): no effect."""
    if ref is None:
        return False
    frozen_at = state.frozen.get(ref.group)
    return frozen_at is not None and frozen_at <= ref.seen


def _reference(entry: Entry) -> EntryRef | None:
    """The reference an entry is judged by, if it has one (SM3, as K2–K9 use it)."""
    body = entry.body
    if isinstance(body, ConferenceCall):
        return body.decision.meeting if body.decision is not None else body.requisition
    if isinstance(body, ConferenceRequisition):
        return body.ref
    if isinstance(body, ConferenceMotion | ConferencePriorities | ConferenceRuleChange):
        return body.conference
    if isinstance(body, ConferenceAmendment):
        return body.motion
    if isinstance(body, ConferenceRuleChangeAmendment):
        return body.rule_change
    if isinstance(body, ConferenceConsent):
        return body.composite.meeting
    if isinstance(body, ConferenceAppeal):
        return body.ruling.meeting
    return None


def _check_text_and_decision(text: str, decision: Adoption, rules: ConferenceRules,
                             rule: str, what: str) -> Rejection | None:
    """What a motion or amendment decides by itself: its length and its meeting's count."""
    count = words(text)
    if count > rules.max_motion_words:
        return Rejection(
            "too_long", f"{rule}: a {what} has at most {rules.max_motion_words} words "
            f"(C4.5); this one has {count}")
    return _check_decision(decision, rule, what)


def _check_decision(decision: Adoption, rule: str, what: str) -> Rejection | None:
    """The group's meeting carried it: a count no larger than the meeting (SM8), more for
    than against."""
    tally = decision.tally
    votes = tally.in_favour + tally.against + tally.abstentions
    if votes > tally.attendance:
        return Rejection(
            "tally_exceeds_attendance", f"SM8: the tally counts {votes} votes but the meeting "
            f"it cites had {tally.attendance} present")
    if tally.in_favour <= tally.against:
        return Rejection(
            "not_carried", f"{rule}: a group submits a {what} its meeting carried; this "
            f"count is {tally.in_favour} for, {tally.against} against")
    return None


def _check_proposal(state: NetworkState, proposed: Constitution) -> Rejection | None:
    """K11, K12: a proposed constitution keeps the charter's standing orders (5.3) and
    every entrenched provision (E1–E7), and is consistent."""
    if proposed.standing_orders != state.orders:
        return Rejection(
            "bad_constitution", "C5: the standing orders are the charter's; a rule change "
            "repeats them unchanged")
    broken = entrenchment(proposed)
    return broken[0] if broken else None


def _check_annual(state: NetworkState, decision: DecisionRef, opens: int,
                  rules: ConferenceRules) -> Rejection | None:
    if _void(state, decision.meeting):
        return None
    missing = _missing(state, decision.meeting, "K2")
    if missing is not None:
        return missing
    meeting = state.rules(Bodies).meetings.get(decision.meeting.entry)
    if meeting is None or not _at(meeting.author, meeting.seq, decision.meeting) \
            or decision.item >= len(meeting.body.items):
        return Rejection(
            "unknown_decision", "K2: that group's log holds no such meeting item at the seq "
            "cited")
    item = meeting.body.items[decision.item]
    if meeting.body.body != rules.called_by or item.action != "call-conference":
        return Rejection(
            "unknown_decision", f"K2: an annual conference is called by a `call-conference` "
            f"decision of `{rules.called_by}`; that item is `{item.action}` of "
            f"`{meeting.body.body}`")
    if item.opens != opens:
        return Rejection(
            "bad_call", "K2: the conference opens when the decision that called it says")
    return None


_CHECKS = {
    "conference.call": Conferences._check_call,
    "conference.requisition": Conferences._check_requisition,
    "conference.motion": Conferences._check_motion,
    "conference.amendment": Conferences._check_amendment,
    "conference.consent": Conferences._check_consent,
    "conference.appeal": Conferences._check_appeal,
    "conference.priorities": Conferences._check_priorities,
    "conference.rule_change": Conferences._check_rule_change,
    "conference.rule_change_amendment": Conferences._check_rule_change_amendment,
}
_APPLY = {
    "conference.call": Conferences._apply_call,
    "conference.requisition": Conferences._apply_requisition,
    "conference.motion": Conferences._apply_motion,
    "conference.amendment": Conferences._apply_amendment,
    "conference.consent": Conferences._apply_consent,
    "conference.appeal": Conferences._apply_appeal,
    "conference.priorities": Conferences._apply_priorities,
    "conference.rule_change": Conferences._apply_rule_change,
    "conference.rule_change_amendment": Conferences._apply_rule_change_amendment,
}
