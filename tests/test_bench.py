"""`groupnet bench …` runs end to end at a tiny size and prints every figure it promises.

No timing thresholds here: the figures depend on the machine. What is checked is
that each benchmark completes (every entry accepted, the state hashes equal) and
prints its figure lines and the ratio line that docs/benchmarks.md quotes.
"""

from __future__ import annotations

import re
import subprocess
import sys

CLI = [sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())"]
NUMBER = r"\d+(\.\d+)?"


def bench(*args: str) -> list[str]:
    done = subprocess.run([*CLI, "bench", *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()


def test_the_ingest_benchmark_prints_its_rate_and_the_ratio_to_raw_verification():
    # batches of 100 go to the verification workers, as full-size batches do
    lines = bench("ingest", "--messages", "300", "--batch", "100", "--authors", "3",
                  "--senders", "2", "--rounds", "2")
    assert len([line for line in lines if line.startswith("  round ")]) == 2
    assert "messages: 300" in lines
    for label in ("seconds", "messages/s", r"raw verify/s \(one core\)"):
        assert any(re.match(rf"{label}: {NUMBER}", line) for line in lines), label
    assert any(line.startswith("CPU per entry (median round): node process") for line in lines)
    assert re.fullmatch(
        rf"ratio: {NUMBER} of one core's raw verify rate \(target >= 0\.60\)", lines[-1]
    )


def test_the_catch_up_benchmark_prints_its_time_and_the_ratio_to_raw_verification():
    lines = bench("catchup", "--messages", "300", "--authors", "4", "--rounds", "1")
    assert "messages: 300" in lines
    for label in ("seconds", "messages/s", "raw verify, one core"):
        assert any(re.match(rf"{label}: {NUMBER}", line) for line in lines), label
    assert any(line.startswith("CPU per entry (median round): node process") for line in lines)
    assert re.match(rf"ratio: {NUMBER} of one core's raw verify rate", lines[-1])


def test_a_benchmark_refuses_a_batch_the_inbox_would_refuse():
    done = subprocess.run([*CLI, "bench", "ingest", "--batch", "5000"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "--batch must be between 1 and 1000" in done.stderr


def test_the_pages_benchmark_signs_in_as_a_browser_does_and_times_every_page():
    lines = bench("pages", "--members", "50", "--rounds", "1")
    assert any(re.match(rf"\s+register\s+/members\s+median\s+{NUMBER} ms", line)
               for line in lines), lines
    assert re.match(rf"pages: slowest median {NUMBER} ms with 50 members", lines[-1])


def test_the_ballot_benchmark_checks_every_ballot_and_prints_the_scalar_multiplication_cost():
    lines = bench("ballot-verify", "--ballots", "30", "--distinct", "6")
    assert lines[0] == "ballots: 30 (6 distinct, yes/no/abstain, one core)"
    for label in ("CPU seconds", "ballots/s", r"raw scalar multiplication \(one core\)",
                  "per ballot"):
        assert any(re.match(rf"{label}: {NUMBER}", line) for line in lines), label
    assert re.fullmatch(rf"ratio: 21,000 ballots in {NUMBER} s at this rate \(target < 40 s\)",
                        lines[-1])
