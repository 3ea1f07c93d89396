"""Conferences in Chromium: a group's secretary and the arrangements committee at work.

Two real nodes on loopback: Southwark, one of whose people holds the
arrangements committee's seat, and Havering. The weeks of a conference's
timetable pass for both at once (`clock.advance_everyone`), everything else is
what a person does in the browser.
"""

from __future__ import annotations

import json

import aiohttp
import pytest

from groupnet import clock
from groupnet.network import conferences
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.constitution import DAY_MS
from groupnet.wire.messages import Adoption, Tally
from tests.conftest import eventually
from tests.web.conference_scene import (
    carried_at_a_meeting,
    commit_register,
    committee_votes,
    conference_network,
    days_pass,
    elect_delegate,
    field_time,
    iso,
    seen_everywhere,
)
from tests.web.conftest import follow_nav, screenshot, sign_in, sticking_out


@pytest.fixture
async def sites(cluster, mail_server, monkeypatch):
    # the weeks these tests move every clock forward pass for the test alone
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        yield await conference_network(cluster, http, mail_server)


def carried(in_favour: int = 5) -> Adoption:
    return Adoption("General meeting", "2026-02-01", Tally(in_favour, 1, 0, 7))


async def test_a_secretary_calls_a_conference_and_takes_the_group_s_part_from_the_pages(
        sites, browser):
    southwark, havering = sites
    await havering.member("Sam Secretary", "secretary")
    for site in (southwark, havering):
        await commit_register(site)
    decided = await carried_at_a_meeting(havering, [
        ("Rent controls", "This conference calls for rent controls.", True),
        ("Rent caps", "This conference calls for rent caps now.", True),
        ("Close the register", "This conference closes the register.", False)])
    later = await havering.api("POST", "/api/v1/meetings", {
        "kind": "general", "starts_at": iso(clock.now(havering.node) + 10 * DAY_MS),
        "place": "Trades Hall", "agenda": ["Mandates for conference"]})
    page = await (await browser.new_context()).new_page()
    await sign_in(page, havering, "Sam Secretary")

    # Too little notice: the rule says so next to the date, and the date typed stays.
    await follow_nav(page, "Conferences")
    soon = field_time(clock.now_ms() + 10 * DAY_MS)
    await page.get_by_label("It opens on (UTC)").last.fill(soon)
    await page.get_by_role("button", name="Call the first conference").click()
    refusal = await page.locator("#problem-call-opens").inner_text()
    assert "Rule K4 (calling a conference)" in refusal and "56 days' notice" in refusal
    assert "short_notice" not in await page.content()
    assert await page.get_by_label("It opens on (UTC)").last.input_value() == soon
    await page.get_by_label("It opens on (UTC)").last.fill(
        field_time(clock.now_ms() + 60 * DAY_MS))
    await page.get_by_label("Title", exact=True).last.fill("Founding conference")
    await page.get_by_role("button", name="Call the first conference").click()
    await page.wait_for_url("**/conferences/*?called=1")
    conference = page.url.split("/conferences/")[1].split("?")[0]
    assert await page.locator("h1").inner_text() == "Founding conference"
    assert "Motions deadline" in await page.locator("#timetable").inner_text()
    assert "in 31 days" in await page.locator("#deadline-motions").inner_text()

    # A carried motion goes as carried; a second is over the group's limit, said beside it.
    await page.get_by_label("Motion our meeting carried").select_option(
        str(decided["motions"][0]))
    await page.get_by_label("Subject").fill("housing")
    await page.get_by_role("button", name="Submit to the conference").click()
    assert "Our motion was submitted" in await page.locator(".notice").inner_text()
    assert "Rent controls" in await page.locator("#motions").inner_text()
    lost = str(decided["motions"][2])
    assert lost not in await page.get_by_label("Motion our meeting carried").evaluate(
        "select => [...select.options].map(o => o.value).join(' ')")
    await page.get_by_label("Motion our meeting carried").select_option(
        str(decided["motions"][1]))
    await page.get_by_label("Subject").fill("rents")
    await page.get_by_role("button", name="Submit to the conference").click()
    refusal = await page.locator("#problem-submit").inner_text()
    assert "Rule K6 (motions): a group submits at most 1 motion(s)" in refusal
    assert await page.get_by_label("Subject").input_value() == "rents"

    # Southwark's motion arrives; we amend it with our other carried motion.
    theirs = await conferences.submit(southwark.node, conference, "Housing for all",
                                      "This conference calls for housing.", "housing",
                                      carried())
    await seen_everywhere([havering], lambda n: theirs.id in n.state.rules(
        conferences.Conferences).motions, "Southwark's motion at Havering")
    await page.reload()
    await page.get_by_label("Conference motion to amend").select_option(theirs.id)
    await page.get_by_label("Our carried motion whose text is the amended text").select_option(
        str(decided["motions"][1]))
    await page.get_by_role("button", name="Submit the amendment").click()
    amendments = await page.locator(f"#motion-{theirs.id}").text_content()
    assert "From Havering (Rent caps)" in amendments
    assert "This conference calls for rent caps now." in amendments

    # No ballot before the credential: the rule beside the ballot.
    await seen_everywhere([havering], lambda n: [m.status for m in review(
        n.state, conference).motions] == ["admissible"] * 2, "both motions on the agenda")
    await page.reload()
    await page.locator("#priorities input[type=checkbox]").first.check()
    await page.get_by_role("button", name="Cast our ballot").click()
    refusal = await page.locator("#problem-priorities").inner_text()
    assert "Rule K9 (the priorities ballot)" in refusal and "credential" in refusal

    # The meeting elects a delegate; the secretary publishes the credential.
    await elect_delegate(havering, decided["meeting"], conference, decided["people"])
    await page.reload()
    await page.get_by_role("button", name="Publish the credential").click()
    assert "credential was published" in await page.locator(".notice").inner_text()

    async def credentialed() -> bool:
        await page.reload()
        row = page.locator("#groups tr", has_text="Havering")
        return "1 of 1" in await row.inner_text() and "accepted" in await row.inner_text()

    await eventually(credentialed, what="the credential accepted, one of one")
    await page.locator("#priorities input[type=checkbox]").first.check()
    await page.get_by_role("button", name="Cast our ballot").click()
    assert "ballot was cast" in await page.locator(".notice").inner_text()

    # The delegates' mandate on an agenda item, put to our next meeting.
    await page.get_by_label("Agenda item").select_option(theirs.id)
    await page.get_by_label("Our delegates' position").select_option("oppose")
    await page.get_by_label("At our meeting").select_option(str(later["id"]))
    await page.get_by_label("Seconder (email or member id)").fill(
        "havering.member.01@example.org")
    await page.get_by_role("button", name="Put the mandate to the meeting").click()
    await page.wait_for_url("**/motions/*")
    assert "Housing for all" in await page.locator("main").inner_text()
    await page.goto(havering.url + f"/conferences/{conference}")
    await screenshot(page, "conference-secretary")


