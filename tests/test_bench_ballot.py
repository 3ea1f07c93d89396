"""`groupnet bench ballot` runs a member ballot across a tiny network and prints its figures."""

from __future__ import annotations

import re

from tests.test_bench import NUMBER, bench


def test_the_ballot_benchmark_counts_the_votes_cast_on_every_node_and_prints_its_figures():
    lines = bench("ballot", "--nodes", "3", "--voters", "13")
    assert "result on every node: yes 5, no 4, abstain 4 = the 13 votes cast" in lines
    assert any(re.match(
        rf"window: {NUMBER} s, {NUMBER} s of CPU \(all 3 nodes; 39 ballot checks, one per "
        rf"node per ballot; \d+ checks made", line) for line in lines)
    assert any(re.match(
        rf"ballots checked per CPU-second during the window: {NUMBER} \(reference, "
        rf"`ballot-verify`'s check, one core, same ballots, this run: {NUMBER}/s; ratio "
        rf"{NUMBER}\)", line) for line in lines)
    assert any(re.match(rf"after the close: {NUMBER} s, {NUMBER} s of CPU", line)
               for line in lines)
    assert any(re.match(rf"close to count on every node: median {NUMBER} s, p99 {NUMBER} s, "
                        rf"max {NUMBER} s", line) for line in lines)
    assert any(re.match(rf"each node's CPU in its rules, whole ballot: median {NUMBER} s, "
                        rf"max {NUMBER} s \(window: median", line) for line in lines)
    assert any(re.match(r"requests during the ballot \(window and close\): [1-9]\d*", line)
               for line in lines)
    assert re.match(r"extrapolation to 150 nodes and 21,000 voters from the measured CPU",
                    lines[-1]) and lines[-1].endswith("(an estimate, not a measurement)")
