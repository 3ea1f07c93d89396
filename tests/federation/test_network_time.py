"""Witnessed network time (N5): every node dates an entry alike, from others' signatures."""

from __future__ import annotations

from groupnet.network import joining

from ..conftest import eventually
from .wire import api


async def test_every_node_gives_an_entry_the_same_witnessed_time_and_deadline_answers(cluster):
    services = await cluster.form(3)
    b = services[1]
    await cluster.converged()
    entry = await joining.set_profile(b.node, {"area": "on time?"})

    def times() -> set:
        return {s.node.state.network_time(b.node.id, entry.seq) for s in services}

    await eventually(lambda: len(times()) == 1 and None not in times(), timeout=20,
                     what="one witnessed network time on every node")
    (moment,) = times()
    assert moment >= entry.ts  # one machine, one clock: witnessed after it was written
    deadlines = {"before": moment - 1, "at": moment, "after": moment + 60_000,
                 "before the entry": entry.ts - 1}
    expected = {"before": False, "at": True, "after": True, "before the entry": False}
    for service, token in zip(services, cluster.tokens, strict=True):
        for what, deadline in deadlines.items():
            assert service.node.state.arrived_before(b.node.id, entry.seq, deadline) \
                is expected[what], what
            status, answer = await api(
                "GET", f"{service.node.config.url}/api/v1/entries/{entry.id}?deadline={deadline}",
                token)
            assert status == 200
            assert answer["network_time"] == moment
            assert answer["arrived_before_deadline"] is expected[what], what


async def test_an_entry_not_yet_witnessed_by_a_majority_has_no_network_time_yet(cluster):
    a, b, c = await cluster.form(3)
    await cluster.converged()
    cluster.partition([a], [b], [c])
    entry = await joining.set_profile(b.node, {"area": "nobody saw this"})
    assert b.node.state.network_time(b.node.id, entry.seq) is None
    assert b.node.state.arrived_before(b.node.id, entry.seq, entry.ts + 3_600_000) is None
    status, answer = await api(
        "GET", f"{b.node.config.url}/api/v1/entries/{entry.id}?deadline={entry.ts}",
        cluster.tokens[1])
    assert (status, answer["network_time"], answer["arrived_before_deadline"]) == (
        200, None, None)
    cluster.heal()
    await eventually(lambda: b.node.state.network_time(b.node.id, entry.seq) is not None,
                     what="a network time once the others witness it")
