"""Invitation and password-reset links (`links`, created with the register's tables).

Only each token's hash is kept. Writes run inside the caller's transaction.
"""

from __future__ import annotations

import aiosqlite


async def void_unused(db: aiosqlite.Connection, member_id: str, now: int,
                      purpose: str | None = None) -> None:
    """Mark the member's unused links (of `purpose`, or all of them) used at `now`."""
    if purpose is None:
        await db.execute("UPDATE links SET used_at = ? WHERE member_id = ? AND used_at IS NULL",
                         (now, member_id))
    else:
        await db.execute(
            "UPDATE links SET used_at = ? WHERE member_id = ? AND purpose = ? "
            "AND used_at IS NULL", (now, member_id, purpose),
        )


async def add(db: aiosqlite.Connection, digest: str, member_id: str, purpose: str, now: int,
              expires: int, issued_by: str) -> None:
    await db.execute(
        "INSERT INTO links (hash, member_id, purpose, created, expires, used_at, issued_by) "
        "VALUES (?, ?, ?, ?, ?, NULL, ?)",
        (digest, member_id, purpose, now, expires, issued_by),
    )


async def count_since(db: aiosqlite.Connection, member_id: str, purpose: str,
                      since: int) -> int:
    async with db.execute(
        "SELECT COUNT(*) FROM links WHERE member_id = ? AND purpose = ? AND created > ?",
        (member_id, purpose, since),
    ) as cursor:
        (n,) = await cursor.fetchone()
    return n


async def find(db: aiosqlite.Connection, digest: str, purpose: str
               ) -> tuple[str, int, int | None] | None:
    """(member id, expires, used at) of the link with this hash and purpose."""
    async with db.execute(
        "SELECT member_id, expires, used_at FROM links WHERE hash = ? AND purpose = ?",
        (digest, purpose),
    ) as cursor:
        return await cursor.fetchone()


async def use(db: aiosqlite.Connection, digest: str, now: int) -> bool:
    """Use an unused link up; False if it was used meanwhile."""
    cursor = await db.execute(
        "UPDATE links SET used_at = ? WHERE hash = ? AND used_at IS NULL", (now, digest))
    return cursor.rowcount == 1
