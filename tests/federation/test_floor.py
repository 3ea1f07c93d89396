"""A conference floor on five nodes over HTTP (SPEC 5.9): a show of hands and a card vote,
closed by the chair's node and cosigned by the participants' nodes without anyone asking;
what the rules refuse is refused on every node; a node cut off mid-vote rejoins and agrees.

The conference's weeks pass as in test_conference.py: every clock of the process moves
forward together (`clock.advance_everyone`); the rest is real nodes on loopback ports.
"""

from __future__ import annotations

import sqlite3

import aiohttp
import msgspec

from groupnet import clock, config
from groupnet.network import conferences
from groupnet.network import floor as floor_steps
from groupnet.network.floor_record import recount
from groupnet.network.verify import check_rows
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.floor import Floor
from groupnet.procedure.network.floor_review import floor, question
from groupnet.service import Service
from groupnet.wire import messages
from groupnet.wire.messages import (
    DelegateCredential,
    DelegateSeat,
    Entry,
    EntryRef,
    FloorCosign,
    FloorCut,
    FloorResult,
    FloorVote,
    Head,
    MandateLine,
)
from tests.conftest import Cluster
from tests.federation.test_conference import decision, everywhere, first_conference, form, tick
from tests.federation.test_verify import groupnet_cli
from tests.federation.wire import node_key

MEMBERS = (300, 250, 500, 1000, 100)  # entitled: 2, 1, 2, 4, 1 delegates
MINUTE = 60_000


class Floor_:
    """The client API of each node, called with its admin token."""

    def __init__(self, cluster: Cluster, http: aiohttp.ClientSession) -> None:
        self.cluster, self.http = cluster, http

    async def call(self, service: Service, method: str, path: str,
                   body: dict | None = None) -> tuple[int, dict]:
        token = self.cluster.tokens[self.cluster.services.index(service)]
        async with self.http.request(method, service.node.config.url + path, json=body,
                                     headers={"Authorization": f"Bearer {token}"}) as answer:
            return answer.status, await answer.json()

    async def written(self, service: Service, path: str, body: dict | None = None) -> str:
        status, answer = await self.call(service, "POST", path, body)
        assert status == 201, answer
        return answer["entry"]

    async def refused(self, service: Service, path: str, body: dict | None = None) -> str:
        status, answer = await self.call(service, "POST", path, body)
        assert status == 422, answer
        return answer["error"]["code"] if "error" in answer else answer["code"]

    async def vote(self, service: Service, open_id: str, delegate: str, choice: str) -> str:
        return await self.written(service, f"/api/v1/floor/{open_id}/votes",
                                  {"vote": choice, "delegate": delegate})


def refused_everywhere(services: list[Service], author: Service, kind: str,
                       body: messages.Body) -> set[str | None]:
    """The code every node's rules give `author`'s next entry of `kind` (nothing is sent)."""
    node = author.node
    head = node.state.head_of(node.id)
    entry = messages.build(node_key(node), node.state.net, node.id, head.seq + 1, head.id,
                           max(clock.now_ms(), head.ts), kind, body)
    verdicts = (s.node.state.check(entry) for s in services)
    return {v.code if v is not None else None for v in verdicts}


def ref(service: Service, author: str, entry: str) -> EntryRef:
    return EntryRef(author, entry, service.node.state.head_of(author).seq)


def final(open_id: str):
    def check(node) -> bool:
        found = question(node.state, open_id)
        return found is not None and found.final
    return check


async def test_five_nodes_carry_a_hand_vote_and_a_card_vote_and_a_cut_off_node_agrees(net):
    cluster, http = net
    conference = await floor_of_five(cluster, Floor_(cluster, http))
    directory = cluster.services[4].node.directory

    # the printable report, and `verify` recounting every cut from the stored entries
    code, printed = await groupnet_cli("conference", "report", str(directory), conference[:12])
    assert code == 0, printed
    assert "## Questions put" in printed and printed.count("**carried** (final)") == 2
    assert "| Group 3 | oppose (general meeting of 3 March, item 2) | g3-0 | against | " \
        "250 | yes |" in printed
    assert "| Group 3 | none (free) | g3-0 | against | 250 | left out of the cut |" in printed
    code, checked = await groupnet_cli("verify", str(directory))
    assert code == 0 and "0 problem(s)" in checked, checked

    # The store refuses an altered entry (its signature fails), so the recount is shown on
    # the state replayed from the stored entries, one cosign's result altered after replay.
    with sqlite3.connect(directory / config.DB_FILE) as db:
        rows = db.execute("SELECT rx, author, seq, id, kind, raw FROM entries ORDER BY rx")
        problems, state = check_rows(rows.fetchall(), [])
    assert problems == [] and recount(state) == []
    [card] = [o for o in state.rules(Floor).opens.values() if o.body.method == "card"]
    # the card vote is final by a certificate (F11): its word is altered
    [certificate] = state.rules(Floor).certificates[card.id]
    state.rules(Floor).certificates[card.id] = [msgspec.structs.replace(
        certificate, result=FloorResult(750, 250, 0, True))]
    [problem] = recount(state)
    assert "certificate" in problem and "says 750 for, 250 against" in problem
    assert "the votes in the cut give 750 for, 0 against" in problem


