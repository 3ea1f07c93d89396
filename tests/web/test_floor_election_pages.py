"""Elections of the network's bodies on the floor's pages (SPEC 5.9.1): a group's officer
nominates, the chair puts the election once nominations have closed, a delegate ranks the
candidates from a phone, the projector shows the elected and the record every stage.

Two real nodes on loopback, as in test_floor_pages.py: Southwark chairs the floor; the
conference elects a three-seat national committee, at least two seats for women. The
conference's weeks pass for both nodes at once (`clock.advance_everyone`).
"""

from __future__ import annotations

import aiohttp
import pytest

from groupnet import clock
from groupnet.network import conferences
from groupnet.network.floor_record import report
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.constitution import DAY_MS
from groupnet.procedure.network.elections import Elections, outcome
from groupnet.wire.messages import DelegateCredential, DelegateSeat, RegisterCommitment
from tests.web.conference_scene import (
    NATIONAL,
    Visitor,
    conference_network,
    days_pass,
    seen_everywhere,
)
from tests.web.conftest import PASSWORD, PHONE, email_of, screenshot, sign_in, sticking_out
from tests.web.test_floor_pages import elect

SEATS = 3


@pytest.fixture
async def sites(cluster, mail_server, monkeypatch):
    # the weeks these tests move every clock forward pass for the test alone
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        yield await conference_network(cluster, http, mail_server, elected_seats=SEATS)


async def nominated(sites) -> tuple[str, str]:
    """The conference called, four nominations (two from Havering's officer on the page),
    Dee elected Havering's delegate, both credentials accepted; nominations still open.
    The conference's id and the pseudonym Dee sits under."""
    southwark, havering = sites
    await southwark.member("Olu Organiser", "secretary")
    await havering.member("Sam Secretary", "secretary")
    dee = await havering.member("Dee Delegate")
    await havering.member("Mo Member")
    await havering.member("Cat Candidate")
    await havering.member("Dan Candidate")
    for site, count in ((southwark, 500), (havering, 300)):  # entitled to 2 delegates each
        await site.node.append("register.commitment", RegisterCommitment(
            clock.now_ms(), count, "ab" * 32))
    opens = clock.now_ms() + 60 * DAY_MS
    call = await conferences.call_first(southwark.node, "Founding conference", opens,
                                        opens + 2 * DAY_MS)
    conference = call.id
    await seen_everywhere(sites, lambda n: conference in n.state.rules(
        conferences.Conferences).calls, "the call at both nodes")
    nominations = f"/api/v1/conferences/{conference}/nominations"
    for holder, name, category in (("amy", "Amy A.", "woman"), ("bob", "Bob B.", "")):
        await southwark.api("POST", nominations, {"body": NATIONAL, "holder": holder,
                                                  "name": name, "category": category})
    secretary = await Visitor.signed_in(havering, "Sam Secretary")
    try:
        for member, name, category in (("Cat Candidate", "Cat C.", "Woman"),
                                       ("Dan Candidate", "Dan D.", "")):
            status, _ = await secretary.post(f"/conferences/{conference}/floor/nominations", {
                "body": NATIONAL, "holder": member, "name": name, "category": category})
            assert status == 303
    finally:
        await secretary.close()
    pseudonym = await elect(havering, conference, dee)
    await havering.node.append("delegate.credential", DelegateCredential(
        conference, "election 1", [DelegateSeat(pseudonym, "Dee D.")], []))
    await southwark.node.append("delegate.credential", DelegateCredential(
        conference, "election 1", [DelegateSeat("s-0", "Ann"), DelegateSeat("s-1", "Bo")], []))
    await seen_everywhere(sites, lambda n: [c.status for c in review(
        n.state, conference).credentials] == ["accepted"] * 2 and len(
        n.state.rules(Elections).nominations) == 4, "the credentials and nominations")
    return conference, pseudonym


async def nominations_close(sites) -> None:
    await days_pass(sites, 51)  # past the nominations deadline (day 46) and the opening


def final_(election: str):
    def check(node) -> bool:
        found = node.state.rules(Elections).elections.get(election)
        return found is not None and outcome(node.state, found).status == "elected"
    return check


def candidates_of(site, election: str) -> dict[str, str]:
    held = site.node.state.rules(Elections)
    return {held.nominations[c.entry].body.name: c.entry
            for c in held.elections[election].body.candidates}


