"""A member ballot across ten nodes over HTTP, from the call to the verified count (SPEC 5.10).

Weeks pass by moving every clock of the process forward together
(`clock.advance_everyone`); everything else is real nodes on loopback ports. The
trustees and the members use the command line's steps: their secrets stay in
files in the test's directory, and the nodes receive only what they publish.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NamedTuple

import aiohttp
import msgspec
import pytest

from groupnet import clock
from groupnet.cli import ballots as cli
from groupnet.cli.main import main
from groupnet.network import ballots
from groupnet.network import joining as network
from groupnet.network.node import Node
from groupnet.procedure.network.ballots import Ballots
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.service import Service
from groupnet.wire.messages import (
    BallotCut,
    BodyItem,
    BodyMeeting,
    BodyVote,
    EntryRef,
    NetworkConstitution,
    Profile,
    RegisterCommitment,
    Seat,
)
from groupnet.wire.rejection import Refused
from tests.conftest import FAST_ORDERS, Cluster, eventually

HOUR = 3_600_000


async def form(cluster: Cluster, count: int) -> list[Service]:
    """`count` groups; the national committee, seating groups 1 and 2, may call ballots."""
    started = [await cluster.add(f"Group {i + 1}") for i in range(count)]
    founder = started[0]
    await network.found(founder.node, "Ballot Network", FAST_ORDERS)
    rules = default(FAST_ORDERS)
    committee = msgspec.structs.replace(rules.bodies[0],
                                        powers=[*rules.bodies[0].powers, "call-ballot"])
    seats = [Seat("national-committee", started[i].node.id, f"nc-{i + 1}", f"Seat {i + 1}")
             for i in (0, 1)]
    constitution = msgspec.structs.replace(rules, bodies=[committee, *rules.bodies[1:]])
    await founder.node.append("network.constitution", NetworkConstitution(
        constitution, seats, clock.now_ms() + 150 * DAY_MS))
    for service in started[1:]:
        await network.admit(founder.node, founder.client, service.node.config.url)
        await network.join(service.node, service.client, founder.node.config.url)
        await service.outbox.refresh()
    await founder.outbox.refresh()
    return started


async def everywhere(services: list[Service], check, what: str, timeout: float = 60) -> None:
    await eventually(lambda: all(check(s.node) for s in services), timeout, what)


async def tick(service: Service, days: float) -> None:
    """Days pass for the whole network; a group then writes, so every node witnesses anew."""
    clock.advance_everyone(int(days * DAY_MS))
    await service.node.append("group.profile", Profile(service.node.config.name))


async def until(service: Service, moment: int) -> None:
    """The network's clocks reach `moment`; a group then writes, so every node witnesses."""
    clock.advance_everyone(moment - clock.now_ms())
    await service.node.append("group.profile", Profile(service.node.config.name))


async def witnessed(services: list[Service], held, deadline: int, what: str) -> None:
    """Every node has the entries `held(node)` names witnessed by `deadline`."""
    await everywhere(services, lambda n: all(
        n.state.arrived_before_deadline(h.author, h.seq, h.ts, deadline) is True
        for h in held(n)), f"{what} witnessed on every node")


def result(node: Node, ballot: str):
    return node.state.rules(Ballots).result(node.state, ballot)


async def test_ten_nodes_count_a_ballot_alike_with_a_replaced_vote_and_a_node_down(net, tmp_path):
    cluster, http = net
    await ballot_of_ten(cluster, http, tmp_path)


RATIFY = [{"text": "Ratify?", "choices": ["Yes", "No", "Abstain"], "least": 1, "most": 1}]
Hook = Callable[[list[Service], str], Awaitable[None]]


class Keyed(NamedTuple):
    """A ballot called, with its election key made on every node, before it opens."""

    services: list[Service]
    ballot: str
    opens: int
    secrets: dict[str, Path]