async def floor_of_five(cluster: Cluster, api: Floor_) -> str:
    services, conference, motion, amendment = await conference_of_five(cluster)
    nodes = [s.node for s in services]

    # F1-F6: the chair puts the amendment to a show of hands; the delegates vote
    floor_path = f"/api/v1/conferences/{conference}/floor"
    assert await api.refused(services[4], floor_path, {
        "item": amendment.id, "question": "amendment", "text": amendment.body.text,
        "minutes": 2}) == "not_chair"
    hands = await api.written(services[0], floor_path, {
        "item": amendment.id, "question": "amendment", "text": amendment.body.text,
        "method": "hands", "minutes": 2})
    await everywhere(services, lambda n: hands in n.state.rules(Floor).opens, "the question")
    for service, delegate, choice in (
            (services[1], "g2-0", "for"), (services[2], "g3-0", "against"),
            (services[3], "g4-0", "for"), (services[3], "g4-1", "for")):
        await api.vote(service, hands, delegate, choice)
    await cluster.converged()
    put = services[0].node.state.rules(Floor).opens[hands]
    hands_ref = ref(services[0], put.author, put.id)
    votes_path = f"/api/v1/floor/{hands}/votes"
    for service, delegate, choice, code in (
            (services[2], "g3-1", "for", "against_mandate"),  # Group 3's mandate: oppose
            (services[1], "g3-0", "for", "not_delegate"),  # Group 2 votes for Group 3's
            (services[4], "g5-1", "for", "over_entitlement")):  # Group 5 sends one, not two
        assert await api.refused(service, votes_path, {"vote": choice,
                                                       "delegate": delegate}) == code
        assert refused_everywhere(services, service, "floor.vote",
                                  FloorVote(hands_ref, delegate, choice)) == {code}
    assert await api.refused(services[0], f"/api/v1/floor/{hands}/cut") == "early_close"
    early = FloorCut(hands_ref, [Head(n.id, n.state.head_of(n.id).seq,
                                      n.state.head_of(n.id).id) for n in nodes])  # type: ignore[arg-type]
    assert refused_everywhere(services, services[0], "floor.cut", early) == {"early_close"}

    # the close passes: Group 1's node cuts, the participants' nodes cosign, by themselves
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
    assert await api.refused(services[0], votes_path, {"vote": "for", "delegate": "g1-0"}) \
        == "outside_vote"
    assert refused_everywhere(services, services[0], "floor.vote",
                              FloorVote(hands_ref, "g1-0", "for")) == {"outside_vote"}
    await everywhere(services, final(hands), "the hand vote final on every node")
    verdict = question(nodes[4].state, hands)
    assert (verdict.status, verdict.result) == ("carried", FloorResult(3, 1, 0, True))
    assert verdict.outcome == "F10: carried: the motion's text is now the amendment's"

    # the motion as amended, on a card vote; Group 3 is cut off after the others voted
    card = await api.written(services[0], floor_path, {
        "item": motion.id, "question": "motion", "text": amendment.body.text,
        "method": "card", "minutes": 2})
    await everywhere(services, lambda n: card in n.state.rules(Floor).opens, "the card vote")
    await api.vote(services[1], card, "g2-0", "for")  # 250 members
    await api.vote(services[3], card, "g4-0", "for")  # 500 of 1000
    await cluster.converged()
    others = [s for s in services if s is not services[2]]
    cluster.partition([services[2]], others)
    await api.vote(services[2], card, "g3-0", "against")  # 250 of 500, unseen by the others
    put = services[0].node.state.rules(Floor).opens[card]
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
    await everywhere(others, final(card), "the card vote final without Group 3")
    cluster.heal()
    state_hash = await cluster.converged(timeout=60)
    await everywhere(services, final(card), "the card vote final on every node")

    verdict = question(nodes[2].state, card)
    assert (verdict.status, verdict.result) == ("carried", FloorResult(750, 0, 0, True))
    assert {v.group: v.in_cut for v in verdict.votes} == {
        nodes[1].id: True, nodes[2].id: False, nodes[3].id: True}
    [cut] = verdict.cuts
    assert nodes[2].id not in cut.cosigners and len(cut.cosigners) == 3
    # Group 3 cannot cosign a result its own vote contradicts, anywhere
    cut_entry = services[0].node.state.rules(Floor).cuts[cut.entry]
    wrong = FloorCosign(ref(services[2], cut_entry.author, cut_entry.id),
                        FloorResult(750, 250, 0, True))
    assert refused_everywhere(services, services[2], "floor.cosign", wrong) == {"wrong_result"}
    views = {msgspec.json.encode(floor(s.node.state, conference)) for s in services}
    assert len(views) == 1
    assert {s.node.state.state_hash() for s in services} == {state_hash}
    # the API shows the same
    status, shown = await api.call(services[4], "GET", f"/api/v1/floor/{card}")
    assert status == 200 and (shown["status"], shown["final"]) == ("carried", True)
    return conference


