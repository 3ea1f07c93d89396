"""What this group's officers follow on the network, and what they have read.

Private to the node. Notifications are not stored: they are the shared
motions (and revisions) that match a follow, computed from the network state,
so they can never disagree with it; only the read mark is kept.
"""

from __future__ import annotations

import aiosqlite

MIGRATIONS = [
    """
    CREATE TABLE follows (
        kind TEXT NOT NULL CHECK (kind IN ('group', 'topic')),
        value TEXT NOT NULL,
        created INTEGER NOT NULL,
        PRIMARY KEY (kind, value)
    );
    CREATE TABLE notification_marks (id INTEGER PRIMARY KEY CHECK (id = 1),
                                     read_upto INTEGER NOT NULL);
    """,
]


async def add(db: aiosqlite.Connection, kind: str, value: str, created: int) -> None:
    await db.execute("INSERT OR IGNORE INTO follows (kind, value, created) VALUES (?, ?, ?)",
                     (kind, value, created))


async def remove(db: aiosqlite.Connection, kind: str, value: str) -> None:
    await db.execute("DELETE FROM follows WHERE kind = ? AND value = ?", (kind, value))


async def listing(db: aiosqlite.Connection) -> list[tuple[str, str, int]]:
    """(kind, value, created) of every follow, by kind and value."""
    async with db.execute(
        "SELECT kind, value, created FROM follows ORDER BY kind, value"
    ) as cursor:
        return list(await cursor.fetchall())


async def read_upto(db: aiosqlite.Connection) -> int:
    """Until when the notifications have been read (0: none yet)."""
    async with db.execute("SELECT read_upto FROM notification_marks") as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0


async def mark_read(db: aiosqlite.Connection, upto: int) -> None:
    await db.execute(
        "INSERT INTO notification_marks (id, read_upto) VALUES (1, ?) "
        "ON CONFLICT (id) DO UPDATE SET read_upto = excluded.read_upto", (upto,),
    )
