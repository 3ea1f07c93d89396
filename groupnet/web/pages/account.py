"""Signing in and out, invitations and password resets, and a member's own page.

A member signs in with email and password (`signin.sign_in`: the same limits
and the same one answer for every miss as the API). The node's operator may
sign in with an admin token instead, so a fresh node (or `groupnet demo`) can
be used from a browser before anyone is in the register; that starts an
operator session (`signin.operator_sign_in`), and failed tokens count under
the same limits. Either way the browser holds only a session's token, in the
`groupnet_session` cookie: HttpOnly, SameSite=Lax, and Secure when the node's
URL is https. Signing out ends the session on the node, not just in the
browser.
"""

from __future__ import annotations

import msgspec
from aiohttp import web

from ...group import cases, mail, register, signin
from ...store import register as store_register
from ...wire.rejection import refuse
from ..api.account import LinkAcceptance, PasswordChange, ResetRequest, Resignation, SignIn
from ..auth import SESSION_COOKIE, caller_of
from . import deadlines
from .frame import (
    action,
    actor_of,
    address_of,
    form_of,
    local_target,
    node_of,
    page,
    render,
    secure_headers,
    see_other,
    shaped,
    text,
)

SESSION_API = ("POST", "/api/v1/session")


def _next(request: web.Request) -> str:
    """Where to go after signing in: only ever a path on this node."""
    target = request.query.get("next", "")
    if not target and request.method == "POST":
        value = form_of(request).get("next", "")
        target = value if isinstance(value, str) else ""
    return local_target(target)


def _signed_in(request: web.Request, token: str, max_age: int) -> web.HTTPSeeOther:
    response = see_other(_next(request))
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, path="/", httponly=True,
                        samesite="Lax", secure=node_of(request).config.url.startswith("https:"))
    secure_headers(response)
    return response


@page(*SESSION_API)
async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if caller_of(request) is not None and request.method == "GET":
        raise see_other("/")
    return render(request, "sign_in.html", next=_next(request))


