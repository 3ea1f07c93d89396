"""`groupnet verify` finds a tampered database and says what is wrong."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import sys

from groupnet import config
from groupnet.network import joining


async def groupnet_cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode, output.decode()


def flip_a_byte(db: sqlite3.Connection, rx: int) -> None:
    (raw,) = db.execute("SELECT raw FROM entries WHERE rx = ?", (rx,)).fetchone()
    at = raw.index(b'"area":"') + len(b'"area":"')
    db.execute("UPDATE entries SET raw = ? WHERE rx = ?",
               (raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1:], rx))


def flip_a_signature_byte(db: sqlite3.Connection, rx: int) -> None:
    (raw,) = db.execute("SELECT raw FROM entries WHERE rx = ?", (rx,)).fetchone()
    at = len(raw) - 10
    db.execute("UPDATE entries SET raw = ? WHERE rx = ?",
               (raw[:at] + (b"A" if raw[at:at + 1] != b"A" else b"B") + raw[at + 1:], rx))


def delete_the_row(db: sqlite3.Connection, rx: int) -> None:
    db.execute("DELETE FROM entries WHERE rx = ?", (rx,))


def alter_a_column(db: sqlite3.Connection, rx: int) -> None:
    db.execute("UPDATE entries SET kind = 'node.admit' WHERE rx = ?", (rx,))


TAMPERING = {
    "a flipped byte": (flip_a_byte, "the stored columns do not match the signed bytes"),
    "a flipped signature byte": (flip_a_signature_byte, "bad signature"),
    "a deleted row": (delete_the_row, "breaks its author's chain"),
    "an altered column": (alter_a_column, "the stored columns do not match the signed bytes"),
}


async def test_verify_fails_on_a_tampered_database_and_passes_an_untouched_one(cluster):
    a, b = await cluster.form(2)
    for i in range(3):
        await joining.set_profile(b.node, {"area": f"area {i}"})
    await cluster.converged()
    directory, author = a.node.directory, b.node.id
    await cluster.close()
    with sqlite3.connect(directory / config.DB_FILE) as db:
        # the middle one of the author's profiles: entries after it depend on it
        profiles = db.execute(
            "SELECT rx, seq FROM entries WHERE author = ? AND kind = 'group.profile' "
            "ORDER BY seq", (author,)).fetchall()
    rx, seq = profiles[1]

    copies = {}
    for what, (tamper, _) in TAMPERING.items():
        copy = directory.with_name(what.replace(" ", "-"))
        shutil.copytree(directory, copy)
        with sqlite3.connect(copy / config.DB_FILE) as db:
            tamper(db, rx)
        copies[what] = copy
    outcomes = await asyncio.gather(
        groupnet_cli("verify", str(directory)),
        *(groupnet_cli("verify", str(copy)) for copy in copies.values()),
    )
    (code, output), tampered = outcomes[0], outcomes[1:]
    assert code == 0, output
    assert "0 problem(s)" in output
    for (what, (_, complaint)), (code, output) in zip(TAMPERING.items(), tampered,
                                                      strict=True):
        assert code == 1, (what, output)
        problems = [line for line in output.splitlines() if line.startswith("problem: ")]
        assert problems, (what, output)
        where = f"seq {seq + 1}" if what == "a deleted row" else f"seq {seq}"
        assert complaint in problems[0] and where in problems[0], (what, problems)
