"""Certificates of the floor's cuts (SPEC 5.9, F11): a majority of cosigns in one entry.

A `floor.cosign` is one entry per participant, and every node must receive and check a
majority of them before a result is final: at 150 nodes, tens of thousands of deliveries
per question. Instead each participant's node signs a **cosignature** of the cut it agrees
with, apart from its log, and sends it to the node that wrote the cut; that node, once it
holds cosignatures of more than half of the participants, writes one `floor.certificate`
holding them, and every node checks it once.

A node cosigns one cut of a vote, whichever way: the cut it signed a cosignature of is
recorded in its database before the cosignature leaves it, and a `floor.cosign` it may
write later (the fallback, `cuts.cosign_now` with `CERTIFICATE_WAIT_MS`: the cut's author
down or slow) is of that cut only.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Collection, Iterable

import msgspec

from .. import store
from ..procedure.network.floor import Cut, Floor, Open, verify_cosignature
from ..procedure.network.state import NetworkState
from ..procedure.network.witness import Witnesses
from ..wire.messages import (
    MAX_COSIGNATURES,
    Cosignature,
    EntryId,
    EntryRef,
    FloorCertificate,
    FloorResult,
    cosignature_id,
)
from ..wire.rejection import Rejection, refuse
from . import cuts
from .node import Node

# a participant whose cosignature made no certificate by then cosigns by an entry (5.9)
CERTIFICATE_WAIT_MS = 5_000
# cosignatures a cut's author keeps while it waits for what they cite, and how long
MAX_WAITING = 2_000
WAITING_SECONDS = 60.0


class Offered(msgspec.Struct, forbid_unknown_fields=True):
    """The body of `POST /fed/v1/cosignature` (SPEC 6.6.1): a cosignature of a cut this node
    wrote, and the result its group signed with it."""

    cut: EntryId
    result: FloorResult
    cosignature: Cosignature


offered_decoder = msgspec.json.Decoder(Offered)
Send = Callable[[str, bytes], Awaitable[None]]


class _Gathered:
    """What this node holds of cosignatures: of cuts it wrote, those that check (`held`) and
    those that wait for what they cite (`waiting`); of its own, the cut it cosigned on each
    vote (`signed`, as recorded in its database) and when."""

    def __init__(self) -> None:
        self.held: dict[str, dict[str, Cosignature]] = {}
        self.results: dict[str, FloorResult] = {}
        self.waiting: dict[tuple[str, str], tuple[Offered, float]] = {}
        self.certified: set[str] = set()
        self.signed: dict[str, str] | None = None
        # votes whose result this node has seen final: nothing more to cosign
        self.settled: set[str] = set()
        # votes still open whose participants this node has worked out
        self.warmed: set[str] = set()


_gathered: weakref.WeakKeyDictionary[Node, _Gathered] = weakref.WeakKeyDictionary()


def _of(node: Node) -> _Gathered:
    return _gathered.setdefault(node, _Gathered())


def warm(node: Node, still_open: Iterable[Open],
         participants: Callable[[Open], Collection[str] | None]) -> None:
    """Work out who takes part in each vote still open, once, while it is open: whether
    each group's credential stood is witnessed long before (K5) and kept once known, and
    the close, when every node needs it at once, is then spared it."""
    warmed = _of(node).warmed
    for put_ in still_open:
        if put_.id not in warmed and participants(put_) is not None:
            warmed.add(put_.id)


def settled(node: Node, open_id: str) -> bool:
    return open_id in _of(node).settled


def settle(node: Node, open_id: str) -> None:
    _of(node).settled.add(open_id)


def signed_cut(node: Node, open_id: str) -> str | None:
    """The cut of the vote `open_id` this node signed a cosignature of, if known here."""
    return (_of(node).signed or {}).get(open_id)


async def signed(node: Node) -> dict[str, str]:
    """Vote -> the cut this node signed a cosignature of, from its database."""
    gathered = _of(node)
    if gathered.signed is None:
        gathered.signed = dict(await store.meta_with_prefix(node.db, "cosignature "))
    return gathered.signed


def seen_for(state: NetworkState, me: str, put_open: str, closes: int) -> int:
    """How far into its own log this node cosigns as of: its last entry F7 reads (its
    latest witness dated by the close, its votes and counts on the question), long since
    at the cut's author; at least 1."""
    floor_ = state.rules(Floor)
    own = [v.seq for v in floor_.votes.get(put_open, {}).get(me, ())]
    counted = floor_.counts.get(put_open, {}).get(me)
    if counted is not None:
        own.append(counted.seq)
    return max([1, state.rules(Witnesses).last_witness_by(me, closes), *own])


