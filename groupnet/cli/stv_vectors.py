"""Test vectors for protocol/STV.md: counts, with their ballots in and stages out.

`python -m groupnet.cli.vectors --write` writes them to protocol/vectors/stv.json
with the other vectors. Each count's `elected` below is written by hand: it is
the protocol's claim. What follows from the rules (quota, stages, ties) is
computed by the reference count, `procedure/network/stv.py`, and the generator
refuses to write a count whose elected candidates differ from the claim.
"""

from __future__ import annotations

from collections import Counter

import msgspec

from ..procedure.network.stv import Candidate, count

# The Green Party of the United States' steering committee election of 2005-07-24,
# as Droop ships it (jklundell/droop test/blt/SC.blt): each ballot's candidates by
# their numbers (1 is the first name), ballots separated by "/".
GPUS_NAMES = ["Budd Dickinson", "Kirit Mookerjee", "Tom Sevigny", "Pat LaMarche",
              "Michael Piacsek", "Write-In 2", "Rebecca Rotzler", "Kristen Olsen",
              "Jason Jones", "Write-In 1", "Steve Greenfield", "Jimmy Leas", "Steve Kramer"]
GPUS_BALLOTS = """
7 8 9 11 12 / 7 8 9 11 12 / 13 7 5 4 2 1 / 5 13 2 7 4 1 / 13 4 1 2 / 4 2 13 1 3 /
4 13 2 7 / 7 8 12 1 13 9 2 4 11 5 / 1 13 3 4 7 5 2 / 4 1 13 7 3 5 2 /
4 1 13 7 3 5 2 / 1 4 13 2 7 5 3 9 8 12 11 / 7 1 8 9 13 3 2 4 12 5 11 / 7 8 9 11 12 /
7 1 8 9 13 3 2 4 12 5 11 / 7 8 9 11 12 / 7 8 9 11 12 / 7 8 9 11 12 / 5 1 13 3 2 4 7 /
7 8 9 3 12 2 13 5 1 4 / 3 13 1 2 / 3 13 1 2 / 4 7 13 5 / 4 5 13 3 2 1 / 7 8 9 11 12 /
7 9 8 12 11 2 13 / 7 8 9 11 12 / 7 8 9 11 12 / 4 3 13 1 / 4 3 13 1 / 13 3 4 1 7 2 5 /
3 13 4 1 7 2 5 / 13 3 4 1 2 5 7 / 13 1 4 2 5 3 7 / 13 4 3 1 2 5 / 3 13 1 4 2 7 5 /
4 3 13 8 / 4 3 13 1 / 1 4 13 7 / 1 4 13 7 / 7 3 4 13 1 5 / 9 11 8 7 / 7 8 9 11 12 /
13 3 5 2 / 4 5 2 3 13 / 13 5 2 4 1 3 7 / 13 5 2 1 7 3 8 / 7 8 9 12 11 / 7 8 4 9 12 /
13 4 7 2 8 / 4 13 2 7 1 8 / 7 8 11 9 12 / 8 4 7 11 13 9 / 7 4 2 13 / 13 1 7 4 /
4 1 2 13 9 5 / 1 4 13 5 3 2 / 7 5 4 8 11 2 13 1 3 9 12 / 4 8 7 5 13 2 1 3 9 /
3 4 7 2 12 13 8 1 5 / 7 8 9 11 12 / 7 8 11 9 / 7 8 11 9 / 7 8 9 11 12 / 7 8 9 11 12 /
7 8 9 11 12 / 13 2 4 7 5 1 / 7 8 9 11 12 / 7 8 9 11 / 7 8 9 11 12 /
2 7 8 12 13 11 1 5 9 / 4 7 8 2 / 4 13 5 2 1 3 / 13 4 7 3 1 5 8 2 9 / 4 3 13 1 7 /
13 4 1 3 / 4 1 13 3 2 7 8 / 2 4 13 5 / 2 3 4 1 13 7 / 3 1 4 13 / 4 3 1 2 11 /
3 1 4 13 2 7 / 4 1 2 8 3 / 4 1 5 13 2 3 / 4 1 5 13 2 3 / 7 8 9 11 12 / 7 8 9 11 12 /
13 7 3 2 5 4 1 / 13 5 7 2 4 1 / 7 8 9 11 12 / 1 13 3 7 2 4 5 / 13 1 2 7 4 5 3 /
13 1 2 7 4 5 3 / 3 1 4 2 13 7 9 5 8
"""


