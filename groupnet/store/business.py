"""The group's business records: meetings, motions, elections, cases.

Each record is one msgspec value (the state a pure procedure function takes
and returns), stored whole under (kind, id) with a version number. A change
loads the record, asks the procedure code, and saves the result only if the
version is still the one it loaded, so two officers acting at once cannot
silently overwrite each other.
"""

from __future__ import annotations

from typing import TypeVar

import aiosqlite
import msgspec

from ..wire.rejection import refuse

MIGRATIONS = [
    """
    CREATE TABLE records (
        kind TEXT NOT NULL,
        id INTEGER NOT NULL,
        version INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (kind, id)
    );
    """,
]

T = TypeVar("T")


async def next_id(db: aiosqlite.Connection, kind: str) -> int:
    async with db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM records WHERE kind = ?",
                          (kind,)) as cursor:
        (ident,) = await cursor.fetchone()
    return ident


async def load(db: aiosqlite.Connection, kind: str, ident: int, shape: type[T]) -> tuple[T, int]:
    async with db.execute("SELECT body, version FROM records WHERE kind = ? AND id = ?",
                          (kind, ident)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise refuse("not_found", f"there is no {kind} {ident}", 404)
    return msgspec.json.decode(row[0], type=shape), row[1]


async def save(db: aiosqlite.Connection, kind: str, ident: int, value: object,
               version: int | None, now: int) -> int:
    """Insert (version None) or update if still at `version`; return the new version."""
    body = msgspec.json.encode(value)
    if version is None:
        await db.execute(
            "INSERT INTO records (kind, id, version, updated, body) VALUES (?, ?, 1, ?, ?)",
            (kind, ident, now, body),
        )
        return 1
    cursor = await db.execute(
        "UPDATE records SET version = version + 1, updated = ?, body = ? "
        "WHERE kind = ? AND id = ? AND version = ?",
        (now, body, kind, ident, version),
    )
    if cursor.rowcount != 1:
        raise refuse("conflict", f"{kind} {ident} was changed by someone else; reload it", 409)
    return version + 1


async def all_of(db: aiosqlite.Connection, kind: str, shape: type[T]) -> list[tuple[int, T]]:
    async with db.execute("SELECT id, body FROM records WHERE kind = ? ORDER BY id",
                          (kind,)) as cursor:
        rows = await cursor.fetchall()
    return [(ident, msgspec.json.decode(body, type=shape)) for ident, body in rows]


async def ids_where(db: aiosqlite.Connection, kind: str, path: str, value: str) -> list[int]:
    """The ids of the records of `kind` whose body has `value` at JSON `path`, in order."""
    async with db.execute(
        "SELECT id FROM records WHERE kind = ? "
        "AND json_extract(CAST(body AS TEXT), ?) = ? ORDER BY id",
        (kind, path, value),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]