async def keyed_ballot(cluster: Cluster, http: aiohttp.ClientSession, tmp_path, groups: int = 10,
                       questions: list[dict] = RATIFY, committed: list[int] | None = None) -> Keyed:
    """`groups` groups call a ballot of `questions`, the first five (or all, if fewer) its
    trustees with a threshold of three, and make its key together; each group committed
    `committed[i]` active members (two unless said)."""
    services = await form(cluster, groups)
    nodes = [s.node for s in services]
    trustees = nodes[:5]  # from five different groups
    for node, members in zip(nodes, committed or [2] * groups, strict=True):
        await node.append("register.commitment", RegisterCommitment(clock.now_ms(), members,
                                                                    "ab" * 32))
    await cluster.converged()

    # BL1: the national committee decides to call the ballot; the call names the decision
    now = clock.now_ms()
    meeting_opens, opens = now + 8 * DAY_MS, now + 30 * DAY_MS
    meeting = await nodes[0].append("body.meeting", BodyMeeting(
        "national-committee", "Call a ballot", meeting_opens, meeting_opens + 2 * HOUR,
        [BodyItem("call-ballot", "Ratify the rule change by a member ballot", "", [], opens,
                  "")]))
    await cluster.converged()
    call = {"title": "Ratification", "decision": "amend-constitution",
            "meeting": meeting.id, "item": 0,
            "questions": questions,
            "trustees": [n.id for n in trustees], "threshold": 3,
            "keys_by": now + 2 * DAY_MS, "deals_by": now + 4 * DAY_MS,
            "extracts_by": now + 6 * DAY_MS, "opens": opens, "closes": opens + 14 * DAY_MS}
    with pytest.raises(Refused) as refused:
        await ballots.call(nodes[0], {**call, "decision": "dissolve-network"})
    assert refused.value.rejection.code == "not_empowered"
    assert refused.value.rejection.reason.startswith("C6:")
    token = cluster.tokens[0]
    async with http.post(nodes[0].config.url + "/api/v1/ballots", json=call,
                         headers={"Authorization": f"Bearer {token}"}) as response:
        answer = await response.json()
        assert response.status == 201, answer
    ballot = answer["entry"]
    await cluster.converged()

    # BALLOTS 6: every trustee makes its key in its own file, deals, checks, extracts
    secret = {n.id: tmp_path / f"trustee-{i}.json" for i, n in enumerate(trustees)}
    for node in trustees:
        await cli.trustee_key(node, argparse.Namespace(ballot=ballot, secret=str(secret[node.id])))
        assert os.stat(secret[node.id]).st_mode & 0o777 == 0o600
    await everywhere(services, lambda n: len(n.state.rules(Ballots).keys.get(ballot, {}))
                     == len(trustees), "every trustee's key")
    for node in trustees:
        await cli.trustee_deal(node, argparse.Namespace(ballot=ballot,
                                                        secret=str(secret[node.id])))
    await cluster.converged()
    for node in trustees:
        checked = await cli.trustee_check(node, argparse.Namespace(
            ballot=ballot, secret=str(secret[node.id])))
        assert checked["complained_against"] == []
    await witnessed(services, lambda n: [h for h, _ in n.state.rules(Ballots).keys[ballot]
                                         .values()] + [d[2] for d in n.state.rules(Ballots)
                                                       .deals.values()],
                    now + 2 * DAY_MS, "the keys and deals")
    await tick(services[0], 4.5)  # past deals_by
    for node in trustees:
        await cli.trustee_extract(node, argparse.Namespace(ballot=ballot,
                                                           secret=str(secret[node.id])))
    await cluster.converged()
    await everywhere(services, lambda n: len(n.state.rules(Ballots).extracts.get(
        ballot, {})) == len(trustees), "every extraction")
    await witnessed(services, lambda n: [h for h, _ in n.state.rules(Ballots).extracts[
        ballot].values()], now + 6 * DAY_MS, "the extractions")
    await until(services[0], meeting_opens + 60_000)  # past extracts_by; the meeting opens
    votes = [await nodes[i].append("body.vote", BodyVote(
        EntryRef(nodes[0].id, meeting.id, nodes[i].state.head_of(nodes[0].id).seq), 0,
        f"nc-{i + 1}", "for")) for i in (0, 1)]
    await cluster.converged()
    await witnessed(services, lambda n: votes, meeting_opens + 2 * HOUR, "the votes")
    await tick(services[0], 1)
    try:
        await everywhere(services, lambda n: result(n, ballot).key.status == "ready",
                         "the election key made on every node")
    except AssertionError:
        print([result(n, ballot).key.reason for n in nodes])
        raise
    keys = {result(n, ballot).key.public_key for n in nodes}
    assert len(keys) == 1
    return Keyed(services, ballot, opens, secret)


