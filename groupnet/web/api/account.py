"""Signing in, and a member's own record: the client API for members themselves.

Signing in, accepting an invitation and resetting a password are open to
anyone (they are how a member gets a session); everything under `/me` is for
the signed-in member and answers only about them. A session token works as
`Authorization: Bearer <token>` or, for browsers, as the `groupnet_session`
cookie that signing in sets (HttpOnly, SameSite=Lax, Secure on https).
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from aiohttp import web

from ...group import commitments, register, signin
from ...network.node import Node
from ...procedure.group.members import is_officer, offices
from ...store import register as store_register
from ...wire.rejection import refuse
from ..addresses import client_address
from ..auth import RESOLVERS, SESSION_COOKIE, Caller, require
from .endpoints import Endpoint, json, node_of, read_body
from .register import actor_of, member_view

MEMBER = ("member",)
PUBLIC: tuple[str, ...] = ()

Email = Annotated[str, msgspec.Meta(max_length=320)]
Password = Annotated[str, msgspec.Meta(max_length=signin.MAX_PASSWORD)]
Token = Annotated[str, msgspec.Meta(max_length=200)]


class SignIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class LinkAcceptance(msgspec.Struct, forbid_unknown_fields=True):
    token: Token
    password: Password


class ResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current: Password
    new: Password


class Resignation(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class Renewal(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


async def session_caller(node: Node, token: str) -> Caller | None:
    """A member's session as a caller: their offices count only while they are active."""
    member_id = await signin.session_member(node, token)
    if member_id is None:
        return None
    member, _ = await store_register.load(node.db, member_id)
    orders = await register.standing_orders(node)
    active = member.status == "active"
    return Caller(kind="member", label=member.name, member_id=member_id,
                  roles=frozenset(offices(member)) if active else frozenset(),
                  officer=is_officer(member, orders))


RESOLVERS.append(session_caller)


def _session_token(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE, "")


def _own_id(request: web.Request) -> str:
    caller = require(request, "member")
    if caller.member_id is None:
        raise refuse("not_a_member", "the operator's token belongs to no member of the "
                     "register; sign in as a member to use /me", 404)
    return caller.member_id


async def _signed_in(request: web.Request, session: signin.Session) -> web.Response:
    member, _ = await store_register.load(node_of(request).db, session.member_id)
    response = json({"token": session.token, "expires": session.expires,
                     "member": member_view(member)}, status=201)
    response.set_cookie(SESSION_COOKIE, session.token,
                        max_age=signin.SESSION_LIFETIME // 1000, path="/", httponly=True,
                        samesite="Lax", secure=node_of(request).config.url.startswith("https:"))
    return response


async def post_session(request: web.Request) -> web.Response:
    body = await read_body(request, SignIn)
    session = await signin.sign_in(node_of(request), body.email, body.password,
                                   client_address(request))
    return await _signed_in(request, session)


