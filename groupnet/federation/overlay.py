"""Whom a node pushes an entry to: its children in two broadcast trees.

Members are sorted by node id into a ring. For each author, two binomial
broadcast trees are rooted at that author: one running clockwise round the
ring, one anticlockwise. In the clockwise tree the node at distance r from the
author (r = 0 for the author itself) passes the entry on to the nodes at
distance r + 2^j for every j with 2^j > r (while r + 2^j < n): every node is
reached exactly once, in at most ceil(log2 n) hops. The anticlockwise tree is
the mirror image. So an entry costs 2(n - 1) pushes across the network,
reaches every node along two paths (one node down delays only its subtrees in
one tree), and each node only ever pushes to the nodes 2^j places either side
of it: O(log n) peers, never everyone. Anti-entropy (pulling from a random
member) repairs whatever a push misses.
"""

from __future__ import annotations


def fanout(count: int) -> int:
    """How many peers a node pushes to at most in a network of `count` nodes."""
    return 2 * max(1, (max(count, 2) - 1).bit_length())


def _tree_children(distance: int, n: int) -> list[int]:
    """Distances, from the root, of the children of the node at `distance`."""
    children = []
    step = 1 << distance.bit_length() if distance else 1
    while distance + step < n:
        children.append(distance + step)
        step <<= 1
    return children


def children(ring: list[str], positions: dict[str, int], me: str, author: str) -> list[str]:
    """The nodes `me` passes `author`'s entries to (both trees, without repeats)."""
    n = len(ring)
    if n <= 1 or me not in positions:
        return []
    mine = positions[me]
    if author not in positions:
        return neighbours(ring, me)
    root = positions[author]
    chosen: list[str] = []
    for direction in (1, -1):
        distance = ((mine - root) * direction) % n
        for child in _tree_children(distance, n):
            node = ring[(root + direction * child) % n]
            if node != me and node not in chosen:
                chosen.append(node)
    return chosen


def neighbours(ring: list[str], me: str) -> list[str]:
    """Every node `me` may ever push to: 2^j places either side of it on the ring."""
    n = len(ring)
    if n <= 1 or me not in ring:
        return []
    i = ring.index(me)
    chosen: list[str] = []
    step = 1
    while step < n:
        for other in (ring[(i + step) % n], ring[(i - step) % n]):
            if other != me and other not in chosen:
                chosen.append(other)
        step <<= 1
    return chosen


class Overlay:
    """The ring for the current membership, with positions looked up once."""

    def __init__(self, members: list[str]) -> None:
        self.ring = sorted(set(members))
        self.positions = {node: i for i, node in enumerate(self.ring)}

    def neighbours(self, me: str) -> list[str]:
        return neighbours(self.ring, me)

    def children(self, me: str, author: str) -> list[str]:
        return children(self.ring, self.positions, me, author)
