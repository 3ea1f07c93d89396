"""The STV count (protocol/STV.md): Scottish STV, its ties and draw, and the balance rule."""

from __future__ import annotations

import hashlib
import random
import shlex
from decimal import Decimal
from pathlib import Path

import pytest

from groupnet.procedure.network.stv import Candidate, Count, Tie, count

DATA = Path(__file__).resolve().parents[1] / "data" / "stv"


def read_blt(path: Path) -> tuple[int, list[str], list[list[str]], str]:
    """A ballot file in the BLT format: seats, candidate names, ballots, title."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number, seats = (int(x) for x in lines[0].split())
    rows = []
    at = 1
    while lines[at].strip() != "0":
        weight, *choices = (int(x) for x in lines[at].split())
        rows.append((weight, choices[:-1]))
        at += 1
    names = [shlex.split(line)[0] for line in lines[at + 1:at + 1 + number]]
    title = shlex.split(lines[at + 1 + number])[0]
    ballots = [[names[c - 1] for c in choices] for weight, choices in rows
               for _ in range(weight)]
    return seats, names, ballots, title


def plain(names: list[str] | str) -> list[Candidate]:
    return [Candidate(name) for name in names]


def totals_hold(result: Count) -> None:
    """At every stage the votes held, exhausted and lost to truncation add up to the ballots."""
    exhausted = lost = Decimal(0)
    for stage in result.stages:
        exhausted += stage.exhausted
        lost += stage.lost
        assert sum(stage.votes.values()) + exhausted + lost == result.valid, stage.number


# -- published examples -----------------------------------------------------------


def test_the_wikipedia_example_elects_chocolate_orange_and_strawberry():
    """The worked example of Wikipedia's "Single transferable vote" article (Droop quota,
    fractional surplus), also the reference case of VoteIT/stvpoll's Scottish STV tests
    (stvpoll/tests.py, test_wikipedia_example)."""
    ballots = ([["orange"]] * 4 + [["pear", "orange"]] * 2
               + [["chocolate", "strawberry"]] * 8 + [["chocolate", "bonbon"]] * 4
               + [["strawberry"]] + [["bonbon"]])
    result = count(3, plain(["orange", "pear", "chocolate", "strawberry", "bonbon"]),
                   ballots, seed="food")
    assert result.quota == Decimal("6.00000")
    assert result.elected == ["chocolate", "orange", "strawberry"]
    assert [s.action for s in result.stages] == ["first", "surplus", "exclusion", "exclusion"]
    surplus = result.stages[1]
    assert surplus.transfers == {"bonbon": Decimal("2.00000"), "strawberry": Decimal("4.00000")}
    assert surplus.votes["chocolate"] == Decimal("6.00000")
    assert result.stages[2].candidates == ["pear"]
    assert result.stages[2].elected == ["orange"]
    assert result.stages[3].exhausted == Decimal("3.00000")  # bonbon's papers go no further
    totals_hold(result)


def droop_stages(path: Path) -> list[tuple[dict[str, Decimal], Decimal]]:
    """Droop's count sheet: each stage's votes by candidate, and the non-transferable total.

    A row `begin` holds the first stage, and each later round one `transfer` row;
    the columns are round, action, quota, non-transferable, then name, state and
    votes of every candidate.
    """
    stages = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if cells[1] in ("begin", "transfer"):
            names, figures = cells[4::3], cells[6::3]
            stages.append(({n: Decimal(v) for n, v in zip(names, figures, strict=True)},
                           Decimal(cells[3])))
    return stages


def matches_droop(result: Count, reference: Path) -> None:
    exhausted = Decimal(0)
    expected = droop_stages(reference)
    assert len(result.stages) == len(expected)
    for stage, (figures, non_transferable) in zip(result.stages, expected, strict=True):
        exhausted += stage.exhausted
        assert stage.votes == figures, stage.number
        assert exhausted == non_transferable, stage.number


def test_a_green_party_committee_election_matches_the_droop_reference_count_stage_by_stage():
    """The Green Party of the United States' steering committee election of 2005-07-24
    (4 seats, 13 candidates, 94 ballots) as Droop, Jonathan Lundell's STV counter, ships
    it (jklundell/droop test/blt/SC.blt), against Droop's reference count of it under its
    rule for SSI 2007/42 rules 45-52 (test/ref/dump/SC-scotland-fixed-p5-d5.txt).

    Droop breaks the ties among the four candidates with no votes by its own lot; they
    hold no papers, so the order in which they go changes no figure.
    """
    seats, names, ballots, title = read_blt(DATA / "gpus-2005.blt")
    assert title == "GPUS Steering Committee Election 2005-07-24"
    result = count(seats, plain(names), ballots, seed=title)
    assert result.quota == Decimal("19.00000")
    assert result.elected == ["Rebecca Rotzler", "Pat LaMarche", "Steve Kramer",
                              "Tom Sevigny"]
    matches_droop(result, DATA / "gpus-2005.droop.tsv")
    assert [s.action for s in result.stages] == [
        "first", "surplus", "surplus", "exclusion", "exclusion", "exclusion", "exclusion",
        "exclusion", "exclusion", "surplus", "exclusion", "exclusion", "exclusion"]
    assert result.stages[12].reasons[-1].endswith("(rule 52).")
    totals_hold(result)


def test_a_seven_seat_validation_election_matches_the_droop_reference_count_stage_by_stage():
    """M135 of Brian Wichmann's "The validation of the STV programs for ERBS" (1999):
    7 seats, 25 candidates, 679 ballots (two blank), as Droop ships it
    (jklundell/droop test/blt/M135.blt), against Droop's Scottish STV count of it
    (test/ref/dump/M135-scotland-fixed-p5-d5.txt). Droop elects those who reach the
    quota at one stage in the candidates' order; rule 47 gives no order, and this count
    takes the highest first (STV 5.2), so only the set elected at the last stage is
    compared as a set.
    """
    seats, names, ballots, title = read_blt(DATA / "wichmann-m135.blt")
    assert title == "M135: Gen v1.1 1 3 45"
    result = count(seats, plain(names), ballots, seed=title)
    assert (result.valid, result.invalid, result.quota) == (677, 2, Decimal("85.00000"))
    matches_droop(result, DATA / "wichmann-m135.droop.tsv")
    assert result.elected[:2] == ["C1", "C2"]
    assert sorted(result.elected[2:]) == ["C10", "C3", "C4", "C6", "C9"]
    totals_hold(result)


def test_the_govan_ward_of_2007_elects_the_four_councillors_the_returning_officer_declared():
    """Glasgow City Council, Govan ward, 3 May 2007: among the first elections counted under
    SSI 2007/42 itself. The ballots are the ward's as Droop ships them with its 2007 Glasgow
    elections (jklundell/droop test/blt/scotland/Govan-2007.blt); the councillors declared elected
    were Stephen Dornan, Shaukat Butt, John Flanagan and Allison Hunter (Wikipedia,
    "Govan (ward)", Councillors)."""
    seats, names, ballots, title = read_blt(DATA / "glasgow-govan-2007.blt")
    assert title == "GOVAN Ward"
    result = count(seats, plain(names), ballots, seed=title)
    assert (result.valid, result.quota) == (9560, Decimal("1913.00000"))
    assert sorted(result.elected) == ["Allison Hunter", "John Flanagan", "Shaukat Butt",
                                      "Stephen Dornan"]
    assert result.stages[0].elected == ["Allison Hunter"]
    totals_hold(result)


# -- the rule's parts -------------------------------------------------------------


def test_a_surplus_moves_every_paper_at_a_value_truncated_to_five_places():
    """Rule 48(3): a surplus of 1 over 7 papers gives 1/7 = 0.14285 each, the rest lost."""
    ballots = [["A", "B"]] * 4 + [["A", "C"]] * 3 + [["B"]] + [["C"]] * 2 + [["D"]] * 5
    result = count(2, plain("ABCD"), ballots, seed="s")
    assert result.quota == Decimal("6.00000")
    surplus = result.stages[1]
    assert surplus.candidates == ["A"]
    assert surplus.transfers == {"B": Decimal("0.57140"), "C": Decimal("0.42855")}
    assert surplus.lost == Decimal("0.00005")
    totals_hold(result)


def test_the_highest_surplus_is_transferred_first():
    ballots = [["A", "C"]] * 9 + [["B", "C"]] * 7 + [["C"]] * 2 + [["D"]] * 3
    result = count(3, plain("ABCD"), ballots, seed="s")
    assert result.stages[0].elected == ["A", "B"]
    assert [s.candidates for s in result.stages[1:3]] == [["A"], ["B"]]


def test_a_ballot_whose_preferences_run_out_is_exhausted_and_counted_as_such():
    ballots = [["A"]] * 5 + [["B", "A"]] * 2 + [["C"]] * 3 + [["D", "C"]] * 1
    result = count(2, plain("ABCD"), ballots, seed="s")
    assert result.valid == 11 and result.quota == Decimal("4.00000")
    # A's surplus of 1 over 5 papers with no further preference: exhausted, not transferred
    assert result.stages[1].exhausted == Decimal("1.00000")
    assert result.stages[1].transfers == {}
    assert result.elected == ["A", "C"]
    totals_hold(result)


def test_a_ballot_is_read_up_to_its_first_unknown_or_repeated_name():
    ballots = [["A", "A", "B"], ["B", "X", "A"], ["X", "A"], [], ["C"]]
    result = count(1, plain("ABC"), ballots, seed="s")
    assert (result.valid, result.invalid) == (3, 2)
    # A's ballot stops at its repeated A; B's at the unknown X: none reaches a second choice
    assert result.stages[0].votes == {"A": Decimal("1.00000"), "B": Decimal("1.00000"),
                                      "C": Decimal("1.00000")}


def test_fewer_candidates_than_seats_are_all_elected_and_the_rest_stay_vacant():
    result = count(7, plain("ABC"), [["A"], ["B", "C"], ["C"]], seed="s")
    assert sorted(result.elected) == ["A", "B", "C"]
    assert result.vacant == 4
    assert len(result.stages) == 1


def test_no_valid_ballot_elects_no_one():
    result = count(2, plain("AB"), [["X"], []], seed="s")
    assert (result.elected, result.vacant, result.stages, result.invalid) == ([], 2, [], 2)


def test_inputs_the_protocol_does_not_allow_are_refused():
    with pytest.raises(ValueError, match="STV 1"):
        count(0, plain("AB"), [], seed="s")
    with pytest.raises(ValueError, match="STV 1"):
        count(1, plain("AA"), [], seed="s")
    with pytest.raises(ValueError, match="STV 1"):
        count(2, plain("AB"), [], minimum={"woman": 3}, seed="s")


# -- ties --------------------------------------------------------------------------


def test_a_tie_for_exclusion_goes_to_the_most_recent_stage_where_the_votes_differed():
    """Rule 51(2)(a): C and D tie at 3 after A's surplus; at stage 1 D had fewer."""
    ballots = [["A", "D"]] * 8 + [["B"]] * 5 + [["C"]] * 3 + [["D"]] * 2
    result = count(2, plain("ABCD"), ballots, seed="s")
    assert result.quota == Decimal("7.00000")
    assert result.stages[1].votes["C"] == result.stages[1].votes["D"] == Decimal("3.00000")
    exclusion = result.stages[2]
    assert exclusion.candidates == ["D"]
    assert exclusion.ties == [Tie("exclusion", ["C", "D"], "D", 1)]
    assert result.elected == ["A", "B"]


