"""Admission when the standing orders ask for more than one approval (N2)."""

from __future__ import annotations

import pytest

from groupnet.network import joining
from groupnet.wire.messages import NetworkStandingOrders
from groupnet.wire.rejection import Refused

from ..conftest import eventually
from .wire import next_profile, node_key, push

TWO_APPROVALS = NetworkStandingOrders(admission_approvals=2, witness_interval_seconds=1)


async def test_a_network_needing_two_approvals_can_still_grow_from_its_founder(cluster):
    a, b = await cluster.form(2, TWO_APPROVALS)
    await cluster.converged()
    for service in (a, b):
        assert service.node.state.is_member(b.node.id)


async def test_a_candidate_is_admitted_only_by_a_second_approval_from_another_node(cluster):
    a, b = await cluster.form(2, TWO_APPROVALS)
    c = await cluster.add("Candidate")
    await joining.admit(a.node, a.client, c.node.config.url)
    await joining.join(c.node, c.client, a.node.config.url)
    await eventually(lambda: all(c.node.id in s.node.state.candidates for s in (a, b, c)),
                     what="the candidate with one approval on every node")

    with pytest.raises(Refused) as refused:
        await joining.set_profile(c.node, {"area": "too early"})
    assert refused.value.rejection.code == "not_admitted"
    assert "1" in refused.value.rejection.reason
    early = next_profile(node_key(c.node), a.node, c.node.id, "too early")
    for service in (a, b):
        [result] = await push(service.node.config.url, early.raw)
        assert (result["status"], result["code"]) == ("rejected", "not_admitted")

    with pytest.raises(Refused) as refused:
        await joining.admit(a.node, a.client, c.node.config.url)
    assert refused.value.rejection.code == "duplicate_approval"
    assert not a.node.state.is_member(c.node.id)

    await joining.admit(b.node, b.client, c.node.config.url)
    await eventually(lambda: all(s.node.state.is_member(c.node.id) for s in (a, b, c)),
                     what="the candidate admitted on every node")
    member = a.node.state.members[c.node.id]
    assert member.admitted_by == sorted([a.node.id, b.node.id])

    await joining.set_profile(c.node, {"area": "admitted now"})
    await eventually(lambda: all(
        any(g["area"] == "admitted now" for g in s.node.groups()) for s in (a, b, c)
    ), what="the new member's profile on every node")
    await cluster.converged()
