"""The conference floor in Chromium: a delegate votes from a phone, the chair puts the
question and cannot close it early, the projector shows the result, the record prints.

Two real nodes on loopback, as in test_conference_pages.py: Southwark holds the
arrangements committee's seat, so it chairs the floor; Havering elected Dee as its
delegate and mandated her to oppose the amendment. The conference's weeks pass for both
nodes at once (`clock.advance_everyone`); the rest is what people do in the browser.
"""

from __future__ import annotations

import aiohttp
import pytest

from groupnet import clock
from groupnet.group import elections
from groupnet.network import conferences
from groupnet.network.floor_record import report
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.constitution import DAY_MS
from groupnet.procedure.network.floor import Floor
from groupnet.procedure.network.floor_review import question
from groupnet.wire.messages import (
    Adoption,
    DelegateCredential,
    DelegateSeat,
    MandateLine,
    RegisterCommitment,
    Tally,
)
from tests.web.conference_scene import (
    conference_network,
    days_pass,
    iso,
    members,
    seen_everywhere,
)
from tests.web.conftest import PHONE, screenshot, sign_in, sticking_out

MANDATE = "general meeting of 3 March, item 2"


@pytest.fixture
async def sites(cluster, mail_server, monkeypatch):
    # the weeks these tests move every clock forward pass for the test alone
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        yield await conference_network(cluster, http, mail_server)


def carried() -> Adoption:
    return Adoption("General meeting", "2026-02-01", Tally(5, 1, 0, 7))


async def elect(havering, conference: str, candidate: str) -> str:
    """Havering's general meeting elects `candidate` its delegate; her pseudonym."""
    people = await members(havering, 4)
    meeting = await havering.api("POST", "/api/v1/meetings", {
        "kind": "general", "starts_at": iso(clock.now_ms() + 10 * DAY_MS),
        "place": "Trades Hall", "agenda": ["Delegates"]})
    clock.advance_everyone(10 * DAY_MS + 60_000)
    await havering.api("POST", f"/api/v1/meetings/{meeting['id']}/attendance",
                       {"present": [*people, candidate]})
    election = await havering.api("POST", f"/api/v1/meetings/{meeting['id']}/elections",
                                  {"conference": conference, "seats": 1})
    base = f"/api/v1/elections/{election['id']}"
    await havering.api("POST", base + "/nominations", {
        "candidate": candidate, "display_name": "Dee D.", "nominated_by": people[0]})
    await havering.api("POST", base + f"/nominations/{candidate}/acceptance", {})
    for voter in people:
        await havering.api("POST", base + "/ballots", {"approvals": [candidate],
                                                       "voter": voter})
    await havering.api("POST", base + "/count")
    [pseudonym] = await elections.pseudonyms(havering.node, candidate, conference)
    return pseudonym


def final_(open_id: str):
    def check(node) -> bool:
        found = question(node.state, open_id)
        return found is not None and found.final
    return check


