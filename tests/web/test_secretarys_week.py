"""A secretary's week in the browser, across two groups, with no mail server and no
retyping: import the branch from another system's export, call a meeting in the group's
own time zone, pass on its notices at once, run it, carry a motion, share it; another group
adopts it onto its own meeting, carries it, and the endorsement goes out with that
meeting's real count."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from groupnet import clock
from tests.conftest import eventually
from tests.web.conftest import follow_nav, screenshot, sign_in

BRANCH = ("Ann Able", "Ben Baker", "Cat Cole", "Dan Dee", "Eve East")

# As another membership system exports its people: its own column names, first and last
# names apart, dates day first.
EXPORT = (
    "First Name,Last Name,Email,Phone,Postcode,Joined\r\n"
    + "".join(f"{first},{last},{first.lower()}.{last.lower()}@example.org,020 7946 00{i}{i},"
              f"SE1 {i}AA,{i + 10:02d}/0{i + 1}/2019\r\n"
              for i, (first, last) in enumerate(name.split() for name in BRANCH))
)


async def import_the_branch(page, site, folder) -> None:
    """The branch arrives from the export: previewed, its columns guessed, imported."""
    export = folder / "branch-export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    await follow_nav(page, "Member register")
    await page.goto(site.url + "/members/import")
    await page.get_by_label("CSV file").set_input_files(str(export))
    await page.get_by_role("button", name="Show what would be imported").click()
    shown = await page.locator("main").inner_text()
    assert "Dates are read as day/month/year" in shown
    assert f"{len(BRANCH)} of {len(BRANCH)} rows would be imported" in shown
    await page.get_by_role("button", name=f"Import {len(BRANCH)} members").click()
    assert f"Imported {len(BRANCH)} members." in await page.locator("main").inner_text()


async def call_meeting_and_pass_on_its_notices(page, site, agenda: str) -> tuple[str, int]:
    """Call a general meeting eight days ahead, at 7pm in the node's time zone, and pass on
    all its notices at once; the meeting's address and when it starts (ms)."""
    await follow_nav(page, "Meetings")
    await page.get_by_role("link", name="Call a meeting").click()
    zone = ZoneInfo(site.node.config.time_zone)
    day = datetime.fromtimestamp(clock.now(site.node) / 1000 + 8 * 86400, zone)
    await page.get_by_label(f"Starts at ({site.node.config.time_zone} time)").fill(
        day.strftime("%Y-%m-%dT19:00"))
    await page.get_by_label("Place").fill("Village Hall")
    await page.get_by_label("Agenda").fill(agenda)
    await page.get_by_role("button", name="Call meeting and send notice").click()
    meeting_url = page.url.split("?")[0]
    starts = day.replace(hour=19, minute=0)
    assert f"{starts.day} {starts:%B %Y}, 19:00 {starts.tzname()}" in \
        await page.locator("main").inner_text()
    assert "cannot take binding decisions" in await page.locator("#notice-problem").inner_text()
    await page.get_by_role("link", name="Pass them on").click()
    listing = await page.locator("main table").inner_text()
    assert all(name in listing for name in BRANCH)
    async with page.expect_download() as download:
        await page.get_by_role("link", name="download the mail-merge file").click()
    saved = await (await download.value).path()
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert {r["name"] for r in rows} >= set(BRANCH) and rows[0]["body"].startswith("Notice of")
    await page.get_by_role("button", name=f"I have passed on all {len(rows)}").click()
    assert "notice counts from now" in await page.locator("[role=status]").inner_text()
    assert await page.locator("#notice-problem").count() == 0
    return meeting_url, int(starts.timestamp() * 1000)


async def hold_the_meeting_and_carry(page, site, meeting: tuple[str, int],
                                     motion_url: str) -> None:
    """A minute after the meeting starts: attendance ticked, the motion carried 4-0 with one
    abstention."""
    meeting_url, starts = meeting
    clock.advance(site.node, starts + 60_000 - clock.now(site.node))
    await page.goto(meeting_url)
    for name in BRANCH:
        await page.get_by_label(name).check()
    await page.get_by_role("button", name="Record attendance").click()
    assert await page.locator("#quorum").inner_text() == "Quorate"
    await page.goto(motion_url)
    await page.get_by_label("For", exact=True).fill("4")
    await page.get_by_label("Against", exact=True).fill("0")
    await page.get_by_label("Abstentions").fill("1")
    await page.get_by_role("button", name="Record the vote").click()
    assert await page.locator("#result").inner_text() == "Carried"


