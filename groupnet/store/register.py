"""The member register's tables (private: nothing here ever leaves the node).

One row per member in `members`: the columns officers search, filter and sort
by, and `record`, the whole `procedure.members.Member` (status history, roles,
eligibility) as JSON, which is what the procedure code reads and returns.
`member_roles` and `eligibility` are kept in step with `record` on every save
so the register can be filtered by role and eligibility read as rows.

The same area holds what members sign in with (`credentials`, `sessions`,
`links` for invitations and password resets, `sign_in_failures` for the
sign-in limits), the operator's browser sessions (`operator_sessions`),
what the node sent to whom (`notices`), and the salts behind each register
commitment the group published (`register_commitments`, `commitment_salts`).
Those tables are read and written by `group/signin.py`, `group/mail.py` and
`group/commitments.py`; this module holds the member queries.

The register is ordered by name (case-folded), then id; pages are keyset
pages: a page ends with a cursor and the next page starts after it, so paging
through 50,000 members costs the same on the last page as on the first.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import Iterable, Sequence

import aiosqlite
import msgspec

from ..procedure.group.members import Member
from ..wire.rejection import refuse

MIGRATIONS: list[str] = [
    """
    CREATE TABLE members (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        phone TEXT NOT NULL,
        area TEXT NOT NULL,
        postcode TEXT NOT NULL,
        joined TEXT NOT NULL,
        status TEXT NOT NULL,
        roles TEXT NOT NULL,
        notes TEXT NOT NULL,
        -- lower-cased name, email, area and postcode, for the `q` search
        search TEXT NOT NULL,
        record BLOB NOT NULL,
        version INTEGER NOT NULL,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL
    );
    CREATE INDEX members_by_name ON members (sort_name, id);
    CREATE INDEX members_by_status ON members (status, sort_name, id);
    CREATE INDEX members_by_area ON members (area COLLATE NOCASE, sort_name, id);
    CREATE INDEX members_by_postcode ON members (postcode, sort_name, id);
    CREATE TABLE member_roles (
        role TEXT NOT NULL,
        member_id TEXT NOT NULL REFERENCES members (id),
        PRIMARY KEY (role, member_id)
    ) WITHOUT ROWID;
    CREATE INDEX member_roles_by_member ON member_roles (member_id);
    CREATE TABLE eligibility (
        member_id TEXT NOT NULL REFERENCES members (id),
        condition TEXT NOT NULL,
        met INTEGER NOT NULL,
        from_ms INTEGER NOT NULL,
        note TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
    );
    CREATE INDEX eligibility_by_member ON eligibility (member_id, condition, from_ms);

    CREATE TABLE credentials (
        member_id TEXT PRIMARY KEY REFERENCES members (id),
        hash TEXT NOT NULL,
        set_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        hash TEXT PRIMARY KEY,
        member_id TEXT NOT NULL REFERENCES members (id),
        created INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        address TEXT NOT NULL
    );
    CREATE INDEX sessions_by_member ON sessions (member_id);
    -- invitations and password-reset links: only the token's hash is kept
    CREATE TABLE links (
        hash TEXT PRIMARY KEY,
        member_id TEXT NOT NULL REFERENCES members (id),
        purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
        created INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        used_at INTEGER,
        issued_by TEXT NOT NULL
    );
    CREATE INDEX links_by_member ON links (member_id, purpose, created);
    CREATE TABLE sign_in_failures (key TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);

    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        member_id TEXT REFERENCES members (id),
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        -- a link the body shows in place of [[link]]; cleared once the notice is sent
        secret TEXT NOT NULL,
        attachments BLOB NOT NULL,
        related TEXT NOT NULL,
        transport TEXT NOT NULL CHECK (transport IN ('smtp', 'manual')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'withdrawn')),
        error TEXT NOT NULL,
        created INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        sent_at INTEGER,
        passed_on_by TEXT
    );
    CREATE INDEX notices_by_status ON notices (status, id);
    CREATE INDEX notices_by_member ON notices (member_id, id);
    CREATE INDEX notices_by_related ON notices (related, id);

    CREATE TABLE register_commitments (
        id INTEGER PRIMARY KEY,
        entry TEXT NOT NULL UNIQUE,
        freeze INTEGER NOT NULL,
        active_members INTEGER NOT NULL,
        root TEXT NOT NULL,
        created INTEGER NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE commitment_salts (
        commitment INTEGER NOT NULL REFERENCES register_commitments (id),
        member_id TEXT NOT NULL REFERENCES members (id),
        salt BLOB NOT NULL,
        PRIMARY KEY (commitment, member_id)
    ) WITHOUT ROWID;
    """,
    """
    -- the node's operator signed in from a browser with an admin token: the browser
    -- holds this session's token, never the admin token; revoking the admin token
    -- ends its sessions
    CREATE TABLE operator_sessions (
        hash TEXT PRIMARY KEY,
        token TEXT NOT NULL REFERENCES tokens (hash) ON DELETE CASCADE,
        created INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        address TEXT NOT NULL
    );
    CREATE INDEX operator_sessions_by_token ON operator_sessions (token);
    """,
]

MAX_PAGE = 1000
# no 0/o, 1/l: ids are read aloud
_FROM_BASE32 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
                             "abcdefghijkmnpqrstuvwxyz23456789")
_decoder = msgspec.json.Decoder(Member)


class MemberSummary(msgspec.Struct, frozen=True):
    """One line of the register as officers list it."""

    id: str
    name: str
    email: str
    phone: str
    area: str
    postcode: str
    joined: str
    status: str
    roles: list[str]


class Page(msgspec.Struct, frozen=True):
    members: list[MemberSummary]
    total: int
    next: str | None


def new_member_ids(count: int) -> list[str]:
    """Ids of ten characters from a 32-letter alphabet (50 random bits), easy to read out."""
    ids: set[str] = set()
    while len(ids) < count:
        wanted = count - len(ids)
        # base32 turns each 25 random bytes into 40 characters: four ids
        text = base64.b32encode(secrets.token_bytes(25 * -(-wanted // 4))).decode()
        text = text.translate(_FROM_BASE32)
        ids.update(text[i:i + 10] for i in range(0, 10 * wanted, 10))
    return list(ids)[:count]


def _columns(member: Member, now: int) -> tuple:
    return (member.name, member.name.casefold(), member.email, member.phone, member.area,
            member.postcode, member.joined.isoformat(), member.status, ";".join(member.roles),
            member.notes,
            " ".join((member.name, member.email, member.area, member.postcode)).casefold(),
            msgspec.json.encode(member), now)


def _rows_in_name_order(members: Sequence[Member], now: int) -> list[tuple]:
    # In name order, most index entries land beside the previous one: a bulk
    # import of 50,000 runs three times faster than in file order.
    return sorted(((m.member_id, *_columns(m, now), now) for m in members),
                  key=lambda row: (row[2], row[0]))


async def insert_members(db: aiosqlite.Connection, members: Sequence[Member],
                         now: int) -> list[Member]:
    """Store new members (inside the caller's transaction); return them with their ids."""
    stored = [msgspec.structs.replace(m, member_id=ident)
              for m, ident in zip(members, new_member_ids(len(members)), strict=True)]
    # Built in a worker thread: an import of thousands must not stall the server.
    rows = await asyncio.to_thread(_rows_in_name_order, stored, now)
    await db.executemany(
        "INSERT INTO members (id, name, sort_name, email, phone, area, postcode, joined, "
        "status, roles, notes, search, record, version, created, updated) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", rows,
    )
    await db.executemany(
        "INSERT INTO member_roles (role, member_id) VALUES (?, ?)",
        [(role, m.member_id) for m in stored for role in m.roles],
    )
    return stored


async def load(db: aiosqlite.Connection, member_id: str) -> tuple[Member, int]:
    """A member and their row's version, or 404."""
    async with db.execute("SELECT record, version FROM members WHERE id = ?",
                          (member_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise refuse("not_found", f"there is no member {member_id} in this register", 404)
    return _decoder.decode(row[0]), row[1]


async def find_by_email(db: aiosqlite.Connection, email: str) -> Member | None:
    async with db.execute("SELECT record FROM members WHERE email = ?", (email,)) as cursor:
        row = await cursor.fetchone()
    return _decoder.decode(row[0]) if row else None


async def email_owner(db: aiosqlite.Connection, email: str) -> str | None:
    async with db.execute("SELECT id FROM members WHERE email = ?", (email,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def save(db: aiosqlite.Connection, member: Member, version: int, recorded_by: str,
               now: int) -> int:
    """Replace a member's row if it is still at `version` (inside the caller's transaction).

    Roles and eligibility rows are brought in line with the record; new
    eligibility records are appended, never rewritten.
    """
    cursor = await db.execute(
        "UPDATE members SET name = ?, sort_name = ?, email = ?, phone = ?, area = ?, "
        "postcode = ?, joined = ?, status = ?, roles = ?, notes = ?, search = ?, record = ?, "
        "updated = ?, version = version + 1 WHERE id = ? AND version = ?",
        (*_columns(member, now), member.member_id, version),
    )
    if cursor.rowcount != 1:
        raise refuse("conflict", f"member {member.member_id} was changed by someone else at the "
                     "same time; reload and try again", 409)
    await db.execute("DELETE FROM member_roles WHERE member_id = ?", (member.member_id,))
    await db.executemany("INSERT INTO member_roles (role, member_id) VALUES (?, ?)",
                         [(role, member.member_id) for role in member.roles])
    async with db.execute("SELECT COUNT(*) FROM eligibility WHERE member_id = ?",
                          (member.member_id,)) as c:
        (held,) = await c.fetchone()
    await db.executemany(
        "INSERT INTO eligibility (member_id, condition, met, from_ms, note, recorded_by, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(member.member_id, r.condition, int(r.met), r.from_ms, r.note, recorded_by, now)
         for r in member.eligibility[held:]],
    )
    return version + 1


async def all_emails(db: aiosqlite.Connection) -> set[str]:
    async with db.execute("SELECT email FROM members") as cursor:
        return {row[0] for row in await cursor.fetchall()}


def encode_cursor(sort_name: str, member_id: str) -> str:
    raw = msgspec.json.encode([sort_name, member_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        sort_name, member_id = msgspec.json.decode(raw, type=tuple[str, str])
    except (ValueError, msgspec.DecodeError):
        raise refuse("bad_request", "`after` must be the `next` cursor of an earlier page",
                     400) from None
    return sort_name, member_id


class Filters(msgspec.Struct, frozen=True):
    """What officers narrow the register by; every field optional."""

    q: str = ""
    status: str = ""
    role: str = ""
    area: str = ""
    postcode: str = ""


def _where(f: Filters) -> tuple[str, str, list]:
    """(join, where, params) for the filters. Each filter has an index to use."""
    join, clauses, params = "", [], []
    if f.role:
        join = "JOIN member_roles r ON r.member_id = m.id AND r.role = ?"
        params.append(f.role)
    if f.status:
        clauses.append("m.status = ?")
        params.append(f.status)
    if f.area:
        clauses.append("m.area = ? COLLATE NOCASE")
        params.append(f.area)
    if f.postcode:
        # a postcode prefix ("SE1" finds "SE1 7PB") as an index range
        prefix = " ".join(f.postcode.upper().split())
        clauses.append("m.postcode >= ? AND m.postcode < ?")
        params += [prefix, prefix + "\U0010ffff"]
    q = f.q.strip().casefold()
    if q:
        if "@" in q:
            clauses.append("m.email = ?")
            params.append(q)
        else:
            clauses.append("instr(m.search, ?) > 0")
            params.append(q)
    return join, " AND ".join(clauses), params


async def page(db: aiosqlite.Connection, filters: Filters, after: str | None,
               limit: int) -> Page:
    """One page of the register in name order, starting after the cursor `after`."""
    join, where, params = _where(filters)
    async with db.execute(
        f"SELECT COUNT(*) FROM members m {join} {'WHERE ' + where if where else ''}", params
    ) as cursor:
        (total,) = await cursor.fetchone()
    clauses = [where] if where else []
    page_params = list(params)
    if after:
        clauses.append("(m.sort_name, m.id) > (?, ?)")
        page_params += list(decode_cursor(after))
    async with db.execute(
        "SELECT m.id, m.name, m.email, m.phone, m.area, m.postcode, m.joined, m.status, "
        f"m.roles, m.sort_name FROM members m {join} "
        f"{'WHERE ' + ' AND '.join(clauses) if clauses else ''} "
        "ORDER BY m.sort_name, m.id LIMIT ?", (*page_params, limit + 1),
    ) as cursor:
        rows = await cursor.fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    members = [MemberSummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                             r[8].split(";") if r[8] else []) for r in rows]
    cursor_text = encode_cursor(rows[-1][9], rows[-1][0]) if more else None
    return Page(members, total, cursor_text)


async def all_members(db: aiosqlite.Connection, status: str = "") -> list[Member]:
    """Every member (or every member with `status`), in register order."""
    sql = "SELECT record FROM members"
    params: tuple = ()
    if status:
        sql += " WHERE status = ?"
        params = (status,)
    async with db.execute(sql + " ORDER BY sort_name, id", params) as cursor:
        return [_decoder.decode(row[0]) for row in await cursor.fetchall()]


async def records(db: aiosqlite.Connection, member_ids: Iterable[str]) -> dict[str, Member]:
    ids = list(member_ids)
    found: dict[str, Member] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        async with db.execute(
            f"SELECT id, record FROM members WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ) as cursor:
            for ident, record in await cursor.fetchall():
                found[ident] = _decoder.decode(record)
    return found


async def count(db: aiosqlite.Connection) -> int:
    async with db.execute("SELECT COUNT(*) FROM members") as cursor:
        (n,) = await cursor.fetchone()
    return n


def _active(select: str, roles: Sequence[str] | None) -> tuple[str, tuple]:
    if roles is None:
        return f"SELECT {select} FROM members m WHERE m.status = 'active'", ()
    marks = ",".join("?" * len(roles)) or "NULL"
    return (f"SELECT {select} FROM members m WHERE m.status = 'active' AND EXISTS "
            "(SELECT 1 FROM member_roles r WHERE r.member_id = m.id "
            f"AND r.role IN ({marks}))", tuple(roles))


async def count_active(db: aiosqlite.Connection, roles: Sequence[str] | None = None) -> int:
    """How many members are active (holding one of `roles`, if given)."""
    async with db.execute(*_active("COUNT(*)", roles)) as cursor:
        (n,) = await cursor.fetchone()
    return n


async def active_ids(db: aiosqlite.Connection, roles: Sequence[str] | None = None) -> list[str]:
    """The ids of the active members (holding one of `roles`, if given), in order."""
    sql, params = _active("m.id", roles)
    async with db.execute(sql + " ORDER BY m.id", params) as cursor:
        return [row[0] for row in await cursor.fetchall()]

