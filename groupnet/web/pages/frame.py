"""How a page is made: templates, the signed-in caller, forms, CSRF, refusals in plain words.

Pages are thin, like the JSON API: a handler reads the request, names the
actor and calls the same service functions the API and the CLI call; the
rules decide. What a page adds is the browser's side of things:

- Roles: every page names the API endpoint whose roles it shares
  (`roles_of`), so a page can never be more open than the API beside it.
  A visitor who is not signed in is sent to the sign-in page.
- CSRF: every POST form carries a hidden `csrf` field. For a signed-in
  browser it is a hash of the session cookie (an attacker on another site
  cannot read the cookie, so cannot make the hash); before sign-in it must
  match a random `groupnet_form` cookie (double submit). A POST without the
  right token is refused with 403 and changes nothing.
- Refusals: a POST whose service call is refused renders the page it came
  from again, with the user's input kept and the rule's sentence shown next
  to the field or the button it concerns.
- Output is escaped by Jinja2's autoescaping: nothing a user or another
  group typed is ever read as HTML.
- Redirects go only to a path on this node (`local_target`): every
  `see_other`, and so the `next` a sign-in returns to, passes that one rule.
"""

from __future__ import annotations

import hmac
import re
import secrets
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import jinja2
import msgspec
from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from ... import store
from ...group.people import Actor
from ...limits import MAX_ID, refusal, web_link, whole_number
from ...local_time import LocalTime, day_text
from ...network.node import Node
from ...store import register
from ...wire.rejection import Refused, Rejection, refuse
from ..addresses import client_address
from ..api.endpoints import ident  # noqa: F401 (pages read path ids as the API does)
from ..api.routes import all_endpoints
from ..auth import SESSION_COOKIE, Caller, caller_of, csrf_token_for
from ..errors import BUSY, BUSY_RETRY_AFTER_SECONDS
from ..keys import NODE, SERVICE
from .ballot_script import PATH as BALLOT_SCRIPT

FORM_COOKIE = "groupnet_form"
CSRF_FIELD = "csrf"

PageHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

FORM = web.RequestKey("page_form", Any)
PROBLEM = web.RequestKey("page_problem", Any)
FORM_COOKIE_VALUE = web.RequestKey("form_cookie", str)


class Problem(msgspec.Struct, frozen=True):
    """A refusal as a page shows it: which form (`action`), which field, and why."""

    action: str
    code: str
    reason: str
    field: str | None = None


# -- templates ---------------------------------------------------------------------


@jinja2.pass_context
def _when(context: jinja2.runtime.Context, ms: int | None) -> str:
    """A moment in the group's local time, with its zone: "14 March 2017, 19:30 GMT"."""
    return "—" if ms is None else context["local_time"].moment(ms)


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, ms: int | None) -> str:
    """The local date of a moment: "14 March 2017"."""
    return "—" if ms is None else context["local_time"].day(ms)


def _date(value: date | str | None) -> str:
    """A calendar date (a `date`, or one written YYYY-MM-DD) as moments' dates read."""
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return day_text(value)


def _short(value: str | None, length: int = 12) -> str:
    if not value:
        return ""
    return value if len(value) <= length else value[:length] + "…"


_NETWORK_RULE = re.compile(r"^(SM\d+(?:\.\d+)?(?:-\d+)?): (.+)$", re.S)


def _sentence(reason: str) -> str:
    """A refusal's reason as people read it: a sentence, the shared-motion rule it applied
    named in words at the end rather than as a leading code (the API keeps the code)."""
    cited = _NETWORK_RULE.match(reason)
    if cited:
        reason = f"{cited.group(2)} (the network's shared-motion rule {cited.group(1)})"
    reason = reason[:1].upper() + reason[1:]
    return reason if reason.endswith((".", "?", "!")) else reason + "."


def _plural(count: int, one: str, many: str | None = None) -> str:
    """'1 endorsement', '2 endorsements', '3 replies'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("groupnet.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
# `web_link`: a stored link is an href only if it is http(s) (limits.py), whatever its age
ENV.filters.update(when=_when, day=_day, date=_date, short=_short, web_link=web_link,
                   sentence=_sentence, plural=_plural)
# where a page loads the member's ballot from: `<script type="module" src="{{ ballot_script }}">`
ENV.globals["ballot_script"] = BALLOT_SCRIPT


# -- who is asking --------------------------------------------------------------------


def node_of(request: web.Request) -> Node:
    return request.app[NODE]


def service_of(request: web.Request) -> Any:
    return request.app[SERVICE]


def actor_of(request: web.Request) -> Actor:
    caller = caller_of(request)
    if caller is None:
        raise refuse("unauthenticated", "sign in first", 401)
    return Actor(caller.actor(), caller.member_id)


def address_of(request: web.Request) -> str:
    """The address the sign-in limits count: the API's own rule for it."""
    return client_address(request)