@action(*SESSION_API, "sign_in", sign_in_page, {"sign_in_failed": "password"})
async def post_sign_in(request: web.Request) -> web.StreamResponse:
    body = shaped(SignIn, {"email": text(request, "email"),
                           "password": form_of(request).get("password", "")})
    session = await signin.sign_in(node_of(request), body.email, body.password,
                                   address_of(request))
    raise _signed_in(request, session.token, signin.SESSION_LIFETIME // 1000)


@action(*SESSION_API, "token", sign_in_page, {"sign_in_failed": "token"})
async def post_token_sign_in(request: web.Request) -> web.StreamResponse:
    session = await signin.operator_sign_in(node_of(request), text(request, "token"),
                                            address_of(request))
    raise _signed_in(request, session.token, signin.OPERATOR_SESSION_LIFETIME // 1000)


@page("GET", "/api/v1/me")
async def me_page(request: web.Request) -> web.StreamResponse:
    caller = caller_of(request)
    if caller.member_id is None:
        return render(request, "me_operator.html")
    node = node_of(request)
    member, _ = await store_register.load(node.db, caller.member_id)
    actor = actor_of(request)
    own_cases = [c for c in await cases.listing(node.db, actor)
                 if c["member"] == caller.member_id]
    case_views = [await cases.view(node, actor, c["id"]) for c in own_cases]
    return render(request, "me.html", member=member, cases=case_views,
                  deadlines={v.id: deadlines.of_case(v.case) for v in case_views},
                  sessions=await signin.sessions_of(node.db, caller.member_id),
                  account=await mail.account_notices(node.db, caller.member_id),
                  changed=request.query.get("changed") == "1")


@page("GET", "/api/v1/me/export")
async def my_export(request: web.Request) -> web.StreamResponse:
    caller = caller_of(request)
    if caller.member_id is None:
        raise refuse("not_a_member", "the operator's token belongs to no member of the register",
                     404)
    data = await register.own_data(node_of(request), caller.member_id)
    response = web.Response(body=msgspec.json.format(msgspec.json.encode(data)),
                            content_type="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@action("POST", "/api/v1/me/resign", "resign", me_page, {"not_confirmed": "confirm"})
async def post_resign(request: web.Request) -> web.StreamResponse:
    if text(request, "confirm") != "yes":
        raise refuse("not_confirmed", "tick the box to confirm that you are resigning", 400)
    body = shaped(Resignation, {"reason": text(request, "reason")})
    await register.resign(node_of(request), actor_of(request), body.reason)
    raise see_other("/me")


@action("POST", "/api/v1/me/renewal", "renewal", me_page)
async def post_renewal(request: web.Request) -> web.StreamResponse:
    await register.renew(node_of(request), actor_of(request), text(request, "note"))
    raise see_other("/me")


@action("POST", "/api/v1/me/password", "password", me_page,
        {"wrong_password": "current", "weak_password": "new"})
async def post_password(request: web.Request) -> web.StreamResponse:
    caller = caller_of(request)
    if caller.member_id is None:
        raise refuse("not_a_member", "the operator has no password here", 404)
    form = form_of(request)
    body = shaped(PasswordChange, {"current": form.get("current", ""), "new": form.get("new", "")})
    await signin.change_password(node_of(request), caller.member_id, body.current, body.new,
                                 request.cookies.get(SESSION_COOKIE, ""), address_of(request))
    raise see_other("/me?changed=1")


@action("DELETE", "/api/v1/session", "sign_out", sign_in_page)
async def post_sign_out(request: web.Request) -> web.StreamResponse:
    caller = caller_of(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    if caller.member_id is not None:
        await signin.sign_out(node_of(request), token, caller.member_id)
    else:
        await signin.end_operator_session(node_of(request), token, caller.label)
    response = web.HTTPSeeOther("/sign-in")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


# -- links from emails: choosing a password ------------------------------------------------


def _purpose(request: web.Request) -> str:
    return "invitation" if request.path.startswith("/invitation") else "reset"


@page("POST", "/api/v1/invitations/accept")
async def link_page(request: web.Request) -> web.StreamResponse:
    token = request.query.get("token", "") or text(request, "token")
    return render(request, "link.html", purpose=_purpose(request), token=token,
                  min_password=signin.MIN_PASSWORD)


@action("POST", "/api/v1/invitations/accept", "link", link_page,
        {"weak_password": "password"})
async def post_link(request: web.Request) -> web.StreamResponse:
    body = shaped(LinkAcceptance, {"token": text(request, "token"),
                                   "password": form_of(request).get("password", "")})
    session = await signin.accept_link(node_of(request), body.token, _purpose(request),
                                       body.password, address_of(request))
    raise _signed_in(request, session.token, signin.SESSION_LIFETIME // 1000)


@page("POST", "/api/v1/password-reset")
async def reset_request_page(request: web.Request) -> web.StreamResponse:
    if request.query.get("token"):
        return await link_page(request)
    return render(request, "reset_request.html", sent=request.query.get("sent") == "1")


@action("POST", "/api/v1/password-reset", "reset", reset_request_page)
async def post_reset_request(request: web.Request) -> web.StreamResponse:
    email = shaped(ResetRequest, {"email": text(request, "email")}).email
    await register.request_reset(node_of(request), email, address_of(request))
    raise see_other("/password-reset?sent=1")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/sign-in", sign_in_page),
        web.post("/sign-in", post_sign_in),
        web.post("/sign-in/token", post_token_sign_in),
        web.post("/sign-out", post_sign_out),
        web.get("/invitation", link_page),
        web.post("/invitation", post_link),
        web.get("/password-reset", reset_request_page),
        web.post("/password-reset", post_reset_request),
        web.post("/password-reset/accept", post_link),
        web.get("/me", me_page),
        web.get("/me/export", my_export),
        web.post("/me/resign", post_resign),
        web.post("/me/renewal", post_renewal),
        web.post("/me/password", post_password),
    ]