async def ballot_of_ten(cluster: Cluster, http: aiohttp.ClientSession, tmp_path,
                        before_opening: Hook | None = None, while_open: Hook | None = None,
                        counts: list[list[int]] | None = None,
                        ) -> tuple[list[Service], str, dict]:
    """The whole ballot, checked on every node; answers the services, the ballot's id and
    the receipt of a member who voted twice. `before_opening` and `while_open` add what
    another member of Group 1 does (Group 1 then commits three members), and `counts` is
    then the count expected."""
    services, ballot, opens, secret = await keyed_ballot(
        cluster, http, tmp_path, committed=[3 if before_opening else 2] + [2] * 9)
    nodes = [s.node for s in services]

    # BL5: each member makes a credential on their own device; the group lists it
    members = {}
    for i, node in enumerate(nodes):
        for name in ("a", "b"):
            path = tmp_path / f"member-{i}-{name}.json"
            await cli.enrol(node, argparse.Namespace(ballot=ballot, credential=str(path)))
            assert os.stat(path).st_mode & 0o777 == 0o600
            members[(i, name)] = path
    if before_opening is not None:
        await before_opening(services, ballot)
    extra = tmp_path / "member-0-extra.json"
    with pytest.raises(Refused) as refused:
        await cli.enrol(nodes[0], argparse.Namespace(ballot=ballot, credential=str(extra)))
    assert refused.value.rejection.code == "too_many_credentials"
    await cluster.converged()
    await witnessed(services, lambda n: [h for lists in n.state.rules(Ballots).credentials[
        ballot].values() for h, _ in lists], opens, "the credential lists")
    listed = await cli.listed(nodes[3], argparse.Namespace(ballot=ballot, credential=str(
        members[(2, "a")])))
    assert listed["listed"] and listed["group"] == nodes[2].id and listed["counts"] is True
    assert (await cli.listed(nodes[0], argparse.Namespace(ballot=ballot, credential=str(
        extra))))["listed"] is False
    await until(services[0], opens + HOUR)
    try:
        await everywhere(services, lambda n: result(n, ballot).status == "open",
                         "the ballot open")
    except AssertionError:
        print([result(n, ballot).reason for n in nodes])
        raise

    # BL6: members vote; Group 5's node is down for part of the window
    down = services[4]
    directory = down.node.directory
    await cluster.stop(down)
    choices = {(0, "a"): "0", (0, "b"): "1", (1, "a"): "0", (1, "b"): "2", (2, "a"): "0",
               (2, "b"): "1", (3, "a"): "0", (3, "b"): "0", (5, "a"): "0", (5, "b"): "0",
               (6, "a"): "1", (6, "b"): "2", (7, "a"): "0", (7, "b"): "1", (8, "a"): "2",
               (8, "b"): "0", (9, "a"): "1", (9, "b"): "1"}
    for (i, name), choice in choices.items():
        await cli.vote(nodes[i], argparse.Namespace(ballot=ballot, credential=str(
            members[(i, name)]), choose=[choice]))
    # a member changes their mind: the last ballot of a credential counts
    await cli.vote(nodes[0], argparse.Namespace(ballot=ballot, credential=str(
        members[(0, "a")]), choose=["1"]))
    receipt = json.loads((tmp_path / "member-0-a.json.receipt").read_text())
    if while_open is not None:
        await while_open(services, ballot)
    clock.advance_everyone(3 * DAY_MS)
    restarted = await cluster.start(directory)
    services = cluster.services
    nodes = [s.node for s in services]
    for name, choice in (("a", "0"), ("b", "2")):
        await cli.vote(restarted.node, argparse.Namespace(ballot=ballot, credential=str(
            members[(4, name)]), choose=[choice]))
    await cluster.converged()

    # BL7: after the close the caller's node cuts by itself, and every participant's node
    # cosigns it by itself; nobody can cut before the close
    with pytest.raises(Refused) as refused:
        await ballots.cut(nodes[0], ballot)
    assert refused.value.rejection.code == "early_close"
    closes = opens + 14 * DAY_MS
    await witnessed(services, lambda n: [c for casts in n.state.rules(Ballots).casts[
        ballot].values() for c in casts], closes, "every ballot")
    # a cut that leaves out Group 2's last ballot: Group 2, which holds it, will not cosign
    clock.advance_everyone(closes + HOUR - clock.now_ms())
    writer = nodes[1]
    last = writer.state.rules(Ballots).casts[ballot][writer.id][-1]
    heads = [[g, writer.state.head_of(g).seq, writer.state.head_of(g).id]
             for g in sorted(writer.state.rules(Ballots).credentials[ballot]) if g != writer.id]
    heads.append([writer.id, last.seq - 1, writer.state.id_at(writer.id, last.seq - 1)])
    short = await writer.append("ballot.cut", msgspec.convert(
        {"ballot": {"group": nodes[0].id, "entry": ballot,
                    "seen": writer.state.head_of(nodes[0].id).seq}, "heads": heads}, BallotCut))
    with pytest.raises(Refused) as refused:
        await ballots.cosign(writer, short.id)
    assert refused.value.rejection.code == "cut_omits"
    await services[0].node.append("group.profile", Profile(nodes[0].config.name))
    await everywhere(services, lambda n: result(n, ballot).final_cut is not None,
                     "a final cut on every node")
    final = {result(n, ballot).final_cut for n in nodes}
    assert len(final) == 1 and final != {short.id}
    assert nodes[0].state.rules(Ballots).cuts[final.pop()].author == nodes[0].id

    # BL8: three trustees decrypt; every node derives the same count
    for node in nodes[:3]:
        await cli.trustee_decrypt(node, argparse.Namespace(ballot=ballot,
                                                           secret=str(secret[node.id])))
    await cluster.converged()
    await everywhere(services, lambda n: result(n, ballot).status == "counted",
                     "the ballot counted on every node")
    expected = counts or [[9, 7, 4]]
    assert {json.dumps(result(n, ballot).counts) for n in nodes} == {json.dumps(expected)}
    for node in nodes:
        assert ballots.verify(node, ballot) == []
        found = ballots.find(node, ballot, receipt["tracker"])
        assert found["held"] and found["counted"] and found["seq"] == receipt["seq"]
    assert result(nodes[0], ballot).ballots == sum(expected[0])
    assert ballots.check_receipt(nodes[3], ballot, receipt)["status"] == "counted"
    return services, ballot, receipt