def test_a_tie_at_every_stage_is_decided_by_the_draw_of_the_seed_and_the_ids():
    """STV 6: SHA-256("groupnet/v1/stv-lot\\n" ‖ seed ‖ "\\n" ‖ id), the smallest excluded."""
    ballots = [["A"]] * 2 + [["B"]] * 1 + [["C"]] * 1

    def draw(seed: str, candidate: str) -> bytes:
        return hashlib.sha256(f"groupnet/v1/stv-lot\n{seed}\n{candidate}".encode()).digest()

    chosen = set()
    for seed in ("election-1", "election-2", "election-3", "election-4"):
        result = count(1, plain("ABC"), ballots, seed=seed)
        tie = result.stages[1].ties[0]
        expected = min("BC", key=lambda c: draw(seed, c))
        assert (tie.among, tie.stage, tie.chosen) == (["B", "C"], None, expected)
        assert result.stages[1].candidates == [expected]
        chosen.add(expected)
    assert chosen == {"B", "C"}  # the seed, not the names' order, decides


def test_equal_surpluses_go_in_the_order_of_the_most_recent_stage_where_they_differed():
    """Rule 49(2): C reaches B's 9 votes with A's surplus; B had more at stage 1."""
    ballots = [["A", "C"]] * 10 + [["B", "D"]] * 9 + [["C", "E"]] * 7 + [["D"]] * 5 + [["E"]] * 4
    result = count(4, plain("ABCDE"), ballots, seed="s")
    assert result.quota == Decimal("8.00000")
    assert result.stages[0].elected == ["A", "B"]
    assert result.stages[1].elected == ["C"]
    third = result.stages[2]
    assert (third.action, third.candidates) == ("surplus", ["B"])
    assert third.ties == [Tie("surplus", ["B", "C"], "B", 1)]
    assert result.stages[3].candidates == ["C"]
    totals_hold(result)


