"""Chain rules for every author's log (DESIGN.md invariant 4).

Each author's entries form one chain: seq 1, 2, 3 … without gaps, each naming
its predecessor's id, each signed by the key in force at that seq. This module
decides, for an entry and what is already held of its author's log, which of
these it is:

- next: extends the chain (still to be checked against the network's rules);
- duplicate: the very entry already held (replays are idempotent);
- fork: a different, validly signed entry for a seq already held — proof of
  equivocation, kept as evidence;
- a rejection: a gap, a prev that does not match, a timestamp from the future
  or one earlier than its predecessor's.

It does no I/O and reads no clock: `now` is passed in.
"""

from __future__ import annotations

from enum import Enum

import msgspec

from ...messages import Entry
from ..rejection import Rejection


class Verdict(Enum):
    NEXT = "next"
    DUPLICATE = "duplicate"
    FORK = "fork"


class AuthorHead(msgspec.Struct):
    """What a node holds of one author's log: enough to check the next entry."""

    key: str
    seq: int = 0
    id: str | None = None
    ts: int = 0
    revoked: bool = False


def classify(head: AuthorHead, entry: Entry, held_id_at_seq: str | None,
             now: int, max_skew_ms: int) -> Verdict | Rejection:
    """Place `entry` against `head`; `held_id_at_seq` is the id held at entry.seq, if any."""
    if entry.seq <= head.seq:
        if held_id_at_seq == entry.id:
            return Verdict.DUPLICATE
        return Verdict.FORK
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
    return Verdict.NEXT
