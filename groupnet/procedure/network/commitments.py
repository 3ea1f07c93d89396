"""Register commitments (N6): a group's published count of its active members.

Kind: `register.commitment`. A group may publish the count of its active
members at a freeze time with a Merkle root over salted per-member leaves; the
latest one in its log stands. No personal data crosses the network. Every
commitment is kept too, in log order: a conference's entitlement is counted
from the commitments published by its call (SPEC 5.8, K5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...wire.messages import Entry, RegisterCommitment
from ...wire.rejection import Rejection

if TYPE_CHECKING:
    from .state import NetworkState


class Commitments:
    """The latest register commitment of each group."""

    kinds = frozenset({"register.commitment"})

    def __init__(self) -> None:
        self.commitments: dict[str, tuple[str, RegisterCommitment]] = {}
        # author -> [(ts, entry id, commitment)] in log order
        self.history: dict[str, list[tuple[int, str, RegisterCommitment]]] = {}

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        return None

    def apply(self, state: NetworkState, entry: Entry) -> None:
        self.commitments[entry.author] = (entry.id, entry.body)  # type: ignore[assignment]
        self.history.setdefault(entry.author, []).append(
            (entry.ts, entry.id, entry.body))  # type: ignore[arg-type]

    def as_of(self, author: str, moment: int) -> tuple[str, RegisterCommitment] | None:
        """The author's latest commitment written, and frozen, at or before `moment`."""
        for ts, ident, body in reversed(self.history.get(author, ())):
            if ts <= moment and body.freeze <= moment:
                return ident, body
        return None

    def summary(self, state: NetworkState) -> dict[str, object]:
        return {"commitments": sorted(
            [node, ident] for node, (ident, _) in self.commitments.items()
        )}
