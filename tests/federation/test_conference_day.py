"""A whole conference day on ten nodes over HTTP (SPEC 5.8, 5.9, 5.9.1, C5.5): amendments
voted before their motion, a composite, a ruling referred back and the motion it restored,
card votes and shows of hands, a node cut off mid-vote that rejoins and agrees, the
election of a seven-seat national committee by STV with at least four seats for women, a
rule change carried by two thirds (in force on every node from the day after the close)
and one that falls short of it; every node derives the same results, fresh nodes taking
the same entries in other orders derive them again, and `groupnet verify` recounts every
result from a node's stored entries.

The weeks of the timetable pass for the whole process at once (`clock.advance_everyone`);
the rest is real nodes on loopback ports.
"""

from __future__ import annotations

import sqlite3

import msgspec

from groupnet import clock, config
from groupnet.network import conferences
from groupnet.network.floor_record import recount
from groupnet.network.verify import check_rows
from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.conferences import Conferences
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.procedure.network.elections import Elections, candidates, outcome
from groupnet.procedure.network.floor import Floor
from groupnet.procedure.network.floor_review import floor, question
from groupnet.service import Service
from groupnet.wire.messages import (
    BodyItem,
    BodyMeeting,
    BodyVote,
    Constitution,
    DelegateCredential,
    DelegateSeat,
    FloorResult,
    MandateLine,
)
from tests.conftest import FAST_ORDERS, Cluster
from tests.federation.test_conference import (
    HOUR,
    MEMBERS,
    SEATS,
    decision,
    everywhere,
    first_conference,
    fresh_node,
    ref,
    tick,
)
from tests.federation.test_floor import Floor_, final
from tests.federation.test_floor_elections import form as form_electing
from tests.federation.test_verify import groupnet_cli

# entitled (one delegate per started 250 members, at most 6): 2 1 2 4 1 1 3 1 1 4
ENTITLED = (2, 1, 2, 4, 1, 1, 3, 1, 1, 4)
COMMITTEE = "national-committee"


def changed(**conference_fields) -> Constitution:
    """The founder's constitution (the default with the charter's orders, the conference
    electing a seven-seat national committee, at least four seats for women), changed so."""
    constitution = default(FAST_ORDERS)
    constitution = msgspec.structs.replace(constitution, bodies=[
        msgspec.structs.replace(b, seats=7, elected=True, balance="woman")
        if b.id == COMMITTEE else b for b in constitution.bodies])
    return msgspec.structs.replace(constitution, conference=msgspec.structs.replace(
        constitution.conference, **conference_fields))


class Day:
    """The floor of one conference, driven through each node's client API."""

    def __init__(self, cluster: Cluster, api: Floor_, services: list[Service],
                 conference: str) -> None:
        self.cluster, self.api, self.services, self.conference = \
            cluster, api, services, conference

    async def put(self, item: str, question_: str, text: str, method: str) -> str:
        put = await self.api.written(self.services[0], f"/api/v1/conferences/"
                                     f"{self.conference}/floor", {
                                         "item": item, "question": question_, "text": text,
                                         "method": method, "minutes": 2})
        await everywhere(self.services, lambda n: put in n.state.rules(Floor).opens,
                         f"the {question_} put on every node")
        return put

    async def votes(self, put: str, choices: dict[int, list[str]]) -> None:
        """`choices[g]`: the votes of group g+1's delegates, in the credential's order."""
        for group, ballot in choices.items():
            for d, choice in enumerate(ballot):
                await self.api.vote(self.services[group], put, f"g{group + 1}-{d}", choice)

    async def close(self, put: str, services: list[Service] | None = None) -> None:
        """The window passes for everyone; the chair's node cuts, the participants cosign.

        First every node (of `services`, on one side of a partition) holds every vote, as
        it would long before a real close: the chair cuts a second after it."""
        await self.cluster.converged(services or self.services)
        opened = self.services[0].node.state.rules(Floor).opens[put]
        clock.advance_everyone(max(0, opened.body.closes - clock.now_ms()) + 6_000)
        await everywhere(services or self.services, final(put), "the result final")

    def verdict(self, put: str, service: int = 0):
        return question(self.services[service].node.state, put)


async def test_ten_nodes_hold_a_conference_day_and_every_node_derives_every_result(net):
    cluster, http = net
    await conference_day(cluster, Floor_(cluster, http))