async def test_a_delegate_votes_from_a_phone_within_her_mandate_and_the_projector_shows_the_result(
        sites, browser):
    southwark, havering = sites
    await southwark.member("Olu Organiser", "secretary")
    dee = await havering.member("Dee Delegate")
    for site, count in ((southwark, 500), (havering, 300)):  # entitled to 2 delegates each
        await site.node.append("register.commitment", RegisterCommitment(
            clock.now_ms(), count, "ab" * 32))
    opens = clock.now_ms() + 60 * DAY_MS
    call = await conferences.call_first(southwark.node, "Founding conference", opens,
                                        opens + 2 * DAY_MS)
    conference = call.id
    await seen_everywhere(sites, lambda n: conference in n.state.rules(
        conferences.Conferences).calls, "the call at both nodes")
    motion = await conferences.submit(havering.node, conference, "Rents",
                                      "This conference resolves: rents.", "housing", carried())
    await seen_everywhere(sites, lambda n: motion.id in n.state.rules(
        conferences.Conferences).motions, "the motion at both nodes")
    transport = await conferences.submit(southwark.node, conference, "Transport",
                                         "This conference resolves: buses.", "transport",
                                         carried())
    amendment = await conferences.amend(southwark.node, motion.id,
                                        "This conference resolves: rent caps.", "stronger",
                                        carried())
    pseudonym = await elect(havering, conference, dee)
    await havering.node.append("delegate.credential", DelegateCredential(
        conference, "election 1", [DelegateSeat(pseudonym, "Dee D.")],
        [MandateLine(amendment.id, "oppose", MANDATE),
         MandateLine(motion.id, "support", "general meeting of 3 March, item 3")]))
    await southwark.node.append("delegate.credential", DelegateCredential(
        conference, "election 1", [DelegateSeat("s-0", "Ann"), DelegateSeat("s-1", "Bo")], []))
    await seen_everywhere(sites, lambda n: [c.status for c in review(
        n.state, conference).credentials] == ["accepted"] * 2, "both credentials accepted")
    await days_pass(sites, 51)  # past the final agenda time and the opening
    await seen_everywhere(sites, lambda n: review(n.state, conference).agenda.status ==
                          "final", "the final agenda on both nodes")

    # The chair: amendments first; no control closes a vote early, and the page says why.
    chair = await (await browser.new_context()).new_page()
    await sign_in(chair, southwark, "Olu Organiser")
    await chair.goto(southwark.url + f"/conferences/{conference}")
    await chair.get_by_role("link", name="The floor").first.click()
    assert "amendments are voted before the motion" in \
        await chair.locator("#put-1").inner_text()
    assert "Nobody can close a vote early or extend it" in \
        await chair.locator("#no-early-close").inner_text()
    await chair.get_by_label("What is put").select_option(f"amendment|{amendment.id}")
    await chair.get_by_label("How the floor votes").select_option("card")
    await chair.get_by_label("The vote stays open (minutes)").fill("5")
    await chair.get_by_role("button", name="Put the question").click()
    assert "its window is fixed" in await chair.locator(".notice").inner_text()
    [put] = southwark.node.state.rules(Floor).opens.values()
    buttons = await chair.get_by_role("button").all_inner_texts()
    assert not [b for b in buttons if "close" in b.lower() or "extend" in b.lower()]
    # a cut forged before the close: refused by the rule, in its words, and nothing written
    head = southwark.node.state.head_of(southwark.node.id).seq
    await chair.evaluate("""([action, csrf]) => {
        const form = document.createElement("form");
        form.method = "post"; form.action = action;
        const token = document.createElement("input");
        token.type = "hidden"; token.name = "csrf"; token.value = csrf;
        form.append(token); document.body.append(form); form.submit();
    }""", [f"/conferences/{conference}/floor/{put.id}/cut",
           await chair.locator("input[name=csrf]").first.input_value()])
    await chair.wait_for_selector("#problem-cut")
    assert "F2: nobody can close a vote early" in await chair.locator("#problem-cut").inner_text()
    assert southwark.node.state.head_of(southwark.node.id).seq == head
    await seen_everywhere(sites, lambda n: put.id in n.state.rules(Floor).opens,
                          "the question at both nodes")

    # The delegate, on her phone: the vote, its close, the mandate; only Against offered.
    phone = await (await browser.new_context(viewport=PHONE)).new_page()
    await sign_in(phone, havering, "Dee Delegate")
    await phone.goto(havering.url + f"/conferences/{conference}/floor")
    vote = phone.locator(f"#vote-{put.id}")
    shown = await vote.inner_text()
    assert "Closes" in shown and "UTC" in shown and "left" in shown
    assert "oppose it" in shown and MANDATE in shown
    assert await vote.get_by_role("button", name="For").is_disabled()
    assert await vote.get_by_role("button", name="Against").is_enabled()
    assert "being decided now" in await phone.locator("#floor-agenda").inner_text()
    await screenshot(phone, "conference-floor-delegate")
    # a vote for, against the mandate (the button forced on): refused with the rule's words
    await vote.get_by_role("button", name="For").evaluate("b => b.disabled = false")
    await vote.get_by_role("button", name="For").click()
    refusal = await phone.locator("#problem-vote").inner_text()
    assert "F6: Havering's mandate on this item is to oppose it" in refusal
    assert MANDATE in refusal
    await phone.locator(f"#vote-{put.id}").get_by_role("button", name="Against").click()
    assert "Your vote is recorded" in await phone.locator(".notice").first.inner_text()
    assert "Your vote: against" in await phone.locator(f"#vote-{put.id}").inner_text()
    assert await sticking_out(phone) == []  # a phone needs no sideways scrolling
    for delegate in ("s-0", "s-1"):
        await southwark.api("POST", f"/api/v1/floor/{put.id}/votes",
                            {"vote": "for", "delegate": delegate})

    # The close passes: the chair's node cuts, both nodes cosign; the projector shows it.
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)

    await seen_everywhere(sites, final_(put.id), "the card vote final on both nodes")
    await chair.goto(southwark.url + f"/conferences/{conference}/floor/projector")
    assert await chair.locator("#projected-result").inner_text() == "Carried"
    assert await chair.locator("#by-card td").all_inner_texts() == ["500", "300", "0"]
    assert await chair.locator("#by-hands td").all_inner_texts() == ["2", "1", "0"]
    assert await chair.locator("body[data-refresh]").count() == 1  # floor.js reloads it
    await screenshot(chair, "conference-floor-projector")
    await phone.reload()
    last = await phone.locator("#last-result").inner_text()
    assert "You voted against" in last and "500 for, 300 against" in last

    # The record prints the roll call by delegation, with mandates and card weights.
    await chair.goto(southwark.url + f"/conferences/{conference}/floor/record")
    roll = await chair.locator(f"#record-{put.id}").inner_text()
    assert "carried (final)" in roll and "oppose" in roll and MANDATE in roll
    assert "Havering" in roll and "Southwark" in roll and "300" in roll and "250" in roll
    await chair.emulate_media(media="print")
    assert not await chair.get_by_role("link", name="Back to the floor").is_visible()
    printed = report(southwark.node, conference)
    assert "| Havering | oppose (general meeting of 3 March, item 2) |" in printed
    assert "Cut cosigned by: Havering, Southwark" in printed

    # Amendments first: now the motion may be put, in the amendment's words; Havering's
    # mandate to support the motion as submitted lapses, and every button is offered.
    await chair.emulate_media(media="screen")
    await chair.goto(southwark.url + f"/conferences/{conference}/floor")
    assert "may be put now" in await chair.locator("#put-1").inner_text()
    await chair.get_by_label("What is put").select_option(f"motion|{motion.id}")
    await chair.get_by_role("button", name="Put the question").click()
    [amended] = [o for o in southwark.node.state.rules(Floor).opens.values() if o.id != put.id]
    assert amended.body.text == "This conference resolves: rent caps."
    await seen_everywhere(sites, lambda n: amended.id in n.state.rules(Floor).opens,
                          "the motion put at both nodes")
    await phone.reload()
    lapsed = await phone.locator(f"#vote-{amended.id}").inner_text()
    assert "The mandate has lapsed: the motion is put amended" in lapsed
    assert await phone.locator(f"#vote-{amended.id}").get_by_role(
        "button", name="For").is_enabled()

    # Transport is decided by tellers, one from each group; delegates cast no vote on it.
    await chair.get_by_label("What is put").select_option(f"motion|{transport.id}")
    await chair.get_by_label("How the floor votes").select_option("tellers")
    await chair.get_by_label("Havering").check()
    await chair.get_by_label("Southwark").check()
    await chair.get_by_role("button", name="Put the question").click()
    [told] = [o for o in southwark.node.state.rules(Floor).opens.values()
              if o.body.item == transport.id]
    assert sorted(told.body.tellers) == sorted([southwark.node.id, havering.node.id])
    await seen_everywhere(sites, lambda n: told.id in n.state.rules(Floor).opens,
                          "the tellers' vote at both nodes")
    await phone.reload()
    assert "the tellers count it" in await phone.locator(f"#vote-{told.id}").inner_text()
    clock.advance_everyone(told.body.closes - clock.now_ms() + 1000)
    await havering.api("POST", f"/api/v1/floor/{told.id}/count",
                       {"for": 40, "against": 12, "abstain": 3})
    await chair.reload()
    count = chair.locator(f"#q-{told.id} form")
    await count.get_by_label("For").fill("40")
    await count.get_by_label("Against").fill("12")
    await count.get_by_label("Abstaining").fill("3")
    await count.get_by_role("button", name="Enter our count").click()
    assert "tellers' count is entered" in await chair.locator(".notice").inner_text()
    await seen_everywhere(sites, final_(told.id), "the tellers' vote final on both nodes")
    await chair.reload()
    told_shown = await chair.locator(f"#q-{told.id}").inner_text()
    assert "carried (final)" in told_shown and "Tellers: agreed" in told_shown
    await chair.goto(southwark.url + f"/conferences/{conference}/floor/projector")
    assert await chair.locator("#projected-item").inner_text() == "Transport (Southwark)"
    assert await chair.locator("#by-tellers td").all_inner_texts() == ["40", "12", "3"]
