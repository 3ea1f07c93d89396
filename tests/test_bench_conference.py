"""`groupnet bench conference` folds a whole conference at a small size and says how."""

from __future__ import annotations

import re

from tests.test_bench import NUMBER, bench


def test_the_conference_benchmark_reaches_a_final_agenda_every_order_agrees_on():
    lines = bench("conference", "--nodes", "14", "--members", "900", "--motions", "70",
                  "--amendments", "20", "--orders", "1")
    assert any(line.startswith("method: entries built and signed in this process")
               and "no HTTP servers" in line for line in lines)
    assert any(re.match(r"final agenda: \d+ items, \d+ listed as not on it", line)
               for line in lines)
    assert any(line.startswith("agreement: 1 fresh node(s) fed the entries in other orders "
                               "reached the same state hash") for line in lines)
    assert any(re.match(rf"per-node CPU to fold the whole conference: {NUMBER} s", line)
               for line in lines)
    assert any(re.match(rf"total: {NUMBER} s from requisition to final agenda", line)
               for line in lines)
    assert re.match(rf"raw verify, one core: {NUMBER}/s", lines[-1])


def test_the_floor_benchmark_derives_every_result_the_votes_give():
    lines = bench("conference", "--nodes", "14", "--members", "900", "--motions", "70",
                  "--amendments", "20", "--orders", "1", "--floor", "--questions", "6",
                  "--delegates", "30")
    assert any(re.match(r"floor: 6 questions put to \d+ delegates of 14 groups; \d+ entries",
                        line) for line in lines)
    assert any(line.startswith("results, every one derived by the receiver equal to the count")
               for line in lines)
    assert any(re.match(r"election of 7 to the national committee by STV on a card vote: \d+ "
                        r"candidates, \d+ rankings carrying \d+ members' votes, .* elected 7 "
                        r"\((\d+) women, the balance rule asks at least 4\), derived by the "
                        r"receiver alike: elected", line) for line in lines)
    assert any(line.startswith("agreement: 1 fresh node(s) fed the entries in other orders "
                               "reached the same state hash") for line in lines)
    assert any(re.match(rf"per-node CPU to fold the whole conference, agenda and floor: "
                        rf"{NUMBER} s", line) for line in lines)
    assert re.match(rf"raw verify, one core: {NUMBER}/s \({NUMBER} s for the floor's \d+ "
                    "signatures", lines[-1])


def test_the_floor_on_a_running_network_is_final_and_right_on_every_node_after_each_close():
    lines = bench("conference", "--floor", "--network", "--nodes", "4", "--questions", "2",
                  "--processes", "2")
    assert any(re.match(rf"4 nodes formed a network in {NUMBER} s, {NUMBER} s of CPU \(2 worker "
                        r"process\(es\), node i in worker i mod 2\)", line) for line in lines)
    assert any(line.startswith("the conference set up to its opening in") for line in lines)
    held = [line for line in lines if line.startswith("question ")]
    assert [line.split(":")[0] for line in held] == ["question 1", "question 2"]
    for line in held:
        assert re.match(rf"question \d: (carried|lost); cut written {NUMBER} s after the "
                        rf"close; final on every node: median {NUMBER} s, last {NUMBER} s; "
                        rf"\d+ requests \(\d+ pushes failed\), {NUMBER} s CPU; the question "
                        rf"reached every node in {NUMBER} s; wrong results: 0$", line), line
    assert any(re.match(rf"4 nodes, 2 questions: from the close to the result final, over 8 "
                        rf"node-questions: median {NUMBER} s, p99 {NUMBER} s, max {NUMBER} s "
                        r"\(target: p99 under 5 s\)", line) for line in lines)
    assert any(re.match(rf"cut written after the close: median {NUMBER} s \(CUT_DELAY 1.0 s\)",
                        line) for line in lines)
    assert any(re.match(rf"per question, close to final everywhere: median \d+ requests, "
                        rf"{NUMBER} s CPU", line) for line in lines)
    assert any(re.match(rf"reference: a question reached every node in median {NUMBER} s", line)
               for line in lines)
    assert lines[-1] == "results: 8 of 8 final and equal to the votes cast"
