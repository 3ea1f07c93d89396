"""A group's own carried motions, submitted to a conference without retyping them.

The secretary picks one of the group's motions that its meeting carried; the
title, the text and the meeting's decision (its count, as the rules computed
it) go to the network as a `conference.motion`, or, as a new text for another
group's conference motion, as a `conference.amendment`. A motion not carried is
refused here, before anything is signed, with the rule's own words. The
conference rules (K6, K7) then judge the entry on every node alike.
"""

from __future__ import annotations

from ..network import conferences
from ..network.node import Node
from ..wire.messages import Adoption, Entry
from ..wire.rejection import refuse
from . import motions
from .endorsement import decision_of


async def _carried(node: Node, local_id: int) -> tuple[motions.MotionView, Adoption]:
    view = await motions.view(node.db, local_id)
    decision = await decision_of(node, view.meeting, view.result)
    if decision is None:
        outcome = view.result.outcome if view.result is not None else "not yet put"
        raise refuse("not_carried", f"K6: a group submits a motion its meeting carried; "
                     f"motion {local_id} is {outcome}")
    return view, decision


async def submit_local(node: Node, conference: str, local_id: int, subject: str,
                       emergency: str = "") -> Entry:
    """Submit our carried motion `local_id` to the conference (K6)."""
    view, decision = await _carried(node, local_id)
    return await conferences.submit(node, conference, view.motion.title, view.motion.text,
                                    subject, decision, emergency)


async def amend_local(node: Node, motion: str, local_id: int, reason: str = "") -> Entry:
    """Propose our carried motion `local_id`'s text as an amendment of a conference motion
    (K7): the motion our meeting carried is the amended text."""
    view, decision = await _carried(node, local_id)
    return await conferences.amend(node, motion, view.motion.text,
                                   reason or view.motion.title, decision)
