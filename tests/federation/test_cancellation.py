"""A write cut off by a cancelled request leaves the node whole."""

from __future__ import annotations

import asyncio

from groupnet.network import joining
from groupnet.network.node import Node


async def test_writes_cancelled_at_any_moment_leave_no_open_transaction_and_no_drift(cluster):
    (service,) = await cluster.form(1)
    node = service.node
    for delay_steps in range(12):
        task = asyncio.create_task(joining.set_profile(node, {"area": f"area {delay_steps}"}))
        for _ in range(delay_steps):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    # the node still takes writes: no transaction was left open
    entry = await joining.set_profile(node, {"area": "after the cancellations"})
    assert entry.seq == node.state.head_of(node.id).seq
    # what the node holds in memory is what its database says
    fresh = await Node.open(node.directory)
    try:
        assert fresh.state.state_hash() == node.state.state_hash()
        assert fresh.last_rx == node.last_rx
    finally:
        await fresh.close()


async def test_a_transaction_cancelled_while_it_begins_is_ended_before_the_next_one(cluster):
    """`Node.transaction` is used by request handlers, which aiohttp cancels when the
    client hangs up; cancelled while BEGIN ran, it once left the transaction open for
    the next writer to fail on ('cannot start a transaction within a transaction')."""
    (service,) = await cluster.form(1)
    node = service.node

    async def write(n: int) -> None:
        async with node.transaction() as db:
            await db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             ("cancelled_write", str(n)))

    for delay_steps in range(12):
        task = asyncio.create_task(write(delay_steps))
        for _ in range(delay_steps):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert not node.db.in_transaction, f"left open when cancelled after {delay_steps} steps"
    await write(99)
    async with node.db.execute("SELECT value FROM meta WHERE key = 'cancelled_write'") as cursor:
        assert await cursor.fetchone() == ("99",)
