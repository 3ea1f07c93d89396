"""The one clock: every step reads the time here, and hands it to the rules.

The procedure code never reads a clock itself; a step takes the time from
here and passes it in. `now_ms` is real time: when an entry was signed, when
a peer refused us, when to retry. `now(node)` is the time of the group's
business: notice is counted from the moment a notice is sent, and a
meeting's votes are recorded once it has started. Notice periods are days or
weeks long, so a test that holds a meeting a week after its notice moves a
node's business clock forward (`advance`) instead of waiting; the clock only
ever moves forward.

`network_now(node)` is the time by which a node signs its network entries and
judges others' (how far ahead a timestamp may be): real time too. Network
deadlines (a body's notice, its term, a meeting's close) are judged by
witnessed time, which compares every node's clock with the others', so a test
moves the network clocks of all its nodes together (`advance_network`); a
group's own business clock moves alone.
"""

from __future__ import annotations

import time
from typing import Protocol

_ahead_ms: dict[str, int] = {}
_network_ahead_ms: dict[str, int] = {}


class HasId(Protocol):
    """Anything with a node id: the node whose business the clock keeps."""

    @property
    def id(self) -> str: ...


def now_ms() -> int:
    """Milliseconds since 1970, real time."""
    return int(time.time() * 1000)


def now(node: HasId) -> int:
    """Milliseconds since 1970 for `node`'s business."""
    return now_ms() + _ahead_ms.get(node.id, 0)


def advance(node: HasId, ms: int) -> None:
    """Move `node`'s business clock `ms` forward (tests: days pass in an instant)."""
    if ms < 0:
        raise ValueError("the business clock never goes back")
    _ahead_ms[node.id] = _ahead_ms.get(node.id, 0) + ms


def network_now(node: HasId) -> int:
    """Milliseconds since 1970 by which `node` signs and receives network entries."""
    return now_ms() + _network_ahead_ms.get(node.id, 0)


def advance_network(node: HasId, ms: int) -> None:
    """Move `node`'s network clock `ms` forward (tests: move every node of a network)."""
    if ms < 0:
        raise ValueError("the network clock never goes back")
    _network_ahead_ms[node.id] = _network_ahead_ms.get(node.id, 0) + ms
