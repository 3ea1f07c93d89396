#!/usr/bin/env bash
# Back up a groupnet node while it runs.
#
#   groupnet-backup NODE_DIR BACKUP_ROOT
#
# Writes BACKUP_ROOT/<node dir name>-<UTC time>/ (mode 0700) holding node.db,
# an online copy made with SQLite's backup API (one consistent snapshot, even
# while `groupnet run` writes), and copies of node.key, node.toml and, if a key
# rotation is under way, node.key.next; every file mode 0600. Prints the path.
# The copy holds the node's private key: keep it as secret as the node itself.
#
# Run it as the user the node runs as: opening the database may create its
# -wal and -shm files, and files created by another user (root) would lock
# the node out of its own database.
#
# Restoring: stop the node, put the backup's files in place of the node's
# directory (mode 0700, files 0600), start the node, and let it confirm its
# own head with its peers before anything writes to it (docs/deploy.md).
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: groupnet-backup NODE_DIR BACKUP_ROOT" >&2
    exit 2
fi
umask 077

python3 - "$1" "$2" <<'PY'
import filecmp
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

node, root = Path(sys.argv[1]), Path(sys.argv[2])
KEY_FILES = ["node.key", "node.key.next"]


def fail(message: str) -> None:
    sys.exit(f"error: {message}")


if not (node / "node.toml").is_file() or not (node / "node.db").is_file():
    fail(f"{node} is not a groupnet node (no node.toml or node.db)")
owner = (node / "node.db").stat().st_uid
if os.geteuid() != owner:
    fail(f"run this as the node's user (uid {owner}), not uid {os.geteuid()}")



def make_backup(target: Path) -> int:
    """Copy the node into `target`; return how many entries the copy holds."""
    # The key files first and the database second: a rotation that lands
    # between the two leaves the new key in node.key.next or node.key, which
    # is checked after the copy.
    for name in ["node.toml", *KEY_FILES]:
        if (node / name).exists():
            shutil.copyfile(node / name, target / name)
    source = sqlite3.connect(node / "node.db", timeout=30)
    copy = sqlite3.connect(target / "node.db")
    try:
        with copy:
            source.backup(copy)
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        (entries,) = copy.execute("SELECT COUNT(*) FROM entries").fetchone()
    finally:
        copy.close()
        source.close()
    if verdict != "ok":
        fail(f"the copy of {node / 'node.db'} fails its integrity check: {verdict}")
    for name in KEY_FILES:
        now_there = (node / name).exists()
        if now_there != (target / name).exists() or (
            now_there and not filecmp.cmp(node / name, target / name, shallow=False)
        ):
            fail(f"{node / name} changed during the backup (a key rotation?); run it again")
    for path in target.iterdir():
        path.chmod(0o600)
    return entries


root.mkdir(mode=0o700, parents=True, exist_ok=True)
stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
target = root / f"{node.resolve().name}-{stamp}"
try:
    target.mkdir(mode=0o700)
except FileExistsError:
    fail(f"{target} exists already; wait a second and run again")
try:
    entries = make_backup(target)
except BaseException:
    # A half-made backup must not be mistaken for a good one.
    shutil.rmtree(target)
    raise
files = ", ".join(sorted(path.name for path in target.iterdir()))
print(f"{target}: {files}; entries: {entries}")
PY