async def test_a_node_that_drops_a_ballot_it_gave_a_receipt_for_is_caught_by_the_receipt(
        net, tmp_path):
    cluster, http = net
    services, ballot, receipt = await ballot_of_ten(cluster, http, tmp_path)
    home, other = services[0].node, services[3].node
    # the home node signs a receipt for a ballot at a seq where its log holds another
    # entry, as a node that took a ballot and left it out of its log would
    seq = receipt["seq"] - 1
    dropped = {**receipt, "seq": seq, "entry": "ab" * 32,
               "signature": home.key.sign_id(bytes.fromhex("ab" * 32))}
    assert other.state.id_at(home.id, seq) != dropped["entry"]
    answer = ballots.check_receipt(other, ballot, dropped)
    assert answer["status"] == "dropped" and answer["reason"].startswith("BL6:")
    forged = {**receipt, "signature": other.key.sign_id(bytes.fromhex(receipt["entry"]))}
    assert ballots.check_receipt(other, ballot, forged)["status"] == "unsigned"


def flipped(lines: list[bytes], kind: str, field: str) -> list[bytes]:
    """The export with one hex digit changed in the first `kind` entry's `field`."""
    out = list(lines)
    at = next(i for i, line in enumerate(out) if json.loads(line)[6] == kind)
    data = json.loads(out[at])[7][field].encode()
    where = out[at].index(data) + len(data) // 2
    digit = out[at][where:where + 1]
    out[at] = out[at][:where] + (b"0" if digit != b"0" else b"1") + out[at][where + 1:]
    return out


async def test_anyone_verifies_the_count_from_an_export_alone_and_a_changed_byte_is_named(
        net, tmp_path, capsys):
    cluster, http = net
    services, ballot, receipt = await ballot_of_ten(cluster, http, tmp_path)
    exported = tmp_path / "ballot.jsonl"
    await cli.export(services[3].node, argparse.Namespace(ballot=ballot[:12],
                                                          file=str(exported)))
    capsys.readouterr()
    # no node is running now, and the command is given no node's directory
    assert await asyncio.to_thread(main, ["ballot", "verify", "--entries", str(exported),
                                          ballot[:12]]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["verified"] is True and shown["problems"] == []
    assert shown["counts"] == [[9, 7, 4]] and shown["ballots"] == 20
    lines = exported.read_bytes().splitlines()
    assert shown["entries"] == len(lines)

    for kind, field in (("ballot.cast", "cast"), ("ballot.partial", "partial")):
        changed = tmp_path / f"changed-{kind}.jsonl"
        changed.write_bytes(b"\n".join(flipped(lines, kind, field)) + b"\n")
        assert await asyncio.to_thread(main, ["ballot", "verify", "--entries", str(changed),
                                              ballot[:12]]) == 1
        shown = json.loads(capsys.readouterr().out)
        assert shown["verified"] is False
        assert f"({kind} by " in shown["problems"][0]
        assert shown["problems"][0].endswith("bad signature"), shown["problems"][0]
