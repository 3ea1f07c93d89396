"""Every wire message, as msgspec types (protocol/SPEC.md is the prose twin).

An entry travels as one canonical JSON array:

    [v, net, author, seq, prev, ts, kind, body, sig]

The signed bytes are the canonical encoding of the same array without `sig`;
the entry id is SHA-256 over a domain prefix and those bytes; `sig` is Ed25519
over a second prefix and the id. Canonical means exactly what msgspec emits
with sorted keys: no whitespace, object keys sorted, integers only, minimal
string escapes, UTF-8. A receiver decodes, re-encodes, and refuses the entry
unless the bytes are identical, so duplicate keys, padding, reordering, floats
and unknown fields can never carry a second meaning past a signature.
"""

from __future__ import annotations

import decimal
import re
from itertools import accumulate
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from . import crypto
from .rejection import Rejection

VERSION = 1
MAX_ENTRY_BYTES = 64 * 1024
MAX_INT = 2**53 - 1

# Every pattern ends in (?!\n)$, which means "the end of the string" alike in ECMA-262
# (JSON Schema's dialect) and in Python's re, whose bare $ also matches before a final
# newline: so "id\n" fails here, in the schemas and in every other language (SPEC 2.1).
PATTERN_END = r"(?!\n)$"
NodeId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{43}" + PATTERN_END)]
NetworkId = Annotated[str, Meta(pattern=r"^[0-9a-f]{32}" + PATTERN_END)]
EntryId = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}" + PATTERN_END)]
Signature = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{86}" + PATTERN_END)]
Seq = Annotated[int, Meta(ge=1, le=MAX_INT)]
Millis = Annotated[int, Meta(ge=0, le=MAX_INT)]
Kind = Annotated[
    str, Meta(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*" + PATTERN_END, max_length=64)
]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=2000)]
Url = Annotated[str, Meta(pattern=r"^https?://[!-~]+" + PATTERN_END, max_length=500)]
Count = Annotated[int, Meta(ge=0, le=MAX_INT)]


class Body(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Base of every message body: closed shapes, keys sorted on the wire."""


class NetworkStandingOrders(Body):
    """The network's own rules, fixed by its charter (SPEC.md, "Standing orders")."""

    admission_approvals: Annotated[int, Meta(ge=1, le=1000)] = 1
    witness_interval_seconds: Annotated[int, Meta(ge=1, le=86400)] = 10
    max_future_skew_seconds: Annotated[int, Meta(ge=1, le=86400)] = 300


class Charter(Body):
    name: Name
    group: Name
    url: Url
    nonce: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{22}" + PATTERN_END)]
    standing_orders: NetworkStandingOrders


class Admit(Body):
    node: NodeId
    name: Name
    url: Url


class Profile(Body):
    name: Name
    area: Text = ""
    meets: Text = ""
    contact: Text = ""
    url: Url | None = None


class KeyRotate(Body):
    key: NodeId


class KeyRevoke(Body):
    reason: Text


class Head(msgspec.Struct, array_like=True, forbid_unknown_fields=True, frozen=True):
    author: NodeId
    seq: Seq
    id: EntryId


class Witness(Body):
    heads: Annotated[list[Head], Meta(min_length=1, max_length=500)]


class RegisterCommitment(Body):
    """Counts and a Merkle root of the group's register at a freeze time: no personal data."""

    freeze: Millis
    active_members: Count
    root: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}" + PATTERN_END)]


class DelegateSeat(Body):
    delegate: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,64}" + PATTERN_END)]
    name: Name


class MandateLine(Body):
    motion: Text
    position: Literal["support", "oppose", "free"]
    decision: Text


class DelegateCredential(Body):
    """The delegates a group elected to a conference, and their mandates."""

    conference: Name
    election: Text
    delegates: Annotated[list[DelegateSeat], Meta(min_length=1, max_length=100)]
    mandates: Annotated[list[MandateLine], Meta(max_length=500)]


