"""The constitution and the bodies in the browser: what binds those in charge, who they are."""

from __future__ import annotations

import aiohttp

from groupnet.network.constitution import Founding
from groupnet.procedure.network.constitution import default
from groupnet.wire.messages import Seat
from tests.conftest import FAST_ORDERS, eventually
from tests.web.conftest import Site, screenshot, sign_in, sign_in_as_operator


def interim(services) -> Founding:
    southwark, havering = services
    return Founding(default(FAST_ORDERS), [
        Seat("national-committee", southwark.node.id, "nc-1", "Jill M."),
        Seat("national-committee", havering.node.id, "nc-2", "Michael C."),
        Seat("arrangements-committee", havering.node.id, "cac-1", "Pat <em>Q</em>."),
    ], interim_days=90)


async def test_a_member_reads_the_constitution_and_sees_who_sits_on_each_body_until_when(
        cluster, browser):
    southwark, havering = await cluster.form(2, names=["Southwark", "Havering"],
                                             founding=interim)
    await eventually(lambda: "constitution" in havering.node.state.summary(),
                     what="the constitution to reach Havering")
    async with aiohttp.ClientSession() as http:
        site = Site(havering, cluster.tokens[1], http)
        page = await (await browser.new_context()).new_page()
        await sign_in_as_operator(page, site)
        await page.get_by_role("link", name="Constitution").click()
        assert await page.get_by_role("heading", level=1).inner_text() == \
            "The network constitution"
        committee = page.locator("section", has=page.get_by_role(
            "heading", name="National committee (national-committee)"))
        assert "entrenched: E1–E4" in await committee.inner_text()
        conferences = await page.locator("section", has=page.get_by_role(
            "heading", name="Conferences")).inner_text()
        assert "nobody can cancel or postpone it" in conferences and "entrenched: E4" in \
            conferences
        entrenched = await page.locator("#entrenched").inner_text()
        assert all(f"E{i}" in entrenched for i in range(1, 8))
        await screenshot(page, "constitution")

        await page.get_by_role("navigation").get_by_role("link", name="Bodies").click()
        national = await page.locator("#body-national-committee").inner_text()
        assert "in office" in national and "2 held, 10 vacant" in national
        assert "Jill M." in national and "Southwark" in national and "Michael C." in national
        assert "(in 89 days" in national
        arrangements = page.locator("#body-arrangements-committee")
        assert "Pat <em>Q</em>." in await arrangements.inner_text()
        assert await arrangements.locator("em").count() == 0
        await screenshot(page, "bodies")

        await site.member("Ann Able")
        member = await (await browser.new_context()).new_page()
        await sign_in(member, site, "Ann Able")
        await member.get_by_role("navigation").get_by_role("link", name="Bodies").click()
        assert "Michael C." in await member.locator("main").inner_text()