async def delete_session(request: web.Request) -> web.Response:
    caller = require(request, "member")
    if caller.member_id is None:
        await signin.end_operator_session(node_of(request), _session_token(request),
                                          caller.label)
    else:
        await signin.sign_out(node_of(request), _session_token(request), caller.member_id)
    response = json({"signed_out": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def post_invitation_accept(request: web.Request) -> web.Response:
    body = await read_body(request, LinkAcceptance)
    session = await signin.accept_link(node_of(request), body.token, "invitation",
                                       body.password, client_address(request))
    return await _signed_in(request, session)


async def post_reset_request(request: web.Request) -> web.Response:
    body = await read_body(request, ResetRequest)
    await register.request_reset(node_of(request), body.email, client_address(request))
    return json({"requested": True, "message": "if that email belongs to a member here, a "
                 "password-reset link is on its way to it by email, and to nobody else; if "
                 "this node cannot send email, ask the node's operator"}, status=202)


async def post_reset_accept(request: web.Request) -> web.Response:
    body = await read_body(request, LinkAcceptance)
    session = await signin.accept_link(node_of(request), body.token, "reset", body.password,
                                       client_address(request))
    return await _signed_in(request, session)


async def post_password(request: web.Request) -> web.Response:
    member_id = _own_id(request)
    body = await read_body(request, PasswordChange)
    await signin.change_password(node_of(request), member_id, body.current, body.new,
                                 _session_token(request), client_address(request))
    return json({"changed": True})


async def get_me(request: web.Request) -> web.Response:
    member, _ = await store_register.load(node_of(request).db, _own_id(request))
    return json(member_view(member))


async def get_my_data(request: web.Request) -> web.Response:
    data = await register.own_data(node_of(request), _own_id(request))
    response = json(data)
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


async def post_resign(request: web.Request) -> web.Response:
    _own_id(request)
    body = await read_body(request, Resignation)
    member = await register.resign(node_of(request), actor_of(request), body.reason)
    return json(member_view(member))


async def post_renewal(request: web.Request) -> web.Response:
    _own_id(request)
    body = await read_body(request, Renewal) if await request.read() else Renewal()
    member = await register.renew(node_of(request), actor_of(request), body.note)
    return json(member_view(member))


async def delete_my_role(request: web.Request) -> web.Response:
    member_id = _own_id(request)
    member = await register.stand_down(node_of(request), actor_of(request), member_id,
                                       request.match_info["role"])
    return json(member_view(member))


async def get_inclusion(request: web.Request) -> web.Response:
    return json(await commitments.inclusion(node_of(request), _own_id(request)))


ATTEMPTS = (429,)  # signing in and choosing passwords are rate-limited (group/signin.py)
SIGN_IN = (401, 429)  # one answer for every wrong email or password
LINKS = (404, 410, 429)  # a link not issued here, used or expired; rate-limited
SELF = (404,)  # the operator's token is nobody in the register

ENDPOINTS = [
    Endpoint("POST", "/api/v1/session",
             "Sign in with email and password: a session token (also set as a cookie); "
             "5 failures per email or address in 15 minutes answer 429", PUBLIC, post_session,
             SignIn, answers=(201,), refusals=SIGN_IN),
    Endpoint("DELETE", "/api/v1/session",
             "Sign out: end the session this request was made with (a member's, or the "
             "operator's started at /sign-in)", MEMBER, delete_session, refusals=SELF),
    Endpoint("POST", "/api/v1/invitations/accept",
             "Choose a password with an invitation's token, and sign in", PUBLIC,
             post_invitation_accept, LinkAcceptance, answers=(201,), refusals=LINKS),
    Endpoint("POST", "/api/v1/password-reset",
             "Ask for a password-reset link by email (the answer is the same for any email)",
             PUBLIC, post_reset_request, ResetRequest, answers=(202,)),
    Endpoint("POST", "/api/v1/password-reset/accept",
             "Choose a new password with a reset link's token, and sign in", PUBLIC,
             post_reset_accept, LinkAcceptance, answers=(201,), refusals=LINKS),
    Endpoint("POST", "/api/v1/me/password",
             "Change one's own password (other sessions end)", MEMBER, post_password,
             PasswordChange, refusals=ATTEMPTS),
    Endpoint("GET", "/api/v1/me", "One's own record in the register", MEMBER, get_me,
             refusals=SELF),
    Endpoint("GET", "/api/v1/me/export",
             "Everything the node holds about oneself, as JSON", MEMBER, get_my_data,
             refusals=SELF),
    Endpoint("POST", "/api/v1/me/resign", "Resign one's membership", MEMBER, post_resign,
             Resignation),
    Endpoint("POST", "/api/v1/me/renewal",
             "Renew one's own membership: a lapse is reversed at once and a lapse notice "
             "withdrawn; dues fall due afresh from today (SO 9.3)", MEMBER, post_renewal,
             Renewal),
    Endpoint("DELETE", "/api/v1/me/roles/{role}", "Stand down from one of one's own roles",
             MEMBER, delete_my_role),
    Endpoint("GET", "/api/v1/me/inclusion",
             "Whether one is counted in the register commitment the network holds, with the "
             "salt, leaf and Merkle proof to check it", MEMBER, get_inclusion, refusals=SELF),
]