Topic = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,39}" + PATTERN_END)]
MotionText = Annotated[str, Meta(min_length=1, max_length=12000)]
Day = Annotated[str, Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}" + PATTERN_END)]


class MotionRef(Body):
    """How a message names a shared motion, and how much of its group's log the writer held.

    `seen` makes every verdict about the reference the same on every node: the
    motion is judged as it stood at that seq of its group's log (SM3).
    """

    group: NodeId
    motion: EntryId
    seen: Seq


class Tally(Body):
    in_favour: Count
    against: Count
    abstentions: Count
    attendance: Count


class Adoption(Body):
    """A group's decision on a motion: which meeting, when, and the count."""

    meeting: Name
    date: Day
    tally: Tally


class MotionShared(Body):
    title: Name
    text: MotionText
    topics: Annotated[list[Topic], Meta(max_length=10)]
    adopted: Adoption | None
    local: Text


class MotionRevised(Body):
    ref: MotionRef
    title: Name
    text: MotionText
    topics: Annotated[list[Topic], Meta(max_length=10)]
    adopted: Adoption | None
    note: Text


class MotionWithdrawn(Body):
    ref: MotionRef
    reason: Text


class MotionEndorsed(Body):
    ref: MotionRef
    version: Annotated[int, Meta(ge=1, le=10000)]
    adoption: Adoption


class MotionCosponsored(Body):
    ref: MotionRef
    version: Annotated[int, Meta(ge=1, le=10000)]


class MotionAmendment(Body):
    ref: MotionRef
    version: Annotated[int, Meta(ge=1, le=10000)]
    text: MotionText
    reason: Text


class MotionReply(Body):
    ref: MotionRef
    text: MotionText


# -- the network constitution, its bodies and conferences (SPEC 5.3, 5.7, 5.8) -------

Days = Annotated[int, Meta(ge=0, le=3650)]
Percent = Annotated[int, Meta(ge=1, le=100)]
Pseudonym = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,64}" + PATTERN_END)]
# a self-described category for a balance rule, e.g. "woman"; "" for none (SPEC 5.9.1)
Category = Annotated[str, Meta(pattern=r"^([a-z0-9][a-z0-9-]{0,39})?" + PATTERN_END)]


class BodyRules(Body, omit_defaults=True):
    """One elected body of the network: its seats, term, meetings and powers (C2).

    `elected` and `balance` (SPEC 5.9.1) are written only when they differ from their
    defaults, so a constitution written before they existed keeps its bytes and meaning:
    `elected` says the conference elects the body's seats, `balance` names a category of
    which at least half the seats (rounded up) go to candidates ("" for none).
    """

    id: Topic
    name: Name
    seats: Annotated[int, Meta(ge=1, le=500)]
    term_days: Annotated[int, Meta(ge=1, le=1830)]
    notice_days: Days
    quorum_percent: Percent
    majority: Literal["simple", "two-thirds"]
    powers: Annotated[list[Topic], Meta(max_length=20)]
    caretaker_powers: Annotated[list[Topic], Meta(max_length=20)]
    elected: bool = False
    balance: Category = ""


class ConferenceRules(Body, omit_defaults=True):
    """When and how conferences are called, and their timetable and limits (C3, C4).

    `nominations_deadline_days` (SPEC 5.9.1) is written only when it is not 14.
    """

    called_by: Topic
    arranged_by: Topic
    notice_days: Days
    first_within_days: Annotated[int, Meta(ge=1, le=3650)]
    special_within_days: Annotated[int, Meta(ge=1, le=3650)]
    motions_deadline_days: Days
    amendments_deadline_days: Days
    credentials_deadline_days: Days
    final_agenda_days: Days
    emergency_deadline_days: Days
    members_per_delegate: Annotated[int, Meta(ge=1, le=1_000_000)]
    max_delegates: Annotated[int, Meta(ge=1, le=100)]
    motions_per_group: Annotated[int, Meta(ge=0, le=100)]
    amendments_per_group: Annotated[int, Meta(ge=0, le=100)]
    emergency_motions_per_group: Annotated[int, Meta(ge=0, le=100)]
    max_motion_words: Annotated[int, Meta(ge=1, le=2000)]
    priority_slots: Annotated[int, Meta(ge=1, le=1000)]
    requisition_groups_percent: Percent
    requisition_members_percent: Percent
    nominations_deadline_days: Days = 14


