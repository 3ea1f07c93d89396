"""Who is acting, and the members a step names.

A step is taken either by a signed-in member or by the node's operator (an
admin token, or the CLI on the node's directory). The procedure code always
needs a person: the officer who calls a meeting, the proposer of a motion,
the member who replies to a charge. A member acts as themselves. Recording a
step for another member (the secretary entering a motion that arrived by
post, a teller entering a paper ballot) is for officers and the operator,
and the audit trail names who recorded it; the operator, who is nobody in
the group, must always name the member.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import aiosqlite
import msgspec

from ..procedure.group.members import Member, StatusEntry, is_officer
from ..procedure.group.standing_orders import GroupStandingOrders, MeetingKind, cite
from ..store import register
from ..wire.rejection import refuse


class Actor(msgspec.Struct, frozen=True):
    """Who takes a step: `audit` names them in the audit trail."""

    audit: str
    member_id: str | None = None

    @property
    def operator(self) -> bool:
        return self.member_id is None


CLI = Actor("cli")


async def member(db: aiosqlite.Connection, member_id: str) -> Member:
    """A member of the register, or 404."""
    found, _ = await register.load(db, member_id)
    return found


async def members(db: aiosqlite.Connection, member_ids: Iterable[str]) -> dict[str, Member]:
    """Members by id; refused (404) if any id is not in the register."""
    wanted = list(dict.fromkeys(member_ids))
    found = await register.records(db, wanted)
    missing = [m for m in wanted if m not in found]
    if missing:
        raise refuse("not_found", f"there is no member {', '.join(missing)} in this register", 404)
    return found


async def acting_for(db: aiosqlite.Connection, actor: Actor, named: str | None,
                     orders: GroupStandingOrders, what: str) -> Member:
    """The member on whose behalf `actor` takes a step: themselves unless they name another.

    `what` finishes the sentence "the member who ...", e.g. "proposes the motion".
    """
    if named is None or named == actor.member_id:
        if actor.member_id is None:
            raise refuse("member_required",
                         f"the operator acts for a member here: name the member who {what}", 400)
        return await member(db, actor.member_id)
    if actor.member_id is not None:
        me = await member(db, actor.member_id)
        if not is_officer(me, orders):
            raise refuse("officer_required",
                         f"{cite('officer_roles')}: only an officer "
                         f"({', '.join(orders.officer_roles)}) records this for another member; "
                         f"a member acts only as themselves", 403)
    return await member(db, named)


def stand_in(actor: Actor, orders: GroupStandingOrders) -> Member:
    """The operator as the procedure code sees them: an active officer named after them."""
    return Member(member_id=actor.audit, name=actor.audit, email="", joined=date(1970, 1, 1),
                  history=(StatusEntry("active", 0, "the node's operator", "node"),),
                  roles=orders.officer_roles[:1])


async def officer_acting(db: aiosqlite.Connection, actor: Actor, named: str | None,
                         orders: GroupStandingOrders, what: str) -> Member:
    """The officer who takes a step: the operator stands in as one unless they name one."""
    if actor.member_id is None and named is None:
        return stand_in(actor, orders)
    return await acting_for(db, actor, named, orders, what)


def _roles(kind: MeetingKind, orders: GroupStandingOrders) -> tuple[str, ...] | None:
    """Whom a meeting of `kind` is for: every active member (None), or the officers."""
    return None if kind != "committee" else tuple(orders.officer_roles)


async def entitled_to_attend(db: aiosqlite.Connection, kind: MeetingKind,
                             orders: GroupStandingOrders) -> int:
    """How many are entitled to attend a meeting of `kind` (the base of SO 2.x quorum):
    the active members, or for a committee, the active officers (SO 9.1)."""
    return await register.count_active(db, _roles(kind, orders))


async def entitled_ids(db: aiosqlite.Connection, kind: MeetingKind,
                       orders: GroupStandingOrders) -> list[str]:
    """The ids of those entitled to attend a meeting of `kind`, who are sent its notice."""
    return await register.active_ids(db, _roles(kind, orders))
