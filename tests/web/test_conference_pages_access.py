"""The conference pages without a browser: who sees which forms, who may post them, escaping."""

from __future__ import annotations

import html
import re

import aiohttp
import msgspec
import pytest

from groupnet import clock
from groupnet.network import conferences
from groupnet.procedure.network.constitution import DAY_MS
from groupnet.wire import messages
from groupnet.wire.messages import Adoption, BodyItem, Tally
from tests.web.conference_scene import (
    NATIONAL,
    Visitor,
    carried_at_a_meeting,
    committee_decides,
    conference_network,
    field_time,
    seen_everywhere,
)

HOSTILE = "<script>window.pwned=1</script>Rent & <b>caps</b>"


@pytest.fixture
async def scene(cluster, mail_server):
    async with aiohttp.ClientSession() as http:
        southwark, havering = await conference_network(cluster, http, mail_server)
        called = await conferences.call(southwark.node, "first", title="Founding conference",
                                        opens=clock.now_ms() + 60 * DAY_MS)
        await seen_everywhere([southwark, havering],
                              lambda n: called.id in n.state.rules(
                                  conferences.Conferences).calls,
                              "the call at both nodes")
        yield southwark, havering, called.id


async def test_a_member_who_is_not_an_officer_sees_the_conference_but_no_secretary_forms(
        scene):
    southwark, havering, conference = scene
    await havering.member("Mo Member")
    await havering.member("Sam Secretary", "secretary")
    member = await Visitor.signed_in(havering, "Mo Member")
    secretary = await Visitor.signed_in(havering, "Sam Secretary")
    try:
        status, page = await member.get(f"/conferences/{conference}")
        assert status == 200
        assert "Founding conference" in page and "Motions deadline" in page
        assert f"/api/v1/conferences/{conference}/deadlines.ics" in page
        assert "Our group&#39;s part" not in page and "Our group's part" not in page
        assert f'action="/conferences/{conference}/motions"' not in page
        assert 'action="/conferences/requisitions"' not in (await member.get("/conferences"))[1]
        assert ">Conferences</a>" in page  # the navigation leads here

        status, page = await secretary.get(f"/conferences/{conference}")
        assert status == 200
        assert f'action="/conferences/{conference}/motions"' in page
        assert f'action="/conferences/{conference}/priorities"' in page
        assert 'action="/conferences/requisitions"' in (await secretary.get("/conferences"))[1]
    finally:
        await member.close()
        await secretary.close()


async def test_a_form_posted_by_a_member_who_is_not_an_officer_is_refused_and_writes_nothing(
        scene):
    southwark, havering, conference = scene
    await havering.member("Mo Member")
    decided = await carried_at_a_meeting(havering, [("Rent controls", "We want them.", True)])
    member = await Visitor.signed_in(havering, "Mo Member")
    outsider = Visitor(havering, None)
    head = havering.node.state.head_of(havering.node.id).seq
    try:
        form = {"local_motion": str(decided["motions"][0]), "subject": "housing"}
        status, page = await member.post(f"/conferences/{conference}/motions", form)
        assert status == 403
        assert "This page is for the role officer" in page
        status, page = await outsider.post(f"/conferences/{conference}/motions", form)
        assert status == 401
        assert "You are not signed in" in page
        status, page = await member.post("/conferences/requisitions", {
            "title": "Special", "reason": "Because", "opens": "2030-01-01T10:00"})
        assert status == 403
        # nothing signed but what the service signs by itself now and then (a witness, N5)
        written = [messages.parse(raw) for raw in await havering.node.log(
            havering.node.id, head, 100)]
        assert [e.kind for e in written if e.kind != "heads.witness"] == []
        # the organisers' dashboard is for the committee's groups only, said in words
        status, page = await member.get(f"/conferences/{conference}/arrangements")
        assert status == 403
        assert "Rule K8 (the arrangements committee)" in page
        assert "not_organiser" not in page
    finally:
        await member.close()
        await outsider.close()