class AmendmentRules(Body):
    """How the constitution itself is amended (C5; entrenched minimums E5)."""

    notice_days: Days
    window_days: Days
    threshold: Annotated[list[Annotated[int, Meta(ge=1, le=1000)]],
                         Meta(min_length=2, max_length=2)]
    ballot_ratification: bool


class BallotRules(Body):
    """Which decisions a member ballot may take, and its shortest voting window (C6)."""

    decisions: Annotated[list[Topic], Meta(max_length=20)]
    min_window_days: Days


class Constitution(Body):
    """The network's constitution (SPEC 5.3): its bodies, conferences, amendments, ballots."""

    standing_orders: NetworkStandingOrders
    bodies: Annotated[list[BodyRules], Meta(min_length=1, max_length=20)]
    conference: ConferenceRules
    amendments: AmendmentRules
    ballots: BallotRules
    interim_max_days: Annotated[int, Meta(ge=1, le=3650)]


class Seat(Body):
    """A person on a body: vouched for by their own group's node under a pseudonym."""

    body: Topic
    group: NodeId
    holder: Pseudonym
    name: Name


class NetworkConstitution(Body):
    """The founder's constitution and the interim members it names (C1, C7)."""

    constitution: Constitution
    interim: Annotated[list[Seat], Meta(max_length=500)]
    interim_until: Millis


class EntryRef(Body):
    """A reference to another group's entry, and how much of that group's log the writer held.

    As a motion reference (SM3): judged only once the receiver holds `group`'s log up
    to `seen`, and against that log as it stood there.
    """

    group: NodeId
    entry: EntryId
    seen: Seq


class BodyItem(Body):
    """One item of business of a body's meeting: a decision it proposes (B3)."""

    action: Topic
    text: Text
    conference: Text
    refs: Annotated[list[EntryId], Meta(max_length=300)]
    opens: Millis | None
    provision: Text


class BodyMeeting(Body):
    """A meeting of a network body, called with notice, and its business (B1–B3)."""

    body: Topic
    title: Name
    opens: Millis
    closes: Millis
    items: Annotated[list[BodyItem], Meta(min_length=1, max_length=50)]


class BodyVote(Body):
    """A seat holder's vote on one item, signed by the holder's own group's node (V1, V2)."""

    meeting: EntryRef
    item: Annotated[int, Meta(ge=0, le=49)]
    holder: Pseudonym
    vote: Literal["for", "against", "abstain"]


# -- conferences (SPEC 5.8) ---------------------------------------------------------


class DecisionRef(Body):
    """A decision of a body: an item of a `body.meeting`, named by reference (SM3)."""

    meeting: EntryRef
    item: Annotated[int, Meta(ge=0, le=49)]


class ConferenceCall(Body):
    """A conference called on one of the constitution's grounds (K1–K3).

    `basis` "first": the first conference, within `first_within_days` of the
    constitution; "annual": by a carried `call-conference` decision of the body
    that calls conferences (`decision`); "requisition": by the groups' requisition
    that `requisition` opened. The conference's id is this entry's id.
    """

    title: Name
    basis: Literal["first", "annual", "requisition"]
    opens: Millis
    closes: Millis
    decision: DecisionRef | None
    requisition: EntryRef | None


class ConferenceRequisition(Body):
    """A group's requisition of a special conference: it opens one (`ref` null), or
    supports the one `ref` names, repeating its title and opening (K3)."""

    title: Name
    reason: Text
    opens: Millis
    ref: EntryRef | None


class ConferenceMotion(Body):
    """A motion a group submits to a conference, with the meeting that carried it (K6)."""

    conference: EntryRef
    title: Name
    text: MotionText
    subject: Topic
    decision: Adoption
    emergency: Text