async def test_the_arrangements_committee_prepares_its_business_and_the_final_agenda_prints(
        sites, browser):
    southwark, havering = sites
    await southwark.member("Olu Organiser", "secretary")
    await havering.member("Sam Secretary", "secretary")
    for site in (southwark, havering):
        await commit_register(site)
    called = await conferences.call(southwark.node, "first", title="Founding conference",
                                    opens=clock.now_ms() + 60 * DAY_MS)
    conference = called.id
    await seen_everywhere(sites, lambda n: conference in n.state.rules(
        conferences.Conferences).calls, "the call at both nodes")
    ours = await conferences.submit(southwark.node, conference, "Housing for all",
                                    "This conference calls for housing.", "housing",
                                    carried())
    theirs = await conferences.submit(havering.node, conference, "Homes for all",
                                      "This conference calls for homes.", "housing",
                                      carried())
    urgent = await conferences.submit(havering.node, conference, "Abolish the committee",
                                      "This conference abolishes a committee.", "rules",
                                      carried(), "The committee dissolved itself")
    await seen_everywhere(sites, lambda n: [m.status for m in review(
        n.state, conference).motions] == ["admissible"] * 3, "three motions admissible")

    organiser = await (await browser.new_context()).new_page()
    await sign_in(organiser, southwark, "Olu Organiser")
    await organiser.goto(southwark.url + f"/conferences/{conference}")
    await organiser.get_by_role("link", name="Arrangements committee's dashboard").click()
    assert "3 received, 3 admissible" in await organiser.locator("#summary").inner_text()

    # A ruling names its motions: refused beside the button, in words, until it does.
    rule_out = organiser.locator("#rule-out-form")
    await organiser.get_by_role("button", name="Prepare the ruling").click()
    refusal = await organiser.locator("#problem-rule-out").inner_text()
    assert "Rule K8 (the arrangements committee): a ruling names the motion(s)" in refusal
    await rule_out.get_by_label("Abolish the committee (Havering, admissible)").check()
    await rule_out.get_by_label("Under the provision").select_option("C4.2")
    await rule_out.get_by_label("The committee's reason (shown with the ruling)").fill(
        "Not the conference's to do")
    await organiser.get_by_role("button", name="Prepare the ruling").click()
    prepared = await organiser.locator("#prepared").inner_text()
    assert "C4.2" in prepared and "Abolish the committee" in prepared
    ruling = json.loads(await organiser.locator("#prepared-json").text_content())
    assert ruling == {"action": "rule-out", "text": "Not the conference's to do",
                      "refs": [urgent.id], "provision": "C4.2", "conference": conference}

    # A composite needs two motions; the one ticked stays ticked, and the text typed.
    composite_form = organiser.locator("#composite-form")
    await composite_form.get_by_label("Housing for all (Southwark, on housing)").check()
    await composite_form.get_by_label("The composite text").fill(
        "This conference calls for homes and housing for all.")
    await organiser.get_by_role("button", name="Prepare the composite").click()
    assert "two or more motions" in await organiser.locator("#problem-composite").inner_text()
    assert await composite_form.get_by_label(
        "Housing for all (Southwark, on housing)").is_checked()
    await composite_form.get_by_label("Homes for all (Havering, on housing)").check()
    await organiser.get_by_role("button", name="Prepare the composite").click()
    composite = json.loads(await organiser.locator("#prepared-json").text_content())
    assert (composite["action"], sorted(composite["refs"])) == (
        "composite", sorted([ours.id, theirs.id]))
    assert composite["text"] == "This conference calls for homes and housing for all."

    # The agenda builder: the emergency motion first, then Havering's, then ours.
    order_form = organiser.locator("#order-form")
    await order_form.get_by_label("Abolish the committee").fill("1")
    await order_form.get_by_label("Homes for all").fill("2")
    await order_form.get_by_label("Housing for all").fill("3")
    await organiser.get_by_role("button", name="Prepare the order of business").click()
    order = json.loads(await organiser.locator("#prepared-json").text_content())
    assert (order["action"], order["refs"]) == ("order-business",
                                                [urgent.id, theirs.id, ours.id])
    await screenshot(organiser, "conference-arrangements")
    await organiser.set_viewport_size({"width": 375, "height": 740})
    for path in ("", "/arrangements", "/agenda"):
        await organiser.goto(southwark.url + f"/conferences/{conference}{path}")
        assert await sticking_out(organiser) == [], path  # a phone needs no sideways scrolling

    # The committee meets on each prepared item: called from the dashboard, with notice.
    meetings = []
    for prepare in ("Prepare the ruling", "Prepare the composite"):
        await organiser.goto(southwark.url + f"/conferences/{conference}/arrangements")
        if prepare == "Prepare the ruling":
            await rule_out.get_by_label("Abolish the committee (Havering, admissible)").check()
            await rule_out.get_by_label("Under the provision").select_option("C4.2")
            await rule_out.get_by_label("The committee's reason (shown with the ruling)").fill(
                "Not the conference's to do")
        else:
            for label in ("Housing for all (Southwark, on housing)",
                          "Homes for all (Havering, on housing)"):
                await composite_form.get_by_label(label).check()
            await composite_form.get_by_label("The composite text").fill(
                "This conference calls for homes and housing for all.")
        await organiser.get_by_role("button", name=prepare).click()
        proposal = organiser.locator("#propose-form")
        if not meetings:  # a day's notice is too little: the rule beside the date
            soon = field_time(clock.now_ms() + DAY_MS)
            await proposal.get_by_label("Opens (UTC)").fill(soon)
            await proposal.get_by_role("button", name="Call the committee's meeting").click()
            refusal = await organiser.locator("#problem-propose-opens").inner_text()
            assert "Rule B2 (a body's notice): arrangements-committee meets with 2 days' " \
                "notice" in refusal
            assert await proposal.get_by_label("Opens (UTC)").input_value() == soon
        opens = clock.now_ms() + 2 * DAY_MS + 30 * 60_000
        await proposal.get_by_label("Opens (UTC)").fill(field_time(opens))
        await proposal.get_by_label("Closes (UTC)").fill(field_time(opens + 2 * 3_600_000))
        await proposal.get_by_role("button", name="Call the committee's meeting").click()
        await organiser.wait_for_url("**/bodies/arrangements-committee/meetings/*?called=1")
        meetings.append(organiser.url.split("/meetings/")[1].split("?")[0])
    await committee_votes(southwark, sites, meetings)
    meeting, composited = meetings

    # Havering's secretary appeals the ruling and consents to the composite.
    secretary = await (await browser.new_context()).new_page()
    await sign_in(secretary, havering, "Sam Secretary")
    await secretary.goto(havering.url + f"/conferences/{conference}")
    status = await secretary.locator(f"#motion-{urgent.id} .status").inner_text()
    assert "ruled out" in status and "C4.2" in status
    appeal = secretary.locator(f"#appeal-{meeting}-0")
    await appeal.get_by_label("Why the ruling is wrong").fill("It is within our competence")
    await appeal.get_by_role("button", name="Lodge the appeal").click()
    assert "the conference decides it" in await secretary.locator(".notice").inner_text()
    assert "It is within our competence" in await secretary.locator("#appeals").inner_text()
    consent = secretary.locator(f"#consent-{composited}-0")
    await consent.get_by_label("Our answer").select_option("yes")
    await consent.get_by_role("button", name="Publish our answer").click()
    assert "answer on the composite" in await secretary.locator(".notice").inner_text()
    await conferences.consent(southwark.node, f"{composited}:0", True)

    async def agreed() -> bool:
        await secretary.reload()
        shown = secretary.locator(f"#composite-{composited}-0")
        answers = await shown.locator("tbody td:nth-child(2)").all_inner_texts()
        return "agreed" in await shown.locator(".badge").inner_text() and \
            answers == ["consented", "consented"]

    await eventually(agreed, what="both consents shown and the composite agreed")

    # Past the final agenda time: the agenda is final, and prints without the navigation.
    await days_pass(sites, 54)
    await seen_everywhere(sites, lambda n: review(n.state, conference).agenda.status ==
                          "final", "the final agenda on both nodes")
    await sign_in(organiser, southwark, "Olu Organiser")
    await organiser.goto(southwark.url + f"/conferences/{conference}/agenda")
    assert (await organiser.locator("h1").inner_text()) == "Founding conference"
    sheet = await organiser.locator("main").inner_text()
    assert "Final agenda" in sheet
    assert "This conference calls for homes and housing for all." in sheet
    omitted = await organiser.locator("#not-on-agenda").inner_text()
    assert "Abolish the committee" in omitted and "C4.2" in omitted
    assert "Homes for all" in omitted and "composited" in omitted
    assert await organiser.locator("nav").count() == 0
    await organiser.emulate_media(media="print")
    assert not await organiser.get_by_role("link", name="Back to the conference").is_visible()
    await screenshot(organiser, "conference-agenda")
