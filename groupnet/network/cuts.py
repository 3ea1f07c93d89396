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

Only most of the participants need to cosign a cut for it to be final, and every cosign
travels to every node: so the first cosigners of a cut (`first_cosigners`: more than half
of the participants and a tenth more, in an order drawn from the cut's id) cosign as soon
as they hold it, and every other participant only once the result is still not final and
no cosign has arrived for `COSIGN_WAIT_MS` (some first cosigners down, or refusing).
"""

from __future__ import annotations

import hashlib
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from typing import Protocol, TypeVar

from ..clock import now_ms
from ..procedure.network.conferences import Conferences
from ..procedure.network.credentials import Credentials
from ..procedure.network.floor import CUT_DELAY_MS, Cut, Floor
from ..procedure.network.state import NetworkState
from ..wire.messages import Body, Entry, FloorCut, Head
from ..wire.rejection import Refused, refuse
from .node import Node

MAX_HEADS = 500
# a participant not among a cut's first cosigners cosigns it once it has held it this long
# without the result being final (SPEC 5.9)
COSIGN_WAIT_MS = 2_000


class _Cut(Protocol):
    @property
    def id(self) -> str: ...


C = TypeVar("C", bound=_Cut)  # a cut of a vote or an election (`Cut`), or of a ballot


async def put_now(node: Node, kind: str, opens: int | None,
                  body: Callable[[int], Body]) -> Entry:
    """Sign a question put to the floor (a vote, an election) whose window `body(opens)`
    opens at `opens`, or, left out, when the entry is dated: the earliest F2 allows.
    Should this node's log move on meanwhile (a witness or a cosign signed by the service),
    it is put again at the new time."""
    for _ in range(3):
        now = max(now_ms(), node.state.head_of(node.id).ts)
        try:
            return await node.append(kind, body(opens if opens is not None else now), now=now)
        except Refused as refusal:
            if opens is not None or refusal.rejection.code != "bad_window":
                raise
    raise refuse("busy", "F2: this node's log kept moving while the question was put; put "
                 "it again", 503)


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


def first_cosigners(cut_id: str, participants: Collection[str]) -> frozenset[str]:
    """The participants whose nodes cosign the cut `cut_id` as soon as they hold it (SPEC
    5.9): the first ⌊n/2⌋ + 1 + ⌈n/10⌉ of the n participants, ranked by the SHA-256 of the
    cut's id, a space and the group's id; every participant when n < 4."""
    n = len(participants)
    ranked = sorted(participants,
                    key=lambda g: hashlib.sha256(f"{cut_id} {g}".encode()).digest())
    return frozenset(ranked[:n // 2 + 1 + -(-n // 10)])


def tally_cosigns(cosigns: Iterable[tuple[str, str]],
                  participants: Collection[str]) -> tuple[bool, int]:
    """Has one cut cosigns from more than half of `participants` (F9, BL7), and how many
    cosigns are there? `cosigns`: (group, cut id) of each cosign of the question."""
    taking_part = set(participants)
    tally = Counter(cut for group, cut in cosigns if group in taking_part)
    return bool(tally) and 2 * max(tally.values()) > len(taking_part), tally.total()


def conference_participants(state: NetworkState, conference: str) -> list[str] | None:
    """The participants of a conference (K5), None while any group's standing is not yet
    witnessed."""
    call = state.rules(Conferences).calls[conference]
    floor_ = state.rules(Floor)
    groups = sorted({g for g, c in state.rules(Credentials).history if c == conference})
    standing = [(g, floor_.participant(state, call, g)) for g in groups]
    if any(ok is None for _, ok in standing):
        return None
    return [g for g, ok in standing if ok]


class _Held:
    """What a node knows of a cut it may cosign: whether it is one of the first cosigners,
    the participants, and when the cosigns of the question it holds last grew."""

    __slots__ = ("first", "participants", "cosigns", "since", "start")

    def __init__(self, first: bool, participants: tuple[str, ...], now: int) -> None:
        self.first = first
        self.participants = participants
        self.cosigns = -1
        self.since = now
        self.start = now


_held: weakref.WeakKeyDictionary[Node, dict[str, _Held]] = weakref.WeakKeyDictionary()


def cosign_now(node: Node, cut_id: str, participants: Callable[[], Collection[str] | None],
               progress: Callable[[Collection[str]], tuple[bool, int]], now: int,
               delay: int = 0) -> bool:
    """Should this node cosign the cut `cut_id` now (if it agrees with it)? At once if it
    is one of the cut's first cosigners. Else only once the result is still not final and
    no cosign of the question has arrived for `COSIGN_WAIT_MS` (`progress`: whether it is
    final, and how many cosigns of it this node holds): while the first cosigners' cosigns
    keep arriving, however slowly the network carries them, they make it final. While the
    participants are not known, yes: the cosign's rules then say no.

    With a `delay` (its cosignature sent for a certificate, `certificates.py`), all of that
    starts `delay` after this node first asked, and only while the result is not final."""
    cuts_ = _held.setdefault(node, {})
    held = cuts_.get(cut_id)
    if held is None:
        taking_part = participants()
        if taking_part is None:
            return True
        held = cuts_[cut_id] = _Held(node.id in first_cosigners(cut_id, taking_part),
                                     tuple(taking_part), now)
    if held.first and not delay:
        return True
    final, cosigns = progress(held.participants)
    if final:
        return False
    if held.first:
        return now >= held.start + delay
    if cosigns != held.cosigns:
        held.cosigns, held.since = cosigns, max(now, held.start + delay)
    return now - held.since >= COSIGN_WAIT_MS


async def cosign_each(node: Node, kind: str, cuts: list[C],
                      body: Callable[[NetworkState, C], Body | None],
                      participants: Callable[[NetworkState, C], Collection[str] | None],
                      progress: Callable[[NetworkState, C, Collection[str]], tuple[bool, int]],
                      now: int, delay: int = 0) -> list[Entry]:
    """Cosign, with `kind`, each of `cuts` this node agrees with (`body` says so, on the
    state at the moment of writing) and is due to cosign now (`cosign_now`, from the
    `participants` of the cut's question and its `progress`); a ballot's cuts too (BL7)."""
    written = []
    for cut_ in cuts:
        if not cosign_now(node, cut_.id, lambda c=cut_: participants(node.state, c),
                          lambda taking_part, c=cut_: progress(node.state, c, taking_part),
                          now, delay):
            continue
        if body(node.state, cut_) is None:
            continue

        def make(state: NetworkState, c: C = cut_) -> Body | None:
            return body(state, c)

        entry = await node.append_due(kind, make)
        if entry is not None:
            written.append(entry)
    return written
