"""The node's one SQLite file (WAL), its schema and migrations.

The schema is created and migrated by the tool itself. Each area of the node
(the network log, the member register, the group's business, the audit trail
…) owns a list of migrations; `schema_versions` records how far each area's
list has been applied, and each migration runs in its own transaction. The
file and its WAL companions are created readable by the node's user only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import aiosqlite

NETWORK_MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    -- Every accepted entry of every author, in the order this node accepted
    -- them (rx): a topological order, since an entry is accepted only after
    -- everything it depends on.
    CREATE TABLE entries (
        rx INTEGER PRIMARY KEY,
        author TEXT NOT NULL,
        seq INTEGER NOT NULL,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        ts INTEGER NOT NULL,
        received INTEGER NOT NULL,
        raw BLOB NOT NULL,
        UNIQUE (author, seq)
    );
    -- The second entry of each equivocation: evidence, kept and relayed.
    CREATE TABLE forks (
        id TEXT PRIMARY KEY,
        author TEXT NOT NULL,
        seq INTEGER NOT NULL,
        received INTEGER NOT NULL,
        raw BLOB NOT NULL
    );
    -- Push replication: per destination, the last rx it acknowledged.
    CREATE TABLE outbox (
        peer TEXT PRIMARY KEY,
        cursor INTEGER NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        next_attempt INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT ''
    );
    -- Pull replication: per source, the last rx of its feed we hold.
    CREATE TABLE pulls (peer TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
    -- Where to find the network before this node knows its members' addresses.
    CREATE TABLE bootstrap (url TEXT PRIMARY KEY);
    CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        label TEXT NOT NULL,
        created INTEGER NOT NULL
    );
    """,
]


async def connect(path: Path) -> aiosqlite.Connection:
    """Open (creating with mode 0600 if needed) and migrate the node database."""
    old_umask = os.umask(0o077)
    try:
        db = await aiosqlite.connect(path, isolation_level=None)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=FULL")
        await db.execute("PRAGMA busy_timeout=10000")
        await db.execute("PRAGMA foreign_keys=ON")
        try:
            await migrate(db)
        except BaseException:
            await db.close()
            raise
    finally:
        os.umask(old_umask)
    return db


def areas() -> dict[str, list[str]]:
    """Every area's migrations, in the order areas are created."""
    from . import adoptions, audit, business, follows, register

    return {
        "network": NETWORK_MIGRATIONS,
        "audit": audit.MIGRATIONS,
        "register": register.MIGRATIONS,
        "business": business.MIGRATIONS,
        "follows": follows.MIGRATIONS,
        "adoptions": adoptions.MIGRATIONS,
    }


async def migrate(db: aiosqlite.Connection) -> None:
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions (area TEXT PRIMARY KEY, version INTEGER)"
    )
    async with db.execute("SELECT area, version FROM schema_versions") as cursor:
        applied = dict(await cursor.fetchall())
    known = areas()
    for area, version in applied.items():
        if area in known and version > len(known[area]):
            raise SystemExit(
                f"error: this database was written by a newer groupnet ({area} schema "
                f"version {version}; this one knows {len(known[area])}); upgrade groupnet "
                "or restore a backup taken before the upgrade"
            )
    for area, migrations in known.items():
        for number in range(applied.get(area, 0), len(migrations)):
            await db.execute("BEGIN IMMEDIATE")
            try:
                # another process (the CLI beside a running node) may have got here first
                async with db.execute(
                    "SELECT version FROM schema_versions WHERE area = ?", (area,)
                ) as cursor:
                    row = await cursor.fetchone()
                if row and row[0] > number:
                    await db.execute("COMMIT")
                    continue
                for statement in _statements(migrations[number]):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_versions (area, version) VALUES (?, ?) "
                    "ON CONFLICT (area) DO UPDATE SET version = excluded.version",
                    (area, number + 1),
                )
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise


def _statements(script: str) -> list[str]:
    """Split a script into statements; `complete_statement` keeps triggers whole."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


async def get_meta(db: aiosqlite.Connection, key: str) -> str | None:
    async with db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def set_meta(db: aiosqlite.Connection, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
