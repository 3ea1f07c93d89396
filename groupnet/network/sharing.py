"""What a group's officers do with motions on the network.

Each action becomes one signed entry in this node's log; the shared-motion
rules (`procedure/network/shared_motions.py`) decide on every node whether it stands.
References carry the seq of the sharing group's log this node holds now (SM3),
so the verdict here and everywhere else is the same.
"""

from __future__ import annotations

import msgspec

from ..procedure.network.shared_motions import SharedMotion
from ..wire.messages import (
    Adoption,
    Entry,
    MotionAmendment,
    MotionCosponsored,
    MotionEndorsed,
    MotionRef,
    MotionReply,
    MotionRevised,
    MotionShared,
    MotionWithdrawn,
)
from ..wire.rejection import refuse
from .node import Node


def motion_or_404(node: Node, motion_id: str) -> SharedMotion:
    motion = node.state.motions.motions.get(motion_id)
    if motion is None:
        raise refuse("unknown_motion", "SM3: no shared motion with that id is known here", 404)
    return motion


def reference(node: Node, motion: SharedMotion) -> MotionRef:
    return MotionRef(motion.group, motion.id, node.state.head_of(motion.group).seq)


def _body(shape: type, fields: dict):
    try:
        return msgspec.convert(fields, shape)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"{shape.__name__}: {error}", 400) from None


async def share(node: Node, title: str, text: str, topics: list[str],
                adopted: Adoption | dict | None, local: str = "") -> Entry:
    body = _body(MotionShared, {"title": title, "text": text, "topics": topics,
                                "adopted": msgspec.to_builtins(adopted), "local": local})
    return await node.append("motion.shared", body)


async def revise(node: Node, motion_id: str, changes: dict, note: str = "") -> Entry:
    motion = motion_or_404(node, motion_id)
    current = motion.current
    fields = {
        "ref": msgspec.to_builtins(reference(node, motion)),
        "title": current.title, "text": current.text, "topics": current.topics,
        "adopted": msgspec.to_builtins(current.adopted), "note": note,
    }
    fields.update({k: v for k, v in changes.items() if v is not None})
    return await node.append("motion.revised", _body(MotionRevised, fields))


async def withdraw(node: Node, motion_id: str, reason: str) -> Entry:
    motion = motion_or_404(node, motion_id)
    return await node.append("motion.withdrawn", MotionWithdrawn(reference(node, motion), reason))


async def endorse(node: Node, motion_id: str, adoption: Adoption | dict,
                  version: int | None = None) -> Entry:
    motion = motion_or_404(node, motion_id)
    body = _body(MotionEndorsed, {
        "ref": msgspec.to_builtins(reference(node, motion)),
        "version": version or len(motion.versions),
        "adoption": msgspec.to_builtins(adoption),
    })
    return await node.append("motion.endorsed", body)


async def cosponsor(node: Node, motion_id: str, version: int | None = None) -> Entry:
    motion = motion_or_404(node, motion_id)
    body = _body(MotionCosponsored, {"ref": msgspec.to_builtins(reference(node, motion)),
                                     "version": version or len(motion.versions)})
    return await node.append("motion.cosponsored", body)


async def amend(node: Node, motion_id: str, text: str, reason: str,
                version: int | None = None) -> Entry:
    motion = motion_or_404(node, motion_id)
    body = _body(MotionAmendment, {"ref": msgspec.to_builtins(reference(node, motion)),
                                   "version": version or len(motion.versions),
                                   "text": text, "reason": reason})
    return await node.append("motion.amendment", body)


async def reply(node: Node, motion_id: str, text: str) -> Entry:
    motion = motion_or_404(node, motion_id)
    body = _body(MotionReply, {"ref": msgspec.to_builtins(reference(node, motion)),
                               "text": text})
    return await node.append("motion.reply", body)


def describe(node: Node, motion: SharedMotion, full: bool = False) -> dict:
    """A motion as the API and pages show it, with its provenance."""
    state = node.state
    names = {m.node: m.name for m in state.members.values()}
    profile = state.profiles.get(motion.group)
    current = motion.current
    summary = {
        "id": motion.id,
        "group": {"node": motion.group, "name": names.get(motion.group, motion.group),
                  "area": profile[1].area if profile else ""},
        "title": current.title,
        "topics": current.topics,
        "state": motion.state,
        "version": current.number,
        "shared_at": motion.ts,
        "updated_at": current.ts,
        "adopted": msgspec.to_builtins(current.adopted),
        "endorsements": len(motion.endorsements),
        "cosponsors": len(motion.cosponsors),
        "amendments": len(motion.amendments),
        "replies": len(motion.replies),
        "network_time": state.network_time(motion.group, motion.seq),
    }
    if not full:
        return summary

    def who(group: str) -> dict:
        return {"node": group, "name": names.get(group, group)}

    summary.update({
        "text": current.text,
        "local": motion.local,
        "withdrawn": (
            {"entry": motion.withdrawn[1], "reason": motion.withdrawn[2]}
            if motion.withdrawn else None
        ),
        "versions": [
            {"number": v.number, "entry": v.entry, "ts": v.ts, "title": v.title,
             "text": v.text, "topics": v.topics, "adopted": msgspec.to_builtins(v.adopted),
             "note": v.note}
            for v in motion.versions
        ],
        "endorsement_list": [
            {"group": who(e.group), "version": e.version, "entry": e.entry, "ts": e.ts,
             "adoption": msgspec.to_builtins(e.adoption)}
            for e in sorted(motion.endorsements, key=lambda e: (e.ts, e.entry))
        ],
        "cosponsor_list": [
            {"group": who(c.group), "version": c.version, "entry": c.entry, "ts": c.ts}
            for c in sorted(motion.cosponsors, key=lambda c: (c.ts, c.entry))
        ],
        "amendment_list": [
            {"group": who(a.group), "version": a.version, "entry": a.entry, "ts": a.ts,
             "text": a.text, "reason": a.reason}
            for a in sorted(motion.amendments, key=lambda a: (a.ts, a.entry))
        ],
        "reply_list": [
            {"group": who(r.group), "entry": r.entry, "ts": r.ts, "text": r.text}
            for r in sorted(motion.replies, key=lambda r: (r.ts, r.entry))
        ],
    })
    return summary


def feed(node: Node, group: str | None = None, area: str | None = None,
         topic: str | None = None, state: str | None = None,
         text: str | None = None) -> list[dict]:
    """The network motion feed, newest first, filtered."""
    out = []
    for motion in node.state.motions.motions.values():
        entry = describe(node, motion)
        if group and group not in (motion.group, entry["group"]["name"]):
            continue
        if area and area.lower() not in entry["group"]["area"].lower():
            continue
        if topic and topic not in entry["topics"]:
            continue
        if state and state != entry["state"]:
            continue
        if text and text.lower() not in (motion.current.title + " " +
                                         motion.current.text).lower():
            continue
        out.append(entry)
    out.sort(key=lambda e: (e["updated_at"], e["id"]), reverse=True)
    return out
