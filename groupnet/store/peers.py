"""Where this node replicates from and to: bootstrap addresses, pull and push cursors."""

from __future__ import annotations

import aiosqlite


async def add_bootstrap(db: aiosqlite.Connection, url: str) -> None:
    await db.execute("INSERT OR IGNORE INTO bootstrap (url) VALUES (?)", (url,))


async def bootstrap_urls(db: aiosqlite.Connection) -> list[str]:
    async with db.execute("SELECT url FROM bootstrap ORDER BY url") as cursor:
        return [row[0] for row in await cursor.fetchall()]