def _roles_table() -> dict[tuple[str, str], tuple[str, ...]]:
    return {(e.method, e.path): e.roles for e in all_endpoints()}


_ROLES: dict[tuple[str, str], tuple[str, ...]] = {}


def roles_of(method: str, path: str) -> tuple[str, ...]:
    """The roles the JSON API asks for at `method path`: a page asks for the same."""
    if not _ROLES:
        _ROLES.update(_roles_table())
    return _ROLES[(method, path)]


def may(caller: Caller | None, method: str, path: str) -> bool:
    """Whether `caller` may use the API endpoint (for showing or hiding links and forms)."""
    roles = roles_of(method, path)
    if not roles:
        return True
    return caller is not None and any(caller.has(role) for role in roles)


# -- CSRF -------------------------------------------------------------------------------


def _session_token(request: web.Request) -> str | None:
    if caller_of(request) is None:
        return None
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_token(request: web.Request) -> str:
    session = _session_token(request)
    if session is not None:
        return csrf_token_for(session)
    if FORM_COOKIE_VALUE not in request:
        request[FORM_COOKIE_VALUE] = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
    return request[FORM_COOKIE_VALUE]


def _check_csrf(request: web.Request, form: Mapping[str, Any]) -> None:
    given = str(form.get(CSRF_FIELD, ""))
    expected = csrf_token(request)
    if _session_token(request) is None and not request.cookies.get(FORM_COOKIE):
        expected = ""  # no cookie was ever set: nothing the form could match
    if not given or not expected or not hmac.compare_digest(given, expected):
        raise refuse("csrf", "this form did not come from this node's own pages (its "
                     "security token is missing or out of date), so nothing was done; go "
                     "back, reload the page and try again", 403)


# -- rendering ----------------------------------------------------------------------------


def render(request: web.Request, template: str, status: int = 200,
           **context: Any) -> web.Response:
    node = node_of(request)
    caller = caller_of(request)
    problem = request.get(PROBLEM)
    form = request.get(FORM) or MultiDict()
    html = ENV.get_template(template).render(
        node_name=node.config.name, caller=caller, csrf=csrf_token(request),
        local_time=local_time_of(request), time_zone=node.config.time_zone,
        path=request.path, problem=problem, form=form,
        may=lambda method, path: may(caller, method, path), **context)
    response = web.Response(text=html, content_type="text/html", charset="utf-8",
                            status=status)
    fresh = request.get(FORM_COOKIE_VALUE)
    if fresh is not None and request.cookies.get(FORM_COOKIE) != fresh:
        response.set_cookie(FORM_COOKIE, fresh, path="/", httponly=True,
                            samesite="Lax", secure=node.config.url.startswith("https:"))
    secure_headers(response)
    return response


def secure_headers(response: web.StreamResponse) -> None:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")


def refusal_page(request: web.Request, rejection: Rejection, status: int) -> web.Response:
    return render(request, "refused.html", status=status, rejection=rejection)


HOME = "/"


def local_target(target: str) -> str:
    """`target` if it is a path on this node, else the home page.

    A redirect to a user-supplied target (`next` after sign-in) must not leave
    the node. Browsers drop tabs and newlines from a URL and read `\\` as
    `/`, so `/<TAB>/evil.example` or `/\\evil.example` would become
    `//evil.example`, another host; so the target must be printable ASCII
    without backslashes or spaces, and parsed (not string-checked) it must
    have no scheme and no host, a path that starts with one `/` and has no
    empty, `.` or `..` segment. Anything else falls back to `/`.
    """
    if not target or any(not "!" <= c <= "~" or c == "\\" for c in target):
        return HOME
    parts = urlsplit(target)
    segments = parts.path.split("/")[1:]
    if (parts.scheme or parts.netloc or not parts.path.startswith("/")
            or target.startswith("//")
            or any(s in ("", ".", "..") for s in segments[:-1])
            or segments[-1] in (".", "..")):
        return HOME
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def see_other(location: str) -> web.HTTPSeeOther:
    """303 to a path on this node: whatever `location` holds, it cannot lead elsewhere."""
    return web.HTTPSeeOther(local_target(location))


# -- the guard every page goes through ---------------------------------------------------


def _sign_in_first(request: web.Request) -> web.StreamResponse:
    if request.method == "GET":
        target = local_target(request.rel_url.raw_path_qs)
        raise see_other("/sign-in" + (f"?{urlencode({'next': target})}"
                                      if target != HOME else ""))
    return refusal_page(request, Rejection(
        "unauthenticated", "you are not signed in (or your session has ended); sign in and "
        "try again"), 401)


def _who(caller: Caller) -> str:
    return "the node's operator" if caller.operator else caller.label


