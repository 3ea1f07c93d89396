"""Five nodes over HTTP elect a seven-seat national committee on the conference floor
(SPEC 5.9.1): nominations, the chair's election, the delegates' rankings, the cut and the
cosigns written by the nodes themselves; every node derives the same seats and state hash.

The conference's weeks pass as in test_conference.py: every clock of the process moves
forward together (`clock.advance_everyone`); the rest is real nodes on loopback ports.
"""

from __future__ import annotations

import msgspec

from groupnet import clock
from groupnet.network import joining as network
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.conferences import Conferences
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.procedure.network.elections import Elections, candidates, outcome
from groupnet.procedure.network.floor import Floor
from groupnet.service import Service
from groupnet.wire.messages import (
    DelegateCredential,
    DelegateSeat,
    NetworkConstitution,
    Seat,
)
from tests.business.test_docs_and_cli import cli
from tests.conftest import FAST_ORDERS, Cluster
from tests.federation.test_conference import SEATS, everywhere, first_conference, tick
from tests.federation.test_floor import Floor_

MEMBERS = (300, 250, 500, 1000, 100)  # entitled: 2, 1, 2, 4, 1 delegates
DELEGATES = (2, 1, 2, 3, 1)
COMMITTEE = "national-committee"


async def form(cluster: Cluster, count: int) -> list[Service]:
    """The founder's constitution: the conference elects a seven-seat national committee,
    at least four seats for women; Groups 1-3 sit on the arrangements committee (the
    chair) and, until the conference elects, on the national committee."""
    started = [await cluster.add(f"Group {i + 1}") for i in range(count)]
    founder = started[0]
    await network.found(founder.node, "Election Network", FAST_ORDERS)
    seats = [Seat(body, started[i].node.id, who, who.title())
             for body in ("arrangements-committee", COMMITTEE) for who, i in SEATS]
    constitution = default(FAST_ORDERS)
    constitution = msgspec.structs.replace(constitution, bodies=[
        msgspec.structs.replace(b, seats=7, elected=True, balance="woman")
        if b.id == COMMITTEE else b for b in constitution.bodies])
    await founder.node.append("network.constitution", NetworkConstitution(
        constitution, seats, clock.now_ms() + 150 * DAY_MS))
    for service in started[1:]:
        await network.admit(founder.node, founder.client, service.node.config.url)
        await network.join(service.node, service.client, founder.node.config.url)
        await service.outbox.refresh()
    await founder.outbox.refresh()
    return started


async def test_five_nodes_elect_a_seven_seat_committee_and_agree_on_its_seats(net, capsys):
    cluster, http = net
    await election_of_five(cluster, Floor_(cluster, http), capsys)


async def test_an_election_cut_that_left_out_rankings_is_cut_again_and_made_final(net, capsys):
    cluster, http = net
    api = Floor_(cluster, http)
    services, conference, election, ids, _ = await election_put(cluster, api, capsys)
    chair, others = services[0], services[1:]
    put = chair.node.state.rules(Elections).elections[election]
    # the chair's node is cut off while the other groups' delegates rank, and cuts
    # without their rankings once the election closes
    cluster.partition([chair], others)
    rankings = f"/api/v1/conferences/{conference}/elections/{election}/rankings"
    order = [ids[h] for h in ("w1", "m2", "w3", "m4", "w5", "m1", "w2", "m3")]
    for i, (service, count) in enumerate(zip(services, DELEGATES, strict=True)):
        for d in range(count):
            await api.written(service, rankings, {"delegate": f"g{i + 1}-{d}",
                                                  "ranking": order})
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
    await everywhere([chair], lambda n: any(
        c.open == election for c in n.state.rules(Floor).cuts.values()), "the first cut")
    cluster.heal()

    def elected(node) -> bool:
        found = node.state.rules(Elections).elections.get(election)
        return found is not None and outcome(node.state, found).status == "elected"

    await everywhere(services, elected, "the election final on every node")
    await cluster.converged(timeout=60)

    # the other groups refused the first cut (it left out their own rankings, E5 as F7);
    # the chair's node cut again with them, and that cut is the final one
    state = services[4].node.state
    cuts = sorted((c for c in state.rules(Floor).cuts.values() if c.open == election),
                  key=lambda c: c.seq)
    assert len(cuts) == 2 and {c.author for c in cuts} == {chair.node.id}
    first, second = cuts
    signed = state.rules(Elections).cosigns.get(election, {})
    assert not {s.node.id for s in others} & {g for g, c in signed.items() if c.cut == first.id}
    found = outcome(state, state.rules(Elections).elections[election])
    assert found.cut == second.id
    assert len(state.rules(Elections).rankings_in(second)) == sum(DELEGATES)


