"""protocol/vectors/stv.json against the count, read as an implementer reads it (STV.md 9).

Every count's inputs go to the reference count and must give exactly `expect`;
and what STV.md lets anyone check from the file alone is checked here from the
text, not from the code: the quota, that every stage's votes, exhausted and lost
add up to the valid ballots, and that each tie left to the draw went to the
smallest SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from groupnet.procedure.network.stv import Candidate, count

ROOT = Path(__file__).resolve().parents[2]
VECTOR = ROOT / "protocol" / "vectors" / "stv.json"
COUNTS = json.loads(VECTOR.read_text(encoding="utf-8"))["counts"]


def ballots_of(case: dict) -> list[list[str]]:
    return [list(preferences) for n, preferences in case["ballots"] for _ in range(n)]


@pytest.mark.parametrize("case", COUNTS, ids=[str(n) for n in range(len(COUNTS))])
def test_the_count_gives_every_stage_the_vector_expects(case):
    result = count(case["seats"],
                   [Candidate(c["id"], tuple(c["attributes"])) for c in case["candidates"]],
                   ballots_of(case), minimum=case["minimum"], seed=case["seed"])
    got = msgspec.to_builtins(result)
    for stage in got["stages"]:
        del stage["reasons"]
    assert got == case["expect"], case["description"]


@pytest.mark.parametrize("case", COUNTS, ids=[str(n) for n in range(len(COUNTS))])
def test_each_vector_keeps_the_arithmetic_the_protocol_states(case):
    expect = case["expect"]
    assert Decimal(expect["quota"]) == expect["valid"] // (case["seats"] + 1) + 1
    assert expect["valid"] + expect["invalid"] == len(ballots_of(case))
    assert len(expect["elected"]) + expect["vacant"] == case["seats"]
    exhausted = lost = Decimal(0)
    for stage in expect["stages"]:
        for figure in [stage["exhausted"], stage["lost"], *stage["votes"].values(),
                       *stage["transfers"].values()]:
            whole, places = figure.split(".")
            assert whole.isdigit() and len(places) == 5 and places.isdigit()
        exhausted += Decimal(stage["exhausted"])
        lost += Decimal(stage["lost"])
        total = sum(Decimal(v) for v in stage["votes"].values())
        assert total + exhausted + lost == expect["valid"], stage["number"]


def test_every_tie_left_to_the_draw_went_to_the_smallest_digest():
    drawn = 0
    for case in COUNTS:
        for stage in case["expect"]["stages"]:
            for tie in stage["ties"]:
                if tie["stage"] is not None:
                    continue
                digests = {c: hashlib.sha256(
                    b"groupnet/v1/stv-lot\n" + case["seed"].encode() + b"\n" + c.encode()
                ).digest() for c in tie["among"]}
                assert tie["chosen"] == min(tie["among"], key=digests.__getitem__)
                drawn += 1
    assert drawn >= 3


def test_the_vectors_cover_what_the_protocol_text_describes():
    actions = {s["action"] for c in COUNTS for s in c["expect"]["stages"]}
    assert actions == {"first", "surplus", "exclusion", "balance"}
    decided = {(t["decides"], t["stage"] is None) for c in COUNTS
               for s in c["expect"]["stages"] for t in s["ties"]}
    assert {("exclusion", True), ("exclusion", False), ("surplus", False)} <= decided
    assert any(c["expect"]["vacant"] for c in COUNTS if c["minimum"])
    assert any(c["expect"]["invalid"] for c in COUNTS)
    assert any(Decimal(s["lost"]) > 0 for c in COUNTS for s in c["expect"]["stages"])
