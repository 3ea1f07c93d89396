"""Who is calling the client API, and what they may do.

A caller is either the node's operator, holding an admin token (created by
`groupnet init` or `groupnet token create`, stored only as a hash), or a
member signed in with a session. Endpoints name the roles they need:

- `admin`: the operator's token. It may do everything an officer may.
- `officer`: a member holding an officer role (secretary, chair, treasurer or
  another office the standing orders name), or the operator.
- a specific office (`secretary`, `chair`, …): that office, or the operator.
- `member`: any signed-in member (or the operator).

The operator is a principal of its own, never a role in the register: only
`kind == "admin"` (an admin token, or a session started with one) has the
operator's powers. The register refuses the reserved names
(`procedure.members.RESERVED_ROLES`), and a member's roles here never include
one even if an old register row holds it.

Tokens arrive as `Authorization: Bearer <token>`, or for signed-in browsers
as the `groupnet_session` cookie. The cookie only ever holds a session (a
member's, or the operator's started with an admin token at `/sign-in`): an
admin token itself is accepted only as a bearer token, never from a cookie.

A browser sends its cookie with requests that a page on another site makes,
so a change made with the cookie must also carry what only this node's own
pages know: the CSRF token (`csrf_token_for`, a hash of the session token,
which no other site can read), in the forms' hidden `csrf` field or, for the
JSON API, in the `X-CSRF-Token` header (`check_csrf_header`). A bearer token
is never sent by a browser on its own, so it needs none.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable

import msgspec
from aiohttp import web

from ..clock import now_ms
from ..group import signin
from ..network.node import Node
from ..procedure.group.members import RESERVED_ROLES
from ..store import tokens
from ..wire import crypto
from ..wire.rejection import refuse
from .keys import CALLER, NODE

SESSION_COOKIE = "groupnet_session"
# how the caller's token came: "bearer" (the Authorization header) or "cookie"
CREDENTIAL = web.RequestKey("credential", str)
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Caller(msgspec.Struct, frozen=True):
    kind: str  # "admin" or "member"
    label: str
    member_id: str | None = None
    roles: frozenset[str] = frozenset()
    officer: bool = False

    def actor(self) -> str:
        """How the audit trail names this caller."""
        if self.member_id is not None:
            return f"member:{self.member_id}"
        return f"admin:{self.label}"

    @property
    def operator(self) -> bool:
        return self.kind == "admin"

    def has(self, role: str) -> bool:
        if self.operator:
            return True
        if role == "member":
            return self.member_id is not None
        if role == "officer":
            return self.officer
        # `admin` is the operator's alone: no member's register role can be it
        return role not in RESERVED_ROLES and role in self.roles


# Further ways of resolving a token to a caller (member sessions) register here.
Resolver = Callable[[Node, str], Awaitable[Caller | None]]
RESOLVERS: list[Resolver] = []


async def create_token(node: Node, role: str, label: str) -> str:
    token = crypto.new_token()
    await tokens.add(node.db, crypto.token_hash(token), role, label, now_ms())
    return token


async def revoke_token(node: Node, prefix: str) -> None:
    """Delete the one token whose hash starts with `prefix` (as `token list` shows it)."""
    if len(prefix) < 6:
        raise refuse("bad_request", "give at least 6 characters of the token's prefix", 400)
    async with node.transaction() as db:
        count = await tokens.revoke(db, prefix)
        if count != 1:
            raise refuse("no_such_token" if count == 0 else "ambiguous_token",
                         f"{count} tokens start with {prefix!r}; give the prefix "
                         "`token list` shows", 400)


async def admin_caller(node: Node, token: str) -> Caller | None:
    label = await signin.admin_label(node.db, token)
    return Caller(kind="admin", label=label) if label is not None else None


async def operator_caller(node: Node, token: str) -> Caller | None:
    """The operator, by a session started with an admin token."""
    label = await signin.operator_session(node, token)
    return Caller(kind="admin", label=label) if label is not None else None


async def resolve(node: Node, token: str, from_cookie: bool = False) -> Caller | None:
    """The caller a token names; from a cookie, only a session counts."""
    resolvers = [*RESOLVERS, operator_caller]
    if not from_cookie:
        resolvers.insert(0, admin_caller)
    for resolver in resolvers:
        caller = await resolver(node, token)
        if caller is not None:
            return caller
    return None


def csrf_token_for(session: str) -> str:
    """The CSRF token of a session: a page of this node shows it; no other site can make it."""
    return hashlib.sha256(b"groupnet/v1/csrf\n" + session.encode()).hexdigest()


def check_csrf_header(request: web.Request) -> None:
    """A client API change made with the session cookie needs the session's CSRF token in
    `X-CSRF-Token`; refused (403 `csrf`) without it, before anything is done."""
    if request.method in SAFE_METHODS or request.get(CREDENTIAL) != "cookie":
        return
    given = request.headers.get(CSRF_HEADER, "")
    expected = csrf_token_for(request.cookies.get(SESSION_COOKIE, ""))
    if not given or not hmac.compare_digest(given, expected):
        raise refuse("csrf", f"a change made with the session cookie needs the header "
                     f"{CSRF_HEADER} holding the CSRF token of this node's pages (their forms' "
                     "hidden `csrf` field), which a page on another site cannot know; programs "
                     "send `Authorization: Bearer <token>` instead; nothing was done", 403)


def caller_of(request: web.Request) -> Caller | None:
    return request.get(CALLER)


def require(request: web.Request, *roles: str) -> Caller:
    caller = request.get(CALLER)
    if caller is None:
        raise refuse(
            "unauthenticated",
            "the client API needs `Authorization: Bearer <token>` with a valid token "
            "or a signed-in session",
            401,
        )
    if roles and not any(caller.has(role) for role in roles):
        raise refuse("forbidden", f"this needs the role {' or '.join(roles)}", 403)
    return caller


@web.middleware
async def authenticate(request: web.Request, handler) -> web.StreamResponse:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else None
    credential = "bearer"
    if token is None:
        token = request.cookies.get(SESSION_COOKIE)
        credential = "cookie"
    if token:
        caller = await resolve(request.app[NODE], token, from_cookie=credential == "cookie")
        if caller is not None:
            request[CALLER] = caller
            request[CREDENTIAL] = credential
    return await handler(request)
