"""The log's entries and forks: every statement that reads or writes them.

`network/node.py` decides what is stored and calls these inside its write
transaction; the pages, the federation endpoints and `groupnet verify` read
through them. Each call is one statement (lookups of many ids go in chunks of
`CHUNK`), so a batch of entries costs a few round trips, never one per entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import aiosqlite

from ..wire.messages import Entry

# Ids or places looked up per statement: well under SQLite's limit on parameters.
CHUNK = 400


# -- writing -----------------------------------------------------------------------------


async def insert(db: aiosqlite.Connection, accepted: Iterable[Entry], received: int) -> None:
    """Store accepted entries; each takes the next rx, in the order given."""
    await db.executemany(
        "INSERT INTO entries (author, seq, id, kind, ts, received, raw) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(e.author, e.seq, e.id, e.kind, e.ts, received, e.raw) for e in accepted],
    )


async def insert_forks(db: aiosqlite.Connection, forks: Iterable[Entry], received: int) -> None:
    """Keep the second entry of each equivocation as evidence (once)."""
    await db.executemany(
        "INSERT OR IGNORE INTO forks (id, author, seq, received, raw) VALUES (?, ?, ?, ?, ?)",
        [(e.id, e.author, e.seq, received, e.raw) for e in forks],
    )


# -- what a decision asks ----------------------------------------------------------------


async def held_ids(db: aiosqlite.Connection, ids: Sequence[str]) -> set[str]:
    """Which of `ids` are held, as an entry or as fork evidence."""
    held: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        marks = ",".join("?" * len(chunk))
        async with db.execute(
            f"SELECT id FROM entries WHERE id IN ({marks}) "
            f"UNION ALL SELECT id FROM forks WHERE id IN ({marks})", chunk + chunk
        ) as cursor:
            held.update(ident for (ident,) in await cursor.fetchall())
    return held


async def ids_at(db: aiosqlite.Connection,
                 places: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The id of the entry held at each (author, seq) of `places` that has one."""
    at: dict[tuple[str, int], str] = {}
    for start in range(0, len(places), CHUNK):
        chunk = places[start:start + CHUNK]
        where = " OR ".join("(author = ? AND seq = ?)" for _ in chunk)
        async with db.execute(
            f"SELECT author, seq, id FROM entries WHERE {where}",
            [value for place in chunk for value in place],
        ) as cursor:
            for author, seq, ident in await cursor.fetchall():
                at[(author, seq)] = ident
    return at


async def fork_pairs(db: aiosqlite.Connection) -> list[tuple[str, int, str, str]]:
    """(author, seq, the fork's id, the held entry's id) of every equivocation."""
    async with db.execute(
        "SELECT f.author, f.seq, f.id, e.id FROM forks f "
        "JOIN entries e ON e.author = f.author AND e.seq = f.seq"
    ) as cursor:
        return list(await cursor.fetchall())


async def latest_rx(db: aiosqlite.Connection) -> int:
    """The rx of the entry received last (0 for an empty log), whichever process wrote it."""
    async with db.execute("SELECT COALESCE(MAX(rx), 0) FROM entries") as cursor:
        (latest,) = await cursor.fetchone()
    return latest


# -- reading the log ---------------------------------------------------------------------


async def since(db: aiosqlite.Connection, rx: int) -> list[tuple[int, bytes]]:
    """(rx, raw) of every entry received after `rx`, in the order received."""
    async with db.execute(
        "SELECT rx, raw FROM entries WHERE rx > ? ORDER BY rx", (rx,)
    ) as cursor:
        return list(await cursor.fetchall())


async def feed(db: aiosqlite.Connection, after: int, limit: int) -> list[tuple[int, bytes]]:
    """(rx, raw) of at most `limit` entries received after `after`, in the order received."""
    async with db.execute(
        "SELECT rx, raw FROM entries WHERE rx > ? ORDER BY rx LIMIT ?", (after, limit)
    ) as cursor:
        return list(await cursor.fetchall())


