"""A running node: the HTTP server plus the replication and witness loops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sqlite3
import time

from aiohttp import web

from . import store
from .clock import now_ms
from .federation.client import PeerClient, PeerError
from .federation.outbox import Outbox
from .federation.peer_policy import PeerPolicy
from .federation.sync import anti_entropy_round, confirm_own_head
from .network import ballots, floor
from .network.joining import bootstrap_urls, declare_url
from .network.node import Node
from .procedure.network import deadlines
from .store import entries
from .web.app import make_app
from .wire.messages import Head, Witness
from .wire.rejection import Refused

log = logging.getLogger("groupnet.service")

TAIL_POLL_SECONDS = 0.25
BALLOT_POLL_SECONDS = 1.0
FLOOR_POLL_SECONDS = 1.0


class Service:
    def __init__(self, node: Node, host: str | None = None, port: int | None = None) -> None:
        self.node = node
        self.host = host or node.config.host
        self.port = port if port is not None else node.config.listen_port()
        self.client = PeerClient(policy=PeerPolicy.of(node.config))
        self.outbox = Outbox(node, self.client)
        self.runner: web.AppRunner | None = None
        self.tasks: list[asyncio.Task] = []
        self.ready = asyncio.Event()
        self._rng = random.Random()
        self._offers: set[asyncio.Task] = set()

    async def start(self) -> None:
        self.node.writable.clear()  # until `_startup` has confirmed our own head
        app = make_app(self.node, self)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port, reuse_address=True)
        await site.start()
        log.info("serving node=%s url=%s listen=%s:%d",
                 self.node.id, self.node.config.url, self.host, self.port)
        self.tasks = [
            asyncio.create_task(self._startup(), name="startup"),
            asyncio.create_task(self._watch_changes(), name="changes"),
            asyncio.create_task(self._watch_tail(), name="tail"),
            asyncio.create_task(self._anti_entropy(), name="anti-entropy"),
            asyncio.create_task(self._witness(), name="witness"),
            asyncio.create_task(self._ballots(), name="ballots"),
            asyncio.create_task(self._floor(), name="floor"),
        ]

    async def stop(self) -> None:
        for task in [*self.tasks, *self._offers]:
            task.cancel()
        await asyncio.gather(*self.tasks, *self._offers, return_exceptions=True)
        await self.outbox.stop()
        if self.runner is not None:
            await self.runner.cleanup()
        await self.client.close()

    async def _startup(self) -> None:
        try:
            while True:
                try:
                    recovered = await confirm_own_head(
                        self.node, self.client, await bootstrap_urls(self.node)
                    )
                    break
                except sqlite3.OperationalError as error:
                    if not store.is_busy(error):
                        raise
                    # another process held the database past the busy timeout: the head
                    # is not confirmed yet, so this node still signs nothing; ask again
                    log.warning("own head not confirmed yet: %s", error)
                    await asyncio.sleep(1)
        finally:
            self.node.writable.set()
        if recovered:
            log.warning("recovered %d of this node's own entries from peers", recovered)
        await self.outbox.refresh()
        self.ready.set()
        self.node.changed.set()  # the watcher publishes this node's url if it has none yet

    async def _watch_changes(self) -> None:
        addresses: dict[str, str] = {}
        while True:
            await self.node.changed.wait()
            self.node.changed.clear()
            # a member's url appears when it publishes it, after its admission (N2)
            current = {node: m.url for node, m in self.node.state.members.items()}
            if current != addresses:
                addresses = current
                if self.ready.is_set():
                    await self.outbox.refresh()
            if self.ready.is_set():
                await self._declare_url()
            self.outbox.wake()

    async def _declare_url(self) -> None:
        """Admitted after joining (a network needing several approvals): say where we are."""
        try:
            entry = await declare_url(self.node)
        except Refused as refusal:
            log.warning("could not publish this node's url: %s", refusal)
            return
        if entry is not None:
            log.info("published this node's url %s (seq %d)", self.node.config.url, entry.seq)

    async def _watch_tail(self) -> None:
        """Entries written by another process (the CLI) on this node's database."""
        while True:
            await asyncio.sleep(TAIL_POLL_SECONDS)
            if time.monotonic() - self.node.tail_folded < TAIL_POLL_SECONDS:
                continue  # a write folded the tail meanwhile: a busy node looks no more
            before = self.node.last_rx
            latest = await entries.latest_rx(self.node.db)
            if latest > before:
                await self.node.fold_tail()
                self.node.changed.set()

    async def _anti_entropy(self) -> None:
        await self.ready.wait()
        while True:
            interval = self.node.config.sync_interval_seconds
            # wake early when an entry was refused for something we lack; asyncio.timeout,
            # unlike wait_for on 3.11, never swallows the task's own cancellation
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval * (0.5 + self._rng.random())):
                    await self.node.wants_sync.wait()
            self.node.wants_sync.clear()
            try:
                gained = await anti_entropy_round(
                    self.node, self.client, await bootstrap_urls(self.node), self._rng
                )
            except sqlite3.OperationalError as error:
                # another process (the CLI) held the write lock past the busy timeout:
                # try again next round rather than end replication for good
                log.warning("anti-entropy round failed: %s", error)
                continue
            if gained:
                log.info("anti-entropy fetched %d entries", gained)

    async def _ballots(self) -> None:
        """Cut the ballots this node called once they close; cosign the cuts it agrees
        with (SPEC 5.10, BL7)."""
        await self.ready.wait()
        while True:
            await asyncio.sleep(BALLOT_POLL_SECONDS)
            try:
                for entry in await ballots.automate(self.node, now_ms()):
                    log.info("ballots: wrote %s seq %d", entry.kind, entry.seq)
            except sqlite3.OperationalError as error:
                log.warning("ballots: nothing written this round: %s", error)  # busy

    async def _witness(self) -> None:
        """Sign the heads this node holds, now and then, for witnessed time (N5)."""
        await self.ready.wait()
        node = self.node
        while True:
            # before it is a member the network's interval may not be known: look again soon
            member = node.state.is_member(node.id)
            await asyncio.sleep(node.state.orders.witness_interval_seconds if member else 1)
            await self.witness()

    async def witness(self) -> None:
        """One round of the witness loop: sign the heads not yet witnessed, or every head
        once a moment a procedure waits on has passed; nothing if neither."""
        node = self.node
        if not node.state.is_member(node.id):
            return
        if node.unwitnessed_news:
            heads = sorted(node.unwitnessed.items())[:500]
        elif deadlines.due(node.state, node.id, now_ms()):
            # a moment a procedure waits on has passed: say so even on a quiet network
            heads = sorted((author, (head.seq, head.id))
                           for author, head in node.state.heads.items())[:500]
        else:
            return
        body = Witness([Head(author, seq, ident) for author, (seq, ident) in heads])
        try:
            await node.append("heads.witness", body)
        except Refused:
            return  # a frozen or revoked log takes nothing more
        except sqlite3.OperationalError as error:
            log.warning("no witness this round: %s", error)  # busy: next round
            return
        for author, _ in heads:
            node.unwitnessed.pop(author, None)
        node.unwitnessed_news = bool(node.unwitnessed)

    async def _send_cosignature(self, url: str, body: bytes) -> None:
        """Offer a cosignature to the node that wrote the cut, without holding up the floor
        loop; one that does not arrive is made up for by a `floor.cosign` (SPEC 5.9)."""

        async def offer() -> None:
            try:
                await self.client.cosignature(url, body)
            except PeerError as error:
                log.info("floor: cosignature not taken: %s", error)

        task = asyncio.create_task(offer(), name="cosignature")
        self._offers.add(task)
        task.add_done_callback(self._offers.discard)

    async def _floor(self) -> None:
        """Cut the questions this node put once they close; cosign the cuts it agrees with
        (SPEC 5.9). Woken at once by a floor entry (a cut to cosign, a count a tellers' cut
        waits on) and when a cut this node owes falls due; else it looks every second."""
        await self.ready.wait()
        node = self.node
        while True:
            wait = FLOOR_POLL_SECONDS
            due = floor.next_cut(node.state, node.id)
            if due is not None and due > now_ms():
                wait = min(wait, (due - now_ms()) / 1000)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await node.floor_news.wait()
            node.floor_news.clear()
            try:
                for entry in await floor.automate(node, send=self._send_cosignature):
                    log.info("floor: wrote %s seq %d", entry.kind, entry.seq)
            except sqlite3.OperationalError as error:
                log.warning("floor: nothing written this round: %s", error)  # busy: next round