class ConferenceAmendment(Body):
    """An amendment a group submits to a conference motion, carried at its meeting (K7)."""

    motion: EntryRef
    text: MotionText
    reason: Text
    decision: Adoption


class ConferenceConsent(Body):
    """A submitting group's word on a composite of its motion with others (K8)."""

    composite: DecisionRef
    consent: bool


class ConferenceAppeal(Body):
    """A group appeals against the ruling that put its motion out of order (K8)."""

    ruling: DecisionRef
    reason: Text


class ConferencePriorities(Body):
    """A delegation's priorities ballot: the motions it most wants debated (K9)."""

    conference: EntryRef
    choices: Annotated[list[EntryId], Meta(max_length=1000)]


class ConferenceRuleChange(Body):
    """A rule change a group submits to a conference: the whole constitution as it would
    read, with the meeting that carried it (C5, K11)."""

    conference: EntryRef
    title: Name
    constitution: Constitution
    reason: Text
    decision: Adoption


class ConferenceRuleChangeAmendment(Body):
    """An amendment to a rule change: the constitution as the rule change would read once
    amended, carried at the group's meeting, within the amendment window (C5, K12)."""

    rule_change: EntryRef
    constitution: Constitution
    reason: Text
    decision: Adoption


# -- member ballots (SPEC 5.10; the bytes are protocol/BALLOTS.md's) ----------------

Hex32 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}" + PATTERN_END)]
# a ballot of 64 choices, its proofs and signature, written in hex, fits an entry
BallotBytes = Annotated[str, Meta(pattern=r"^([0-9a-f]{2})+" + PATTERN_END, max_length=56000)]


class BallotQuestion(Body):
    """One question of a member ballot: its choices, and how many a ballot marks."""

    text: Annotated[str, Meta(min_length=1, max_length=2000)]
    choices: Annotated[list[Name], Meta(min_length=1, max_length=64)]
    least: Annotated[int, Meta(ge=0, le=64)]
    most: Annotated[int, Meta(ge=0, le=64)]


class BallotCall(Body):
    """A member ballot called by a carried `call-ballot` decision (BL1-BL3, C6).

    `decision` is what the ballot decides, one of the constitution's
    `ballots.decisions`. The trustees' key generation runs by `keys_by`,
    `deals_by` and `extracts_by`; members vote from `opens` to `closes`. The
    ballot's id, and its election id (BALLOTS.md 4.1), is this entry's id.
    """

    title: Name
    decision: Topic
    authority: DecisionRef
    questions: Annotated[list[BallotQuestion], Meta(min_length=1, max_length=20)]
    trustees: Annotated[list[NodeId], Meta(min_length=3, max_length=20)]
    threshold: Annotated[int, Meta(ge=2, le=20)]
    keys_by: Millis
    deals_by: Millis
    extracts_by: Millis
    opens: Millis
    closes: Millis


class BallotTrusteeKey(Body):
    """A trustee's key K_j and its proof (BALLOTS.md 6.1), made on the trustee's machine."""

    ballot: EntryRef
    key: Hex32
    proof: BallotBytes


class BallotDeal(Body):
    """A trustee's commitments and encrypted shares (BALLOTS.md 6.2)."""

    ballot: EntryRef
    deal: BallotBytes


class BallotComplaint(Body):
    """A trustee's complaint against a deal or an extraction (BALLOTS.md 6.3, 6.5)."""

    against: EntryRef
    complaint: BallotBytes


class BallotExtract(Body):
    """A qualified trustee's A_ik (BALLOTS.md 6.5)."""

    ballot: EntryRef
    extract: BallotBytes


class BallotDisclosure(Body):
    """A trustee's shares from a dealer who must be rebuilt, in the clear (BALLOTS.md 6.6)."""

    deal: EntryRef
    shares: BallotBytes


class BallotCredentials(Body):
    """Public credentials of the group's members for a ballot, frozen by its opening (BL5)."""

    ballot: EntryRef
    credentials: Annotated[list[Hex32], Meta(min_length=1, max_length=900)]


