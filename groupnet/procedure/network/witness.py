"""Witnessed network time (N5, DESIGN.md invariant 5; SPEC 5.5).

Kind: `heads.witness`. Nodes periodically sign the heads they hold. The
network time of an entry is the median of the times at which the other
admitted nodes first witnessed it, as those nodes' own logs claim; it is
defined once more than half have witnessed it. A minority of lying or skewed
clocks cannot move it past the honest median. A witness names each author at
most once.

The acknowledgements are not part of the state hash: they are derived from
the witness entries, whose ids the heads already cover.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Container
from typing import TYPE_CHECKING

from ...wire.messages import Entry, Witness
from ...wire.rejection import Rejection

if TYPE_CHECKING:
    from .state import NetworkState


class Witnesses:
    """When each node first witnessed each author's entries."""

    kinds = frozenset({"heads.witness"})

    def __init__(self) -> None:
        # witness -> author -> ([seq acknowledged], [ts of that acknowledgement],
        # [seq of the witness entry acknowledging it, in the witness's own log])
        self._acks: dict[str, dict[str, tuple[list[int], list[int], list[int]]]] = {}
        self._witness_ts: dict[str, int] = {}
        # witness -> ([seq of each of its witness entries], [their ts])
        self._own: dict[str, tuple[list[int], list[int]]] = {}
        # witness -> ts of its first accepted witness: who was witnessing before a deadline
        self._first_ts: dict[str, int] = {}

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: Witness = entry.body  # type: ignore[assignment]
        authors = [head.author for head in body.heads]
        if len(set(authors)) != len(authors):
            return Rejection("bad_schema", "N5: a witness names each author at most once")
        return None

    def apply(self, state: NetworkState, entry: Entry) -> None:
        body: Witness = entry.body  # type: ignore[assignment]
        acks = self._acks.setdefault(entry.author, {})
        self._witness_ts[entry.author] = entry.ts
        self._first_ts.setdefault(entry.author, entry.ts)
        ts, own = entry.ts, entry.seq
        mine = self._own.setdefault(entry.author, ([], []))
        mine[0].append(own)
        mine[1].append(ts)
        # every node folds every witness, each naming about every author: kept lean
        for head in body.heads:
            known = acks.get(head.author)
            if known is None:
                acks[head.author] = ([head.seq], [ts], [own])
            elif head.seq > known[0][-1]:
                known[0].append(head.seq)
                known[1].append(ts)
                known[2].append(own)

    def summary(self, state: NetworkState) -> dict[str, object]:
        return {}

    def first_witnessed(self, witness: str, author: str, seq: int) -> int | None:
        seqs, times, _ = self._acks.get(witness, {}).get(author, ((), (), ()))
        index = bisect_left(seqs, seq)
        return times[index] if index < len(seqs) else None

    def network_time(self, state: NetworkState, author: str, seq: int) -> int | None:
        """Median of the other admitted nodes' first-witness times (N5), or None."""
        witnesses = _witnesses_for(state, author)
        if not witnesses:
            head = state.heads.get(author)
            return head.ts if head and head.seq >= seq else None
        never = 2**63
        times = sorted(
            t if (t := self.first_witnessed(w, author, seq)) is not None else never
            for w in witnesses
        )
        median = times[len(times) // 2]
        return None if median == never else median

    def arrived_before(self, state: NetworkState, author: str, seq: int,
                       deadline: int) -> bool | None:
        """Was entry (author, seq) in the network before `deadline`? None: not yet decided.

        True once more than half of the other nodes witnessed it at or before the
        deadline; False once so many have signed later witnesses without it that
        a majority can no longer form (an author's times never go backwards).
        """
        witnesses = _witnesses_for(state, author)
        if not witnesses:
            head = state.heads.get(author)
            return None if head is None or head.seq < seq else head.ts <= deadline
        yes = no = 0
        for w in witnesses:
            seen = self.first_witnessed(w, author, seq)
            if seen is not None and seen <= deadline:
                yes += 1
            elif (seen is not None and seen > deadline) or self._witness_ts.get(w, -1) > deadline:
                no += 1
        if yes * 2 > len(witnesses):
            return True
        if (len(witnesses) - no) * 2 <= len(witnesses):
            return False
        return None


    def acknowledged(self, witness: str, by: int, upto: int | None = None) -> dict[str, int]:
        """author -> the highest seq `witness` acknowledged in its witnesses dated ≤ `by`
        (and, with `upto`, at seq ≤ `upto` of its own log)."""
        out = {}
        for author, (seqs, times, owns) in self._acks.get(witness, {}).items():
            # times follow the witness's log, so they never go down along `seqs`
            index = bisect_right(times, by)
            if upto is not None:
                index = min(index, bisect_right(owns, upto))
            if index:
                out[author] = seqs[index - 1]
        return out

    def acknowledged_beyond(self, witness: str, by: int, upto: int,
                            within: dict[str, int], always: Container[str]) -> dict[str, int]:
        """`acknowledged(witness, by, upto)`, but only the authors it acknowledged beyond
        `within` (author -> seq), or named in `always`: what a cut's check needs, and
        one bisect per author rather than a whole map (every node checks every cosign)."""
        out = {}
        for author, (seqs, times, owns) in self._acks.get(witness, {}).items():
            index = bisect_right(times, by)
            if index and owns[index - 1] > upto:
                index = bisect_right(owns, upto, 0, index)
            if index and (seqs[index - 1] > within.get(author, 0) or author in always):
                out[author] = seqs[index - 1]
        return out

    def last_witness_by(self, witness: str, by: int) -> int:
        """The seq, in its own log, of `witness`'s latest witness dated ≤ `by` (0: none)."""
        seqs, times = self._own.get(witness, ((), ()))
        index = bisect_right(times, by)
        return seqs[index - 1] if index else 0

    def latest_witness(self, witness: str) -> int | None:
        """The `ts` of the latest witness `witness` signed, if any."""
        return self._witness_ts.get(witness)

    # -- deadlines (SPEC 5.5, "Deadlines") ---------------------------------------------

    def deadline_witnesses(self, state: NetworkState, deadline: int,
                           author: str | None = None) -> list[str]:
        """Members (but `author`) whose first witness is dated at or before `deadline`.

        Nodes that were witnessing before the deadline: a group admitted later does not
        change whether an entry came before it, so a decided answer stays decided.
        """
        return sorted(node for node in state.members
                      if node != author and self._first_ts.get(node, deadline + 1) <= deadline)

    def arrived_before_deadline(self, state: NetworkState, author: str, seq: int, ts: int,
                                deadline: int) -> bool | None:
        """Was entry (author, seq), dated `ts` by its author, in the network by `deadline`?

        As `arrived_before`, with the deadline's witnesses. With none, the author's own
        `ts` decides (a network with no witnesses before the deadline has nothing else).
        """
        witnesses = self.deadline_witnesses(state, deadline, author)
        if not witnesses:
            return ts <= deadline
        yes = no = 0
        count = len(witnesses)
        for w in witnesses:
            seen = self.first_witnessed(w, author, seq)
            if seen is not None and seen <= deadline:
                yes += 1
                if yes * 2 > count:
                    return True  # a majority already: the rest cannot change it
            elif (seen is not None and seen > deadline) or self._witness_ts.get(w, -1) > deadline:
                no += 1
                if (count - no) * 2 <= count:
                    return False
        return None

    def settled_time(self, state: NetworkState, author: str, seq: int, ts: int) -> int | None:
        """The network time of (author, seq), dated `ts`, by the witnesses of that moment.

        As `network_time`, with the deadline's witnesses for `ts` (the members that were
        witnessing when the author dated it), so groups admitted later do not move it;
        with none, `ts` itself.
        """
        witnesses = self.deadline_witnesses(state, ts, author)
        if not witnesses:
            return ts
        never = 2**63
        times = sorted(
            t if (t := self.first_witnessed(w, author, seq)) is not None else never
            for w in witnesses
        )
        median = times[len(times) // 2]
        return None if median == never else median

    def deadline_passed(self, state: NetworkState, deadline: int) -> bool:
        """Has the network passed `deadline`: did more than half of its witnesses sign later?

        With no witness before the deadline, once any member's own log is dated after it.
        Once true, no entry can still arrive before the deadline (`arrived_before_deadline`
        is decided for every entry held, or false for every entry to come).
        """
        witnesses = self.deadline_witnesses(state, deadline)
        if not witnesses:
            return any(head.ts > deadline for node, head in state.heads.items()
                       if node in state.members)
        later = sum(1 for w in witnesses if self._witness_ts.get(w, -1) > deadline)
        return later * 2 > len(witnesses)


def _witnesses_for(state: NetworkState, author: str) -> list[str]:
    return sorted(node for node in state.members if node != author)
