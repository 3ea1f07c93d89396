"""The one clock: every step reads the time here, and hands it to the rules.

The procedure code never reads a clock itself; a step takes the time from
here and passes it in. `now_ms` is real time: when an entry was signed, when
a peer refused us, when to retry. `now(node)` is the time of the group's
business: notice is counted from the moment a notice is sent, and a
meeting's votes are recorded once it has started. Notice periods are days or
weeks long, so a test that holds a meeting a week after its notice moves a
node's business clock forward (`advance`) instead of waiting; the clock only
ever moves forward. A conference's timetable runs over weeks of network time,
which every node's log and witnesses share: a test moves every clock of the
process forward together (`advance_everyone`), as if the weeks had passed for
the whole network at once.
"""

from __future__ import annotations

import time
from typing import Protocol

_ahead_ms: dict[str, int] = {}
# how far every clock of this process has been moved forward (tests only)
_everyone_ahead_ms = 0


class HasId(Protocol):
    """Anything with a node id: the node whose business the clock keeps."""

    @property
    def id(self) -> str: ...


def now_ms() -> int:
    """Milliseconds since 1970, real time (moved forward only by `advance_everyone`)."""
    return int(time.time() * 1000) + _everyone_ahead_ms


def now(node: HasId) -> int:
    """Milliseconds since 1970 for `node`'s business."""
    return now_ms() + _ahead_ms.get(node.id, 0)


def advance(node: HasId, ms: int) -> None:
    """Move `node`'s business clock `ms` forward (tests: days pass in an instant)."""
    if ms < 0:
        raise ValueError("the business clock never goes back")
    _ahead_ms[node.id] = _ahead_ms.get(node.id, 0) + ms


def advance_everyone(ms: int) -> None:
    """Move every clock of this process `ms` forward, the network's with them (tests: the
    weeks of a conference's timetable pass in an instant for every node at once)."""
    global _everyone_ahead_ms
    if ms < 0:
        raise ValueError("the clock never goes back")
    _everyone_ahead_ms += ms