class BallotCast(Body):
    """A member's encrypted, proven and signed ballot, written by their group's node (BL6)."""

    ballot: EntryRef
    cast: BallotBytes


class BallotCut(Body):
    """The heads of the logs whose ballots count, written after the close (BL7)."""

    ballot: EntryRef
    heads: Annotated[list[Head], Meta(min_length=1, max_length=500)]


class BallotCosign(Body):
    """A participating group's signature on a cut, with the hash of its totals (BL7)."""

    cut: EntryRef
    totals: Hex32


class BallotPartial(Body):
    """A trustee's partial decryption of a cut's totals, with proofs (BALLOTS.md 7.2):
    the network's (`group` null) or one group's, above the privacy floor (BL8)."""

    cut: EntryRef
    group: NodeId | None
    partial: BallotBytes


# -- the conference floor (SPEC 5.9) ----------------------------------------------------


class FloorOpen(Body):
    """The chair puts a question to the conference floor, with a window fixed now (F1–F4).

    `item` names what is put: a motion's, an amendment's, a rule change's or its
    amendment's id, a composite's or a ruling's "<meeting>:<item>"; `text` is the
    wording put, as delegates see it.
    """

    conference: EntryRef
    item: Text
    question: Literal["motion", "amendment", "composite", "reference-back", "appeal",
                      "rule-change", "rule-change-amendment"]
    text: Text
    method: Literal["hands", "card", "tellers"]
    tellers: Annotated[list[NodeId], Meta(max_length=20)]
    threshold: Literal["simple", "two-thirds"]
    opens: Millis
    closes: Millis


class FloorVote(Body):
    """A delegate's vote, signed by the node of the delegate's own group (F5, F6)."""

    open: EntryRef
    delegate: Pseudonym
    vote: Literal["for", "against", "abstain"]


class FloorCount(Body):
    """A teller group's count of a vote taken by tellers (F5)."""

    open: EntryRef
    for_: Count = msgspec.field(name="for")
    against: Count
    abstain: Count


class FloorCut(Body):
    """The chair's cut after the close: the head of every participant's log it counts (F7)."""

    open: EntryRef
    heads: Annotated[list[Head], Meta(min_length=1, max_length=500)]


class FloorResult(Body):
    """A vote's result: counts (hands, tellers) or members' weight (card), and the verdict."""

    for_: Count = msgspec.field(name="for")
    against: Count
    abstain: Count
    carried: bool


class FloorCosign(Body):
    """A participant's word that a cut holds what it witnessed, and the result it gives (F8)."""

    cut: EntryRef
    result: FloorResult


MAX_COSIGNATURES = 350  # a certificate holds at most this many: it fits in MAX_ENTRY_BYTES (F11)


class Cosignature(Body):
    """One participant's cosign of a cut, signed apart from its log (SPEC 5.9, F11).

    `sig` is Ed25519 by the group's key over the cosignature's digest (`cosignature_id`);
    `seen` is the seq of the group's own log it cosigns as of (F7 reads that log to it).
    """

    group: NodeId
    seen: Seq
    sig: Signature


class FloorCertificate(Body):
    """A majority of participants' cosignatures of one cut, gathered into one entry (F11).

    Checked once by every node instead of one `floor.cosign` entry per participant
    crossing the network."""

    cut: EntryRef
    result: FloorResult
    cosignatures: Annotated[list[Cosignature], Meta(min_length=1,
                                                    max_length=MAX_COSIGNATURES)]


def cosignature_id(net: str, cut: str, seen: int, result: FloorResult) -> bytes:
    """What a cosignature's `sig` signs, as an entry's signature signs its id (SPEC 5.9,
    F11): SHA-256 over the cosignature domain and the canonical JSON array
    `[net, cut, seen, result]`."""
    return crypto.cosignature_digest(canonical([net, cut, seen, result]))


# -- elections on the conference floor (SPEC 5.9.1) -------------------------------------


