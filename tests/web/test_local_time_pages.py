"""Times on the pages are the group's local time, in the node's time zone, with its name."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.business.conftest import body_of
from tests.web.conftest import email_of, sign_in


async def _call(page, site, local: str) -> str:
    """Call a general meeting for `local` (as typed in the form); the page's text after."""
    await page.goto(site.url + "/meetings/new")
    zone = site.node.config.time_zone
    await page.get_by_label(f"Starts at ({zone} time)").fill(local)
    await page.get_by_label("Place").fill("Bermondsey Village Hall")
    await page.get_by_label("Agenda").fill("Motions")
    await page.get_by_role("button", name="Call meeting and send notice").click()
    return await page.locator("main").inner_text()


async def _starts(site) -> list[datetime]:
    listing = await site.api("GET", "/api/v1/meetings")
    return [datetime.fromtimestamp(m["starts_at_ms"] / 1000, UTC) for m in listing["meetings"]]


async def test_a_london_meeting_at_7pm_is_stored_at_6pm_utc_in_summer_and_7pm_in_winter(
        site, page):
    site.node.config.time_zone = "Europe/London"
    await site.member("Sam Secretary", "secretary")
    await site.member("Ann Able")
    await sign_in(page, site, "Sam Secretary")

    summer = await _call(page, site, "2030-07-10T19:00")
    assert "10 July 2030, 19:00 BST" in summer
    winter = await _call(page, site, "2030-01-15T19:00")
    assert "15 January 2030, 19:00 GMT" in winter

    assert sorted(await _starts(site)) == [datetime(2030, 1, 15, 19, 0, tzinfo=UTC),
                                           datetime(2030, 7, 10, 18, 0, tzinfo=UTC)]
    await page.goto(site.url + "/meetings")
    listing = await page.locator("main").inner_text()
    assert "10 July 2030, 19:00 BST" in listing and "15 January 2030, 19:00 GMT" in listing
    notice = body_of(site.mailbox.to(email_of("Ann Able"))[-1])
    assert "When: Tuesday 15 January 2030, 19:00 GMT" in notice


async def test_new_york_times_keep_the_clock_time_across_the_change_to_daylight_saving(
        site, page):
    site.node.config.time_zone = "America/New_York"
    await site.member("Sam Secretary", "secretary")
    await sign_in(page, site, "Sam Secretary")
    # the clocks go forward at 2am on Sunday 10 March 2030
    before = await _call(page, site, "2030-03-09T19:00")
    assert "9 March 2030, 19:00 EST" in before
    after = await _call(page, site, "2030-03-11T19:00")
    assert "11 March 2030, 19:00 EDT" in after
    assert sorted(await _starts(site)) == [datetime(2030, 3, 10, 0, 0, tzinfo=UTC),
                                           datetime(2030, 3, 11, 23, 0, tzinfo=UTC)]


async def test_a_time_the_clocks_skip_is_refused_and_nothing_is_called(site, page):
    site.node.config.time_zone = "Europe/London"
    await site.member("Sam Secretary", "secretary")
    await sign_in(page, site, "Sam Secretary")
    refused = await _call(page, site, "2030-03-31T01:30")
    assert ("31 March 2030 at 01:30 does not exist in Europe/London: that night the clocks "
            "go forward 1 hour, from GMT to BST") in refused
    field = page.get_by_label("Starts at (Europe/London time)")
    assert await field.get_attribute("aria-invalid") == "true"
    assert await field.input_value() == "2030-03-31T01:30"
    assert await _starts(site) == []
