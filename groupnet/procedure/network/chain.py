"""Chain rules for every author's log (DESIGN.md invariant 4).

Each author's entries form one chain: seq 1, 2, 3 … without gaps, each naming
its predecessor's id, each signed by the key in force at that seq. This module
places an entry against its author's head (SPEC 3.4 step 13):

- next: extends the chain (still to be checked against the network's rules);
- taken: a seq already held — the very entry (a replay) or a different one
  (proof of equivocation); `receive.py` tells which from what is held there;
- a rejection: the log is closed, a gap, a prev that does not match, a
  timestamp from the future or one earlier than its predecessor's.

It does no I/O and reads no clock: `now` is passed in.
"""

from __future__ import annotations

from enum import Enum

import msgspec

from ...wire.messages import Entry
from ...wire.rejection import Rejection


class Place(Enum):
    NEXT = "next"
    TAKEN = "taken"


class AuthorHead(msgspec.Struct):
    """What a node holds of one author's log: enough to check the next entry."""

    key: str
    seq: int = 0
    id: str | None = None
    ts: int = 0
    revoked: bool = False


def classify(head: AuthorHead, entry: Entry, now: int, max_skew_ms: int) -> Place | Rejection:
    """Place `entry` against its author's `head`, at the receiver's time `now`."""
    if entry.seq <= head.seq:
        return Place.TAKEN
    if head.revoked:
        return Rejection(
            "revoked", "SPEC 4.3: this author revoked its key; its log takes no further entries"
        )
    if entry.seq > head.seq + 1:
        return Rejection(
            "seq_gap",
            f"SPEC 3.1: entries are accepted in order; the next from this author is "
            f"seq {head.seq + 1}, not {entry.seq} (the missing ones are fetched first)",
        )
    if entry.prev != head.id:
        return Rejection(
            "prev_mismatch",
            f"SPEC 3.1: seq {entry.seq} must name its predecessor {head.id}, "
            f"but names {entry.prev}",
        )
    if entry.ts > now + max_skew_ms:
        return Rejection(
            "future_timestamp",
            f"SPEC 3.2: an entry may claim a time at most {max_skew_ms // 1000} s ahead of the "
            f"receiver's clock; this one is {(entry.ts - now) // 1000} s ahead",
        )
    if entry.ts < head.ts:
        return Rejection(
            "timestamp_regression",
            "SPEC 3.2: an author's timestamps never go backwards along its log",
        )
    return Place.NEXT
