"""API tokens (`tokens`, created with the node's own tables): only each token's hash is kept."""

from __future__ import annotations

import aiosqlite


async def add(db: aiosqlite.Connection, digest: str, role: str, label: str,
              created: int) -> None:
    await db.execute("INSERT INTO tokens (hash, role, label, created) VALUES (?, ?, ?, ?)",
                     (digest, role, label, created))


async def admin(db: aiosqlite.Connection, digest: str) -> tuple[str, str] | None:
    """(hash, label) of the admin token with this hash."""
    async with db.execute("SELECT hash, label FROM tokens WHERE hash = ? AND role = 'admin'",
                          (digest,)) as cursor:
        return await cursor.fetchone()


async def listing(db: aiosqlite.Connection) -> list[tuple[str, str, str, int]]:
    """(hash prefix, role, label, created) of every token, oldest first."""
    async with db.execute(
        "SELECT substr(hash, 1, 12), role, label, created FROM tokens ORDER BY created"
    ) as cursor:
        return list(await cursor.fetchall())


async def revoke(db: aiosqlite.Connection, prefix: str) -> int:
    """Delete the tokens whose hash starts with `prefix`; how many there were."""
    cursor = await db.execute("DELETE FROM tokens WHERE hash LIKE ? || '%'", (prefix,))
    return cursor.rowcount