async def conference_day(cluster: Cluster, api: Floor_) -> None:
    # Groups 1-3 sit on the arrangements committee, and on the national committee until
    # the conference elects it
    services = await form_electing(cluster, 10)
    nodes = [s.node for s in services]
    assert nodes[0].state.constitution == changed()
    # the first conference opens in 70 days: rule changes by day 14, motions by day 42
    conference, opens = await first_conference(cluster, services, MEMBERS, days=70)
    five = await conferences.propose_rule_change(
        nodes[1], conference, "Five delegates at most", changed(max_delegates=5),
        "Smaller delegations", decision())
    three = await conferences.propose_rule_change(
        nodes[2], conference, "Three motions a group", changed(motions_per_group=3),
        "More motions", decision())
    # N1: Groups 1-5 each nominate a man and a woman for the national committee
    for i in range(5):
        for holder, category in ((f"m{i + 1}", ""), (f"w{i + 1}", "woman")):
            await api.written(services[i], f"/api/v1/conferences/{conference}/nominations", {
                "body": COMMITTEE, "holder": holder, "name": holder.upper(),
                "category": category})
    motions = {}
    for i in range(8):
        motions[i] = await conferences.submit(
            nodes[i], conference, f"Motion of group {i + 1}", f"This conference resolves {i}.",
            "housing" if i in (1, 2) else f"subject-{i}", decision())
    await everywhere(services, lambda n: len(review(n.state, conference).motions) == 8,
                     "eight motions")
    stronger = await conferences.amend(nodes[3], motions[4].id,
                                       "This conference resolves 4, and more.", "stronger",
                                       decision())
    weaker = await conferences.amend(nodes[7], motions[4].id, "This conference notes 4.",
                                     "weaker", decision())
    # Group 3 mandates its delegates to oppose the stronger amendment
    oppose = [MandateLine(stronger.id, "oppose", "general meeting of 3 March, item 2")]
    for i, node in enumerate(nodes):
        await node.append("delegate.credential", DelegateCredential(
            conference, "annual general meeting", [
                DelegateSeat(f"g{i + 1}-{d}", f"Delegate {d + 1} of group {i + 1}")
                for d in range(ENTITLED[i])], oppose if i == 2 else []))
    await cluster.converged()

    def on_time(node) -> bool:
        found = review(node.state, conference)
        call_ = node.state.rules(Conferences).calls[conference]
        return all(m.status == "admissible" for m in found.motions) and \
            [r.status for r in found.rule_changes] == ["admissible", "admissible"] and \
            len([c for c in found.credentials if c.status == "accepted"]) == 10 and \
            len(candidates(node.state, call_, COMMITTEE)[0]) == 10

    await everywhere(services, on_time,
                     "motions, rule changes, nominations and credentials in time")

    # K8: past the motions deadline the arrangements committee rules Group 6's motion out
    # and composites Groups 2 and 3's; both groups consent
    await tick(services[0], 43)
    meeting_opens = clock.now_ms() + 2 * DAY_MS + 10 * 60_000
    meeting = await nodes[0].append("body.meeting", BodyMeeting(
        "arrangements-committee", "Arrangements", meeting_opens, meeting_opens + 2 * HOUR, [
            BodyItem("rule-out", "Outside the network's competence", conference,
                     [motions[5].id], None, "C4.2"),
            BodyItem("composite", "This conference resolves 1 and 2.", conference,
                     [motions[1].id, motions[2].id], None, ""),
        ]))
    await everywhere(services, lambda n: n.state.arrived_before_deadline(
        meeting.author, meeting.seq, meeting.ts, meeting_opens - 2 * DAY_MS) is True,
        "the meeting's notice witnessed")
    clock.advance_everyone(2 * DAY_MS + 11 * 60_000)
    votes = [await nodes[i].append("body.vote", BodyVote(
        ref(nodes[i], meeting.author, meeting.id), item, holder, "for"))
        for holder, i in SEATS for item in (0, 1)]
    await everywhere(services, lambda n: all(n.state.arrived_before_deadline(
        v.author, v.seq, v.ts, meeting_opens + 2 * HOUR) for v in votes), "the votes counted")
    await tick(services[0], 0.2)
    await everywhere(services, lambda n: [d.status for d in n.state.rules(Bodies).decisions(
        n.state)] == ["carried", "carried"], "the ruling and the composite carried")
    composite = f"{meeting.id}:1"
    ruling = f"{meeting.id}:0"
    for i in (1, 2):
        await conferences.consent(nodes[i], composite, True)
    await everywhere(services, lambda n: [c.status for c in review(
        n.state, conference).composites] == ["agreed"], "the composite agreed")

    # the conference opens (day 70) on its final agenda
    await tick(services[1], 26)
    await everywhere(services, lambda n: review(n.state, conference).agenda.status == "final",
                     "the final agenda on every node")
    await cluster.converged()
    day = Day(cluster, api, services, conference)

    # amendments first (F4): the stronger carries by hands over Group 3's mandated votes
    put = await day.put(stronger.id, "amendment", stronger.body.text, "hands")
    await day.votes(put, {2: ["against"], 3: ["for"] * 4, 4: ["for"]})
    await api.vote(services[2], put, "g3-1", "against")  # after its refused "for"
    assert await api.refused(services[2], f"/api/v1/floor/{put}/votes", {
        "vote": "for", "delegate": "g3-1"}) == "against_mandate"
    await day.close(put)
    assert (day.verdict(put).status, day.verdict(put).result) == (
        "carried", FloorResult(5, 2, 0, True))
    put = await day.put(weaker.id, "amendment", weaker.body.text, "hands")
    await day.votes(put, {7: ["for"], 3: ["against"] * 4})
    await day.close(put)
    assert day.verdict(put).status == "lost"
    # the motion is put as the carried amendment has it
    put = await day.put(motions[4].id, "motion", stronger.body.text, "hands")
    await day.votes(put, {0: ["for", "for"], 3: ["for"] * 4, 9: ["against"] * 4})
    await day.close(put)
    assert (day.verdict(put).status, day.verdict(put).result) == (
        "carried", FloorResult(6, 4, 0, True))

    # the composite, on a card vote; Group 9 is cut off after voting and its vote is unseen
    put = await day.put(composite, "composite", "This conference resolves 1 and 2.", "card")
    await day.votes(put, {1: ["for"], 2: ["for", "for"], 3: ["for"] * 4,
                          6: ["against"] * 3})
    await cluster.converged()
    cut_off = services[8]
    others = [s for s in services if s is not cut_off]
    cluster.partition([cut_off], others)
    await api.vote(cut_off, put, "g9-0", "against")
    await day.close(put, others)
    cluster.heal()
    await cluster.converged(timeout=60)
    await everywhere(services, final(put), "the composite final on every node")
    verdict = day.verdict(put, 8)
    # 120 + 300 + 800 members for, 600 against; Group 9's 150 against came too late to count
    assert (verdict.status, verdict.result) == ("carried", FloorResult(1220, 600, 0, True))
    assert {v.group: v.in_cut for v in verdict.votes}[nodes[8].id] is False
    composite_put = put

    # Group 6 refers the ruling back: carried by card, its motion returns and carries
    put = await day.put(ruling, "reference-back", "Refer back the ruling out of motion 6",
                        "card")
    await day.votes(put, {5: ["for"], 3: ["for"] * 4, 9: ["for"] * 4, 0: ["against"] * 2})
    await day.close(put)
    assert (day.verdict(put).status, day.verdict(put).result) == (
        "carried", FloorResult(1890, 400, 0, True))
    put = await day.put(motions[5].id, "motion", motions[5].body.text, "hands")
    await day.votes(put, {5: ["for"], 6: ["for"] * 3})
    await day.close(put)
    restored = day.verdict(put)
    assert restored.status == "carried", restored

    # the rule changes, by card at two thirds: five delegates carries, three motions falls
    put = await day.put(five.id, "rule-change", five.body.title, "card")
    await day.votes(put, {1: ["for"], 3: ["for"] * 4, 9: ["for"] * 4, 0: ["against"] * 2})
    await day.close(put)
    carried_rule = day.verdict(put)
    assert (carried_rule.status, carried_rule.result) == (
        "carried", FloorResult(1920, 400, 0, True)), carried_rule
    put = await day.put(three.id, "rule-change", three.body.title, "card")
    await day.votes(put, {2: ["for", "for"], 3: ["for"] * 4, 9: ["against"] * 4,
                          6: ["against"] * 3})
    await day.close(put)
    failed_rule = day.verdict(put)
    assert (failed_rule.status, failed_rule.result) == (  # short of two thirds
        "lost", FloorResult(1100, 1600, 0, False)), failed_rule

    # 5.9.1: the chair puts the election of the national committee by card vote; every
    # delegate ranks the men first; the balance rule seats four women of seven
    election = await api.written(services[0], f"/api/v1/conferences/{conference}/elections",
                                 {"body": COMMITTEE, "minutes": 2, "method": "card"})
    await everywhere(services, lambda n: election in n.state.rules(Elections).elections,
                     "the election on every node")
    put = nodes[0].state.rules(Elections).elections[election]
    ids = {nodes[0].state.rules(Elections).nominations[c.entry].body.holder: c.entry
           for c in put.body.candidates}
    men, women = [f"m{i}" for i in range(1, 6)], [f"w{i}" for i in range(1, 6)]
    ranked = 0
    for i, count in enumerate(ENTITLED):
        for d in range(count):
            order = men[ranked % 5:] + men[:ranked % 5] + women
            ranked += 1
            await api.written(services[i], f"/api/v1/conferences/{conference}/elections/"
                              f"{election}/rankings", {"delegate": f"g{i + 1}-{d}",
                                                      "ranking": [ids[h] for h in order]})
    await cluster.converged()
    clock.advance_everyone(put.body.closes - clock.now_ms() + 6_000)

    def elected(node) -> bool:
        found = node.state.rules(Elections).elections.get(election)
        return found is not None and outcome(node.state, found).status == "elected"

    await everywhere(services, elected, "the committee elected on every node")
    await cluster.converged()  # every cosign everywhere: the outcome names how many
    counts = {msgspec.json.encode(outcome(s.node.state, s.node.state.rules(Elections)
                                          .elections[election])) for s in services}
    assert len(counts) == 1
    seats = outcome(nodes[5].state, put).seats
    assert len(seats) == 7 and len([s for s in seats if s.holder.startswith("w")]) == 4

    # the day after the close the carried rule change is in force everywhere, and the
    # elected sit on the committee
    call_ = nodes[0].state.rules(Conferences).calls[conference]
    await tick(services[3], (call_.body.closes + DAY_MS - clock.now_ms()) / DAY_MS + 0.1)
    await everywhere(services, lambda n: (n.state.constitution_for(clock.now_ms()) or changed())
                     .conference.max_delegates == 5, "the rule change in force on every node")
    sitting = {msgspec.json.encode(s.node.state.seating(COMMITTEE, clock.now_ms()))
               for s in services}
    assert len(sitting) == 1
    assert {s.holder for s in nodes[0].state.seating(COMMITTEE, clock.now_ms()).seats} == {
        s.holder for s in seats}

    # every node derives the same floor, byte for byte, and the same state
    state_hash = await cluster.converged(timeout=60)
    views = {msgspec.json.encode(floor(s.node.state, conference)) for s in services}
    assert len(views) == 1
    assert {s.node.state.state_hash() for s in services} == {state_hash}
    assert day.verdict(composite_put, 8) == day.verdict(composite_put, 0)
    # fresh nodes taking every entry in other orders derive every result again
    entries = [raw for _, raw in await nodes[0].feed(0, 1_000_000)]
    for seed in (1, 2):
        fresh_hash, _ = await fresh_node(cluster.base / f"fresh-{seed}", entries, seed,
                                         conference)
        assert fresh_hash == state_hash
    # and `groupnet verify` recounts every vote's cut and the election's from the entries
    directory = services[6].node.directory
    await cluster.stop(services[6])
    code, checked = await groupnet_cli("verify", str(directory))
    assert code == 0 and "0 problem(s)" in checked, checked
    # (the store refuses an altered entry, so an election cosign is altered after replay)
    with sqlite3.connect(directory / config.DB_FILE) as db:
        rows = db.execute("SELECT rx, author, seq, id, kind, raw FROM entries ORDER BY rx")
        problems, state = check_rows(rows.fetchall(), [])
    assert problems == [] and recount(state) == []
    cosigns = state.rules(Elections).cosigns[election]
    group = sorted(cosigns)[0]
    cosigns[group] = msgspec.structs.replace(cosigns[group],
                                             elected=cosigns[group].elected[::-1])
    [problem] = recount(state)
    assert problem.startswith("election cut") and "the rankings in the cut elect" in problem