# -- the balance rule (STV 7) -------------------------------------------------------


def committee() -> tuple[list[Candidate], list[list[str]]]:
    """Seven seats; men M1-M6 have most of the first preferences, women W1-W5 fewer."""
    people = [Candidate(f"M{i}", ()) for i in range(1, 7)] + \
        [Candidate(f"W{i}", ("woman",)) for i in range(1, 6)]
    ballots = ([["M1", "M2", "W1"]] * 30 + [["M2", "M3"]] * 14 + [["M3", "M4"]] * 13
               + [["M4", "M5", "W2"]] * 12 + [["M5", "M6"]] * 11 + [["M6", "W3"]] * 10
               + [["W1", "W2"]] * 9 + [["W2", "W3"]] * 8 + [["W3", "W4"]] * 7
               + [["W4", "W5"]] * 6 + [["W5", "W1"]] * 5)
    return people, ballots


def test_without_a_minimum_the_committee_has_a_majority_of_men():
    people, ballots = committee()
    result = count(7, people, ballots, seed="nc")
    women = [c for c in result.elected if c.startswith("W")]
    assert len(women) < 4
    totals_hold(result)


def test_with_at_least_four_women_the_men_beyond_three_are_excluded_and_four_women_elected():
    people, ballots = committee()
    result = count(7, people, ballots, minimum={"woman": 4}, seed="nc")
    men = [c for c in result.elected if c.startswith("M")]
    women = [c for c in result.elected if c.startswith("W")]
    assert (len(men), len(women), result.vacant) == (3, 4, 0)
    balance = [s for s in result.stages if s.action == "balance"]
    assert balance, "the men still standing once three were elected are excluded"
    barred_at = next(s for s in result.stages if s.barred)
    assert set(barred_at.barred) == set(balance[0].candidates)
    assert all(c.startswith("M") for c in balance[0].candidates)
    # set aside once the third man is elected: the 4 seats left are needed for women
    elected_before = [c for s in result.stages[:barred_at.number] for c in s.elected]
    assert len([c for c in elected_before if c.startswith("M")]) == 3
    assert "STV 7" in barred_at.reasons[-1]
    totals_hold(result)


