"""A conference of ten nodes over HTTP, from requisition to final agenda (SPEC 5.8).

The timetable runs over weeks of network time: the test moves every clock of the
process forward together (`clock.advance_everyone`), as if the weeks had passed
for the whole network; everything else is real nodes on loopback ports.
"""

from __future__ import annotations

import random

import aiohttp
import msgspec

from groupnet import clock
from groupnet.cli.setup import create_node
from groupnet.network import conferences
from groupnet.network import joining as network
from groupnet.network.node import Node
from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.conferences import Conferences
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.service import Service
from groupnet.wire.messages import (
    Adoption,
    BodyItem,
    BodyMeeting,
    BodyVote,
    ConferenceMotion,
    DelegateCredential,
    DelegateSeat,
    EntryRef,
    NetworkConstitution,
    Profile,
    RegisterCommitment,
    Seat,
    Tally,
)
from tests.conftest import FAST_ORDERS, Cluster, eventually

HOUR = 3_600_000
MEMBERS = (400, 120, 300, 800, 250, 90, 600, 200, 150, 1000)
SEATS = (("ann", 0), ("bob", 1), ("cat", 2))


async def form(cluster: Cluster, count: int) -> list[Service]:
    """Ten groups; the founder's constitution seats three on the arrangements committee."""
    started = [await cluster.add(f"Group {i + 1}") for i in range(count)]
    founder = started[0]
    await network.found(founder.node, "Conference Network", FAST_ORDERS)
    seats = [Seat("arrangements-committee", started[i].node.id, who, who.title())
             for who, i in SEATS]
    await founder.node.append("network.constitution", NetworkConstitution(
        default(FAST_ORDERS), seats, clock.now_ms() + 150 * DAY_MS))
    for service in started[1:]:
        await network.admit(founder.node, founder.client, service.node.config.url)
        await network.join(service.node, service.client, founder.node.config.url)
        await service.outbox.refresh()
    await founder.outbox.refresh()
    return started


def decision(in_favour: int = 20) -> Adoption:
    return Adoption("General meeting", "2026-02-01", Tally(in_favour, 4, 1, 30))


def ref(node: Node, author: str, entry: str) -> EntryRef:
    return EntryRef(author, entry, node.state.head_of(author).seq)


class Api:
    """The client API of each node, called with its admin token."""

    def __init__(self, cluster: Cluster, http: aiohttp.ClientSession) -> None:
        self.cluster, self.http = cluster, http

    async def post(self, service: Service, path: str, body: dict) -> dict:
        token = self.cluster.tokens[self.cluster.services.index(service)] \
            if service in self.cluster.services else None
        async with self.http.post(service.node.config.url + path, json=body,
                                  headers={"Authorization": f"Bearer {token}"}) as response:
            answer = await response.json()
            assert response.status == 201, answer
            return answer


async def everywhere(services: list[Service], check, what: str, timeout: float = 60) -> None:
    await eventually(lambda: all(check(s.node) for s in services), timeout, what)


async def committed(cluster: Cluster, services: list[Service], members: tuple[int, ...]) -> None:
    """Every group commits its register of `members` (in order), held by every node."""
    for service, count in zip(services, members, strict=True):
        await service.node.append("register.commitment", RegisterCommitment(
            clock.now_ms(), count, "ab" * 32))
    await cluster.converged()


async def first_conference(cluster: Cluster, services: list[Service],
                           members: tuple[int, ...], days: int = 60) -> tuple[str, int]:
    """Registers committed, Group 1 calls the first conference opening in `days` days, and
    every node holds the call: its id and its opening."""
    await committed(cluster, services, members)
    opens = clock.now_ms() + days * DAY_MS
    call = await conferences.call_first(services[0].node, "First conference", opens,
                                        opens + 2 * DAY_MS)
    await everywhere(services, lambda n: review(n.state, call.id) is not None, "the call")
    return call.id, opens


async def tick(service: Service, days: float) -> None:
    """Days pass for the whole network; a group then writes, so every node witnesses anew."""
    clock.advance_everyone(int(days * DAY_MS))
    await service.node.append("group.profile", Profile(service.node.config.name))


async def test_ten_nodes_reach_the_same_final_agenda_with_one_offline_through_the_deadline(
        net):
    cluster, http = net
    await conference_of_ten(cluster, Api(cluster, http))


