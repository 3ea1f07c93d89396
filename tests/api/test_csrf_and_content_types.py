"""The client API and the session cookie: a browser's cookie alone never makes a change,
and a JSON endpoint takes only JSON."""

from __future__ import annotations

import re

import pytest

from groupnet.web.api.routes import all_endpoints

NEW_MEMBER = b'{"name": "Forged Person", "email": "forged@example.org"}'


async def _cookie_session(group, as_: str) -> tuple[str, str]:
    """A member's browser: (its cookie header, the CSRF token its pages show)."""
    email = {"officer": "sam@example.org", "member": "mo@example.org"}[as_]
    signed_in = await group.call("POST", "/api/v1/session", as_=None,
                                 json={"email": email, "password": "correct horse battery"})
    cookie = f"groupnet_session={signed_in.body['token']}"
    page = await group.call("GET", "/me", as_=None, headers={"Cookie": cookie})
    return cookie, re.search(r'name="csrf" value="([^"]+)"', page.body).group(1)


async def _forged_people(group) -> int:
    answer = await group.call("GET", "/api/v1/members", params={"q": "forged@example.org"})
    return answer.body["total"]


async def test_a_post_from_another_site_with_the_victims_cookie_changes_nothing(group):
    cookie, _ = await _cookie_session(group, "officer")
    # what a form or fetch() on another site can send without asking first
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        forged = await group.call("POST", "/api/v1/members", as_=None, data=NEW_MEMBER,
                                  headers={"Cookie": cookie, "Content-Type": kind})
        assert forged.status == 403 and forged.code() == "csrf", (kind, forged.body)
        assert "X-CSRF-Token" in forged.body["error"]["reason"]
    also_json = await group.call("POST", "/api/v1/members", as_=None, data=NEW_MEMBER,
                                 headers={"Cookie": cookie, "Content-Type": "application/json"})
    assert also_json.status == 403 and also_json.code() == "csrf"
    wrong = await group.call("POST", "/api/v1/members", as_=None, data=NEW_MEMBER,
                             headers={"Cookie": cookie, "Content-Type": "application/json",
                                      "X-CSRF-Token": "0" * 64})
    assert wrong.status == 403 and wrong.code() == "csrf"
    stand_down = await group.call("DELETE", "/api/v1/me/roles/secretary", as_=None,
                                  headers={"Cookie": cookie})
    assert stand_down.status == 403 and stand_down.code() == "csrf"
    assert await _forged_people(group) == 0
    assert (await group.call("GET", "/api/v1/me", as_="officer")).body["roles"] == ["secretary"]


async def test_the_pages_csrf_token_in_a_header_lets_the_cookie_write_json(group):
    cookie, csrf = await _cookie_session(group, "officer")
    headers = {"Cookie": cookie, "X-CSRF-Token": csrf}
    as_text = await group.call("POST", "/api/v1/members", as_=None, data=NEW_MEMBER,
                               headers={**headers, "Content-Type": "text/plain"})
    assert as_text.status == 415 and as_text.code() == "unsupported_media_type"
    assert await _forged_people(group) == 0
    added = await group.call("POST", "/api/v1/members", as_=None, data=NEW_MEMBER,
                             headers={**headers, "Content-Type": "application/json"})
    assert added.status == 201, added.body
    # reading needs no header: another site cannot read the answer
    read = await group.call("GET", "/api/v1/me", as_=None, headers={"Cookie": cookie})
    assert read.status == 200
    # the token belongs to its session: another member's does not fit
    other_cookie, other_csrf = await _cookie_session(group, "member")
    crossed = await group.call("POST", "/api/v1/me/resign", as_=None, json={},
                               headers={"Cookie": other_cookie, "X-CSRF-Token": csrf})
    assert crossed.status == 403 and crossed.code() == "csrf"
    assert other_csrf != csrf


async def test_a_bearer_token_needs_no_csrf_header_but_still_sends_json(group):
    as_text = await group.call("POST", "/api/v1/members", as_="officer", data=NEW_MEMBER,
                               headers={"Content-Type": "text/plain"})
    assert as_text.status == 415 and as_text.code() == "unsupported_media_type"
    as_json = await group.call("POST", "/api/v1/members", as_="officer", data=NEW_MEMBER,
                               headers={"Content-Type": "application/json; charset=utf-8"})
    assert as_json.status == 201


async def test_signing_in_takes_only_json_so_another_site_cannot_sign_a_browser_in(group):
    answer = await group.call(
        "POST", "/api/v1/session", as_=None, headers={"Content-Type": "text/plain"},
        data=b'{"email": "mo@example.org", "password": "correct horse battery"}')
    assert answer.status == 415 and answer.code() == "unsupported_media_type"
    assert "Set-Cookie" not in answer.headers


BODIES = [e for e in all_endpoints() if e.body is not None]


@pytest.mark.parametrize("endpoint", BODIES, ids=[f"{e.method} {e.path}" for e in BODIES])
async def test_every_json_endpoint_refuses_another_content_type(group, endpoint):
    path = re.sub(r"\{[^}]+\}", "1", endpoint.path)
    answer = await group.call(endpoint.method, path, data=b"{}",
                              headers={"Content-Type": "text/plain"})
    assert answer.status == 415 and answer.code() == "unsupported_media_type", answer.body


async def test_the_csv_import_takes_only_csv(group):
    text = b"name,email,joined\nAnn Archer,ann@example.org,2016-01-10\n"
    answer = await group.call("POST", "/api/v1/register/import", data=text,
                              headers={"Content-Type": "text/plain"})
    assert answer.status == 415 and answer.code() == "unsupported_media_type"
    assert "text/csv" in answer.body["error"]["reason"]
