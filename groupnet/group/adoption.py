"""Between the group's own motions and the network's: adopting and sharing.

- Adopting: a shared motion becomes a local motion of ours, for one of our
  meetings, linked to the version it was taken from. When our meeting carries
  it, the endorsement goes to the network with our tally and attendance — the
  count is the one the rules computed, never typed in again.
- Sharing: one of our own motions goes to the network, with our meeting's
  decision if it was carried, or as a draft seeking co-sponsors if not yet put.

Each link is kept in the `adoptions` table (`store/adoptions.py`), written in the
same transaction as the local motion it belongs to. The endorsement after our
meeting's vote is `endorsement.py`'s: the vote step calls it.
"""

from __future__ import annotations

import aiosqlite

from .. import clock
from ..network import sharing
from ..network.node import Node
from ..store import adoptions
from ..wire.messages import Entry
from ..wire.rejection import refuse
from . import endorsement, motions
from .people import Actor


async def adopt(node: Node, actor: Actor, shared_id: str, meeting_id: int, seconder: str,
                proposer: str | None = None) -> motions.MotionView:
    """Put a shared motion's latest version to one of our meetings as our own motion."""
    shared = sharing.motion_or_404(node, shared_id)
    if shared.withdrawn is not None:
        raise refuse("motion_withdrawn", "SM3: a withdrawn motion cannot be adopted")
    if shared.group == node.id:
        raise refuse("own_motion", "SM4: this is our own motion already")
    version = shared.current

    async def link(db: aiosqlite.Connection, ident: int) -> None:
        await adoptions.link(db, ident, "adopted", shared.id, version.number, clock.now_ms())

    request = motions.SubmitMotion(title=version.title, text=version.text,
                                   seconder=seconder, proposer=proposer)
    return await motions.submit(node, actor, meeting_id, request, also=link)


async def share_local(node: Node, local_id: int, topics: list[str]) -> Entry:
    """Share one of our own motions: carried, with its decision; not yet put, as a draft."""
    link = await adoptions.link_of(node.db, local_id)
    if link is not None:
        raise refuse("already_linked",
                     f"this motion is already {link[0]} as network motion {link[1]}", 409)
    view = await motions.view(node.db, local_id)
    if view.result is not None and view.result.outcome != "carried":
        raise refuse("not_carried",
                     f"only a carried motion or one not yet put can be shared; this one was "
                     f"{view.result.outcome} ({view.result.rule})")
    decision = await endorsement.decision_of(node, view.meeting, view.result)
    entry = await sharing.share(node, view.motion.title, view.motion.text, topics, decision,
                                f"motion {local_id}")
    async with node.transaction() as db:
        await adoptions.link(db, local_id, "shared", entry.id, 1, clock.now_ms())
    return entry


async def link_of_local(node: Node, local_id: int) -> dict | None:
    """How one of our motions is linked to the network: shared or adopted, as which shared
    motion, and the endorsement sent for it; None if it is not."""
    link = await adoptions.link_of(node.db, local_id)
    if link is None:
        return None
    return {"direction": link[0], "shared_motion": link[1], "version": link[2],
            "endorsement": link[3]}


async def links(node: Node, shared_id: str) -> list[dict]:
    """Our local motions linked to a shared motion."""
    rows = await adoptions.links_to(node.db, shared_id)
    return [{"local_motion": r[0], "direction": r[1], "version": r[2], "endorsement": r[3]}
            for r in rows]

