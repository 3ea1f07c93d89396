"""Files an officer uploaded and has not yet imported, held between preview and import.

A file is held for the sign-in that uploaded it (`owner`) and for a while only
(`expires`); each owner has at most one, and the node at most `keep` in all.
Expired files are deleted whenever another is held, and none is ever read
after its time.
"""

from __future__ import annotations

import aiosqlite

MIGRATIONS = [
    """
    CREATE TABLE held_files (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        body BLOB NOT NULL,
        created INTEGER NOT NULL,
        expires INTEGER NOT NULL
    );
    CREATE INDEX held_files_by_owner ON held_files (owner);
    """,
]


async def hold(db: aiosqlite.Connection, ident: str, owner: str, name: str, body: bytes,
               now: int, expires: int, keep: int) -> None:
    """Hold `body` as `ident` for `owner`, instead of any file they held before."""
    await db.execute("DELETE FROM held_files WHERE expires <= ? OR owner = ?", (now, owner))
    await db.execute(
        "INSERT INTO held_files (id, owner, name, body, created, expires) "
        "VALUES (?, ?, ?, ?, ?, ?)", (ident, owner, name, body, now, expires))
    await db.execute(
        "DELETE FROM held_files WHERE id NOT IN "
        "(SELECT id FROM held_files ORDER BY created DESC, id LIMIT ?)", (keep,))


async def held(db: aiosqlite.Connection, ident: str, owner: str,
               now: int) -> tuple[str, bytes] | None:
    """(name, body) of the file `owner` holds as `ident`, unless it has expired."""
    async with db.execute(
        "SELECT name, body FROM held_files WHERE id = ? AND owner = ? AND expires > ?",
        (ident, owner, now),
    ) as cursor:
        row = await cursor.fetchone()
    return (row[0], bytes(row[1])) if row else None


async def drop(db: aiosqlite.Connection, ident: str) -> None:
    await db.execute("DELETE FROM held_files WHERE id = ?", (ident,))