async def outgoing(db: aiosqlite.Connection, after: int,
                   limit: int) -> list[tuple[int, str, bytes]]:
    """The feed with each entry's author: (rx, author, raw)."""
    async with db.execute(
        "SELECT rx, author, raw FROM entries WHERE rx > ? ORDER BY rx LIMIT ?",
        (after, limit),
    ) as cursor:
        return list(await cursor.fetchall())


async def log_of(db: aiosqlite.Connection, author: str, after: int, limit: int) -> list[bytes]:
    """At most `limit` of `author`'s entries after seq `after`, in seq order."""
    async with db.execute(
        "SELECT raw FROM entries WHERE author = ? AND seq > ? ORDER BY seq LIMIT ?",
        (author, after, limit),
    ) as cursor:
        return [raw for (raw,) in await cursor.fetchall()]


# Authors read per statement by `logs_after`: one SELECT each, under SQLite's limit on
# the terms of a compound SELECT (500) and on parameters.
LOGS_CHUNK = 100


async def logs_after(db: aiosqlite.Connection, after: Sequence[tuple[str, int]],
                     limit: int) -> list[tuple[str, int, bytes]]:
    """(author, seq, raw) of each author's entries after its seq, authors in the order given.

    At most `limit` in all: the authors before the one where the limit falls are
    whole, those after it are not read. Each author's part is one index range
    (UNIQUE (author, seq)), and no statement reads past what is left of `limit`.
    """
    rows: list[tuple[str, int, bytes]] = []
    for start in range(0, len(after), LOGS_CHUNK):
        left = limit - len(rows)
        if left <= 0:
            break
        chunk = after[start:start + LOGS_CHUNK]
        # UNION ALL yields its terms in the order written, and the outer LIMIT ends it
        part = ("SELECT * FROM (SELECT author, seq, raw FROM entries "
                "WHERE author = ? AND seq > ? ORDER BY seq LIMIT ?)")
        async with db.execute(
            " UNION ALL ".join([part] * len(chunk)) + " LIMIT ?",
            [*(value for author, seq in chunk for value in (author, seq, left)), left],
        ) as cursor:
            rows.extend(await cursor.fetchall())
    return rows


async def fork_evidence(db: aiosqlite.Connection) -> list[bytes]:
    """Both entries of every equivocation, by author, seq and id."""
    async with db.execute(
        "SELECT raw FROM (SELECT author, seq, id, raw FROM forks UNION "
        "SELECT e.author, e.seq, e.id, e.raw FROM entries e "
        "JOIN forks f ON e.author = f.author AND e.seq = f.seq) ORDER BY author, seq, id"
    ) as cursor:
        return [raw for (raw,) in await cursor.fetchall()]


async def raw_of(db: aiosqlite.Connection, ident: str) -> bytes | None:
    """The stored bytes of the entry with id `ident`, if it is held."""
    async with db.execute("SELECT raw FROM entries WHERE id = ?", (ident,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def latest_of_kinds(db: aiosqlite.Connection, kinds: Sequence[str],
                          limit: int) -> list[bytes]:
    """The raw bytes of the `limit` entries of these kinds received last, newest first."""
    marks = ", ".join("?" * len(kinds))
    async with db.execute(
        f"SELECT raw FROM entries WHERE kind IN ({marks}) ORDER BY rx DESC LIMIT ?",
        (*kinds, limit),
    ) as cursor:
        return [raw for (raw,) in await cursor.fetchall()]


async def all_rows(db: aiosqlite.Connection) -> list[tuple]:
    """(rx, author, seq, id, kind, raw) of every entry, in the order received."""
    async with db.execute(
        "SELECT rx, author, seq, id, kind, raw FROM entries ORDER BY rx"
    ) as cursor:
        return list(await cursor.fetchall())


async def fork_rows(db: aiosqlite.Connection) -> list[tuple]:
    """(id, author, seq, raw) of every fork evidence entry kept."""
    async with db.execute("SELECT id, author, seq, raw FROM forks") as cursor:
        return list(await cursor.fetchall())
