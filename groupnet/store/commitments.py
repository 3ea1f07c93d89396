"""Register commitments this node published and the salts behind them.

The tables (`register_commitments`, `commitment_salts`) are created with the
register's (`store/register.py`). Writes run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite


async def add(db: aiosqlite.Connection, entry_id: str, freeze: int, active_members: int,
              root: str, created: int, created_by: str,
              salts: Iterable[tuple[str, str]]) -> int:
    """Record a published commitment and its (member id, salt) pairs; its id."""
    cursor = await db.execute(
        "INSERT INTO register_commitments (entry, freeze, active_members, root, created, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?)",
        (entry_id, freeze, active_members, root, created, created_by),
    )
    ident = cursor.lastrowid
    await db.executemany(
        "INSERT INTO commitment_salts (commitment, member_id, salt) VALUES (?, ?, ?)",
        [(ident, member_id, salt) for member_id, salt in salts],
    )
    return ident


async def history(db: aiosqlite.Connection) -> list[tuple]:
    """(id, entry, freeze, active members, root, created, created by), newest first."""
    async with db.execute(
        "SELECT id, entry, freeze, active_members, root, created, created_by "
        "FROM register_commitments ORDER BY id DESC"
    ) as cursor:
        return list(await cursor.fetchall())


async def salts_of(db: aiosqlite.Connection, entry_id: str) -> list[tuple[str, str]] | None:
    """(member id, salt) of the commitment published as `entry_id`; None if not ours."""
    async with db.execute("SELECT id FROM register_commitments WHERE entry = ?",
                          (entry_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    async with db.execute(
        "SELECT member_id, salt FROM commitment_salts WHERE commitment = ?", (row[0],)
    ) as cursor:
        return list(await cursor.fetchall())
