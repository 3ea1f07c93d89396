"""What replication needs of a node, and the types the two hand each other.

The push and pull loops (`outbox.py`, `sync.py`) and the client (`client.py`)
sit a layer below the node (`network/node.py`): they take it as a `Replica`,
the few things they use of it, and the node implements them. A receiver's
answer per entry (`Result`, SPEC 6.2) and a batch whose signatures were checked
ahead (`CheckedBatch`) are defined here, where both sides can name them.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import aiosqlite
import msgspec

from ..procedure.network import NetworkState
from ..wire import messages
from ..wire.messages import Entry
from ..wire.rejection import Rejection

# Refusals that may pass once the receiver holds more of the network (SPEC 8.1): the
# entry is offered again later (anti-entropy fetches it again; a pull offers it again
# while the rest of its fetch brings progress).
RETRY_LATER = frozenset({
    "seq_gap", "missing_dependency", "not_admitted", "unknown_author", "no_charter",
    "future_timestamp",
})


class Result(msgspec.Struct, omit_defaults=True):
    """What a receiver says of one entry. `status` is accepted, duplicate, fork or rejected."""

    status: str
    id: str | None = None
    code: str | None = None
    reason: str | None = None


class CheckedBatch:
    """A batch parsed, with the verdict on each signature checked ahead (`Replica.check`)."""

    __slots__ = ("parsed", "signer", "valid")

    def __init__(self, parsed: list[Entry | Rejection], signer: dict[str, str],
                 valid: dict[str, bool]) -> None:
        self.parsed = parsed
        self.signer = signer  # entry id -> the key its signature was checked against
        self.valid = valid    # entry id -> whether it verified with that key

    def signature(self, entry: Entry, key: str) -> bool:
        """The verdict checked ahead, if it was checked against `key`; else check it now.

        A rotation since, or an entry not checked ahead, is checked now.
        """
        valid = self.valid.get(entry.id) if key == self.signer.get(entry.id) else None
        return messages.verify_signature(entry, key) if valid is None else valid


class Replica(Protocol):
    """A node as replication sees it: its log, the state folded from it, its database."""

    id: str
    # the node's database, for the replication cursors (`store/peers.py`)
    db: aiosqlite.Connection
    state: NetworkState
    # the rx of the latest entry the node has folded
    last_rx: int
    # held while the node pulls on purpose (joining): anti-entropy then waits its turn
    pulling: asyncio.Lock

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """One write transaction, in turn with every other writer of the node."""
        ...

    async def ingest(self, raws: list[bytes], now: int | None = None) -> list[Result]:
        """Check and store a batch of entries; one Result per entry, in order."""
        ...

    async def check(self, raws: list[bytes]) -> CheckedBatch:
        """Parse a batch and check its signatures ahead, outside the write lock."""
        ...

    async def ingest_checked(self, batch: CheckedBatch,
                             now: int | None = None) -> list[Result]:
        """Decide and store a batch from `check`; one Result per entry, in order."""
        ...

    async def outgoing(self, after: int, limit: int) -> list[tuple[int, str, bytes]]:
        """(rx, author, raw) of at most `limit` entries received after rx `after`."""
        ...
