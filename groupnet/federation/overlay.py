"""Whom a node pushes to: a few neighbours, not everyone.

Members are sorted by node id into a ring; the node at position i pushes to
the nodes at i+1, i+2, i+4, … i+2^(k-1) around it, with k = ceil(log2 n) + 1.
Every node relays what it accepts, so an entry reaches every node in at most
about log2(n) hops, each node holds O(log n) push connections, and the network
carries O(n log n) pushes per entry rather than O(n^2). Anti-entropy (pulling
from a random member) repairs whatever a push misses.
"""

from __future__ import annotations


def fanout(count: int) -> int:
    return max(1, (max(count, 2) - 1).bit_length() + 1)


def neighbours(members: list[str], me: str) -> list[str]:
    ring = sorted(set(members) | {me})
    n = len(ring)
    if n <= 1:
        return []
    i = ring.index(me)
    chosen: list[str] = []
    for j in range(fanout(n)):
        other = ring[(i + (1 << j)) % n]
        if other != me and other not in chosen:
            chosen.append(other)
    return chosen