async def election_of_five(cluster: Cluster, api: Floor_, capsys) -> None:
    services, conference, election, ids, opens = await election_put(cluster, api, capsys)
    nodes = [s.node for s in services]
    put = nodes[0].state.rules(Elections).elections[election]
    # E3: every delegate ranks the men first, each starting with another group's man
    men = [f"m{i}" for i in range(1, 6)]
    women = [f"w{i}" for i in range(1, 6)]
    rankings = f"/api/v1/conferences/{conference}/elections/{election}/rankings"
    shift = 0
    for i, (service, count) in enumerate(zip(services, DELEGATES, strict=True)):
        for d in range(count):
            order = men[shift % 5:] + men[:shift % 5] + women
            shift += 1
            await api.written(service, rankings, {"delegate": f"g{i + 1}-{d}",
                                                  "ranking": [ids[h] for h in order]})
    assert await api.refused(services[1], rankings, {
        "delegate": "g2-0", "ranking": [ids["m1"]]}) == "duplicate_vote"
    assert await api.refused(services[1], rankings, {
        "delegate": "g3-0", "ranking": [ids["m1"]]}) == "not_delegate"
    await cluster.converged()

    # the close passes: Group 1's node cuts, the participants' nodes cosign, by themselves
    clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)

    def elected(node) -> bool:
        found = node.state.rules(Elections).elections.get(election)
        return found is not None and outcome(node.state, found).status == "elected"

    await everywhere(services, elected, "the election final on every node")
    state_hash = await cluster.converged(timeout=60)
    results = {msgspec.json.encode(outcome(s.node.state, s.node.state.rules(
        Elections).elections[election])) for s in services}
    assert len(results) == 1
    found = outcome(nodes[4].state, nodes[4].state.rules(Elections).elections[election])
    holders = [s.holder for s in found.seats]
    assert len(holders) == 7
    assert len([h for h in holders if h.startswith("w")]) == 4  # the balance rule
    seated = {msgspec.json.encode(s.node.state.seating(COMMITTEE, opens + 2 * DAY_MS))
              for s in services}
    assert len(seated) == 1
    assert {s.node.state.state_hash() for s in services} == {state_hash}
    # the API shows the same, with the count's stages
    status, shown = await api.call(
        services[3], "GET", f"/api/v1/conferences/{conference}/elections/{election}")
    assert status == 200 and shown["status"] == "elected"
    assert len(shown["elected"]) == 7 and shown["count"]["stages"]

    # the command line shows the count, stage by stage, and the committee's new seats
    code, out, _ = await cli(capsys, "conference", "floor", "show", str(nodes[2].directory),
                             conference[:10])
    assert code == 0 and "election of 7 to national-committee by hands" in out
    assert "stage 1 (first)" in out and "elected: " in out
    code, out, _ = await cli(capsys, "body", "show", str(nodes[2].directory), COMMITTEE)
    assert code == 0 and "the interim members sit until it does" in out  # until the close
    await tick(services[0], 2)  # past the conference's close: the elected take their seats
    await cluster.converged()
    code, out, _ = await cli(capsys, "body", "show", str(nodes[2].directory), COMMITTEE)
    assert code == 0 and "elected by the conference" in out
    assert sum(1 for line in out.splitlines() if line.startswith("  w")) == 4


async def election_put(cluster: Cluster, api: Floor_, capsys
                       ) -> tuple[list[Service], str, str, dict[str, str], int]:
    """Five groups at their first conference's opening with ten on-time nominations to the
    national committee, and the chair's election of it put for two minutes: the services,
    the conference, the election, each candidate's entry by holder, and the opening."""
    services = await form(cluster, 5)
    nodes = [s.node for s in services]
    conference, opens = await first_conference(cluster, services, MEMBERS)

    # N1, N2: each group nominates a man and a woman; a second nomination is refused
    nominations = f"/api/v1/conferences/{conference}/nominations"
    for i, service in enumerate(services):
        for holder, category in ((f"m{i + 1}", ""), (f"w{i + 1}", "woman")):
            await api.written(service, nominations, {
                "body": COMMITTEE, "holder": holder, "name": holder.upper(),
                "category": category})
    assert await api.refused(services[0], nominations, {
        "body": COMMITTEE, "holder": "m1", "name": "M1"}) == "duplicate_nomination"
    assert await api.refused(services[0], nominations, {
        "body": "arrangements-committee", "holder": "x", "name": "X"}) == "not_elected"
    # the command line takes the same step, and gets the same refusal
    code, _, err = await cli(capsys, "conference", "nominate", str(nodes[1].directory),
                             conference[:10], "--body", COMMITTEE, "--holder", "m2",
                             "--name", "M2")
    assert code == 2 and err.startswith("error: duplicate_nomination: N2:")
    for i, (node, count) in enumerate(zip(nodes, DELEGATES, strict=True)):
        await node.append("delegate.credential", DelegateCredential(
            conference, "election 1", [DelegateSeat(f"g{i + 1}-{d}", f"Delegate {d}")
                                       for d in range(count)], []))
    await cluster.converged()

    def on_time(node) -> bool:
        call_ = node.state.rules(Conferences).calls[conference]
        nominated, _, _ = candidates(node.state, call_, COMMITTEE)
        accepted = [c for c in review(node.state, conference).credentials
                    if c.status == "accepted"]
        return len(nominated) == 10 and len(accepted) == 5

    # witnessed by most nodes before the deadlines pass, so on time whatever comes later
    await everywhere(services, on_time, "the ten nominations and the credentials on time")
    await tick(services[0], 61)  # past the nominations deadline (day 46) and the opening
    await cluster.converged()

    # E1: only the chair puts the election; the candidates are the ten nominations
    elections_path = f"/api/v1/conferences/{conference}/elections"
    assert await api.refused(services[4], elections_path, {
        "body": COMMITTEE, "minutes": 2}) == "not_chair"
    election = await api.written(services[0], elections_path, {"body": COMMITTEE,
                                                               "minutes": 2})
    await everywhere(services, lambda n: election in n.state.rules(Elections).elections,
                     "the election")
    put = nodes[0].state.rules(Elections).elections[election]
    ids = {nodes[0].state.rules(Elections).nominations[c.entry].body.holder: c.entry
           for c in put.body.candidates}
    return services, conference, election, ids, opens

