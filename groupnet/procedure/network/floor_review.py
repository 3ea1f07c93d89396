"""What every node derives about a conference's floor (SPEC 5.9): statuses, never refusals.

`floor.py` decides which floor entries are accepted; this module reads them,
with the conference's final agenda (`conference_review.py`) and the witnesses,
and answers for each question put: whether it is on the agenda, after its
amendments and in their words (F3, F4), whether a cut is final (F9), its result
and what follows (F10). Everything is a function of the state: two nodes that
hold the same entries give the same answers, and an answer that waits on what
the network has not yet witnessed says "pending".

No I/O, no clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import FloorResult
from ...wire.rejection import Rejection
from .conference_review import Review, review
from .conferences import Call, Conferences
from .credentials import Credentials
from .floor import RULE_CHANGES, Cut, Floor, Open, chairs, said

if TYPE_CHECKING:
    from .state import NetworkState


class VoteView(msgspec.Struct, frozen=True):
    entry: str
    group: str
    delegate: str
    vote: str
    ts: int
    weight: int
    mandate: str  # F6: "support", "oppose", "free", "lapsed", or ""
    # F8: whether the group is a participant (None: not yet witnessed)
    participant: bool | None
    # whether the final cut holds it (None: no final cut yet)
    in_cut: bool | None


class TellerCount(msgspec.Struct, frozen=True):
    group: str
    entry: str
    result: tuple[int, int, int]


class CutView(msgspec.Struct, frozen=True):
    entry: str
    chair: str
    ts: int
    heads: dict[str, int]
    result: FloorResult | None
    cosigners: list[str]


class Question(msgspec.Struct, frozen=True):
    """One vote put to the floor, as every node derives it."""

    id: str
    chair: str
    conference: str
    item: str
    question: str
    text: str
    method: str
    tellers: list[str]
    threshold: str
    opens: int
    closes: int
    status: str  # "pending", "void", "carried" or "lost"
    reason: str
    final: bool
    result: FloorResult | None
    cut: str | None
    participants: int
    outcome: str
    tellers_count: str  # "", "awaiting counts", "pending", "agreed" or "disputed"
    votes: list[VoteView]
    counts: list[TellerCount]
    cuts: list[CutView]


class FloorView(msgspec.Struct, frozen=True):
    conference: str
    chairs: list[str]
    participants: list[str]
    questions: list[Question]


class _Verdict(msgspec.Struct, frozen=True):
    status: str
    reason: str
    result: FloorResult | None = None
    cut: str | None = None


class _Derivation:
    """The floor of one conference, each question decided once."""

    def __init__(self, state: NetworkState, call: Call, agenda: Review) -> None:
        self.state, self.call, self.review = state, call, agenda
        self.floor = state.rules(Floor)
        self.opens = sorted((o for o in self.floor.opens.values() if o.conference == call.id),
                            key=lambda o: (o.body.opens, o.id))
        groups = sorted({g for g, c in state.rules(Credentials).history if c == call.id})
        self.standing = {g: self.floor.participant(state, call, g) for g in groups}
        self._decided: dict[str, _Verdict] = {}

    def participants(self) -> list[str]:
        return [g for g, ok in self.standing.items() if ok]

    def decided(self, put: Open) -> _Verdict:
        if put.id not in self._decided:
            self._decided[put.id] = self._decide(put)
        return self._decided[put.id]

    def _decide(self, put: Open) -> _Verdict:
        """F3, F4 on what is put; F9 on the cosigns."""
        item = self._item(put)
        if item is not None and item.status == "void":
            return item
        undecided = [g for g, ok in self.standing.items() if ok is None]
        if undecided:
            return _Verdict("pending", f"F9: the network has not yet witnessed whether "
                            f"{len(undecided)} group(s)' credentials stand (K5)")
        final = self.final_cut(put)
        if item is not None:
            return msgspec.structs.replace(item, cut=final.id if final else None)
        count = len(self.participants())
        if final is None:
            best = max((len(self.cosigners(put, c)) for c in self.cuts(put)), default=0)
            return _Verdict("pending", f"F9: {best} of {count} participants cosigned one cut; "
                            "more than half are needed for a final result")
        result = self.floor.result_of(self.state, final)
        if isinstance(result, Rejection):
            return _Verdict("pending", result.reason, cut=final.id)
        cosigned = len(self.cosigners(put, final))
        return _Verdict("carried" if result.carried else "lost",
                        f"F9: final: {said(result)}, cosigned by {cosigned} of {count} "
                        "participants", result, final.id)

    def cuts(self, put: Open) -> list[Cut]:
        return sorted((c for c in self.floor.cuts.values() if c.open == put.id),
                      key=lambda c: c.id)

    def cosigners(self, put: Open, cut: Cut) -> list[str]:
        return sorted(g for g, c in self.floor.cosigned(put.id).items()
                      if c == cut.id and self.standing.get(g))

    def final_cut(self, put: Open) -> Cut | None:
        """F9: the cut more than half of the participants cosigned, if there is one."""
        count = len(self.participants())
        return next((c for c in self.cuts(put) if 2 * len(self.cosigners(put, c)) > count), None)

    def _item(self, put: Open) -> _Verdict | None:
        """F3, F4: is what is put on the final agenda, after its amendments, as amended?"""
        if self.review.agenda.status != "final":
            return _Verdict("pending", "F3: the conference's agenda is not final yet")
        body = put.body
        items = self.review.agenda.items
        if body.question in RULE_CHANGES:
            return self._rule_change(put)
        if body.question == "amendment":
            if any(body.item in i.amendments for i in items):
                return None
            return _Verdict("void", f"F3: `{body.item}` is no admissible amendment of an item "
                            "on the final agenda")
        if body.question in ("reference-back", "appeal"):
            ruling = next((r for r in self.review.rulings
                           if f"{r.meeting}:{r.item}" == body.item), None)
            if ruling is None or ruling.action != "rule-out" or ruling.status != "carried":
                return _Verdict("void", f"F3: `{body.item}` is no carried ruling of the "
                                "arrangements committee for this conference")
            if body.question == "appeal" and not ruling.appeals:
                return _Verdict("void", f"F3: nobody appealed against ruling `{body.item}`")
            return None
        kinds = ("composite",) if body.question == "composite" else ("motion", "emergency motion")
        found = next((i for i in items if i.id == body.item and i.kind in kinds), None)
        returned = self.returned(put)
        if found is None and body.item not in returned:
            return _Verdict("void", f"F3: `{body.item}` is no {body.question} on the "
                            "conference's final agenda")
        amendments = found.amendments if found is not None else []
        if body.question == "composite":
            text = next(c.text for c in self.review.composites if c.id == body.item)
        else:
            text = next(m.text for m in self.review.motions if m.id == body.item)
        first = self._amendments_first(put, amendments, "amendment")
        if isinstance(first, _Verdict):
            return first
        expected = next(a.text for a in self.review.amendments if a.id == first) \
            if first is not None else text
        if body.text != expected:
            how = "as the amendment carried last has it" if first else "as submitted"
            return _Verdict("void", f"F4: the text put must be the {body.question}'s text "
                            f"{how}; this vote puts another")
        return None

    def _rule_change(self, put: Open) -> _Verdict | None:
        """F3, F4 for a rule change (C5.4): on the agenda, by card vote, amendments first."""
        body = put.body
        if body.method != "card":
            return _Verdict("void", "C5.4: the conference decides a rule change, and its "
                            "amendments, by a card vote")
        changes = self.review.agenda.rule_changes
        if body.question == "rule-change-amendment":
            if any(body.item in r.amendments for r in changes):
                return None
            return _Verdict("void", f"F3: `{body.item}` is no admissible amendment of a rule "
                            "change on the final agenda")
        found = next((r for r in changes if r.id == body.item), None)
        if found is None:
            return _Verdict("void", f"F3: `{body.item}` is no rule change on the conference's "
                            "final agenda")
        first = self._amendments_first(put, found.amendments, "rule-change-amendment")
        return first if isinstance(first, _Verdict) else None

    def _amendments_first(self, put: Open, amendments: list[str],
                          question: str) -> _Verdict | str | None:
        """F4: every amendment had a vote, not void, that closed before `put` opened; the
        amendment carried by the vote that closed last (ties: the greater id), if any."""
        carried: list[tuple[int, str]] = []
        for amendment in amendments:
            votes = [o for o in self.opens if o.body.question == question
                     and o.body.item == amendment and o.body.closes < put.body.opens
                     and self.decided(o).status != "void"]
            if not votes:
                return _Verdict("void", f"F4: amendments are voted before the "
                                f"{put.body.question}; amendment {amendment} had no vote that "
                                "closed before this one opened")
            verdicts = [self.decided(o) for o in votes]
            if any(v.status == "pending" for v in verdicts):
                return _Verdict("pending", f"F4: the vote on amendment {amendment} is not "
                                "final yet")
            if any(v.status == "carried" for v in verdicts):
                closes = max(o.body.closes for o, v in zip(votes, verdicts, strict=True)
                             if v.status == "carried")
                carried.append((closes, amendment))
        return max(carried)[1] if carried else None

    def returned(self, put: Open) -> set[str]:
        """Motions a carried reference back or appeal, closed before `put` opened, restored."""
        out: set[str] = set()
        for other in self.opens:
            if other.body.question in ("reference-back", "appeal") \
                    and other.body.closes < put.body.opens \
                    and self.decided(other).status == "carried":
                ruling = next(r for r in self.review.rulings
                              if f"{r.meeting}:{r.item}" == other.body.item)
                out.update(ruling.refs)
        return out

    def outcome(self, put: Open, verdict: _Verdict) -> str:
        body = put.body
        if verdict.status != "carried":
            return {"lost": f"the {body.question} is lost"}.get(verdict.status, "")
        if body.question == "amendment":
            return "F10: carried: the motion's text is now the amendment's"
        if body.question == "rule-change-amendment":
            return "F10: carried: the rule change reads as this amendment has it"
        if body.question == "rule-change":
            n, d = self.state.constitution_at(self.call.ts).amendments.threshold
            changes = next(r for r in self.review.agenda.rule_changes if r.id == body.item)
            amended = self._amendments_first(put, changes.amendments, "rule-change-amendment")
            how = f", as amendment {amended} has it" if isinstance(amended, str) else ""
            return f"F10: the rule change is carried at {n}/{d} (C5.4){how}"
        if body.question in ("reference-back", "appeal"):
            ruling = next(r for r in self.review.rulings
                          if f"{r.meeting}:{r.item}" == body.item)
            return (f"F10: carried: ruling {body.item} is undone; "
                    f"{len(ruling.refs)} motion(s) return to the agenda")
        return f"F10: the {body.question} is carried"

    def question(self, put: Open) -> Question:
        verdict = self.decided(put)
        final = next((c for c in self.cuts(put) if c.id == verdict.cut), None)
        votes = [VoteView(v.id, v.author, v.delegate, v.vote, v.ts, v.weight, v.mandate,
                          self.standing.get(v.author, False),
                          None if final is None else v.seq <= final.heads.get(v.author, 0))
                 for author, cast in sorted(self.floor.votes.get(put.id, {}).items())
                 for v in cast]
        counts = [TellerCount(c.author, c.id, c.result)
                  for _, c in sorted(self.floor.counts.get(put.id, {}).items())]
        cuts = []
        for cut in self.cuts(put):
            result = self.floor.result_of(self.state, cut)
            cuts.append(CutView(cut.id, cut.author, cut.ts, dict(sorted(cut.heads.items())),
                                None if isinstance(result, Rejection) else result,
                                self.cosigners(put, cut)))
        tellers = ""
        if put.body.method == "tellers":
            given = {c.result for c in counts}
            tellers = ("awaiting counts" if not counts else "disputed" if len(given) > 1
                       else "agreed" if len(counts) >= len(set(put.body.tellers)) else "pending")
        return Question(
            put.id, put.author, put.conference, put.body.item, put.body.question, put.body.text,
            put.body.method, list(put.body.tellers), put.body.threshold, put.body.opens,
            put.body.closes, verdict.status, verdict.reason,
            verdict.status in ("carried", "lost"), verdict.result, verdict.cut,
            len(self.participants()), self.outcome(put, verdict), tellers, votes, counts, cuts)


def floor(state: NetworkState, conference: str) -> FloorView | None:
    """Every vote put to the conference's floor, decided; None if no such call is held."""
    call = state.rules(Conferences).calls.get(conference)
    agenda = review(state, conference)
    if call is None or agenda is None:
        return None
    derived = _Derivation(state, call, agenda)
    return FloorView(conference, chairs(state, call.ts), derived.participants(),
                     [derived.question(put) for put in derived.opens])


def question(state: NetworkState, open_id: str) -> Question | None:
    """One vote put to the floor, decided; None if no such vote is held."""
    put = state.rules(Floor).opens.get(open_id)
    if put is None:
        return None
    call = state.rules(Conferences).calls[put.conference]
    derived = _Derivation(state, call, review(state, put.conference))  # type: ignore[arg-type]
    return derived.question(put)


def rule_change_text(state: NetworkState, open_id: str) -> str | None:
    """F10: the amendment a carried rule change is carried as (the one carried last), or
    None when it is carried as proposed (C5.5)."""
    put = state.rules(Floor).opens[open_id]
    call = state.rules(Conferences).calls[put.conference]
    agenda = review(state, put.conference)
    found = next((r for r in agenda.agenda.rule_changes if r.id == put.body.item), None) \
        if agenda is not None else None
    if found is None:
        return None
    amended = _Derivation(state, call, agenda)._amendments_first(  # type: ignore[arg-type]
        put, found.amendments, "rule-change-amendment")
    return amended if isinstance(amended, str) else None
