"""A group's business from the browser: the register, a meeting, a motion, an amendment, a vote."""

from __future__ import annotations

from datetime import UTC, datetime

from groupnet import clock
from groupnet.procedure.group.standing_orders import DAY_MS
from tests.web.conftest import follow_nav, screenshot, sign_in

CSV_WITH_A_BAD_ROW = """name,email,joined,area
Ann Able,ann@example.org,2015-03-01,Bermondsey
Ben Baker,not-an-email,2016-04-02,Peckham
Cat Cole,cat@example.org,2016-05-03,Walworth
Dan Dee,dan@example.org,2016-06-04,Rotherhithe
Eve East,eve@example.org,2016-07-05,Borough
Fay Ford,fay@example.org,2017-01-06,Bermondsey
"""


def local_input(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M")


async def test_a_secretary_imports_members_calls_a_meeting_and_records_a_motion_amended_and_carried(
        site, page):
    await site.member("Sam Secretary", "secretary")
    await sign_in(page, site, "Sam Secretary")

    # The register: pasted rows are previewed, the bad one named, and the rest imported.
    await follow_nav(page, "Member register")
    await page.get_by_role("link", name="Import from CSV").click()
    await page.get_by_label("…or paste the rows").fill(CSV_WITH_A_BAD_ROW)
    await page.get_by_role("button", name="Show what would be imported").click()
    refused = page.locator("table", has=page.get_by_role("columnheader", name="Why"))
    assert await refused.locator("tbody tr").all_inner_texts() == [
        "3\temail 'not-an-email' is not an email address"]
    await page.get_by_role("button", name="Import 5 members, leaving out 1 row").click()
    assert "Imported 5 members" in await page.locator("[role=status]").inner_text()
    await page.goto(site.url + "/members")
    assert "6 members" in await page.locator("main").inner_text()
    await screenshot(page, "members")

    # Call a general meeting eight days ahead: the notice goes out at once.
    await page.goto(site.url + "/meetings/new")
    starts = clock.now(site.node) + 8 * DAY_MS
    await page.get_by_label("Starts at (UTC time)").fill(local_input(starts))
    await page.get_by_label("Place").fill("Bermondsey Village Hall")
    await page.get_by_label("Agenda").fill("Apologies\nMotions\nAny other business")
    await page.get_by_role("button", name="Call meeting and send notice").click()
    assert "Called." in await page.locator("[role=status]").inner_text()
    meeting_url = page.url.split("?")[0]

    # A motion, proposed and seconded by members chosen by name (or named by email).
    await page.get_by_text("Submit a motion").click()
    await page.get_by_label("Title").fill("Support the bin workers")
    await page.get_by_label("Text", exact=True).fill(
        "This branch supports the bin workers' strike.")
    await page.get_by_label("Proposer").fill("Ann Able")
    await page.get_by_label("Seconder").fill("cat@example.org")
    await page.get_by_role("button", name="Submit motion").click()
    motion_url = page.url

    # Eight days pass; at the meeting, attendance is ticked and quorum shown.
    clock.advance(site.node, 8 * DAY_MS + 60_000)
    await page.goto(meeting_url)
    for name in ("Ann Able", "Cat Cole", "Dan Dee", "Eve East", "Fay Ford"):
        await page.get_by_label(name).check()
    await page.get_by_role("button", name="Record attendance").click()
    assert await page.locator("#quorum").inner_text() == "Quorate"
    await page.locator("summary", has_text="Record a minute").click()
    await page.get_by_label("Minute", exact=True).fill("Apologies were received from Ben Baker.")
    await page.get_by_role("button", name="Record minute").click()
    assert "Apologies were received" in await page.locator("#minutes").inner_text()
    await screenshot(page, "meeting")

    # An amendment, shown as a diff, carried on a show of hands; then the motion.
    await page.goto(motion_url)
    await page.get_by_label("The whole text as amended").fill(
        "This branch supports the bin workers' strike and will collect for it.")
    await page.get_by_label("Mover").fill("Dan Dee")
    await page.get_by_label("Seconder").fill("eve@example.org")
    await page.get_by_role("button", name="Move amendment").click()
    assert "and will collect for it." in await page.locator(".diff ins").first.inner_text()
    await page.get_by_label("Question").select_option("1")
    await page.get_by_label("For", exact=True).fill("4")
    await page.get_by_label("Against", exact=True).fill("1")
    await page.get_by_label("Abstentions").fill("0")
    await page.get_by_role("button", name="Record the vote").click()
    assert "carried" in await page.locator("#amendments").inner_text()
    await page.get_by_label("Question").select_option("motion")
    await page.get_by_label("For", exact=True).fill("5")
    await page.get_by_label("Against", exact=True).fill("0")
    await page.get_by_label("Abstentions").fill("0")
    await page.get_by_role("button", name="Record the vote").click()
    assert await page.locator("#result").inner_text() == "Carried"
    assert "Standing order 4.1" in await page.locator("#outcome").inner_text()
    assert "will collect for it" in await page.locator(".motion-text").inner_text()
    await screenshot(page, "motion")

    # Printed, a motion and a meeting's minutes leave out navigation and forms.
    await page.emulate_media(media="print")
    assert not await page.get_by_role("navigation", name="Main").is_visible()
    assert await page.locator(".motion-text").is_visible()
    await page.goto(meeting_url)
    assert await page.locator("#minutes").is_visible()
    assert await page.locator("main form").count() > 0
    for form in await page.locator("main form").all():
        assert await form.is_hidden()
