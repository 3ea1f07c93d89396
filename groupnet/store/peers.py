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


async def save_push_cursors(db: aiosqlite.Connection, moved: list[tuple[int, str]]) -> None:
    """Write each (cursor, peer) pair of the outbox."""
    await db.executemany("UPDATE outbox SET cursor = ? WHERE peer = ?", moved)


async def outbox_rows(db: aiosqlite.Connection) -> list[tuple]:
    """(peer, cursor, failures, next_attempt, last_error) of every push destination."""
    async with db.execute(
        "SELECT peer, cursor, failures, next_attempt, last_error FROM outbox"
    ) as cursor:
        return list(await cursor.fetchall())


async def start_push(db: aiosqlite.Connection, peer: str, latest: int) -> tuple[int, int, int]:
    """(cursor, failures, next_attempt) of `peer`; a new peer starts from `latest`."""
    await db.execute(
        "INSERT OR IGNORE INTO outbox (peer, cursor) VALUES (?, ?)",
        (peer, latest),
    )
    async with db.execute(
        "SELECT cursor, failures, next_attempt FROM outbox WHERE peer = ?",
        (peer,),
    ) as cursor:
        return await cursor.fetchone()


async def record_push_failure(db: aiosqlite.Connection, peer: str, failures: int,
                              next_attempt: int, error: str) -> None:
    await db.execute(
        "UPDATE outbox SET failures = ?, next_attempt = ?, last_error = ? "
        "WHERE peer = ?",
        (failures, next_attempt, error, peer),
    )
