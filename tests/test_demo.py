"""`groupnet demo` gives a working network with sample data in one command."""

from __future__ import annotations

import random
import socket
import subprocess
import sys

from groupnet.cli.main import main


def three_free_ports() -> int:
    while True:
        base = random.randrange(20000, 40000)
        if all(_free(base + i) for i in range(3)):
            return base


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_demo(base, port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())",
         "demo", "--dir", str(base), "--base-port", str(port), "--exit-after", "2"],
        capture_output=True, text=True, timeout=120,
    )


def test_the_demo_starts_three_nodes_that_agree_and_carry_sample_motions(tmp_path, capsys):
    base = tmp_path / "demo"
    port = three_free_ports()
    done = run_demo(base, port)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "admin token:" in done.stdout
    assert f"http://127.0.0.1:{port}" in done.stdout
    nodes = sorted(p for p in base.iterdir() if p.is_dir())
    assert len(nodes) == 3
    hashes = set()
    for node in nodes:
        assert main(["verify", str(node)]) == 0
        hashes.add(capsys.readouterr().out.strip().split()[-1])
    assert len(hashes) == 1
    assert main(["shared", "list", str(nodes[2])]) == 0
    listing = capsys.readouterr().out
    assert "Keep the delegate conference" in listing
    assert "1 endorsements" in listing


def test_a_demo_whose_port_is_taken_says_so_and_ends(tmp_path):
    port = three_free_ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        done = run_demo(tmp_path / "demo", port)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and "address already in use" in last
