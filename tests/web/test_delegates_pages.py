"""Delegates from the browser: a mandate carried, an election counted, the credential published."""

from __future__ import annotations

from groupnet import clock
from groupnet.procedure.group.standing_orders import DAY_MS
from tests.web.conftest import follow_nav, screenshot, sign_in
from tests.web.test_group_business import local_input


async def test_a_group_elects_a_mandated_delegate_and_publishes_the_credential(site, browser):
    await site.member("Sam Secretary", "secretary")
    for name in ("Ann Able", "Ben Baker", "Cat Cole", "Dan Dee"):
        await site.member(name)
    secretary = await (await browser.new_context()).new_page()
    await sign_in(secretary, site, "Sam Secretary")
    await secretary.goto(site.url + "/meetings/new")
    await secretary.get_by_label("Starts at (UTC time)").fill(
        local_input(clock.now(site.node) + 8 * DAY_MS))
    await secretary.get_by_label("Place").fill("Village Hall")
    await secretary.get_by_label("Agenda").fill("Conference delegates")
    await secretary.get_by_role("button", name="Call meeting and send notice").click()
    meeting_url = secretary.url.split("?")[0]
    await secretary.get_by_text("Submit a motion").click()
    await secretary.get_by_label("Title").fill("Oppose the imposed constitution")
    await secretary.get_by_label("Text", exact=True).fill("Our delegates oppose motion 1.")
    await secretary.get_by_label("Proposer").fill("Ann Able")
    await secretary.get_by_label("Seconder").fill("Ben Baker")
    await secretary.get_by_text("A mandate for the group's delegates").click()
    await secretary.get_by_label("Conference", exact=True).fill("Founding conference")
    await secretary.get_by_label("Conference motion").fill("Motion 1: adopt the constitution")
    await secretary.get_by_label("If this motion is carried, the delegates").select_option(
        "oppose")
    await secretary.get_by_role("button", name="Submit motion").click()
    motion_url = secretary.url

    clock.advance(site.node, 8 * DAY_MS + 60_000)
    await secretary.goto(meeting_url)
    for name in ("Ann Able", "Ben Baker", "Cat Cole", "Dan Dee", "Sam Secretary"):
        await secretary.get_by_label(name).check()
    await secretary.get_by_role("button", name="Record attendance").click()
    await secretary.goto(motion_url)
    await secretary.get_by_role("spinbutton", name="For").fill("5")
    await secretary.get_by_role("spinbutton", name="Against").fill("0")
    await secretary.get_by_label("Abstentions").fill("0")
    await secretary.get_by_role("button", name="Record the vote").click()
    assert await secretary.locator("#result").inner_text() == "Carried"

    await follow_nav(secretary, "Delegates")
    await secretary.get_by_label("Conference").fill("Founding conference")
    await secretary.get_by_label("Delegates to elect").fill("1")
    await secretary.get_by_role("button", name="Open election").click()
    election_url = secretary.url
    await secretary.get_by_label("Member (email or member id)").fill("ann.able@example.org")
    await secretary.get_by_label("Name the network will see").fill("Ann A.")
    await secretary.get_by_label("Nominated by (email or id)").fill("cat.cole@example.org")
    await secretary.get_by_role("button", name="Nominate").click()

    ann = await (await browser.new_context()).new_page()
    await sign_in(ann, site, "Ann Able")
    await ann.goto(election_url)
    await ann.get_by_role("button", name="Accept nomination").click()
    await ann.get_by_label("Ann A.").check()
    await ann.get_by_role("button", name="Cast ballot").click()
    assert "1 ballot(s) cast" in await ann.locator("main").inner_text()

    await secretary.goto(election_url)
    await secretary.get_by_role("button", name="Count the ballots").click()
    assert "Ann A." in await secretary.locator("#result").inner_text()
    await secretary.get_by_role("button", name="Publish credential").click()
    credential = await secretary.locator("#credential").inner_text()
    assert "Ann A." in credential and "Motion 1: adopt the constitution" in credential
    assert "Oppose" in await secretary.locator("#mandates").inner_text()
    await screenshot(secretary, "delegates")
