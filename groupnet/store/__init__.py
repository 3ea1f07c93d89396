"""The node's one SQLite file (WAL), its schema and migrations.

The schema is created and migrated by the tool itself. Each area of the node
(the network log, the member register, the group's business, the audit trail
…) owns a list of migrations; `schema_versions` records how far each area's
list has been applied, and each migration runs in its own transaction. The
file and its WAL companions are created readable by the node's user only.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager

from . import adoptions, audit, business, follows, held_files, register

# How long a statement waits for another process's write lock before giving up
# with SQLITE_BUSY; the edges answer that as `busy` (web: 503 with Retry-After).
BUSY_TIMEOUT_MS = 10_000

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


class FinishedCursor(aiosqlite.Cursor):
    """A statement's outcome: its rows, already fetched, and its rowcount and lastrowid."""

    def __init__(self, db: aiosqlite.Connection, cursor: sqlite3.Cursor,
                 rows: list[Any]) -> None:
        super().__init__(db, cursor)
        self._rows = deque(rows)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(len(self._rows), size if size is not None else self.arraysize)
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._each()

    async def _each(self) -> AsyncIterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    async def close(self) -> None:
        self._rows.clear()  # the statement itself was finished and reset when it ran


class Database(aiosqlite.Connection):
    """The node's one connection, which every task of the process shares.

    Each statement runs to its end in a single call on the connection's
    thread, its rows fetched there, so no statement is ever left open while
    other tasks run. An open read holds a read transaction on the shared
    connection: a `BEGIN IMMEDIATE` issued by another task meanwhile would
    have to upgrade it, and SQLite answers such an upgrade with SQLITE_BUSY at
    once, without waiting for the busy timeout, whenever another process (the
    command line) holds the write lock or has committed since the read began;
    a ROLLBACK meanwhile would abort the read. Results are therefore lists in
    memory: queries that may match many rows page with LIMIT.
    """

    # transactions committed on this connection, for `groupnet bench propagation`
    commits = 0

    @contextmanager
    async def execute(self, sql: str,
                      parameters: Iterable[Any] | None = None) -> aiosqlite.Cursor:
        cursor, rows = await self._execute(self._run_to_end, sql,
                                           [] if parameters is None else parameters)
        return FinishedCursor(self, cursor, rows)

    def _run_to_end(self, sql: str, parameters: Iterable[Any]) -> tuple[sqlite3.Cursor, list]:
        cursor = self._conn.execute(sql, parameters)
        return cursor, cursor.fetchall()


def is_busy(error: BaseException) -> bool:
    """Whether `error` is SQLite giving up on a lock another connection holds."""
    code = getattr(error, "sqlite_errorcode", None)
    return (isinstance(error, sqlite3.OperationalError) and code is not None
            and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED))


async def begin(db: aiosqlite.Connection) -> None:
    """Start a write transaction, taking SQLite's write lock now (or waiting for it)."""
    await db.execute("BEGIN IMMEDIATE")


async def commit(db: aiosqlite.Connection) -> None:
    await db.execute("COMMIT")
    if isinstance(db, Database):
        db.commits += 1


async def rollback(db: aiosqlite.Connection) -> None:
    await db.execute("ROLLBACK")


@contextlib.asynccontextmanager
async def write_transaction(db: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """`begin` … `commit`, or `rollback` when anything inside (or the commit) fails.

    The caller serialises its own tasks on the connection (`Node.transaction`
    says why); leaving the block early without an error commits what was done.
    """
    await begin(db)
    try:
        yield db
        await commit(db)
    except BaseException:
        await rollback(db)
        raise


async def connect(path: Path) -> aiosqlite.Connection:
    """Open (creating with mode 0600 if needed) and migrate the node database."""
    old_umask = os.umask(0o077)
    try:
        db = await Database(lambda: sqlite3.connect(str(path), isolation_level=None),
                            iter_chunk_size=64)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=FULL")
        await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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
    return {
        "network": NETWORK_MIGRATIONS,
        "audit": audit.MIGRATIONS,
        "register": register.MIGRATIONS,
        "business": business.MIGRATIONS,
        "follows": follows.MIGRATIONS,
        "adoptions": adoptions.MIGRATIONS,
        "held_files": held_files.MIGRATIONS,
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
            await begin(db)
            try:
                # another process (the CLI beside a running node) may have got here first
                async with db.execute(
                    "SELECT version FROM schema_versions WHERE area = ?", (area,)
                ) as cursor:
                    row = await cursor.fetchone()
                if row and row[0] > number:
                    await commit(db)
                    continue
                for statement in _statements(migrations[number]):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_versions (area, version) VALUES (?, ?) "
                    "ON CONFLICT (area) DO UPDATE SET version = excluded.version",
                    (area, number + 1),
                )
                await commit(db)
            except BaseException:
                await rollback(db)
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


async def meta_with_prefix(db: aiosqlite.Connection, prefix: str) -> list[tuple[str, str]]:
    """(key without `prefix`, value) of every meta row whose key starts with `prefix`."""
    async with db.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?",
                          (len(prefix), prefix)) as cursor:
        rows = await cursor.fetchall()
    return [(key[len(prefix):], value) for key, value in rows]


async def set_meta(db: aiosqlite.Connection, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
