"""Who is calling the client API: a bearer token, stored only as its hash."""

from __future__ import annotations

import hmac

from aiohttp import web

from .. import crypto
from ..node import Node, now_ms
from ..procedure.rejection import refuse
from .keys import NODE, ROLE

ROLES = ("admin",)


async def create_token(node: Node, role: str, label: str) -> str:
    token = crypto.new_token()
    await node.db.execute(
        "INSERT INTO tokens (hash, role, label, created) VALUES (?, ?, ?, ?)",
        (crypto.token_hash(token), role, label, now_ms()),
    )
    return token


async def role_of(node: Node, token: str) -> str | None:
    digest = crypto.token_hash(token)
    async with node.db.execute("SELECT hash, role FROM tokens WHERE hash = ?", (digest,)) as cur:
        row = await cur.fetchone()
    if row is None or not hmac.compare_digest(row[0], digest):
        return None
    return row[1]


def require(request: web.Request, *roles: str) -> None:
    role = request.get(ROLE)
    if role is None:
        raise refuse(
            "unauthenticated",
            "the client API needs `Authorization: Bearer <token>` with a valid token",
            401,
        )
    if role not in roles:
        raise refuse("forbidden", f"this call needs the role {' or '.join(roles)}", 403)


@web.middleware
async def authenticate(request: web.Request, handler) -> web.StreamResponse:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        role = await role_of(request.app[NODE], header[7:].strip())
        if role is not None:
            request[ROLE] = role
    return await handler(request)
