"""What a browser may and may not do: roles as in the API, CSRF, escaping, refusals in words."""

from __future__ import annotations

import aiohttp

from groupnet.network import joining
from tests.web.conftest import (
    follow_nav,
    screenshot,
    sign_in,
    sign_in_as_operator,
    sticking_out,
)


async def test_a_member_signs_in_and_sees_only_what_a_member_may(site, page):
    await site.member("Mo Member")
    await site.member("Sam Secretary", "secretary")
    await sign_in(page, site, "Mo Member")
    nav = await page.get_by_role("navigation", name="Main").text_content()
    assert "Meetings" in nav and "My membership" in nav
    assert "Member register" not in nav and "Audit trail" not in nav
    # the directory is for every member ("find the group near you"); editing it is not
    assert "Directory" in nav
    response = await page.goto(site.url + "/directory")
    assert response.status == 200

    for path in ("/members", "/audit", "/members/import", "/members/export",
                 "/profile", f"/members/{site.ids['Sam Secretary']}", "/notifications"):
        response = await page.goto(site.url + path)
        assert response.status == 403, path
        assert "This page is for the role" in await page.locator(".refusal").inner_text()
        assert "sam.secretary@example.org" not in await page.content()

    await page.goto(site.url + "/me")
    assert "mo.member@example.org" in await page.locator("#own-data").inner_text()
    await screenshot(page, "my-membership")
    async with page.expect_download() as download:
        await page.get_by_role("link", name="Download everything").click()
    assert (await download.value).suggested_filename == "my-data.json"


async def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(site, page):
    await page.goto(site.url + "/members")
    assert page.url == site.url + "/sign-in?next=/members"
    await screenshot(page, "sign-in")
    await page.get_by_label("Admin token").fill(site.token)
    await page.get_by_role("button", name="Sign in with admin token").click()
    await page.wait_for_url(site.url + "/members")


async def test_a_refused_action_shows_the_rule_next_to_the_field_and_keeps_the_input(site, page):
    await site.member("Sam Secretary", "secretary")
    await sign_in(page, site, "Sam Secretary")
    await page.goto(site.url + "/members")
    await page.get_by_label("Name").fill("Sam Again")
    await page.get_by_label("Email").fill("sam.secretary@example.org")
    await page.get_by_role("button", name="Add member").click()
    refusal = page.locator("#problem-add-email")
    assert "already in the register" in await refusal.inner_text()
    assert await page.get_by_label("Name").input_value() == "Sam Again"
    assert await page.get_by_label("Email").get_attribute("aria-invalid") == "true"

    # Suspension is not an officer's to give: it is not offered, and the page says why.
    await page.goto(site.url + f"/members/{site.ids['Sam Secretary']}")
    status = page.locator("#status")
    assert "due-process case" in await status.inner_text()
    assert await status.locator("option").count() == 0


async def test_a_meeting_called_with_too_little_notice_says_it_cannot_decide(site, page):
    await sign_in_as_operator(page, site)
    await page.goto(site.url + "/meetings/new")
    from datetime import UTC, datetime, timedelta
    soon = datetime.now(UTC) + timedelta(days=2)
    await page.get_by_label("Starts at (UTC time)").fill(soon.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("Place").fill("The pub")
    await page.get_by_label("Agenda").fill("Emergency motion")
    await page.get_by_role("button", name="Call meeting and send notice").click()
    problem = await page.locator("#notice-problem").inner_text()
    assert "cannot take binding decisions" in problem and "7 days' notice" in problem


async def test_a_form_posted_without_its_security_token_is_refused_and_changes_nothing(
        site, page):
    await sign_in_as_operator(page, site)
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with aiohttp.ClientSession(cookies=cookies) as http:
        async with http.post(site.url + "/members", data={
                "name": "Forged Person", "email": "forged@example.org"}) as response:
            assert response.status == 403
            assert "security token" in await response.text()
        async with http.post(site.url + "/members", data={
                "name": "Forged Person", "email": "forged@example.org",
                "csrf": "not-the-token"}) as response:
            assert response.status == 403
    await page.goto(site.url + "/members?q=forged")
    assert "Nobody matches" in await page.locator("main").inner_text()


async def test_a_group_name_with_a_script_tag_shows_as_text(site, page):
    await joining.set_profile(site.node, {"name": "<script>window.pwned=1</script>Southwark",
                                          "area": "<b>Bermondsey</b>"})
    await sign_in_as_operator(page, site)
    await page.goto(site.url + "/directory")
    text = await page.locator("table").inner_text()
    assert "<script>window.pwned=1</script>Southwark" in text and "<b>Bermondsey</b>" in text
    assert await page.evaluate("window.pwned") is None


async def test_the_main_actions_are_reached_with_the_keyboard_alone(site, page):
    await page.goto(site.url + "/sign-in")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == \
        "Skip to main content"
    await page.keyboard.press("Enter")
    # from the skip link, tab to the operator's token field and sign in with Enter
    for _ in range(20):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.name") == "token":
            break
    await page.keyboard.type(site.token)
    await page.keyboard.press("Enter")
    await page.wait_for_url(site.url + "/")
    reached = set()
    for _ in range(25):
        await page.keyboard.press("Tab")
        reached.add(await page.evaluate("document.activeElement.textContent.trim()"))
    # the navigation's groups open from the keyboard, and their links follow
    assert {"Dashboard", "Meetings", "Members", "Network", "Sign out"} <= reached
    while await page.evaluate("document.activeElement.textContent.trim()") != "Meetings":
        await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent.trim()") == "Meetings"
    await page.keyboard.press("Enter")
    await page.wait_for_url(site.url + "/meetings")


async def test_pages_fit_a_phone_screen_375_pixels_wide_without_sideways_scrolling(
        site, browser):
    await site.member("Sam Secretary", "secretary")
    context = await browser.new_context(viewport={"width": 375, "height": 740})
    page = await context.new_page()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    try:
        await sign_in(page, site, "Sam Secretary")
        for path in ("/", "/members", "/meetings", "/meetings/new", "/network/motions",
                     "/network/motions/new", "/me", "/audit", "/cases", "/elections",
                     "/notices", "/members/import"):
            await page.goto(site.url + path)
            assert await sticking_out(page) == [], path
        await page.goto(site.url + "/members")
        await screenshot(page, "members-phone")
        # the navigation folds into a menu: the header stays a strip, the links a tap away
        header = await page.locator("header.site").bounding_box()
        assert header["height"] < 740 / 6, header
        assert not await page.get_by_role("link", name="Audit trail").is_visible()
        await follow_nav(page, "Audit trail")
        await page.wait_for_url(site.url + "/audit")
        # nothing on the pages breaks their own Content-Security-Policy
        assert not [c for c in complaints if "Content Security Policy" in c], complaints
    finally:
        await context.close()


async def test_after_five_wrong_admin_tokens_even_the_right_one_waits(site, page):
    for _ in range(5):
        await page.goto(site.url + "/sign-in")
        await page.get_by_label("Admin token").fill("not-the-token")
        await page.get_by_role("button", name="Sign in with admin token").click()
        assert "not an admin token" in await page.locator("#problem-token-token").inner_text()
    await page.get_by_label("Admin token").fill(site.token)
    response = await page.request.post(site.url + "/sign-in/token", form={
        "token": site.token, "csrf": await page.locator("input[name=csrf]").first.input_value()})
    assert response.status == 429
    assert "failed sign-ins" in await response.text()
