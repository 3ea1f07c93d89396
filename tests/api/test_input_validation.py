"""Numbers, links and text a caller writes are checked before anything is done with them.

Over real HTTP against a real node: ids and numbers are ASCII digits within
bounds (never a 500, never a different record), links are http(s) only and
pages never make anything else a link, and every text field has a limit that
the API, the pages and the CSV import apply alike.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import aiohttp

from groupnet.group import meetings
from groupnet.group.people import Actor
from tests.register.conftest import PASSWORD

SOON = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


def meeting(**fields) -> dict:
    return {"kind": "general", "starts_at": SOON, "agenda": ["Campaign plans"],
            "place": "Community hall", **fields}


async def page(group, method: str, path: str, session: str, data: dict | None = None):
    """A web page as a signed-in browser sees it: (status, html). A POST sends `data` as the
    form on the page at `path` would, with that page's CSRF token."""
    async with aiohttp.ClientSession(cookies={"groupnet_session": session}) as browser:
        if method == "POST":
            async with browser.get(group.url + path) as form:
                html = await form.text()
            csrf = re.search(r'name="csrf" value="([^"]+)"', html)
            assert csrf, html[:500]
            data = {**(data or {}), "csrf": csrf.group(1)}
        async with browser.request(method, group.url + path, data=data,
                                   allow_redirects=False) as response:
            return response.status, await response.text()


# -- ids and numbers -----------------------------------------------------------------------


async def test_ids_written_in_other_digits_are_no_id_here_not_a_crash(group):
    called = await group.call("POST", "/api/v1/meetings", json=meeting())
    assert called.status == 201, called.body
    assert called.body["id"] == 1
    for path in ("/api/v1/cases/%C2%B9", "/api/v1/meetings/%C2%B9", "/api/v1/elections/%C2%B9",
                 "/api/v1/motions/%C2%B9", "/api/v1/notices/%C2%B9"):
        answer = await group.call("GET", path)
        assert answer.status == 404, (path, answer.status, answer.body)
        assert answer.code() == "not_found"
    # "١" is Arabic-Indic one: int() reads it as 1, which would show meeting 1
    arabic_one = await group.call("GET", "/api/v1/meetings/%D9%A1")
    assert arabic_one.status == 404, arabic_one.body
    assert (await group.call("GET", "/api/v1/meetings/1")).status == 200


async def test_ids_beyond_what_sqlite_holds_are_no_id_here(group):
    huge = "99999999999999999999"
    for method, path, body in (("GET", f"/api/v1/notices/{huge}", None),
                               ("POST", f"/api/v1/notices/{huge}/passed-on", None),
                               ("POST", f"/api/v1/motions/{huge}/share", {})):
        answer = await group.call(method, path, json=body)
        assert answer.status == 404, (path, answer.status, answer.body)
        assert answer.code() == "not_found"


async def test_web_pages_read_ids_as_the_api_does(group):
    for path in ("/meetings/%C2%B9", "/cases/%C2%B9", "/elections/%C2%B9", "/motions/%C2%B9"):
        status, html = await page(group, "GET", path, group.tokens["officer"])
        assert status == 404, (path, status, html[:300])
        assert "not the id of anything here" in html
    status, _ = await page(group, "GET", "/audit?before=%C2%B9", group.tokens["officer"])
    assert status == 200


async def test_query_numbers_are_ascii_digits_within_their_bounds(group):
    for query in ("limit=%D9%A3", "limit=1001", "limit=0", "before=-1", "limit=+5"):
        answer = await group.call("GET", "/api/v1/audit?" + query)
        assert answer.status == 400, (query, answer.body)
        assert answer.code() == "bad_request"
    assert (await group.call("GET", "/api/v1/audit?limit=5")).status == 200


async def test_marking_notifications_read_beyond_sqlite_integers_is_refused(group):
    before = await group.call("GET", "/api/v1/notifications")
    for upto in (9223372036854775808, 2**53, -1):
        answer = await group.call("POST", "/api/v1/notifications/read", json={"upto": upto})
        assert answer.status == 400, (upto, answer.body)
        assert "upto" in answer.body["error"]["reason"]
    assert (await group.call("GET", "/api/v1/notifications")).body == before.body
    done = await group.call("POST", "/api/v1/notifications/read", json={"upto": 2**53 - 1})
    assert done.status == 200, done.body


# -- links ---------------------------------------------------------------------------------


