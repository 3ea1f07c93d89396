"""Motions that travel between groups: sharing, adopting, endorsing, amending.

Every node folds these entries the same way (DESIGN.md invariant 1). The rules:

- SM1 (share). Any admitted group may share a motion: its text, topics, and
  either the decision that adopted it (meeting, date, tally) or nothing, for a
  draft that seeks co-sponsors. The motion's network id is the id of its
  `motion.shared` entry; that text is version 1.
- SM2 (revise, withdraw). Only the sharing group may publish a revised version
  (version n+1) or withdraw the motion; a withdrawn motion takes neither.
- SM3 (references). Every other message names the motion with a reference
  {group, motion, seen}: `seen` is the seq of the sharing group's log that the
  writer held. A node judges the reference only once it holds that group's log
  up to `seen` (until then: `missing_dependency`, which passes once the log
  arrives), and judges it against the motion as it stood at `seen`. So a verdict
  never depends on the order in which a node happened to receive two groups'
  messages: an amendment written before the writer saw a withdrawal stands as
  a pre-withdrawal amendment on every node; one written after it is refused on
  every node. A reference citing a seq that a fork freeze removed from its
  group's log is void, accepted with no effect: nobody can judge it any more,
  and refusing it would stop its honest writer's log for another group's
  fault. Only the rules that need nothing but the entry itself apply to it.
- SM4 (endorse). A group adopts another group's motion at its own meeting and
  endorses a version it has seen, carrying its tally; once per version per
  group; never its own motion (its adoption travels in the share itself).
- SM5 (co-sponsor). Once per motion per group; never the sharing group.
- SM6 (amend). Another group proposes a new text for a version it has seen, as
  long as the motion was not withdrawn; threaded under that version.
- SM7 (reply). Any group may publish a reply under a motion not withdrawn.
- SM8 (tallies). No tally may count more votes than the attendance it cites.

No I/O, no clock: entries arrive already checked for signature and chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from ...wire.messages import (
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
from ...wire.rejection import Rejection

if TYPE_CHECKING:
    from .state import NetworkState


class Version(msgspec.Struct):
    number: int
    entry: str
    seq: int
    ts: int
    title: str
    text: str
    topics: list[str]
    adopted: Adoption | None
    note: str = ""


class Endorsement(msgspec.Struct):
    group: str
    version: int
    entry: str
    ts: int
    adoption: Adoption


class Cosponsor(msgspec.Struct):
    group: str
    version: int
    entry: str
    ts: int


class ProposedAmendment(msgspec.Struct):
    group: str
    version: int
    entry: str
    ts: int
    text: str
    reason: str


class Reply(msgspec.Struct):
    group: str
    entry: str
    ts: int
    text: str


class SharedMotion(msgspec.Struct):
    id: str
    group: str
    seq: int
    ts: int
    local: str
    versions: list[Version]
    withdrawn: tuple[int, str, str] | None = None  # (seq, entry id, reason)
    endorsements: list[Endorsement] = msgspec.field(default_factory=list)
    cosponsors: list[Cosponsor] = msgspec.field(default_factory=list)
    amendments: list[ProposedAmendment] = msgspec.field(default_factory=list)
    replies: list[Reply] = msgspec.field(default_factory=list)

    @property
    def current(self) -> Version:
        return self.versions[-1]

    def versions_at(self, seq: int) -> int:
        return sum(1 for v in self.versions if v.seq <= seq)

    def withdrawn_at(self, seq: int) -> bool:
        return self.withdrawn is not None and self.withdrawn[0] <= seq

    @property
    def state(self) -> str:
        if self.withdrawn is not None:
            return "withdrawn"
        return "adopted" if self.current.adopted is not None else "draft"


HeadSeq = Callable[[str], int]


def _tally_check(adoption: Adoption | None) -> Rejection | None:
    if adoption is None:
        return None
    t = adoption.tally
    votes = t.in_favour + t.against + t.abstentions
    if votes > t.attendance:
        return Rejection(
            "tally_exceeds_attendance",
            f"SM8: the tally counts {votes} votes but the meeting it cites had "
            f"{t.attendance} present",
        )
    return None


class SharedMotions:
    """Every shared motion in the network, as every node computes it."""

    kinds = frozenset({
        "motion.shared", "motion.revised", "motion.withdrawn", "motion.endorsed",
        "motion.cosponsored", "motion.amendment", "motion.reply",
    })

    def __init__(self) -> None:
        self.motions: dict[str, SharedMotion] = {}

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        if _void_reference(state, entry):
            return self.check_void(entry)
        return _CHECKS[entry.kind](self, entry, lambda group: state.head_of(group).seq)

    def apply(self, state: NetworkState, entry: Entry) -> None:
        if not _void_reference(state, entry):
            _APPLY[entry.kind](self, entry)

    @staticmethod
    def check_void(entry: Entry) -> Rejection | None:
        """A void reference (SM3): only the rules that need nothing but the entry itself.

        Those give the same verdict before and after the freeze that voided it.
        """
        body = entry.body
        if entry.kind in ("motion.endorsed", "motion.cosponsored") \
                and body.ref.group == entry.author:  # type: ignore[attr-defined]
            return Rejection("own_motion", "SM4, SM5: a group cannot endorse or co-sponsor "
                                           "its own motion")
        if entry.kind == "motion.endorsed":
            return _tally_check(body.adoption)  # type: ignore[attr-defined]
        return None

    # SM3: resolve a reference against the sharing group's log as of `seen`
    def _resolve(self, ref: MotionRef, head_seq: HeadSeq) -> SharedMotion | Rejection:
        held = head_seq(ref.group)
        motion = self.motions.get(ref.motion)
        if motion is not None and motion.group == ref.group and motion.seq <= ref.seen:
            if held < ref.seen:
                return Rejection(
                    "missing_dependency",
                    f"SM3: the reference cites seq {ref.seen} of the sharing group's log; "
                    f"this node holds {held} so far",
                )
            return motion
        if held < ref.seen:
            return Rejection(
                "missing_dependency",
                f"SM3: the reference cites seq {ref.seen} of the sharing group's log; "
                f"this node holds {held} so far",
            )
        return Rejection(
            "unknown_motion",
            "SM3: the sharing group's log holds no such shared motion at the seq cited",
        )

    def _live(self, ref: MotionRef, version: int | None,
              head_seq: HeadSeq) -> SharedMotion | Rejection:
        motion = self._resolve(ref, head_seq)
        if isinstance(motion, Rejection):
            return motion
        if motion.withdrawn_at(ref.seen):
            return Rejection(
                "motion_withdrawn",
                "SM3: the motion had been withdrawn before this message was written",
            )
        if version is not None and not 1 <= version <= motion.versions_at(ref.seen):
            return Rejection(
                "unknown_version",
                f"SM3: version {version} did not exist at the seq cited "
                f"(there were {motion.versions_at(ref.seen)})",
            )
        return motion

    def _check_shared(self, entry: Entry, head_seq: HeadSeq) -> Rejection | None:
        body: MotionShared = entry.body  # type: ignore[assignment]
        return _tally_check(body.adopted)

    def _apply_shared(self, entry: Entry) -> None:
        body: MotionShared = entry.body  # type: ignore[assignment]
        self.motions[entry.id] = SharedMotion(
            id=entry.id, group=entry.author, seq=entry.seq, ts=entry.ts, local=body.local,
            versions=[Version(1, entry.id, entry.seq, entry.ts, body.title, body.text,
                              list(body.topics), body.adopted)],
        )

    def _own(self, entry: Entry, ref: MotionRef) -> SharedMotion | Rejection:
        motion = self.motions.get(ref.motion)
        if motion is None or motion.group != ref.group:
            return Rejection("unknown_motion", "SM2: this group shared no such motion")
        if ref.group != entry.author:
            return Rejection(
                "not_sharing_group", "SM2: only the group that shared a motion may change it"
            )
        if motion.withdrawn is not None:
            return Rejection("motion_withdrawn", "SM2: a withdrawn motion cannot be changed")
        return motion

    def _check_revised(self, entry: Entry, head_seq: HeadSeq) -> Rejection | None:
        body: MotionRevised = entry.body  # type: ignore[assignment]
        motion = self._own(entry, body.ref)
        if isinstance(motion, Rejection):
            return motion
        current = motion.current
        if (body.title, body.text, list(body.topics), body.adopted) == (
            current.title, current.text, current.topics, current.adopted
        ):
            return Rejection("no_change", "SM2: a revision must change the motion")
        return _tally_check(body.adopted)

    def _apply_revised(self, entry: Entry) -> None:
        body: MotionRevised = entry.body  # type: ignore[assignment]
        motion = self.motions[body.ref.motion]
        motion.versions.append(Version(
            len(motion.versions) + 1, entry.id, entry.seq, entry.ts, body.title, body.text,
            list(body.topics), body.adopted, body.note,
        ))

    def _check_withdrawn(self, entry: Entry, head_seq: HeadSeq) -> Rejection | None:
        body: MotionWithdrawn = entry.body  # type: ignore[assignment]
        motion = self._own(entry, body.ref)
        return motion if isinstance(motion, Rejection) else None

    def _apply_withdrawn(self, entry: Entry) -> None:
        body: MotionWithdrawn = entry.body  # type: ignore[assignment]
        self.motions[body.ref.motion].withdrawn = (entry.seq, entry.id, body.reason)

    def _check_endorsed(self, entry: Entry, head_seq: HeadSeq) -> Rejection | None:
        body: MotionEndorsed = entry.body  # type: ignore[assignment]
        motion = self._live(body.ref, body.version, head_seq)
        if isinstance(motion, Rejection):
            return motion
        if motion.group == entry.author:
            return Rejection(
                "own_motion",
                "SM4: a group's own adoption travels in the share, not as an endorsement",
            )
        if any(e.group == entry.author and e.version == body.version
               for e in motion.endorsements):
            return Rejection(
                "already_endorsed", f"SM4: this group already endorsed version {body.version}"
            )
        return _tally_check(body.adoption)

    def _apply_endorsed(self, entry: Entry) -> None:
        body: MotionEndorsed = entry.body  # type: ignore[assignment]
        self.motions[body.ref.motion].endorsements.append(
            Endorsement(entry.author, body.version, entry.id, entry.ts, body.adoption)
        )

    def _check_cosponsored(self, entry: Entry, head_seq: HeadSeq) -> Rejection | None:
        body: MotionCosponsored = entry.body  # type: ignore[assignment]
        motion = self._live(body.ref, body.version, head_seq)
        if isinstance(motion, Rejection):
            return motion
        if motion.group == entry.author:
            return Rejection("own_motion", "SM5: the sharing group cannot co-sponsor itself")
        if any(c.group == entry.author for c in motion.cosponsors):
            return Rejection("already_cosponsored", "SM5: this group already co-sponsors it")
        return None

    def _apply_cosponsored(self, entry: Entry) -> None:
        body: MotionCosponsored = entry.body  # type: ignore[assignment]
        self.motions[body.ref.motion].cosponsors.append(
            Cosponsor(entry.author, body.version, entry.id, entry.ts)
        )

    def _check_amendment(self, entry: Entry, head_seq: HeadSeq) -> Rejection | None:
        body: MotionAmendment = entry.body  # type: ignore[assignment]
        motion = self._live(body.ref, body.version, head_seq)
        if isinstance(motion, Rejection):
            return motion
        if motion.versions[body.version - 1].text == body.text:
            return Rejection("no_change", "SM6: an amendment must change the text")
        return None

    def _apply_amendment(self, entry: Entry) -> None:
        body: MotionAmendment = entry.body  # type: ignore[assignment]
        self.motions[body.ref.motion].amendments.append(ProposedAmendment(
            entry.author, body.version, entry.id, entry.ts, body.text, body.reason
        ))

    def _check_reply(self, entry: Entry, head_seq: HeadSeq) -> Rejection | None:
        body: MotionReply = entry.body  # type: ignore[assignment]
        motion = self._live(body.ref, None, head_seq)
        return motion if isinstance(motion, Rejection) else None

    def _apply_reply(self, entry: Entry) -> None:
        body: MotionReply = entry.body  # type: ignore[assignment]
        self.motions[body.ref.motion].replies.append(
            Reply(entry.author, entry.id, entry.ts, body.text)
        )

    def summary(self, state: NetworkState) -> dict[str, object]:
        """What the state hash covers: every motion and everything threaded under it."""
        return {"motions": [
            [
                m.id, m.group,
                [v.entry for v in m.versions],
                m.withdrawn[1] if m.withdrawn else None,
                sorted([e.group, e.version, e.entry] for e in m.endorsements),
                sorted([c.group, c.entry] for c in m.cosponsors),
                sorted(a.entry for a in m.amendments),
                sorted(r.entry for r in m.replies),
            ]
            for m in sorted(self.motions.values(), key=lambda m: m.id)
        ]}


def _void_reference(state: NetworkState, entry: Entry) -> bool:
    """A reference citing a seq its group's freeze removed: accepted, no effect (SM3)."""
    if entry.kind not in REFERENCE_KINDS:
        return False
    ref = entry.body.ref  # type: ignore[attr-defined]
    frozen_at = state.frozen.get(ref.group)
    return frozen_at is not None and frozen_at <= ref.seen


_CHECKS = {
    "motion.shared": SharedMotions._check_shared,
    "motion.revised": SharedMotions._check_revised,
    "motion.withdrawn": SharedMotions._check_withdrawn,
    "motion.endorsed": SharedMotions._check_endorsed,
    "motion.cosponsored": SharedMotions._check_cosponsored,
    "motion.amendment": SharedMotions._check_amendment,
    "motion.reply": SharedMotions._check_reply,
}
_APPLY = {
    "motion.shared": SharedMotions._apply_shared,
    "motion.revised": SharedMotions._apply_revised,
    "motion.withdrawn": SharedMotions._apply_withdrawn,
    "motion.endorsed": SharedMotions._apply_endorsed,
    "motion.cosponsored": SharedMotions._apply_cosponsored,
    "motion.amendment": SharedMotions._apply_amendment,
    "motion.reply": SharedMotions._apply_reply,
}
# The kinds judged against the sharing group's log at `seen` (SM3).
REFERENCE_KINDS = frozenset({
    "motion.endorsed", "motion.cosponsored", "motion.amendment", "motion.reply",
})