async def test_what_another_group_typed_shows_as_text_on_every_conference_page(scene):
    southwark, havering, conference = scene
    await southwark.member("Sam Secretary", "secretary")
    motion = await conferences.submit(
        havering.node, conference, HOSTILE, f"Text {HOSTILE}", "housing",
        Adoption("General <i>meeting</i>", "2026-02-01", Tally(5, 1, 0, 6)))
    await conferences.open_requisition(havering.node, HOSTILE, f"Reason {HOSTILE}",
                                       clock.now_ms() + 70 * DAY_MS)
    await seen_everywhere([southwark], lambda n: motion.id in n.state.rules(
        conferences.Conferences).motions, "Havering's motion at Southwark")
    secretary = await Visitor.signed_in(southwark, "Sam Secretary")
    try:
        for path in (f"/conferences/{conference}", f"/conferences/{conference}/arrangements",
                     f"/conferences/{conference}/agenda", "/conferences"):
            status, page = await secretary.get(path)
            assert status == 200, path
            assert "<script>window.pwned" not in page, path
            assert "<b>caps</b>" not in page, path
            assert html.escape(HOSTILE, quote=False) in page or \
                html.escape(HOSTILE) in page, path
    finally:
        await secretary.close()


async def test_an_unknown_conference_is_refused_in_words_without_a_code(scene):
    southwark, _, _ = scene
    await southwark.member("Mo Member")
    member = await Visitor.signed_in(southwark, "Mo Member")
    try:
        status, page = await member.get("/conferences/" + "ab" * 32)
        assert status == 404
        assert "Rule K4 (calling a conference): no conference with that id" in page
        assert "unknown_conference" not in page
    finally:
        await member.close()


async def test_a_requisition_opened_signed_and_called_from_the_conferences_page(
        cluster, mail_server):
    async with aiohttp.ClientSession() as http:
        southwark, havering = await conference_network(cluster, http, mail_server)
        for site in (southwark, havering):
            await site.member("Sam Secretary", "secretary")
        opener = await Visitor.signed_in(havering, "Sam Secretary")
        signer = await Visitor.signed_in(southwark, "Sam Secretary")
        try:
            # too soon for a special conference: refused beside the date, the input kept
            status, page = await opener.post("/conferences/requisitions", {
                "title": "Special conference", "reason": "The committee stopped meeting",
                "opens": field_time(clock.now_ms() + 20 * DAY_MS)})
            assert status == 422
            assert 'id="problem-requisition-opens"' in page
            assert "Rule K3 (requisitions): a requisitioned conference opens between 56" in page
            assert 'value="The committee stopped meeting"' in page or \
                ">The committee stopped meeting</textarea>" in page
            status, _ = await opener.post("/conferences/requisitions", {
                "title": "Special conference", "reason": "The committee stopped meeting",
                "opens": field_time(clock.now_ms() + 70 * DAY_MS)})
            assert status == 303
            requisitions = lambda n: n.state.rules(conferences.Conferences).requisitions  # noqa: E731
            await seen_everywhere([southwark, havering], lambda n: len(requisitions(n)) == 1,
                                  "the requisition at both nodes")
            [opened] = requisitions(southwark.node)
            status, page = await signer.get("/conferences")
            assert f'action="/conferences/requisitions/{opened}/support"' in page
            status, _ = await signer.post(f"/conferences/requisitions/{opened}/support",
                                          {"reason": "We agree"})
            assert status == 303
            await seen_everywhere([southwark, havering], lambda n: len(
                requisitions(n)[opened].supporters) == 2, "both signatures")
            status, page = await opener.get("/conferences")
            assert "threshold met" in page
            signed = re.search(r"Signed by ([^.<]*)\.", page).group(1)
            assert sorted(signed.split(", ")) == ["Havering", "Southwark"]
            status, _ = await opener.post("/conferences/call", {
                "basis": "requisition", "requisition": opened})
            assert status == 303
            called = next(iter(havering.node.state.rules(conferences.Conferences).calls))
            status, page = await opener.get(f"/conferences/{called}")
            assert "A requisitioned special conference (K3)" in page
            assert "signed by 2 of 2 groups" in page
        finally:
            await opener.close()
            await signer.close()