class ConferenceNomination(Body):
    """A group nominates one of its people for a body the conference elects (N1–N3).

    The group's node vouches for the person under `holder`, as for a seat (5.7);
    `category` is the person's own description for the body's balance rule ("" none).
    """

    conference: EntryRef
    body: Topic
    holder: Pseudonym
    name: Name
    category: Category


class FloorElection(Body):
    """The chair puts an election of a body's seats to the floor, window fixed now (E1–E3).

    `candidates` are the nominations for the body at this conference that reached the
    network by the nominations deadline (derived: else the election is void).
    """

    conference: EntryRef
    body: Topic
    seats: Annotated[int, Meta(ge=1, le=500)]
    candidates: Annotated[list[EntryRef], Meta(min_length=1, max_length=200)]
    method: Literal["hands", "card"]
    opens: Millis
    closes: Millis


class FloorRanking(Body):
    """A delegate's ranking of an election's candidates, first preference first (E4)."""

    election: EntryRef
    delegate: Pseudonym
    ranking: Annotated[list[EntryId], Meta(min_length=1, max_length=200)]


class FloorElected(Body):
    """A participant's cosign of an election's cut: the candidates it elects, in order (E5)."""

    cut: EntryRef
    elected: Annotated[list[EntryId], Meta(max_length=500)]


BODY_TYPES: dict[str, type[Body]] = {
    "network.charter": Charter,
    "node.admit": Admit,
    "group.profile": Profile,
    "key.rotate": KeyRotate,
    "key.revoke": KeyRevoke,
    "heads.witness": Witness,
    "register.commitment": RegisterCommitment,
    "delegate.credential": DelegateCredential,
    "network.constitution": NetworkConstitution,
    "body.meeting": BodyMeeting,
    "body.vote": BodyVote,
    "motion.shared": MotionShared,
    "motion.revised": MotionRevised,
    "motion.withdrawn": MotionWithdrawn,
    "motion.endorsed": MotionEndorsed,
    "motion.cosponsored": MotionCosponsored,
    "motion.amendment": MotionAmendment,
    "motion.reply": MotionReply,
    "conference.call": ConferenceCall,
    "conference.requisition": ConferenceRequisition,
    "conference.motion": ConferenceMotion,
    "conference.amendment": ConferenceAmendment,
    "conference.consent": ConferenceConsent,
    "conference.appeal": ConferenceAppeal,
    "conference.priorities": ConferencePriorities,
    "conference.rule_change": ConferenceRuleChange,
    "conference.rule_change_amendment": ConferenceRuleChangeAmendment,
    "conference.nomination": ConferenceNomination,
    "floor.open": FloorOpen,
    "floor.vote": FloorVote,
    "floor.count": FloorCount,
    "floor.cut": FloorCut,
    "floor.cosign": FloorCosign,
    "floor.certificate": FloorCertificate,
    "floor.election": FloorElection,
    "floor.ranking": FloorRanking,
    "floor.elected": FloorElected,
    "ballot.call": BallotCall,
    "ballot.trustee_key": BallotTrusteeKey,
    "ballot.deal": BallotDeal,
    "ballot.complaint": BallotComplaint,
    "ballot.extract": BallotExtract,
    "ballot.disclosure": BallotDisclosure,
    "ballot.credentials": BallotCredentials,
    "ballot.cast": BallotCast,
    "ballot.cut": BallotCut,
    "ballot.cosign": BallotCosign,
    "ballot.partial": BallotPartial,
}


class _Unsigned(msgspec.Struct, array_like=True, frozen=True):
    v: int
    net: str
    author: str
    seq: int
    prev: str | None
    ts: int
    kind: str
    body: Body


class EntryArray(msgspec.Struct, array_like=True, forbid_unknown_fields=True, frozen=True):
    # any integer: one other than VERSION is unsupported_version, not malformed (SPEC 2.1)
    v: Annotated[int, Meta(ge=-MAX_INT, le=MAX_INT)]
    net: NetworkId
    author: NodeId
    seq: Seq
    prev: EntryId | None
    ts: Millis
    kind: Kind
    body: msgspec.Raw
    sig: Signature


