"""Following groups and topics: an in-node list of new matching motions."""

from __future__ import annotations

from ..clock import now_ms
from ..store import follows as store_follows
from ..wire.rejection import refuse
from .node import Node
from .sharing import describe

KINDS = ("group", "topic")


async def follow(node: Node, kind: str, value: str) -> None:
    if kind not in KINDS:
        raise refuse("bad_request", "one follows a `group` (node id) or a `topic`", 400)
    if kind == "group" and value not in node.state.members:
        raise refuse("unknown_group", "no admitted group has that node id", 404)
    async with node.transaction() as db:
        await store_follows.add(db, kind, value, now_ms())


async def unfollow(node: Node, kind: str, value: str) -> None:
    async with node.transaction() as db:
        await store_follows.remove(db, kind, value)


async def follows(node: Node) -> list[dict]:
    return [{"kind": k, "value": v, "created": c}
            for k, v, c in await store_follows.listing(node.db)]


async def notifications(node: Node) -> dict:
    """Motions shared or revised since a matching follow began, newest first."""
    followed = await follows(node)
    read_upto = await store_follows.read_upto(node.db)
    items = []
    for motion in node.state.motions.motions.values():
        if motion.group == node.id:
            continue
        for version in motion.versions:
            reasons = [
                f"{f['kind']}:{f['value']}" for f in followed
                if version.ts >= f["created"]
                and ((f["kind"] == "group" and f["value"] == motion.group)
                     or (f["kind"] == "topic" and f["value"] in version.topics))
            ]
            if reasons:
                items.append({
                    "motion": describe(node, motion),
                    "version": version.number,
                    "ts": version.ts,
                    "because": reasons,
                    "unread": version.ts > read_upto,
                })
    items.sort(key=lambda item: (item["ts"], item["motion"]["id"]), reverse=True)
    return {"unread": sum(1 for i in items if i["unread"]), "items": items}


async def mark_read(node: Node, upto: int | None = None) -> None:
    async with node.transaction() as db:
        await store_follows.mark_read(db, upto if upto is not None else now_ms())
