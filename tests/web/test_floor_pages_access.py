"""The floor's pages without a browser: the chair's part for the chair's groups, steps for
officers and delegates only, refusals in words, and a page for every member."""

from __future__ import annotations

import aiohttp
import pytest

from groupnet import clock
from groupnet.network import conferences
from groupnet.procedure.network.constitution import DAY_MS
from tests.web.conference_scene import Visitor, conference_network, seen_everywhere


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


async def test_the_chair_s_part_shows_for_the_chair_s_group_and_its_steps_need_an_officer(
        scene):
    southwark, havering, conference = scene
    await southwark.member("Mo Member")
    await southwark.member("Olu Organiser", "secretary")
    await havering.member("Sam Secretary", "secretary")
    member = await Visitor.signed_in(southwark, "Mo Member")
    officer = await Visitor.signed_in(southwark, "Olu Organiser")
    secretary = await Visitor.signed_in(havering, "Sam Secretary")
    outsider = Visitor(southwark, None)
    floor = f"/conferences/{conference}/floor"
    head = southwark.node.state.head_of(southwark.node.id).seq
    try:
        status, page = await member.get(floor)
        assert status == 200
        assert 'id="chair"' in page and "Nobody can close a vote early" in page
        assert "Questions are put from the final agenda (F3); it is not final yet" in page
        assert "Only our credentialed delegates vote here" in page
        status, page = await member.post(floor + "/questions", {
            "what": "motion|x", "method": "hands", "minutes": "10"})
        assert status == 403 and "This page is for the role officer" in page
        status, page = await member.post(floor + "/" + "cd" * 32 + "/cut", {})
        assert status == 403
        # the chair's officer: the window's bounds, then only what the final agenda holds
        status, page = await officer.post(floor + "/questions", {
            "what": "motion|x", "method": "hands", "minutes": "1"})
        assert status == 400
        assert "F2: a vote stays open between 2 minutes and a day (1440 minutes); 1 " \
            "minutes is not" in page
        status, page = await officer.post(floor + "/questions", {
            "what": "motion|x", "method": "hands", "minutes": "10"})
        assert status == 400 and "F3, F4: the chair puts what the final agenda holds" in page
        assert southwark.node.state.head_of(southwark.node.id).seq == head

        # Havering holds no seat on the arrangements committee: no chair's part
        status, page = await secretary.get(f"/conferences/{conference}/floor")
        assert status == 200 and 'id="chair"' not in page
        status, page = await secretary.post(floor + "/" + "cd" * 32 + "/vote",
                                            {"vote": "for"})
        assert status == 404
        assert "no vote put to the floor with that id" in page and "unknown_vote" not in page

        for path in ("/projector", "/record"):
            status, page = await member.get(floor + path)
            assert status == 200, path
            assert "No question has been put" in page, path
        status, _ = await outsider.get(floor)
        assert status == 303
        status, page = await member.get("/conferences/" + "ab" * 32 + "/floor")
        assert status == 404 and "Rule K4 (calling a conference)" in page
    finally:
        for visitor in (member, officer, secretary, outsider):
            await visitor.close()
