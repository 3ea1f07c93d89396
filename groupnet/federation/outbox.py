"""Push replication: every accepted entry goes on down its author's broadcast trees.

Per destination the outbox keeps one persistent cursor (the last local rx the
peer acknowledged) in SQLite, so nothing is lost across restarts or while a
peer is down. Each destination has its own task: a slow or dead peer backs off
(capped exponential with jitter) without holding up the others. A refusal that
may pass later (the peer lacks a predecessor, or has not yet seen an
admission) does not stop the cursor: the peer keeps an entry that waits for its
predecessor or a dependency and counts it once that arrives (`Node.take_pushed`),
and its anti-entropy fetches the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sqlite3

from .. import store
from ..clock import now_ms
from ..store import peers
from .client import PeerClient, PeerError
from .overlay import Overlay
from .replica import Replica

log = logging.getLogger("groupnet.outbox")

BATCH = 500
# Well under the default request body limit (8 MiB), so a batch of large
# entries is never refused whole with 413 and retried unchanged for ever.
BATCH_BYTES = 4 * 1024 * 1024
# How often moved push cursors are written. Only a restart reads them: it re-sends
# at most this long's entries, which peers answer as duplicates with one read.
FLUSH_SECONDS = 10.0
BACKOFF_BASE_MS = 500
BACKOFF_CAP_MS = 5 * 60 * 1000


def _within_body_limit(rows: list[tuple[int, str, bytes]]) -> list[tuple[int, str, bytes]]:
    """The longest prefix of `rows` whose entries fit in one request body."""
    size = 0
    for count, (_, _, raw) in enumerate(rows):
        size += len(raw) + 1
        if size > BATCH_BYTES and count:
            return rows[:count]
    return rows


def backoff_ms(failures: int, rng: random.Random) -> int:
    """Capped exponential, with full jitter in its upper half."""
    ceiling = min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * (2 ** min(failures, 20)))
    return ceiling // 2 + rng.randrange(ceiling // 2 + 1)


class Outbox:
    def __init__(self, node: Replica, client: PeerClient) -> None:
        self.node = node
        self.client = client
        self.tasks: dict[str, asyncio.Task] = {}
        self.wakeups: dict[str, asyncio.Event] = {}
        self._rng = random.Random()
        self._refreshing = asyncio.Lock()
        self.overlay = Overlay([])
        # where each push task is; written to the database by `flush`, now and then
        self.positions: dict[str, int] = {}
        self._saved: dict[str, int] = {}
        self._flusher: asyncio.Task | None = None
        self._starting: set[asyncio.Future] = set()
        # pushes that failed (for node health and the benchmarks)
        self.failed = 0

    def destinations(self) -> dict[str, str]:
        members = self.node.state.members
        self.overlay = Overlay(list(members))
        chosen = self.overlay.neighbours(self.node.id)
        return {peer: members[peer].url for peer in chosen if members[peer].url}

    async def refresh(self) -> None:
        """Start a pusher for each current neighbour; stop those no longer chosen."""
        # one refresh at a time: two interleaved ones would each start a pusher for a peer
        async with self._refreshing:
            await self._refresh()
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_loop(), name="outbox flush")

    async def flush(self) -> None:
        """Write every cursor that moved since the last flush, in one transaction."""
        moved = [(c, p) for p, c in self.positions.items() if self._saved.get(p) != c]
        if not moved:
            return
        try:
            async with self.node.transaction() as db:
                await peers.save_push_cursors(db, moved)
        except sqlite3.OperationalError as problem:
            # the next flush writes them; meanwhile a restart re-sends a little
            log.warning("could not save push cursors: %s", problem)
            return
        self._saved.update({p: c for c, p in moved})

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await self.flush()

    async def _refresh(self) -> None:
        wanted = self.destinations()
        for peer in list(self.tasks):
            if peer not in wanted:
                task = self.tasks.pop(peer)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                self.wakeups.pop(peer, None)
        new = [peer for peer in wanted if peer not in self.tasks]
        if new:
            # one write starts them all, without holding up the refresh
            starting = asyncio.ensure_future(self._start(new))
            self._starting.add(starting)
            starting.add_done_callback(self._starting.discard)
            for peer in new:
                self.wakeups[peer] = asyncio.Event()
                self.tasks[peer] = asyncio.create_task(self._push_loop(peer, starting),
                                                       name=f"push {peer}")
        self.wake()

    def wake(self) -> None:
        for event in self.wakeups.values():
            event.set()

    async def stop(self) -> None:
        tasks = [*self.tasks.values(), *self._starting,
                 *([self._flusher] if self._flusher else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.tasks.clear()
        self._flusher = None
        with contextlib.suppress(Exception):
            await self.flush()

    async def backlog(self) -> dict[str, dict]:
        rows = await peers.outbox_rows(self.node.db)
        return {
            peer: {
                # a running pusher's position is ahead of the one last written
                "pending": max(0, self.node.last_rx - self.positions.get(peer, cur)),
                "failures": failures,
                "next_attempt": next_attempt,
                "last_error": error,
                "active": peer in self.tasks,
            }
            for peer, cur, failures, next_attempt, error in rows
        }

    async def _push_loop(self, peer: str,
                         starting: asyncio.Future[dict[str, tuple[int, int, int]]]) -> None:
        """Push what this peer should have, in order; back off while it fails.

        The cursor lives in memory (`positions`) and reaches the database every
        FLUSH_SECONDS: after a crash the peer is sent again what it may already
        hold, which it answers as duplicates.
        """
        wakeup = self.wakeups[peer]
        # shielded: cancelling one pusher must not cancel the start of the others
        position, failures, next_attempt = (await asyncio.shield(starting))[peer]
        self.positions[peer] = self._saved[peer] = position
        while True:
            delay = next_attempt - now_ms()
            if delay > 0:
                wakeup.clear()
                await asyncio.sleep(delay / 1000)
                continue
            rows = await self.node.outgoing(position, BATCH)
            if not rows:
                wakeup.clear()
                if self.node.last_rx <= position:
                    await wakeup.wait()
                continue
            member = self.node.state.members.get(peer)
            if member is None or not member.url:
                return
            rows = _within_body_limit(rows)
            me, overlay = self.node.id, self.overlay
            raws = [raw for _, author, raw in rows if peer in overlay.children(me, author)]
            if raws:
                try:
                    await self.client.push(member.url, raws)
                except PeerError as error:
                    self.failed += 1
                    failures += 1
                    wait = backoff_ms(failures, self._rng)
                    next_attempt = now_ms() + wait
                    log.info("push to %s failed (%d): %s; retry in %d ms",
                             peer, failures, error, wait)
                    await self._record_failure(peer, failures, next_attempt, str(error))
                    continue
            if failures:
                failures, next_attempt = 0, 0
                await self._record_failure(peer, 0, 0, "")
            position = self.positions[peer] = rows[-1][0]

    async def _start(self, new: list[str]) -> dict[str, tuple[int, int, int]]:
        """Each new peer's saved cursor and backoff; a new peer starts from our latest entry.

        One write for all the peers a refresh adds (a node that has just joined
        adds all its neighbours at once, and each write waits its turn for the
        node's write lock), tried again while another process holds the database
        past the busy timeout, so a busy moment cannot end the pushers.
        """
        while True:
            try:
                async with self.node.transaction() as db:
                    return {peer: await peers.start_push(db, peer, self.node.last_rx)
                            for peer in new}
            except sqlite3.OperationalError as problem:
                if not store.is_busy(problem):
                    raise
                log.warning("could not start pushing to %d peers yet: %s", len(new), problem)
                await asyncio.sleep(1)

    async def _record_failure(self, peer: str, failures: int, next_attempt: int,
                              error: str) -> None:
        """Keep the backoff across restarts; a busy database only loses the record of it."""
        try:
            async with self.node.transaction() as db:
                await peers.record_push_failure(db, peer, failures, next_attempt, error[:500])
        except sqlite3.OperationalError as problem:
            log.warning("could not record the push failure to %s: %s", peer, problem)
