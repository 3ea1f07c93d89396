"""A node: its key, its database, and the network state folded from its log.

Everything that writes the log goes through here, from the CLI, the web API
and the federation inbox alike. Writes are serialised by SQLite's write lock
(`BEGIN IMMEDIATE`): the head is read, the entry signed, stored and the head
moved in one transaction, so a seq is never signed twice, even when the CLI
and a running server share the node. Entries another process committed are
folded in ("the tail") before anything is decided.

Whether an entry is accepted, this node's own or another's, is decided by
`procedure.network.receive` alone; here is only what it needs (the ids held,
signatures checked ahead in worker processes, the time) and what it answers
(storing, folding, the result sent back).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import aiosqlite

from .. import config, store
from ..clock import now_ms
from ..federation.replica import RETRY_LATER, CheckedBatch, Result
from ..procedure.network import (
    Accept,
    Duplicate,
    ForkEvidence,
    NetworkState,
    Refuse,
    Verdict,
    count,
    receive,
)
from ..store import entries
from ..wire import crypto, messages
from ..wire.messages import Body, Entry
from ..wire.rejection import Refused, Rejection, refuse

PARALLEL_VERIFY_MIN = 64
T = TypeVar("T")
# The latest entries stay in memory, so pushing them on needs no database read.
RECENT_WINDOW = 4096
# A pushed entry refused until its predecessor or a dependency arrives (`LATER`) waits in
# memory, and is offered again each time this node stores something new; at most this many,
# for at most this long. Anti-entropy is asked only for those still waiting after the grace.
LATER = frozenset({"seq_gap", "missing_dependency"})
LATER_MAX = 2000
LATER_MS = 60_000
LATER_GRACE_SECONDS = 1.0

class HeldEntries:
    """The ids a node holds, and at which (author, seq), as a decision asks (`receive`)."""

    __slots__ = ("ids", "at")

    def __init__(self, ids: set[str], at: dict[tuple[str, int], str]) -> None:
        self.ids = ids
        self.at = at

    def __contains__(self, ident: object) -> bool:
        return ident in self.ids

    def id_at(self, author: str, seq: int) -> str | None:
        return self.at.get((author, seq))

    def add(self, entry: Entry) -> None:
        self.ids.add(entry.id)
        self.at.setdefault((entry.author, entry.seq), entry.id)


def signed_here(entry: Entry, key: str) -> bool:
    """This node's own entry, just signed with the key in force."""
    return True


