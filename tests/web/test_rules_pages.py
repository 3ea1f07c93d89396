"""The standing orders from the browser: shown to members, changed only by a rule change."""

from __future__ import annotations

from groupnet import clock
from groupnet.procedure.group.standing_orders import DAY_MS
from tests.web.conftest import follow_nav, sign_in
from tests.web.test_group_business import local_input


async def test_members_read_the_standing_orders_and_a_short_notice_rule_change_is_refused(
        site, page):
    await site.member("Sam Secretary", "secretary")
    for name in ("Ann Able", "Cat Cole"):
        await site.member(name)
    await sign_in(page, site, "Sam Secretary")

    await follow_nav(page, "Standing orders")
    table = await page.locator("main table").inner_text()
    assert "notice" in table and "5.1" in table

    # A general meeting eight days ahead: enough notice for a motion, not for a rule change.
    await page.goto(site.url + "/meetings/new")
    await page.get_by_label("Starts at (UTC time)").fill(
        local_input(clock.now(site.node) + 8 * DAY_MS))
    await page.get_by_label("Place").fill("Bermondsey Village Hall")
    await page.get_by_label("Agenda").fill("Rule changes")
    await page.get_by_role("button", name="Call meeting and send notice").click()

    await page.get_by_text("Submit a motion").click()
    await page.get_by_label("Title").fill("Shorter notice for motions")
    await page.get_by_label("Text", exact=True).fill("Motions need only three days' notice.")
    await page.get_by_label("Proposer").fill("Ann Able")
    await page.get_by_label("Seconder").fill("cat.cole@example.org")
    await page.locator("summary", has_text="standing orders").click()
    await page.get_by_label("This motion is", exact=True).select_option("rule_change")
    await page.get_by_label("The standing orders it changes, one a line").fill(
        "motion_notice_days = 3")
    await page.get_by_role("button", name="Submit motion").click()
    refusal = await page.locator(".refusal").first.inner_text()
    assert "notice" in refusal and "28" in refusal
    # nothing changed: the input is kept, and the orders are as they were
    assert await page.get_by_label("The standing orders it changes, one a line").input_value() \
        == "motion_notice_days = 3"
    await page.goto(site.url + "/rules")
    assert "7 days" in await page.locator("main table").inner_text()
