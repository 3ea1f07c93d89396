"""Which key signs an author's log (N4, SPEC 4.2 and 4.3).

Kinds: `key.rotate`, `key.revoke`. The rules:

- N4 (rotate). `key.rotate`, signed by the key in force, makes the named key
  the one in force from the next seq, if it is a usable key (small order, not
  canonical: SPEC 2.3). Entries before it keep verifying with the key that
  signed them.
- N4 (revoke). `key.revoke` closes the author's log: nothing after it is
  accepted (the chain rules refuse it as `revoked`).

The key in force and the closed mark are part of the author's head, which the
state hash covers; this module adds nothing else to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...wire import crypto
from ...wire.messages import Entry, KeyRotate
from ...wire.rejection import Rejection

if TYPE_CHECKING:
    from .state import NetworkState


class Keys:
    """Every author's keys, each with the first seq it signs."""

    kinds = frozenset({"key.rotate", "key.revoke"})

    def __init__(self) -> None:
        # author -> [(first seq, key in force from it)], in seq order; the node id
        # signs from seq 1 until its first rotation
        self.rotations: dict[str, list[tuple[int, str]]] = {}

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        if entry.kind != "key.rotate":
            return None
        body: KeyRotate = entry.body  # type: ignore[assignment]
        if not crypto.usable_key(body.key):
            return Rejection(
                "bad_key", "N4: the new key is no usable Ed25519 key (small order, or not "
                "canonically encoded: SPEC 2.3); no signature could ever verify under it",
            )
        return None

    def apply(self, state: NetworkState, entry: Entry) -> None:
        head = state.heads[entry.author]
        if entry.kind == "key.revoke":
            head.revoked = True
            return
        body: KeyRotate = entry.body  # type: ignore[assignment]
        head.key = body.key
        self.rotations.setdefault(entry.author, []).append((entry.seq + 1, body.key))

    def key_at(self, author: str, seq: int) -> str:
        """The key that must have signed `author`'s entry `seq` (N4)."""
        key = author
        for first, candidate in self.rotations.get(author, ()):
            if first <= seq:
                key = candidate
        return key

    def summary(self, state: NetworkState) -> dict[str, object]:
        return {}
