"""The one decision: is an entry accepted, and what does it change?

Theory of operation
-------------------

A receiver gets an entry (its bytes, already parsed), the verdict on its
signature and the time now; it answers with one `Verdict`. The order of the
checks decides which code a bad entry gets, so it is part of the protocol:
protocol/SPEC.md section 3.4 is this function, step for step.

    1–7   the bytes: size, UTF-8, nesting, shape, version, kind, body,
          canonical encoding (`messages.parse`; its Rejection arrives here)
    8     the id is held already (stored, or kept as fork evidence) → Duplicate
    9     a charter is known and `net` is another network → wrong_network
    10    seq beyond head + 1, author not frozen at or below it → revoked or
          seq_gap, before the signature: the key in force that far ahead is
          not known until the gap is filled
    11    the signature, with the key in force at (author, seq) → bad_signature
    12    author frozen at f: seq = f → ForkEvidence; seq > f → equivocated.
          An entry at the seq of an entry held but waiting → ForkEvidence
    13    the chain (`chain.classify`): seq ≤ head → ForkEvidence (Duplicate
          if nothing else is held there); revoked; prev_mismatch;
          future_timestamp; timestamp_regression
    14    the network rules, then the kind's rules (`NetworkState.check`)
    15    Accept: the caller stores the bytes and folds the entry (`count`)

Everything that decides a verdict lives in this module and in the rules it
calls; the callers (the inbox, catch-up, `groupnet verify`, the rebuild after
a fork, and the node writing its own log) only fetch what it asks for and
store what it answers. Like h11's state machine, it does not know whose entry
it is judging, so no node applies one rule to its own entries and another to
its peers'.

An entry the receiver holds already is counted again by `stored`, when the
state is rebuilt from the database (after a fork, on start) and by `groupnet
verify`: the same rules, but a held entry that no longer fits because a fork
freeze removed what it depended on is not refused: it waits (SPEC 3.3), and
so do its author's later entries, until it fits.

No I/O, no clock: what is held is asked through `Held`, the signature through
a `SignatureCheck`, and `now` is an argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ...wire.messages import Entry
from ...wire.rejection import Rejection
from .chain import Place, classify

if TYPE_CHECKING:
    from .state import NetworkState

# Why a held entry may count later, once more of the network is counted (SPEC 3.3).
WAITING = frozenset({"unknown_author", "not_admitted", "missing_dependency"})

# (entry, key in force for its author at its seq) -> does the signature verify?
SignatureCheck = Callable[[Entry, str], bool]


class Held(Protocol):
    """What the receiver holds, as far as the decision needs to know."""

    def __contains__(self, ident: object) -> bool:
        """Is an entry with this id stored, or kept as fork evidence?"""

    def id_at(self, author: str, seq: int) -> str | None:
        """The id of the entry stored at (author, seq), if any."""


@dataclass(frozen=True, slots=True)
class Accept:
    """The entry extends its author's chain and passes every rule: store it, count it."""

    entry: Entry


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The very entry is held already: replays change nothing."""

    entry: Entry


@dataclass(frozen=True, slots=True)
class ForkEvidence:
    """A second validly signed entry at a seq where `held` is held: proof of equivocation."""

    entry: Entry
    held: str

    @property
    def reason(self) -> str:
        return (f"SPEC 3.3: the author already signed {self.held} at seq {self.entry.seq}; "
                "both are kept as proof and the author's log is frozen before it")


@dataclass(frozen=True, slots=True)
class Wait:
    """A held entry that does not fit now (`why`), or sits behind one that does not."""

    entry: Entry
    why: Rejection | None = None


@dataclass(frozen=True, slots=True)
class Refuse:
    """Refused, with its code and sentence; `entry` is None when the bytes were refused."""

    entry: Entry | None
    rejection: Rejection


Verdict = Accept | Duplicate | ForkEvidence | Wait | Refuse


def receive(state: NetworkState, entry: Entry | Rejection, held: Held,
            signature: SignatureCheck, now: int) -> Verdict:
    """Decide an incoming entry (SPEC 3.4). Pure: `count` applies the verdict."""
    if isinstance(entry, Rejection):  # steps 1–7
        return Refuse(None, entry)
    if entry.id in held:  # step 8
        return Duplicate(entry)
    if state.net is not None and entry.net != state.net:  # step 9
        return Refuse(entry, Rejection(
            "wrong_network",
            f"N1: this node belongs to network {state.net}, the entry to {entry.net}",
        ))
    head = state.head_of(entry.author)
    skew = state.orders.max_future_skew_seconds * 1000
    if entry.seq > head.seq + 1 and state.equivocation(entry) is None:  # step 10
        gap = classify(head, entry, now, skew)
        assert isinstance(gap, Rejection), "beyond head + 1 is revoked or a gap"
        return Refuse(entry, gap)
    if not signature(entry, state.key_at(entry.author, entry.seq)):  # step 11
        return Refuse(entry, Rejection(
            "bad_signature",
            f"SPEC 2.3: the signature does not verify with the key in force "
            f"for this author at seq {entry.seq}",
        ))
    # step 12: another entry at the seq where the author is frozen is more evidence,
    # kept; past it the author's log is closed: say so, not "seq gap". An entry held
    # but waiting at this seq makes this one a fork as well.
    waiting_id = state.waiting_id(entry.author, entry.seq)
    if state.frozen.get(entry.author) != entry.seq and waiting_id is None:
        closed = state.equivocation(entry) if entry.seq > head.seq else None
        if closed is not None:
            return Refuse(entry, closed)
        place = classify(head, entry, now, skew)  # step 13
        if isinstance(place, Rejection):
            return Refuse(entry, place)
        if place is Place.NEXT:
            rejection = state.check(entry)  # step 14
            return Accept(entry) if rejection is None else Refuse(entry, rejection)
    held_id = waiting_id or held.id_at(entry.author, entry.seq)
    if held_id is None or held_id == entry.id:
        return Duplicate(entry)
    return ForkEvidence(entry, held_id)


def stored(state: NetworkState, entry: Entry | Rejection,
           signature: SignatureCheck) -> Verdict:
    """Decide an entry the receiver holds already, counting its log again from nothing.

    The same rules as `receive`, in the order the entries were accepted; what a
    fork freeze removed makes an entry Wait instead of Refuse (SPEC 3.3).
    """
    if isinstance(entry, Rejection):
        return Refuse(None, entry)
    if state.first_waiting(entry.author) is not None:
        return Wait(entry)  # behind an entry of its author that waits
    if not signature(entry, state.key_at(entry.author, entry.seq)):
        return Refuse(entry, Rejection(
            "bad_signature",
            f"SPEC 2.3: the signature does not verify with the key in force "
            f"for this author at seq {entry.seq}",
        ))
    rejection = state.check(entry)
    if rejection is not None and rejection.code == "equivocated":
        return Refuse(entry, rejection)
    head = state.head_of(entry.author)
    if entry.seq != head.seq + 1:
        return Refuse(entry, Rejection(
            "seq_gap", f"SPEC 3.1: the next entry of this author is seq {head.seq + 1}, "
                       f"not {entry.seq}",
        ))
    if entry.prev != head.id:
        return Refuse(entry, Rejection(
            "prev_mismatch",
            f"SPEC 3.1: seq {entry.seq} must name its predecessor {head.id}, "
            f"but names {entry.prev}",
        ))
    if rejection is not None:
        return Wait(entry, rejection) if rejection.code in WAITING else Refuse(entry, rejection)
    return Accept(entry)


def count(state: NetworkState, verdict: Verdict) -> list[Entry]:
    """Apply a verdict to the state; returns the entries counted, in order.

    An accepted entry counts, and so does every waiting entry that fits once it
    has; a waiting one is held; fork evidence freezes its author (the caller then
    rebuilds the state from what it holds). Nothing else changes the state.
    """
    if isinstance(verdict, Accept):
        state.apply(verdict.entry)
        return [verdict.entry, *state.count_waiting()]
    if isinstance(verdict, Wait):
        state.hold(verdict.entry)
    elif isinstance(verdict, ForkEvidence):
        entry = verdict.entry
        state.record_fork(entry.author, entry.seq, verdict.held, entry.id)
    return []