async def test_a_delegate_ranks_from_a_phone_and_the_projector_shows_the_committee_elected(
        sites, browser):
    southwark, havering = sites
    conference, _ = await nominated(sites)
    # Before the deadline an officer's page offers the nomination form, and no election.
    chair = await (await browser.new_context()).new_page()
    await sign_in(chair, southwark, "Olu Organiser")
    await chair.goto(southwark.url + f"/conferences/{conference}/floor")
    assert await chair.locator("#nominate-form").get_by_label("The member nominated").count()
    assert "once the nominations deadline has passed" in \
        await chair.locator("#elect-form").inner_text()
    await nominations_close(sites)

    # The chair puts the election, its window fixed now.
    await sign_in(chair, southwark, "Olu Organiser")  # the session lapsed over the weeks
    await chair.goto(southwark.url + f"/conferences/{conference}/floor")
    nominated_shown = await chair.locator(f"#nominations-{NATIONAL}").inner_text()
    assert "Cat C. (Havering, woman)" in nominated_shown and "Amy A. (Southwark, woman)" \
        in nominated_shown
    form = chair.locator("#elect-form")
    await form.get_by_label("The body elected").select_option(NATIONAL)
    await form.get_by_label("The election stays open (minutes)").fill("5")
    await form.get_by_role("button", name="Put the election").click()
    assert "The election is put" in await chair.locator(".notice").inner_text()
    [election] = southwark.node.state.rules(Elections).elections
    await seen_everywhere(sites, lambda n: election in n.state.rules(Elections).elections,
                          "the election at both nodes")

    # Dee, on her phone: the candidates and a ranking form that needs no script.
    phone = await (await browser.new_context(viewport=PHONE, java_script_enabled=False)
                   ).new_page()
    await sign_in(phone, havering, "Dee Delegate")
    await phone.goto(havering.url + f"/conferences/{conference}/floor")
    ranking = phone.locator(f"#rank-{election}")
    shown = await ranking.inner_text()
    assert "Elect National committee: 3 seat(s)" in shown and "Closes" in shown
    for name, rank in (("Cat C.", "1"), ("Amy A.", "2"), ("Dan D.", "3")):
        await ranking.get_by_label(name).select_option(rank)
    await screenshot(phone, "conference-floor-ranking")
    await ranking.get_by_role("button", name="Cast my ranking").click()
    assert "Your ranking is recorded" in await phone.locator(".notice").first.inner_text()
    assert "Your ranking: Cat C., Amy A., Dan D." in \
        await phone.locator(f"#rank-{election}").inner_text()
    assert await sticking_out(phone) == []  # a phone needs no sideways scrolling
    ids = candidates_of(southwark, election)
    for delegate in ("s-0", "s-1"):
        await southwark.api("POST", f"/api/v1/conferences/{conference}/elections/{election}"
                            "/rankings", {"delegate": delegate, "ranking": [
                                ids["Bob B."], ids["Amy A."], ids["Dan D."]]})

    # The close passes: the chair's node cuts, both cosign; the projector shows the seats.
    put = southwark.node.state.rules(Elections).elections[election]
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
    await seen_everywhere(sites, final_(election), "the election final on both nodes")
    await chair.goto(southwark.url + f"/conferences/{conference}/floor/projector")
    elected = await chair.locator("#projected-elected li").all_inner_texts()
    assert len(elected) == SEATS
    assert sum("woman" in e for e in elected) >= 2  # the balance rule
    assert "at least 2 of the 3 seats" in await chair.locator("#projected-balance").inner_text()
    await screenshot(chair, "conference-floor-projector-election")
    await phone.reload()
    assert "Elected, in order:" in await phone.locator(f"#e-{election}").inner_text()

    # The record prints the count, stage by stage.
    await chair.goto(southwark.url + f"/conferences/{conference}/floor/record")
    record = await chair.locator(f"#record-e-{election}").inner_text()
    assert "quota" in record and "The count, stage by stage" in record
    assert "first" in record and "Elected, in order:" in record
    printed = report(southwark.node, conference)
    assert "## Elections" in printed and "- Stage 1 (first): " in printed


