"""The conference floor's record (SPEC 5.9), for people: what every question put, who voted
how by delegation under which mandate, the counts by hands and by card, the cuts and
their cosigners; the same as Markdown for `groupnet conference report`; and the
recount `groupnet verify` makes of every floor result and every election's count.

Everything here reads the state every node derives (`procedure/network/floor_review.py`);
nothing is signed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from ..clock import now_ms
from ..procedure.network.conference_review import Review
from ..procedure.network.credentials import Credentials
from ..procedure.network.elections import Elections
from ..procedure.network.floor import Certificate, Cut, Floor, said
from ..procedure.network.floor_review import FloorView, Question, floor
from ..procedure.network.state import NetworkState
from ..wire.rejection import Rejection
from . import conferences
from .conferences import call_or_404
from .elections import view as elections_view
from .floor import describe
from .node import Node


def item_title(node: Node, found: Review, item: str) -> str:
    """What a question puts, in words: a motion's title, an amendment to one, a composite, a
    ruling, a rule change."""
    names = {m.node: m.name for m in node.state.members.values()}
    motions = {m.id: m for m in found.motions}
    if item in motions:
        return f"{motions[item].title} ({names.get(motions[item].group, motions[item].group)})"
    amendment = next((a for a in found.amendments if a.id == item), None)
    if amendment is not None:
        amended = motions.get(amendment.motion)
        return (f"Amendment by {names.get(amendment.group, amendment.group)} to "
                f"“{amended.title if amended else amendment.motion}”")
    composite = next((c for c in found.composites if c.id == item), None)
    if composite is not None:
        return f"Composite on {composite.subject}"
    ruling = next((r for r in found.rulings if f"{r.meeting}:{r.item}" == item), None)
    if ruling is not None:
        return f"The arrangements committee's ruling under {ruling.provision or ruling.action}"
    change = next((r for r in found.rule_changes if r.id == item), None)
    if change is not None:
        return f"Rule change: {change.title} ({names.get(change.group, change.group)})"
    if any(a.id == item for a in found.rule_change_amendments):
        return "Amendment to a rule change"
    return item


def mandate_of(node: Node, review: Review, found: Question, group: str) -> dict | None:
    """F6: the mandate `group` gave its delegates on what `found` puts, and whether it lapsed:
    "amended" (the motion is put in other words) or "composited" (its motion is now part of
    a composite, which is another item)."""
    held = node.state.rules(Credentials).credentials.get((group, found.conference))
    if held is None:
        return None
    lines = held[1].mandates
    line = next((m for m in lines if m.motion == found.item), None)
    lapsed = ""
    if line is None and found.question == "composite":
        composite = next((c for c in review.composites if c.id == found.item), None)
        line = next((m for m in lines if composite and m.motion in composite.motions), None)
        lapsed = "composited" if line is not None else ""
    elif line is not None and found.question == "motion":
        motion = node.state.rules(conferences.Conferences).motions.get(found.item)
        if motion is not None and motion.body.text != found.text:
            lapsed = "amended"
    if line is None:
        return None
    return {"position": line.position, "decision": line.decision, "lapsed": lapsed}


def tallies(found: Question) -> dict[str, dict[str, int]]:
    """The votes counted so far (those in the final cut, once there is one), of participants
    only (F8): one each by hands, each delegate's members by card."""
    hands = {"for": 0, "against": 0, "abstain": 0}
    card = dict(hands)
    for v in found.votes:
        if v.participant and v.in_cut is not False:
            hands[v.vote] += 1
            card[v.vote] += v.weight
    return {"hands": hands, "card": card}


def record(node: Node, conference: str, now: int | None = None) -> dict:
    """Every question put to the conference's floor, for people: what it put, the votes by
    delegation with their mandates and card weights, the counts so far by hands and by card,
    the cuts and who cosigned them, the result and whether it is final."""
    call_or_404(node, conference)
    agenda = conferences.review_or_404(node, conference)
    found: FloorView | None = floor(node.state, conference)
    assert found is not None
    now = now if now is not None else now_ms()
    names = {m.node: m.name for m in node.state.members.values()}
    questions = []
    for q in found.questions:
        shown = describe(node, q)
        groups = sorted({v.group for v in q.votes}, key=lambda g: names.get(g, g))
        delegations = []
        for group in groups:
            cast = [msgspec.to_builtins(v) for v in q.votes if v.group == group]
            delegations.append({"group": group, "name": names.get(group, group),
                                "mandate": mandate_of(node, agenda, q, group),
                                "votes": cast})
        final = next((c for c in q.cuts if c.entry == q.cut), None)
        best = max(q.cuts, key=lambda c: len(c.cosigners), default=None)
        shown.update(
            title=item_title(node, agenda, q.item), delegations=delegations,
            tally=tallies(q), open_now=q.opens <= now <= q.closes, closed=now > q.closes,
            needed=q.participants // 2 + 1,
            cosigned=len(best.cosigners) if best else 0,
            own_mandate=mandate_of(node, agenda, q, node.id),
            cosigners=sorted(names.get(g, g) for g in (final or best).cosigners)
            if (final or best) else [])
        questions.append(shown)
    return {"conference": conference, "chairs": [names.get(g, g) for g in found.chairs],
            "participants": sorted(({"node": g, "name": names.get(g, g)}
                                  for g in found.participants), key=lambda p: p["name"]),
            "questions": questions}


