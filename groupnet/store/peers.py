"""Where this node replicates from and to: bootstrap addresses, pull and push cursors."""

from __future__ import annotations

import aiosqlite


async def add_bootstrap(db: aiosqlite.Connection, url: str) -> None:
    await db.execute("INSERT OR IGNORE INTO bootstrap (url) VALUES (?)", (url,))


async def bootstrap_urls(db: aiosqlite.Connection) -> list[str]:
    async with db.execute("SELECT url FROM bootstrap ORDER BY url") as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def pull_cursor(db: aiosqlite.Connection, peer: str) -> int:
    """The rx in `peer`'s feed up to which this node holds it (0 if never pulled)."""
    async with db.execute("SELECT cursor FROM pulls WHERE peer = ?", (peer,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0


async def save_pull_cursor(db: aiosqlite.Connection, peer: str, position: int) -> None:
    await db.execute(
        "INSERT INTO pulls (peer, cursor) VALUES (?, ?) "
        "ON CONFLICT (peer) DO UPDATE SET cursor = excluded.cursor",
        (peer, position),
    )