# The envelope as a value: the same items, with the body decoded instead of kept raw.
_WireValue = msgspec.defstruct(
    "_WireValue",
    [(f.name, dict if f.type is msgspec.Raw else f.type)
     for f in msgspec.structs.fields(EntryArray)],
    array_like=True, forbid_unknown_fields=True, frozen=True,
)

MAX_DEPTH = 64
# a JSON string, in the "unrolled loop" form: the same strings as `"(?:[^"\\]|\\.)*"`,
# matched about six times faster (that alternation costs a step per character)
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256)]


def _number(text: str) -> int | float:
    """A number written with a fraction or exponent, by value: `1.0` is the integer 1."""
    value = decimal.Decimal(text)
    if value == value.to_integral_value() and abs(value) <= MAX_INT:
        return int(value)
    return float(text)


_encoder = msgspec.json.Encoder(order="sorted")
_wire_decoder = msgspec.json.Decoder(EntryArray)
_body_decoders = {kind: msgspec.json.Decoder(t) for kind, t in BODY_TYPES.items()}
_value_decoder = msgspec.json.Decoder(float_hook=_number)


def canonical(value: object) -> bytes:
    return _encoder.encode(value)


class Entry:
    """One decoded, canonical entry. `raw` is what is stored and forwarded."""

    __slots__ = ("net", "author", "seq", "prev", "ts", "kind", "body", "sig", "id", "raw")

    def __init__(self, wire: EntryArray, body: Body, ident: bytes, raw: bytes) -> None:
        self.net = wire.net
        self.author = wire.author
        self.seq = wire.seq
        self.prev = wire.prev
        self.ts = wire.ts
        self.kind = wire.kind
        self.body = body
        self.sig = wire.sig
        self.id = ident.hex()
        self.raw = raw

    @property
    def id_bytes(self) -> bytes:
        return bytes.fromhex(self.id)

    def __repr__(self) -> str:
        return f"Entry({self.kind} {self.author[:8]}#{self.seq} {self.id[:12]})"


def signed_bytes(net: str, author: str, seq: int, prev: str | None, ts: int,
                 kind: str, body: Body) -> bytes:
    return _encoder.encode(_Unsigned(VERSION, net, author, seq, prev, ts, kind, body))


def seal(unsigned: bytes, sig: str) -> bytes:
    """The wire form is the signed array with the signature appended."""
    return unsigned[:-1] + b',"' + sig.encode("ascii") + b'"]'


def parse(raw: bytes) -> Entry | Rejection:
    """Static checks: size, shape, schema and canonical form. No signature, no state."""
    if len(raw) > MAX_ENTRY_BYTES:
        return Rejection(
            "entry_too_large",
            f"SPEC 2.4: an entry may be at most {MAX_ENTRY_BYTES} bytes; this one is {len(raw)}",
        )
    # msgspec raises UnicodeDecodeError (not DecodeError) for bad UTF-8 inside a
    # string; checking up front gives every such entry the one code it deserves.
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Rejection("malformed", f"SPEC 2.1: the entry is not UTF-8: {error}")
    if _nesting(raw) > MAX_DEPTH:
        return Rejection(
            "malformed", f"SPEC 2.4: the entry nests arrays and objects more than {MAX_DEPTH} deep"
        )
    try:
        wire = _wire_decoder.decode(raw)
    except msgspec.ValidationError:
        return _by_value(raw)
    except msgspec.DecodeError as error:
        return Rejection("malformed", f"SPEC 2.1: the entry is not one JSON value: {error}")
    if wire.v != VERSION:
        return _unsupported(wire.v)
    decoder = _body_decoders.get(wire.kind)
    if decoder is None:
        return _unknown(wire.kind)
    try:
        body = decoder.decode(wire.body)
    except msgspec.ValidationError:
        return _by_value(raw)
    except msgspec.DecodeError as error:
        return Rejection("malformed", f"SPEC 2.1: the body is not one JSON value: {error}")
    unsigned = signed_bytes(wire.net, wire.author, wire.seq, wire.prev, wire.ts, wire.kind, body)
    if seal(unsigned, wire.sig) != raw:
        return _absent_field(wire.kind, body, _value_decoder.decode(wire.body)) or _NOT_CANONICAL
    return Entry(wire, body, crypto.entry_id(unsigned), raw)