def test_a_man_who_reaches_the_quota_when_the_seats_left_are_needed_for_women_is_not_elected():
    """STV 7: not elected at that stage, and excluded; his papers move at their values."""
    people = [Candidate("M1"), Candidate("M2"), Candidate("W1", ("woman",)),
              Candidate("W2", ("woman",))]
    ballots = [["M1", "W1"]] * 10 + [["M2", "W2"]] * 9 + [["W1"]] * 2 + [["W2"]] * 3
    result = count(2, people, ballots, minimum={"woman": 1}, seed="s")
    first = result.stages[0]
    assert first.elected == ["M1"] and first.barred == ["M2"]
    assert result.stages[1].action == "balance" and result.stages[1].candidates == ["M2"]
    assert result.stages[1].transfers == {"W2": Decimal("9.00000")}
    assert result.elected == ["M1", "W2"]


def test_a_woman_with_the_fewest_votes_is_not_excluded_while_the_women_standing_are_needed():
    """STV 7: two seats of three for women, two women standing; the men go first."""
    people = [Candidate("M1"), Candidate("M2"), Candidate("M3"),
              Candidate("W1", ("woman",)), Candidate("W2", ("woman",))]
    ballots = [["M1"]] * 3 + [["M2"]] * 3 + [["M3"]] * 3 + [["W1"]] * 2 + [["W2"]] * 1
    result = count(3, people, ballots, minimum={"woman": 2}, seed="s")
    assert [s.candidates for s in result.stages[1:3]] != [["W2"], ["W1"]]
    assert all(s.candidates[0].startswith("M") for s in result.stages[1:])
    assert "STV 7" in result.stages[1].reasons[0]
    assert sorted(result.elected)[1:] == ["W1", "W2"] and result.vacant == 0
    without = count(3, people, ballots, seed="s")
    assert without.stages[1].candidates == ["W2"]