def page(method: str, api_path: str) -> Callable[[PageHandler], PageHandler]:
    """A page that needs what the API endpoint `method api_path` needs; unexpected
    refusals become a plain-words page with the refusal's status."""

    def wrap(handler: PageHandler) -> PageHandler:
        @wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            roles = roles_of(method, api_path)
            caller = caller_of(request)
            if roles and caller is None:
                return _sign_in_first(request)
            if roles and not any(caller.has(role) for role in roles):
                return refusal_page(request, Rejection(
                    "forbidden", f"this page is for the role {' or '.join(roles)}; you are "
                    f"signed in as {_who(caller)}"), 403)
            try:
                return await handler(request)
            except Refused as refused:
                return refusal_page(request, refused.rejection, refused.status)
            except sqlite3.OperationalError as error:
                if not store.is_busy(error):
                    raise
                response = refusal_page(request, BUSY, 503)
                response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
                return response

        return guarded

    return wrap


def action(method: str, api_path: str, name: str, again: PageHandler,
           fields: Mapping[str, str] | None = None) -> Callable[[PageHandler], PageHandler]:
    """A form's POST: guarded like `page`, the CSRF token checked first. If the service
    refuses, `again` (the page the form is on) is rendered with the input kept and the
    reason shown in form `name`, next to the field `fields[code]` if the code names one."""

    def wrap(handler: PageHandler) -> PageHandler:
        @wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            form = await _read_form(request)
            try:
                _check_csrf(request, form)
            except Refused as refused:
                return refusal_page(request, refused.rejection, refused.status)
            request[FORM] = form
            try:
                return await handler(request)
            except Refused as refused:
                r = refused.rejection
                request[PROBLEM] = Problem(name, r.code, r.reason,
                                           (fields or {}).get(r.code))
                request[FORM] = form
                response = await again(request)
                if response.status < 400:
                    response.set_status(refused.status)
                return response

        return page(method, api_path)(guarded)

    return wrap


async def _read_form(request: web.Request) -> MultiDictProxy:
    try:
        return await request.post()
    except ValueError:
        return MultiDictProxy(MultiDict())


def form_of(request: web.Request) -> MultiDictProxy:
    return request[FORM]


def text(request: web.Request, name: str, default: str = "") -> str:
    value = form_of(request).get(name, default)
    return value.strip() if isinstance(value, str) else default


def shaped(shape: type, fields: dict[str, Any]) -> Any:
    """Form fields as a request struct (the type the API decodes, with its limits), or
    refused as the API refuses a body that does not fit."""
    try:
        return msgspec.convert(fields, shape, strict=False)
    except msgspec.ValidationError as error:
        raise Refused(refusal(error, "the form"), 400) from None


def number(request: web.Request, name: str, what: str) -> int:
    raw = text(request, name)
    value = whole_number(raw)
    if value is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise refuse(f"bad_{name}", f"{what} must be a whole number from 0 to {MAX_ID}, in "
                     f"the digits 0-9; “{shown}” is not", 400)
    return value


# -- members and moments named on forms ----------------------------------------------


async def member_id(request: web.Request, raw: str, what: str) -> str:
    """A member named on a form by member id or email: their id."""
    raw = raw.strip()
    if "@" in raw:
        owner = await register.email_owner(node_of(request).db, raw.lower())
        if owner is None:
            raise refuse("not_found", f"{what}: nobody in the register has the email {raw}",
                         404)
        return owner
    return raw


# up to this many people are offered by name on a form; beyond, those present at the meeting
PICK_LIST_MAX = 500


async def choices_of(request: web.Request, ids) -> list[tuple[str, str]]:
    """(what the form shows and takes, member id) for each member of `ids`, by name: a name
    two members share is told apart by the id."""
    names = await names_of(request, ids)
    count: dict[str, int] = {}
    for name in names.values():
        count[name] = count.get(name, 0) + 1
    return sorted((name if count[name] == 1 else f"{name} ({member})", member)
                  for member, name in names.items())


async def person(request: web.Request, raw: str, what: str,
                 choices: list[tuple[str, str]]) -> str:
    """A member named on a form: one of `choices` by what it shows, or by email or id."""
    raw = raw.strip()
    for shown, member in choices:
        if raw == shown:
            return member
    return await member_id(request, raw, what)


async def names_of(request: web.Request, ids) -> dict[str, str]:
    """The register's names of the members with these ids."""
    found = await register.records(node_of(request).db, [i for i in ids if i])
    return {i: m.name for i, m in found.items()}


def local_time_of(request: web.Request) -> LocalTime:
    """The node's time zone, in which pages show times and read what is typed."""
    return LocalTime(node_of(request).config.time_zone)


def moment(request: web.Request, name: str = "starts_at") -> datetime:
    """A date and time typed on a form: local time in the node's zone, unless it gives an
    offset. A time the clocks skip over is refused (`local_time.LocalTime.read`)."""
    raw = text(request, name)
    try:
        typed = datetime.fromisoformat(raw)
    except ValueError:
        raise refuse(f"bad_{name}", "give a date and a time", 400) from None
    return local_time_of(request).read(typed)
