"""`groupnet bench propagation` prints its figures beside their references."""

from __future__ import annotations

import subprocess
import sys


def test_the_propagation_benchmark_prints_latency_and_requests_beside_n_log_n():
    done = subprocess.run(
        [sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())",
         "bench", "propagation", "--nodes", "3,5", "--trials", "2", "--processes", "2"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    formed = next(line for line in lines if line.startswith("5 nodes formed a network in"))
    assert "s of CPU" in formed and "requests (" in formed and "commits" in formed
    assert "inbox" in formed and "heads" in formed
    # the nodes ran in two worker processes, which the benchmark started and stopped
    assert "2 worker process(es), node i in worker i mod 2" in formed
    assert "benchmark worker" not in done.stderr
    assert any(line.startswith("reference: one node takes its network's") for line in lines)
    assert any(line.strip().startswith("5 nodes: arrival median") for line in lines)
    table = lines[lines.index(next(x for x in lines if x.startswith("nodes  median_ms"))) + 1:]
    rows = [row.split() for row in table if row.strip() and row.split()[0].isdigit()]
    assert [int(r[0]) for r in rows] == [3, 5]
    for row in rows:
        requests, per_nlogn = float(row[3]), float(row[4])
        assert requests > 0 and per_nlogn > 0
    assert lines[-1].startswith("p99 at 5 nodes:") and "target < 2.0 s" in lines[-1]
