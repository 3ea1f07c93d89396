"""A write cut off by a cancelled request leaves the node whole."""

from __future__ import annotations

import asyncio

from groupnet import network
from groupnet.node import Node


async def test_writes_cancelled_at_any_moment_leave_no_open_transaction_and_no_drift(cluster):
    (service,) = await cluster.form(1)
    node = service.node
    for delay_steps in range(12):
        task = asyncio.create_task(network.set_profile(node, {"area": f"area {delay_steps}"}))
        for _ in range(delay_steps):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    # the node still takes writes: no transaction was left open
    entry = await network.set_profile(node, {"area": "after the cancellations"})
    assert entry.seq == node.state.head_of(node.id).seq
    # what the node holds in memory is what its database says
    fresh = await Node.open(node.directory)
    try:
        assert fresh.state.state_hash() == node.state.state_hash()
        assert fresh.last_rx == node.last_rx
    finally:
        await fresh.close()
