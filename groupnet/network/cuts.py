"""What a node does by itself once a vote or an election closes (SPEC 5.9, 5.9.1): one rule
for both.

The node of the group that put it writes the cut (`floor.cut`) `CUT_DELAY_MS` after the
close on its clock, naming the heads it holds of every log that may hold a vote or a
ranking; and again, while the result is not final, once it holds such an entry, signed by
the close, that its latest cut leaves out: participants that witnessed that entry refuse
the cut (F7, `cut_omits`), so without a new cut the result would never be final. It cuts
again only once late floor entries have stopped arriving for `CUT_DELAY_MS`: a participant
cosigns one cut, so a cut written while they still arrive would split the cosigns. Every
participant's node cosigns the first cut it agrees with, the cut of the group that put the
question first, so that honest participants cosign the same one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from ..procedure.network.floor import CUT_DELAY_MS, Cut, Floor
from ..procedure.network.state import NetworkState
from ..wire.messages import Body, Entry, FloorCut, Head
from .node import Node

MAX_HEADS = 500
C = TypeVar("C")  # a cut of a vote or an election (`Cut`), or of a ballot


def heads_of(state: NetworkState, logs: Iterable[str]) -> list[Head]:
    """The heads this node holds of `logs` (those it holds anything of), at most MAX_HEADS."""
    return [Head(a, state.head_of(a).seq, state.head_of(a).id)  # type: ignore[arg-type]
            for a in sorted(set(logs)) if state.head_of(a).seq > 0][:MAX_HEADS]


def latest_own_cut(state: NetworkState, me: str, open_id: str) -> Cut | None:
    mine = [c for c in state.rules(Floor).cuts.values() if c.open == open_id and c.author == me]
    return max(mine, key=lambda c: c.seq) if mine else None


def leaves_out(cut_: Cut, now: Iterable[Head], held: Iterable[tuple[str, int]]) -> bool:
    """Does `cut_` leave out an entry (author, seq) of `held` that heads `now` would hold?"""
    heads = {h.author: h.seq for h in now}
    return any(cut_.heads.get(author, 0) < seq <= heads.get(author, 0) for author, seq in held)


def due(author: str, me: str, closes: int, now: int) -> bool:
    """Is a cut of what `author` put, closing at `closes`, this node's to write now?"""
    return author == me and now >= closes + CUT_DELAY_MS


async def cut_if_due(node: Node, open_id: str, now: int,
                     body: Callable[[NetworkState], FloorCut | None]) -> Entry | None:
    """Write the cut `body` makes (None: none is due), a second one only once late floor
    entries have stopped arriving for CUT_DELAY."""
    if body(node.state) is None:
        return None
    if now - node.floor_heard < CUT_DELAY_MS and latest_own_cut(node.state, node.id,
                                                                 open_id) is not None:
        return None
    return await node.append_due("floor.cut", body)


def cosign_order(cuts: Iterable[Cut], put_by: dict[str, str]) -> list[Cut]:
    """Cuts in the order a node cosigns them: by question, the cut of the group that put it
    first (`put_by`: question -> that group), then by seq and id."""
    return sorted(cuts, key=lambda c: (c.open, c.author != put_by[c.open], c.seq, c.id))


async def cosign_each(node: Node, kind: str, cuts: list[C],
                      body: Callable[[NetworkState, C], Body | None]) -> list[Entry]:
    """Cosign, with `kind`, each of `cuts` this node agrees with (`body` says so, on the
    state at the moment of writing); a ballot's cuts too (BL7)."""
    written = []
    for cut_ in cuts:
        if body(node.state, cut_) is None:
            continue

        def make(state: NetworkState, c: C = cut_) -> Body | None:
            return body(state, c)

        entry = await node.append_due(kind, make)
        if entry is not None:
            written.append(entry)
    return written
