"""A group's secretary submits a rule change from a carried motion, in Chromium, and the
conference page shows it with what it changes and how the conference decides it (SPEC 5.3
C5, 5.8 K11, K12). Two real nodes on loopback; axe-core checks every page loaded."""

from __future__ import annotations

import aiohttp
import msgspec
import pytest

from groupnet import clock
from groupnet.network import conferences
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.wire.messages import Adoption, Tally
from tests.conftest import FAST_ORDERS
from tests.web.conference_scene import carried_at_a_meeting, conference_network, seen_everywhere
from tests.web.conftest import screenshot, sign_in

GRAB = """[[bodies]]
id = "national-committee"
powers = ["call-conference", "statement", "amend-constitution"]

[[bodies]]
id = "arrangements-committee"
"""


@pytest.fixture
async def sites(cluster, mail_server, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        yield await conference_network(cluster, http, mail_server)


async def test_a_secretary_submits_a_rule_change_from_a_carried_motion_without_retyping_it(
        sites, browser):
    southwark, havering = sites
    await havering.member("Sam Secretary", "secretary")
    called = await conferences.call(southwark.node, "first", title="Founding conference",
                                    opens=clock.now_ms() + 100 * DAY_MS)
    conference = called.id
    await seen_everywhere(sites, lambda n: conference in n.state.rules(
        conferences.Conferences).calls, "the call at both nodes")
    decided = await carried_at_a_meeting(havering, [
        ("Four delegates", "Delegations of four are easier to fund.", True),
        ("Three motions", "Groups need room for more motions.", True),
        ("Committee rules", "The committee should amend the rules.", False)])

    page = await (await browser.new_context()).new_page()
    await sign_in(page, havering, "Sam Secretary")
    await page.goto(havering.url + f"/conferences/{conference}")
    form = page.locator("#rule-change-form")
    lost = str(decided["motions"][2])
    assert lost not in await form.get_by_label(
        "Our carried motion that decided the rule change").evaluate(
        "select => [...select.options].map(o => o.value).join(' ')")

    # A rule change that would let a committee amend the constitution: refused, in words,
    # beside the TOML, which stays as typed.
    await form.get_by_label("Our carried motion that decided the rule change").select_option(
        str(decided["motions"][0]))
    await form.get_by_label("What it changes in the constitution, as TOML").fill(GRAB)
    await page.get_by_role("button", name="Submit the rule change").click()
    refusal = await page.locator("#problem-rule_change-constitution").inner_text()
    assert "Rule E1 (an entrenched provision)" in refusal and "amend-constitution" in refusal
    assert "entrenched:" not in refusal
    assert await page.get_by_label(
        "What it changes in the constitution, as TOML").input_value() == GRAB

    await page.get_by_label("What it changes in the constitution, as TOML").fill(
        "[conference]\nmax_delegates = 4\n")
    await page.get_by_role("button", name="Submit the rule change").click()
    assert "Our rule change was submitted" in await page.locator(".notice").inner_text()
    ours = page.locator("#rule-changes article", has_text="Four delegates")
    shown = await ours.inner_text()
    assert "From Havering" in shown and "5 for, 1 against" in shown
    assert "conference.max_delegates" in shown and "6" in shown and "4" in shown

    # Southwark's rule change arrives; we amend it with our other carried motion.
    constitution = default(FAST_ORDERS)
    theirs = await conferences.propose_rule_change(
        southwark.node, conference, "Longer terms", msgspec.structs.replace(
            constitution, interim_max_days=300), "Interim members need time",
        Adoption("General meeting", "2026-02-01", Tally(6, 1, 0, 7)))
    await seen_everywhere([havering], lambda n: theirs.id in n.state.rules(
        conferences.Conferences).rule_changes, "Southwark's rule change at Havering")
    await page.reload()
    amend = page.locator("#rule-change-amendment-form")
    await amend.get_by_label("Rule change to amend").select_option(theirs.id)
    await amend.get_by_label("Our carried motion that decided the amendment").select_option(
        str(decided["motions"][1]))
    await amend.get_by_label("What it changes in the rule change, as TOML").fill(
        "interim_max_days = 250\n")
    await page.get_by_role("button", name="Submit the amendment").click()
    assert "amendment to the rule change was submitted" in await page.locator(
        ".notice").inner_text()
    under = await page.locator(f"#rule-change-{theirs.id}").inner_text()
    assert "From Havering" in under and "interim_max_days" in under and "250" in under

    await seen_everywhere(sites, lambda n: [r.status for r in review(
        n.state, conference).rule_changes] == ["admissible"] * 2,
        "both rule changes witnessed with notice")
    await page.reload()
    agenda = await page.locator("#agenda").inner_text()
    assert "Rule changes" in agenda and "card vote, 2/3 needed" in agenda
    assert "Four delegates" in agenda and "Longer terms" in agenda
    await screenshot(page, "conference-rule-changes")
    await page.goto(havering.url + f"/conferences/{conference}/agenda")
    printed = await page.locator("#rule-changes").inner_text()
    assert "Rule changes" in printed