async def conference_of_ten(cluster: Cluster, api: Api) -> None:
    services = await form(cluster, 10)
    nodes = [s.node for s in services]
    await committed(cluster, services, MEMBERS)

    # K3: Group 4 opens a requisition; Groups 5 and 6 sign it; Group 4 calls the conference
    opens = clock.now_ms() + 70 * DAY_MS
    opener = await api.post(services[3], "/api/v1/requisitions", {
        "title": "Special conference", "reason": "The committee stopped meeting",
        "opens": opens})
    requisitions = lambda node: node.state.rules(Conferences).requisitions  # noqa: E731
    await everywhere(services, lambda n: opener["entry"] in requisitions(n), "the requisition")
    for signer in services[4:6]:
        await api.post(signer, f"/api/v1/requisitions/{opener['entry']}/support",
                       {"reason": "We agree"})
    await everywhere(services, lambda n: len(requisitions(n)[opener["entry"]].supporters) == 3,
                     "three signatures")
    called = await api.post(services[3], "/api/v1/conferences", {
        "basis": "requisition", "requisition": opener["entry"]})
    conference = called["entry"]
    await everywhere(services, lambda n: conference in n.state.rules(Conferences).calls and
                     review(n.state, conference).status.status == "stands",
                     "the conference standing on every node")

    # K6, K7, K5: motions from Groups 1-9, two amendments, credentials
    motions = {}
    for i, node in enumerate(nodes[:9]):
        motions[i] = await conferences.submit(
            node, conference, f"Motion of group {i + 1}", f"This conference resolves {i}.",
            "housing" if i in (1, 2) else f"subject-{i}", decision())
    await everywhere(services, lambda n: len(n.state.rules(Conferences).motions) == 9,
                     "nine motions")
    amendments = [
        await conferences.amend(nodes[3], motions[4].id, "This conference resolves more.",
                                "stronger", decision()),
        await conferences.amend(nodes[5], motions[1].id, "Composited away.", "", decision()),
    ]
    for i, node in enumerate(nodes[:9]):
        seats = [DelegateSeat(f"g{i}-{d}", f"Delegate {d}") for d in range(2 if i == 7 else 1)]
        await node.append("delegate.credential", DelegateCredential(
            conference, "election 1", seats, []))

    def motions_on_time(node: Node) -> bool:
        found = review(node.state, conference)
        return len(found.motions) == 9 and all(m.status == "admissible" for m in found.motions)

    await everywhere(services, motions_on_time, "every motion witnessed on time")

    # Group 10 goes offline before the motions deadline and stays off through it
    offline = services[9]
    directory = offline.node.directory
    await cluster.stop(offline)
    online = services[:9]
    await tick(online[0], 43)  # the motions deadline (day 42) has passed
    motions_deadline = opens - 28 * DAY_MS
    await everywhere(online, lambda n: n.state.deadline_passed(motions_deadline),
                     "the network past the motions deadline")
    # Offline, Group 10 writes a motion its author dates an hour before the deadline
    node = await Node.open(directory)
    try:
        call = node.state.rules(Conferences).calls[conference]
        backdated = await node.append("conference.motion", ConferenceMotion(
            ref(node, call.author, call.id), "Motion of group 10",
            "This conference resolves 10.", "transport", decision(), ""),
            now=motions_deadline - HOUR)
    finally:
        await node.close()
    assert backdated.ts < motions_deadline
    back = await cluster.start(directory)
    services = [*online, back]
    await cluster.converged(services)

    # K8: the arrangements committee rules Group 9's motion out and composites 2 and 3
    founder = nodes[0]
    meeting_opens = clock.now_ms() + 2 * DAY_MS + 10 * 60_000
    meeting = await founder.append("body.meeting", BodyMeeting(
        "arrangements-committee", "Arrangements", meeting_opens, meeting_opens + 2 * HOUR, [
            BodyItem("rule-out", "Outside the network's competence", conference,
                     [motions[8].id], None, "C4.2"),
            BodyItem("composite", "This conference resolves 1 and 2.", conference,
                     [motions[1].id, motions[2].id], None, ""),
        ]))
    await everywhere(services, lambda n: n.state.arrived_before_deadline(
        meeting.author, meeting.seq, meeting.ts, meeting_opens - 2 * DAY_MS) is True,
        "the meeting's notice witnessed")
    clock.advance_everyone(2 * DAY_MS + 11 * 60_000)
    votes = []
    for holder, i in SEATS:
        for item in (0, 1):
            votes.append(await nodes[i].append("body.vote", BodyVote(
                ref(nodes[i], meeting.author, meeting.id), item, holder, "for")))
    await everywhere(services, lambda n: all(n.state.arrived_before_deadline(
        v.author, v.seq, v.ts, meeting_opens + 2 * HOUR) for v in votes), "the votes counted")
    await tick(services[0], 0.2)
    await everywhere(services, lambda n: [d.status for d in n.state.rules(Bodies).decisions(
        n.state)] == ["carried", "carried"], "both decisions carried")

    composite = f"{meeting.id}:1"
    for i in (1, 2):
        await api.post(services[i], f"/api/v1/conferences/{conference}/composites/"
                       f"{composite}/consent", {"consent": True})
    await api.post(services[8], f"/api/v1/conferences/{conference}/rulings/{meeting.id}:0/"
                   "appeal", {"reason": "It is within our competence"})
    for i, choice in ((0, 1), (3, 3), (4, 4), (6, 1), (7, 0)):
        await api.post(services[i], f"/api/v1/conferences/{conference}/priorities",
                       {"choices": [motions[choice].id]})
    await cluster.converged(services)

    def consents_witnessed(node: Node) -> bool:
        [composite_status] = review(node.state, conference).composites
        return composite_status.status == "agreed"

    await everywhere(services, consents_witnessed, "the composite agreed")
    await tick(services[1], 19)  # past the final agenda time (day 63)
    await everywhere(services, lambda n: review(n.state, conference).agenda.status == "final",
                     "the final agenda on every node")
    final_hash = await cluster.converged(services)

    # every node derives the same everything, byte for byte
    reviews = {msgspec.json.encode(review(s.node.state, conference)) for s in services}
    assert len(reviews) == 1
    [expected] = reviews
    found = review(services[0].node.state, conference)
    status = {m.id: m.status for m in found.motions}
    assert status[backdated.id] == "late"
    assert "witnessed" in next(m.reason for m in found.motions if m.id == backdated.id)
    assert status[motions[8].id] == "ruled out"
    assert status[motions[1].id] == status[motions[2].id] == "composited"
    assert {a.id: a.status for a in found.amendments} == {
        amendments[0].id: "admissible", amendments[1].id: "falls"}
    credentials = {c.group: c.status for c in found.credentials}
    assert credentials[nodes[7].id] == "over entitlement"
    assert sum(1 for s in credentials.values() if s == "accepted") == 8
    kinds = [(item.kind, item.id) for item in found.agenda.items]
    assert ("composite", composite) in kinds and len(kinds) == 7
    assert {o.id: o.status for o in found.agenda.not_on_agenda if o.kind != "amendment"} == {
        backdated.id: "late", motions[8].id: "ruled out", motions[1].id: "composited",
        motions[2].id: "composited"}
    [appeal] = found.appeals
    assert appeal.group == nodes[8].id

    # the same entries, arriving in other orders at fresh nodes, give the same answers
    entries = [raw for _, raw in await nodes[0].feed(0, 100_000)]
    for seed in (1, 2, 3):
        state_hash, derived = await fresh_node(cluster.base / f"fresh-{seed}", entries, seed,
                                               conference)
        assert (state_hash, derived) == (final_hash, expected)


LATER = {"seq_gap", "missing_dependency", "unknown_author", "not_admitted", "no_charter"}


async def fresh_node(directory, raws: list[bytes], seed: int,
                     conference: str) -> tuple[str, bytes]:
    """A node that takes `raws` in a shuffled order, each author's log kept in order, and
    offers again what it could not take yet, as a node catching up would."""
    by_author: dict[str, list[bytes]] = {}
    for raw in raws:
        by_author.setdefault(msgspec.json.decode(raw)[2], []).append(raw)
    chooser = random.Random(seed)
    queues = list(by_author.values())
    order = []
    while queues:
        queue = chooser.choice(queues)
        order.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    await create_node(directory, "Fresh", "http://127.0.0.1:9")
    node = await Node.open(directory)
    try:
        while order:
            results = await node.ingest(order)
            again = [raw for raw, result in zip(order, results, strict=True)
                     if result.status == "rejected" and result.code in LATER]
            assert all(r.status in ("accepted", "duplicate") or r.code in LATER
                       for r in results), [r for r in results if r.status == "rejected"]
            assert len(again) < len(order), "no progress"
            order = again
        return node.state.state_hash(), msgspec.json.encode(review(node.state, conference))
    finally:
        await node.close()