def _result_words(result: dict | None) -> str:
    if result is None:
        return "no result yet"
    return (f"{result['for']} for, {result['against']} against, {result['abstain']} "
            f"abstaining: {'carried' if result['carried'] else 'not carried'}")


def report(node: Node, conference: str) -> str:
    """The conference floor's record as Markdown, to print or to file: every item of the
    agenda, every question put, every vote by delegation with its mandate and card weight,
    the result, whether it is final and who cosigned the cut that made it so."""
    found = conferences.review_or_404(node, conference)
    shown = record(node, conference)
    names = {m.node: m.name for m in node.state.members.values()}
    lines = [f"# {found.title}: the record of the floor", "",
             f"Chair: {', '.join(shown['chairs']) or 'nobody'}. "
             f"Participants ({len(shown['participants'])}): "
             f"{', '.join(p['name'] for p in shown['participants']) or 'none'}.",
             "", "## The agenda", ""]
    for item in found.agenda.items:
        groups = ", ".join(names.get(g, g) for g in item.groups)
        lines.append(f"{item.position}. {item.title} ({item.kind}, from {groups})")
    for change in found.agenda.rule_changes:
        lines.append(f"- Rule change {change.position}: {change.title}")
    if not found.agenda.items and not found.agenda.rule_changes:
        lines.append("No item.")
    lines += ["", "## Questions put", ""]
    if not shown["questions"]:
        lines.append("No question has been put.")
    for n, q in enumerate(shown["questions"], 1):
        lines += [f"### {n}. {q['title']}", "",
                  f"- Question: {q['question']}, put by {q['chair']['name']} by {q['method']}"
                  f" ({q['threshold']} majority); open {_utc(q['opens'])} to "
                  f"{_utc(q['closes'])}",
                  f"- Text put: {q['text']}",
                  f"- Status: **{q['status']}**{' (final)' if q['final'] else ''}. "
                  f"{q['reason']}"]
        if q["outcome"]:
            lines.append(f"- Outcome: {q['outcome']}")
        lines.append(f"- Result: {_result_words(q['result'])}")
        hands, card = q["tally"]["hands"], q["tally"]["card"]
        lines.append(f"- By hands: {hands['for']} for, {hands['against']} against, "
                     f"{hands['abstain']} abstaining; by card: {card['for']} for, "
                     f"{card['against']} against, {card['abstain']} abstaining")
        if q["cosigners"]:
            lines.append(f"- Cut cosigned by: {', '.join(q['cosigners'])}")
        if q["counts"]:
            for c in q["counts"]:
                lines.append(f"- Tellers' count of {c['group']['name']}: "
                             f"{c['result'][0]} for, {c['result'][1]} against, "
                             f"{c['result'][2]} abstaining")
        lines += ["", "| Delegation | Mandate | Delegate | Vote | Card weight | Counted |",
                  "|---|---|---|---|---|---|"]
        for d in q["delegations"]:
            mandate = d["mandate"]
            said_ = "none (free)" if mandate is None else (
                f"{mandate['position']} ({mandate['decision']})"
                + (f", lapsed: {mandate['lapsed']}" if mandate["lapsed"] else ""))
            for v in d["votes"]:
                counted = ("not a participant" if v["participant"] is False else
                           "left out of the cut" if v["in_cut"] is False else "yes")
                lines.append(f"| {d['name']} | {said_} | {v['delegate']} | {v['vote']} | "
                             f"{v['weight']} | {counted} |")
        if not q["delegations"]:
            lines.append("| (no vote cast) | | | | | |")
        lines.append("")
    lines += _elections_report(node, conference, names)
    lines.append("Every node holding the same entries derives this record (SPEC 5.9).")
    return "\n".join(lines) + "\n"