async def to_the_end(work: Awaitable[T]) -> T:
    """Await `work`, and if the caller is cancelled meanwhile, let it finish anyway.

    A write transaction cut off half way by a client hanging up would leave
    the connection inside a transaction nobody ends (aiosqlite still runs a
    statement whose caller was cancelled), or commit rows whose fold into the
    state was skipped. The caller still gets its cancellation, once the work
    is done.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise


_shared_pool: ProcessPoolExecutor | None = None


def _verify_pool() -> ProcessPoolExecutor:
    """One pool of signature checkers per process, however many nodes it runs."""
    global _shared_pool
    if _shared_pool is None:
        _shared_pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 2)
    return _shared_pool


def _verify_chunk(items: list[tuple[str, bytes, str]]) -> list[bool]:
    return [crypto.verify_id(key, ident, sig) for key, ident, sig in items]


class Node:
    def __init__(self, directory: Path, settings: config.NodeConfig,
                 key: crypto.SigningKey, db: aiosqlite.Connection, node_id: str) -> None:
        self.directory = directory
        self.config = settings
        self.key = key
        self.db = db
        self.id = node_id
        self.state = NetworkState()
        self.last_rx = 0
        self.changed = asyncio.Event()
        self.wants_sync = asyncio.Event()
        # set when a floor entry is counted: the service's floor loop acts on it at once;
        # and when (now_ms) the latest was
        self.floor_news = asyncio.Event()
        self.floor_heard = 0
        # when the tail was last folded (time.monotonic()), by any write or a look
        self.tail_folded = 0.0
        # held by a join's catch-up: anti-entropy does not fetch the same entries meanwhile
        self.pulling = asyncio.Lock()
        self.recent: deque[tuple[int, str, bytes]] = deque(maxlen=RECENT_WINDOW)
        # the same entries parsed, by their bytes: relays bring most entries more than once
        self._parsed: dict[bytes, Entry] = {}
        self._lock = asyncio.Lock()
        # (key, entry id, signature) -> whether it verified, for the latest checked
        self._verdicts: dict[tuple[str, str, str], bool] = {}
        # pushed entries refused for now (`LATER`): id -> (until, author, seq, raw)
        self._later: dict[str, tuple[int, str, int, bytes]] = {}
        self._offering: asyncio.Task | None = None
        # batches waiting to be stored together (`_ingest_checked`)
        self._queued: list[tuple[CheckedBatch, int, asyncio.Future[list[Result]]]] = []
        self._pool: Executor | None = None
        # authors with entries this node holds but has not yet witnessed (N5)
        self.unwitnessed: dict[str, tuple[int, str]] = {}
        self.unwitnessed_news = False
        # A running service clears this until its peers have told it this node's own
        # head: a node restored from an old backup must not sign a seq it already used.
        self.writable = asyncio.Event()
        self.writable.set()

    # -- opening -----------------------------------------------------------

    @classmethod
    async def open(cls, directory: Path) -> Node:
        directory = Path(directory)
        settings = config.load(directory)
        key = crypto.load_key(directory / config.KEY_FILE)
        db = await store.connect(directory / config.DB_FILE)
        node_id = await store.get_meta(db, "node_id")
        if node_id is None:
            await db.close()
            raise SystemExit(f"error: {directory}: the database does not name its node")
        node = cls(directory, settings, key, db, node_id)
        await node.rebuild()
        node._adopt_rotated_key()
        return node

    async def close(self) -> None:
        await self.db.close()

    def _adopt_rotated_key(self) -> None:
        """Finish a key rotation interrupted between signing it and saving the new key."""
        expected = self.state.head_of(self.id).key
        if self.key.public == expected:
            return
        pending = self.directory / (config.KEY_FILE + ".next")
        if pending.exists():
            candidate = crypto.load_key(pending)
            if candidate.public == expected:
                os.replace(pending, self.directory / config.KEY_FILE)
                self.key = candidate

    def _key_in_force(self, expected: str) -> crypto.SigningKey:
        """Read this node's key again from disk; refuse to sign with any other key."""
        for name in (config.KEY_FILE, config.KEY_FILE + ".next"):
            try:
                candidate = crypto.load_key(self.directory / name)
            except (OSError, ValueError):
                continue
            if candidate.public == expected:
                return candidate
        raise refuse(
            "key_not_in_force",
            f"N4: this node's log is signed by key {expected} from now on, "
            "and no key file here holds it",
        )

    async def rebuild(self) -> None:
        """Fold the whole stored log again, from nothing (also after a fork is found)."""
        state = NetworkState()
        for author, seq, fork_id, held_id in await entries.fork_pairs(self.db):
            state.record_fork(author, seq, held_id, fork_id)
        self.state = state
        self.last_rx = 0
        self.recent.clear()  # the tail is folded again from rx 1: keep the window dense
        self._parsed.clear()
        await self._fold_tail()

    async def fold_tail(self) -> None:
        async with self._lock:
            await self._fold_tail()

    async def _fold_tail(self) -> None:
        """Fold entries committed since we last looked (by us or another process).

        Every write transaction starts with this, so a node that writes often needs
        no other look for entries another process (the CLI) wrote (`tail_folded`).
        """
        self.tail_folded = time.monotonic()
        rows = await entries.since(self.db, self.last_rx)
        if rows:
            self.changed.set()  # pushers and watchers: there is something new
        for rx, raw in rows:
            entry = messages.parse(raw)
            self.last_rx = rx
            if isinstance(entry, Rejection):
                continue
            self.recent.append((rx, entry.author, raw))
            for counted in self.state.fold(entry):
                self._note(counted)

    def _fold(self, verdict: Verdict) -> None:
        """Apply a verdict: an accepted entry, and any held entry that waited for it (SPEC 3.3)."""
        for counted in count(self.state, verdict):
            self._note(counted)

    def _note(self, entry: Entry) -> None:
        if entry.kind.startswith("floor."):
            self.floor_news.set()
            self.floor_heard = now_ms()
        if entry.author != self.id:
            self.unwitnessed[entry.author] = (entry.seq, entry.id)
            if entry.kind != "heads.witness":
                self.unwitnessed_news = True

    # -- writing the group's own records -------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction on the node's database: committed whole or not at all.

        The node has one connection, so concurrent writers (API handlers, the
        log, replication) take turns here; a statement run by another task
        inside someone else's open transaction would commit or roll back with
        it. Do not call `append` or `ingest` inside: they take the same turn.
        """
        async with self._lock:
            try:
                # inside the try: a caller cancelled while BEGIN runs gets its cancellation
                # once BEGIN is done, and the transaction must not outlive the lock
                await to_the_end(store.begin(self.db))
                yield self.db
            except BaseException:
                if self.db.in_transaction:
                    await to_the_end(store.rollback(self.db))
                raise
            await to_the_end(store.commit(self.db))

    # -- writing our own log -----------------------------------------------

    async def append(self, kind: str, body: Body, now: int | None = None) -> Entry:
        """Sign and store the next entry of this node's own log, or refuse it."""
        await self.writable.wait()
        entry = await to_the_end(self._append(kind, body, now))
        assert entry is not None  # only a body made from the state can be None
        return entry

    async def append_made(self, kind: str,
                          make: Callable[[NetworkState], Body | None]) -> Entry | None:
        """Sign the entry `make` builds from the state under the write lock, if it builds one.

        For an entry that is wanted only while the state still calls for it: the
        state is read with every process's latest entries folded in, so two
        writers (the CLI and a running service) never both sign it.
        """
        await self.writable.wait()
        return await to_the_end(self._append(kind, make, None))

    async def append_due(self, kind: str,
                         make: Callable[[NetworkState], Body | None]) -> Entry | None:
        """`append_made` for what a node writes by itself when it falls due (a cut, a
        cosign): None if nothing is due, or if the rules refuse it now; the next round
        tries again."""
        try:
            return await self.append_made(kind, make)
        except Refused:
            return None

    async def _append(self, kind: str, body: Body | Callable[[NetworkState], Body | None],
                      now: int | None) -> Entry | None:
        async with self._lock:
            async with store.write_transaction(self.db):
                await self._fold_tail()
                head = self.state.head_of(self.id)
                waiting = self.state.first_waiting(self.id)
                if waiting is not None:
                    # our next seq is held already, waiting to count: never sign it twice
                    why = self.state.check(waiting)
                    raise refuse(
                        why.code if why else "equivocated",
                        f"SPEC 3.3: this node's own entry seq {waiting.seq} waits for entries "
                        f"a fork removed ({why.reason if why else 'no longer counted'}); "
                        "nothing more can be written until it counts",
                    )
                if callable(body):
                    body = body(self.state)
                    if body is None:
                        return None  # nothing was written
                if self.key.public != head.key:
                    # `groupnet key rotate` ran while this process holds the old key
                    self.key = self._key_in_force(head.key)
                stamp = max(now if now is not None else now_ms(), head.ts)
                net = self.state.net if kind != "network.charter" else None
                if net is None and kind != "network.charter":
                    raise refuse("no_network", "this node has not founded or joined a network")
                if kind == "network.charter":
                    net = crypto.network_id(self.id, body.nonce)  # type: ignore[attr-defined]
                entry = messages.build(
                    self.key, net, self.id, head.seq + 1, head.id, stamp, kind, body
                )
                # the same decision as for any other node's entry (`receive`)
                verdict = receive(self.state, entry, HeldEntries(set(), {}), signed_here, stamp)
                if not isinstance(verdict, Accept):
                    # a fork or duplicate of our own: this log is frozen at that seq (3.3)
                    why = verdict.rejection if isinstance(verdict, Refuse) \
                        else self.state.equivocation(entry)
                    assert why is not None, "only a freeze puts a held entry at our next seq"
                    raise refuse(why.code, why.reason)
                await entries.insert(self.db, [entry], stamp)
                # read before COMMIT: once the write lock is released another process
                # (the CLI) may commit rows that this one has not folded yet
                last_rx = await entries.latest_rx(self.db)
            self._fold(verdict)
            self.last_rx = last_rx
            self._remember([entry])
        self.changed.set()
        return entry

    def _remember(self, stored: list[Entry]) -> None:
        """Keep just-stored entries in the recent window; one transaction's rx run is dense."""
        first = self.last_rx - len(stored) + 1
        parsed = self._parsed
        for offset, entry in enumerate(stored):
            self.recent.append((first + offset, entry.author, entry.raw))
            parsed[entry.raw] = entry
        while len(parsed) > RECENT_WINDOW:
            del parsed[next(iter(parsed))]  # the oldest: dicts keep insertion order

    def _parse(self, raw: bytes) -> Entry | Rejection:
        """`messages.parse`, answered from memory for an entry stored lately.

        Parsing is the biggest cost of taking entries after signatures, and a node
        is sent most entries again (two broadcast trees, and pulls): the same bytes
        parse to the same entry, so those are parsed once.
        """
        known = self._parsed.get(raw)
        return known if known is not None else messages.parse(raw)

    # -- taking other nodes' entries ---------------------------------------

    async def ingest(self, raws: list[bytes], now: int | None = None, *,
                     pushed: bool = False) -> list[Result]:
        """Check and store a batch of entries; one Result per entry, in order.

        An entry refused for something this node lacks wakes anti-entropy at once; a
        pushed one (`take_pushed`) that waits for its predecessor or a dependency, only if
        it still waits after the grace."""
        # parsed once: after signatures, parsing is the biggest cost of taking entries
        parsed = [self._parse(raw) for raw in raws]
        repeated = await self._all_held(parsed)
        if repeated is not None:
            return repeated
        batch = await self._check_parsed(parsed)
        return await to_the_end(self._ingest_checked(batch, now, pushed))

    async def take_pushed(self, raws: list[bytes]) -> list[Result]:
        """`ingest` a batch another node pushed; keep what waits for something (`LATER`).

        Broadcast trees deliver in no set order: a cosign may come before the cut it
        cites, an author's next entry down one tree before the one before it down the
        other. Those are refused for now, kept here, and offered again as soon as this
        node stores something new, so they count the moment what they wait for arrives
        instead of at the next anti-entropy round. Anti-entropy is woken only for those
        still waiting after `LATER_GRACE_SECONDS`.
        """
        results = await self.ingest(raws, pushed=True)
        self._keep_for_later(raws, results)
        return results

    def _keep_for_later(self, raws: list[bytes], results: list[Result]) -> None:
        until = now_ms() + LATER_MS
        kept = False
        for raw, result in zip(raws, results, strict=True):
            if result.code not in LATER or result.id is None or result.id in self._later:
                continue
            entry = self._parse(raw)
            if isinstance(entry, Entry) and len(self._later) < LATER_MAX:
                self._later[entry.id] = (until, entry.author, entry.seq, raw)
                kept = True
        if kept:
            asyncio.get_running_loop().call_later(LATER_GRACE_SECONDS, self._still_waiting)

    def _still_waiting(self) -> None:
        """After the grace: anti-entropy fetches what the kept entries still wait for."""
        if self._later:
            self.wants_sync.set()

    def _offer_later(self) -> None:
        """Something new is stored: offer the kept entries again (one offer at a time)."""
        if self._later and (self._offering is None or self._offering.done()):
            self._offering = asyncio.create_task(self._offer(), name="offer kept entries")

    async def _offer(self) -> None:
        """Offer again the kept entries that may fit now: an author's next entry whose
        rules no longer wait (a cheap look, without the lock); the rest stay kept."""
        now, state = now_ms(), self.state
        ready: list[tuple[str, int, bytes]] = []
        kept: dict[str, tuple[int, str, int, bytes]] = {}
        for ident, held in self._later.items():
            until, author, seq, raw = held
            if until <= now:
                continue
            head = state.head_of(author).seq
            if seq > head + 1:
                kept[ident] = held
                continue
            entry = self._parse(raw)
            if seq == head + 1 and isinstance(entry, Entry):
                waits = state.check(entry)
                if waits is not None and waits.code in LATER:
                    kept[ident] = held
                    continue
            ready.append((author, seq, raw))
        self._later = kept
        if not ready:
            return
        raws = [raw for _, _, raw in sorted(ready)]
        try:
            results = await self.ingest(raws, pushed=True)
        except Exception:  # noqa: BLE001 - the entries are fetched by anti-entropy instead
            self.wants_sync.set()
            return
        self._keep_for_later(raws, results)

    async def _all_held(self, parsed: list[Entry | Rejection]) -> list[Result] | None:
        """Answer a batch of entries all stored already, without taking the write lock.

        Relays send most entries to a node more than once; those need one read,
        and a batch that reaches past an author's head needs none. Only when
        `receive` would answer every entry at its step 8 (the id is held).
        """
        given = [p for p in parsed if isinstance(p, Entry)]
        if not given or len(given) < len(parsed):
            return None
        heads = self.state.heads
        if any(e.author not in heads or e.seq > heads[e.author].seq for e in given):
            return None
        held = await entries.held_ids(self.db, [e.id for e in given])
        if any(e.id not in held for e in given):
            return None
        return [Result("duplicate", e.id) for e in given]

    async def check(self, raws: list[bytes]) -> CheckedBatch:
        """Parse a batch and check its signatures, without taking the write lock.

        Signatures are most of the cost of taking entries. Checked here, in
        worker processes, they overlap with other batches being decided and
        stored under the lock. An entry at or below its author's head is not
        checked ahead: it is most likely a duplicate, and if it is not, `_decide`
        checks it under the lock.
        """
        return await self._check_parsed([self._parse(raw) for raw in raws])

    async def _check_parsed(self, parsed: list[Entry | Rejection]) -> CheckedBatch:
        state = self.state
        signer = {
            e.id: state.key_at(e.author, e.seq) for e in parsed
            if isinstance(e, Entry) and e.seq > state.head_of(e.author).seq
        }
        valid = await self._verify_many(
            [(signer[e.id], e) for e in parsed if isinstance(e, Entry) and e.id in signer]
        )
        return CheckedBatch(parsed, signer, valid)

    async def ingest_checked(self, batch: CheckedBatch, now: int | None = None) -> list[Result]:
        """Decide and store a batch from `check`; one Result per entry, in order."""
        return await to_the_end(self._ingest_checked(batch, now))

    async def _ingest_checked(self, batch: CheckedBatch, now: int | None,
                              pushed: bool = False) -> list[Result]:
        """Queue the batch, and decide and store it with every batch queued meanwhile.

        Group commit: batches that arrive while another is being stored wait for
        the write lock together, and whichever of them takes the lock first
        decides and stores them all, in the order they came, in one transaction —
        one commit (one fsync) where there would be one per batch. Each caller
        still has its answer only once its entries are committed.
        """
        answer: asyncio.Future[list[Result]] = asyncio.get_running_loop().create_future()
        self._queued.append((batch, now if now is not None else now_ms(), answer))
        async with self._lock:
            if not answer.done():
                taken, self._queued = self._queued, []
                await self._store_together(taken)
        results = answer.result()
        if any(r.status in ("accepted", "fork") for r in results):
            self.changed.set()
            self._offer_later()
        if any(r.code in RETRY_LATER and not (pushed and r.code in LATER) for r in results):
            self.wants_sync.set()
        return results

    async def _store_together(
            self, taken: list[tuple[CheckedBatch, int, asyncio.Future[list[Result]]]]) -> None:
        """Decide and store queued batches in one transaction; answer each (under the lock).

        A failure (or cancellation) rolls all of them back and is each one's answer.
        """
        answers: list[list[Result]] = []
        stored: list[Entry] = []
        forked = False
        await store.begin(self.db)
        try:
            await self._fold_tail()
            for batch, now, _ in taken:
                results, accepted, forks = await self._decide(batch, now)
                if accepted:
                    await entries.insert(self.db, accepted, now)
                if forks:
                    await entries.insert_forks(self.db, forks, now)
                answers.append(results)
                stored.extend(accepted)
                forked = forked or bool(forks)
            # under the write lock, with the tail folded, our rows took the next rx
            last_rx = self.last_rx + len(stored)
            await store.commit(self.db)
        except BaseException as error:
            # the state has folded what was not stored: fold the log again
            await store.rollback(self.db)
            await self.rebuild()
            for _, _, answer in taken:
                if isinstance(error, asyncio.CancelledError):
                    answer.cancel()
                else:
                    answer.set_exception(error)
            return
        self.last_rx = last_rx
        self._remember(stored)
        if forked:
            await self.rebuild()
        for (_, _, answer), results in zip(taken, answers, strict=True):
            answer.set_result(results)

    async def _decide(self, batch: CheckedBatch,
                      now: int) -> tuple[list[Result], list[Entry], list[Entry]]:
        """Ask `receive` about each entry in turn, and apply what it answers."""
        held = await self._held(batch.parsed)
        results: list[Result] = []
        accepted: list[Entry] = []
        forks: list[Entry] = []
        for parsed in batch.parsed:
            verdict = receive(self.state, parsed, held, batch.signature, now)
            results.append(_result(verdict))
            if isinstance(verdict, Accept):
                self._fold(verdict)
                accepted.append(verdict.entry)
                held.add(verdict.entry)
            elif isinstance(verdict, ForkEvidence):
                count(self.state, verdict)
                forks.append(verdict.entry)
                held.ids.add(verdict.entry.id)
        return results, accepted, forks

    async def _held(self, parsed: list[Entry | Rejection]) -> HeldEntries:
        """What `receive` may ask of this batch: which ids are held, and which id at a seq.

        The id at (author, seq) is asked only of an entry at or below its author's
        head, or of a frozen author (SPEC 3.3); read for those alone, it is most
        often nothing to read.
        """
        given = [p for p in parsed if isinstance(p, Entry)]
        ids = await entries.held_ids(self.db, [e.id for e in given])
        state = self.state
        places = sorted({
            (e.author, e.seq) for e in given
            if e.id not in ids and (e.seq <= state.head_of(e.author).seq
                                    or e.author in state.frozen)
        })
        return HeldEntries(ids, await entries.ids_at(self.db, places))

    async def _verify_many(self, pairs: list[tuple[str, Entry]]) -> dict[str, bool]:
        """Check signatures; big batches go to a worker per core (Ed25519 is CPU-bound).

        A verdict is kept a while: an entry pushed down both broadcast trees is often
        checked ahead twice before either copy is stored, and one offered again
        (`take_pushed`) is checked again."""
        known = self._verdicts
        verdicts = {e.id: known[(key, e.id, e.sig)] for key, e in pairs
                    if (key, e.id, e.sig) in known}
        if len(verdicts) == len(pairs):
            return verdicts
        pairs = [(key, e) for key, e in pairs if e.id not in verdicts]
        checked = await self._verify_new(pairs)
        for key, e in pairs:
            known[(key, e.id, e.sig)] = checked[e.id]
        while len(known) > RECENT_WINDOW:
            del known[next(iter(known))]  # the oldest: dicts keep insertion order
        return verdicts | checked

    async def _verify_new(self, pairs: list[tuple[str, Entry]]) -> dict[str, bool]:
        items = [(key, e.id_bytes, e.sig) for key, e in pairs]
        if len(items) < PARALLEL_VERIFY_MIN or (os.cpu_count() or 1) < 2:
            verdicts = _verify_chunk(items)
        else:
            if self._pool is None:
                self._pool = _verify_pool()
            workers = os.cpu_count() or 2
            size = -(-len(items) // workers)
            loop = asyncio.get_running_loop()
            parts = await asyncio.gather(*(
                loop.run_in_executor(self._pool, _verify_chunk, items[i:i + size])
                for i in range(0, len(items), size)
            ))
            verdicts = [v for part in parts for v in part]
        return {e.id: ok for (_, e), ok in zip(pairs, verdicts, strict=True)}

    # -- reading -----------------------------------------------------------

    async def feed(self, after: int, limit: int) -> list[tuple[int, bytes]]:
        return await entries.feed(self.db, after, limit)

    async def outgoing(self, after: int, limit: int) -> list[tuple[int, str, bytes]]:
        """The feed with each entry's author, for choosing whom to push it to."""
        recent = self.recent
        if recent and recent[0][0] <= after + 1 and recent[-1][0] == self.last_rx:
            if after >= recent[-1][0]:
                return []
            start = after + 1 - recent[0][0]
            # dense unless a stored row no longer parses; then read the database
            if start < len(recent) and recent[start][0] == after + 1:
                return [recent[i] for i in range(start, min(len(recent), start + limit))]
        return await entries.outgoing(self.db, after, limit)

    async def log(self, author: str, after: int, limit: int) -> list[bytes]:
        return await entries.log_of(self.db, author, after, limit)

    async def logs(self, after: list[tuple[str, int]],
                   limit: int) -> list[tuple[str, int, bytes]]:
        """Several authors' entries after a seq each, in the order asked, `limit` in all."""
        return await entries.logs_after(self.db, after, limit)

    async def fork_evidence(self) -> list[bytes]:
        """Both entries of every equivocation: a node that holds neither needs the pair."""
        return await entries.fork_evidence(self.db)

    async def entry(self, ident: str) -> Entry | None:
        raw = await entries.raw_of(self.db, ident)
        if raw is None:
            return None
        parsed = messages.parse(raw)
        return parsed if isinstance(parsed, Entry) else None

    def heads(self) -> dict[str, list]:
        return {a: [h.seq, h.id] for a, h in sorted(self.state.heads.items())}

    def groups(self) -> list[dict]:
        state = self.state
        out = []
        for member in sorted(state.members.values(), key=lambda m: m.name.lower()):
            profile = state.profiles.get(member.node)
            body = profile[1] if profile else None
            commitment = state.commitments.get(member.node)
            out.append({
                "node": member.node,
                "name": member.name,
                "url": member.url,
                "area": body.area if body else "",
                "meets": body.meets if body else "",
                "contact": body.contact if body else "",
                "profile_entry": profile[0] if profile else None,
                "active_members": commitment[1].active_members if commitment else None,
                "founder": member.node == state.founder,
                "forked": member.node in state.frozen,
            })
        return out


def _result(verdict: Verdict) -> Result:
    """What a receiver answers for a verdict (SPEC 6)."""
    if isinstance(verdict, Accept):
        return Result("accepted", verdict.entry.id)
    if isinstance(verdict, Duplicate):
        return Result("duplicate", verdict.entry.id)
    if isinstance(verdict, ForkEvidence):
        return Result("fork", verdict.entry.id, "equivocation", verdict.reason)
    assert isinstance(verdict, Refuse), "an incoming entry never waits"
    ident = verdict.entry.id if verdict.entry is not None else None
    return Result("rejected", ident, verdict.rejection.code, verdict.rejection.reason)
