"""Rule changes to a conference on four real nodes: the same verdicts, the same agenda
everywhere, and what no conference may do refused by every node (SPEC 5.3 C5, 5.8 K11, K12).

The weeks of the timetable pass for the whole process at once (`clock.advance_everyone`).
"""

from __future__ import annotations

import msgspec

from groupnet import clock
from groupnet.network import conferences
from groupnet.network.node import Node
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.conferences import Conferences
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.wire import messages
from groupnet.wire.messages import ConferenceRuleChange, Constitution, EntryRef
from tests.conftest import FAST_ORDERS, Cluster

from .test_conference import Api, decision, everywhere, form, tick
from .wire import node_key, push


def delegates(count: int) -> Constitution:
    """The constitution in force (the default, with the charter's orders), `count` delegates."""
    constitution = default(FAST_ORDERS)
    return msgspec.structs.replace(constitution, conference=msgspec.structs.replace(
        constitution.conference, max_delegates=count))


def forged_rule_change(node: Node, conference: str, constitution: Constitution) -> bytes:
    """`node`'s next entry, a rule change its own rules would refuse to write, signed with
    its key as any node could sign its own, to be offered to every other node."""
    head = node.state.head_of(node.id)
    call = node.state.rules(Conferences).calls[conference]
    body = ConferenceRuleChange(
        EntryRef(call.author, call.id, node.state.head_of(call.author).seq),
        "Let the committee amend", constitution, "Faster decisions", decision())
    entry = messages.build(node_key(node), node.state.net, node.id, head.seq + 1, head.id,
                           max(clock.now_ms(), head.ts), "conference.rule_change", body)
    return entry.raw


async def test_rule_changes_reach_every_nodes_agenda_and_entrenched_ones_are_refused_everywhere(
        net):
    cluster, http = net
    await rule_changes_on_four_nodes(cluster, Api(cluster, http))


async def rule_changes_on_four_nodes(cluster: Cluster, api: Api) -> None:
    services = await form(cluster, 4)
    nodes = [s.node for s in services]
    await cluster.converged()
    opens = clock.now_ms() + 70 * DAY_MS  # the notice: day 14; the window closes on day 28
    called = await api.post(services[0], "/api/v1/conferences", {
        "basis": "first", "title": "First conference", "opens": opens})
    conference = called["entry"]
    await everywhere(services, lambda n: conference in n.state.rules(Conferences).calls,
                     "the conference on every node")

    proposal = await conferences.propose_rule_change(
        nodes[1], conference, "Four delegates", delegates(4), "Smaller delegations",
        decision())
    await everywhere(services, lambda n: proposal.id in n.state.rules(Conferences).rule_changes,
                     "the rule change on every node")
    amendment = await conferences.amend_rule_change(
        nodes[2], proposal.id, delegates(5), "Five is fairer", decision())

    # Group 4's rule change would let the national committee amend the constitution (E1)
    constitution = default(FAST_ORDERS)
    grab = msgspec.structs.replace(constitution, bodies=[
        msgspec.structs.replace(b, powers=[*b.powers, "amend-constitution"])
        if b.id == "national-committee" else b for b in constitution.bodies])
    entrenched = forged_rule_change(nodes[3], conference, grab)
    for service in services[:3]:
        [result] = await push(service.node.config.url, entrenched)
        assert (result["status"], result["code"]) == ("rejected", "entrenched")
        assert result["reason"].startswith("E1:")

    def on_time(node: Node) -> bool:
        found = review(node.state, conference)
        return [r.status for r in found.rule_changes] == ["admissible"] and \
            [a.status for a in found.rule_change_amendments] == ["admissible"]

    await everywhere(services, on_time, "the rule change and its amendment witnessed in time")

    # past the notice (day 14): a rule change dated now is refused by every node
    await tick(services[0], 15)
    late = forged_rule_change(nodes[3], conference, delegates(3))
    for service in services[:3]:
        [result] = await push(service.node.config.url, late)
        assert (result["status"], result["code"]) == ("rejected", "past_deadline")
        assert result["reason"].startswith("C5:")

    await tick(services[1], 50)  # past the final agenda time (day 63)
    await everywhere(services, lambda n: review(n.state, conference).agenda.status == "final",
                     "the final agenda on every node")
    await cluster.converged(services)
    reviews = {msgspec.json.encode(review(s.node.state, conference)) for s in services}
    assert len(reviews) == 1
    agenda = review(nodes[3].state, conference).agenda
    [item] = agenda.rule_changes
    assert (item.id, item.groups, item.threshold, item.method, item.amendments) == (
        proposal.id, [nodes[1].id], [2, 3], "card vote", [amendment.id])
    assert [(c.field, c.old, c.new) for c in item.changes] == [
        ("conference.max_delegates", 6, 4)]
    assert all(n.state.rules(Conferences).rule_changes.keys() == {proposal.id} for n in nodes)
