"""A shared motion our meeting carried is endorsed on the network with our count.

The vote step (`motions.put_to_vote`) calls `after_decision` once the count is
recorded; `adoption.py`, which puts shared motions to our meetings and so
imports `motions`, takes the same `decision_of` when it shares one of ours.
The count sent is the one the rules computed, never typed in again.
"""

from __future__ import annotations

from ..local_time import LocalTime
from ..network import sharing
from ..network.node import Node
from ..procedure.group.motions import MotionResult
from ..store import adoptions
from ..wire.messages import Adoption, Entry, Tally
from . import meetings

MEETING_NAMES = {"general": "General meeting", "committee": "Committee meeting",
                 "annual": "Annual general meeting"}


async def decision_of(node: Node, meeting_id: int, result: MotionResult | None
                      ) -> Adoption | None:
    """Our meeting's decision on a local motion with `result`, if it was carried."""
    if result is None or result.outcome != "carried" or result.tally is None:
        return None
    record, _ = await meetings.load(node.db, meeting_id)
    meeting = record.meeting
    # the date the group met on, where it met
    day = LocalTime(node.config.time_zone).at(meeting.starts_at_ms).date().isoformat()
    present = len(record.attendance.present)
    t = result.tally
    return Adoption(MEETING_NAMES.get(meeting.kind, "Meeting"), day,
                    Tally(t.in_favour, t.against, t.abstentions, present))


async def after_decision(node: Node, local_id: int, meeting_id: int,
                         result: MotionResult | None) -> Entry | None:
    """If a motion we adopted from the network was carried, endorse it with our count."""
    link = await adoptions.link_of(node.db, local_id)
    if link is None or link[0] != "adopted" or link[3] is not None:
        return None
    decision = await decision_of(node, meeting_id, result)
    if decision is None:
        return None
    entry = await sharing.endorse(node, link[1], decision, link[2])
    async with node.transaction() as db:
        await adoptions.set_endorsement(db, local_id, entry.id)
    return entry