_NOT_CANONICAL = Rejection(
    "not_canonical",
    "SPEC 2.2: the bytes are not the canonical encoding of the entry "
    "(key order, whitespace, escapes, number spelling, duplicate keys)",
)


def _nesting(raw: bytes) -> int:
    """How deep arrays and objects nest, counted on the bytes before decoding (SPEC 2.4)."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return 0  # cannot be deeper: the common case costs two scans in C
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets), initial=0))


def _unsupported(v: int) -> Rejection:
    return Rejection(
        "unsupported_version", f"SPEC 2.1: this node speaks version {VERSION}, not {v}"
    )


def _unknown(kind: str) -> Rejection:
    return Rejection("unknown_kind", f"SPEC 5: no message type is called {kind!r}")


def _absent_field(kind: str, body: Body, given: object) -> Rejection | None:
    """A field the body's type has but the bytes left out: the wire has no defaults (2.1)."""
    path = _first_absent(msgspec.to_builtins(body), given, "body")
    if path is None:
        return None
    return Rejection("bad_schema", f"SPEC 2.1: a {kind} entry must write {path}, even at "
                                   "its default; the wire has no defaults")


def _first_absent(made: object, given: object, path: str) -> str | None:
    if isinstance(made, dict) and isinstance(given, dict):
        for key, value in made.items():
            if key not in given:
                return f"{path}.{key}"
            found = _first_absent(value, given[key], f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(made, list) and isinstance(given, list):
        for index, (value, other) in enumerate(zip(made, given, strict=False)):
            found = _first_absent(value, other, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _by_value(raw: bytes) -> Rejection:
    """Steps 3-7 once more on the decoded value, for an entry the typed decoders refused.

    Steps 3-6 judge values, as JSON's data model (and so the schemas) sees them, in
    which `1.0` and `1e3` are the integers 1 and 1000; only step 7 looks at how they
    were written. The typed decoders refuse any fraction or exponent where an integer
    belongs, so an entry they refuse is judged here again; if its values fit, it was
    refused for its spelling alone and is not canonical. Only refused entries come
    here, so valid ones never pay for it.
    """
    try:
        value = _value_decoder.decode(raw)
    except msgspec.DecodeError as error:
        return Rejection("malformed", f"SPEC 2.1: the entry is not one JSON value: {error}")
    try:
        wire = msgspec.convert(value, _WireValue)
    except msgspec.ValidationError as error:
        return Rejection("malformed", f"SPEC 2.1: the envelope is not valid: {error}")
    if wire.v != VERSION:
        return _unsupported(wire.v)
    body_type = BODY_TYPES.get(wire.kind)
    if body_type is None:
        return _unknown(wire.kind)
    try:
        body = msgspec.convert(wire.body, body_type)
    except msgspec.ValidationError as error:
        return Rejection("bad_schema", f"SPEC 5: the body of a {wire.kind} entry: {error}")
    return _absent_field(wire.kind, body, wire.body) or _NOT_CANONICAL


def verify_signature(entry: Entry, key: str) -> bool:
    return crypto.verify_id(key, entry.id_bytes, entry.sig)


def build(key: crypto.SigningKey, net: str, author: str, seq: int, prev: str | None,
          ts: int, kind: str, body: Body) -> Entry:
    unsigned = signed_bytes(net, author, seq, prev, ts, kind, body)
    ident = crypto.entry_id(unsigned)
    raw = seal(unsigned, key.sign_id(ident))
    parsed = parse(raw)
    if isinstance(parsed, Rejection):
        raise ValueError(f"refusing to sign a message this node would itself reject: {parsed}")
    return parsed
