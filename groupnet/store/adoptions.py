"""Links between the group's own motions and motions shared on the network."""

from __future__ import annotations

import aiosqlite

MIGRATIONS = [
    """
    CREATE TABLE adoptions (
        local_motion INTEGER PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('adopted', 'shared')),
        shared_motion TEXT NOT NULL,
        version INTEGER NOT NULL,
        linked_at INTEGER NOT NULL,
        endorsement TEXT
    );
    CREATE INDEX adoptions_by_shared ON adoptions (shared_motion);
    """,
]


async def link(db: aiosqlite.Connection, local_id: int, direction: str, shared_id: str,
               version: int, at_ms: int) -> None:
    await db.execute(
        "INSERT INTO adoptions (local_motion, direction, shared_motion, version, linked_at) "
        "VALUES (?, ?, ?, ?, ?)", (local_id, direction, shared_id, version, at_ms),
    )


async def link_of(db: aiosqlite.Connection, local_id: int) -> tuple | None:
    """(direction, shared motion, version, endorsement) of a local motion's link, if any."""
    async with db.execute(
        "SELECT direction, shared_motion, version, endorsement FROM adoptions "
        "WHERE local_motion = ?", (local_id,),
    ) as cursor:
        return await cursor.fetchone()


async def links_to(db: aiosqlite.Connection, shared_id: str) -> list[tuple]:
    """(local motion, direction, version, endorsement) of each local motion linked to one."""
    async with db.execute(
        "SELECT local_motion, direction, version, endorsement FROM adoptions "
        "WHERE shared_motion = ? ORDER BY local_motion", (shared_id,),
    ) as cursor:
        return list(await cursor.fetchall())


async def set_endorsement(db: aiosqlite.Connection, local_id: int, entry_id: str) -> None:
    await db.execute("UPDATE adoptions SET endorsement = ? WHERE local_motion = ?",
                     (entry_id, local_id))
