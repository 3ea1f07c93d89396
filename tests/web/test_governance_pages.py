"""The constitution and the bodies in the browser: what binds those in charge, who they are."""

from __future__ import annotations

import aiohttp

from groupnet.network.constitution import Founding
from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.wire.messages import Seat
from tests.conftest import FAST_ORDERS, eventually
from tests.governance.conftest import HOUR, Committee
from tests.web.conftest import Site, follow_nav, screenshot, sign_in, sign_in_as_operator
from tests.web.test_group_business import local_input


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
        await follow_nav(page, "Constitution")
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

        await follow_nav(page, "Bodies")
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
        await follow_nav(member, "Bodies")
        assert "Michael C." in await member.locator("main").inner_text()


async def test_a_seated_group_calls_a_committee_meeting_votes_for_its_seat_and_sees_it_carried(
        cluster, browser):
    southwark, havering = await cluster.form(2, names=["Southwark", "Havering"],
                                             founding=interim)
    committee = Committee(cluster, [southwark, havering])
    await committee.witnessing()
    async with aiohttp.ClientSession() as http:
        site = Site(southwark, cluster.tokens[0], http)
        page = await (await browser.new_context()).new_page()
        await sign_in_as_operator(page, site)
        await page.goto(site.url + "/bodies")
        await page.get_by_role("link", name="National committee").click()
        assert "No meeting of this body has been called." in await page.locator(
            "main").inner_text()
        now = committee.now()
        await page.get_by_label("Title").fill("Emergency meeting")
        await page.get_by_label("Meeting opens (UTC)").fill(local_input(now + HOUR))
        await page.get_by_label("Voting closes (UTC)").fill(local_input(now + 2 * HOUR))
        await page.locator("#call-action0").select_option("statement")
        await page.locator("#call-text0").fill("The committees are wound up.")
        await page.get_by_role("button", name="Call the meeting").click()
        refusal = await page.locator("#problem-call-opens").inner_text()
        assert "B2: `national-committee` meets with 7 days' notice" in refusal
        assert await page.locator("#call-title").input_value() == "Emergency meeting"

        opens = now + 8 * DAY_MS
        await page.get_by_label("Meeting opens (UTC)").fill(local_input(opens))
        await page.get_by_label("Voting closes (UTC)").fill(local_input(opens + 2 * HOUR))
        await page.locator("#call-action0").select_option("statement")
        await page.locator("#call-text0").fill("The network supports the conference.")
        await page.get_by_role("button", name="Call the meeting").click()
        assert "The meeting is called" in await page.locator("main").inner_text()
        meeting_url = page.url.split("?")[0]
        meeting_id = meeting_url.rsplit("/", 1)[1]
        assert "pending" in await page.locator("#item-0").inner_text()

        await committee.held_everywhere(meeting_id)
        view = (await committee.call("Havering", "GET",
                                     f"/api/v1/bodies/national-committee/meetings/"
                                     f"{meeting_id}")).body
        await committee.witnessed_by("Southwark", southwark.node.state.rules(Bodies).meetings[
            meeting_id].seq, view["called_at"], view["opens"] - 7 * DAY_MS)
        cluster.time_passes(view["opens"] - committee.now() + 60_000)
        # a week has passed for every clock: the operator's session has ended, sign in again
        await sign_in_as_operator(page, site)
        await page.goto(meeting_url)
        await page.get_by_label("Seat").select_option("nc-1")
        await page.get_by_label("Vote", exact=True).select_option("for")
        await page.get_by_role("button", name="Cast the vote").click()
        assert "The vote is signed" in await page.locator("main").inner_text()
        await page.get_by_role("button", name="Cast the vote").click()
        assert "V2: each seat votes once on an item" in await page.locator(
            "#problem-vote").inner_text()
        answer = await committee.vote("Havering", meeting_id, 0, "for")
        assert answer.status == 201, answer.body
        await eventually(lambda: all(
            len(s.node.state.rules(Bodies).votes.get((meeting_id, 0), {})) == 2
            for s in (southwark, havering)), what="both votes on both nodes")
        for vote in (await committee.decision("Havering", meeting_id))["votes"]:
            author = next(s for s in (southwark, havering) if s.node.id == vote["group"])
            seq = next(v.seq for by in author.node.state.rules(Bodies).votes.values()
                       for v in by.values() if v.id == vote["entry"])
            await committee.witnessed_by(author.node.config.name, seq, vote["ts"],
                                         view["closes"])
        await committee.network_passes(view["closes"])
        await sign_in_as_operator(page, site)
        await page.goto(meeting_url)
        item = await page.locator("#item-0").inner_text()
        assert "carried" in item
        assert "B4: carried, 2 for, 0 against (more for than against), 2 of 2 seats voting" \
            in item
        await screenshot(page, "body-meeting")