async def cosign(node: Node, cut_: Cut, result: FloorResult, send: Send) -> bool:
    """Sign a cosignature of `cut_` and send it to the node that wrote the cut (itself
    included). False if the key in force for this node's log is not the one it holds."""
    state = node.state
    floor_ = state.rules(Floor)
    seen = seen_for(state, node.id, cut_.open, floor_.opens[cut_.open].body.closes)
    if state.key_at(node.id, seen + 1) != node.key.public:
        return False
    mine = await signed(node)
    async with node.transaction() as db:
        await store.set_meta(db, f"cosignature {cut_.open}", cut_.id)
    mine[cut_.open] = cut_.id
    offered = Offered(cut_.id, result, Cosignature(node.id, seen, node.key.sign_id(
        cosignature_id(state.net or "", cut_.id, seen, result))))
    if cut_.author == node.id:
        take(node, offered)
        return True
    member = state.members.get(cut_.author)
    if member is not None and member.url:
        await send(member.url, msgspec.json.encode(offered))
    return True


def take(node: Node, offered: Offered) -> str:
    """A cosignature offered to this node: "held" if it checks, "waiting" if it cites what
    this node does not hold yet (kept a minute, then dropped); refused otherwise."""
    state = node.state
    floor_ = state.rules(Floor)
    cut_ = floor_.cuts.get(offered.cut)
    if cut_ is None or cut_.author != node.id or cut_.open not in floor_.opens:
        raise refuse("unknown_cut", "F11: this node wrote no cut of a vote with that id; a "
                     "cosignature goes to the cut's author", 404)
    found = _judge(state, cut_, offered)
    if isinstance(found, Rejection):
        if found.code != "missing_dependency":
            raise refuse(found.code, found.reason, 422)
        gathered = _of(node)
        key = (offered.cut, offered.cosignature.group)
        if key not in gathered.waiting and len(gathered.waiting) >= MAX_WAITING:
            raise refuse("busy", "F11: this node holds as many waiting cosignatures as it "
                         "keeps; offer it again later", 503)
        gathered.waiting[key] = (offered, time.monotonic())
        return "waiting"
    _hold(node, cut_, offered)
    return "held"


def _judge(state: NetworkState, cut_: Cut, offered: Offered) -> FloorResult | Rejection:
    floor_ = state.rules(Floor)
    cosignature = offered.cosignature
    if state.head_of(cosignature.group).seq < cosignature.seen:
        return Rejection("missing_dependency", "F11: the cosignature cites more of its "
                         "group's log than this node holds")
    if not verify_cosignature(state, cut_.id, offered.result, cosignature):
        return Rejection("bad_cosignature", "F11: the cosignature does not verify with its "
                         "group's key over the cut, the result and its seen")
    found = floor_.check_cosignature(state, cut_, cosignature)
    if isinstance(found, FloorResult) and found != offered.result:
        return Rejection("wrong_result", "F8: the result contradicts the votes in the cut")
    return found


def _hold(node: Node, cut_: Cut, offered: Offered) -> None:
    gathered = _of(node)
    gathered.held.setdefault(cut_.id, {})[offered.cosignature.group] = offered.cosignature
    gathered.results[cut_.id] = offered.result
    node.floor_news.set()


def _retry_waiting(node: Node) -> None:
    gathered = _of(node)
    floor_ = node.state.rules(Floor)
    now = time.monotonic()
    for key, (offered, since) in list(gathered.waiting.items()):
        cut_ = floor_.cuts.get(offered.cut)
        if cut_ is None:  # gone with a fork freeze of this log's past (3.3)
            del gathered.waiting[key]
            continue
        found = _judge(node.state, cut_, offered)
        if isinstance(found, Rejection) and found.code == "missing_dependency":
            if now - since > WAITING_SECONDS:
                del gathered.waiting[key]
            continue
        del gathered.waiting[key]
        if not isinstance(found, Rejection):
            _hold(node, cut_, offered)


async def certify(node: Node) -> list:
    """Write a `floor.certificate` of each cut this node wrote once it holds cosignatures
    of more than half of the vote's participants, unless the result is final already."""
    gathered = _of(node)
    if gathered.waiting:
        _retry_waiting(node)
    written = []
    for cut_id in [c for c in gathered.held if c not in gathered.certified]:
        floor_ = node.state.rules(Floor)
        cut_ = floor_.cuts.get(cut_id)
        if cut_ is None:
            gathered.certified.add(cut_id)
            continue
        participants = cuts.conference_participants(node.state, floor_.opens[cut_.open].conference)
        if participants is None:
            continue
        final, _ = cuts.tally_cosigns(floor_.cosigned(cut_.open).items(), participants)
        if final:
            gathered.certified.add(cut_id)
            continue

        taking_part = set(participants)
        # each was checked when it came (`take`), and what it was checked on stays as it was
        good = [s for g, s in sorted(gathered.held[cut_id].items()) if g in taking_part]
        majority = len(taking_part) // 2 + 1
        if len(good) < majority or majority > MAX_COSIGNATURES:
            continue

        def make(state: NetworkState, c: Cut = cut_,
                 chosen: list[Cosignature] = good[:majority]) -> FloorCertificate:
            return FloorCertificate(EntryRef(c.author, c.id, state.head_of(c.author).seq),
                                    gathered.results[c.id], chosen)

        entry = await node.append_due("floor.certificate", make)
        # written, or refused by this node's own rules (a fork freeze since): either way
        # once; the participants' cosign entries make up for one not written (5.9)
        gathered.certified.add(cut_id)
        if entry is not None:
            written.append(entry)
    return written
