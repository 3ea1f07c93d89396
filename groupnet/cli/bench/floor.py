"""The floor of the benchmark's conference (SPEC 5.9): the questions the chair puts, every
delegate's vote, the chair's cut after each close and every participant's cosign.

Built after the conference's final agenda is known (it decides what may be put and in what
order: an item's admissible amendments before the item, F4), continuing each group's log.
Each question's result is computed here from the votes by the rules of F8 (card weights
from the committed members), so that the cosigns carry it; the receiving node must then
derive the same result for every question, or the benchmark fails.
"""

from __future__ import annotations

import random
from math import ceil

from ...procedure.network import stv
from ...procedure.network.conference_review import Agenda
from ...wire.messages import (
    EntryRef,
    FloorCosign,
    FloorCut,
    FloorElected,
    FloorElection,
    FloorOpen,
    FloorRanking,
    FloorResult,
    FloorVote,
    Head,
)

MINUTE = 60_000
WINDOW_MS = 2 * MINUTE  # MIN_VOTE_MS: the shortest window the rules allow
EVERY_MS = 4 * MINUTE  # from one question's opening to the next's


def _ref(entry) -> EntryRef:
    return EntryRef(entry.author, entry.id, entry.seq)


def card_weight(members: int, delegates: int, position: int) -> int:
    """F8: a delegation's members split among its delegates, the remainder to the first."""
    return members // delegates + (1 if position < members % delegates else 0)


def questions(agenda: Agenda, count: int) -> list[tuple[str, str, str]]:
    """Up to `count` questions (item id, question, kind of item) in the order the floor takes
    them: each agenda item after its admissible amendments, whole items only."""
    out: list[tuple[str, str, str]] = []
    for item in agenda.items:
        wanted = [(a, "amendment", item.id) for a in item.amendments]
        wanted.append((item.id, "composite" if item.kind == "composite" else "motion", item.id))
        if len(out) + len(wanted) > count:
            break
        out += wanted
    return out


def make_floor(made, agenda: Agenda, count: int, seed: int = 2026
               ) -> tuple[list, dict[str, FloorResult], stv.Count | None]:
    """The floor's entries in an order a node could take them, each question's result, and
    the count of the election that follows the questions (None without nominations)."""
    chooser = random.Random(seed)
    groups = made.groups
    call = made.call
    chair = groups[0]  # holds a seat on the arrangements committee
    entries: list = []
    results: dict[str, FloorResult] = {}
    last_carried: dict[str, str] = {}  # item → text of the amendment carried last
    start = call.body.opens + MINUTE  # type: ignore[attr-defined]
    for number, (item, question, parent) in enumerate(questions(agenda, count)):
        opens = start + number * EVERY_MS
        closes = opens + WINDOW_MS
        method = "card" if number % 2 == 0 else "hands"
        if question == "amendment":
            text = made.texts[item]
        else:
            text = last_carried.get(item, made.texts[item])
        put = chair.write("floor.open", FloorOpen(
            _ref(call), item, question, text, method, [], "simple", opens, closes), opens)
        entries.append(put)
        # how the hall leans on this question: amendments mostly fall, motions mostly carry
        leaning = 0.35 if question == "amendment" else 0.7
        tally = {"for": 0, "against": 0, "abstain": 0}
        for g in groups:
            delegates = made.delegates[g.id]
            voted = opens + 1000 + chooser.randrange(WINDOW_MS - 10_000)
            for position in range(delegates):
                draw = chooser.random()
                choice = "abstain" if draw > 0.95 else "for" if draw < leaning else "against"
                entries.append(g.write("floor.vote", FloorVote(
                    _ref(put), f"g{g.number}-{position}", choice), voted + position))
                tally[choice] += card_weight(made.members[g.id], delegates, position) \
                    if method == "card" else 1
        carried = tally["for"] > tally["against"]
        result = FloorResult(tally["for"], tally["against"], tally["abstain"], carried)
        results[put.id] = result
        if question == "amendment" and carried:
            last_carried[parent] = text
        heads = [Head(g.id, g.seq, g.prev) for g in groups if made.delegates.get(g.id)]
        cut = chair.write("floor.cut", FloorCut(_ref(put), heads), closes + 5_000)
        entries.append(cut)
        for g in groups:
            entries.append(g.write("floor.cosign", FloorCosign(_ref(cut), result),
                                   closes + 10_000 + g.number))
    elected = None
    if made.nominations:
        opens = start + len(results) * EVERY_MS
        elected = _election(made, chooser, entries, opens)
    return entries, results, elected


def _election(made, chooser: random.Random, entries: list, opens: int) -> stv.Count:
    """The election of the national committee by card vote (SPEC 5.9.1): every delegate
    ranks some of the candidates; the cut; every group cosigns whom the STV count elects."""
    groups, chair = made.groups, made.groups[0]
    closes = opens + WINDOW_MS
    nominations = made.nominations
    seats = 7
    put = chair.write("floor.election", FloorElection(
        _ref(made.call), nominations[0].body.body, seats, [_ref(n) for n in nominations],
        "card", opens, closes), opens)
    entries.append(put)
    ids = [n.id for n in nominations]
    cast: list[tuple[str, int, list[str], int]] = []
    for g in groups:
        delegates = made.delegates[g.id]
        voted = opens + 1000 + chooser.randrange(WINDOW_MS - 10_000)
        for position in range(delegates):
            ranking = chooser.sample(ids, chooser.randrange(3, min(10, len(ids)) + 1))
            ranked = g.write("floor.ranking", FloorRanking(
                _ref(put), f"g{g.number}-{position}", ranking), voted + position)
            entries.append(ranked)
            cast.append((g.id, ranked.seq, ranking,
                         card_weight(made.members[g.id], delegates, position)))
    heads = [Head(g.id, g.seq, g.prev) for g in groups if made.delegates.get(g.id)]
    cut = chair.write("floor.cut", FloorCut(_ref(put), heads), closes + 5_000)
    entries.append(cut)
    cast.sort(key=lambda c: (c[0], c[1]))  # the rankings in the cut, as E4 takes them
    candidates = [stv.Candidate(n.id, (n.body.category,) if n.body.category else ())
                  for n in nominations]
    count = stv.count(seats, candidates, [c[2] for c in cast], weights=[c[3] for c in cast],
                      minimum={"woman": ceil(seats / 2)}, seed=cut.id)
    for g in groups:
        entries.append(g.write("floor.elected", FloorElected(_ref(cut), count.elected),
                               closes + 10_000 + g.number))
    return count
