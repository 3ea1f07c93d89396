"""Publishing a commitment to the register, and a member checking they are in it.

What crosses the network is only `register.commitment`: the freeze time, the
number of members active then, and a Merkle root (procedure
`register_commitment`). Each commitment gets fresh random salts, one per
member counted, kept here in `commitment_salts`, so leaves of two
commitments cannot be matched up to follow a member from one to the next.

A member checks inclusion against the commitment the network holds for this
group (`node.state.commitments`), not against the node's own records: the
answer carries their salt, leaf and audit path, enough to check it by hand.
"""

from __future__ import annotations

import os

import msgspec

from .. import clock
from ..network.node import Node
from ..procedure.group import register_commitment
from ..procedure.group.members import Member
from ..store import audit, register
from ..store import commitments as store_commitments
from ..wire.messages import RegisterCommitment
from ..wire.rejection import refuse
from .people import Actor
from .register import acting, check, require_officer, standing_orders

SALT_BYTES = 16


class Published(msgspec.Struct, frozen=True):
    entry: str
    freeze: int
    active_members: int
    root: str


def status_at(member: Member, at_ms: int) -> str | None:
    """The member's status at `at_ms` by their history; None if not yet in the register."""
    status = None
    for entry in member.history:
        if entry.from_ms > at_ms:
            break
        status = entry.status
    return status


async def publish(node: Node, actor: Actor, freeze_ms: int | None = None) -> Published:
    """Count the members active at the freeze time and publish the count and root."""
    orders = await standing_orders(node)
    require_officer(await acting(node, actor, orders), orders,
                    "publishes the register's commitment")
    now = clock.now(node)
    freeze = now if freeze_ms is None else freeze_ms
    if freeze > now:
        raise refuse("bad_request", "the freeze time is now or in the past: a commitment says "
                     "who was a member, not who will be", 422)
    active = [m.member_id for m in await register.all_members(node.db)
              if status_at(m, freeze) == "active"]
    entries = [register_commitment.RegisterEntry(ident, os.urandom(SALT_BYTES)) for ident in active]
    made = check(register_commitment.commit(entries, freeze))
    # Publish first: the signed entry is the commitment. The salts are stored
    # right after it, so a refusal by the network's rules leaves nothing behind.
    entry = await node.append("register.commitment", RegisterCommitment(
        freeze=freeze, active_members=made.active_count, root=made.root))
    async with node.transaction() as db:
        salts = [(e.member_id, e.salt) for e in entries]
        ident = await store_commitments.add(db, entry.id, freeze, made.active_count, made.root,
                                            now, actor.audit, salts)
        await audit.record(db, actor.audit, "register.commitment", f"commitment:{ident}",
                           {"entry": entry.id, "freeze": freeze,
                            "active_members": made.active_count, "root": made.root}, now)
    return Published(entry.id, freeze, made.active_count, made.root)


async def history(node: Node) -> list[dict]:
    rows = await store_commitments.history(node.db)
    current = node.state.commitments.get(node.id)
    return [{"id": r[0], "entry": r[1], "freeze": r[2], "active_members": r[3], "root": r[4],
             "created": r[5], "created_by": r[6],
             "current": current is not None and current[0] == r[1]} for r in rows]


async def inclusion(node: Node, member_id: str) -> dict:
    """Whether `member_id` is counted in the commitment the network holds for this group."""
    held = node.state.commitments.get(node.id)
    if held is None:
        raise refuse("no_commitment", "this group has not published a register commitment to "
                     "the network yet", 404)
    entry_id, body = held
    published = {"entry": entry_id, "freeze": body.freeze,
                 "active_members": body.active_members, "root": body.root}
    salts = await store_commitments.salts_of(node.db, entry_id)
    if salts is None:
        raise refuse("commitment_unknown", f"the commitment the network holds ({entry_id}) has "
                     "no salts in this register, so no proof can be made", 409)
    entries = [register_commitment.RegisterEntry(m, s) for m, s in salts]
    salt = next((e.salt for e in entries if e.member_id == member_id), None)
    if salt is None:
        return {"included": False, "published": published, "member_id": member_id,
                "reason": "you were not an active member at the freeze time, so you are not "
                "counted in this commitment"}
    proof = check(register_commitment.inclusion_proof(entries, member_id))
    claim = register_commitment.RegisterCommitment(body.freeze, body.active_members, body.root)
    return {
        "included": register_commitment.verify_inclusion(claim, member_id, salt, proof),
        "published": published,
        "member_id": member_id,
        "salt": salt.hex(),
        "leaf": register_commitment.leaf(member_id, salt).hex(),
        "proof": msgspec.to_builtins(proof),
    }
