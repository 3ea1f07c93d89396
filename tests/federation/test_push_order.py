"""Pushed entries that come before what they need: kept, and counted the moment it arrives.

Two broadcast trees deliver in no set order: an author's next entry may come down one tree
before the one before it comes down the other, a cosign before the cut it cites. The
receiver refuses those for now (`seq_gap`, `missing_dependency`: nothing is stored) and
offers them to itself again once it stores something new, instead of waiting for the next
anti-entropy round.
"""

from __future__ import annotations

from groupnet.network import node as node_module
from tests.conftest import eventually

from .test_bad_input import receiver  # noqa: F401 - the fixture
from .wire import forge_profile, held, next_profile, push


async def test_an_entry_pushed_before_its_predecessor_counts_once_the_predecessor_arrives(
        receiver):  # noqa: F811
    node, author, key, _ = receiver
    first = next_profile(key, node, author, "first")
    second = forge_profile(key, node.state.net, author, first.seq + 1, first.id, "second")
    before = await held(node)
    [early] = await push(node.config.url, second.raw)
    assert (early["status"], early["code"]) == ("rejected", "seq_gap")
    assert await held(node) == before  # refused for now: nothing stored
    # the author's node is stopped: nobody else could send the second entry again
    [result] = await push(node.config.url, first.raw)
    assert result["status"] == "accepted"
    await eventually(lambda: node.state.head_of(author).id == second.id, 5)
    entries, forks, _ = await held(node)
    assert (entries, forks) == (before[0] + 2, before[1])


async def test_a_kept_entry_that_never_fits_is_dropped_and_stores_nothing(receiver):  # noqa: F811
    node, author, key, _ = receiver
    head = node.state.head_of(author)
    # seq two ahead, naming the wrong predecessor: it can never be the next entry
    stray = forge_profile(key, node.state.net, author, head.seq + 2, head.id, "stray")
    [early] = await push(node.config.url, stray.raw)
    assert early["code"] == "seq_gap"
    nxt = next_profile(key, node, author, "next")
    [result] = await push(node.config.url, nxt.raw)
    assert result["status"] == "accepted"
    await eventually(lambda: not node._later, 5)  # offered again, refused for good (prev_mismatch)
    assert node.state.head_of(author).id == nxt.id


async def test_at_most_later_max_entries_are_kept(receiver, monkeypatch):  # noqa: F811
    node, author, key, _ = receiver
    monkeypatch.setattr(node_module, "LATER_MAX", 3)
    head = node.state.head_of(author)
    strays = [forge_profile(key, node.state.net, author, head.seq + k, head.id, f"gap {k}")
              for k in range(2, 8)]
    before = await held(node)
    results = await push(node.config.url, *(s.raw for s in strays))
    assert {r["code"] for r in results} == {"seq_gap"}
    assert len(node._later) == 3
    assert await held(node) == before
