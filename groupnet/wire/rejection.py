"""The one shape every refusal takes (DESIGN.md invariant 7).

A rule that refuses something returns a `Rejection`: a stable machine code and
a sentence that cites the rule applied. Callers never half-apply a change: the
procedure functions check first and return either a rejection or the change.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

T = TypeVar("T")


class Rejection(msgspec.Struct, frozen=True):
    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class Refused(Exception):
    """Raised at the edges (store, web, CLI) to carry a Rejection upwards."""

    def __init__(self, rejection: Rejection, status: int = 422) -> None:
        super().__init__(str(rejection))
        self.rejection = rejection
        self.status = status


def refuse(code: str, reason: str, status: int = 422) -> Refused:
    return Refused(Rejection(code, reason), status)


def or_refuse(value: T | Rejection, status: int = 422) -> T:
    """At the edges: the procedure's result, or its rejection raised as `Refused`."""
    if isinstance(value, Rejection):
        raise Refused(value, status)
    return value
