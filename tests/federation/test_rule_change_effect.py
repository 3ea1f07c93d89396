"""A rule change carried on the floor of four nodes over HTTP takes effect on every node at
the same instant (SPEC 5.3 C5.5–C5.8): a committee meeting on the new, shorter notice is
refused everywhere before it and accepted everywhere after, with one state hash.

The conference's weeks pass as in test_floor.py: every clock of the process moves forward
together (`clock.advance_everyone`); the rest is real nodes on loopback ports.
"""

from __future__ import annotations

import msgspec

from groupnet import clock
from groupnet.network import conferences
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.procedure.network.constitution_history import FLOOR_EFFECT_MS
from groupnet.procedure.network.floor import Floor
from groupnet.wire.messages import (
    BodyItem,
    BodyMeeting,
    DelegateCredential,
    DelegateSeat,
)
from tests.conftest import FAST_ORDERS, Cluster
from tests.federation.test_conference import decision, everywhere, first_conference, form, tick
from tests.federation.test_floor import Floor_, final, refused_everywhere

MEMBERS = (300, 250, 500, 1000)  # entitled: 2, 1, 2, 4 delegates
HOUR = 3_600_000


def quicker() -> dict:
    """The founding constitution with the arrangements committee on one day's notice."""
    rules = default(FAST_ORDERS)
    return msgspec.to_builtins(msgspec.structs.replace(rules, bodies=[
        msgspec.structs.replace(b, notice_days=1) if b.id == "arrangements-committee" else b
        for b in rules.bodies]))


def meeting(called: int, notice_ms: int) -> BodyMeeting:
    opens = called + notice_ms
    return BodyMeeting("arrangements-committee", "Order of business", opens, opens + HOUR,
                       [BodyItem("order-business", "", "", [], None, "")])


async def test_four_nodes_switch_to_a_carried_rule_change_at_the_same_instant(net):
    cluster, http = net
    await rule_change_on_four(cluster, Floor_(cluster, http))


async def rule_change_on_four(cluster: Cluster, api: Floor_) -> None:
    services = await form(cluster, 4)  # Groups 1-3 sit on the arrangements committee
    nodes = [s.node for s in services]
    conference, opens = await first_conference(cluster, services, MEMBERS)
    proposal = await conferences.propose_rule_change(
        nodes[1], conference, "A quicker arrangements committee",
        msgspec.convert(quicker(), type=type(default())), "Two days is slow", decision())
    for i, (node, count) in enumerate(zip(nodes, (2, 1, 2, 4), strict=True)):
        await node.append("delegate.credential", DelegateCredential(
            conference, "election 1", [DelegateSeat(f"g{i + 1}-{d}", f"Delegate {d}")
                                       for d in range(count)], []))
    await cluster.converged()

    def on_time(node) -> bool:  # witnessed before their deadlines, before the weeks pass
        found = review(node.state, conference)
        return [r.status for r in found.rule_changes] == ["admissible"] and len(
            [c for c in found.credentials if c.status == "accepted"]) == 4

    await everywhere(services, on_time, "the rule change and the credentials on time")
    await tick(services[0], 61)  # past the final agenda (day 53) and the opening (day 60)

    def on_agenda(node) -> bool:
        found = review(node.state, conference)
        return found.agenda.status == "final" and [r.id for r in found.agenda.rule_changes] \
            == [proposal.id]

    await everywhere(services, on_agenda, "the rule change on the final agenda")
    await cluster.converged()

    # the card vote: 300 + 250 + 1000 members for, 500 against: above two thirds
    vote = await api.written(services[0], f"/api/v1/conferences/{conference}/floor", {
        "item": proposal.id, "question": "rule-change", "text": proposal.body.title,
        "method": "card", "minutes": 2})
    await everywhere(services, lambda n: vote in n.state.rules(Floor).opens, "the question")
    for service, delegate, choice in (
            (services[0], "g1-0", "for"), (services[0], "g1-1", "for"),
            (services[1], "g2-0", "for"), (services[2], "g3-0", "against"),
            (services[2], "g3-1", "against"), (services[3], "g4-0", "for"),
            (services[3], "g4-1", "for"), (services[3], "g4-2", "for"),
            (services[3], "g4-3", "for")):
        await api.vote(service, vote, delegate, choice)
    put = nodes[0].state.rules(Floor).opens[vote]
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
    await everywhere(services, final(vote), "the rule change's vote final on every node")

    def witnessed(node) -> bool:  # the cosigns reach the network well before the instant
        floor_ = node.state.rules(Floor)
        carriers = [*floor_.cosigns.get(vote, {}).values(), *floor_.certificates.get(vote, ())]
        return len(floor_.cosigned(vote)) >= 3 and all(
            node.state.network_time(c.author, c.seq) is not None for c in carriers)

    await everywhere(services, witnessed, "the cosigns witnessed on every node")
    await cluster.converged()

    # before the instant the old two days' notice stands everywhere
    instant = opens + 2 * DAY_MS + FLOOR_EFFECT_MS  # the conference closes two days in
    early = meeting(clock.now_ms(), DAY_MS + 2 * HOUR)
    assert refused_everywhere(services, services[1], "body.meeting", early) == {"short_notice"}
    assert {msgspec.json.encode(s.node.state.constitution_at(instant - 1))
            for s in services} == {msgspec.json.encode(default(FAST_ORDERS))}

    # the instant passes: every node finds the change in force from it
    clock.advance_everyone(instant - clock.now_ms() + HOUR)
    await tick(services[0], 0)

    def switched(node) -> bool:
        outcomes = node.state.constitution_history().outcomes
        return [o.status for o in outcomes] == ["in force"]

    await everywhere(services, switched, "the rule change in force on every node")
    await cluster.converged()
    for service in services:
        state = service.node.state
        assert state.constitution_at(instant - 1) == default(FAST_ORDERS)
        assert msgspec.to_builtins(state.constitution_at(instant)) == quicker()
        assert state.summary()["constitution_in_force"] == proposal.id
    later = meeting(clock.now_ms(), DAY_MS + 2 * HOUR)
    assert refused_everywhere(services, services[1], "body.meeting", later) == {None}
    written = await nodes[1].append("body.meeting", later)
    await everywhere(services, lambda n: n.state.head_of(nodes[1].id).seq >= written.seq,
                     "the meeting on the new notice")
    state_hash = await cluster.converged()
    assert {s.node.state.state_hash() for s in services} == {state_hash}
    # the API shows the constitution in force and the vote that carried it
    status, shown = await api.call(services[3], "GET", "/api/v1/constitution")
    assert status == 200 and shown["rule_change"] == proposal.id
    assert shown["in_force_since"] == instant
    carried = shown["history"][-1]
    assert (carried["vote"], carried["result"]["for"], carried["result"]["against"]) == (
        vote, 1550, 500)
    assert [c["field"] for c in carried["changes"]] == [
        "bodies.arrangements-committee.notice_days"]
    # and so does the constitution page, with the history and the carrying vote
    token = api.cluster.tokens[3]
    async with api.http.get(services[3].node.config.url + "/constitution",
                            headers={"Authorization": f"Bearer {token}"}) as answer:
        assert answer.status == 200
        html = await answer.text()
    assert "A quicker arrangements committee" in html and "1550 for, 500 against" in html
    assert "bodies.arrangements-committee.notice_days</span>: 2 → 1" in html
