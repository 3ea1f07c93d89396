"""The group's standing orders in force: one record, changed only by a carried rule change.

Until the group carries a rule change, the documented defaults are in force
(`GroupStandingOrders()`). `adopt` is the only function that writes the
record, and it takes the result of a rule-change motion that the procedure
code decided was carried; no endpoint or command edits the orders directly.
"""

from __future__ import annotations

from typing import Any

import aiosqlite
import msgspec

from ..procedure.group.motions import MotionResult
from ..procedure.group.standing_orders import GroupStandingOrders, describe, to_mapping
from ..store import audit, business
from ..wire.rejection import Refused, refuse

KIND = "standing_orders"
ID = 1


class RulesRecord(msgspec.Struct, frozen=True, kw_only=True):
    orders: GroupStandingOrders
    since_ms: int
    # the meeting and motion that carried them ("meeting 3, motion 7")
    decided_by: str


class RulesView(msgspec.Struct, frozen=True, kw_only=True):
    orders: dict[str, Any]
    lines: list[str]
    since_ms: int | None
    decided_by: str
    version: int


async def _record(db: aiosqlite.Connection) -> tuple[RulesRecord | None, int | None]:
    try:
        record, version = await business.load(db, KIND, ID, RulesRecord)
    except Refused as refused:
        if refused.status == 404:
            return None, None
        raise
    return record, version


async def current(db: aiosqlite.Connection) -> GroupStandingOrders:
    record, _ = await _record(db)
    return record.orders if record else GroupStandingOrders()


async def view(db: aiosqlite.Connection) -> RulesView:
    record, version = await _record(db)
    orders = record.orders if record else GroupStandingOrders()
    return RulesView(orders=to_mapping(orders), lines=describe(orders),
                     since_ms=record.since_ms if record else None,
                     decided_by=record.decided_by if record else "the documented defaults",
                     version=version or 0)


def markdown_table(orders: GroupStandingOrders) -> str:
    """The orders as a Markdown table, one row per `describe` line (docs/business.md)."""
    rows = ["| number | standing order |", "| --- | --- |"]
    for line in describe(orders):
        number, _, text = line.partition("  ")
        rows.append(f"| {number} | {text} |")
    return "\n".join(rows)


async def adopt(db: aiosqlite.Connection, result: MotionResult, actor: str, now: int) -> None:
    """Put into force the orders a carried rule-change motion produced (inside its transaction)."""
    if result.outcome != "carried" or result.new_orders is None:
        raise refuse("not_a_carried_rule_change",
                     "standing order 5: the standing orders change only by a carried rule change")
    record, version = await _record(db)
    decided_by = f"meeting {result.meeting_id}, motion {result.motion_id}"
    new = RulesRecord(orders=result.new_orders, since_ms=now, decided_by=decided_by)
    await business.save(db, KIND, ID, new, version, now)
    before = to_mapping(record.orders if record else GroupStandingOrders())
    after = to_mapping(result.new_orders)
    changed = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
    await audit.record(db, actor, "rules.changed", f"{KIND}:{ID}",
                       {"decided_by": decided_by, "changed": changed, "rule": result.rule}, now)
