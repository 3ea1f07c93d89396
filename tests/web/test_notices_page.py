"""A node without a mail server: its notices wait on a page until an officer passes them on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.web.conftest import follow_nav, sign_in_as_operator


async def test_meeting_notices_wait_until_passed_on_by_hand_and_then_count(two_sites, page):
    southwark, _ = two_sites
    await southwark.member("Ann Able", password=None)
    await sign_in_as_operator(page, southwark)
    await page.goto(southwark.url + "/meetings/new")
    starts = datetime.now(UTC) + timedelta(days=10)
    await page.get_by_label("Starts at (UTC time)").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("Place").fill("Library")
    await page.get_by_label("Agenda").fill("Motions")
    await page.get_by_role("button", name="Call meeting and send notice").click()
    meeting_url = page.url.split("?")[0]
    assert "still wait to be sent" in await page.locator("main").inner_text()

    await follow_nav(page, "Notices to pass on")
    notice = page.locator("article").filter(has_text="Ann Able")
    await notice.get_by_role("button", name="I passed it on").click()
    assert "Every notice has been sent" in await page.locator("main").inner_text()
    await page.goto(meeting_url)
    assert "sent" in await page.locator("dl.facts").inner_text()
    assert await page.locator("#notice-problem").count() == 0
