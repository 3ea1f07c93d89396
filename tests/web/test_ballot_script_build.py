"""The committed ballot script is exactly what its pinned sources build, and runs under node.

`scripts/test.sh` installs js/ballot from its lock (`npm ci`, which checks every
integrity hash); from there the build needs no network.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "js" / "ballot"
BUNDLE = ROOT / "groupnet" / "web" / "static" / "ballot.js"
BUILD = ROOT / "scripts" / "build-ballot-js.sh"
PINNED = ("@noble/curves", "@noble/hashes", "esbuild")


def test_the_committed_ballot_script_is_what_the_locked_sources_build(tmp_path):
    if not (SOURCE / "node_modules" / ".bin" / "esbuild").exists():
        pytest.fail("js/ballot is not installed: run scripts/test.sh, or "
                    "npm ci --prefix js/ballot --ignore-scripts")
    fresh = tmp_path / "ballot.js"
    subprocess.run(["bash", str(BUILD), str(fresh)], check=True, cwd=tmp_path, timeout=120)
    assert fresh.read_bytes() == BUNDLE.read_bytes(), (
        "groupnet/web/static/ballot.js differs from a fresh build: run "
        "bash scripts/build-ballot-js.sh and commit the result")


def test_every_package_of_the_ballot_script_is_pinned_by_version_and_integrity_hash():
    manifest = json.loads((SOURCE / "package.json").read_text())
    lock = json.loads((SOURCE / "package-lock.json").read_text())["packages"]
    wanted = {**manifest["dependencies"], **manifest["devDependencies"]}
    assert set(wanted) == set(PINNED)
    for name, version in wanted.items():
        assert lock[f"node_modules/{name}"]["version"] == version  # exact, not a range
    installed = {path: entry for path, entry in lock.items() if path}
    assert installed
    for path, entry in installed.items():
        assert entry["integrity"].startswith("sha512-"), path
    # the bundle names what it was built with, which is what the lock holds
    first_line = BUNDLE.read_text().splitlines()[0]
    for name in PINNED:
        assert f"{name} {lock[f'node_modules/{name}']['version']}" in first_line


def test_under_node_the_committed_ballot_script_reproduces_the_vectors():
    check = """
    const b = await import(process.argv[1]);
    const vectors = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
    const secrets = {};
    for (const c of vectors.credentials) {
      const made = b.credentialFromSeed(b.hexToBytes(c.seed));
      secrets[c.public] = made.secret;
      if (b.bytesToHex(made.public) !== c.public) throw new Error(c.name);
    }
    const out = vectors.ballots.map((x) => {
      let code = null;
      try { b.verify(vectors.election, b.hexToBytes(x.ballot)); } catch (e) { code = e.code; }
      const made = x.seed && b.cast(vectors.election, secrets[x.ballot.slice(64, 128)],
                                    x.votes, b.hexToBytes(x.seed));
      return {code, ballot: made ? b.bytesToHex(made) : null,
              tracker: b.bytesToHex(b.tracker(b.hexToBytes(x.ballot)))};
    });
    console.log(JSON.stringify(out));
    """
    vectors_path = ROOT / "protocol" / "vectors" / "ballots.json"
    wrapped = (f"(async () => {{ {check} }})()"
               ".catch((e) => { console.error(e); process.exit(1); });")
    run = subprocess.run(["node", "-e", wrapped, str(BUNDLE), str(vectors_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    ballots = json.loads(vectors_path.read_text())["ballots"]
    assert [o["code"] for o in out] == [x["expect"]["code"] for x in ballots]
    assert [o["tracker"] for o in out] == [x["tracker"] for x in ballots]
    assert [o["ballot"] for o in out] == [x.get("seed") and x["ballot"] for x in ballots]
    assert sum(o["ballot"] is not None for o in out) == 4
