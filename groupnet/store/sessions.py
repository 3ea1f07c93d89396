"""Passwords, sessions and the sign-in limits: the SQL `group/signin.py` runs.

The tables (`credentials`, `sessions`, `operator_sessions`, `sign_in_failures`)
are created with the register's (`store/register.py`). Writes run inside the
caller's transaction.
"""

from __future__ import annotations

import aiosqlite

# -- passwords ------------------------------------------------------------------------


async def password_hash(db: aiosqlite.Connection, member_id: str) -> str | None:
    async with db.execute("SELECT hash FROM credentials WHERE member_id = ?",
                          (member_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def password_set_at(db: aiosqlite.Connection, member_id: str) -> int | None:
    async with db.execute("SELECT set_at FROM credentials WHERE member_id = ?",
                          (member_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def has_password(db: aiosqlite.Connection, member_id: str) -> bool:
    async with db.execute("SELECT 1 FROM credentials WHERE member_id = ?",
                          (member_id,)) as cursor:
        return await cursor.fetchone() is not None


async def set_password(db: aiosqlite.Connection, member_id: str, hashed: str, now: int) -> None:
    await db.execute(
        "INSERT INTO credentials (member_id, hash, set_at) VALUES (?, ?, ?) "
        "ON CONFLICT (member_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
        (member_id, hashed, now),
    )


async def change_password(db: aiosqlite.Connection, member_id: str, hashed: str,
                          now: int) -> None:
    await db.execute("UPDATE credentials SET hash = ?, set_at = ? WHERE member_id = ?",
                     (hashed, now, member_id))


# -- the sign-in limits ---------------------------------------------------------------


async def failures_since(db: aiosqlite.Connection, key: str, since: int
                         ) -> tuple[int, int | None, int | None]:
    """(how many failures under `key` after `since`, the first one's time, the last one's)."""
    async with db.execute(
        "SELECT COUNT(*), MIN(at), MAX(at) FROM sign_in_failures WHERE key = ? AND at > ?",
        (key, since),
    ) as cursor:
        count, first, last = await cursor.fetchone()
    return count, first, last


async def record_failure(db: aiosqlite.Connection, keys: tuple[str, ...], now: int,
                         forget_before: int) -> None:
    await db.executemany("INSERT INTO sign_in_failures (key, at) VALUES (?, ?)",
                         [(key, now) for key in keys])
    await db.execute("DELETE FROM sign_in_failures WHERE at <= ?", (forget_before,))


async def forget_failures(db: aiosqlite.Connection, key: str) -> None:
    await db.execute("DELETE FROM sign_in_failures WHERE key = ?", (key,))


# -- members' sessions ----------------------------------------------------------------


async def start_session(db: aiosqlite.Connection, digest: str, member_id: str, now: int,
                        expires: int, address: str) -> None:
    await db.execute(
        "INSERT INTO sessions (hash, member_id, created, last_seen, expires, address) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (digest, member_id, now, now, expires, address),
    )


async def session(db: aiosqlite.Connection, digest: str) -> tuple[str, int, int] | None:
    """(member id, last seen, expires) of the session with this token hash."""
    async with db.execute(
        "SELECT member_id, last_seen, expires FROM sessions WHERE hash = ?", (digest,)
    ) as cursor:
        return await cursor.fetchone()


async def seen(db: aiosqlite.Connection, digest: str, now: int) -> None:
    await db.execute("UPDATE sessions SET last_seen = ? WHERE hash = ?", (now, digest))


async def end_session(db: aiosqlite.Connection, digest: str, member_id: str) -> bool:
    """End one session of `member_id`; False if there was no such session."""
    cursor = await db.execute("DELETE FROM sessions WHERE hash = ? AND member_id = ?",
                              (digest, member_id))
    return cursor.rowcount == 1


async def end_other_sessions(db: aiosqlite.Connection, member_id: str, keep: str) -> int:
    """End every session of `member_id` but the one with hash `keep`; how many ended."""
    cursor = await db.execute("DELETE FROM sessions WHERE member_id = ? AND hash != ?",
                              (member_id, keep))
    return cursor.rowcount


async def end_sessions(db: aiosqlite.Connection, member_id: str) -> int:
    cursor = await db.execute("DELETE FROM sessions WHERE member_id = ?", (member_id,))
    return cursor.rowcount


async def sessions_of(db: aiosqlite.Connection, member_id: str) -> list[dict]:
    async with db.execute(
        "SELECT created, last_seen, expires, address FROM sessions WHERE member_id = ? "
        "ORDER BY created", (member_id,),
    ) as cursor:
        return [{"created": r[0], "last_seen": r[1], "expires": r[2], "address": r[3]}
                for r in await cursor.fetchall()]


# -- the operator's sessions ----------------------------------------------------------


async def start_operator_session(db: aiosqlite.Connection, digest: str, admin_digest: str,
                                 now: int, expires: int, address: str) -> None:
    await db.execute(
        "INSERT INTO operator_sessions (hash, token, created, last_seen, expires, "
        "address) VALUES (?, ?, ?, ?, ?, ?)",
        (digest, admin_digest, now, now, expires, address))


async def operator_session(db: aiosqlite.Connection, digest: str
                           ) -> tuple[str, int, int] | None:
    """(admin token's label, last seen, expires) of the operator session with this hash."""
    async with db.execute(
        "SELECT t.label, s.last_seen, s.expires FROM operator_sessions s "
        "JOIN tokens t ON t.hash = s.token WHERE s.hash = ?", (digest,)
    ) as cursor:
        return await cursor.fetchone()


async def operator_seen(db: aiosqlite.Connection, digest: str, now: int) -> None:
    await db.execute("UPDATE operator_sessions SET last_seen = ? WHERE hash = ?",
                     (now, digest))


async def end_operator_session(db: aiosqlite.Connection, digest: str) -> bool:
    cursor = await db.execute("DELETE FROM operator_sessions WHERE hash = ?", (digest,))
    return cursor.rowcount == 1