def _gpus() -> list[list[str]]:
    return [[GPUS_NAMES[int(n) - 1] for n in ballot.split()]
            for ballot in GPUS_BALLOTS.replace("\n", " ").split("/")]


def _people(*ids: str, women: str = "") -> list[Candidate]:
    return [Candidate(i, ("woman",) if i in women.split() else ()) for i in ids]


def _ballots(*groups: tuple[int, str]) -> list[list[str]]:
    """Ballots from (n, "A B C") pairs: n ballots with those preferences."""
    return [prefs.split() for n, prefs in groups for _ in range(n)]


def _committee() -> tuple[list[Candidate], list[list[str]]]:
    men = [f"M{i}" for i in range(1, 7)]
    women = [f"W{i}" for i in range(1, 6)]
    people = _people(*men, *women, women=" ".join(women))
    return people, _ballots((30, "M1 M2 W1"), (14, "M2 M3"), (13, "M3 M4"), (12, "M4 M5 W2"),
                            (11, "M5 M6"), (10, "M6 W3"), (9, "W1 W2"), (8, "W2 W3"),
                            (7, "W3 W4"), (6, "W4 W5"), (5, "W5 W1"))


def _cases() -> list[dict]:
    committee, committee_ballots = _committee()
    food = ["orange", "pear", "chocolate", "strawberry", "bonbon"]
    return [
        {"description": "The worked example of Wikipedia's article on STV: a surplus at "
                        "0.5 a paper, an exclusion that elects, exhausted papers, the last "
                        "seat by rule 52.",
         "seats": 3, "candidates": _people(*food), "seed": "food",
         "ballots": _ballots((4, "orange"), (2, "pear orange"), (8, "chocolate strawberry"),
                             (4, "chocolate bonbon"), (1, "strawberry"), (1, "bonbon")),
         "elected": ["chocolate", "orange", "strawberry"]},
        {"description": "The Green Party of the United States' steering committee election "
                        "of 2005-07-24 (4 seats, 13 candidates, 94 ballots): two surpluses at "
                        "stage 1, zero-vote candidates excluded by the draw, a fractional "
                        "surplus, the last seat by rule 52. Every stage's votes are those of "
                        "Droop's Scottish STV count.",
         "seats": 4, "candidates": _people(*GPUS_NAMES),
         "seed": "GPUS Steering Committee Election 2005-07-24", "ballots": _gpus(),
         "elected": ["Rebecca Rotzler", "Pat LaMarche", "Steve Kramer", "Tom Sevigny"]},
        {"description": "Rule 48(3): a surplus of 1 over 7 papers moves each at 0.14285; "
                        "0.00005 is lost to truncation.",
         "seats": 2, "candidates": _people("A", "B", "C", "D"), "seed": "truncation",
         "ballots": _ballots((4, "A B"), (3, "A C"), (1, "B"), (2, "C"), (5, "D")),
         "elected": ["A", "D"]},
        {"description": "Rule 51(2)(a): C and D tie for exclusion after A's surplus; at "
                        "stage 1 D had fewer votes, so D is excluded.",
         "seats": 2, "candidates": _people("A", "B", "C", "D"), "seed": "exclusion-tie",
         "ballots": _ballots((8, "A D"), (5, "B"), (3, "C"), (2, "D")),
         "elected": ["A", "B"]},
        {"description": "Rule 49(2): C reaches B's votes with A's surplus; B had more at "
                        "stage 1, so B's surplus is transferred first.",
         "seats": 4, "candidates": _people("A", "B", "C", "D", "E"), "seed": "surplus-tie",
         "ballots": _ballots((10, "A C"), (9, "B D"), (7, "C E"), (5, "D"), (4, "E")),
         "elected": ["A", "B", "C", "D"]},
        {"description": "STV 6: B and C are equal at every stage; the draw with this seed "
                        "excludes C.",
         "seats": 1, "candidates": _people("A", "B", "C"), "seed": "election-1",
         "ballots": _ballots((2, "A"), (1, "B"), (1, "C")), "elected": ["A"]},
        {"description": "STV 6: the same ballots with another seed; the draw excludes B.",
         "seats": 1, "candidates": _people("A", "B", "C"), "seed": "election-4",
         "ballots": _ballots((2, "A"), (1, "B"), (1, "C")), "elected": ["A"]},
        {"description": "STV 2: ballots read up to an unknown or repeated id; a ballot with "
                        "no preference (empty, or an unknown first choice) is invalid.",
         "seats": 1, "candidates": _people("A", "B", "C"), "seed": "reading",
         "ballots": [["A", "A", "B"], ["B", "X", "A"], ["X", "A"], [], ["C", "B"], ["C"]],
         "elected": ["C"]},
        {"description": "A single seat: instant-runoff, the quota a majority of the valid "
                        "ballots.",
         "seats": 1, "candidates": _people("A", "B", "C", "D"), "seed": "single",
         "ballots": _ballots((8, "A"), (6, "B C"), (5, "C B"), (3, "D C"), (1, "D A")),
         "elected": ["C"]},
        {"description": "Fewer candidates than seats: the quota is 1, all three reach it at "
                        "stage 1 and are elected, highest first; four seats stay vacant.",
         "seats": 7, "candidates": _people("A", "B", "C"), "seed": "few",
         "ballots": _ballots((2, "A"), (1, "B C"), (3, "C")), "elected": ["C", "A", "B"]},
        {"description": "No valid ballot: no one is elected and there are no stages.",
         "seats": 2, "candidates": _people("A", "B"), "seed": "none",
         "ballots": [["X"], []], "elected": []},
        {"description": "STV 7: a seven-seat committee with at least four women. Once three "
                        "men are elected, the men still standing are set aside and excluded "
                        "together; four women are elected.",
         "seats": 7, "candidates": committee, "minimum": {"woman": 4}, "seed": "nc",
         "ballots": committee_ballots,
         "elected": ["M1", "M2", "M3", "W2", "W3", "W1", "W4"]},
        {"description": "The same committee without a minimum: five men are elected.",
         "seats": 7, "candidates": committee, "seed": "nc", "ballots": committee_ballots,
         "elected": ["M1", "M2", "M3", "W1", "M4", "M5", "M6"]},
        {"description": "STV 7: M2 reaches the quota when the last seat is needed for a "
                        "woman; M2 is not elected and is excluded, the papers moving on at "
                        "full value.",
         "seats": 2, "candidates": _people("M1", "M2", "W1", "W2", women="W1 W2"),
         "minimum": {"woman": 1}, "seed": "barred",
         "ballots": _ballots((10, "M1 W1"), (9, "M2 W2"), (2, "W1"), (3, "W2")),
         "elected": ["M1", "W2"]},
        {"description": "STV 7: two of three seats for women and two women standing: W2 "
                        "has the fewest votes but is protected, so the men are excluded "
                        "first (by the draw: they are equal at every stage).",
         "seats": 3, "candidates": _people("M1", "M2", "M3", "W1", "W2", women="W1 W2"),
         "minimum": {"woman": 2}, "seed": "protected",
         "ballots": _ballots((3, "M1"), (3, "M2"), (3, "M3"), (2, "W1"), (1, "W2")),
         "elected": ["M2", "W1", "W2"]},
        {"description": "STV 7: two seats reserved for women and one woman standing; the "
                        "reserved seat she cannot fill stays vacant.",
         "seats": 3, "candidates": _people("M1", "M2", "M3", "W1", women="W1"),
         "minimum": {"woman": 2}, "seed": "vacant",
         "ballots": _ballots((5, "M1"), (4, "M2"), (3, "M3"), (1, "W1")),
         "elected": ["M1", "W1"]},
    ]


