"""A vote's result made final by one certificate of cosignatures (SPEC 5.9, F11): every
participant's node signs a cosignature of the cut and sends it to the cut's author, who
writes one `floor.certificate` once it holds a majority. Should no certificate come, the
participants cosign by entry after `CERTIFICATE_WAIT_MS`, each the cut it signed."""

from __future__ import annotations

import aiohttp
import msgspec

from groupnet import clock, store
from groupnet.network import certificates, cuts
from groupnet.network import floor as floor_steps
from groupnet.procedure.network.floor import Certificate, Cosign, Floor
from groupnet.wire.messages import Cosignature, FloorResult
from tests.conftest import Cluster
from tests.federation.test_conference import everywhere
from tests.federation.test_floor import conference_of_five, final


async def voted(cluster: Cluster) -> tuple[list, str, str]:
    """Five nodes, the amendment put to a show of hands for two minutes and three votes
    cast, held everywhere: (services, conference, vote)."""
    services, conference, _, amendment = await conference_of_five(cluster)
    chair = services[0]
    opened = await floor_steps.put(chair.node, conference, floor_steps.PutQuestion(
        item=amendment.id, question="amendment", text=amendment.body.text,
        method="hands", minutes=2))
    await everywhere(services, lambda n: opened.id in n.state.rules(Floor).opens, "the question")
    for service, delegate, choice in ((services[1], "g2-0", "for"),
                                      (services[2], "g3-0", "against"),
                                      (services[3], "g4-0", "for")):
        await floor_steps.vote(service.node, opened.id, delegate, choice)
    await everywhere(services, lambda n: len(n.state.rules(Floor).votes.get(
        opened.id, {})) == 3, "the votes")
    return services, conference, opened.id


async def _closed_vote(cluster: Cluster) -> tuple[list, str, str]:
    """`voted`, and the clock past the close."""
    services, conference, vote = await voted(cluster)
    put = services[0].node.state.rules(Floor).opens[vote]
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
    return services, conference, vote


async def test_a_vote_is_final_everywhere_by_one_certificate_and_no_cosign_entry(
        tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    cluster = Cluster(tmp_path)
    try:
        services, conference, vote = await _closed_vote(cluster)
        chair = services[0]
        await everywhere(services, final(vote), "the result final on every node")
        participants = cuts.conference_participants(chair.node.state, conference)
        assert participants is not None and len(participants) == 4
        for service in services:
            floor_ = service.node.state.rules(Floor)
            [certificate] = floor_.certificates[vote]
            assert certificate.author == chair.node.id and len(certificate.groups) == 3
            assert set(certificate.groups) <= set(participants)
            assert floor_.cosigns.get(vote, {}) == {}  # not one cosign entry crossed
            assert certificate.result == FloorResult(2, 1, 0, True)
        # each participant's node recorded the cut it cosigned, before it sent it
        [cut] = [c for c in chair.node.state.rules(Floor).cuts.values() if c.open == vote]
        for service in services:
            recorded = await store.get_meta(service.node.db, f"cosignature {vote}")
            assert recorded == (cut.id if service.node.id in participants else None)

        # the endpoint: every refusal has its code and changes nothing
        url = chair.node.config.url + "/fed/v1/cosignature"
        member = services[1].node
        good = certificates.Offered(cut.id, FloorResult(2, 1, 0, True), Cosignature(
            member.id, 1, services[2].node.key.sign_id(b"\0" * 32)))
        before = chair.node.state.state_hash()
        async with aiohttp.ClientSession() as http:
            async def post(body: bytes) -> tuple[int, dict]:
                async with http.post(url, data=body,
                                     headers={"Content-Type": "application/json"}) as answer:
                    return answer.status, (await answer.json())["error"]

            status, answer = await post(b'{"cut": 1}')
            assert (status, answer["code"]) == (400, "bad_request")
            status, answer = await post(b"x" * 3000)
            assert (status, answer["code"]) == (413, "too_large")
            unknown = certificates.Offered("0" * 64, good.result, good.cosignature)
            status, answer = await post(_encode(unknown))
            assert (status, answer["code"]) == (404, "unknown_cut")
            status, answer = await post(_encode(good))  # signed by another key
            assert (status, answer["code"]) == (422, "bad_cosignature")
            assert "F11" in answer["reason"]
        assert chair.node.state.state_hash() == before
    finally:
        await cluster.close()


def _encode(offered: certificates.Offered) -> bytes:
    return msgspec.json.encode(offered)


async def test_with_no_certificate_the_participants_cosign_by_entry_the_cut_they_signed(
        tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)

    async def certifies_nothing(node):  # the cut's author down, or dishonest
        return []

    monkeypatch.setattr(certificates, "certify", certifies_nothing)
    cluster = Cluster(tmp_path)
    try:
        services, conference, vote = await _closed_vote(cluster)
        chair = services[0]
        participants = cuts.conference_participants(chair.node.state, conference)
        assert participants is not None
        taking_part = [s for s in services if s.node.id in participants]
        await everywhere(taking_part, lambda n: certificates.signed_cut(n, vote) is not None,
                         "every participant's cosignature signed")
        assert not any(question_final(s.node, vote) for s in services)
        clock.advance_everyone(certificates.CERTIFICATE_WAIT_MS + 1000)
        await everywhere(services, final(vote), "the result final on every node")
        for service in services:
            floor_ = service.node.state.rules(Floor)
            assert floor_.certificates.get(vote, []) == []
            cosigns = floor_.cosigns[vote]
            assert len(cosigns) >= 3
        for group, cosign in chair.node.state.rules(Floor).cosigns[vote].items():
            signer = next(s for s in services if s.node.id == group)
            assert cosign.cut == certificates.signed_cut(signer.node, vote)
    finally:
        await cluster.close()


def question_final(node, vote: str) -> bool:
    return final(vote)(node)


def _cosign(group: str, cut: str) -> Cosign:
    return Cosign(f"e-{group}", group, 2, 0, cut, FloorResult(1, 0, 0, True))


def test_a_group_cosigning_two_cuts_of_a_vote_counts_for_neither():
    """F9: a participant's cosign is its cosign entry or its cosignature in a certificate;
    one found with both, of two different cuts, cosigned neither, so that no two cuts of a
    vote can both be final."""
    floor_ = Floor()
    entries = {"a": _cosign("a", "cut-1"), "b": _cosign("b", "cut-1")}
    certificate = Certificate("c1", "chair", 5, 0, "cut-2", FloorResult(1, 0, 0, True),
                              ("b", "c", "d"))
    floor_.cosigns["vote"] = entries
    floor_.certificates["vote"] = [certificate]
    assert floor_.cosigned("vote") == {"a": "cut-1", "c": "cut-2", "d": "cut-2"}
    final, _ = cuts.tally_cosigns(floor_.cosigned("vote").items(), ["a", "b", "c", "d"])
    assert not final  # two of four for cut-2: b's cosign counts for neither cut
