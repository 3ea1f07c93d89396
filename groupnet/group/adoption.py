"""Between the group's own motions and the network's: adopting and sharing.

- Adopting: a shared motion becomes a local motion of ours, for one of our
  meetings, linked to the version it was taken from. When our meeting carries
  it, the endorsement goes to the network with our tally and attendance — the
  count is the one the rules computed, never typed in again.
- Sharing: one of our own motions goes to the network, with our meeting's
  decision if it was carried, or as a draft seeking co-sponsors if not yet put.

Each link is kept in the `adoptions` table, written in the same transaction
as the local motion it belongs to.
"""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from ..network import sharing
from ..node import Node, now_ms
from ..wire.messages import Adoption, Entry, Tally
from ..wire.rejection import refuse
from . import meetings as group_meetings
from . import motions as local_motions
from .people import Actor

MEETING_NAMES = {"general": "General meeting", "committee": "Committee meeting",
                 "annual": "Annual general meeting"}


async def adopt(node: Node, actor: Actor, shared_id: str, meeting_id: int, seconder: str,
                proposer: str | None = None) -> local_motions.MotionView:
    """Put a shared motion's latest version to one of our meetings as our own motion."""
    shared = sharing.motion_or_404(node, shared_id)
    if shared.withdrawn is not None:
        raise refuse("motion_withdrawn", "SM3: a withdrawn motion cannot be adopted")
    if shared.group == node.id:
        raise refuse("own_motion", "SM4: this is our own motion already")
    version = shared.current

    async def link(db: aiosqlite.Connection, ident: int) -> None:
        await db.execute(
            "INSERT INTO adoptions (local_motion, direction, shared_motion, version, linked_at) "
            "VALUES (?, 'adopted', ?, ?, ?)", (ident, shared.id, version.number, now_ms()),
        )

    request = local_motions.SubmitMotion(title=version.title, text=version.text,
                                         seconder=seconder, proposer=proposer)
    return await local_motions.submit(node, actor, meeting_id, request, also=link)


async def link_of(db: aiosqlite.Connection, local_id: int) -> tuple | None:
    async with db.execute(
        "SELECT direction, shared_motion, version, endorsement FROM adoptions "
        "WHERE local_motion = ?", (local_id,),
    ) as cursor:
        return await cursor.fetchone()


async def _decision(node: Node, local_id: int) -> Adoption | None:
    """Our meeting's decision on a local motion, if it was carried."""
    view = await local_motions.view(node.db, local_id)
    result = view.result
    if result is None or result.outcome != "carried" or result.tally is None:
        return None
    meeting = (await group_meetings.view(node.db, view.meeting)).meeting
    day = datetime.fromtimestamp(meeting.starts_at_ms / 1000, UTC).strftime("%Y-%m-%d")
    present = len((await group_meetings.load(node.db, view.meeting))[0].attendance.present)
    t = result.tally
    return Adoption(MEETING_NAMES.get(meeting.kind, "Meeting"), day,
                    Tally(t.in_favour, t.against, t.abstentions, present))


async def after_decision(node: Node, local_id: int) -> Entry | None:
    """If a motion we adopted from the network was carried, endorse it with our count."""
    link = await link_of(node.db, local_id)
    if link is None or link[0] != "adopted" or link[3] is not None:
        return None
    decision = await _decision(node, local_id)
    if decision is None:
        return None
    entry = await sharing.endorse(node, link[1], decision, link[2])
    async with node.transaction() as db:
        await db.execute("UPDATE adoptions SET endorsement = ? WHERE local_motion = ?",
                         (entry.id, local_id))
    return entry


async def share_local(node: Node, local_id: int, topics: list[str]) -> Entry:
    """Share one of our own motions: carried, with its decision; not yet put, as a draft."""
    link = await link_of(node.db, local_id)
    if link is not None:
        raise refuse("already_linked",
                     f"this motion is already {link[0]} as network motion {link[1]}", 409)
    view = await local_motions.view(node.db, local_id)
    if view.result is not None and view.result.outcome != "carried":
        raise refuse("not_carried",
                     f"only a carried motion or one not yet put can be shared; this one was "
                     f"{view.result.outcome} ({view.result.rule})")
    decision = await _decision(node, local_id)
    entry = await sharing.share(node, view.motion.title, view.motion.text, topics, decision,
                                f"motion {local_id}")
    async with node.transaction() as db:
        await db.execute(
            "INSERT INTO adoptions (local_motion, direction, shared_motion, version, linked_at) "
            "VALUES (?, 'shared', ?, 1, ?)", (local_id, entry.id, now_ms()),
        )
    return entry


async def links(node: Node, shared_id: str) -> list[dict]:
    """Our local motions linked to a shared motion."""
    async with node.db.execute(
        "SELECT local_motion, direction, version, endorsement FROM adoptions "
        "WHERE shared_motion = ? ORDER BY local_motion", (shared_id,),
    ) as cursor:
        rows = await cursor.fetchall()
    return [{"local_motion": r[0], "direction": r[1], "version": r[2], "endorsement": r[3]}
            for r in rows]

