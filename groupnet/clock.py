"""The time at which the group's business is recorded.

Notice is counted from the moment a notice is sent, and a meeting's votes
are recorded once it has started, so every step takes its time from here
and the procedure code never reads a clock itself. A running node uses real
time. Notice periods are days or weeks long, so a test that holds a meeting
a week after its notice moves a node's business clock forward (`advance`)
instead of waiting; the clock only ever moves forward.
"""

from __future__ import annotations

from .node import Node, now_ms

_ahead_ms: dict[str, int] = {}


def now(node: Node) -> int:
    """Milliseconds since 1970 for `node`'s business."""
    return now_ms() + _ahead_ms.get(node.id, 0)


def advance(node: Node, ms: int) -> None:
    """Move `node`'s business clock `ms` forward (tests: days pass in an instant)."""
    if ms < 0:
        raise ValueError("the business clock never goes back")
    _ahead_ms[node.id] = _ahead_ms.get(node.id, 0) + ms
