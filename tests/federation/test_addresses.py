"""A node's address is its own word (SPEC 5.4, "Name and address"; SPEC 6).

Peers push entries to a member's url, so nobody but the member may set it: an
approval names where the approver found the candidate, and that is all.
"""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from groupnet.network import joining
from groupnet.wire import messages
from groupnet.wire.messages import Admit, NetworkStandingOrders

from ..conftest import eventually
from .wire import node_key, push

SPEC = (Path(__file__).resolve().parents[2] / "protocol" / "SPEC.md").read_text()


def addresses(service) -> dict[str, str]:
    return {node: m.url for node, m in service.node.state.members.items()}


async def test_every_joined_node_is_reached_at_the_url_it_published_itself(cluster):
    services = await cluster.form(3)
    await cluster.converged()
    own = {s.node.id: s.node.config.url for s in services}
    for service in services:
        assert addresses(service) == own
        for other in services[1:]:
            # the url comes from the member's own profile, which joining published
            profile = service.node.state.profiles[other.node.id][1]
            assert profile.url == other.node.config.url


async def test_a_member_cannot_move_another_members_url_or_rename_the_founder(cluster):
    a, b, c = await cluster.form(3)
    await cluster.converged()
    await cluster.stop(c)  # C's own node writes nothing more while its key is used here
    key, net = node_key(c.node), a.node.state.net
    head = a.node.state.head_of(c.node.id)
    first_approval = min(a.node.state.members[b.node.id].approvals.values())
    ts = max(head.ts, 1)
    while True:  # grind the timestamp until C's approval sorts before A's
        hijack = messages.build(key, net, c.node.id, head.seq + 1, head.id, ts, "node.admit",
                                Admit(b.node.id, "Hijacked", "https://hijack.example.net"))
        if hijack.id < first_approval:
            break
        ts += 1
    founder = messages.build(key, net, c.node.id, head.seq + 2, hijack.id, ts, "node.admit",
                             Admit(a.node.id, "Usurped", "https://usurped.example.net"))
    for service in (a, b):
        results = await push(service.node.config.url, hijack.raw, founder.raw)
        assert [r["status"] for r in results] == ["accepted", "accepted"]
    for service in (a, b):
        members = service.node.state.members
        assert members[b.node.id].url == b.node.config.url
        assert members[a.node.id].url == a.node.config.url
        assert members[a.node.id].name == a.node.config.name
        assert members[a.node.id].admitted_by == []
    # and A still pushes to B where B said it is
    await joining.set_profile(a.node, {"area": "after the hijack"})
    def arrived() -> bool:
        profile = b.node.state.profiles.get(a.node.id)
        return profile is not None and profile[1].area == "after the hijack"

    await eventually(arrived, what="A's entry at B")


async def test_a_node_admitted_after_it_joined_publishes_its_url_once_admitted(cluster):
    orders = NetworkStandingOrders(admission_approvals=2, witness_interval_seconds=1)
    a, b = await cluster.form(2, orders)
    c = await cluster.add("Candidate")
    await joining.admit(a.node, a.client, c.node.config.url)
    await joining.join(c.node, c.client, a.node.config.url)
    assert not c.node.state.is_member(c.node.id)
    assert c.node.id not in c.node.state.profiles  # not a member: nothing to publish yet
    await joining.admit(b.node, b.client, c.node.config.url)
    await eventually(lambda: all(addresses(s).get(c.node.id) == c.node.config.url
                                 for s in (a, b, c)),
                     what="the new member's own url on every node")
    await cluster.converged()


async def test_a_node_without_a_charter_describes_itself_with_none(cluster):
    service = await cluster.add("Candidate")
    async with aiohttp.ClientSession() as http, http.get(
        service.node.config.url + "/.well-known/groupnet"
    ) as response:
        assert response.status == 200
        assert await response.json() == {
            "protocol": "groupnet/1", "node": service.node.id, "name": "Candidate",
            "url": service.node.config.url, "network": None, "charter": None,
        }


async def test_a_member_serves_every_endpoint_the_spec_says_it_must(cluster):
    a, b = await cluster.form(2)
    await cluster.converged()
    section = SPEC[SPEC.index("## 6. Federation endpoints"):SPEC.index("### 6.7")]
    endpoints = re.findall(r"^### 6\.\d `(GET|POST) ([^`?]+)", section, re.M)
    assert len(endpoints) == 6
    charter = (await b.node.entry(b.node.state.charter_id)).raw
    async with aiohttp.ClientSession() as http:
        for method, path in endpoints:
            url = b.node.config.url + path.replace("{author}", a.node.id)
            async with http.request(method, url, data=charter + b"\n") as response:
                assert response.status == 200, (method, path)
