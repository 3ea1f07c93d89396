"""The notices the group sends its members (the table is created with the register)."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite


async def subjects_under(db: aiosqlite.Connection, subject: str) -> list[str]:
    """The distinct subjects of notices that are `subject` or lie under it (`subject:...`)."""
    async with db.execute("SELECT DISTINCT related FROM notices WHERE related = ? "
                          "OR related LIKE ?", (subject, subject + ":%")) as cursor:
        return [row[0] for row in await cursor.fetchall()]


# The columns of a notice row as the functions below return it, in this order.
COLUMNS = ("id, member_id, name, email, kind, subject, body, attachments, related, transport, "
           "status, error, created, sent_at, secret")


async def add(db: aiosqlite.Connection, member_id: str, name: str, email: str, kind: str,
              subject: str, body: str, secret: str, attachments: bytes, related: str,
              transport: str, now: int, actor: str) -> int:
    """Record one notice as pending; return its id."""
    cursor = await db.execute(
        "INSERT INTO notices (member_id, name, email, kind, subject, body, secret, "
        "attachments, related, transport, status, error, created, created_by, sent_at, "
        "passed_on_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '', ?, ?, NULL, NULL)",
        (member_id, name, email, kind, subject, body, secret, attachments, related, transport,
         now, actor),
    )
    return cursor.lastrowid


async def mark_mailed(db: aiosqlite.Connection, notice_id: int, error: str,
                      sent_at: int | None) -> None:
    """Sent or refused by the mail server; either way the link is no longer kept."""
    await db.execute(
        "UPDATE notices SET status = ?, error = ?, sent_at = ?, secret = '' "
        "WHERE id = ?",
        ("failed" if error else "sent", error, sent_at, notice_id),
    )


async def mark_sent(db: aiosqlite.Connection, notice_id: int, now: int,
                    passed_on_by: str) -> None:
    await db.execute("UPDATE notices SET status = 'sent', sent_at = ?, passed_on_by = ? "
                     "WHERE id = ?", (now, passed_on_by, notice_id))


async def _rows(db: aiosqlite.Connection, sql: str, params: tuple) -> list[tuple]:
    async with db.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def of_kind(db: aiosqlite.Connection, member_id: str, kind: str,
                  limit: int) -> list[tuple]:
    """The newest `limit` notice rows of `kind` to `member_id`, newest first."""
    return await _rows(db, f"SELECT {COLUMNS} FROM notices WHERE member_id = ? AND kind = ? "
                       "ORDER BY id DESC LIMIT ?", (member_id, kind, limit))


async def _by_ids(db: aiosqlite.Connection, select: str, ids: Sequence[int]) -> list[tuple]:
    found: list[tuple] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        async with db.execute(
            f"SELECT {select} FROM notices WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ) as cursor:
            found.extend(await cursor.fetchall())
    return found


async def by_ids(db: aiosqlite.Connection, ids: Sequence[int]) -> list[tuple]:
    """The notice rows of `ids` that exist, in no particular order."""
    return await _by_ids(db, COLUMNS, ids)


async def secrets(db: aiosqlite.Connection, ids: Sequence[int]) -> dict[int, str]:
    """The links kept for notices about to be mailed: read only to send them."""
    return dict(await _by_ids(db, "id, secret", ids))


async def attachments(db: aiosqlite.Connection, ids: Sequence[int]) -> list[tuple[int, bytes]]:
    """(id, encoded attachments) of the notices of `ids`."""
    return await _by_ids(db, "id, attachments", ids)


async def unsent(db: aiosqlite.Connection, except_kind: str, limit: int) -> list[tuple]:
    """The first `limit` notice rows pending or failed, other than of `except_kind`."""
    return await _rows(db, f"SELECT {COLUMNS} FROM notices WHERE status IN ('pending', "
                       "'failed') AND kind != ? ORDER BY id LIMIT ?", (except_kind, limit))


async def of_member(db: aiosqlite.Connection, member_id: str) -> list[tuple]:
    return await _rows(db, f"SELECT {COLUMNS} FROM notices WHERE member_id = ? ORDER BY id",
                       (member_id,))


async def about(db: aiosqlite.Connection, related: str) -> list[tuple]:
    return await _rows(db, f"SELECT {COLUMNS} FROM notices WHERE related = ? ORDER BY id",
                       (related,))


async def tally(db: aiosqlite.Connection, related: str) -> tuple[int, int, int | None]:
    """(how many notices about `related` are not withdrawn, how many of them were sent, the
    latest sent_at), counted by the database."""
    async with db.execute(
        "SELECT COUNT(*), COUNT(sent_at), MAX(sent_at) FROM notices "
        "WHERE related = ? AND status != 'withdrawn'", (related,),
    ) as cursor:
        return await cursor.fetchone()


async def pass_on(db: aiosqlite.Connection, notice_id: int, now: int, actor: str) -> bool:
    """Mark an unsent notice as passed on by hand; False if it is not unsent (or not there)."""
    cursor = await db.execute(
        "UPDATE notices SET status = 'sent', transport = 'manual', sent_at = ?, "
        "passed_on_by = ?, secret = '' WHERE id = ? AND status IN ('pending', 'failed')",
        (now, actor, notice_id),
    )
    return cursor.rowcount == 1


async def link_used(db: aiosqlite.Connection, member_id: str, kind: str, now: int) -> None:
    await db.execute(
        "UPDATE notices SET status = 'sent', transport = 'manual', sent_at = ?, "
        "passed_on_by = 'the member, by using the link', secret = '' "
        "WHERE member_id = ? AND kind = ? AND status IN ('pending', 'failed')",
        (now, member_id, kind),
    )


async def withdraw_about(db: aiosqlite.Connection, related: str) -> None:
    """Withdraw the unsent notices about `related` (a newer notice replaces them)."""
    await db.execute(
        "UPDATE notices SET status = 'withdrawn', secret = '' "
        "WHERE related = ? AND status IN ('pending', 'failed')", (related,))


async def unsent_under(db: aiosqlite.Connection, subject: str) -> list[tuple]:
    """The notice rows pending or failed about `subject` or under it (`subject:...`)."""
    return await _rows(db, f"SELECT {COLUMNS} FROM notices WHERE (related = ? OR related "
                       "LIKE ?) AND status IN ('pending', 'failed') ORDER BY id",
                       (subject, subject + ":%"))


async def pass_on_under(db: aiosqlite.Connection, subject: str, now: int,
                        actor: str) -> list[int]:
    """Mark every unsent notice about `subject` or under it passed on by hand; their ids."""
    async with db.execute(
        "UPDATE notices SET status = 'sent', transport = 'manual', sent_at = ?, "
        "passed_on_by = ?, secret = '' WHERE (related = ? OR related LIKE ?) "
        "AND status IN ('pending', 'failed') RETURNING id",
        (now, actor, subject, subject + ":%"),
    ) as cursor:
        return sorted(row[0] for row in await cursor.fetchall())


async def withdraw(db: aiosqlite.Connection, member_id: str, kind: str) -> None:
    await db.execute(
        "UPDATE notices SET status = 'withdrawn', secret = '' "
        "WHERE member_id = ? AND kind = ? AND status IN ('pending', 'failed')",
        (member_id, kind),
    )
