"""A group's own carried motions, submitted to a conference without retyping them.

The secretary picks one of the group's motions that its meeting carried; the
title, the text and the meeting's decision (its count, as the rules computed
it) go to the network as a `conference.motion`, or, as a new text for another
group's conference motion, as a `conference.amendment`. A rule change goes the
same way: the motion that carried it gives its title, its reason and the count,
and a TOML file the constitution as amended (`conference.rule_change`, or
`conference.rule_change_amendment` for another's). A motion not carried is
refused here, before anything is signed, with the rule's own words. The
conference rules (K6, K7) then judge the entry on every node alike.
"""

from __future__ import annotations

from ..network import conferences, constitution
from ..network.node import Node
from ..wire.messages import Adoption, Entry
from ..wire.rejection import refuse
from . import elections, motions
from .endorsement import decision_of
from .people import Actor


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


async def amend_local(node: Node, motion: str, local_id: int, reason: str = "",
                      conference: str | None = None) -> Entry:
    """Propose our carried motion `local_id`'s text as an amendment of a conference motion
    (K7): the motion our meeting carried is the amended text. With `conference`, the
    motion must have been submitted to that conference."""
    if conference is not None and \
            conferences.motion_or_404(node, motion).conference != conference:
        raise refuse("not_found", "K7: that motion was submitted to another conference", 404)
    view, decision = await _carried(node, local_id)
    return await conferences.amend(node, motion, view.motion.text,
                                   reason or view.motion.title, decision)


def _reason(view: motions.MotionView, reason: str) -> str:
    """The reason a rule change gives: as given, else the carried motion's text if it fits
    (`Text`, 2000 characters), else its title."""
    if reason:
        return reason
    return view.motion.text if len(view.motion.text) <= 2000 else view.motion.title


async def rule_change_local(node: Node, conference: str, local_id: int, amended: str,
                            reason: str = "") -> Entry:
    """Submit the rule change our carried motion `local_id` decided (C5, K11): `amended`
    is the TOML of the parts it changes in the constitution in force."""
    conferences.call_or_404(node, conference)
    view, decision = await _carried(node, local_id)
    proposed = constitution.amended(amended, node.state.constitution)
    return await conferences.propose_rule_change(node, conference, view.motion.title,
                                                 proposed, _reason(view, reason), decision)


async def amend_rule_change_local(node: Node, rule_change: str, local_id: int, amended: str,
                                  reason: str = "", conference: str | None = None) -> Entry:
    """Submit the amendment our carried motion `local_id` decided to a rule change (C5,
    K12): `amended` is the TOML of the parts it changes in the rule change."""
    proposal = conferences.rule_change_or_404(node, rule_change)
    if conference is not None and proposal.conference != conference:
        raise refuse("not_found", "K12: that rule change was submitted to another "
                     "conference", 404)
    view, decision = await _carried(node, local_id)
    proposed = constitution.amended(amended, proposal.body.constitution, "the amendment")
    return await conferences.amend_rule_change(node, rule_change, proposed,
                                               _reason(view, reason), decision)


async def publish_credential(node: Node, actor: Actor, conference: str,
                             election: int) -> elections.Publication:
    """Publish the credential of our counted delegate election for `conference` (K5): the
    election must have been opened for that conference (its id as the conference)."""
    conferences.call_or_404(node, conference)
    record, _ = await elections.load(node.db, election)
    if record.election.conference != conference:
        raise refuse("wrong_conference", f"K5: election {election} elected delegates to "
                     f"“{record.election.conference}”, not to this conference")
    view = await elections.publish(node, actor, election)
    return view.published[-1]