async def test_an_annual_conference_the_committee_decided_is_called_from_the_conferences_page(
        cluster, mail_server, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    async with aiohttp.ClientSession() as http:
        southwark, havering = await conference_network(cluster, http, mail_server)
        opens = clock.now_ms() + 90 * DAY_MS
        meeting = await committee_decides(southwark, [southwark, havering], [BodyItem(
            "call-conference", "Annual conference 2027", "", [], opens, "")],
            body=NATIONAL, notice_days=7)
        await havering.member("Sam Secretary", "secretary")
        secretary = await Visitor.signed_in(havering, "Sam Secretary")
        try:
            status, page = await secretary.get("/conferences")
            assert f'id="annual-{meeting}-0"' in page and "Annual conference 2027" in page
            status, _ = await secretary.post("/conferences/call", {
                "basis": "annual", "meeting": meeting, "item": "0"})
            assert status == 303
            [called] = havering.node.state.rules(conferences.Conferences).calls.values()
            assert (called.body.basis, called.body.opens) == ("annual", opens)
            status, page = await secretary.get("/conferences")
            assert f'id="annual-{meeting}-0"' not in page  # published: not offered again
            status, page = await secretary.get(f"/conferences/{called.id}")
            assert "An annual conference (K2)" in page
        finally:
            await secretary.close()


def test_deadlines_show_in_the_node_s_time_zone_with_the_zone_named():
    from types import SimpleNamespace

    from groupnet.web.pages.conferences import countdown, zone_of

    summer = 1_782_900_000_000  # 1 July 2026, 10:00 UTC
    london = zone_of(SimpleNamespace(config=SimpleNamespace(time_zone="Europe/London")))
    assert (london.name, london.moment(summer)) == ("Europe/London", "1 July 2026, 11:00 BST")
    utc = zone_of(SimpleNamespace(config=SimpleNamespace(time_zone="UTC")))
    assert utc.moment(summer) == "1 July 2026, 10:00 UTC"
    assert countdown(summer + 3 * DAY_MS + 2 * 3_600_000, summer, False) == "in 3 days, 2 h"
    assert countdown(summer + 90 * 60_000, summer, False) == "in 1 h 30 min"
    assert countdown(summer, summer + 1, True) == "passed (witnessed by the network)"


async def test_the_committee_prepares_a_ruling_on_a_rule_change_whose_title_is_escaped(scene):
    southwark, havering, conference = scene
    await southwark.member("Sam Secretary", "secretary")
    constitution = havering.node.state.constitution
    proposal = await conferences.propose_rule_change(
        havering.node, conference, HOSTILE, msgspec.structs.replace(
            constitution, interim_max_days=300), f"Reason {HOSTILE}",
        Adoption("General meeting", "2026-02-01", Tally(5, 1, 0, 6)))
    await seen_everywhere([southwark], lambda n: proposal.id in n.state.rules(
        conferences.Conferences).rule_changes, "Havering's rule change at Southwark")
    secretary = await Visitor.signed_in(southwark, "Sam Secretary")
    try:
        for path in (f"/conferences/{conference}", f"/conferences/{conference}/agenda"):
            status, page = await secretary.get(path)
            assert status == 200 and "<script>window.pwned" not in page, path
        status, page = await secretary.get(
            f"/conferences/{conference}/arrangements?prepare=rule-out&motion={proposal.id}"
            "&provision=C4.3&text=Decided+last+year")
        assert status == 200 and "<script>window.pwned" not in page
        prepared = re.search(r'id="prepared-json">([^<]*)<', page)
        assert prepared is not None
        assert html.unescape(prepared.group(1)).count(proposal.id) == 1
        assert "Rule change: " + html.escape(HOSTILE, quote=False) in page or \
            "Rule change: " + html.escape(HOSTILE) in page
    finally:
        await secretary.close()
