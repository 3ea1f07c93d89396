"""How members sign in: passwords, sessions, invitation and reset links, the rate limit.

- A member gets in only through a link an officer issues (an invitation, or a
  password-reset link) or that they ask for by email. A link works once, for
  `LINK_LIFETIME` of its purpose; issuing a new one voids the member's earlier
  unused links of the same purpose. The node keeps only each token's hash.
- Passwords have at least `MIN_PASSWORD` characters and are not the member's
  email. They are stored as scrypt hashes (N=2^15, r=8, p=1, a random 16-byte
  salt per member), parameters recorded in the hash so they can be raised
  later without locking anyone out. Hashing runs in a worker thread.
- A session is a random token given to the member once; the node keeps its
  hash. It ends when the member signs out, after `SESSION_IDLE` without use,
  or `SESSION_LIFETIME` after sign-in, whichever comes first.
- The node's operator signs in to the pages with an admin token. That starts
  an operator session of its own, like a member's but shorter
  (`OPERATOR_SESSION_IDLE`, `OPERATOR_SESSION_LIFETIME`), tied to the admin
  token it was started with: signing out ends it, and revoking the token ends
  all of its sessions. The browser holds only the session's token, never the
  admin token.
- The sign-in limits slow a guesser without handing anyone a way to keep a
  member out. Failures are counted per email *and* address: after
  `FREE_FAILURES` of them, each further try from that address for that email
  waits `FIRST_WAIT`, doubling with every failure up to `LONGEST_WAIT`
  (answered 429, which counts as no try). The same email from another
  address is not held back, so nobody can lock the chair out before a vote
  by guessing wrong on purpose. Each address also has an overall limit,
  `ADDRESS_LIMIT` failures within `ADDRESS_WINDOW`, whatever emails it
  tried. A success forgets the pair's failures; failures older than
  `FAILURE_MEMORY` are forgotten. Which address a request came from is
  `web.addresses.client_address`: X-Forwarded-For counts only from the
  proxies named in `trusted_proxies`. A sign-in for an email that is not in
  the register costs the same time as a wrong password and gets the same
  answer, so the sign-in form does not reveal who is a member.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from collections.abc import Awaitable, Callable

import aiosqlite
import msgspec

from .. import clock
from ..clock import now_ms
from ..local_time import LocalTime
from ..network.node import Node
from ..procedure.group.members import normalise_email
from ..store import audit, links, register, sessions, tokens
from ..wire import crypto
from ..wire.rejection import refuse
from . import mail

MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
SESSION_IDLE = 14 * DAY_MS
SESSION_LIFETIME = 30 * DAY_MS
LINK_LIFETIME = {"invitation": 14 * DAY_MS, "reset": 2 * 60 * MINUTE_MS}
FREE_FAILURES = 5
FIRST_WAIT = MINUTE_MS
LONGEST_WAIT = 15 * MINUTE_MS
FAILURE_MEMORY = 24 * 60 * MINUTE_MS
ADDRESS_LIMIT = 20
ADDRESS_WINDOW = 15 * MINUTE_MS
OPERATOR_SESSION_IDLE = 60 * MINUTE_MS
OPERATOR_SESSION_LIFETIME = 12 * 60 * MINUTE_MS
OPERATOR = "the operator"  # the account failed admin tokens count against
# A session's last use is written at most this often, not on every request.
LAST_SEEN_RESOLUTION = MINUTE_MS

_SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_DUMMY_HASH = ""


class Session(msgspec.Struct, frozen=True):
    token: str
    member_id: str
    expires: int


class OperatorSession(msgspec.Struct, frozen=True):
    token: str
    label: str  # the admin token's label
    expires: int


# -- passwords -------------------------------------------------------------------


def password_problem(password: str, email: str) -> str | None:
    """Why a new password will not do, or None."""
    if len(password) < MIN_PASSWORD:
        return f"a password has at least {MIN_PASSWORD} characters; this one has {len(password)}"
    if len(password) > MAX_PASSWORD:
        return f"a password has at most {MAX_PASSWORD} characters"
    if normalise_email(password) == normalise_email(email):
        return "a password cannot be the member's own email address"
    return None


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2**27, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n),
                                  r=int(r), p=int(p), maxmem=2**27, dklen=32)
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


async def _matches(password: str, stored: str | None) -> bool:
    global _DUMMY_HASH
    if stored is None:
        # the same work as a real check, so timing does not reveal who is a member
        if not _DUMMY_HASH:
            _DUMMY_HASH = await asyncio.to_thread(hash_password, "no such member here")
        stored = _DUMMY_HASH
        await asyncio.to_thread(password_matches, password, stored)
        return False
    return await asyncio.to_thread(password_matches, password, stored)


async def has_password(db: aiosqlite.Connection, member_id: str) -> bool:
    return await sessions.has_password(db, member_id)


# -- the sign-in limits -------------------------------------------------------------


def failure_keys(account: str, address: str) -> tuple[str, str]:
    """(the account-and-address pair's key, the address's key) in `sign_in_failures`."""
    return f"pair:{account}\n{address}", f"address:{address}"


def pair_wait(failures: int) -> int:
    """How long (ms) after its last failure a pair may try again."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)


