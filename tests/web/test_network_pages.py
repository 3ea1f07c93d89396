"""The network from the browser: sharing a motion on one node, adopting it on another."""

from __future__ import annotations

from groupnet.web.pages.frame import _sentence
from tests.conftest import eventually
from tests.web.conftest import follow_nav, screenshot, sign_in, sign_in_as_operator


async def test_a_draft_shared_by_one_group_is_co_sponsored_by_another_with_a_confirmation(
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
    await first.get_by_role("button", name="Share as a draft").click()
    motion_path = first.url.removeprefix(southwark.url)
    assert motion_path.startswith("/network/motions/")

    await eventually(lambda: motion_path.rsplit("/", 1)[1]
                     in havering.node.state.motions.motions, what="the motion to reach Havering")
    second = await (await browser.new_context()).new_page()
    await sign_in(second, havering, "Hal Secretary")
    await follow_nav(second, "Network motions")
    await second.get_by_role("link", name="Restore the elected committees").click()
    assert "Shared by Southwark" in await second.locator("main").inner_text()
    # with no meeting of Havering's coming up, adopting it waits for one
    assert "Call a meeting" in await second.locator("#adopt").inner_text()
    await second.get_by_role("button", name="Co-sponsor version 1").click()
    assert "Havering co-sponsors version 1" in await second.locator("[role=status]").inner_text()
    assert await second.get_by_role("button", name="Co-sponsor version 1").count() == 0
    assert "1 co-sponsor" in await second.locator("#cosponsors-heading").inner_text()

    # The first group sees the co-sponsor too.
    async def cosponsored_at_southwark() -> bool:
        await first.goto(southwark.url + motion_path)
        return "1 co-sponsor" in await first.locator("#cosponsors-heading").inner_text()

    await eventually(cosponsored_at_southwark, what="Southwark to see Havering's co-sponsor")
    await first.goto(southwark.url + "/network/motions")
    await screenshot(first, "network-feed")


def test_a_refusal_citing_a_network_rule_reads_as_a_sentence_without_its_code():
    assert _sentence("SM8: the tally counts 30 votes but 5 were present") == \
        "The tally counts 30 votes but 5 were present (the network's shared-motion rule SM8)."
    assert _sentence("standing order 4.1: more than half") == "Standing order 4.1: more than half."


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
