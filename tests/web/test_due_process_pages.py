"""Due process from the browser: the officer's steps, the member's view with its deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.web.conftest import follow_nav, screenshot, sign_in


async def test_a_charged_member_sees_the_disclosed_evidence_and_every_deadline_and_replies(
        site, browser):
    await site.member("Sam Secretary", "secretary")
    await site.member("Mo Member")
    await site.member("Pat Panel")
    officer = await (await browser.new_context()).new_page()
    await sign_in(officer, site, "Sam Secretary")
    await follow_nav(officer, "Due process")
    await officer.get_by_label("Member charged (email or member id)").fill(
        "mo.member@example.org")
    await officer.get_by_label("Rule allegedly broken").fill("Rule 4: conduct at meetings")
    await officer.get_by_label("Particulars").fill("Shouted down the chair on 3 March.")
    await officer.get_by_role("button", name="Bring charge").click()
    case_url = officer.url
    await officer.get_by_label("The item (its text, or a description of the document)").fill(
        "Minutes of 3 March, item 4")
    await officer.get_by_label("Given by (member email or id, or a name)").fill(
        "pat.panel@example.org")
    await officer.get_by_role("button", name="Add evidence").click()
    await officer.get_by_role("button", name="Disclose evidence").click()
    deadlines = await officer.locator("#deadlines").inner_text()
    assert "reply window closes" in deadlines and "14 days" in deadlines

    # Too early for a hearing: the rule says why, beside the form.
    soon = datetime.now(UTC) + timedelta(days=9)
    await officer.get_by_label("Hearing at (UTC time)").fill(soon.strftime("%Y-%m-%dT%H:%M"))
    await officer.get_by_label("Panel (one member a line: email or id)").fill(
        "sam.secretary@example.org")
    await officer.get_by_role("button", name="Schedule hearing").click()
    refusal = await officer.locator("#problem-hearing").inner_text()
    assert "Standing order 7" in refusal
    await screenshot(officer, "case")

    member = await (await browser.new_context()).new_page()
    await sign_in(member, site, "Mo Member")
    await member.get_by_role("link", name="My membership").click()
    case = await member.locator("#cases").inner_text()
    assert "Rule 4: conduct at meetings" in case and "Minutes of 3 March" in case
    assert "reply window closes" in case
    await member.get_by_role("link", name="Reply, appeal, or see the whole case").click()
    assert member.url == case_url
    await member.get_by_label("Reply to the charge").fill("I raised a point of order.")
    await member.get_by_role("button", name="Send reply").click()
    assert "I raised a point of order." in await member.locator("#record").inner_text()
    assert await member.get_by_role("button", name="Add evidence").count() == 0
