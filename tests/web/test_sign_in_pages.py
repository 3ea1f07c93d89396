"""Signing in from the pages over plain HTTP: where it sends the browser, and what it
leaves in the browser's cookies."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from groupnet.clock import now_ms
from groupnet.group import signin
from groupnet.web.pages.frame import local_target
from tests.register.conftest import cli
from tests.web.conftest import PASSWORD, email_of


class Browser:
    """A cookie jar and the forms' hidden fields: a browser without the rendering."""

    def __init__(self, site) -> None:
        self.site = site
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.http.close()

    async def get(self, path: str) -> tuple[int, str, dict]:
        async with self.http.get(self.site.url + path, allow_redirects=False) as answer:
            return answer.status, await answer.text(), dict(answer.headers)

    async def post(self, path: str, form: dict, csrf_from: str = "/sign-in"
                   ) -> tuple[int, str, dict]:
        _, page, _ = await self.get(csrf_from)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        async with self.http.post(self.site.url + path, data={**form, "csrf": csrf},
                                  allow_redirects=False) as answer:
            return answer.status, await answer.text(), dict(answer.headers)

    def cookie(self, name: str) -> str | None:
        for cookie in self.http.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return None


@pytest.fixture
async def browser_(site):
    b = Browser(site)
    try:
        yield b
    finally:
        await b.close()


SAFE = [
    ("/members", "/members"),
    ("/members?q=ann&status=active", "/members?q=ann&status=active"),
    ("/meetings/3#attendance", "/meetings/3#attendance"),
    ("/network/motions/9f1c%2Fx", "/network/motions/9f1c%2Fx"),
    # percent-encoded, a tab is only text in the path
    ("/%09/evil.example", "/%09/evil.example"),
]
UNSAFE = [
    "", "members", "//evil.example", "///evil.example", "/\t/evil.example",
    "/\n/evil.example", "/\r\n/evil.example", " //evil.example", "/\\evil.example",
    "\\\\evil.example", "https://evil.example/", "http:evil.example", "javascript:alert(1)",
    "/..//evil.example", "/a/../..//evil.example", "/./", "/\x00", "/\x7f", "/é",
    "/a b", "//",
]


@pytest.mark.parametrize(("target", "kept"), SAFE)
def test_a_path_on_this_node_is_kept_as_the_target(target, kept):
    assert local_target(target) == kept


@pytest.mark.parametrize("target", UNSAFE)
def test_anything_but_a_plain_path_on_this_node_falls_back_to_the_home_page(target):
    assert local_target(target) == "/"


async def test_signing_in_never_sends_the_browser_to_another_host(site, browser_):
    await site.member("Mo Member")
    for target in ("/\t/evil.example", "//evil.example", "/\\evil.example",
                   "https://evil.example/", "/\r\n/evil.example"):
        browser_.http.cookie_jar.clear()
        status, _, headers = await browser_.post("/sign-in", {
            "email": email_of("Mo Member"), "password": PASSWORD, "next": target})
        assert status == 303, target
        assert headers["Location"] == "/", (target, headers["Location"])
    # the same rule for `next` in the query of the sign-in page
    browser_.http.cookie_jar.clear()
    status, _, headers = await browser_.post("/sign-in?next=/%09/evil.example", {
        "email": email_of("Mo Member"), "password": PASSWORD})
    assert (status, headers["Location"]) == (303, "/")


async def test_a_visitor_sent_to_sign_in_comes_back_to_the_whole_address_they_asked_for(
        site, browser_):
    await site.member("Sam Secretary", "secretary")
    status, _, headers = await browser_.get("/members?q=sam&status=active")
    assert status == 303
    location = urlsplit(headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query) == {"next": ["/members?q=sam&status=active"]}
    status, page, _ = await browser_.get(headers["Location"])
    assert 'name="next" value="/members?q=sam&amp;status=active"' in page
    status, _, headers = await browser_.post(
        "/sign-in", {"email": email_of("Sam Secretary"), "password": PASSWORD,
                     "next": "/members?q=sam&status=active"})
    assert (status, headers["Location"]) == (303, "/members?q=sam&status=active")


# -- the operator's session -------------------------------------------------------------


async def _operator_signs_in(site, browser_) -> str:
    status, _, headers = await browser_.post("/sign-in/token", {"token": site.token})
    assert (status, headers["Location"]) == (303, "/")
    session = browser_.cookie("groupnet_session")
    assert session
    return session


async def test_the_admin_token_never_sits_in_the_browser_and_signing_out_ends_the_session(
        site, browser_):
    session = await _operator_signs_in(site, browser_)
    assert session != site.token
    assert not [c for c in browser_.http.cookie_jar if site.token in c.value]
    status, page, _ = await browser_.get("/members")
    assert status == 200 and "Signed in as <strong>the node's operator</strong>" in page
    status, _, headers = await browser_.post("/sign-out", {}, csrf_from="/")
    assert (status, headers["Location"]) == (303, "/sign-in")
    assert not browser_.cookie("groupnet_session")
    # the session is over on the node, not only forgotten by the browser
    async with aiohttp.ClientSession(cookies={"groupnet_session": session}) as stolen:
        async with stolen.get(site.url + "/members", allow_redirects=False) as answer:
            assert answer.status == 303
            assert answer.headers["Location"].startswith("/sign-in")
        async with stolen.get(site.url + "/api/v1/members") as answer:
            assert answer.status == 401
    trail = await site.api("GET", "/api/v1/audit?subject=operator")
    assert [r["action"] for r in trail["rows"]] == ["operator.session_end",
                                                    "operator.session_start"]


async def test_an_admin_token_in_a_cookie_is_not_a_session(site):
    async with aiohttp.ClientSession(cookies={"groupnet_session": site.token}) as http:
        async with http.get(site.url + "/members", allow_redirects=False) as answer:
            assert answer.status == 303
        async with http.get(site.url + "/api/v1/members") as answer:
            assert answer.status == 401
    # as a bearer token it is the operator's, as before
    assert "members" in await site.api("GET", "/api/v1/members")


async def test_an_operator_session_expires_and_ends_with_its_admin_token(site, browser_):
    await _operator_signs_in(site, browser_)
    async with site.node.transaction() as db:
        await db.execute("UPDATE operator_sessions SET last_seen = last_seen - ?",
                         (signin.OPERATOR_SESSION_IDLE,))
    assert (await browser_.get("/members"))[0] == 303, "an hour unused ends it"
    browser_.http.cookie_jar.clear()
    await _operator_signs_in(site, browser_)
    async with site.node.transaction() as db:
        await db.execute("UPDATE operator_sessions SET expires = ?", (now_ms(),))
    assert (await browser_.get("/members"))[0] == 303, "twelve hours after sign-in it ends"
    browser_.http.cookie_jar.clear()
    await _operator_signs_in(site, browser_)
    assert (await browser_.get("/members"))[0] == 200
    directory = str(site.node.directory)
    listed = await asyncio.to_thread(cli, "token", "list", directory)
    prefix = listed.stdout.split()[0]
    revoked = await asyncio.to_thread(cli, "token", "revoke", directory, prefix)
    assert revoked.returncode == 0, revoked.stderr
    assert (await browser_.get("/members"))[0] == 303, "revoking the token ends its sessions"
    async with site.node.db.execute("SELECT COUNT(*) FROM operator_sessions") as cursor:
        assert (await cursor.fetchone())[0] == 0
