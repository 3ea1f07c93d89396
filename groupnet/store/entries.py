"""Reading the log's entries (`entries`) for the pages; node.py writes them."""

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