def test_when_too_few_women_stand_their_reserved_seats_stay_vacant():
    people = [Candidate("M1"), Candidate("M2"), Candidate("M3"), Candidate("W1", ("woman",))]
    ballots = [["M1"]] * 5 + [["M2"]] * 4 + [["M3"]] * 3 + [["W1"]] * 1
    result = count(3, people, ballots, minimum={"woman": 2}, seed="s")
    assert sorted(result.elected) == ["M1", "W1"]
    assert result.vacant == 1


# -- properties -------------------------------------------------------------------


def instant_runoff(candidates: list[str], ballots: list[list[str]]) -> str | None:
    """Instant-runoff, written plainly: drop the last until one has most of the live votes.

    None when a tie for last place would need a rule to break it.
    """
    standing = list(candidates)
    while True:
        tally = dict.fromkeys(standing, 0)
        for ballot in ballots:
            top = next((c for c in ballot if c in standing), None)
            if top is not None:
                tally[top] += 1
        live = sum(tally.values())
        leader = max(standing, key=lambda c: tally[c])
        if 2 * tally[leader] > live or len(standing) == 1:
            return leader
        low = min(tally.values())
        last = [c for c in standing if tally[c] == low]
        if len(last) > 1:
            return None
        standing.remove(last[0])


def random_ballots(rng: random.Random, names: str, voters: int) -> list[list[str]]:
    return [rng.sample(names, rng.randint(1, len(names))) for _ in range(voters)]


def test_a_single_seat_elects_the_instant_runoff_winner():
    rng = random.Random(7)
    checked = 0
    while checked < 40:
        ballots = random_ballots(rng, "ABCDE", rng.randint(5, 60))
        winner = instant_runoff(list("ABCDE"), ballots)
        if winner is None:
            continue
        assert count(1, plain("ABCDE"), ballots, seed="irv").elected == [winner]
        checked += 1


def test_the_order_of_the_ballots_does_not_change_the_count():
    rng = random.Random(11)
    seats, names, ballots, title = read_blt(DATA / "gpus-2005.blt")
    people, committee_ballots = committee()
    cases = [(seats, plain(names), ballots, None),
             (7, people, committee_ballots, {"woman": 4}),
             (3, plain("ABCDEFG"), random_ballots(rng, "ABCDEFG", 200), None)]
    for seats, candidates, papers, minimum in cases:
        before = count(seats, candidates, papers, minimum=minimum, seed="order")
        for _ in range(3):
            shuffled = list(papers)
            rng.shuffle(shuffled)
            assert count(seats, candidates, shuffled, minimum=minimum, seed="order") == before