def _elections_report(node: Node, conference: str, names: dict[str, str]) -> list[str]:
    """Each election of the conference with its count stage by stage (SPEC 5.9.1, E4)."""
    lines = ["## Elections", ""]
    shown = elections_view(node, conference)
    if not shown:
        lines += ["No election has been put.", ""]
    for n, e in enumerate(shown, 1):
        called = {c["id"]: c["name"] for c in e["candidates"]}
        lines += [f"### E{n}. Election of {e['seats']} to {e['body']}", "",
                  f"- Put by {names.get(e['chair'], e['chair'])} by {e['method']}; open "
                  f"{_utc(e['opens'])} to {_utc(e['closes'])}",
                  "- Candidates: " + ", ".join(
                      f"{c['name']} ({names.get(c['group'], c['group'])}"
                      f"{', ' + c['category'] if c['category'] else ''})"
                      for c in e["candidates"]),
                  f"- Status: **{e['status']}**. {e['reason']}"]
        count = e["count"]
        if count is not None:
            lines.append(f"- {count['valid']} valid ranking(s), quota {count['quota']}")
            for stage in count["stages"]:
                moved = ", ".join(called.get(c, c[:8]) for c in stage["candidates"])
                votes = ", ".join(f"{called.get(c, c[:8])} {v}"
                                  for c, v in stage["votes"].items())
                lines.append(f"- Stage {stage['number']} ({stage['action']}"
                             f"{': ' + moved if moved else ''}): {votes}")
                if stage["elected"]:
                    lines.append("  - elected: " + ", ".join(
                        called.get(c, c[:8]) for c in stage["elected"]))
                for reason in stage["reasons"]:
                    lines.append(f"  - {reason}")
            lines.append("- Elected, in order: " + (", ".join(
                called.get(c, c[:8]) for c in e["elected"]) or "nobody"))
        lines.append("")
    return lines


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def recount(state: NetworkState) -> list[str]:
    """`groupnet verify`: every floor result derived again from the entries. Each cut's votes
    (or tellers' counts) are counted anew and compared with what every cosign of it says; a
    question's final result is compared with that count too. One line per disagreement."""
    floor_ = state.rules(Floor)
    elections = state.rules(Elections)
    problems: list[str] = []
    for cut_ in sorted(floor_.cuts.values(), key=lambda c: c.id):
        if cut_.open in elections.elections:
            problems += _recount_election(state, elections, cut_)
            continue
        counted = floor_.result_of(state, cut_)
        said_by = [*floor_.cosigns.get(cut_.open, {}).values(),
                   *floor_.certificates.get(cut_.open, ())]
        for cosign in sorted(said_by, key=lambda c: c.id):
            if cosign.cut != cut_.id:
                continue
            if isinstance(counted, Rejection):
                if counted.code != "missing_dependency":
                    problems.append(f"floor cut {cut_.id[:12]}: cosigned by "
                                    f"{cosign.author[:10]}… but gives no result: "
                                    f"{counted.reason}")
            elif cosign.result != counted:
                what = "certificate" if isinstance(cosign, Certificate) else "cosign"
                problems.append(f"floor cut {cut_.id[:12]}: {what} {cosign.id[:12]} says "
                                f"{said(cosign.result)}; the votes in the cut give "
                                f"{said(counted)}")
    # each conference's floor derived once: every question's verdict against its final cut
    for conference in sorted({o.conference for o in floor_.opens.values()}):
        view = floor(state, conference)
        for found in view.questions if view is not None else []:
            if not found.final or found.cut is None or found.result is None:
                continue
            counted = floor_.result_of(state, floor_.cuts[found.cut])
            if not isinstance(counted, Rejection) and found.result != counted:
                problems.append(f"floor question {found.id[:12]}: final result "
                                f"{said(found.result)} but the cut's votes give "
                                f"{said(counted)}")
    return problems


def _recount_election(state: NetworkState, elections: Elections, cut_: Cut) -> list[str]:
    """An election's cut counted again by STV (E4), against every `floor.elected` of it."""
    counted = elections.result_of(state, cut_)
    problems = []
    for cosign in sorted(elections.cosigns.get(cut_.open, {}).values(), key=lambda c: c.id):
        if cosign.cut != cut_.id:
            continue
        if isinstance(counted, Rejection):
            if counted.code != "missing_dependency":
                problems.append(f"election cut {cut_.id[:12]}: cosigned by "
                                f"{cosign.author[:10]}… but gives no count: {counted.reason}")
        elif cosign.elected != counted.elected:
            problems.append(f"election cut {cut_.id[:12]}: cosign {cosign.id[:12]} says it "
                            f"elects {len(cosign.elected)} candidate(s) in another order or "
                            f"others; the rankings in the cut elect "
                            f"{', '.join(c[:8] for c in counted.elected)}")
    return problems