async def test_a_secretarys_week_from_an_imported_export_to_another_groups_endorsement(
        two_sites, browser, tmp_path):
    southwark, havering = two_sites
    # two groups in two time zones: London's meeting at 7pm GMT, Berlin's at 7pm CET
    southwark.node.config.time_zone = "Europe/London"
    havering.node.config.time_zone = "Europe/Berlin"
    for site, secretary in ((southwark, "Sam Secretary"), (havering, "Hal Secretary")):
        await site.member(secretary, "secretary")
    for name in BRANCH:
        await havering.member(name, password=None)

    # Southwark: the branch imported from its old system's export, the call in local
    # time, its notices passed on at once, the motion by name.
    sam = await (await browser.new_context()).new_page()
    await sign_in(sam, southwark, "Sam Secretary")
    await import_the_branch(sam, southwark, tmp_path)
    meeting = await call_meeting_and_pass_on_its_notices(sam, southwark, "Motions\nAOB")
    await screenshot(sam, "meeting-called")
    await sam.get_by_text("Submit a motion").click()
    await sam.get_by_label("Title").fill("Restore the elected committees")
    await sam.get_by_label("Text", exact=True).fill(
        "This group calls for the elected committees dissolved by email to be restored.")
    await sam.get_by_label("Proposer").fill("Ann Able")
    await sam.get_by_label("Seconder").fill("Ben Baker")
    await sam.get_by_role("button", name="Submit motion").click()
    motion_url = sam.url
    await hold_the_meeting_and_carry(sam, southwark, meeting, motion_url)
    await sam.goto(meeting[0])
    await screenshot(sam, "meeting-held")

    # Shared from its own page: the decision and count go with it, nobody retypes them.
    await sam.goto(motion_url)
    await sam.get_by_label("Topics (optional)").fill("democracy")
    await sam.get_by_role("button", name="Share with the network").click()
    assert "Shared" in await sam.locator("[role=status]").inner_text()
    await screenshot(sam, "motion-shared")
    await sam.locator("#network a").click()
    shared_path = sam.url.removeprefix(southwark.url)
    assert "4 for, 0 against, 1 abstaining, 5 present" in await sam.locator("main").inner_text()
    shared_id = shared_path.rsplit("/", 1)[1]
    await eventually(lambda: shared_id in havering.node.state.motions.motions,
                     what="the motion to reach Havering")

    # Havering: a meeting of its own, the motion adopted onto it, carried there.
    hal = await (await browser.new_context()).new_page()
    await sign_in(hal, havering, "Hal Secretary")
    havering_meeting = await call_meeting_and_pass_on_its_notices(hal, havering, "Motions")
    await follow_nav(hal, "Network motions")
    await hal.get_by_role("link", name="Restore the elected committees").click()
    await hal.get_by_label("Proposer").fill("Cat Cole")
    await hal.get_by_label("Seconder").fill("Dan Dee")
    await hal.keyboard.press("Tab")  # past the field's list of names
    await screenshot(hal, "network-motion")
    await hal.get_by_role("button", name="Put it to the meeting").click()
    await hal.wait_for_url("**/motions/*?adopted=1")
    assert "Adopted" in await hal.locator("[role=status]").inner_text()
    adopted_url = hal.url.split("?")[0]
    await hold_the_meeting_and_carry(hal, havering, havering_meeting, adopted_url)
    assert "endorsed it there with this meeting's count" in \
        await hal.locator("#network").inner_text()

    # The endorsement carries Havering's real count, and Southwark sees it.
    async def endorsed_at_southwark() -> bool:
        await sam.goto(southwark.url + shared_path)
        return "1 endorsement" in await sam.locator("#endorsements-heading").inner_text()

    await eventually(endorsed_at_southwark, what="Southwark to see Havering's endorsement")
    row = await sam.locator("#endorsements tbody tr").inner_text()
    assert "Havering" in row and "General meeting" in row
    assert [cell.strip() for cell in row.split("\t")[-4:]] == ["4", "0", "1", "5"]
    await screenshot(sam, "network-endorsed")
