"""The group's audit trail: every change to its business, append-only and hash-chained.

Each row names who did what to which subject, when, with the details; its
hash covers the previous row's hash, so removing or editing any row breaks
every hash after it, which `groupnet verify` reports. SQLite triggers refuse
UPDATE and DELETE outright. Rows are written inside the same transaction as
the change they record: a change without its audit row never commits.
"""

from __future__ import annotations

import asyncio
import hashlib

import aiosqlite
import msgspec

MIGRATIONS = [
    """
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    """,
    """
    CREATE INDEX audit_by_subject ON audit (subject, seq);
    """,
]

_encoder = msgspec.json.Encoder(order="sorted")


class AuditRow(msgspec.Struct, frozen=True):
    seq: int
    ts: int
    actor: str
    action: str
    subject: str
    detail: dict
    prev: str
    hash: str


def row_hash(prev: str, seq: int, ts: int, actor: str, action: str, subject: str,
             detail_json: str) -> str:
    payload = _encoder.encode([seq, ts, actor, action, subject, detail_json])
    return hashlib.sha256(b"groupnet/v1/audit\n" + prev.encode() + b"\n" + payload).hexdigest()


async def record(db: aiosqlite.Connection, actor: str, action: str, subject: str,
                 detail: object, now: int) -> AuditRow:
    """Append one row. Call inside the transaction that makes the change."""
    async with db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") as cursor:
        last = await cursor.fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, "")
    detail_json = _encoder.encode(detail).decode()
    digest = row_hash(prev, seq, now, actor, action, subject, detail_json)
    await db.execute(
        "INSERT INTO audit (seq, ts, actor, action, subject, detail, prev, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, now, actor, action, subject, detail_json, prev, digest),
    )
    return AuditRow(seq, now, actor, action, subject, msgspec.json.decode(detail_json), prev,
                    digest)


def _chain(seq: int, prev: str, actor: str, action: str,
           changes: list[tuple[str, object]], now: int) -> list[tuple]:
    rows = []
    for subject, detail in changes:
        seq += 1
        detail_json = _encoder.encode(detail).decode()
        digest = row_hash(prev, seq, now, actor, action, subject, detail_json)
        rows.append((seq, now, actor, action, subject, detail_json, prev, digest))
        prev = digest
    return rows


async def record_many(db: aiosqlite.Connection, actor: str, action: str,
                      changes: list[tuple[str, object]], now: int) -> None:
    """Append one row per (subject, detail), chained in order: a bulk change (an import
    of thousands of members) keeps one row per member without a round trip each."""
    async with db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") as cursor:
        last = await cursor.fetchone()
    seq, prev = (last[0], last[1]) if last else (0, "")
    # hashing thousands of rows is work for a thread, not the server's event loop
    rows = await asyncio.to_thread(_chain, seq, prev, actor, action, changes, now)
    await db.executemany(
        "INSERT INTO audit (seq, ts, actor, action, subject, detail, prev, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows,
    )


async def all_rows(db: aiosqlite.Connection) -> list[tuple]:
    """Every row, in order, as `check_chain` takes them."""
    async with db.execute(
        "SELECT seq, ts, actor, action, subject, detail, prev, hash FROM audit ORDER BY seq"
    ) as cursor:
        return list(await cursor.fetchall())


async def about(db: aiosqlite.Connection, who: str) -> list[tuple]:
    """(seq, ts, actor, action, subject, detail) of every row `who` did or was the subject of."""
    async with db.execute(
        "SELECT seq, ts, actor, action, subject, detail FROM audit "
        "WHERE subject = ? OR actor = ? ORDER BY seq", (who, who),
    ) as cursor:
        return list(await cursor.fetchall())


async def last_email_change(db: aiosqlite.Connection, subject: str) -> int | None:
    """When an officer last changed `subject`'s email (an edit that names one)."""
    async with db.execute(
        "SELECT MAX(ts) FROM audit WHERE subject = ? AND action = 'member.edit' "
        "AND json_extract(detail, '$.email') IS NOT NULL", (subject,),
    ) as cursor:
        (at,) = await cursor.fetchone()
    return at


async def page(db: aiosqlite.Connection, before: int | None, limit: int,
               subject: str | None = None) -> list[AuditRow]:
    clauses, params = [], []
    if before is not None:
        clauses.append("seq < ?")
        params.append(before)
    if subject is not None:
        clauses.append("subject = ?")
        params.append(subject)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    async with db.execute(
        f"SELECT seq, ts, actor, action, subject, detail, prev, hash FROM audit {where} "
        "ORDER BY seq DESC LIMIT ?", (*params, limit),
    ) as cursor:
        rows = await cursor.fetchall()
    return [AuditRow(r[0], r[1], r[2], r[3], r[4], msgspec.json.decode(r[5]), r[6], r[7])
            for r in rows]


def check_chain(rows: list[tuple]) -> list[str]:
    """rows: (seq, ts, actor, action, subject, detail, prev, hash) in seq order."""
    problems = []
    expected_prev, expected_seq = "", 1
    for seq, ts, actor, action, subject, detail, prev, digest in rows:
        if seq != expected_seq:
            problems.append(f"audit row {seq}: expected row {expected_seq} (rows missing)")
        if prev != expected_prev:
            problems.append(f"audit row {seq}: does not chain onto the row before it")
        if row_hash(prev, seq, ts, actor, action, subject, detail) != digest:
            problems.append(f"audit row {seq}: its contents do not match its hash")
        expected_prev, expected_seq = digest, seq + 1
    return problems
