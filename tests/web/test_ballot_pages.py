"""Member ballots in the browser: the ballot page, "find my ballot", the trustees, the result."""

from __future__ import annotations

import aiohttp

from groupnet import clock
from tests.federation.test_ballot import ballot_of_five
from tests.web.conftest import Site, follow_nav, sign_in_as_operator


async def test_a_member_finds_their_ballot_and_reads_the_verified_result(
        cluster, browser, tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        services, ballot, receipt = await ballot_of_five(cluster, http, tmp_path)
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
            ["Yes\t5", "No\t3", "Abstain\t2"]

        await page.go_back()
        await page.get_by_role("link", name="Trustees").click()
        trustees = page.locator("main table tbody tr")
        assert await trustees.count() == 5
        assert "(this group)" in await trustees.nth(0).inner_text()
