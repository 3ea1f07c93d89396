"""Register commitments (N6): a group's published count of its active members.

Kind: `register.commitment`. A group may publish the count of its active
members at a freeze time with a Merkle root over salted per-member leaves; the
latest one in its log stands. No personal data crosses the network.
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

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        return None

    def apply(self, state: NetworkState, entry: Entry) -> None:
        self.commitments[entry.author] = (entry.id, entry.body)  # type: ignore[assignment]

    def summary(self, state: NetworkState) -> dict[str, object]:
        return {"commitments": sorted(
            [node, ident] for node, (ident, _) in self.commitments.items()
        )}
