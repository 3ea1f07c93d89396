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

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from . import crypto
from .procedure.rejection import Rejection

VERSION = 1
MAX_ENTRY_BYTES = 64 * 1024
MAX_INT = 2**53 - 1

# Patterns end in \Z, not $: Python's $ also matches before a final newline, so
# "id\n" would pass here and fail in every other language (SPEC 2.1, "Patterns").
NodeId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{43}\Z")]
NetworkId = Annotated[str, Meta(pattern=r"^[0-9a-f]{32}\Z")]
EntryId = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}\Z")]
Signature = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{86}\Z")]
Seq = Annotated[int, Meta(ge=1, le=MAX_INT)]
Millis = Annotated[int, Meta(ge=0, le=MAX_INT)]
Kind = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*\Z", max_length=64)]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=2000)]
Url = Annotated[str, Meta(pattern=r"^https?://[!-~]+\Z", max_length=500)]
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
    nonce: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{22}\Z")]
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
    root: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}\Z")]


class DelegateSeat(Body):
    delegate: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,64}\Z")]
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


Topic = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,39}\Z")]
MotionText = Annotated[str, Meta(min_length=1, max_length=12000)]
Day = Annotated[str, Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")]


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


BODY_TYPES: dict[str, type[Body]] = {
    "network.charter": Charter,
    "node.admit": Admit,
    "group.profile": Profile,
    "key.rotate": KeyRotate,
    "key.revoke": KeyRevoke,
    "heads.witness": Witness,
    "register.commitment": RegisterCommitment,
    "delegate.credential": DelegateCredential,
    "motion.shared": MotionShared,
    "motion.revised": MotionRevised,
    "motion.withdrawn": MotionWithdrawn,
    "motion.endorsed": MotionEndorsed,
    "motion.cosponsored": MotionCosponsored,
    "motion.amendment": MotionAmendment,
    "motion.reply": MotionReply,
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


class _Wire(msgspec.Struct, array_like=True, forbid_unknown_fields=True, frozen=True):
    v: Annotated[int, Meta(ge=0, le=MAX_INT)]
    net: NetworkId
    author: NodeId
    seq: Seq
    prev: EntryId | None
    ts: Millis
    kind: Kind
    body: msgspec.Raw
    sig: Signature


_encoder = msgspec.json.Encoder(order="sorted")
_wire_decoder = msgspec.json.Decoder(_Wire)
_body_decoders = {kind: msgspec.json.Decoder(t) for kind, t in BODY_TYPES.items()}


def canonical(value: object) -> bytes:
    return _encoder.encode(value)


class Entry:
    """One decoded, canonical entry. `raw` is what is stored and forwarded."""

    __slots__ = ("net", "author", "seq", "prev", "ts", "kind", "body", "sig", "id", "raw")

    def __init__(self, wire: _Wire, body: Body, ident: bytes, raw: bytes) -> None:
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
    try:
        wire = _wire_decoder.decode(raw)
    except msgspec.ValidationError as error:
        return Rejection("malformed", f"SPEC 2.1: the envelope is not valid: {error}")
    except msgspec.DecodeError as error:
        return Rejection("malformed", f"SPEC 2.1: the entry is not one JSON value: {error}")
    except RecursionError:
        # arrays nested thousands deep fit in 64 KiB; no valid entry nests beyond 4
        return Rejection("malformed", "SPEC 2.4: the entry nests deeper than JSON is decoded here")
    if wire.v != VERSION:
        return Rejection(
            "unsupported_version", f"SPEC 2.1: this node speaks version {VERSION}, not {wire.v}"
        )
    decoder = _body_decoders.get(wire.kind)
    if decoder is None:
        return Rejection("unknown_kind", f"SPEC 5: no message type is called {wire.kind!r}")
    try:
        body = decoder.decode(wire.body)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        return Rejection("bad_schema", f"SPEC 5: the body of a {wire.kind} entry: {error}")
    unsigned = signed_bytes(wire.net, wire.author, wire.seq, wire.prev, wire.ts, wire.kind, body)
    if seal(unsigned, wire.sig) != raw:
        return Rejection(
            "not_canonical",
            "SPEC 2.2: the bytes are not the canonical encoding of the entry "
            "(key order, whitespace, escapes, duplicate or unknown keys)",
        )
    return Entry(wire, body, crypto.entry_id(unsigned), raw)


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
