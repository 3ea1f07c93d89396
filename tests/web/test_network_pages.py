"""The network from the browser: sharing a motion on one node, adopting it on another."""

from __future__ import annotations

from tests.conftest import eventually
from tests.web.conftest import follow_nav, screenshot, sign_in, sign_in_as_operator


async def test_a_second_groups_secretary_sees_a_motion_shared_by_the_first_and_adopts_it(
        two_sites, browser):
    southwark, havering = two_sites
    await southwark.member("Sam Secretary", "secretary")
    await havering.member("Hal Secretary", "secretary")

    first = await (await browser.new_context()).new_page()
    await sign_in(first, southwark, "Sam Secretary")
    await follow_nav(first, "Network motions")
    await first.get_by_role("link", name="Share a motion").click()
    await first.get_by_label("Title").fill("Restore the elected committees")
    await first.get_by_label("Text", exact=True).fill(
        "This group calls for the elected committees dissolved by email to be restored.")
    await first.get_by_label("Topics").fill("democracy, constitution")
    await first.get_by_label("Meeting that adopted it").fill("General meeting, 14 February")
    await first.get_by_label("Date").fill("2017-02-14")
    await first.get_by_label("For", exact=True).fill("17")
    await first.get_by_label("Against", exact=True).fill("10")
    await first.get_by_label("Abstentions").fill("1")
    await first.get_by_label("Attendance").fill("28")
    await first.get_by_role("button", name="Share motion").click()
    motion_path = first.url.removeprefix(southwark.url)
    assert motion_path.startswith("/network/motions/")

    await eventually(lambda: motion_path.rsplit("/", 1)[1]
                     in havering.node.state.motions.motions, what="the motion to reach Havering")
    second = await (await browser.new_context()).new_page()
    await sign_in(second, havering, "Hal Secretary")
    await follow_nav(second, "Network motions")
    await second.get_by_role("link", name="Restore the elected committees").click()
    assert "Shared by Southwark" in await second.locator("main").inner_text()
    await second.get_by_label("Meeting that adopted it").fill("Havering general meeting")
    await second.get_by_label("Date").fill("2017-02-20")
    await second.get_by_label("For", exact=True).fill("12")
    await second.get_by_label("Against", exact=True).fill("0")
    await second.get_by_label("Abstentions").fill("2")
    await second.get_by_label("Attendance").fill("14")
    await second.get_by_role("button", name="Endorse").click()
    endorsements = await second.locator("#endorsements").inner_text()
    assert "Havering" in endorsements and "Havering general meeting" in endorsements
    await screenshot(second, "network-motion")

    # The first group sees the endorsement too, with the tallies added up.
    async def endorsed_at_southwark() -> bool:
        await first.goto(southwark.url + motion_path)
        return "Endorsements (1)" in await first.locator("#endorsements").inner_text()

    await eventually(endorsed_at_southwark, what="Southwark to see Havering's endorsement")
    await first.goto(southwark.url + "/network/motions")
    await screenshot(first, "network-feed")


async def test_a_shared_motion_counting_more_votes_than_people_present_is_refused_beside_the_count(
        two_sites, page):
    southwark, havering = two_sites
    await southwark.member("Sam Secretary", "secretary")
    await sign_in_as_operator(page, havering)
    await page.goto(havering.url + "/network/motions/new")
    await page.get_by_label("Title").fill("Fund the hardship fund")
    await page.get_by_label("Text", exact=True).fill("We fund it.")
    await page.get_by_label("Meeting that adopted it").fill("Committee")
    await page.get_by_label("Date").fill("2017-02-14")
    await page.get_by_label("For", exact=True).fill("30")
    await page.get_by_label("Against", exact=True).fill("0")
    await page.get_by_label("Abstentions").fill("0")
    await page.get_by_label("Attendance").fill("5")
    await page.get_by_role("button", name="Share motion").click()
    assert page.url.endswith("/network/motions/new")
    refusal = await page.locator("#problem-share-attendance").inner_text()
    assert "SM8" in refusal and "counts 30 votes" in refusal
    assert await page.get_by_label("Title").input_value() == "Fund the hardship fund"


async def test_the_operator_sees_node_health_and_the_directory(two_sites, page):
    southwark, havering = two_sites
    await sign_in_as_operator(page, southwark)
    health = await page.locator("#health").inner_text()
    assert "Peers reachable" in health and "Forks detected" in health
    await follow_nav(page, "Directory")
    assert "Havering" in await page.locator("table").inner_text()
    await page.goto(southwark.url + "/profile")
    await page.get_by_label("Area").fill("Southwark and Bermondsey")
    await page.get_by_label("When and where the group meets").fill("Second Tuesday, 7pm")
    await page.get_by_role("button", name="Publish profile").click()
    assert "Published" in await page.locator("[role=status]").inner_text()
    await eventually(lambda: havering.node.state.profiles.get(southwark.node.id) is not None,
                     what="the profile to reach Havering")
    await page.goto(southwark.url + "/directory")
    await screenshot(page, "directory")
    await page.goto(southwark.url + "/")
    await screenshot(page, "dashboard")