def _grouped(ballots: list[list[str]]) -> list[list]:
    """[n, ballot] for each distinct ballot, in the order first cast."""
    counted = Counter(tuple(b) for b in ballots)
    return [[n, list(ballot)] for ballot, n in counted.items()]


def _expect(case: dict) -> dict:
    result = count(case["seats"], case["candidates"], case["ballots"],
                   minimum=case.get("minimum"), seed=case["seed"])
    if result.elected != case["elected"]:
        raise ValueError(f"{case['description']}: the count elects {result.elected}, "
                         f"the vector says {case['elected']}")
    found = msgspec.to_builtins(result)
    for stage in found["stages"]:
        del stage["reasons"]  # sentences for people, not part of the protocol
    return found


def document() -> dict:
    """protocol/vectors/stv.json (STV.md section 9)."""
    return {
        "description": "Counts by protocol/STV.md: the inputs, and the result an "
                       "implementation must give, stage by stage.",
        "counts": [{
            "description": case["description"],
            "seats": case["seats"],
            "candidates": [{"id": c.id, "attributes": list(c.attributes)}
                           for c in case["candidates"]],
            "minimum": case.get("minimum", {}),
            "seed": case["seed"],
            "ballots": _grouped(case["ballots"]),
            "expect": _expect(case),
        } for case in _cases()],
    }
