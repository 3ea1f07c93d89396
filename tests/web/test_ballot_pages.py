"""Member ballots in the browser: the ballot page, "find my ballot", the trustees, the result.

A member enrols and votes on the page itself, at phone width: the page's script makes
the credential and the ballot in the browser and the node receives only the public
credential and the finished ballot. The network's time moves as in
tests/federation/test_ballot.py, whose scenario these tests join.
"""

from __future__ import annotations

import aiohttp

from groupnet import clock
from groupnet.network import ballots
from groupnet.procedure.network.ballots import Ballots
from tests.federation.test_ballot import HOUR, ballot_of_ten, keyed_ballot, until
from tests.web.conftest import (
    PHONE,
    Site,
    audit_as_shown,
    follow_nav,
    phone_page,
    screenshot,
    sign_in,
    sign_in_as_operator,
)

MAKE = "Make my voting credential on this device"


async def text_of(page, selector: str) -> str:
    return await page.locator(selector).inner_text()


async def shown_on_return(page, site: Site, member: str, ballot: str) -> None:
    """The member signs in again (sessions end while weeks pass) and opens the ballot."""
    await page.context.clear_cookies()
    await sign_in(page, site, member)
    await follow_nav(page, "Member ballots")
    await page.get_by_role("link", name="Ratification").click()
    await page.wait_for_url(f"{site.url}/ballots/{ballot}")


