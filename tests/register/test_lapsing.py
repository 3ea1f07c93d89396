"""Lapsing over HTTP, the page and the command line (standing orders 9.3 and 9.4).

A lapsed member cannot vote. These tests check that an officer cannot use a
lapse to take away a member's vote the evening before a meeting, that a lapse
the rule allows (dues unpaid past the grace period, notice sent, its period
run, no meeting called) takes effect, and that the member's own renewal, or a
payment recorded, puts it right.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import aiohttp

from groupnet import clock
from groupnet.procedure.group.standing_orders import DAY_MS, HOUR_MS

from .conftest import cli, lapse_by_the_rules


async def _in_arrears_with_notice_sent(group, member_id: str) -> None:
    paid = await group.call("POST", f"/api/v1/members/{member_id}/dues", as_="officer",
                            json={"paid_until": "2016-01-31"})
    assert paid.status == 200, paid.body
    given = await group.call("POST", f"/api/v1/members/{member_id}/lapse-notice",
                             as_="officer")
    assert given.status == 201, given.body
    notices = (await group.call("GET", "/api/v1/notices", as_="officer")).body["notices"]
    (notice,) = [n for n in notices if n["kind"] == "lapse"]
    assert notice["member_id"] == member_id
    assert "standing order 9.4" in notice["body"] and "Renew my membership" in notice["body"]
    passed = await group.call("POST", f"/api/v1/notices/{notice['id']}/passed-on",
                              as_="officer")
    assert passed.status == 200


async def _audit_rows(group) -> int:
    async with group.node.db.execute("SELECT COUNT(*) FROM audit") as cursor:
        (n,) = await cursor.fetchone()
    return n


async def test_the_evening_before_a_vote_an_officer_cannot_lapse_a_member(group):
    mo, node = group.ids["member"], group.node
    status = f"/api/v1/members/{mo}/status"
    lapse = {"status": "lapsed", "reason": "dues unpaid"}

    whim = await group.call("POST", status, as_="officer", json=lapse)
    assert whim.status == 422 and whim.code() == "due_process_required"
    assert "standing order 9.3" in whim.body["error"]["reason"]
    assert "due-process case (standing order 7)" in whim.body["error"]["reason"]

    await _in_arrears_with_notice_sent(group, mo)
    me = await group.call("GET", "/api/v1/me", as_="member")
    assert me.body["lapse_notice"]["dues_paid_until"] == "2016-01-31"
    own_page = await group.call("GET", "/me", as_="member")
    assert "Renew my membership" in own_page.body and "31 January 2016" in own_page.body
    clock.advance(node, 14 * DAY_MS)
    # a general meeting is called for next week, with a vote on its agenda
    starts = clock.now(node) + 8 * DAY_MS
    called = await group.call("POST", "/api/v1/meetings", json={
        "kind": "general", "starts_at": datetime.fromtimestamp(starts / 1000, UTC).isoformat(),
        "place": "Walworth Methodist Church", "agenda": ["Vote on the campaign"]})
    assert called.status == 201, called.body

    clock.advance(node, 8 * DAY_MS - 5 * HOUR_MS)  # the evening before
    audit_before = await _audit_rows(group)
    refused = await group.call("POST", status, as_="officer", json=lapse)
    assert refused.status == 422 and refused.code() == "meeting_pending", refused.body
    reason = refused.body["error"]["reason"]
    assert "standing order 9.4" in reason and "general meeting" in reason
    assert "due-process case" in reason
    record = await group.call("GET", f"/api/v1/members/{mo}", as_="officer")
    assert record.body["status"] == "active" and len(record.body["history"]) == 1
    assert record.body["lapse"]["refusal"]["code"] == "meeting_pending"
    assert await _audit_rows(group) == audit_before

    clock.advance(node, DAY_MS + 5 * HOUR_MS)  # the meeting has been held
    after = await group.call("POST", status, as_="officer", json=lapse)
    assert after.status == 200 and after.body["status"] == "lapsed"


async def test_a_lapse_after_notice_and_grace_takes_effect_and_the_members_renewal_reverses_it(
        group):
    mo = group.ids["member"]
    lapsed = await lapse_by_the_rules(group, mo)
    assert lapsed.body["status"] == "lapsed"
    assert lapsed.body["lapse_notice"] is None
    assert (await group.call("GET", "/api/v1/me", as_="member")).body["status"] == "lapsed"

    renewed = await group.call("POST", "/api/v1/me/renewal", as_="member",
                               json={"note": "paying by standing order"})
    assert renewed.status == 200, renewed.body
    assert renewed.body["status"] == "active"
    assert [(h["status"], h["decided_by"]) for h in renewed.body["history"]][-2:] == [
        ("lapsed", group.ids["officer"]), ("active", mo)]
    assert renewed.body["dues"][-1]["renewal"] is True
    rows = (await group.call("GET", f"/api/v1/audit?subject=member:{mo}")).body["rows"]
    assert (rows[0]["action"], rows[0]["actor"]) == ("member.renewal", f"member:{mo}")
    # the operator is nobody in the group: it records payments, it does not renew for anyone
    operator = await group.call("POST", "/api/v1/me/renewal", json={})
    assert operator.status == 404 and operator.code() == "not_a_member"


async def test_a_payment_recorded_withdraws_an_unsent_notice_and_reinstates_a_lapsed_member(
        group):
    mo = group.ids["member"]
    await group.call("POST", f"/api/v1/members/{mo}/dues", as_="officer",
                     json={"paid_until": "2016-01-31"})
    given = await group.call("POST", f"/api/v1/members/{mo}/lapse-notice", as_="officer")
    assert given.body["lapse"]["notice_sent_at"] is None
    paid = await group.call("POST", f"/api/v1/members/{mo}/dues", as_="officer",
                            json={"paid_until": "2099-12-31", "note": "paid in full"})
    assert paid.status == 200 and paid.body["lapse_notice"] is None
    waiting = (await group.call("GET", "/api/v1/notices", as_="officer")).body["notices"]
    assert not [n for n in waiting if n["kind"] == "lapse"]

    other = await group.add("Lee Lapsed", "lee@example.org")
    await lapse_by_the_rules(group, other)
    back = await group.call("POST", f"/api/v1/members/{other}/dues", as_="officer",
                            json={"paid_until": "2099-12-31"})
    assert back.body["status"] == "active"
    assert back.body["history"][-1]["reason"] == "dues paid until 2099-12-31"


async def test_the_member_page_shows_why_a_lapse_is_refused(group):
    mo = group.ids["member"]
    auth = {"Authorization": f"Bearer {group.tokens['admin']}"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(f"{group.url}/members/{mo}", headers=auth) as response:
            page = await response.text()
        assert "Dues and lapsing" in page and "no dues recorded" in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        async with browser.post(f"{group.url}/members/{mo}/status", headers=auth, data={
                "csrf": csrf, "status": "lapsed", "reason": "dues unpaid"}) as response:
            assert response.status == 422
            refused = await response.text()
    # the page gives the sentence (the code stays in the API), and offers no lapse
    assert "Refused:" in refused and "(due_process_required)" not in refused
    assert '<option value="lapsed"' not in page
    assert "standing order 9.3" in refused and "due-process case (standing order 7)" in refused
    record = await group.call("GET", f"/api/v1/members/{mo}")
    assert record.body["status"] == "active"


async def test_the_command_line_gives_notice_and_refuses_a_lapse_the_rule_does_not_allow(
        group):
    mo, directory = group.ids["member"], str(group.node.directory)
    refused = await asyncio.to_thread(cli, "member", "lapse", directory, mo, "--reason", "x")
    assert refused.returncode == 2
    assert "error: due_process_required: standing order 9.3" in refused.stderr
    dues = await asyncio.to_thread(cli, "member", "dues", directory, mo,
                                   "--paid-until", "2016-01-31")
    assert dues.returncode == 0, dues.stderr
    notice = await asyncio.to_thread(cli, "member", "lapse-notice", directory, mo)
    assert notice.returncode == 0, notice.stderr
    assert "waiting to be passed on" in notice.stdout
    early = await asyncio.to_thread(cli, "member", "lapse", directory, mo, "--reason", "x")
    assert early.returncode == 2 and "lapse_notice_required" in early.stderr
