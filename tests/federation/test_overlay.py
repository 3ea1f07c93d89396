"""Broadcast trees: every node reached, few pushes, few peers per node."""

from __future__ import annotations

from collections import deque

import pytest

from groupnet.federation.overlay import Overlay, fanout


def spread(overlay: Overlay, author: str, down: frozenset[str] = frozenset()) -> tuple[dict, int]:
    """Hops at which each node first gets the author's entry, and pushes spent."""
    reached, queue, pushes = {author: 0}, deque([author]), 0
    while queue:
        node = queue.popleft()
        if node in down:
            continue
        for child in overlay.children(node, author):
            pushes += 1
            if child not in reached:
                reached[child] = reached[node] + 1
                queue.append(child)
    return reached, pushes


@pytest.mark.parametrize("count", [2, 3, 7, 10, 64, 150, 333])
def test_every_node_gets_every_authors_entry_in_log_hops_for_under_2n_pushes(count):
    nodes = [f"node-{i:04d}" for i in range(count)]
    overlay = Overlay(nodes)
    for author in nodes[:: max(1, count // 7)]:
        reached, pushes = spread(overlay, author)
        assert set(reached) == set(nodes)
        assert max(reached.values()) <= max(1, (count - 1).bit_length())
        assert pushes <= 2 * (count - 1)
    assert max(len(overlay.neighbours(n)) for n in nodes) <= fanout(count)


def test_one_node_down_costs_its_subtree_in_one_tree_only():
    nodes = [f"node-{i:04d}" for i in range(150)]
    overlay = Overlay(nodes)
    author = nodes[0]
    for down in nodes[1:]:
        reached, _ = spread(overlay, author, frozenset({down}))
        assert set(reached) == set(nodes), f"a node was cut off when {down} was down"


def test_a_node_pushes_only_to_peers_a_power_of_two_away_on_the_ring():
    nodes = [f"node-{i:04d}" for i in range(100)]
    overlay = Overlay(nodes)
    me = nodes[42]
    allowed = set(overlay.neighbours(me))
    for author in nodes:
        assert set(overlay.children(me, author)) <= allowed
    assert len(allowed) <= fanout(100) < 99