async def test_a_member_finds_their_ballot_and_reads_the_verified_result(
        cluster, browser, tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        services, ballot, receipt = await ballot_of_ten(cluster, http, tmp_path)
        site = Site(services[0], cluster.tokens[0], http)
        page = await (await browser.new_context()).new_page()
        await sign_in_as_operator(page, site)
        await follow_nav(page, "Member ballots")
        await page.get_by_role("link", name="Ratification").click()
        assert await page.get_by_role("heading", level=1).inner_text() == \
            "Ratification counted"
        await page.get_by_label("The tracker on your receipt").fill(receipt["tracker"])
        await page.get_by_role("button", name="Find it").click()
        status = await page.get_by_role("status").inner_text()
        assert f"seq {receipt['seq']}" in status and "The final cut counts it." in status
        await page.get_by_label("The tracker on your receipt").fill("0" * 64)
        await page.get_by_role("button", name="Find it").click()
        assert "holds no ballot with that tracker" in await page.get_by_role(
            "status").inner_text()

        await page.get_by_role("link", name="Results and verification").click()
        assert "every ballot, the totals and the decryptions verify" in \
            await page.locator("main").inner_text()
        rows = page.locator("main table tbody tr")
        assert [await rows.nth(i).inner_text() for i in range(3)] == \
            ["Yes\t9", "No\t7", "Abstain\t4"]

        await page.go_back()
        await page.get_by_role("link", name="Trustees").click()
        trustees = page.locator("main table tbody tr")
        assert await trustees.count() == 5
        assert "(this group)" in await trustees.nth(0).inner_text()


async def test_a_member_enrols_votes_twice_and_finds_the_counted_ballot_on_a_phone(
        cluster, browser, tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        page = await phone_page(browser)
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        receipts: list[str] = []

        async def enrol(services, ballot) -> None:
            site = Site(services[0], cluster.tokens[0], http)
            await site.member("Vic Voter")
            await shown_on_return(page, site, "Vic Voter", ballot)
            assert "use the command line" not in await text_of(page, "#ballot-vote")
            assert "same device and browser" in await text_of(page, "#ballot-vote")
            await page.get_by_role("button", name=MAKE).click()
            await page.get_by_text("Your credential is on the list").wait_for()
            assert not await page.get_by_role("button", name=MAKE).is_visible()
            await audit_as_shown(browser, page)
            await screenshot(page, "ballot-enrolled")
            kept = await page.evaluate("(id) => Object.keys(localStorage)", ballot)
            assert kept == [f"groupnet/ballot/credential/{ballot}"]
            public = await page.evaluate(
                "(id) => JSON.parse(localStorage.getItem('groupnet/ballot/credential/' + id))"
                ".public", ballot)
            listed = ballots.credential_status(services[0].node, ballot, public)
            assert listed["listed"] and listed["group"] == services[0].node.id

        async def vote(services, ballot) -> None:
            site = Site(services[0], cluster.tokens[0], http)
            await shown_on_return(page, site, "Vic Voter", ballot)
            assert not await page.locator("#receipt").is_visible()
            await page.get_by_role("radio", name="No").check()
            await page.get_by_role("button", name="Cast my ballot").click()
            await page.locator("#receipt").wait_for()
            first = await text_of(page, "#receipt-tracker")
            await audit_as_shown(browser, page)
            await screenshot(page, "ballot-receipt")
            held = services[0].node.state.rules(Ballots).tracker_place(
                services[0].node.state, ballot, first)
            assert held is not None
            assert await text_of(page, "#receipt-entry") == held.id
            assert await text_of(page, "#receipt-seq") == str(held.seq)
            assert await text_of(page, "#receipt-time")
            # the member changes their mind: the new ballot replaces the first, and its receipt
            await page.get_by_role("radio", name="Yes").check()
            await page.get_by_role("button", name="Cast my ballot").click()
            await page.wait_for_function(
                "(first) => document.getElementById('receipt-tracker').textContent !== first",
                arg=first)
            second = await text_of(page, "#receipt-tracker")
            receipts.extend([first, second])
            # on return the page shows the last receipt, and finds that ballot
            await page.reload()
            await page.locator("#receipt").wait_for()
            assert await text_of(page, "#receipt-tracker") == second
            assert await page.get_by_label("The tracker on your receipt").input_value() == second
            await page.get_by_role("button", name="Find it").click()
            found = page.get_by_role("status").filter(has_text="This node holds your ballot")
            assert "The count has not started yet." in await found.inner_text()

        services, ballot, _ = await ballot_of_ten(
            cluster, http, tmp_path, before_opening=enrol, while_open=vote,
            counts=[[10, 7, 4]])
        first, second = receipts
        assert first != second
        result = services[0].node.state.rules(Ballots).result(services[0].node.state, ballot)
        assert second in result.trackers and first not in result.trackers

        site = Site(services[0], cluster.tokens[0], http)
        await shown_on_return(page, site, "Vic Voter", ballot)
        await page.locator("#receipt").wait_for()
        await page.get_by_role("button", name="Find it").click()
        found = page.get_by_role("status").filter(has_text="This node holds your ballot")
        assert "The final cut counts it." in await found.inner_text()
        await page.get_by_role("link", name="Results and verification").click()
        assert "every ballot, the totals and the decryptions verify" in \
            await page.locator("main").inner_text()
        assert "21 ballots counted" in await page.locator("main").inner_text()
        rows = page.locator("main table tbody tr")
        assert [await rows.nth(i).inner_text() for i in range(3)] == \
            ["Yes\n10", "No\n7", "Abstain\n4"]  # a table stacked at phone width
        # nothing about the credential or the ballots went to the browser's console
        assert console == []


PRIORITIES = [{"text": "Which campaigns come first?", "least": 0, "most": 2,
               "choices": ["Housing", "Transport", "Health", "Schools"]}]


async def test_the_page_refuses_too_many_choices_shows_the_nodes_refusals_and_tells_a_member_without_a_credential_what_to_do(  # noqa: E501
        cluster, browser, tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        # Group 1 committed one active member: its list holds one credential (BL5)
        services, ballot, opens, _ = await keyed_ballot(cluster, http, tmp_path, groups=3,
                                                        questions=PRIORITIES,
                                                        committed=[1, 2, 2])
        site = Site(services[0], cluster.tokens[0], http)
        for name in ("Ann Early", "Ben Second", "Cy Late"):
            await site.member(name)
        ann = await phone_page(browser)
        await shown_on_return(ann, site, "Ann Early", ballot)
        await ann.get_by_role("button", name=MAKE).click()
        await ann.get_by_text("Your credential is on the list").wait_for()
        # the node refuses a second credential: its sentence, and the credential kept here
        ben = await phone_page(browser)
        await shown_on_return(ben, site, "Ben Second", ballot)
        await ben.get_by_role("button", name=MAKE).click()
        alert = ben.get_by_role("alert").filter(has_text="committed active members")
        assert (await alert.inner_text()).startswith("Refused: BL5: a group lists at most")
        await ben.get_by_role("button", name="Put this device's credential on the list").wait_for()
        await audit_as_shown(browser, ben)

        # without its script the page gives the command line's route, and no dead button
        context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
        still = await context.new_page()
        await shown_on_return(still, site, "Cy Late", ballot)
        assert "groupnet ballot enrol" in await text_of(still, "#ballot-vote")
        assert await still.get_by_role("button", name=MAKE).count() == 0

        await until(services[0], opens + HOUR)
        await shown_on_return(ann, site, "Ann Early", ballot)
        for choice in ("Housing", "Health", "Schools"):
            await ann.get_by_role("checkbox", name=choice).check()
        await ann.get_by_role("button", name="Cast my ballot").click()
        alert = ann.get_by_role("alert").filter(has_text="takes at most 2 choices")
        assert "you marked 3" in await alert.inner_text()
        await audit_as_shown(browser, ann)
        await screenshot(ann, "ballot-too-many")
        assert not await ann.locator("#receipt").is_visible()
        assert ballots.find(services[0].node, ballot, "0" * 64)["held"] is False
        casts = services[0].node.state.rules(Ballots).casts.get(ballot, {})
        assert casts == {}
        await ann.get_by_role("checkbox", name="Schools").uncheck()
        await ann.get_by_role("button", name="Cast my ballot").click()
        await ann.locator("#receipt").wait_for()
        assert await text_of(ann, "#vote-refusal") == ""
        tracker = await text_of(ann, "#receipt-tracker")
        assert ballots.find(services[0].node, ballot, tracker)["held"]

        # a credential the list does not hold: the node refuses the ballot, in its words
        await shown_on_return(ben, site, "Ben Second", ballot)
        await ben.get_by_role("checkbox", name="Transport").check()
        await ben.get_by_role("button", name="Cast my ballot").click()
        alert = ben.get_by_role("alert").filter(has_text="on that group's list")
        assert (await alert.inner_text()).startswith("Refused: BL6:")
        assert not await ben.locator("#receipt").is_visible()

        # a member who made no credential before the opening: what to do, and no Cast button
        cy = await phone_page(browser)
        await shown_on_return(cy, site, "Cy Late", ballot)
        assert "holds no voting credential for this ballot" in \
            await text_of(cy, "#no-credential")
        assert "the list froze when it opened" in await text_of(cy, "#no-credential")
        assert not await cy.get_by_role("button", name="Cast my ballot").is_visible()
        assert not await cy.get_by_role("button", name=MAKE).is_visible()
        await audit_as_shown(browser, cy)
        await screenshot(cy, "ballot-no-credential")