def _minutes(ms: int) -> str:
    minutes = max(1, -(-ms // MINUTE_MS))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


async def check_limits(db: aiosqlite.Connection, keys: tuple[str, str], now: int,
                       what: str = "this email") -> None:
    """Refuse (429) a try the limits hold back; it counts as no try."""
    pair, address = keys
    failures, _, last = await sessions.failures_since(db, pair, now - FAILURE_MEMORY)
    wait = pair_wait(failures)
    if wait and now < last + wait:
        raise refuse("too_many_attempts",
                     f"{failures} failed sign-ins for {what} from this address: each one "
                     f"after the first {FREE_FAILURES} doubles the wait, up to "
                     f"{LONGEST_WAIT // MINUTE_MS} minutes; try again in "
                     f"{_minutes(last + wait - now)} (from another address it is not held "
                     "back)", 429)
    failures, first, _ = await sessions.failures_since(db, address, now - ADDRESS_WINDOW)
    if failures >= ADDRESS_LIMIT:
        raise refuse("too_many_attempts",
                     f"{failures} failed sign-ins from this address within "
                     f"{ADDRESS_WINDOW // MINUTE_MS} minutes, the most one address may make; "
                     f"try again in {_minutes(first + ADDRESS_WINDOW - now)}", 429)


async def record_failure(db: aiosqlite.Connection, keys: tuple[str, str], now: int) -> None:
    """One failed try (inside the caller's transaction); forget what is long past."""
    await sessions.record_failure(db, keys, now, now - FAILURE_MEMORY)


# -- sessions ----------------------------------------------------------------------


async def sign_in(node: Node, email: str, password: str, address: str) -> Session:
    """Check the password and start a session, or refuse with one answer for every miss."""
    now = now_ms()
    keys = failure_keys(normalise_email(email), address)
    await check_limits(node.db, keys, now)
    member = await register.find_by_email(node.db, normalise_email(email))
    stored = None
    if member is not None:
        stored = await sessions.password_hash(node.db, member.member_id)
    ok = await _matches(password, stored)
    now = now_ms()
    async with node.transaction() as db:
        if not ok or member is None:
            await record_failure(db, keys, now)
        else:
            await sessions.forget_failures(db, keys[0])
            session = await _start_session(db, member.member_id, address, now)
            await audit.record(db, f"member:{member.member_id}", "session.start",
                               f"member:{member.member_id}", {"address": address}, now)
    if not ok or member is None:
        raise refuse("sign_in_failed", "that email and password do not match a member who can "
                     "sign in here", 401)
    return session


async def _start_session(db: aiosqlite.Connection, member_id: str, address: str,
                         now: int) -> Session:
    token = crypto.new_token()
    expires = now + SESSION_LIFETIME
    await sessions.start_session(db, crypto.token_hash(token), member_id, now, expires, address)
    return Session(token, member_id, expires)


async def _live(node: Node, digest: str, row: tuple[str, int, int] | None, idle: int,
                seen: Callable[[aiosqlite.Connection, str, int], Awaitable[None]]) -> str | None:
    """Whose a session is, from its (owner, last seen, expires) row, while it is neither
    expired nor idle; marks it used (at most once per LAST_SEEN_RESOLUTION)."""
    if row is None:
        return None
    owner, last_seen, expires = row
    now = now_ms()
    if now >= expires or now >= last_seen + idle:
        return None
    if now - last_seen >= LAST_SEEN_RESOLUTION:
        async with node.transaction() as db:
            await seen(db, digest, now)
    return owner


async def _acceptable_hash(password: str, email: str) -> str:
    """The stored hash of a new password, once it passes `password_problem` (422 if not)."""
    problem = password_problem(password, email)
    if problem:
        raise refuse("weak_password", problem, 422)
    return await asyncio.to_thread(hash_password, password)


async def session_member(node: Node, token: str) -> str | None:
    """The member a live session token belongs to, or None; marks the session used."""
    digest = crypto.token_hash(token)
    return await _live(node, digest, await sessions.session(node.db, digest), SESSION_IDLE,
                       sessions.seen)


async def sign_out(node: Node, token: str, member_id: str) -> None:
    now = now_ms()
    async with node.transaction() as db:
        if not await sessions.end_session(db, crypto.token_hash(token), member_id):
            raise refuse("not_a_session", "only a signed-in session can be signed out; this "
                         "request was not made with one", 422)
        await audit.record(db, f"member:{member_id}", "session.end", f"member:{member_id}",
                           {}, now)


async def change_password(node: Node, member_id: str, current: str, new: str,
                          this_session: str, address: str) -> None:
    """A signed-in member changes their password; their other sessions end."""
    member, _ = await register.load(node.db, member_id)
    keys = failure_keys(member.email, address)
    await check_limits(node.db, keys, now_ms())
    if not await _matches(current, await sessions.password_hash(node.db, member_id)):
        async with node.transaction() as db:
            await record_failure(db, keys, now_ms())
        raise refuse("wrong_password", "the current password given is not this member's", 403)
    hashed = await _acceptable_hash(new, member.email)
    now = now_ms()
    async with node.transaction() as db:
        await sessions.change_password(db, member_id, hashed, now)
        ended = await sessions.end_other_sessions(db, member_id, crypto.token_hash(this_session))
        actor = f"member:{member_id}"
        await audit.record(db, actor, "password.changed", actor,
                           {"other_sessions_ended": ended}, now)


# -- the operator's sessions ---------------------------------------------------------


async def admin_label(db: aiosqlite.Connection, token: str) -> str | None:
    """The label of the admin token `token`, or None if it is not one."""
    digest = crypto.token_hash(token)
    row = await tokens.admin(db, digest)
    if row is None or not hmac.compare_digest(row[0], digest):
        return None
    return row[1]


async def operator_sign_in(node: Node, admin_token: str, address: str) -> OperatorSession:
    """Start an operator session with an admin token, under the sign-in limits."""
    keys = failure_keys(OPERATOR, address)
    now = now_ms()
    await check_limits(node.db, keys, now, "an admin token")
    label = await admin_label(node.db, admin_token) if admin_token else None
    async with node.transaction() as db:
        if label is None:
            await record_failure(db, keys, now)
        else:
            await sessions.forget_failures(db, keys[0])
            token = crypto.new_token()
            expires = now + OPERATOR_SESSION_LIFETIME
            await sessions.start_operator_session(db, crypto.token_hash(token),
                                                  crypto.token_hash(admin_token), now, expires,
                                                  address)
            await audit.record(db, f"admin:{label}", "operator.session_start", "operator",
                               {"address": address}, now)
    if label is None:
        raise refuse("sign_in_failed", "that is not an admin token of this node", 401)
    return OperatorSession(token, label, expires)


async def operator_session(node: Node, token: str) -> str | None:
    """The admin token's label for a live operator session, or None; marks it used."""
    digest = crypto.token_hash(token)
    return await _live(node, digest, await sessions.operator_session(node.db, digest),
                       OPERATOR_SESSION_IDLE, sessions.operator_seen)


async def end_operator_session(node: Node, token: str, label: str) -> None:
    now = now_ms()
    async with node.transaction() as db:
        if not await sessions.end_operator_session(db, crypto.token_hash(token)):
            raise refuse("not_a_session", "only a signed-in session can be signed out; an "
                         "admin token itself is ended by `groupnet token revoke`", 422)
        await audit.record(db, f"admin:{label}", "operator.session_end", "operator", {}, now)


async def end_sessions(db: aiosqlite.Connection, member_id: str) -> int:
    return await sessions.end_sessions(db, member_id)


async def sessions_of(db: aiosqlite.Connection, member_id: str) -> list[dict]:
    return await sessions.sessions_of(db, member_id)


# -- invitation and reset links ------------------------------------------------------


def link_url(node: Node, purpose: str, token: str) -> str:
    page = "invitation" if purpose == "invitation" else "password-reset"
    return f"{node.config.url}/{page}?token={token}"


async def issue_link(db: aiosqlite.Connection, member_id: str, purpose: str, issued_by: str,
                     now: int) -> tuple[str, int]:
    """A fresh link token (inside the caller's transaction); voids earlier unused ones."""
    await links.void_unused(db, member_id, now, purpose)
    await mail.withdraw_links(db, member_id, purpose)
    token = crypto.new_token()
    expires = now + LINK_LIFETIME[purpose]
    await links.add(db, crypto.token_hash(token), member_id, purpose, now, expires, issued_by)
    return token, expires


async def recent_links(db: aiosqlite.Connection, member_id: str, purpose: str,
                       since: int) -> int:
    return await links.count_since(db, member_id, purpose, since)


def _link_used_notice(node: Node, name: str, purpose: str, address: str, now: int,
                      ended: int) -> tuple[str, str]:
    group = node.config.name
    how = "an invitation" if purpose == "invitation" else "a password-reset link"
    when = LocalTime(node.config.time_zone).moment(now)
    others = (f" {ended} other session(s) of yours were signed out." if ended else "")
    return (f"Your password for {group} was set",
            f"Dear {name},\n\nThe password you sign in to {group}'s node with was set "
            f"through {how} on {when}, from the address {address}.{others}\n\n"
            "If that was you, there is nothing to do. If it was not, someone else can sign "
            f"in as you: tell {group}'s officers or the node's operator at once.\n\n{group}\n")


async def accept_link(node: Node, token: str, purpose: str, password: str,
                      address: str) -> Session:
    """Set the member's password from a link, use the link up, and sign them in.

    Using a link voids every other unused link of the member's, and the member
    is told (by mail, or on their own page) that it was used, when and from
    where: a link that reached the wrong hands does not go unnoticed. An
    invitation works only while the member has never set a password.
    """
    words = "invitation" if purpose == "invitation" else "password-reset link"
    digest = crypto.token_hash(token)
    row = await links.find(node.db, digest, purpose)
    now = now_ms()
    if row is None:
        raise refuse("invalid_link", f"this {words} is not one this node issued", 404)
    member_id, expires, used_at = row
    if used_at is not None:
        raise refuse("link_used", f"this {words} has already been used or was replaced by a "
                     "newer one; ask an officer for a new one", 410)
    if now >= expires:
        raise refuse("link_expired", f"this {words} expired; ask for a new one", 410)
    member, _ = await register.load(node.db, member_id)
    hashed = await _acceptable_hash(password, member.email)
    now = now_ms()
    async with node.transaction() as db:
        if purpose == "invitation" and await has_password(db, member_id):
            raise refuse("already_signed_up", "an invitation is for a member who has never "
                         "set a password, and this member has one; to change it, sign in, or "
                         "ask for a password-reset link", 409)
        if not await links.use(db, digest, now):
            raise refuse("link_used", f"this {words} has just been used", 410)
        await mail.link_used(db, member_id, purpose, clock.now(node))
        # no other link of theirs may set the password again behind their back
        other = "reset" if purpose == "invitation" else "invitation"
        await links.void_unused(db, member_id, now)
        await mail.withdraw_links(db, member_id, other)
        await sessions.set_password(db, member_id, hashed, now)
        # a new password ends every other session: a reset after a stolen password works
        ended = await end_sessions(db, member_id)
        session = await _start_session(db, member_id, address, now)
        actor = f"member:{member_id}"
        await audit.record(db, actor, f"password.set_by_{purpose}", actor,
                           {"sessions_ended": ended, "address": address}, now)
        subject, body = _link_used_notice(node, member.name, purpose, address, now, ended)
        notice = await mail.record_account_notice(db, node, member_id, member.name,
                                                  member.email, subject, body, actor,
                                                  clock.now(node))
    if notice is not None:
        await mail.deliver(node, [notice])
    return session