async def test_a_meeting_link_is_http_or_https_only(group):
    for link in ("javascript:alert(document.cookie)", "data:text/html,<b>x</b>",
                 "JAVASCRIPT://%0aalert(1)", "https://meet.example.org/a b", "//evil.example"):
        answer = await group.call("POST", "/api/v1/meetings", json=meeting(link=link))
        assert answer.status == 400, (link, answer.body)
        assert answer.code() == "bad_link"
        assert "http:// or https://" in answer.body["error"]["reason"]
    assert (await group.call("GET", "/api/v1/meetings")).body == {"meetings": []}
    ok = await group.call("POST", "/api/v1/meetings",
                          json=meeting(link="https://meet.example.org/southwark"))
    assert ok.status == 201, ok.body


async def test_a_profile_website_is_http_or_https_only(group):
    answer = await group.call("PUT", "/api/v1/profile", json={"url": "javascript:alert(1)"})
    assert answer.status == 400
    assert answer.code() == "bad_link"


async def test_a_stored_link_that_is_not_http_is_shown_as_text_never_as_a_link(group):
    # a meeting recorded before links were checked: the constructor checks nothing
    old = meetings.CallMeeting(kind="general", starts_at=datetime.fromisoformat(SOON),
                               agenda=["Old business"], link="javascript:alert(document.cookie)")
    view = await meetings.call(group.node, Actor("admin:test"), old)
    status, html = await page(group, "GET", f"/meetings/{view.id}", group.tokens["officer"])
    assert status == 200
    assert "javascript:alert(document.cookie)" in html  # shown, as text
    assert 'href="javascript:' not in html.lower()
    good = await group.call("POST", "/api/v1/meetings",
                            json=meeting(link="https://meet.example.org/x"))
    status, html = await page(group, "GET", f"/meetings/{good.body['id']}",
                              group.tokens["officer"])
    assert 'href="https://meet.example.org/x"' in html


# -- lengths ---------------------------------------------------------------------------------


async def test_member_fields_have_limits_and_an_overlong_one_changes_nothing(group):
    count = (await group.call("GET", "/api/v1/members")).body["total"]
    for fields in ({"name": "N" * (7 * 1024 * 1024)}, {"name": "N" * 201},
                   {"notes": "x" * 3_000_000}, {"notes": "x" * 5001}, {"area": "a" * 201},
                   {"postcode": "S" * 17}):
        answer = await group.call("POST", "/api/v1/members",
                                  json={"name": "Ann Other", "email": "ann@example.org",
                                        **fields})
        assert answer.status == 400, (list(fields), answer.status)
        assert answer.code() == "bad_request"
        assert f"$.{next(iter(fields))}" in answer.body["error"]["reason"]
    assert (await group.call("GET", "/api/v1/members")).body["total"] == count
    member = group.ids["member"]
    edit = await group.call("PATCH", f"/api/v1/members/{member}", json={"notes": "x" * 5001})
    assert edit.status == 400
    record = await group.call("GET", f"/api/v1/members/{member}")
    assert record.body["notes"] == ""
    fits = await group.call("PATCH", f"/api/v1/members/{member}", json={"notes": "x" * 5000})
    assert fits.status == 200, fits.body


async def test_a_csv_row_over_a_column_limit_is_named_and_nothing_is_imported(group):
    count = (await group.call("GET", "/api/v1/members")).body["total"]
    csv = ("name,email,joined,notes\n"
           "Ann Other,ann@example.org,2020-01-01,short\n"
           f"Bob Long,bob@example.org,2020-01-01,{'x' * 5001}\n")
    answer = await group.call("POST", "/api/v1/register/import", data=csv.encode(),
                              headers={"Content-Type": "text/csv"})
    assert answer.status == 422, answer.body
    assert answer.code() == "csv_invalid"
    assert answer.body["error"]["rows"][0]["line"] == 3
    assert "notes holds at most 5000 characters" in answer.body["error"]["rows"][0]["reason"]
    assert (await group.call("GET", "/api/v1/members")).body["total"] == count


async def test_the_register_page_applies_the_same_limits_as_the_api(group):
    status, html = await page(group, "POST", "/members", group.tokens["officer"],
                              {"name": "N" * 201, "email": "ann@example.org"})
    assert status == 400, html[:300]
    assert "$.name" in html
    assert (await group.call("GET", "/api/v1/members")).body["total"] == 2


async def test_the_sign_in_page_refuses_an_overlong_email_without_storing_it(group):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(group.url + "/sign-in") as form:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await form.text()).group(1)
        async with browser.post(group.url + "/sign-in", allow_redirects=False,
                                data={"email": "e" * 100_000 + "@example.org",
                                      "password": PASSWORD, "csrf": csrf}) as response:
            assert response.status == 400
    async with group.node.db.execute(
            "SELECT COUNT(*) FROM sign_in_failures WHERE length(key) > 1000") as cursor:
        assert (await cursor.fetchone())[0] == 0
