"""Push replication: every accepted entry goes on to this node's neighbours.

Per destination the outbox keeps one persistent cursor (the last local rx the
peer acknowledged) in SQLite, so nothing is lost across restarts or while a
peer is down. Each destination has its own task: a slow or dead peer backs off
(capped exponential with jitter) without holding up the others. A refusal that
may pass later (the peer lacks a predecessor, or has not yet seen an
admission) does not stop the cursor: the peer's anti-entropy fetches it.
"""

from __future__ import annotations

import asyncio
import logging
import random

from ..node import Node, now_ms
from .client import PeerClient, PeerError
from .overlay import neighbours

log = logging.getLogger("groupnet.outbox")

BATCH = 500
BACKOFF_BASE_MS = 500
BACKOFF_CAP_MS = 5 * 60 * 1000


def backoff_ms(failures: int, rng: random.Random) -> int:
    """Capped exponential, with full jitter in its upper half."""
    ceiling = min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * (2 ** min(failures, 20)))
    return ceiling // 2 + rng.randrange(ceiling // 2 + 1)


class Outbox:
    def __init__(self, node: Node, client: PeerClient) -> None:
        self.node = node
        self.client = client
        self.tasks: dict[str, asyncio.Task] = {}
        self.wakeups: dict[str, asyncio.Event] = {}
        self.requests = 0
        self._rng = random.Random()

    def destinations(self) -> dict[str, str]:
        members = self.node.state.members
        chosen = neighbours(list(members), self.node.id)
        return {peer: members[peer].url for peer in chosen if members[peer].url}

    async def refresh(self) -> None:
        """Start a pusher for each current neighbour; stop those no longer chosen."""
        wanted = self.destinations()
        for peer in list(self.tasks):
            if peer not in wanted:
                task = self.tasks.pop(peer)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                self.wakeups.pop(peer, None)
        for peer in wanted:
            if peer not in self.tasks:
                await self.node.db.execute(
                    "INSERT OR IGNORE INTO outbox (peer, cursor) VALUES (?, ?)",
                    (peer, self.node.last_rx),
                )
                self.wakeups[peer] = asyncio.Event()
                self.tasks[peer] = asyncio.create_task(self._push_loop(peer), name=f"push {peer}")
        self.wake()

    def wake(self) -> None:
        for event in self.wakeups.values():
            event.set()

    async def stop(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        self.tasks.clear()

    async def backlog(self) -> dict[str, dict]:
        async with self.node.db.execute(
            "SELECT peer, cursor, failures, next_attempt, last_error FROM outbox"
        ) as cursor:
            rows = await cursor.fetchall()
        return {
            peer: {
                "pending": max(0, self.node.last_rx - cur),
                "failures": failures,
                "next_attempt": next_attempt,
                "last_error": error,
                "active": peer in self.tasks,
            }
            for peer, cur, failures, next_attempt, error in rows
        }

    async def _push_loop(self, peer: str) -> None:
        wakeup = self.wakeups[peer]
        while True:
            async with self.node.db.execute(
                "SELECT cursor, failures, next_attempt FROM outbox WHERE peer = ?", (peer,)
            ) as cursor:
                position, failures, next_attempt = await cursor.fetchone()
            delay = next_attempt - now_ms()
            if delay > 0:
                wakeup.clear()
                await asyncio.sleep(delay / 1000)
                continue
            rows = await self.node.feed(position, BATCH)
            if not rows:
                wakeup.clear()
                if self.node.last_rx <= position:
                    await wakeup.wait()
                continue
            url = self.node.state.members[peer].url if peer in self.node.state.members else None
            if url is None:
                return
            try:
                self.requests += 1
                await self.client.push(url, [raw for _, raw in rows])
            except PeerError as error:
                failures += 1
                wait = backoff_ms(failures, self._rng)
                log.info("push to %s failed (%d): %s; retry in %d ms", peer, failures, error, wait)
                await self.node.db.execute(
                    "UPDATE outbox SET failures = ?, next_attempt = ?, last_error = ? "
                    "WHERE peer = ?",
                    (failures, now_ms() + wait, str(error)[:500], peer),
                )
                continue
            await self.node.db.execute(
                "UPDATE outbox SET cursor = ?, failures = 0, next_attempt = 0, last_error = '' "
                "WHERE peer = ?",
                (rows[-1][0], peer),
            )
