"""Reading the log's entries and forks for the pages and `groupnet verify`.

`network/node.py` writes them."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite


async def latest_of_kinds(db: aiosqlite.Connection, kinds: Sequence[str],
                          limit: int) -> list[bytes]:
    """The raw bytes of the `limit` entries of these kinds received last, newest first."""
    marks = ", ".join("?" * len(kinds))
    async with db.execute(
        f"SELECT raw FROM entries WHERE kind IN ({marks}) ORDER BY rx DESC LIMIT ?",
        (*kinds, limit),
    ) as cursor:
        return [raw for (raw,) in await cursor.fetchall()]


async def all_rows(db: aiosqlite.Connection) -> list[tuple]:
    """(rx, author, seq, id, kind, raw) of every entry, in the order received."""
    async with db.execute(
        "SELECT rx, author, seq, id, kind, raw FROM entries ORDER BY rx"
    ) as cursor:
        return list(await cursor.fetchall())


async def fork_rows(db: aiosqlite.Connection) -> list[tuple]:
    """(id, author, seq, raw) of every fork evidence entry kept."""
    async with db.execute("SELECT id, author, seq, raw FROM forks") as cursor:
        return list(await cursor.fetchall())


async def latest_rx(db: aiosqlite.Connection) -> int:
    """The rx of the entry received last (0 for an empty log), whichever process wrote it."""
    async with db.execute("SELECT COALESCE(MAX(rx), 0) FROM entries") as cursor:
        (latest,) = await cursor.fetchone()
    return latest