async def test_a_cut_that_left_out_votes_signed_by_the_close_is_cut_again_and_made_final(
        tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    cluster = Cluster(tmp_path)
    try:
        services, conference, _, amendment = await conference_of_five(cluster)
        chair, others = services[0], services[1:]
        opened = await floor_steps.put(chair.node, conference, floor_steps.PutQuestion(
            item=amendment.id, question="amendment", text=amendment.body.text,
            method="hands", minutes=2))
        await everywhere(services, lambda n: opened.id in n.state.rules(Floor).opens,
                         "the question")
        # the chair's node is cut off while the others vote, and cuts without their votes
        cluster.partition([chair], others)
        for service, delegate, choice in ((services[1], "g2-0", "for"),
                                          (services[2], "g3-0", "against"),
                                          (services[3], "g4-0", "for"),
                                          (services[4], "g5-0", "for")):
            await floor_steps.vote(service.node, opened.id, delegate, choice)
        put = chair.node.state.rules(Floor).opens[opened.id]
        clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
        await everywhere([chair], lambda n: any(
            c.open == opened.id for c in n.state.rules(Floor).cuts.values()), "the first cut")
        cluster.heal()
        await everywhere(services, final(opened.id), "the result final on every node")
        await cluster.converged(timeout=60)
    finally:
        await cluster.close()

    # the voters refused the first cut (it left out their own votes, F7); the chair's node
    # cut again with the votes, and that cut is the final one
    verdict = question(services[4].node.state, opened.id)
    cuts = chair.node.state.rules(Floor).cuts
    first, second = sorted(verdict.cuts, key=lambda c: cuts[c.entry].seq)
    assert cuts[first.entry].author == cuts[second.entry].author == chair.node.id
    assert not {s.node.id for s in others} & set(first.cosigners)
    assert verdict.cut == second.entry and verdict.final
    assert all(v.in_cut for v in verdict.votes) and len(verdict.votes) == 4
    counted = [v.vote for v in verdict.votes if v.participant]
    assert verdict.result == FloorResult(counted.count("for"), counted.count("against"), 0,
                                         counted.count("for") > counted.count("against"))


async def conference_of_five(cluster: Cluster) -> tuple[list[Service], str, Entry, Entry]:
    """Five groups at their first conference's opening, its agenda final: a motion and an
    amendment on it, four groups' credentials accepted (Group 3's mandated to oppose)."""
    services = await form(cluster, 5)  # Groups 1-3 sit on the arrangements committee
    nodes = [s.node for s in services]
    # a first conference opening in 60 days, a motion, an amendment, the credentials
    conference, opens = await first_conference(cluster, services, MEMBERS)
    motion = await conferences.submit(nodes[1], conference, "Rents",
                                      "This conference resolves: rents.", "housing", decision())
    await everywhere(services, lambda n: n.state.head_of(nodes[1].id).seq >= motion.seq,
                     "the motion")
    amendment = await conferences.amend(nodes[3], motion.id,
                                        "This conference resolves: rent caps.", "stronger",
                                        decision())
    oppose = [MandateLine(amendment.id, "oppose", "general meeting of 3 March, item 2")]
    for i, (node, count) in enumerate(zip(nodes, (1, 1, 2, 2, 2), strict=True)):
        await node.append("delegate.credential", DelegateCredential(
            conference, "election 1", [DelegateSeat(f"g{i + 1}-{d}", f"Delegate {d}")
                                       for d in range(count)], oppose if i == 2 else []))
    await cluster.converged()

    def on_time(node) -> bool:
        found = review(node.state, conference)
        return all(m.status == "admissible" for m in found.motions) and len(
            [c for c in found.credentials if c.status == "accepted"]) == 4

    await everywhere(services, on_time, "the motion, amendment and credentials on time")
    await tick(services[0], 61)  # past the final agenda (day 53) and the opening (day 60)
    await everywhere(services, lambda n: review(n.state, conference).agenda.status == "final",
                     "the final agenda")
    await cluster.converged()
    return services, conference, motion, amendment