async def test_only_a_delegate_ranks_as_themselves_and_a_bad_ranking_changes_nothing(sites):
    southwark, havering = sites
    conference, _ = await nominated(sites)
    floor = f"/conferences/{conference}/floor"
    officer = await Visitor.signed_in(southwark, "Olu Organiser")
    secretary = await Visitor.signed_in(havering, "Sam Secretary")
    member = await Visitor.signed_in(havering, "Mo Member")
    dee = Visitor(havering, None)
    try:
        # nominations by body, with groups; a second one of the same person is refused
        status, page = await member.get(floor)
        assert status == 200 and "Nominations close" in page and "Dan D." in page
        assert "Nominate one of our members" not in page  # the form is an officer's
        status, page = await member.post(floor + "/nominations", {
            "body": NATIONAL, "holder": "Mo Member", "name": "Mo"})
        assert status == 403
        status, page = await secretary.post(floor + "/nominations", {
            "body": NATIONAL, "holder": "Cat Candidate", "name": "Cat C."})
        assert status == 422 and "Rule N2 (one nomination of a person):" in page
        assert len(havering.node.state.rules(Elections).nominations) == 4
        # the chair cannot put the election before the nominations close
        status, page = await officer.get(floor)
        assert "once the nominations deadline has passed" in page
        status, page = await officer.post(floor + "/elections", {
            "body": NATIONAL, "method": "hands", "minutes": "10"})
        assert status == 409 and "Rule E2 (the candidates): the candidates are the " \
            "nominations that came by the deadline" in page

        await nominations_close(sites)
        for visitor in (member, dee):  # sessions lapse over the weeks passed: sign in anew
            await visitor.close()
        member = await Visitor.signed_in(havering, "Mo Member")
        dee = await Visitor.signed_in(havering, "Dee Delegate")
        written = await southwark.api("POST", f"/api/v1/conferences/{conference}/elections",
                                      {"body": NATIONAL, "minutes": 10})
        election = written["entry"]
        await seen_everywhere(sites, lambda n: election in n.state.rules(
            Elections).elections, "the election at both nodes")
        ids = candidates_of(havering, election)
        rank = f"{floor}/elections/{election}/rank"

        def ranked() -> dict:
            return havering.node.state.rules(Elections).rankings.get(election, {})

        # a member who is no delegate: no form, and a forged post is refused
        status, page = await member.get(floor)
        assert f'id="rank-{election}"' not in page
        status, page = await member.post(rank, {f"rank-{ids['Cat C.']}": "1"})
        assert status == 422
        assert "Rule F5 (who votes): you are not one of this group" in page
        assert "credentialed delegates to the conference" in page
        # a repeat, a gap, nothing ranked: refused in words beside the form
        for form, words in (
                ({f"rank-{ids['Cat C.']}": "1", f"rank-{ids['Amy A.']}": "1"},
                 "Rule E3 (a ranking): a ranking names each preference once; 1 is given "
                 "twice"),
                ({f"rank-{ids['Cat C.']}": "2"}, "Rule E3 (a ranking): preferences run 1, 2, "
                 "3… without a gap; 1 is missing"),
                ({}, "Rule E3 (a ranking): rank at least one candidate")):
            status, page = await dee.post(rank, form)
            assert status == 400 and words in page and 'id="problem-rank"' in page, form
        assert not ranked()
        # a delegate ranks as themselves only, not as another group's delegate
        async with aiohttp.ClientSession() as http:
            async with http.post(havering.url + "/api/v1/session", json={
                    "email": email_of("Dee Delegate"), "password": PASSWORD}) as response:
                token = (await response.json())["token"]
            async with http.post(
                    havering.url + f"/api/v1/conferences/{conference}/elections/{election}"
                    "/rankings", json={"delegate": "s-0", "ranking": [ids["Cat C."]]},
                    headers={"Authorization": f"Bearer {token}"}) as response:
                refused = (await response.json())["error"]
        assert refused["code"] == "not_delegate"
        assert "a member ranks as their own delegate only" in refused["reason"]
        assert not ranked()
        # her own ranking, once
        status, _ = await dee.post(rank, {f"rank-{ids['Cat C.']}": "1"})
        assert status == 303
        assert [r.ranking for r in ranked()[havering.node.id]] == [[ids["Cat C."]]]
        status, page = await dee.get(floor)
        assert "Your ranking: Cat C. (it stands" in page
    finally:
        for visitor in (officer, secretary, member, dee):
            await visitor.close()
