"""Delegate credentials (N7): whom a group sends to a conference.

Kind: `delegate.credential`. A group publishes the delegates it elected to a
named conference, with their mandates, naming each delegate once; the latest
credential for that conference in the group's log stands, replacing earlier
ones. Every credential is kept too, in log order: a conference judges each
by its credentials deadline and the group's entitlement (SPEC 5.8, K5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...wire.messages import DelegateCredential, Entry
from ...wire.rejection import Rejection

if TYPE_CHECKING:
    from .state import NetworkState


class Credentials:
    """The standing credential of each group for each conference."""

    kinds = frozenset({"delegate.credential"})

    def __init__(self) -> None:
        self.credentials: dict[tuple[str, str], tuple[str, DelegateCredential]] = {}
        # (author, conference) -> [(seq, ts, entry id, credential)] in log order
        self.history: dict[tuple[str, str], list[tuple[int, int, str, DelegateCredential]]] = {}

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: DelegateCredential = entry.body  # type: ignore[assignment]
        seats = [seat.delegate for seat in body.delegates]
        if len(set(seats)) != len(seats):
            return Rejection("bad_schema", "N7: a credential names each delegate once")
        return None

    def apply(self, state: NetworkState, entry: Entry) -> None:
        body: DelegateCredential = entry.body  # type: ignore[assignment]
        self.credentials[(entry.author, body.conference)] = (entry.id, body)
        self.history.setdefault((entry.author, body.conference), []).append(
            (entry.seq, entry.ts, entry.id, body))

    def summary(self, state: NetworkState) -> dict[str, object]:
        return {"credentials": sorted(
            [node, conference, ident]
            for (node, conference), (ident, _) in self.credentials.items()
        )}
