"""Test vectors for protocol/vectors/: scenarios of wire entries with their verdicts.

Each scenario is a sequence of entries fed, in order, to a fresh node (one
that holds nothing, not even a charter), each with the answer the node must
give: accepted, duplicate, fork, or rejected with a code. Verdicts depend on
what came before, so a vector is a step of a scenario, never a lone message.
protocol/vectors/README.md describes the file format. Two files are no scenario:
`stv.json` holds counts of protocol/STV.md, made by `stv_vectors.py`, and
`ballots.json` the ballot cryptography of protocol/BALLOTS.md, made by
`ballot_vectors.py`.

Everything is fixed so that the files come out byte for byte the same on
every run: keys from seeds (SHA-256 of a prefix and the key's name), nonces,
timestamps and each step's receiver clock. Ed25519 signatures are
deterministic. Regenerate after changing the wire or the rules:

    python -m groupnet.cli.vectors --write

The expected verdicts and witnessed-time answers below are written by hand:
they are the protocol's claims. What is computed here is only what follows
from the bytes (ids, signature checks) and, for each scenario's final state
hash and members, a fold of the accepted entries through the reference rules
(`procedure/network/`), as `Node.rebuild` does it. The generator refuses to
write a witnessed-time answer that the reference rules contradict.

The adversarial signatures of `strict_signatures` are made here with the
signer's secret scalar and fixed points (no curve arithmetic): R the identity,
or the base point B with S = 1 under a small-order key, for which the
cofactorless equation holds whatever is signed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

from ..procedure.ballots import ballot as ballots_ballot
from ..procedure.ballots import keygen, tally
from ..procedure.network import NetworkState
from ..procedure.network.ballots import Ballots
from ..procedure.network.ballots import election as ballots_election
from ..procedure.network.conference_review import review
from ..procedure.network.constitution import DAY_MS, default
from ..procedure.network.elections import Elections, outcome
from ..procedure.network.floor import Floor
from ..procedure.network.floor_review import floor
from ..wire import crypto, messages
from ..wire.messages import (
    Admit,
    Adoption,
    AmendmentRules,
    BallotCall,
    BallotCast,
    BallotComplaint,
    BallotCosign,
    BallotCredentials,
    BallotCut,
    BallotDeal,
    BallotExtract,
    BallotPartial,
    BallotQuestion,
    BallotTrusteeKey,
    Body,
    BodyItem,
    BodyMeeting,
    BodyVote,
    Charter,
    ConferenceAmendment,
    ConferenceAppeal,
    ConferenceCall,
    ConferenceConsent,
    ConferenceMotion,
    ConferenceNomination,
    ConferencePriorities,
    ConferenceRequisition,
    ConferenceRuleChange,
    ConferenceRuleChangeAmendment,
    Constitution,
    Cosignature,
    DecisionRef,
    DelegateCredential,
    DelegateSeat,
    EntryRef,
    FloorCertificate,
    FloorCosign,
    FloorCut,
    FloorElected,
    FloorElection,
    FloorOpen,
    FloorRanking,
    FloorResult,
    FloorVote,
    Head,
    KeyRevoke,
    KeyRotate,
    MandateLine,
    MotionAmendment,
    MotionCosponsored,
    MotionEndorsed,
    MotionRef,
    MotionReply,
    MotionRevised,
    MotionShared,
    MotionWithdrawn,
    NetworkConstitution,
    NetworkStandingOrders,
    Profile,
    RegisterCommitment,
    Seat,
    Tally,
    Witness,
    cosignature_id,
)
from ..wire.rejection import Rejection
from ..wire.schema import write_files
from . import ballot_vectors, stv_vectors

DIRECTORY = Path(__file__).resolve().parents[2] / "protocol" / "vectors"

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
HOUR_MS = 3_600_000
NOW = T0 + HOUR_MS  # the receiver's clock, unless a step says otherwise
KEY_PREFIX = b"groupnet/v1/test-vector-key\n"
NONCE_PREFIX = b"groupnet/v1/test-vector-nonce\n"

# Refusals given before an entry has an id: it never decoded into a canonical entry.
BEFORE_ID = {"entry_too_large", "malformed", "unsupported_version", "unknown_kind",
             "bad_schema", "not_canonical"}


def test_key(name: str) -> crypto.SigningKey:
    """The fixed key called `name`: its seed is SHA-256(KEY_PREFIX ‖ name)."""
    return crypto.SigningKey.from_seed(hashlib.sha256(KEY_PREFIX + name.encode()).digest())


def test_nonce(label: str) -> str:
    return crypto.b64encode(hashlib.sha256(NONCE_PREFIX + label.encode()).digest()[:16])


@dataclass(frozen=True)
class Signed:
    """An entry as its author wrote it: the bytes signed, the wire form, the id."""

    author: str
    seq: int
    kind: str
    body: Body
    ts: int
    unsigned: bytes
    sig: str
    id: str

    @property
    def raw(self) -> bytes:
        return messages.seal(self.unsigned, self.sig)


def sign(key: crypto.SigningKey, net: str, author: str, seq: int, prev: str | None, ts: int,
         kind: str, body: Body) -> Signed:
    unsigned = messages.signed_bytes(net, author, seq, prev, ts, kind, body)
    ident = crypto.entry_id(unsigned)
    return Signed(author, seq, kind, body, ts, unsigned, key.sign_id(ident), ident.hex())


def _secret_scalar(key: crypto.SigningKey) -> int:
    """RFC 8032 5.1.5: the clamped first half of SHA-512 of the seed."""
    half = bytearray(hashlib.sha512(key.seed()).digest()[:32])
    half[0] &= 248
    half[31] &= 127
    half[31] |= 64
    return int.from_bytes(half, "little")


def with_r(original: Signed, key: crypto.SigningKey, r: bytes) -> Signed:
    """The entry re-signed with a chosen R: S = k·a mod L, k = SHA-512(R ‖ A ‖ M) mod L.

    For R of small order the cofactorless equation [S]B = R + [k]A then holds
    (R is the identity, or encodes it), which OpenSSL accepts and SPEC 2.3 refuses.
    """
    message = crypto.SIGNATURE_DOMAIN + bytes.fromhex(original.id)
    public = crypto.b64decode(key.public)
    k = int.from_bytes(hashlib.sha512(r + public + message).digest(), "little") % crypto.L
    s = k * _secret_scalar(key) % crypto.L
    return _resigned(original, r + s.to_bytes(32, "little"))


def with_s(original: Signed, s: int) -> Signed:
    """The entry with its signature's S replaced (R kept)."""
    return _resigned(original, crypto.b64decode(original.sig)[:32] + s.to_bytes(32, "little"))


def _resigned(original: Signed, signature: bytes) -> Signed:
    return Signed(original.author, original.seq, original.kind, original.body, original.ts,
                  original.unsigned, crypto.b64encode(signature), original.id)


def unsigned_entry(net: str, author: str, seq: int, prev: str | None, ts: int, kind: str,
                   body: Body, signature: bytes) -> Signed:
    """An entry by an author whose key nobody holds, with a given signature."""
    unsigned = messages.signed_bytes(net, author, seq, prev, ts, kind, body)
    return Signed(author, seq, kind, body, ts, unsigned, crypto.b64encode(signature),
                  crypto.entry_id(unsigned).hex())


def tampered(original: Signed, net: str, prev: str | None, body: Body) -> Signed:
    """The same envelope with another body, still carrying the original signature."""
    unsigned = messages.signed_bytes(net, original.author, original.seq, prev, original.ts,
                                     original.kind, body)
    return Signed(original.author, original.seq, original.kind, body, original.ts, unsigned,
                  original.sig, crypto.entry_id(unsigned).hex())


_UNSET = object()


class Log:
    """One author's log as the generator writes it; it moves only on acceptance."""

    def __init__(self, scenario: Scenario, name: str) -> None:
        self.scenario = scenario
        self.name = name
        self.key = scenario.key(name)  # the key in force for the next entry
        self.id = self.key.public
        self.seq = 0
        self.prev: str | None = None

    def next(self, kind: str, body: Body, *, seq: int | None = None, prev: object = _UNSET,
             ts: int | None = None, key: crypto.SigningKey | None = None,
             net: str | None = None) -> Signed:
        return sign(
            key or self.key,
            net or self.scenario.net,
            self.id,
            self.seq + 1 if seq is None else seq,
            self.prev if prev is _UNSET else prev,  # type: ignore[arg-type]
            self.scenario.tick() if ts is None else ts,
            kind,
            body,
        )


class Scenario:
    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description
        self.keys: dict[str, crypto.SigningKey] = {}
        self.logs: dict[str, Log] = {}
        self.steps: list[dict] = []
        self.accepted: list[messages.Entry] = []
        self.forks: list[tuple[str, int, str, str]] = []
        self.net = ""
        self.clock = T0
        # answers derived from the final state (SPEC 5.8), for the scenarios that have them
        self.derived: dict | None = None

    def tick(self) -> int:
        self.clock += 1000
        return self.clock

    def key(self, name: str) -> crypto.SigningKey:
        if name not in self.keys:
            self.keys[name] = test_key(name)
        return self.keys[name]

    def log(self, name: str) -> Log:
        if name not in self.logs:
            self.logs[name] = Log(self, name)
        return self.logs[name]

    def charter(self, founder: str, orders: NetworkStandingOrders | None = None,
                label: str | None = None) -> Signed:
        """The founder's charter (not yet a step); fixes the scenario's network id."""
        log = self.log(founder)
        nonce = test_nonce(label or self.name)
        self.net = crypto.network_id(log.id, nonce)
        body = Charter("Test Network", founder.title(), f"https://{founder}.example.org",
                       nonce, orders or NetworkStandingOrders())
        return log.next("network.charter", body)

    # -- steps -----------------------------------------------------------

    def step(self, description: str, entry: Signed | bytes, status: str,
             code: str | None = None, *, signed: Signed | None = None,
             key: str | None = None, now: int = NOW, by_rules: bool = False,
             queries: list[dict] | None = None) -> None:
        """One entry fed to the node and the answer expected.

        `entry` is a Signed (sent exactly as signed) or raw bytes; for raw
        bytes, `signed` names the entry they encode, if any. `key` is the key
        a receiver must check the signature with (default: the key in force
        for the author at that point). `by_rules` marks a bad_schema refusal
        given by the network rules after decoding, so the entry has an id.
        """
        if isinstance(entry, Signed):
            wire, signed = entry.raw, entry
        else:
            wire = entry
        has_id = status != "rejected" or code not in BEFORE_ID or by_rules
        if has_id and (signed is None or signed.raw != wire):
            raise ValueError(f"{self.name}: an entry with an id must be sent as signed")
        try:
            text: str | None = wire.decode("utf-8")
        except UnicodeDecodeError:
            text = None  # no JSON string can carry it: only wire_b64 does
        record: dict = {
            "description": description,
            "now": now,
            "wire": text,
            "wire_b64": base64.b64encode(wire).decode("ascii"),
            "signed": None,
            "id": None,
            "key": None,
            "signature_valid": None,
            "expect": {"status": status, "code": code, "id": signed.id if has_id else None},
        }
        if signed is not None:
            in_force = key or self._log_of(signed.author).key.public
            record.update({
                "signed": base64.b64encode(signed.unsigned).decode("ascii"),
                "id": signed.id,
                "key": in_force,
                "signature_valid": crypto.verify_id(in_force, bytes.fromhex(signed.id),
                                                    signed.sig),
            })
        if status == "accepted":
            self._accept(signed)  # type: ignore[arg-type]
        elif status == "fork":
            held = next(e.id for e in self.accepted
                        if (e.author, e.seq) == (signed.author, signed.seq))  # type: ignore[union-attr]
            self.forks.append((signed.author, signed.seq, held, signed.id))  # type: ignore[union-attr]
        if queries:
            record["queries"] = self._answer(queries)
        self.steps.append(record)

    def _log_of(self, author: str) -> Log:
        return next(log for log in self.logs.values() if log.id == author)

    def _accept(self, signed: Signed) -> None:
        entry = messages.parse(signed.raw)
        if isinstance(entry, Rejection):
            raise ValueError(f"{self.name}: an accepted vector does not parse: {entry}")
        self.accepted.append(entry)
        log = self._log_of(signed.author)
        log.seq, log.prev = signed.seq, signed.id
        if isinstance(signed.body, KeyRotate):
            log.key = next(k for k in self.keys.values() if k.public == signed.body.key)

    def state(self) -> NetworkState:
        """The reference rules' state after the accepted entries, as a node rebuilds it."""
        state = NetworkState()
        for author, seq, held, other in self.forks:
            state.record_fork(author, seq, held, other)
        for entry in self.accepted:
            state.fold(entry)
        return state

    def _answer(self, queries: list[dict]) -> list[dict]:
        state = self.state()
        for query in queries:
            got = state.network_time(query["author"], query["seq"])
            if got != query["network_time"]:
                raise ValueError(f"{self.name}: network time {got}, vector says "
                                 f"{query['network_time']}")
            for case in query["arrived_before"]:
                answer = state.arrived_before(query["author"], query["seq"], case["deadline"])
                if answer is not case["answer"]:
                    raise ValueError(f"{self.name}: arrived_before({case['deadline']}) is "
                                     f"{answer}, vector says {case['answer']}")
        return queries

    def document(self) -> dict:
        state = self.state()
        return {
            "scenario": self.name,
            "description": self.description,
            "network": self.net,
            "keys": [
                {"name": name, "seed": key.seed().hex(), "public": key.public}
                for name, key in sorted(self.keys.items())
            ],
            "steps": self.steps,
            "final": {"state_hash": state.state_hash(), "heads": {
                author: [head.seq, head.id] for author, head in sorted(state.heads.items())
            }, "members": state.summary()["members"]},
            **({"derived": self.derived} if self.derived is not None else {}),
        }


def _replace_once(raw: bytes, old: bytes, new: bytes) -> bytes:
    if raw.count(old) != 1:
        raise ValueError(f"expected exactly one {old!r} in {raw[:80]!r}…")
    return raw.replace(old, new)


def _founded(name: str, description: str,
             orders: NetworkStandingOrders | None = None) -> Scenario:
    """A scenario whose first step is the founder's charter, accepted."""
    s = Scenario(name, description)
    s.step("the founder's charter, seq 1 of its log", s.charter("founder", orders), "accepted")
    return s


def _admit(s: Scenario, approver: str, candidate: str, status: str = "accepted",
           code: str | None = None, description: str | None = None) -> Signed:
    node = s.log(candidate)
    entry = s.log(approver).next(
        "node.admit", Admit(node.id, candidate.title(), f"https://{candidate}.example.org")
    )
    s.step(description or f"{approver} admits {candidate}", entry, status, code)
    return entry


def _profile(name: str, **fields: object) -> Profile:
    return Profile(name=name.title(), **fields)  # type: ignore[arg-type]


# -- the scenarios ---------------------------------------------------------


def directory() -> Scenario:
    s = _founded("directory", "Found a network, admit a node, publish profiles (N1-N3).")
    _admit(s, "founder", "second")
    second = s.log("second")
    first = second.next("group.profile", _profile(
        "second", area="Southwark", meets="Tuesdays 7pm", contact="sec@second.example.org"))
    s.step("the admitted node publishes its profile (seq 1 of its own log)", first, "accepted")
    s.step("the same entry again: replays are idempotent", first, "duplicate")
    own = s.log("founder").next("group.profile", _profile("founder", area="Havering"))
    s.step("the founder publishes its own profile", own, "accepted")
    _admit(s, "founder", "second", "rejected", "duplicate_approval",
           "the founder approving the node it admitted a second time is refused (N2)")
    later = second.next("group.profile", _profile(
        "second", area="Southwark and Lambeth", url="https://second.example.org/join"))
    s.step("a later profile replaces the earlier one, with a url", later, "accepted")
    return s


def admission_k2() -> Scenario:
    s = _founded("admission_k2", "Admission when the standing orders ask for two approvals (N2).",
                 NetworkStandingOrders(admission_approvals=2))
    _admit(s, "founder", "second",
           description="the founder alone admits the second node: the founder's first "
           "admission_approvals - 1 admissions are founding admissions (N2)")
    s.step("the second node writes", s.log("second").next(
        "group.profile", _profile("second")), "accepted")
    _admit(s, "founder", "third",
           description="the founder approves a third node: one approval of the two now needed")
    early = s.log("third").next("group.profile", _profile("third"))
    s.step("the candidate writes before its second approval", early, "rejected", "not_admitted")
    _admit(s, "founder", "third", "rejected", "duplicate_approval",
           "the founder approves the same candidate a second time")
    s.step("a node nobody approved writes", s.log("outsider").next(
        "group.profile", _profile("outsider")), "rejected", "unknown_author")
    _admit(s, "second", "third", description="the second approval admits the third node")
    s.step("the candidate's refused entry, sent again, now passes", early, "accepted")
    _admit(s, "third", "second", description="a late approval of an admitted node is "
           "recorded, not refused: refusing it would depend on arrival order (N2)")
    return s


def out_of_order() -> Scenario:
    s = Scenario("out_of_order", "Refusals that pass once the node holds more of the network.")
    charter = s.charter("founder")
    second = s.log("second")
    profile = second.next("group.profile", _profile("second"))
    s.step("an entry before any charter", profile, "rejected", "no_charter")
    s.step("the charter", charter, "accepted")
    s.step("the same entry: its author is not (yet) admitted", profile, "rejected",
           "unknown_author")
    founder = s.log("founder")
    own = founder.next("group.profile", _profile("founder"))
    admit = founder.next("node.admit", Admit(second.id, "Second", "https://second.example.org"),
                         seq=3, prev=own.id)
    s.step("the founder's seq 3 before its seq 2", admit, "rejected", "seq_gap")
    s.step("the founder's seq 2", own, "accepted")
    s.step("the founder's seq 3 again: the gap is closed", admit, "accepted")
    s.step("the second node's entry a third time: now admitted", profile, "accepted")
    return s


def chain_rules() -> Scenario:
    s = _founded("chain_rules", "Sequence numbers and predecessor ids (SPEC 3.1).")
    _admit(s, "founder", "second")
    second = s.log("second")
    first = second.next("group.profile", _profile("second"))
    s.step("seq 1, prev null", first, "accepted")
    s.step("seq 2 naming the wrong predecessor", second.next(
        "group.profile", _profile("second", area="x"), prev=s.accepted[0].id),
        "rejected", "prev_mismatch")
    s.step("seq 2 with prev null", second.next(
        "group.profile", _profile("second", area="y"), prev=None), "rejected", "prev_mismatch")
    s.step("seq 4 while the head is seq 1", second.next(
        "group.profile", _profile("second", area="w"), seq=4, prev=first.id),
        "rejected", "seq_gap")
    s.step("seq 2 naming seq 1", second.next(
        "group.profile", _profile("second", area="v")), "accepted")
    return s


def timestamps() -> Scenario:
    s = _founded("timestamps", "Claimed times: future skew from the standing orders, no "
                 "regression, old is fine (SPEC 3.2).",
                 NetworkStandingOrders(max_future_skew_seconds=60))
    _admit(s, "founder", "second")
    second = s.log("second")
    first = second.next("group.profile", _profile("second"), ts=T0 + 60_000)
    s.step("an hour old: old timestamps are never refused", first, "accepted")
    s.step("earlier than the author's previous entry", second.next(
        "group.profile", _profile("second", area="a"), ts=T0 + 59_999),
        "rejected", "timestamp_regression")
    s.step("equal to the previous entry's", second.next(
        "group.profile", _profile("second", area="b"), ts=T0 + 60_000), "accepted")
    ahead = second.next("group.profile", _profile("second", area="c"), ts=NOW + 60_001)
    s.step("60.001 s ahead of the receiver's clock, with max_future_skew_seconds = 60",
           ahead, "rejected", "future_timestamp")
    s.step("the same entry 1 ms later by the receiver's clock: exactly 60 s ahead",
           ahead, "accepted", now=NOW + 1)
    return s


def fork() -> Scenario:
    s = _founded("fork", "Two entries at one seq: both kept, the author frozen (SPEC 3.3).")
    _admit(s, "founder", "second")
    second = s.log("second")
    one = second.next("group.profile", _profile("second", area="one"))
    s.step("seq 1", one, "accepted")
    two = second.next("group.profile", _profile("second", area="two"))
    s.step("seq 2", two, "accepted")
    other = second.next("group.profile", _profile("second", area="other"), seq=1, prev=None)
    s.step("another seq 1, validly signed: proof of equivocation", other, "fork", "equivocation")
    s.step("the proof again", other, "duplicate")
    s.step("the first seq 1 again", one, "duplicate")
    s.step("seq 3 on the frozen log", second.next(
        "group.profile", _profile("second", area="three")), "rejected", "equivocated")
    s.step("other authors are unaffected", s.log("founder").next(
        "group.profile", _profile("founder")), "accepted")
    return s


def key_rotation() -> Scenario:
    s = _founded("key_rotation", "key.rotate: the named key signs from the next seq (N4).")
    founder = s.log("founder")
    new = s.key("founder-next")
    s.step("rotation to a new key, signed by the key in force", founder.next(
        "key.rotate", KeyRotate(new.public)), "accepted")
    s.step("the next entry signed by the new key", founder.next(
        "group.profile", _profile("founder")), "accepted")
    s.step("an entry signed by the old key after the rotation", founder.next(
        "group.profile", _profile("founder", area="old key"), key=test_key("founder")),
        "rejected", "bad_signature")
    s.step("the same entry signed by the new key", founder.next(
        "group.profile", _profile("founder", area="new key")), "accepted")
    return s


def key_revocation() -> Scenario:
    s = _founded("key_revocation", "key.revoke closes the author's log (N4, SPEC 4.3).")
    _admit(s, "founder", "second")
    second = s.log("second")
    s.step("a profile", second.next("group.profile", _profile("second")), "accepted")
    s.step("revocation", second.next("key.revoke", KeyRevoke("the key was lost")), "accepted")
    s.step("an entry after the revocation", second.next(
        "group.profile", _profile("second", area="after")), "rejected", "revoked")
    s.step("an entry after the revocation, with a seq gap as well", second.next(
        "group.profile", _profile("second", area="later"), seq=second.seq + 3),
        "rejected", "revoked")
    return s


def witnessed_time() -> Scenario:
    s = _founded("witnessed_time", "heads.witness and the network time of an entry (N5).")
    for name in ("second", "third", "fourth"):
        _admit(s, "founder", name)
    second = s.log("second")
    profile = second.next("group.profile", _profile("second"), ts=T0 + 10_000)
    s.clock = T0 + 10_000
    s.step("the entry whose time the witnesses establish (second, seq 1)", profile, "accepted")
    author = second.id

    def question(network_time: int | None, *answers: tuple[int, bool | None]) -> list[dict]:
        return [{"author": author, "seq": 1, "network_time": network_time,
                 "arrived_before": [{"deadline": d, "answer": a} for d, a in answers]}]

    head = Head(author, 1, profile.id)
    s.step("the founder witnesses it at T0+20s: 1 of 3 witnesses", s.log("founder").next(
        "heads.witness", Witness([head]), ts=T0 + 20_000), "accepted",
        queries=question(None, (T0 + 25_000, None)))
    s.step("the third node witnesses it at T0+40s: median of 3 is now defined", s.log(
        "third").next("heads.witness", Witness([head]), ts=T0 + 40_000), "accepted",
        queries=question(T0 + 40_000, (T0 + 25_000, None), (T0 + 40_000, True)))
    founder_head = Head(s.log("founder").id, s.log("founder").seq, s.log("founder").prev or "")
    s.step("the fourth node signs a witness at T0+30s that does not name it", s.log(
        "fourth").next("heads.witness", Witness([founder_head]), ts=T0 + 30_000), "accepted",
        queries=question(T0 + 40_000, (T0 + 25_000, False), (T0 + 40_000, True)))
    s.step("a witness naming one author twice", s.log("fourth").next(
        "heads.witness", Witness([head, head]), ts=T0 + 45_000), "rejected", "bad_schema",
        by_rules=True)
    s.step("the fourth node witnesses it at T0+50s", s.log("fourth").next(
        "heads.witness", Witness([head]), ts=T0 + 50_000), "accepted",
        queries=question(T0 + 40_000, (T0 + 39_999, False), (T0 + 45_000, True)))
    return s


def bad_signature() -> Scenario:
    s = Scenario("bad_signature", "Signatures are checked against the key in force (SPEC 2.3).")
    charter = s.charter("founder")
    forged = s.log("founder").next("network.charter", charter.body, ts=charter.ts,
                                   key=test_key("second"))
    s.step("a charter signed by a key other than its author's", forged, "rejected",
           "bad_signature")
    s.step("the charter", charter, "accepted")
    _admit(s, "founder", "second")
    second = s.log("second")
    by_third = second.next("group.profile", _profile("second"), key=test_key("third"))
    s.step("signed by another node's key", by_third, "rejected", "bad_signature")
    good = second.next("group.profile", _profile("second"))
    damaged_sig = good.sig[:10] + ("A" if good.sig[10] != "A" else "B") + good.sig[11:]
    damaged = Signed(good.author, good.seq, good.kind, good.body, good.ts, good.unsigned,
                     damaged_sig, good.id)
    s.step("one character of the signature changed", damaged, "rejected", "bad_signature")
    changed = tampered(good, s.net, None, _profile("second", area="changed after signing"))
    s.step("the body changed after signing", changed, "rejected", "bad_signature")
    s.step("the entry as signed", good, "accepted")
    s.step("a held entry with a damaged signature: the id does not cover the signature, so "
           "this is the held entry; nothing is stored", damaged, "duplicate")
    return s


# The base point B and the identity, as RFC 8032 encodes them.
BASE_POINT = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")
IDENTITY = (1).to_bytes(32, "little")
IDENTITY_Y_P_PLUS_1 = (crypto.P + 1).to_bytes(32, "little")  # y = p + 1: the identity, unreduced
ORDER_8 = bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")


def strict_signatures() -> Scenario:
    s = Scenario("strict_signatures", "The one signature rule every node applies (SPEC 2.3): "
                 "small-order and non-canonical points, S out of range.")
    charter = s.charter("founder")
    founder_net = s.net
    for what, point in (("the identity point (small order)", IDENTITY),
                        ("the identity point spelled with y = p + 1 (not canonical)",
                         IDENTITY_Y_P_PLUS_1)):
        author = crypto.b64encode(point)
        s.net = crypto.network_id(author, charter.body.nonce)  # type: ignore[attr-defined]
        forged = unsigned_entry(s.net, author, 1, None, charter.ts, "network.charter",
                                charter.body, BASE_POINT + (1).to_bytes(32, "little"))
        s.step(f"a charter whose founder key is {what}, signed R = B, S = 1: [S]B = R + [k]A "
               "holds for any message, so a library that does not refuse the key accepts it "
               "(OpenSSL does)", forged, "rejected", "bad_signature", key=author)
    s.net = founder_net
    s.step("the charter", charter, "accepted")
    _admit(s, "founder", "second")
    second = s.log("second")
    good = second.next("group.profile", _profile("second"))
    key = s.key("second")
    s.step("R is the identity point (small order) and S = k·a: the cofactorless equation "
           "holds, so OpenSSL alone accepts it; refused for R", with_r(good, key, IDENTITY),
           "rejected", "bad_signature")
    s.step("R is the identity spelled with y = p + 1 (not canonical) and S = k·a over those "
           "bytes: a library that reduces y, or compares points rather than encodings, "
           "accepts it", with_r(good, key, IDENTITY_Y_P_PLUS_1), "rejected", "bad_signature")
    signature_s = int.from_bytes(crypto.b64decode(good.sig)[32:], "little")
    s.step("S + L in place of S: the same scalar mod L, so a library that reduces S accepts "
           "it; S must be below L", with_s(good, signature_s + crypto.L), "rejected",
           "bad_signature")
    s.step("S = L - 1, the largest S in range, with the R of the valid signature: the range "
           "check passes and the equation decides, and fails. (No valid signature with a "
           "chosen S can be made: S = r + k·a where k depends on R = [r]B. This pins that "
           "L - 1 is in range, not refused for it.)", with_s(good, crypto.L - 1), "rejected",
           "bad_signature")
    s.step("the entry as signed", good, "accepted")
    founder = s.log("founder")
    for what, point in (("the identity point (small order)", IDENTITY),
                        ("a point of order 8", ORDER_8),
                        ("a key with y >= p (not canonical)", IDENTITY_Y_P_PLUS_1)):
        s.step(f"a rotation to {what}: no signature could ever verify under it (N4)",
               founder.next("key.rotate", KeyRotate(crypto.b64encode(point))),
               "rejected", "bad_key")
    s.step("an approval of a node id of small order (N2)", founder.next(
        "node.admit", Admit(crypto.b64encode(ORDER_8), "Nobody", "https://nobody.example.org")),
        "rejected", "bad_key")
    return s


def _two_forks(name: str, high_first: bool) -> Scenario:
    """One author forks at seq 5 and at seq 3; the same entries, in two orders (SPEC 3.3)."""
    order = "the seq-5 fork first" if high_first else "the seq-3 fork first"
    s = Scenario(name, f"Two forks by one author, {order}: only the lowest counts, so the "
                 "state is the same in either order (forks_high_first.json and "
                 "forks_low_first.json end in the same state hash). Also what happens to "
                 "entries that depended on the removed ones (SPEC 3.3).")
    founder, second, third = s.log("founder"), s.log("second"), s.log("third")
    charter = s.charter("founder", label="two forks")  # one network for both files
    admit_second = founder.next("node.admit", Admit(second.id, "Second",
                                                    "https://second.example.org"),
                                seq=2, prev=charter.id)
    one = second.next("group.profile", _profile("second"), seq=1, prev=None)
    shared = second.next("motion.shared", MotionShared(
        "Rent controls", "This group calls for rent controls.", ["housing"], None, ""),
        seq=2, prev=one.id)
    three_a = second.next("group.profile", _profile("second", area="a"), seq=3, prev=shared.id)
    three_b = second.next("group.profile", _profile("second", area="b"), seq=3, prev=shared.id)
    three_c = second.next("group.profile", _profile("second", area="c"), seq=3, prev=shared.id)
    admit_third = second.next("node.admit", Admit(third.id, "Third", "https://third.example.org"),
                              seq=4, prev=three_a.id)
    five_a = second.next("group.profile", _profile("second", area="5a"), seq=5,
                         prev=admit_third.id)
    five_b = second.next("group.profile", _profile("second", area="5b"), seq=5,
                         prev=admit_third.id)
    six = second.next("group.profile", _profile("second", area="6"), seq=6, prev=five_a.id)
    third_profile = third.next("group.profile", _profile("third"), seq=1, prev=None)
    reply = founder.next("motion.reply", MotionReply(MotionRef(second.id, shared.id, 4),
                                                     "Having seen seq 4."),
                         seq=3, prev=admit_second.id)
    readmit = founder.next("node.admit", Admit(third.id, "Third", "https://third.example.org"),
                           seq=4, prev=reply.id)
    s.step("the charter", charter, "accepted")
    s.step("the founder admits second", admit_second, "accepted")
    s.step("second, seq 1", one, "accepted")
    s.step("second shares a motion, seq 2", shared, "accepted")
    if high_first:
        s.step("second, seq 3 (a)", three_a, "accepted")
        s.step("second admits third, seq 4", admit_third, "accepted")
        s.step("second, seq 5 (a)", five_a, "accepted")
        s.step("third, admitted by second's seq 4, writes", third_profile, "accepted")
        s.step("the founder replies to second's motion having seen second's seq 4", reply,
               "accepted")
        s.step("another seq 5 (b): a fork; second is frozen at 5", five_b, "fork",
               "equivocation")
        s.step("another seq 3 (b): a lower fork; the freeze moves down to 3, and the fork "
               "at 5 no longer counts (it is above the freeze)", three_b, "fork",
               "equivocation")
        s.step("a third entry at seq 3 (c): more evidence, kept (it may hold one of the two "
               "smallest ids at the fork)", three_c, "fork", "equivocation")
        s.step("seq 5 (b) again", five_b, "duplicate")
        s.step("third's entry again: held, but it no longer counts, since the approval that "
               "admitted third was removed; it waits", third_profile, "duplicate")
        s.step("the founder admits third; third's held entry counts now", readmit, "accepted")
    else:
        s.step("second, seq 3 (b)", three_b, "accepted")
        s.step("another seq 3 (a): a fork; second is frozen at 3", three_a, "fork",
               "equivocation")
        s.step("seq 4, after the freeze", admit_third, "rejected", "equivocated")
        s.step("seq 5 (a), after the freeze", five_a, "rejected", "equivocated")
        s.step("seq 5 (b), after the freeze: never stored, so the fork at 5 is never known "
               "here", five_b, "rejected", "equivocated")
        s.step("a third entry at seq 3 (c): more evidence at the freeze, kept", three_c,
               "fork", "equivocation")
        s.step("third, admitted only by second's seq 4, which does not count", third_profile,
               "rejected", "unknown_author")
        s.step("the founder's reply citing second's seq 4, which the freeze removed: void, "
               "accepted with no effect (SM3)", reply, "accepted")
        s.step("the founder admits third", readmit, "accepted")
        s.step("third's entry again: admitted now", third_profile, "accepted")
    s.step("second's seq 6", six, "rejected", "equivocated")
    return s


def forks_high_first() -> Scenario:
    return _two_forks("forks_high_first", high_first=True)


def forks_low_first() -> Scenario:
    return _two_forks("forks_low_first", high_first=False)


def identity() -> Scenario:
    s = _founded("identity", "Where a member's name and address come from (N1, N2, N3): the "
                 "founder's from its charter, a url only from the member's own entries.")
    founder, second, third = s.log("founder"), s.log("second"), s.log("third")
    first = _admit(s, "founder", "second", description="the founder admits second: second "
                   "has no url yet; the approval's url is only where the founder found it")
    _admit(s, "founder", "third")
    s.step("second approves the founder under another name and url: accepted, no effect; the "
           "founder keeps its charter's name and url, admitted by nobody (N1)", second.next(
               "node.admit", Admit(founder.id, "Usurped", "https://elsewhere.example.net")),
           "accepted")
    ts = s.tick()
    while True:  # an approval whose id sorts before the founder's: it still sets no url
        grind = third.next("node.admit", Admit(second.id, "Second",
                                               "https://hijack.example.net"), ts=ts)
        if grind.id < first.id:
            break
        ts += 1
    s.clock = ts
    s.step("third approves second with another url, its timestamp ground until its id sorts "
           "before the founder's approval: the url is nobody's but second's to give (N2)",
           grind, "accepted")
    s.step("second's profile without a url: second still has none", second.next(
        "group.profile", _profile("second")), "accepted")
    s.step("second's profile with its own url: now second has one", second.next(
        "group.profile", _profile("second", url="https://second.example.org/own")), "accepted")
    s.step("the founder's profile without a url keeps the charter's url and takes the "
           "profile's name", founder.next("group.profile", Profile(name="Founder Renamed")),
           "accepted")
    return s


def wrong_network() -> Scenario:
    s = Scenario("wrong_network", "The network id binds founder and nonce (N1).")
    founder = s.log("founder")
    charter = s.charter("founder")
    stolen = Charter("Test Network", "Founder", "https://founder.example.org",
                     test_nonce("somebody else's"), NetworkStandingOrders())
    s.step("a charter whose network id is not derived from its founder and nonce",
           founder.next("network.charter", stolen, ts=charter.ts), "rejected", "wrong_network")
    s.step("the charter", charter, "accepted")
    elsewhere = s.net
    other = s.charter("second", label="another network")
    s.net = elsewhere
    s.step("another network's charter", other, "rejected", "wrong_network")
    _admit(s, "founder", "second")
    s.step("an admitted node's entry for another network", s.log("second").next(
        "group.profile", _profile("second"), net=crypto.network_id(s.log("second").id, test_nonce(
            "another network"))), "rejected", "wrong_network")
    return s


def canonical_form() -> Scenario:
    s = _founded("canonical_form", "Only the canonical encoding is accepted (SPEC 2.2).")
    _admit(s, "founder", "second")
    second = s.log("second")
    good = second.next("group.profile", _profile(
        "second", area="Café on the corner\x1f", url="https://second.example.org/a/b"))
    raw = good.raw
    body = good.unsigned[good.unsigned.index(b',{"area"') + 1:-1]
    decoded = json.loads(body)
    reordered = json.dumps(dict(reversed(decoded.items())), ensure_ascii=False,
                           separators=(",", ":")).encode()
    variants: list[tuple[str, bytes]] = [
        ("a space after a comma", _replace_once(raw, b',"group.profile",',
                                                b', "group.profile",')),
        ("a space before the array", b" " + raw),
        ("the body's keys in reverse order", raw.replace(body, reordered)),
        ("a duplicate key (the first value would be lost in decoding)",
         raw.replace(b'{"area"', b'{"name":"Decoy","area"')),
        ("é written as \\u00e9", _replace_once(raw, "é".encode(), b"\\u00e9")),
        ("a control character escaped with upper-case hex", _replace_once(
            raw, b"\\u001f", b"\\u001F")),
        ("/ written as \\/", raw.replace(b"/", b"\\/")),
        ("an ASCII letter written as \\u0043", _replace_once(raw, b'"Caf', b'"\\u0043af')),
        ("a character beyond U+FFFF written as a pair of escapes",
         _replace_once(raw, b'"Caf', b'"\\ud83d\\ude00Caf')),
        ("the integer ts written with a fraction (1.0 is the integer 1 by value, and the "
         "values fit: only the spelling is wrong)",
         _replace_once(raw, f",{good.ts},".encode(), f",{good.ts}.0,".encode())),
        ("the integer ts written with an exponent",
         _replace_once(raw, f",{good.ts},".encode(), f",{good.ts // 1000}e3,".encode())),
    ]
    for description, wire in variants:
        s.step(f"not canonical: {description}", wire, "rejected", "not_canonical", signed=good)
    s.step("a field left out because it holds its default value: the wire has no defaults "
           "(SPEC 2.1)", _replace_once(good.unsigned, b',"meets":""', b"")[:-1] + b',"'
           + good.sig.encode() + b'"]', "rejected", "bad_schema", signed=good)
    s.step("a raw TAB inside a string", _replace_once(raw, b"\\u001f", b"\t"),
           "rejected", "malformed")
    s.step("a ts with a fraction that is no integer", _replace_once(
        raw, f",{good.ts},".encode(), f",{good.ts}.5,".encode()), "rejected", "malformed")
    s.step("an integer beyond 2^53 - 1 (seq)", _replace_once(
        raw, f'"{good.author}",1,'.encode(), f'"{good.author}",9007199254740993,'.encode()),
        "rejected", "malformed")
    s.step("the canonical entry", good, "accepted")
    s.step("a non-canonical copy of a held entry is still refused",
           variants[0][1], "rejected", "not_canonical", signed=good)
    commitment = second.next("register.commitment", RegisterCommitment(
        T0, 12, hashlib.sha256(b"register").hexdigest()))
    s.step("an integer in a body written with a fraction: by value it fits, so only the "
           "spelling is wrong", _replace_once(
               commitment.raw, b'"active_members":12,', b'"active_members":12.0,'),
           "rejected", "not_canonical", signed=commitment)
    s.step("a number in a body's integer field that is no integer", _replace_once(
        commitment.raw, b'"active_members":12,', b'"active_members":12.5,'),
        "rejected", "bad_schema")
    s.step("the same entry with an integer", commitment, "accepted")
    return s


def schema() -> Scenario:
    s = _founded("schema", "Entries that are not a valid envelope or body (SPEC 2.1, 2.4, 5).")
    _admit(s, "founder", "second")
    second = s.log("second")
    good = second.next("group.profile", _profile("second"))
    raw = good.raw
    author = good.author.encode()
    s.step("not JSON", b"hello", "rejected", "malformed")
    s.step("a JSON object, not an array", b'{"v":1}', "rejected", "malformed")
    s.step("eight items: the signature left off", raw[:raw.rindex(b',"')] + b"]",
           "rejected", "malformed")
    s.step("ten items", raw[:-1] + b',"extra"]', "rejected", "malformed")
    s.step("an author id with a trailing newline", _replace_once(
        raw, b'"' + author + b'"', b'"' + author + b'\\n"'), "rejected", "malformed")
    s.step("a kind in upper case", _replace_once(raw, b'"group.profile"', b'"Group.Profile"'),
           "rejected", "malformed")
    s.step("version 2", second.next("group.profile", _profile("second")).raw.replace(
        b"[1,", b"[2,", 1), "rejected", "unsupported_version")
    for version in (b"0", b"-1"):
        s.step(f"version {version.decode()}: any integer but 1 is an unsupported version, not "
               "a malformed entry (SPEC 2.1)", raw.replace(b"[1,", b"[" + version + b",", 1),
               "rejected", "unsupported_version")
    s.step("a kind nobody defined", second.next("group.banner", _profile("second")),
           "rejected", "unknown_kind")
    s.step("an empty name", second.next("group.profile", Profile(name="")),
           "rejected", "bad_schema")
    s.step("a url with a trailing newline", second.next(
        "group.profile", _profile("second", url="https://second.example.org\n")),
        "rejected", "bad_schema")
    s.step("a field the type does not have", _replace_once(
        raw, b'"name":"Second",', b'"colour":"red","name":"Second",'),
        "rejected", "bad_schema")
    s.step("a required field missing", _replace_once(raw, b',"name":"Second"', b""),
           "rejected", "bad_schema")
    s.step("a witness of no heads", second.next("heads.witness", Witness([])),
           "rejected", "bad_schema")
    area = b'"area":""'
    for depth, code in ((64, "bad_schema"), (65, "malformed")):
        # the entry's array is level 1 and the body level 2
        nested = b"[" * (depth - 2) + b"]" * (depth - 2)
        s.step(f"arrays and objects nested {depth} deep (in a body field that takes a string): "
               + ("within the limit, so the body's type decides" if code == "bad_schema" else
                  "beyond 64, refused before decoding (SPEC 2.4)"),
               _replace_once(raw, area, b'"area":' + nested), "rejected", code)
    for what, text in (("an escaped lone high surrogate", b"\\ud800"),
                       ("an escaped lone low surrogate", b"\\udc00"),
                       ("a high surrogate escape followed by another escape",
                        b"\\ud800\\u0041")):
        s.step(f"{what} in a body string: not a Unicode string (SPEC 2.2)",
               _replace_once(raw, area, b'"area":"' + text + b'"'), "rejected", "malformed")
    for what, text in (("a byte that never occurs in UTF-8 (0xFF)", b"\xff"),
                       ("an overlong encoding of '/' (0xC0 0xAF)", b"\xc0\xaf"),
                       ("an encoded surrogate (0xED 0xA0 0x80)", b"\xed\xa0\x80"),
                       ("a sequence cut short (0xE2 0x82)", b"\xe2\x82")):
        s.step(f"not UTF-8: {what} in a body string (only wire_b64 can carry it)",
               _replace_once(raw, area, b'"area":"x' + text + b'"'), "rejected", "malformed")
    s.step("a body over 64 KiB", second.next(
        "group.profile", _profile("second", area="x" * 70_000)), "rejected", "entry_too_large")
    s.step("the valid entry", good, "accepted")
    return s


def records() -> Scenario:
    s = _founded("records", "register.commitment (N6) and delegate.credential (N7).")
    _admit(s, "founder", "second")
    second = s.log("second")
    s.step("a register commitment: counts and a Merkle root, no personal data", second.next(
        "register.commitment", RegisterCommitment(T0, 42, hashlib.sha256(b"leaves").hexdigest())),
        "accepted")
    seats = [DelegateSeat("d-7Qx", "A. Delegate"), DelegateSeat("d-9Kp", "B. Delegate")]
    mandates = [MandateLine("Motion 3: housing", "support", "branch meeting 2026-02-03")]
    s.step("delegate credentials for a conference", second.next(
        "delegate.credential", DelegateCredential("Annual Conference 2026", "election 4",
                                                  seats, mandates)), "accepted")
    s.step("a credential naming one delegate twice", second.next(
        "delegate.credential", DelegateCredential("Annual Conference 2026", "election 5",
                                                  [seats[0], seats[0]], [])),
        "rejected", "bad_schema", by_rules=True)
    s.step("a later credential for the same conference replaces the first", second.next(
        "delegate.credential", DelegateCredential("Annual Conference 2026", "election 5",
                                                  seats[:1], [])), "accepted")
    return s


def motions() -> Scenario:
    s = _founded("motions", "Shared motions, references with `seen`, and their refusals "
                 "(SM1-SM8).")
    _admit(s, "founder", "second")
    _admit(s, "founder", "third")
    second, third = s.log("second"), s.log("third")
    adopted = Adoption("General meeting", "2026-01-10", Tally(17, 10, 1, 30))
    shared = second.next("motion.shared", MotionShared(
        "Rent controls", "This group calls for rent controls.", ["housing"], adopted, ""))
    s.step("a group shares a motion it adopted", shared, "accepted")
    ref = MotionRef(second.id, shared.id, 1)
    endorse = Adoption("Branch meeting", "2026-01-12", Tally(8, 0, 0, 9))
    s.step("another group endorses version 1", third.next(
        "motion.endorsed", MotionEndorsed(ref, 1, endorse)), "accepted")
    s.step("the same group endorses version 1 again", third.next(
        "motion.endorsed", MotionEndorsed(ref, 1, endorse)), "rejected", "already_endorsed")
    s.step("the sharing group endorses its own motion", second.next(
        "motion.endorsed", MotionEndorsed(ref, 1, endorse)), "rejected", "own_motion")
    s.step("an endorsement of a version that did not exist at the seq cited", third.next(
        "motion.endorsed", MotionEndorsed(ref, 2, endorse)), "rejected", "unknown_version")
    s.step("another group co-sponsors it", third.next(
        "motion.cosponsored", MotionCosponsored(ref, 1)), "accepted")
    s.step("an amendment identical to the text", third.next(
        "motion.amendment", MotionAmendment(ref, 1, shared.body.text, "")),  # type: ignore[attr-defined]
        "rejected", "no_change")
    s.step("a reply citing seq 5 of a log held only to seq 1", third.next(
        "motion.reply", MotionReply(MotionRef(second.id, shared.id, 5), "Agreed.")),
        "rejected", "missing_dependency")
    s.step("a reference to a motion that log never shared", third.next(
        "motion.reply", MotionReply(MotionRef(second.id, "ab" * 32, 1), "Which?")),
        "rejected", "unknown_motion")
    s.step("another group revises the motion", third.next(
        "motion.revised", MotionRevised(ref, "Rent caps", "Caps.", [], None, "")),
        "rejected", "not_sharing_group")
    s.step("a share whose tally counts more votes than those present", second.next(
        "motion.shared", MotionShared("Overcount", "Text.", [], Adoption(
            "Meeting", "2026-01-11", Tally(20, 20, 0, 30)), "")),
        "rejected", "tally_exceeds_attendance")
    s.step("the sharing group withdraws the motion", second.next(
        "motion.withdrawn", MotionWithdrawn(ref, "superseded")), "accepted")
    s.step("a reply written having seen the withdrawal (seen = 2)", third.next(
        "motion.reply", MotionReply(MotionRef(second.id, shared.id, 2), "Too late.")),
        "rejected", "motion_withdrawn")
    s.step("a reply written before the withdrawal was seen (seen = 1) still stands",
           third.next("motion.reply", MotionReply(ref, "In favour.")), "accepted")
    return s


def conference() -> Scenario:
    """A conference from requisition to final agenda (SPEC 5.8), with its derived answers."""
    s = _founded("conference", "A conference requisitioned by the groups, its motions, "
                 "amendments, credentials, the arrangements committee's rulings and "
                 "composite, consents, appeals and priorities, to the final agenda (K1-K10).")
    names = ("founder", "second", "third", "fourth", "fifth")
    logs = {name: s.log(name) for name in names}
    founder, second, third, fourth, fifth = (logs[n] for n in names)
    day = DAY_MS

    def at(ts: int) -> dict:
        s.clock = max(s.clock, ts)
        return {"ts": ts}

    def step(description: str, entry: Signed, status: str = "accepted",
             code: str | None = None) -> Signed:
        s.step(description, entry, status, code, now=entry.ts + 1000)
        return entry

    def ref(entry: Signed) -> EntryRef:
        return EntryRef(entry.author, entry.id, entry.seq)

    def decided(in_favour: int = 20, against: int = 4) -> Adoption:
        return Adoption("General meeting", "2026-01-20", Tally(in_favour, against, 1, 30))

    def witness_all(ts: int) -> None:
        for name, log in logs.items():
            heads = [Head(other.id, other.seq, other.prev) for other_name, other in logs.items()
                     if other_name != name and other.seq > 0]
            step(f"{name} witnesses the heads it holds", log.next(
                "heads.witness", Witness(heads), **at(ts)))

    rules = msgspec.structs.replace(default().conference, priority_slots=1)
    constitution = msgspec.structs.replace(default(), conference=rules)
    seats = [Seat("arrangements-committee", logs[n].id, who, who.title())
             for n, who in (("founder", "ann"), ("second", "bob"), ("third", "cat"))]
    step("the founder's constitution: the default with one priority slot; Ann, Bob and Cat "
         "sit on the arrangements committee", founder.next("network.constitution",
         NetworkConstitution(constitution, seats, T0 + 150 * day), **at(T0 + 2000)))
    for name in names[1:]:
        _admit(s, "founder", name)
    for name, members in zip(names, (300, 250, 500, 1000, 100), strict=True):
        step(f"{name} commits to {members} active members", logs[name].next(
            "register.commitment", RegisterCommitment(
                T0, members, hashlib.sha256(name.encode()).hexdigest()), **at(s.clock + 1000)))
    witness_all(T0 + 3_600_000)

    # K3: the requisition
    opens = T0 + 71 * day
    step("a requisition asking for a conference 30 days away: less than the notice",
         fourth.next("conference.requisition", ConferenceRequisition(
             "Special conference", "The committee has stopped meeting", T0 + 31 * day, None),
             **at(T0 + day)), "rejected", "outside_window")
    opener = step("fourth opens a requisition for a conference on day 71", fourth.next(
        "conference.requisition", ConferenceRequisition(
            "Special conference", "The committee has stopped meeting", opens, None),
        **at(T0 + day)))
    step("fifth supports it", fifth.next("conference.requisition", ConferenceRequisition(
        "Special conference", "We agree", opens, ref(opener)), **at(T0 + day + 1000)))
    step("fifth supports it again", fifth.next("conference.requisition", ConferenceRequisition(
        "Special conference", "Twice", opens, ref(opener)), **at(T0 + day + 2000)),
        "rejected", "already_supported")
    step("third supports another title", third.next(
        "conference.requisition", ConferenceRequisition(
            "Another conference", "We agree", opens, ref(opener)), **at(T0 + day + 3000)),
        "rejected", "bad_requisition")
    witness_all(T0 + 2 * day)

    # K1-K4: the call
    step("a call on the ground `first` that names a requisition", fifth.next(
        "conference.call", ConferenceCall("Special conference", "first", opens,
                                          opens + 2 * day, None, ref(opener)),
        **at(T0 + 2 * day + 1000)), "rejected", "bad_call")
    step("a call 20 days before its opening: less than the notice", fifth.next(
        "conference.call", ConferenceCall("Special conference", "requisition", T0 + 22 * day,
                                          T0 + 23 * day, None, ref(opener)),
        **at(T0 + 2 * day + 2000)), "rejected", "short_notice")
    call = step("fifth calls the requisitioned conference, opening on day 71", fifth.next(
        "conference.call", ConferenceCall("Special conference", "requisition", opens,
                                          opens + 2 * day, None, ref(opener)),
        **at(T0 + 2 * day + 3000)))
    witness_all(T0 + 3 * day)

    # K6: motions
    def motion(log: Log, title: str, subject: str, ts: int, emergency: str = "",
               decision: Adoption | None = None, text: str | None = None,
               conference: EntryRef | None = None) -> Signed:
        return log.next("conference.motion", ConferenceMotion(
            conference or ref(call), title, text or f"This conference resolves: {title}.",
            subject, decision or decided(), emergency), **at(ts))

    m_founder = step("founder submits a motion on the climate", motion(
        founder, "Climate", "climate", T0 + 5 * day))
    m_second = step("second submits a motion on housing", motion(
        second, "Rents", "housing", T0 + 5 * day + 1000))
    m_third = step("third submits a motion on housing", motion(
        third, "Repairs", "housing", T0 + 5 * day + 2000))
    m_fourth = step("fourth submits a motion on transport", motion(
        fourth, "Buses", "transport", T0 + 5 * day + 3000))
    step("fourth submits a second motion", motion(
        fourth, "Trains", "transport", T0 + 5 * day + 4000), "rejected", "motion_limit")
    step("fifth submits 501 words", motion(
        fifth, "Long", "democracy", T0 + 5 * day + 5000, text="word " * 501),
        "rejected", "too_long")
    step("fifth submits a motion its meeting did not carry", motion(
        fifth, "Lost", "democracy", T0 + 5 * day + 6000, decision=decided(10, 12)),
        "rejected", "not_carried")
    step("fifth cites seq 9 of the caller's log, which holds 8 so far", motion(
        fifth, "Early", "democracy", T0 + 5 * day + 7000,
        conference=EntryRef(call.author, call.id, fifth.seq + 1)),
        "rejected", "missing_dependency")
    step("fifth names an entry that is no conference call", motion(
        fifth, "Nowhere", "democracy", T0 + 5 * day + 8000, conference=ref(opener)),
        "rejected", "unknown_conference")
    witness_all(T0 + 6 * day)

    # K7: amendments
    def amendment(log: Log, target: Signed, text: str, ts: int) -> Signed:
        return log.next("conference.amendment", ConferenceAmendment(
            ref(target), text, "clearer", decided()), **at(ts))

    a_buses = step("third amends fourth's motion", amendment(
        third, m_fourth, "This conference resolves: free buses.", T0 + 10 * day))
    a_rents = step("fourth amends second's motion", amendment(
        fourth, m_second, "This conference resolves: rent caps.", T0 + 10 * day + 1000))
    step("fifth proposes the motion's own text", amendment(
        fifth, m_fourth, m_fourth.body.text, T0 + 10 * day + 2000),  # type: ignore[attr-defined]
        "rejected", "no_change")

    # K5: credentials
    def credential(log: Log, delegates: int, ts: int) -> Signed:
        seats = [DelegateSeat(f"{log.name}-{i}", f"Delegate {i}") for i in range(delegates)]
        return log.next("delegate.credential", DelegateCredential(
            call.id, "election 1", seats, []), **at(ts))

    creds = {name: step(f"{name} credentials {count} delegate(s)", credential(
        logs[name], count, T0 + 12 * day + i * 1000))
        for i, (name, count) in enumerate((("founder", 1), ("second", 1), ("fourth", 2),
                                           ("fifth", 3)))}
    witness_all(T0 + 13 * day)

    # K8: the arrangements committee rules founder's motion out and composites housing
    called = "the arrangements committee is called 3 days ahead (2 days' notice)"
    meeting = step(called, founder.next(
        "body.meeting", BodyMeeting("arrangements-committee", "Arrangements",
                                    T0 + 22 * day, T0 + 22 * day + 7_200_000, [
            BodyItem("rule-out", "Not within the network's competence", call.id,
                     [m_founder.id], None, "C4.2"),
            BodyItem("composite", "This conference resolves: rents and repairs.", call.id,
                     [m_second.id, m_third.id], None, ""),
        ]), **at(T0 + 19 * day)))
    witness_all(T0 + 19 * day + 60_000)
    for name, who in (("founder", "ann"), ("second", "bob"), ("third", "cat")):
        for item in (0, 1):
            step(f"{who} votes for item {item}", logs[name].next("body.vote", BodyVote(
                ref(meeting), item, who, "for"), **at(T0 + 22 * day + 3_600_000 + item)))
    witness_all(T0 + 22 * day + 5_400_000)

    def consent(log: Log, item: int, ts: int) -> Signed:
        return log.next("conference.consent", ConferenceConsent(
            DecisionRef(ref(meeting), item), True), **at(ts))

    step("fourth consents to a composite of others' motions", consent(
        fourth, 1, T0 + 25 * day), "rejected", "not_submitter")
    step("second consents to the composite", consent(second, 1, T0 + 25 * day + 1000))
    step("third consents to the composite", consent(third, 1, T0 + 25 * day + 2000))
    step("third consents to the ruling", consent(third, 0, T0 + 25 * day + 3000),
         "rejected", "not_a_composite")
    appeal = step("founder appeals against the ruling", founder.next(
        "conference.appeal", ConferenceAppeal(DecisionRef(ref(meeting), 0),
                                              "The network campaigns on the climate"),
        **at(T0 + 25 * day + 4000)))

    # K6: an emergency motion, and an amendment to it
    m_flood = step("fifth submits an emergency motion after the motions deadline", motion(
        fifth, "Flood relief", "climate", T0 + 50 * day, emergency="The flood of day 48"))
    a_flood = step("second amends the emergency motion", amendment(
        second, m_flood, "This conference resolves: flood relief now.", T0 + 52 * day))
    witness_all(T0 + 53 * day)
    step("third amends after the amendments deadline, by its own date", amendment(
        third, m_flood, "Too late.", T0 + 58 * day), "rejected", "past_deadline")

    # K9: priorities
    def ballot(log: Log, *choices: Signed, ts: int) -> Signed:
        return log.next("conference.priorities", ConferencePriorities(
            ref(call), [c.id for c in choices]), **at(ts))

    step("third, without a credential, casts a ballot", ballot(
        third, m_second, ts=T0 + 60 * day), "rejected", "no_credential")
    step("founder chooses two items with one slot", ballot(
        founder, m_second, m_fourth, ts=T0 + 60 * day), "rejected", "too_many_choices")
    ballots = [step(f"{log.name} casts its ballot", ballot(log, choice, ts=T0 + 60 * day))
               for log, choice in ((founder, m_second), (second, m_third),
                                   (fourth, m_fourth), (fifth, m_fourth))]
    witness_all(T0 + 61 * day)
    witness_all(T0 + 65 * day)

    composite = f"{meeting.id}:1"
    expected = {
        "call": "stands",
        "agenda_status": "final",
        # by subject: climate, then housing (no order of business was decided)
        "agenda": [["emergency motion", m_flood.id, [fifth.id], [a_flood.id], None],
                   ["composite", composite, sorted([second.id, third.id]), [], 2]],
        "entitlements": {founder.id: 2, second.id: 1, third.id: 2, fourth.id: 4, fifth.id: 1},
        "credentials": [[logs[n].id, creds[n].id, st] for n, st in (
            ("founder", "accepted"), ("second", "accepted"), ("fourth", "accepted"),
            ("fifth", "over entitlement"))],
        "motions": [[m_founder.id, "ruled out"], [m_second.id, "composited"],
                    [m_third.id, "composited"], [m_fourth.id, "not prioritised"],
                    [m_flood.id, "admissible"]],
        "amendments": [[a_buses.id, "falls"], [a_rents.id, "falls"],
                       [a_flood.id, "admissible"]],
        "composites": [[composite, "agreed"]],
        "ballots": [[b.author, b.id, st] for b, st in zip(ballots, (
            "counted", "counted", "counted", "not counted"), strict=True)],
        "appeals": [appeal.id],
    }
    s.derived = _derived(s, call.id, expected)
    return s


def _derived(s: Scenario, conference: str, expected: dict) -> dict:
    """The answers of SPEC 5.8 the final state gives: written by hand, checked here."""
    found = review(s.state(), conference)
    assert found is not None
    got = {
        "call": found.status.status,
        "agenda_status": found.agenda.status,
        "agenda": [[i.kind, i.id, i.groups, i.amendments, i.priority]
                   for i in found.agenda.items],
        "entitlements": {e.group: e.delegates for e in found.entitlements},
        "credentials": sorted([c.group, c.entry, c.status] for c in found.credentials),
        "motions": sorted([m.id, m.status] for m in found.motions),
        "amendments": sorted([a.id, a.status] for a in found.amendments),
        "composites": [[c.id, c.status] for c in found.composites],
        "ballots": sorted([b.group, b.entry, b.status] for b in found.ballots),
        "appeals": [a.id for a in found.appeals],
    }
    for key in ("credentials", "motions", "amendments", "ballots"):
        expected[key] = sorted(expected[key])
    for key, value in expected.items():
        if got[key] != value:
            raise ValueError(f"{s.name}: derived {key} is {got[key]}, the vector says {value}")
    return {"conference": conference, **expected}


def rule_changes() -> Scenario:
    """Rule changes to a conference and amendments to them (SPEC 5.3 C5, 5.8 K11, K12)."""
    s = _founded("rule_changes", "Rule changes submitted to the first conference with "
                 "notice, amendments to them within the window, the refusals (entrenched "
                 "provisions, notice, window, no change, one per group) and the agenda's "
                 "rule changes with their threshold and card vote (C5, K10-K12).")
    names = ("founder", "second", "third", "fourth")
    logs = {name: s.log(name) for name in names}
    founder, second, third, fourth = (logs[n] for n in names)
    day = DAY_MS
    for name in names[1:]:
        _admit(s, "founder", name)

    def step(description: str, entry: Signed, status: str = "accepted",
             code: str | None = None) -> Signed:
        s.clock = max(s.clock, entry.ts)
        s.step(description, entry, status, code, now=entry.ts + 1000)
        return entry

    def ref(entry: Signed) -> EntryRef:
        return EntryRef(entry.author, entry.id, entry.seq)

    def decided(in_favour: int = 30, against: int = 4) -> Adoption:
        return Adoption("General meeting", "2026-01-20", Tally(in_favour, against, 1, 40))

    def witness_all(ts: int) -> None:
        for name, log in logs.items():
            heads = [Head(other.id, other.seq, other.prev) for other_name, other in logs.items()
                     if other_name != name and other.seq > 0]
            if heads:
                step(f"{name} witnesses the heads it holds", log.next(
                    "heads.witness", Witness(heads), ts=ts))

    def rules(**conference: int) -> Constitution:
        return msgspec.structs.replace(default(), conference=msgspec.structs.replace(
            default().conference, **conference))

    def proposal(log: Log, title: str, constitution: Constitution, ts: int,
                 decision: Adoption | None = None) -> Signed:
        return log.next("conference.rule_change", ConferenceRuleChange(
            ref(call), title, constitution, f"{log.name.title()} proposes it",
            decision or decided()), ts=ts)

    def amendment(log: Log, target: EntryRef, constitution: Constitution, ts: int) -> Signed:
        return log.next("conference.rule_change_amendment", ConferenceRuleChangeAmendment(
            target, constitution, f"{log.name.title()} amends it", decided()), ts=ts)

    witness_all(T0 + 3_600_000)
    opens = T0 + 70 * day  # the rule changes' notice: day 14; the window closes on day 28
    call = step("founder calls the first conference, opening on day 70", founder.next(
        "conference.call", ConferenceCall("First conference", "first", opens,
                                          opens + 2 * day, None, None), ts=T0 + day))
    witness_all(T0 + 2 * day)

    # K11: rule changes
    delegates = step("second proposes at most 4 delegates a group", proposal(
        second, "Four delegates", rules(max_delegates=4), T0 + 5 * day))
    step("second proposes a second rule change to the conference", proposal(
        second, "Five delegates", rules(max_delegates=5), T0 + 5 * day + 1000),
        "rejected", "rule_change_limit")
    step("third proposes a rule change its meeting did not carry", proposal(
        third, "Lost", rules(max_delegates=3), T0 + 5 * day + 2000, decided(10, 20)),
        "rejected", "not_carried")
    grab = msgspec.structs.replace(default(), bodies=[
        msgspec.structs.replace(b, powers=[*b.powers, "amend-constitution"])
        if b.id == "national-committee" else b for b in default().bodies])
    step("third proposes that the national committee amend the constitution (E1)", proposal(
        third, "Committee rules", grab, T0 + 5 * day + 3000), "rejected", "entrenched")
    step("third proposes the constitution unchanged", proposal(
        third, "Nothing", default(), T0 + 5 * day + 4000), "rejected", "no_change")
    step("third dates a rule change after the notice (day 14)", proposal(
        third, "Too late", rules(motions_per_group=2), T0 + 14 * day + 1), "rejected",
        "past_deadline")
    motions = step("third proposes two motions a group", proposal(
        third, "Two motions", rules(motions_per_group=2), T0 + 6 * day))
    witness_all(T0 + 12 * day)
    late = step("fourth dates a rule change on day 13, witnessed only after day 14", proposal(
        fourth, "Longer notice", rules(notice_days=70, first_within_days=180,
                                       special_within_days=90), T0 + 13 * day))
    witness_all(T0 + 15 * day)

    # K12: amendments
    five = step("fourth amends second's rule change: 5 delegates", amendment(
        fourth, ref(delegates), rules(max_delegates=5), T0 + 20 * day))
    step("third amends it to what it already says", amendment(
        third, ref(delegates), rules(max_delegates=4), T0 + 20 * day + 1000), "rejected",
        "no_change")
    simple = msgspec.structs.replace(rules(max_delegates=4), amendments=AmendmentRules(
        notice_days=56, window_days=14, threshold=[1, 2], ballot_ratification=False))
    step("third amends it to a simple majority for amendments (E5)", amendment(
        third, ref(delegates), simple, T0 + 20 * day + 2000), "rejected", "entrenched")
    step("third amends an entry that is no rule change", amendment(
        third, ref(call), rules(max_delegates=3), T0 + 20 * day + 3000), "rejected",
        "unknown_rule_change")
    step("third dates an amendment after the window (day 28)", amendment(
        third, ref(delegates), rules(max_delegates=3), T0 + 28 * day + 1), "rejected",
        "past_deadline")
    fallen = step("founder amends fourth's late rule change", amendment(
        founder, ref(late), rules(notice_days=63, first_within_days=180,
                                  special_within_days=90), T0 + 21 * day))
    witness_all(T0 + 22 * day)
    witness_all(T0 + 64 * day)

    expected = {
        "agenda_status": "final",
        "rule_changes": [[delegates.id, "admissible"], [motions.id, "admissible"],
                         [late.id, "late"]],
        "rule_change_amendments": [[five.id, "admissible"], [fallen.id, "falls"]],
        "agenda_rule_changes": sorted([
            [delegates.id, [second.id], [2, 3], "card vote", [five.id],
             [["conference.max_delegates", 6, 4]]],
            [motions.id, [third.id], [2, 3], "card vote", [],
             [["conference.motions_per_group", 1, 2]]],
        ]),
    }
    found = review(s.state(), call.id)
    assert found is not None
    got = {
        "agenda_status": found.agenda.status,
        "rule_changes": sorted([r.id, r.status] for r in found.rule_changes),
        "rule_change_amendments": sorted([a.id, a.status]
                                         for a in found.rule_change_amendments),
        "agenda_rule_changes": [[i.id, i.groups, i.threshold, i.method, i.amendments,
                                 [[c.field, c.old, c.new] for c in i.changes]]
                                for i in found.agenda.rule_changes],
    }
    for key in ("rule_changes", "rule_change_amendments"):
        expected[key] = sorted(expected[key])  # type: ignore[type-var]
    for key, value in expected.items():
        if got[key] != value:
            raise ValueError(f"{s.name}: derived {key} is {got[key]}, the vector says {value}")
    s.derived = {"conference": call.id, **expected}
    return s


def floor_scenario() -> Scenario:
    """A conference's floor (SPEC 5.9): an amendment by a show of hands, the amended motion
    by card vote, each closed by the chair's cut and made final by the participants'
    cosigns; the refusals of F1-F8."""
    s = _founded("floor", "A first conference at its final agenda; on its floor an "
                 "amendment carried on a show of hands and the amended motion carried on a "
                 "card vote, each closed by a cut that most participants cosign (F1-F10); "
                 "the refusals of each rule.")
    names = ("founder", "second", "third", "fourth", "fifth")
    logs = {name: s.log(name) for name in names}
    founder, second, third, fourth, fifth = (logs[n] for n in names)
    day, minute = DAY_MS, 60_000

    def at(ts: int) -> dict:
        s.clock = max(s.clock, ts)
        return {"ts": ts}

    def step(description: str, entry: Signed, status: str = "accepted",
             code: str | None = None) -> Signed:
        s.step(description, entry, status, code, now=entry.ts + 1000)
        return entry

    def ref(entry: Signed) -> EntryRef:
        return EntryRef(entry.author, entry.id, entry.seq)

    def witness_all(ts: int) -> None:
        for name, log in logs.items():
            heads = [Head(other.id, other.seq, other.prev) for other_name, other in logs.items()
                     if other_name != name and other.seq > 0]
            step(f"{name} witnesses the heads it holds", log.next(
                "heads.witness", Witness(heads), **at(ts)))

    decided = Adoption("General meeting", "2026-01-20", Tally(20, 4, 1, 30))
    seats = [Seat("arrangements-committee", logs[n].id, who, who.title())
             for n, who in (("founder", "ann"), ("second", "bob"), ("third", "cat"))]
    step("the founder's constitution: the default; Ann, Bob and Cat sit on the arrangements "
         "committee, the conference's chair", founder.next("network.constitution",
         NetworkConstitution(default(), seats, T0 + 150 * day), **at(T0 + 2000)))
    for name in names[1:]:
        _admit(s, "founder", name)
    for name, members in zip(names, (300, 250, 500, 1000, 100), strict=True):
        step(f"{name} commits to {members} active members", logs[name].next(
            "register.commitment", RegisterCommitment(
                T0, members, hashlib.sha256(name.encode()).hexdigest()), **at(s.clock + 1000)))
    witness_all(T0 + HOUR_MS)
    opens = T0 + 60 * day
    call = step("fourth calls the first conference, opening on day 60", fourth.next(
        "conference.call", ConferenceCall("First conference", "first", opens,
                                          opens + 2 * day, None, None), **at(T0 + day)))
    witness_all(T0 + 2 * day)
    motion = step("second submits a motion on housing", second.next(
        "conference.motion", ConferenceMotion(ref(call), "Rents",
                                              "This conference resolves: rents.", "housing",
                                              decided, ""), **at(T0 + 5 * day)))
    witness_all(T0 + 6 * day)
    amendment = step("fourth amends it", fourth.next(
        "conference.amendment", ConferenceAmendment(
            ref(motion), "This conference resolves: rent caps.", "stronger", decided),
        **at(T0 + 10 * day)))
    mandates = {"third": [MandateLine(amendment.id, "oppose", "general meeting of 20 "
                                      "January, item 3")]}
    for i, (name, count) in enumerate((("founder", 1), ("second", 1), ("third", 2),
                                       ("fourth", 2))):
        step(f"{name} credentials {count} delegate(s)", logs[name].next(
            "delegate.credential", DelegateCredential(
                call.id, "election 1",
                [DelegateSeat(f"{name}-{d}", f"Delegate {d}") for d in range(count)],
                mandates.get(name, [])), **at(T0 + 12 * day + i * 1000)))
    witness_all(T0 + 13 * day)
    witness_all(T0 + 54 * day)  # past the final agenda time (day 53)

    sitting = opens + HOUR_MS

    def put(log: Log, item: str, question: str, text: str, method: str, start: int,
            length: int = 10 * minute) -> Signed:
        return log.next("floor.open", FloorOpen(
            ref(call), item, question, text, method, [], "simple", start, start + length),
            **at(start))

    def vote(log: Log, question: Signed, delegate: str, choice: str, ts: int) -> Signed:
        return log.next("floor.vote", FloorVote(ref(question), delegate, choice), **at(ts))

    def cut(log: Log, question: Signed, ts: int) -> Signed:
        heads = [Head(other.id, other.seq, other.prev) for other in logs.values()]
        return log.next("floor.cut", FloorCut(ref(question), heads), **at(ts))

    def cosign(log: Log, closing: Signed, result: FloorResult) -> Signed:
        return log.next("floor.cosign", FloorCosign(ref(closing), result),
                        **at(closing.ts + 1000))

    # F1-F3: the chair puts the amendment
    step("fifth, with no seat on the arrangements committee, puts a question", put(
        fifth, amendment.id, "amendment", amendment.body.text, "hands", sitting),  # type: ignore[attr-defined]
        "rejected", "not_chair")
    step("the founder puts a vote open for one minute", put(
        founder, amendment.id, "amendment", amendment.body.text, "hands", sitting,  # type: ignore[attr-defined]
        minute), "rejected", "bad_window")
    hands = step("the founder puts the amendment to a show of hands for ten minutes", put(
        founder, amendment.id, "amendment", amendment.body.text, "hands", sitting))  # type: ignore[attr-defined]
    closes = sitting + 10 * minute

    # F5, F6: the delegates vote
    step("second's delegate votes for", vote(second, hands, "second-0", "for", sitting + minute))
    step("second votes for third's delegate", vote(
        second, hands, "third-0", "for", sitting + minute + 1), "rejected", "not_delegate")
    step("third's delegate votes for, against the mandate to oppose", vote(
        third, hands, "third-0", "for", sitting + minute), "rejected", "against_mandate")
    step("third's delegate votes against", vote(
        third, hands, "third-0", "against", sitting + minute + 1))
    step("third's delegate votes again", vote(
        third, hands, "third-0", "against", sitting + minute + 2), "rejected", "duplicate_vote")
    for d in (0, 1):
        step(f"fourth's delegate {d} votes for", vote(
            fourth, hands, f"fourth-{d}", "for", sitting + 2 * minute + d))
    step("the founder's delegate votes after the close", vote(
        founder, hands, "founder-0", "for", closes + 1), "rejected", "outside_vote")

    # F7, F8: the cut and the cosigns
    step("the founder cuts before the close", cut(founder, hands, closes - 1),
         "rejected", "early_close")
    closing = step("the founder cuts five seconds after the close", cut(
        founder, hands, closes + 5000))
    carried = FloorResult(3, 1, 0, True)
    step("fifth, with no credential, cosigns", cosign(fifth, closing, carried),
         "rejected", "not_participant")
    step("second cosigns a result the votes contradict", cosign(
        second, closing, FloorResult(4, 0, 0, True)), "rejected", "wrong_result")
    for log in (second, third, fourth):
        step(f"{log.name} cosigns 3 for, 1 against, carried", cosign(log, closing, carried))

    # the amended motion, on a card vote
    card = step("the founder puts the motion as amended to a card vote", put(
        founder, motion.id, "motion", amendment.body.text, "card", sitting + HOUR_MS))  # type: ignore[attr-defined]
    step("second's delegate carries 250 members for", vote(
        second, card, "second-0", "for", sitting + HOUR_MS + minute))
    step("third's delegate carries 250 of its 500 against", vote(
        third, card, "third-0", "against", sitting + HOUR_MS + minute))
    step("fourth's delegate carries 500 of its 1000 for", vote(
        fourth, card, "fourth-0", "for", sitting + HOUR_MS + minute))
    closing_card = step("the founder cuts after the close", cut(
        founder, card, sitting + HOUR_MS + 10 * minute + 5000))

    # F11: the card vote is made final by a certificate of cosignatures, not by entries
    card_result = FloorResult(750, 250, 0, True)

    def cosignature(log: Log, result: FloorResult = card_result, seen: int | None = None,
                    signer: Log | None = None) -> Cosignature:
        seen = log.seq if seen is None else seen
        return Cosignature(log.id, seen, (signer or log).key.sign_id(
            cosignature_id(s.net, closing_card.id, seen, result)))

    def certificate(signatures: list[Cosignature],
                    result: FloorResult = card_result) -> Signed:
        return founder.next("floor.certificate", FloorCertificate(
            ref(closing_card), result, signatures), **at(closing_card.ts + 2000))

    step("a certificate names second twice", certificate(
        [cosignature(second), cosignature(fourth), cosignature(second)]),
        "rejected", "bad_certificate")
    step("a certificate cites more of fourth's log than is written", certificate(
        [cosignature(second), cosignature(fourth, seen=fourth.seq + 1)]),
        "rejected", "missing_dependency")
    step("a certificate holds a cosignature signed by third's key in second's name",
         certificate([cosignature(founder), cosignature(second, signer=third),
                      cosignature(fourth)]), "rejected", "bad_cosignature")
    step("a certificate holds a cosignature of the right cut over another result",
         certificate([cosignature(founder), cosignature(second, FloorResult(1000, 0, 0, True)),
                      cosignature(fourth)]), "rejected", "bad_cosignature")
    step("a certificate holds fifth's cosignature; fifth has no credential", certificate(
        [cosignature(founder), cosignature(fifth), cosignature(fourth)]),
        "rejected", "not_participant")
    wrong = FloorResult(1000, 0, 0, True)
    step("a certificate whose every cosignature signs a result the votes contradict",
         certificate([cosignature(founder, wrong), cosignature(second, wrong),
                      cosignature(fourth, wrong)], wrong), "rejected", "wrong_result")
    step("the founder certifies the cosignatures of founder, second and fourth: 750 for, "
         "250 against, carried", certificate(
             [cosignature(founder), cosignature(second), cosignature(fourth)]))

    expected = [
        [hands.id, "carried", [3, 1, 0, True], closing.id,
         "F10: carried: the motion's text is now the amendment's"],
        [card.id, "carried", [750, 250, 0, True], closing_card.id,
         "F10: the motion is carried"],
    ]
    view = floor(s.state(), call.id)
    assert view is not None
    got = [[q.id, q.status, [q.result.for_, q.result.against, q.result.abstain,
                             q.result.carried] if q.result else None, q.cut, q.outcome]
           for q in view.questions]
    if got != expected:
        raise ValueError(f"floor: derived {got}, the vector says {expected}")
    s.derived = {"conference": call.id, "participants": sorted(
        logs[n].id for n in ("founder", "second", "third", "fourth")), "questions": expected}
    return s


def floor_elections() -> Scenario:
    """An election of the national committee on a conference's floor (SPEC 5.9.1): the
    nominations, the election, the rankings, the cut and the cosigns, and the seats they
    give, with the refusals of N1, N2, E1, E3 and E5."""
    s = _founded("floor_elections", "A first conference elects a three-seat national "
                 "committee, at least two seats for women, by STV on its floor: nominations "
                 "by the deadline, the chair's election, the delegates' rankings, a cut that "
                 "most participants cosign with whom the count elects; the seats that "
                 "follow; the refusals of each rule.")
    names = ("founder", "second", "third", "fourth", "fifth")
    logs = {name: s.log(name) for name in names}
    founder, second, third, fourth, fifth = (logs[n] for n in names)
    day, minute = DAY_MS, 60_000

    def at(ts: int) -> dict:
        s.clock = max(s.clock, ts)
        return {"ts": ts}

    def step(description: str, entry: Signed, status: str = "accepted",
             code: str | None = None) -> Signed:
        s.step(description, entry, status, code, now=entry.ts + 1000)
        return entry

    def ref(entry: Signed) -> EntryRef:
        return EntryRef(entry.author, entry.id, entry.seq)

    def witness_all(ts: int) -> None:
        for name, log in logs.items():
            heads = [Head(other.id, other.seq, other.prev) for other_name, other in logs.items()
                     if other_name != name and other.seq > 0]
            step(f"{name} witnesses the heads it holds", log.next(
                "heads.witness", Witness(heads), **at(ts)))

    seats = [Seat(body, logs[n].id, who, who.title())
             for body in ("arrangements-committee", "national-committee")
             for n, who in (("founder", "ann"), ("second", "bob"), ("third", "cat"))]
    bodies = [msgspec.structs.replace(b, seats=3, elected=True, balance="woman")
              if b.id == "national-committee" else b for b in default().bodies]
    step("the founder's constitution: the conference elects a three-seat national committee, "
         "at least two seats for women; Ann, Bob and Cat hold the interim seats",
         founder.next("network.constitution", _constitution(seats, T0 + 150 * day,
                                                             bodies=bodies),
                      **at(T0 + 2000)))
    for name in names[1:]:
        _admit(s, "founder", name)
    for name, members in zip(names, (300, 250, 500, 1000, 100), strict=True):
        step(f"{name} commits to {members} active members", logs[name].next(
            "register.commitment", RegisterCommitment(
                T0, members, hashlib.sha256(name.encode()).hexdigest()), **at(s.clock + 1000)))
    witness_all(T0 + HOUR_MS)
    opens = T0 + 60 * day
    call = step("fourth calls the first conference, opening on day 60", fourth.next(
        "conference.call", ConferenceCall("First conference", "first", opens,
                                          opens + 2 * day, None, None), **at(T0 + day)))
    witness_all(T0 + 2 * day)

    def nominate(log: Log, holder: str, category: str, ts: int,
                 body: str = "national-committee") -> Signed:
        return log.next("conference.nomination", ConferenceNomination(
            ref(call), body, holder, holder.title(), category), **at(ts))

    nominations = {}
    for i, (name, holder, category) in enumerate((
            ("founder", "ann", "woman"), ("founder", "al", ""), ("second", "bob", ""),
            ("third", "cat", "woman"), ("fourth", "dan", ""))):
        nominations[holder] = step(f"{name} nominates {holder.title()}", nominate(
            logs[name], holder, category, T0 + 3 * day + i * 1000))
    step("the founder nominates Ann again", nominate(founder, "ann", "woman", T0 + 3 * day
                                                      + 10_000), "rejected",
         "duplicate_nomination")
    step("second nominates Bob for the arrangements committee, which the conference does not "
         "elect", nominate(second, "bob", "", T0 + 3 * day + 10_000, "arrangements-committee"),
         "rejected", "not_elected")
    step("fifth nominates Eve after the deadline, day 46", nominate(
        fifth, "eve", "woman", opens - 14 * day + 1), "rejected", "late_nomination")
    witness_all(T0 + 4 * day)
    for i, (name, count) in enumerate((("founder", 1), ("second", 1), ("third", 2),
                                       ("fourth", 2))):
        step(f"{name} credentials {count} delegate(s)", logs[name].next(
            "delegate.credential", DelegateCredential(
                call.id, "election 1",
                [DelegateSeat(f"{name}-{d}", f"Delegate {d}") for d in range(count)], []),
            **at(T0 + 12 * day + i * 1000)))
    witness_all(T0 + 13 * day)
    witness_all(T0 + 54 * day)

    sitting = opens + HOUR_MS
    candidates = [ref(n) for n in nominations.values()]

    def elect(log: Log, seats: int) -> Signed:
        return log.next("floor.election", FloorElection(
            ref(call), "national-committee", seats, candidates, "hands", sitting,
            sitting + 30 * minute), **at(sitting))

    step("fifth, with no seat on the arrangements committee, puts an election", elect(
        fifth, 3), "rejected", "not_chair")
    step("the founder puts an election of four seats", elect(founder, 4), "rejected",
         "bad_election")
    election = step("the founder puts the election of the three seats, all five nominated",
                    elect(founder, 3))
    ids = {h: n.id for h, n in nominations.items()}

    def rank(log: Log, delegate: str, ranking: list[str], ts: int) -> Signed:
        return log.next("floor.ranking", FloorRanking(ref(election), delegate, ranking),
                        **at(ts))

    rankings = (("founder", "founder-0", ["al", "ann", "bob"]),
                ("second", "second-0", ["bob", "dan", "al"]),
                ("third", "third-0", ["dan", "al", "bob"]),
                ("third", "third-1", ["cat", "ann"]),
                ("fourth", "fourth-0", ["dan", "bob", "al"]),
                ("fourth", "fourth-1", ["al", "dan"]))
    step("second ranks the conference call", rank(
        second, "second-0", [call.id], sitting + minute - 2), "rejected", "not_candidate")
    step("fourth ranks Dan twice", rank(
        fourth, "fourth-1", [ids["dan"], ids["dan"]], sitting + minute - 1), "rejected",
        "bad_ranking")
    for i, (name, delegate, order) in enumerate(rankings):
        step(f"{delegate} ranks {', '.join(h.title() for h in order)}", rank(
            logs[name], delegate, [ids[h] for h in order], sitting + minute + i))
    step("second's delegate ranks again", rank(
        second, "second-0", [ids["ann"]], sitting + 2 * minute + 1), "rejected",
        "duplicate_vote")
    closes = sitting + 30 * minute
    heads = [Head(other.id, other.seq, other.prev) for other in logs.values()]
    closing = step("the founder cuts five seconds after the close", founder.next(
        "floor.cut", FloorCut(ref(election), heads), **at(closes + 5000)))
    state = s.state()
    count = state.rules(Elections).result_of(state, state.rules(Floor).cuts[closing.id])
    assert not isinstance(count, Rejection)
    elected = count.elected

    def cosign(log: Log, chosen: list[str]) -> Signed:
        return log.next("floor.elected", FloorElected(ref(closing), chosen),
                        **at(closing.ts + 1000))

    step("fifth, with no credential, cosigns", cosign(fifth, elected), "rejected",
         "not_participant")
    step("second cosigns the elected in another order", cosign(
        second, list(reversed(elected))), "rejected", "wrong_result")
    for log in (second, third, fourth):
        step(f"{log.name} cosigns the elected", cosign(log, elected))

    state = s.state()
    found = outcome(state, state.rules(Elections).elections[election.id])
    sitting_then = state.seating("national-committee", opens + 2 * day)
    assert found.status == "elected" and sitting_then is not None
    holders = {n.id: h for h, n in nominations.items()}
    s.derived = {
        "election": election.id, "status": found.status, "cut": found.cut,
        "elected": elected, "elected_holders": [holders[i] for i in elected],
        "stages": len(count.stages), "quota": str(count.quota),
        "seats": [[seat.group, seat.holder] for seat in sitting_then.seats],
        "since": sitting_then.since, "until": sitting_then.until,
    }
    return s


def rule_change_effect() -> Scenario:
    """A rule change carried on the floor takes effect at the conference's effect instant
    (C5.5–C5.8); another, short of two thirds, never does; a meeting is judged by the rules
    in force for its date, and one dated after the instant waits until it is decided."""
    s = _founded("rule_change_effect", "Two rule changes at a first conference: one short of "
                 "two thirds is lost and never in force; one carried on a card vote and "
                 "cosigned in time is in force for entries dated from the conference's close "
                 "plus a day (C5.5). A national committee meeting called before that instant "
                 "keeps the old seven days' notice; one dated after it waits "
                 "(missing_dependency, C5.8) until the network has passed the instant, then "
                 "passes on the new three days'.")
    names = ("founder", "second", "third", "fourth", "fifth")
    logs = {name: s.log(name) for name in names}
    founder, second, third, fourth, fifth = (logs[n] for n in names)
    day, minute = DAY_MS, 60_000

    def at(ts: int) -> dict:
        s.clock = max(s.clock, ts)
        return {"ts": ts}

    def step(description: str, entry: Signed, status: str = "accepted",
             code: str | None = None) -> Signed:
        s.step(description, entry, status, code, now=entry.ts + 1000)
        return entry

    def ref(entry: Signed) -> EntryRef:
        return EntryRef(entry.author, entry.id, entry.seq)

    def witness_all(ts: int, but: tuple[str, ...] = ()) -> None:
        for name, log in logs.items():
            if name in but:
                continue
            heads = [Head(other.id, other.seq, other.prev) for other_name, other in logs.items()
                     if other_name != name and other.seq > 0]
            step(f"{name} witnesses the heads it holds", log.next(
                "heads.witness", Witness(heads), **at(ts)))

    decided = Adoption("General meeting", "2026-01-20", Tally(20, 4, 1, 30))
    seats = [Seat(body, logs[n].id, who, who.title())
             for body in ("national-committee", "arrangements-committee")
             for n, who in (("founder", "ann"), ("second", "bob"), ("third", "cat"))]
    rules = default()
    step("the founder's constitution: the default; Ann, Bob and Cat sit on both committees",
         founder.next("network.constitution", NetworkConstitution(
             rules, seats, T0 + 150 * day), **at(T0 + 2000)))
    for name in names[1:]:
        _admit(s, "founder", name)
    for name, members in zip(names, (300, 250, 500, 1000, 100), strict=True):
        step(f"{name} commits to {members} active members", logs[name].next(
            "register.commitment", RegisterCommitment(
                T0, members, hashlib.sha256(name.encode()).hexdigest()), **at(s.clock + 1000)))
    witness_all(T0 + HOUR_MS)
    opens = T0 + 60 * day
    closes = opens + 2 * day
    instant = closes + day  # C5.5: the conference's effect instant
    call = step("fourth calls the first conference, opening on day 60 and closing on day 62",
                fourth.next("conference.call", ConferenceCall(
                    "First conference", "first", opens, closes, None, None), **at(T0 + day)))
    short = msgspec.structs.replace(rules, bodies=[
        msgspec.structs.replace(b, notice_days=3) if b.id == "national-committee" else b
        for b in rules.bodies])
    fewer = msgspec.structs.replace(rules, conference=msgspec.structs.replace(
        rules.conference, max_delegates=4))
    notice = step("second proposes that the national committee meet on three days' notice",
                  second.next("conference.rule_change", ConferenceRuleChange(
                      ref(call), "Quicker committee meetings", short, "Seven days is slow",
                      decided), **at(T0 + 2 * day)))
    delegates = step("third proposes four delegates a group at most", third.next(
        "conference.rule_change", ConferenceRuleChange(
            ref(call), "Smaller delegations", fewer, "Cheaper conferences", decided),
        **at(T0 + 2 * day)))
    witness_all(T0 + 3 * day)  # both within the rule changes' notice (day 4)
    for i, (name, count) in enumerate((("founder", 1), ("second", 1), ("third", 2),
                                       ("fourth", 2))):
        step(f"{name} credentials {count} delegate(s)", logs[name].next(
            "delegate.credential", DelegateCredential(
                call.id, "election 1",
                [DelegateSeat(f"{name}-{d}", f"Delegate {d}") for d in range(count)], []),
            **at(T0 + 12 * day + i * 1000)))
    witness_all(T0 + 13 * day)
    witness_all(T0 + 54 * day)  # past the final agenda time (day 53)

    sitting = opens + HOUR_MS

    def put(item: str, text: str, start: int) -> Signed:
        return founder.next("floor.open", FloorOpen(
            ref(call), item, "rule-change", text, "card", [], "two-thirds", start,
            start + 10 * minute), **at(start))

    def vote(log: Log, question: Signed, delegate: str, choice: str) -> Signed:
        return log.next("floor.vote", FloorVote(ref(question), delegate, choice),
                        **at(question.body.opens + minute))  # type: ignore[attr-defined]

    def close(question: Signed, result: FloorResult) -> Signed:
        heads = [Head(other.id, other.seq, other.prev) for other in logs.values()]
        cut = step("the founder cuts five seconds after the close", founder.next(
            "floor.cut", FloorCut(ref(question), heads),
            **at(question.body.closes + 5000)))  # type: ignore[attr-defined]
        for log in (founder, second, fourth):
            step(f"{log.name} cosigns the result", log.next(
                "floor.cosign", FloorCosign(ref(cut), result), **at(cut.ts + 1000)))
        return cut

    lost = step("the founder puts four delegates a group to a card vote", put(
        delegates.id, "Smaller delegations", sitting))
    # second 250, third 500 (two delegates, 250 each), fourth 500 of its 1000: 750 for,
    # 500 against, short of two thirds (C5.4)
    for log, delegate, choice in ((second, "second-0", "for"), (third, "third-0", "for"),
                                  (third, "third-1", "for"), (fourth, "fourth-0", "against")):
        step(f"{delegate} votes {choice}", vote(log, lost, delegate, choice))
    lost_cut = close(lost, FloorResult(750, 500, 0, False))
    carried = step("the founder puts three days' notice to a card vote", put(
        notice.id, "Quicker committee meetings", sitting + HOUR_MS))
    for log, delegate, choice in ((founder, "founder-0", "for"), (second, "second-0", "for"),
                                  (fourth, "fourth-0", "for"), (fourth, "fourth-1", "for"),
                                  (third, "third-0", "against")):
        step(f"{delegate} votes {choice}", vote(log, carried, delegate, choice))
    carried_cut = close(carried, FloorResult(1550, 250, 0, True))
    witness_all(closes - HOUR_MS)  # the cosigns, witnessed before the instant

    def meeting(log: Log, called: int, notice_days: int) -> Signed:
        starts = called + notice_days * day
        return log.next("body.meeting", BodyMeeting(
            "national-committee", "Statement", starts, starts + HOUR_MS,
            [BodyItem("statement", "We stand together.", "", [], None, "")]), **at(called))

    step("third calls the national committee two hours before the instant with four days' "
         "notice: the old rules need seven", meeting(third, instant - 2 * HOUR_MS, 4),
         "rejected", "short_notice")
    early = meeting(second, instant + HOUR_MS, 4)
    step("second calls it an hour after the instant with four days' notice, before the "
         "network has passed the instant: undecided, it waits (C5.8)", early, "rejected",
         "missing_dependency")
    witness_all(instant + 30 * minute, but=("second",))
    step("second's meeting again: the change is in force from the instant, three days "
         "suffice", early)
    step("third calls it with two days' notice after the instant: the new rules need three",
         meeting(third, instant + 2 * HOUR_MS, 2), "rejected", "short_notice")

    state = s.state()
    history = state.constitution_history()
    got = {
        "questions": [[q.id, q.status] for q in floor(state, call.id).questions],  # type: ignore[union-attr]
        "outcomes": [[o.conference, o.rule_change, o.status, o.since]
                     for o in history.outcomes],
        "versions": [[v.source, v.entry, v.since, v.vote, v.cut] for v in history.versions],
    }
    expected = {
        "questions": [[lost.id, "lost"], [carried.id, "carried"]],
        "outcomes": [[call.id, notice.id, "in force", instant]],
        "versions": [["founding", s.accepted[1].id, None, None, None],
                     ["conference", notice.id, instant, carried.id, carried_cut.id]],
    }
    if got != expected:
        raise ValueError(f"rule_change_effect: derived {got}, the vector says {expected}")
    if state.summary().get("constitution_in_force") != notice.id:
        raise ValueError("rule_change_effect: the summary names another constitution")
    del lost_cut
    s.derived = {"conference": call.id, "effect_instant": instant, **expected}
    return s


def rule_change_ratification() -> Scenario:
    """A rule change carried on the floor under a constitution that asks the members to
    ratify (C5.6): it waits for a ballot, and takes effect from the ballot's instant."""
    s = _founded("rule_change_ratification", "Under a constitution with ballot ratification, "
                 "a rule change carried on the floor waits (awaiting ballot: a meeting after "
                 "the conference still has the old notice); the national committee calls a "
                 "member ballot naming it; the members carry it at two thirds; a meeting dated "
                 "after the ballot's close plus a week waits while the ballot is counted "
                 "(missing_dependency, C5.8), then passes on the new notice (C5.6).")
    names = ("founder", "second", "third", "fourth")
    logs = {name: s.log(name) for name in names}
    founder, second, third, fourth = (logs[n] for n in names)
    day, minute = DAY_MS, 60_000

    def at(ts: int) -> dict:
        s.clock = max(s.clock, ts)
        return {"ts": ts}

    def step(description: str, entry: Signed, status: str = "accepted",
             code: str | None = None) -> Signed:
        s.step(description, entry, status, code, now=entry.ts + 1000)
        return entry

    def ref(entry: Signed) -> EntryRef:
        return EntryRef(entry.author, entry.id, entry.seq)

    def witness_all(ts: int, but: tuple[str, ...] = ()) -> None:
        for name, log in logs.items():
            if name in but:
                continue
            heads = [Head(other.id, other.seq, other.prev) for other_name, other in logs.items()
                     if other_name != name and other.seq > 0]
            step(f"{name} witnesses the heads it holds", log.next(
                "heads.witness", Witness(heads), **at(ts)))

    decided = Adoption("General meeting", "2026-01-20", Tally(20, 4, 1, 30))
    seats = [Seat(body, logs[n].id, who, who.title())
             for body in ("national-committee", "arrangements-committee")
             for n, who in (("founder", "ann"), ("second", "bob"), ("third", "cat"))]
    base = default()
    committee = msgspec.structs.replace(base.bodies[0], powers=[*base.bodies[0].powers,
                                                                "call-ballot"])
    rules = msgspec.structs.replace(
        base, bodies=[committee, *base.bodies[1:]],
        amendments=msgspec.structs.replace(base.amendments, ballot_ratification=True))
    step("the founder's constitution: rule changes need the members' ratification; the "
         "national committee may call ballots", founder.next(
             "network.constitution", NetworkConstitution(rules, seats, T0 + 150 * day),
             **at(T0 + 2000)))
    for name in names[1:]:
        _admit(s, "founder", name)
    for name, members in zip(names, (300, 250, 500, 1000), strict=True):
        step(f"{name} commits to {members} active members", logs[name].next(
            "register.commitment", RegisterCommitment(
                T0, members, hashlib.sha256(name.encode()).hexdigest()), **at(s.clock + 1000)))
    witness_all(T0 + HOUR_MS)
    opens = T0 + 60 * day
    closes = opens + 2 * day
    call = step("fourth calls the first conference, opening on day 60 and closing on day 62",
                fourth.next("conference.call", ConferenceCall(
                    "First conference", "first", opens, closes, None, None), **at(T0 + day)))
    short = msgspec.structs.replace(rules, bodies=[
        msgspec.structs.replace(b, notice_days=3) if b.id == "national-committee" else b
        for b in rules.bodies])
    proposal = step("second proposes that the national committee meet on three days' notice",
                    second.next("conference.rule_change", ConferenceRuleChange(
                        ref(call), "Quicker committee meetings", short, "Seven days is slow",
                        decided), **at(T0 + 2 * day)))
    witness_all(T0 + 3 * day)
    for i, (name, count) in enumerate((("founder", 1), ("second", 1), ("third", 2),
                                       ("fourth", 2))):
        step(f"{name} credentials {count} delegate(s)", logs[name].next(
            "delegate.credential", DelegateCredential(
                call.id, "election 1",
                [DelegateSeat(f"{name}-{d}", f"Delegate {d}") for d in range(count)], []),
            **at(T0 + 12 * day + i * 1000)))
    witness_all(T0 + 13 * day)
    witness_all(T0 + 54 * day)  # past the final agenda time (day 53)

    sitting = opens + HOUR_MS
    carried = step("the founder puts three days' notice to a card vote", founder.next(
        "floor.open", FloorOpen(ref(call), proposal.id, "rule-change",
                                "Quicker committee meetings", "card", [], "two-thirds",
                                sitting, sitting + 10 * minute), **at(sitting)))
    for log, delegate, choice in ((founder, "founder-0", "for"), (second, "second-0", "for"),
                                  (fourth, "fourth-0", "for"), (fourth, "fourth-1", "for"),
                                  (third, "third-0", "against")):
        step(f"{delegate} votes {choice}", log.next(
            "floor.vote", FloorVote(ref(carried), delegate, choice), **at(sitting + minute)))
    heads = [Head(other.id, other.seq, other.prev) for other in logs.values()]
    cut = step("the founder cuts after the close", founder.next(
        "floor.cut", FloorCut(ref(carried), heads), **at(sitting + 10 * minute + 5000)))
    for log in (founder, second, fourth):
        step(f"{log.name} cosigns 1550 for, 250 against, carried", log.next(
            "floor.cosign", FloorCosign(ref(cut), FloorResult(1550, 250, 0, True)),
            **at(cut.ts + 1000)))
    witness_all(closes - HOUR_MS)
    instant = closes + day

    def meeting(log: Log, called: int, notice_days: int, *items: BodyItem,
                title: str = "Statement") -> Signed:
        starts = called + notice_days * day
        return log.next("body.meeting", BodyMeeting(
            "national-committee", title, starts, starts + HOUR_MS,
            list(items) or [BodyItem("statement", "We stand together.", "", [], None, "")]),
            **at(called))

    witness_all(instant + HOUR_MS)  # past the conference's instant: the change awaits a ballot
    step("third calls the national committee with four days' notice after the conference's "
         "instant: still the old seven days, the change awaits its ballot",
         meeting(third, instant + 2 * HOUR_MS, 4), "rejected", "short_notice")

    # the national committee calls a member ballot naming the rule change (C5.6)
    ballot_opens, ballot_closes = T0 + 80 * day, T0 + 94 * day
    called = step("the founder calls the national committee to call a ballot on it", meeting(
        founder, instant + 4 * HOUR_MS, 8, BodyItem(
            "call-ballot", "Ratify the quicker committee meetings", "", [proposal.id],
            ballot_opens, ""), title="Ratification"))
    witness_all(instant + 5 * HOUR_MS)
    held = called.body.opens  # type: ignore[attr-defined]
    for log, holder in ((second, "bob"), (third, "cat")):
        step(f"{holder} votes for the call", log.next("body.vote", BodyVote(
            ref(called), 0, holder, "for"), **at(held + 30 * minute)))
    witness_all(held + 45 * minute)  # the votes, witnessed before the meeting closes
    witness_all(held + 2 * HOUR_MS)  # past the close: carried
    question = BallotQuestion("Ratify the quicker committee meetings?",
                              ["Yes", "No", "Abstain"], 1, 1)
    trustees = [founder.id, second.id, third.id]
    ballot = step("the founder calls the ballot: keys by day 73, deals by 74, extractions by "
                  "75, voting from day 80 to day 94", founder.next("ballot.call", BallotCall(
                      "Ratification", "amend-constitution", DecisionRef(ref(called), 0),
                      [question], trustees, 2, T0 + 73 * day, T0 + 74 * day, T0 + 75 * day,
                      ballot_opens, ballot_closes), **at(T0 + 72 * day)))
    bref = ref(ballot)
    election_id = bytes.fromhex(ballot.id)
    trustee_logs = {1: founder, 2: second, 3: third}
    secrets = {}
    for j, log in trustee_logs.items():
        secret, key = keygen.trustee_key(_ballot_seed(f"ratify trustee {j}"))
        secrets[j] = secret
        step(f"trustee {j}'s key", log.next("ballot.trustee_key", BallotTrusteeKey(
            bref, key.hex(), keygen.key_proof(election_id, j, secret, _ballot_seed(
                f"ratify proof {j}")).hex()), **at(T0 + 72 * day + HOUR_MS)))
    witness_all(T0 + 72 * day + 2 * HOUR_MS)
    ceremony = keygen.Ceremony(election_id, 2, tuple(
        keygen.trustee_key(_ballot_seed(f"ratify trustee {j}"))[1] for j in (1, 2, 3)))
    deals = {}
    for j, log in trustee_logs.items():
        data = keygen.deal(ceremony, j, secrets[j], _ballot_seed(f"ratify deal {j}"))
        deals[j] = keygen.read_deal(ceremony, j, data)
        step(f"trustee {j}'s deal", log.next("ballot.deal", BallotDeal(bref, data.hex()),
                                             **at(T0 + 72 * day + 3 * HOUR_MS)))
    witness_all(T0 + 72 * day + 4 * HOUR_MS)
    witness_all(T0 + 74 * day + 30 * minute)  # past the deals' deadline
    for j, log in trustee_logs.items():
        step(f"trustee {j}'s extraction", log.next("ballot.extract", BallotExtract(
            bref, keygen.extract(ceremony, secrets[j], _ballot_seed(
                f"ratify deal {j}")).hex()), **at(T0 + 74 * day + HOUR_MS)))
    witness_all(T0 + 74 * day + 2 * HOUR_MS)
    witness_all(T0 + 75 * day + HOUR_MS)  # past the extractions' deadline
    credentials = {name: ballots_ballot.credential(_ballot_seed(f"ratify member {name}"))
                   for name in ("alice", "bob", "carol")}
    step("the founder's group lists two members' credentials", founder.next(
        "ballot.credentials", BallotCredentials(bref, sorted(
            credentials[n][1].hex() for n in ("alice", "bob"))), **at(T0 + 76 * day)))
    step("the second group lists one", second.next(
        "ballot.credentials", BallotCredentials(bref, [credentials["carol"][1].hex()]),
        **at(T0 + 76 * day)))
    witness_all(T0 + 76 * day + HOUR_MS)
    witness_all(ballot_opens + 30 * minute)  # past the opening
    state = s.state()
    key = state.rules(Ballots).key(state, ballot.id)
    election = ballots_election(ballot.id, ballot.body, key.public_key)  # type: ignore[arg-type]
    for log, name, marks in ((founder, "alice", [1, 0, 0]), (founder, "bob", [1, 0, 0]),
                             (second, "carol", [0, 1, 0])):
        cast = ballots_ballot.cast(election, credentials[name][0], [marks],
                                   _ballot_seed(f"ratify vote {name}"))
        step(f"{name}'s ballot, written by her group's node" if name != "bob" else
             "bob's ballot", log.next("ballot.cast", BallotCast(bref, cast.hex()),  # type: ignore[union-attr]
                                      **at(ballot_opens + HOUR_MS)))
    witness_all(ballot_opens + 2 * HOUR_MS)
    witness_all(ballot_closes + 30 * minute)  # past the close
    ballot_cut = step("the founder's node cuts after the close", founder.next(
        "ballot.cut", BallotCut(bref, [Head(founder.id, founder.seq, founder.prev),  # type: ignore[arg-type]
                                       Head(second.id, second.seq, second.prev)]),  # type: ignore[arg-type]
        **at(ballot_closes + HOUR_MS)))
    cref = ref(ballot_cut)
    state = s.state()
    rules_now = state.rules(Ballots)
    held_cut = rules_now.cuts[ballot_cut.id]
    totals_hash = rules_now.totals_hash(state, held_cut)
    for log in (founder, second):
        step(f"{log.name} cosigns the cut", log.next("ballot.cosign", BallotCosign(
            cref, totals_hash), **at(ballot_closes + 2 * HOUR_MS)))
    witness_all(ballot_closes + 3 * HOUR_MS, but=("third",))
    ratified_at = ballot_closes + 7 * day  # C5.6: the ballot's instant
    waits = meeting(third, ratified_at + 2 * HOUR_MS, 4)
    step("third calls the national committee with four days' notice after the ballot's "
         "instant while the ballot is still being counted: it waits (C5.8)", waits,
         "rejected", "missing_dependency")
    network_totals = rules_now.cut_totals(state, held_cut)[""]
    shares = {j: keygen.secret_share({i: keygen.open_share(  # type: ignore[index]
        ceremony, deals[i], i, j, secrets[j])[0] for i in (1, 2, 3)}) for j in (1, 2)}
    for j in (1, 2):
        step(f"trustee {j}'s partial decryption", trustee_logs[j].next(
            "ballot.partial", BallotPartial(cref, None, tally.decrypt_share(
                election, network_totals, j, shares[j], _ballot_seed(
                    f"ratify partial {j}")).hex()), **at(ballot_closes + 4 * HOUR_MS)))
    step("third's meeting again: counted, 2 for and 1 against, the members ratified it; "
         "three days' notice suffice from the ballot's instant", waits)

    state = s.state()
    history = state.constitution_history()
    result = state.rules(Ballots).result(state, ballot.id)
    got = {
        "ballot": [ballot.id, result.status, result.counts],
        "outcomes": [[o.conference, o.rule_change, o.status, o.since]
                     for o in history.outcomes],
        "versions": [[v.source, v.entry, v.since, v.vote, v.cut, v.ballot]
                     for v in history.versions],
    }
    expected = {
        "ballot": [ballot.id, "counted", [[2, 1, 0]]],
        "outcomes": [[call.id, proposal.id, "in force", ratified_at]],
        "versions": [["founding", s.accepted[1].id, None, None, None, None],
                     ["ballot", proposal.id, ratified_at, carried.id, cut.id, ballot.id]],
    }
    if got != expected:
        raise ValueError(f"rule_change_ratification: derived {got}, the vector says "
                         f"{expected}")
    s.derived = {"conference": call.id, "effect_instant": ratified_at, **expected}
    return s


def _constitution(seats: list[Seat], until: int, **changes: object) -> NetworkConstitution:
    """The default constitution, written out, with `changes` to its parts."""
    return NetworkConstitution(msgspec.structs.replace(default(), **changes), seats, until)


def constitution() -> Scenario:
    s = _founded("constitution", "The founder's network.constitution, right after the charter: "
                 "the default constitution written out, with interim members (C1, C7); "
                 "constitutions that break entrenched provisions (E1-E7) and the other "
                 "refusals.")
    founder, second = s.log("founder"), s.log("second")
    seats = [Seat("national-committee", founder.id, "nc-1", "A. Founder"),
             Seat("national-committee", second.id, "nc-2", "B. Second"),
             Seat("arrangements-committee", second.id, "cac-1", "C. Second")]
    term = 120 * DAY_MS
    committee, arrangements = default().bodies
    coup = msgspec.structs.replace(
        committee, powers=["call-conference", "adopt-constitution", "wind-up-body",
                           "no-motions"])
    s.step("a constitution whose committee may adopt a constitution, wind up a body and rule "
           "that a conference consider no motions, amended by a bare majority: refused, "
           "citing the first provision it breaks (E1; also E2, E4, E5)", founder.next(
               "network.constitution", _constitution(
                   [], s.clock + 1000, bodies=[coup, arrangements],
                   amendments=AmendmentRules(0, 0, [1, 2], False))),
           "rejected", "entrenched")
    s.step("a constitution whose committee meets without notice and needs a tenth of its "
           "seats: E7", founder.next("network.constitution", _constitution(
               [], s.clock + 1000, bodies=[msgspec.structs.replace(
                   committee, notice_days=0, quorum_percent=10), arrangements])),
           "rejected", "entrenched")
    s.step("a constitution with other standing orders than the charter's (C1)", founder.next(
        "network.constitution", _constitution(
            [], s.clock + 1000,
            standing_orders=NetworkStandingOrders(admission_approvals=2))),
        "rejected", "bad_constitution")
    s.step("a body given a power no body can hold (C2)", founder.next(
        "network.constitution", _constitution([], s.clock + 1000, bodies=[
            msgspec.structs.replace(committee, powers=["call-conference", "spend-funds"]),
            arrangements])), "rejected", "bad_constitution")
    s.step("interim members serving 184 days, beyond interim_max_days = 183 (C7)",
           founder.next("network.constitution", _constitution(
               seats, s.clock + 1000 + 184 * DAY_MS)), "rejected", "bad_interim")
    s.step("an interim member on a body the constitution does not have (C7)", founder.next(
        "network.constitution", _constitution(
            [Seat("steering-committee", founder.id, "sc-1", "J. Founder")],
            s.clock + 1000 + term)), "rejected", "unknown_body")
    s.step("six interim members on the five-seat arrangements committee (C7)", founder.next(
        "network.constitution", _constitution(
            [Seat("arrangements-committee", founder.id, f"cac-{i}", f"Member {i}")
             for i in range(6)], s.clock + 1000 + term)), "rejected", "bad_interim")
    s.step("the founder's constitution: the default written out, two interim members on "
           "the national committee (one of a group not yet admitted) and one on the "
           "arrangements committee, for 120 days", founder.next(
               "network.constitution", _constitution(seats, s.clock + 1000 + term)),
           "accepted")
    s.step("a second constitution by the founder (C1)", founder.next(
        "network.constitution", _constitution(seats, s.clock + 1000 + term)),
        "rejected", "constitution_exists")
    _admit(s, "founder", "second")
    s.step("a constitution by an admitted node that is not the founder (C1)", second.next(
        "network.constitution", _constitution(seats, s.clock + 1000 + term)),
        "rejected", "not_founder")
    return s


def constitution_closed() -> Scenario:
    s = _founded("constitution_closed", "A founding constitution comes before the founder "
                 "approves any other node (C1).")
    _admit(s, "founder", "second")
    s.step("the founder's constitution after it admitted a node", s.log("founder").next(
        "network.constitution", _constitution([], s.clock + 1000)),
        "rejected", "constitution_closed")
    s.step("the network keeps the default constitution; its members write as before",
           s.log("second").next("group.profile", _profile("second")), "accepted")
    return s



def body_meetings() -> Scenario:
    s = _founded("body_meetings", "Meetings of the network's bodies and their votes (SPEC 5.7, "
                 "B1-B3, V1-V2): who calls, notice, powers, the entrenched provisions, terms; "
                 "who votes, once, while the meeting is open.")
    founder, second, third = s.log("founder"), s.log("second"), s.log("third")
    term_end = T0 + 30 * DAY_MS
    seats = [Seat("national-committee", founder.id, "nc-1", "A. Founder"),
             Seat("national-committee", second.id, "nc-2", "B. Second"),
             Seat("arrangements-committee", second.id, "cac-1", "C. Second")]
    s.step("the founder's constitution: the default, three interim seats for 30 days",
           founder.next("network.constitution", NetworkConstitution(default(), seats,
                                                                    term_end)), "accepted")
    _admit(s, "founder", "second")
    _admit(s, "founder", "third")
    opens = T0 + 8 * DAY_MS
    week = 7 * DAY_MS

    def call(log: Log, items: list[BodyItem], body: str = "national-committee",
             at: int = opens, until: int | None = None, ts: int | None = None) -> Signed:
        return log.next("body.meeting", BodyMeeting(body, "Meeting", at, until or at + HOUR_MS,
                                                    items), ts=ts)

    def item(action: str, **fields: object) -> BodyItem:
        return BodyItem(action, fields.get("text", ""), "", fields.get("refs", []),
                        fields.get("opens"), fields.get("provision", ""))  # type: ignore[arg-type]

    statement = item("statement", text="The network supports the strike.")
    s.step("a group holding no seat calls the national committee (B1)",
           call(third, [statement]), "rejected", "not_seated")
    s.step("a meeting of a body the constitution does not have (B1)",
           call(founder, [statement], body="steering-committee"), "rejected", "unknown_body")
    s.step("a meeting that closes before it opens (B2)",
           call(founder, [statement], until=opens - 1), "rejected", "bad_meeting")
    s.step("a meeting opening an hour after it is called, with 7 days' notice due (B2)",
           call(founder, [statement], at=s.clock + 1000 + HOUR_MS), "rejected",
           "short_notice")
    s.step("winding up the arrangements committee: E2", call(founder, [
        statement, item("wind-up-body", text="The arrangements committee.")]),
        "rejected", "entrenched")
    s.step("adopting a constitution: E1", call(founder, [item("adopt-constitution")]),
           "rejected", "entrenched")
    s.step("ruling that a conference consider no motions: E4",
           call(founder, [item("no-motions")]), "rejected", "entrenched")
    s.step("a power the constitution does not give the national committee (C2)",
           call(founder, [item("rule-out", provision="C4.1")]), "rejected", "not_empowered")
    s.step("a call of the conference that names no opening (B3)",
           call(founder, [item("call-conference")]), "rejected", "bad_item")
    s.step("a ruling citing no admissibility provision (B3)", call(
        second, [item("rule-out", provision="C9", refs=["ab" * 32])],
        body="arrangements-committee", at=s.clock + 1000 + 2 * DAY_MS), "rejected",
        "bad_provision")
    meeting = call(founder, [statement, item("call-conference", opens=T0 + 90 * DAY_MS)])
    s.step("a meeting with 8 days' notice, a statement and a call of the conference",
           meeting, "accepted")
    ref = EntryRef(founder.id, meeting.id, founder.seq)
    during = opens + 60_000
    s.step("a vote before the meeting opens (V2)", second.next(
        "body.vote", BodyVote(ref, 0, "nc-2", "for")), "rejected", "outside_meeting")
    s.step("a vote citing the caller's log beyond what is held (V1)", second.next(
        "body.vote", BodyVote(EntryRef(founder.id, meeting.id, founder.seq + 5), 0, "nc-2",
                              "for"), ts=during), "rejected", "missing_dependency",
           now=during)
    s.step("a vote naming an entry that is no meeting (V1)", second.next(
        "body.vote", BodyVote(EntryRef(founder.id, s.accepted[1].id, founder.seq), 0, "nc-2",
                              "for"), ts=during), "rejected", "unknown_meeting", now=during)
    s.step("a vote on an item the meeting does not have (V1)", second.next(
        "body.vote", BodyVote(ref, 2, "nc-2", "for"), ts=during), "rejected", "bad_item",
        now=during)
    s.step("a group voting for a seat another group holds (V2)", second.next(
        "body.vote", BodyVote(ref, 0, "nc-1", "for"), ts=during), "rejected", "not_seated",
        now=during)
    s.step("the seat holder's group votes while the meeting is open", second.next(
        "body.vote", BodyVote(ref, 0, "nc-2", "for"), ts=during), "accepted", now=during)
    s.step("the same seat votes again on the item (V2)", second.next(
        "body.vote", BodyVote(ref, 0, "nc-2", "against"), ts=during + 1000), "rejected",
        "duplicate_vote", now=during)
    s.step("the same seat votes on the other item", second.next(
        "body.vote", BodyVote(ref, 1, "nc-2", "for"), ts=during + 1000), "accepted",
        now=during)
    s.step("a vote after the meeting closed (V2)", founder.next(
        "body.vote", BodyVote(ref, 0, "nc-1", "for"), ts=opens + 2 * HOUR_MS), "rejected",
        "outside_meeting", now=opens + 2 * HOUR_MS)
    after = term_end + DAY_MS
    s.step("a statement called after the interim term ended (B3)", call(
        founder, [statement], at=after + week + HOUR_MS, ts=after), "rejected",
        "term_expired", now=after)
    s.step("as caretaker, the committee may still call the conference", call(
        founder, [item("call-conference", opens=after + 60 * DAY_MS)],
        at=after + week + HOUR_MS, ts=after), "accepted", now=after)
    return s


def _ballot_seed(label: str) -> bytes:
    return hashlib.sha256(b"groupnet/v1/test-vector-ballot-entries\n" + label.encode()).digest()


def ballot_entries() -> Scenario:
    s = _founded("ballot_entries", "A member ballot across the network (SPEC 5.10, BL1-BL8): "
                 "called by a carried call-ballot decision, three trustees make the key, two "
                 "groups list credentials, members vote (one replaces a vote), a cut after the "
                 "close is cosigned by both participants, two trustees decrypt; with the "
                 "refusals of every rule.")
    founder, second, third, fourth = (s.log(n) for n in ("founder", "second", "third",
                                                          "fourth"))
    seats = [Seat("national-committee", founder.id, "nc-1", "A. Founder"),
             Seat("national-committee", second.id, "nc-2", "B. Second")]
    rules = default()
    committee = msgspec.structs.replace(rules.bodies[0], powers=[*rules.bodies[0].powers,
                                                                  "call-ballot"])
    constitution = msgspec.structs.replace(rules, bodies=[committee, *rules.bodies[1:]])
    s.step("the founder's constitution: the national committee may call member ballots",
           founder.next("network.constitution", NetworkConstitution(
               constitution, seats, T0 + 100 * DAY_MS)), "accepted")
    for name in ("second", "third", "fourth"):
        _admit(s, "founder", name)
    s.step("the founder's group commits two active members", founder.next(
        "register.commitment", RegisterCommitment(s.clock, 2, "ab" * 32)), "accepted")
    s.step("the second group commits one", second.next(
        "register.commitment", RegisterCommitment(s.clock, 1, "cd" * 32)), "accepted")
    s.step("the fourth group commits one", fourth.next(
        "register.commitment", RegisterCommitment(s.clock, 1, "ef" * 32)), "accepted")
    opens, closes = T0 + 30 * DAY_MS, T0 + 44 * DAY_MS
    meeting_at = T0 + 8 * DAY_MS
    meeting = founder.next("body.meeting", BodyMeeting(
        "national-committee", "Meeting", meeting_at, meeting_at + HOUR_MS,
        [BodyItem("call-ballot", "Ratify the rule change by a member ballot.", "", [], opens,
                  "")]))
    s.step("the national committee meets to call a ballot", meeting, "accepted")
    ref = EntryRef(founder.id, meeting.id, founder.seq)
    s.clock = meeting_at + 60_000
    s.step("a seat votes for the call", second.next(
        "body.vote", BodyVote(ref, 0, "nc-2", "for")), "accepted", now=s.clock)
    s.clock = meeting_at + 2 * HOUR_MS
    authority = DecisionRef(ref, 0)
    question = BallotQuestion("Ratify the rule change?", ["Yes", "No", "Abstain"], 1, 1)
    trustees = [founder.id, second.id, third.id]

    def call(**changes: object) -> Signed:
        body = BallotCall("Ratification", "amend-constitution", authority, [question],
                          trustees, 2, T0 + 10 * DAY_MS, T0 + 11 * DAY_MS, T0 + 12 * DAY_MS,
                          opens, closes)
        return founder.next("ballot.call", msgspec.structs.replace(body, **changes))

    now = s.clock + 1000
    s.step("a ballot on a decision the constitution does not give ballots (C6)",
           call(decision="dissolve-network"), "rejected", "not_empowered", now=now)
    s.step("a window shorter than the constitution's 14 days (BL2)",
           call(closes=opens + DAY_MS), "rejected", "short_window", now=now)
    s.step("trustees from two groups only, threshold 2 of 2 (BL3)",
           call(trustees=trustees[:2] + [trustees[0]]), "rejected", "bad_trustees", now=now)
    s.step("a ballot opening other than when the decision says (BL1)",
           call(opens=opens + DAY_MS, closes=closes + DAY_MS), "rejected", "bad_ballot",
           now=now)
    ballot = call()
    s.step("the ballot, called on the carried decision", ballot, "accepted", now=now)
    s.step("a second call on the same decision, closing a week later (BL2)",
           call(closes=closes + 7 * DAY_MS), "rejected", "already_called", now=now)
    bref = EntryRef(founder.id, ballot.id, founder.seq)
    election_id = bytes.fromhex(ballot.id)
    secrets = {}
    logs = {1: founder, 2: second, 3: third}
    for j, log in logs.items():
        secret, key = keygen.trustee_key(_ballot_seed(f"trustee {j}"))
        secrets[j] = secret
        proof = keygen.key_proof(election_id, j, secret, _ballot_seed(f"proof {j}"))
        if j == 2:
            s.step("a trustee key whose proof was made for another trustee number (6.1)",
                   log.next("ballot.trustee_key", BallotTrusteeKey(
                       bref, key.hex(), keygen.key_proof(election_id, 1, secret,
                                                         _ballot_seed("x")).hex())),
                   "rejected", "bad_ceremony", now=s.clock)
        s.step(f"trustee {j}'s key and proof", log.next("ballot.trustee_key", BallotTrusteeKey(
            bref, key.hex(), proof.hex())), "accepted", now=s.clock)
    s.step("a group that is no trustee publishes a key (BL4)", fourth.next(
        "ballot.trustee_key", BallotTrusteeKey(bref, "e2" * 32, "00" * 64)), "rejected",
        "not_trustee", now=s.clock)
    ceremony = keygen.Ceremony(election_id, 2, tuple(
        keygen.trustee_key(_ballot_seed(f"trustee {j}"))[1] for j in (1, 2, 3)))
    deal_refs = {}
    deals = {}
    for j, log in logs.items():
        data = keygen.deal(ceremony, j, secrets[j], _ballot_seed(f"deal {j}"))
        deals[j] = keygen.read_deal(ceremony, j, data)
        entry = log.next("ballot.deal", BallotDeal(bref, data.hex()))
        s.step(f"trustee {j}'s deal", entry, "accepted", now=s.clock)
        deal_refs[j] = EntryRef(log.id, entry.id, log.seq)
    s.step("trustee 3 complains falsely against trustee 1's good deal (6.3)", third.next(
        "ballot.complaint", BallotComplaint(deal_refs[1], keygen.complain(
            ceremony, deals[1], 1, 3, secrets[3], _ballot_seed("complaint")).hex())),
        "rejected", "false_complaint", now=s.clock)
    s.step("an extraction of the wrong length (6.5)", third.next(
        "ballot.extract", BallotExtract(bref, "00" * 31)), "rejected", "bad_extract",
        now=s.clock)
    s.clock = T0 + 11 * DAY_MS + HOUR_MS
    for j, log in logs.items():
        s.step(f"trustee {j}'s extraction, after the deals' deadline", log.next(
            "ballot.extract", BallotExtract(bref, keygen.extract(
                ceremony, secrets[j], _ballot_seed(f"deal {j}")).hex())), "accepted",
            now=s.clock)
    s.clock = T0 + 13 * DAY_MS
    credentials = {name: ballots_ballot.credential(_ballot_seed(f"member {name}"))
                   for name in ("alice", "bob", "carol", "dave", "erin", "frank")}

    def listed(*names: str) -> list[str]:
        return sorted(credentials[n][1].hex() for n in names)

    s.step("the founder's group lists its two members' credentials (BL5)", founder.next(
        "ballot.credentials", BallotCredentials(bref, listed("alice", "bob"))), "accepted",
        now=s.clock)
    s.step("the second group lists a credential already on the founder's list (BL5)",
           second.next("ballot.credentials", BallotCredentials(bref, listed("bob"))),
           "rejected", "duplicate_credential", now=s.clock)
    s.step("the second group lists its one member", second.next(
        "ballot.credentials", BallotCredentials(bref, listed("carol"))), "accepted",
        now=s.clock)
    s.step("the fourth group lists two credentials with one member committed (BL5)",
           fourth.next("ballot.credentials", BallotCredentials(bref, listed("erin", "frank"))),
           "rejected", "too_many_credentials", now=s.clock)
    state = s.state()
    key = state.rules(Ballots).key(state, ballot.id)
    election = ballots_election(ballot.id, ballot.body, key.public_key)  # type: ignore[arg-type]
    yes, no, abstain = [1, 0, 0], [0, 1, 0], [0, 0, 1]

    def vote(name: str, marks: list[int], label: str) -> bytes:
        return ballots_ballot.cast(election, credentials[name][0], [marks],  # type: ignore[return-value]
                                  _ballot_seed(f"vote {label}"))

    early = vote("alice", yes, "early")
    s.step("a ballot cast before the opening (BL2)", founder.next(
        "ballot.cast", BallotCast(bref, early.hex())), "rejected", "outside_ballot",
        now=s.clock)
    s.clock = opens + HOUR_MS
    first = vote("alice", yes, "alice 1")
    s.step("alice's ballot, written by her group's node", founder.next(
        "ballot.cast", BallotCast(bref, first.hex())), "accepted", now=s.clock)
    forged = bytearray(vote("bob", no, "bob forged"))
    forged[140] ^= 1
    s.step("a ballot with a byte of a proof changed (BALLOTS 5.6)", founder.next(
        "ballot.cast", BallotCast(bref, bytes(forged).hex())), "rejected", "bad_signature",
        now=s.clock)
    s.step("a ballot under a credential on no list (BL6)", founder.next(
        "ballot.cast", BallotCast(bref, vote("dave", no, "dave").hex())), "rejected",
        "unknown_credential", now=s.clock)
    s.step("carol's ballot, cast by the founder's node though she is on the second "
           "group's list (BL6)", founder.next(
               "ballot.cast", BallotCast(bref, vote("carol", yes, "carol").hex())),
           "rejected", "unknown_credential", now=s.clock)
    s.step("bob abstains", founder.next("ballot.cast", BallotCast(
        bref, vote("bob", abstain, "bob").hex())), "accepted", now=s.clock)
    s.step("carol votes yes", second.next("ballot.cast", BallotCast(
        bref, vote("carol", yes, "carol").hex())), "accepted", now=s.clock)
    s.clock = opens + 2 * DAY_MS
    s.step("alice replaces her ballot: the last one counts (BL6)", founder.next(
        "ballot.cast", BallotCast(bref, vote("alice", no, "alice 2").hex())), "accepted",
        now=s.clock)
    s.step("a cut before the close (BL7)", founder.next("ballot.cut", BallotCut(bref, [
        Head(founder.id, founder.seq, founder.prev)])), "rejected", "early_close",  # type: ignore[arg-type]
        now=s.clock)
    s.clock = closes + HOUR_MS
    s.step("a ballot after the close (BL2)", founder.next("ballot.cast", BallotCast(
        bref, vote("bob", yes, "bob late").hex())), "rejected", "outside_ballot", now=s.clock)
    heads = [Head(founder.id, founder.seq, founder.prev),  # type: ignore[arg-type]
             Head(second.id, second.seq, second.prev)]  # type: ignore[arg-type]
    cut = founder.next("ballot.cut", BallotCut(bref, heads))
    s.step("the founder's node writes the cut after the close", cut, "accepted", now=s.clock)
    cref = EntryRef(founder.id, cut.id, founder.seq)
    state = s.state()
    rules = state.rules(Ballots)
    held_cut = rules.cuts[cut.id]
    totals_hash = rules.totals_hash(state, held_cut)
    s.step("a cosign with another totals hash (BL7)", second.next(
        "ballot.cosign", BallotCosign(cref, "00" * 32)), "rejected", "wrong_result",
        now=s.clock)
    s.step("a trustee that listed no credentials cosigns (BL7)", third.next(
        "ballot.cosign", BallotCosign(cref, totals_hash)), "rejected", "not_participant",
        now=s.clock)
    s.step("the founder's group cosigns", founder.next(
        "ballot.cosign", BallotCosign(cref, totals_hash)), "accepted", now=s.clock)
    s.step("the second group cosigns: the cut is final", second.next(
        "ballot.cosign", BallotCosign(cref, totals_hash)), "accepted", now=s.clock)
    network_totals = rules.cut_totals(state, held_cut)[""]
    shares = {j: keygen.secret_share({i: keygen.open_share(  # type: ignore[index]
        ceremony, deals[i], i, j, secrets[j])[0] for i in (1, 2, 3)}) for j in (1, 2, 3)}
    s.step("trustee 3's partial decryption made with trustee 2's share (BALLOTS 7.5)",
           third.next("ballot.partial", BallotPartial(cref, None, tally.decrypt_share(
               election, network_totals, 3, shares[2], _ballot_seed("wrong")).hex())),
           "rejected", "bad_partial_decryption", now=s.clock)
    for j in (1, 2):
        s.step(f"trustee {j}'s partial decryption", logs[j].next(
            "ballot.partial", BallotPartial(cref, None, tally.decrypt_share(
                election, network_totals, j, shares[j], _ballot_seed(f"partial {j}")).hex())),
            "accepted", now=s.clock)
    state = s.state()
    result = state.rules(Ballots).result(state, ballot.id)
    s.derived = {"ballot": ballot.id, "status": result.status, "ballots": result.ballots,
                 "counts": result.counts, "final_cut": result.final_cut,
                 "participants": result.participants, "trackers": result.trackers,
                 "election_key": key.public_key.hex()}
    return s


SCENARIOS: list[Callable[[], Scenario]] = [
    directory, admission_k2, out_of_order, chain_rules, timestamps, fork, forks_high_first,
    forks_low_first, key_rotation, key_revocation, witnessed_time, bad_signature,
    strict_signatures, wrong_network, identity, canonical_form, schema, records, motions,
    conference, rule_changes, floor_scenario, floor_elections, rule_change_effect,
    rule_change_ratification,
    constitution, constitution_closed, body_meetings, ballot_entries,
]


# Vector files that are not scenarios of entries: an election's count (STV.md) and the
# ballots' cryptography (BALLOTS.md).
COUNTS = {"stv.json": stv_vectors.document, "ballots.json": ballot_vectors.document}


def vectors() -> dict[str, dict]:
    """Every vector file of protocol/vectors/, by file name."""
    out = {}
    for make in SCENARIOS:
        scenario = make()
        out[f"{scenario.name}.json"] = scenario.document()
    for name, count in COUNTS.items():
        out[name] = count()
    return dict(sorted(out.items()))


def write(directory: Path = DIRECTORY) -> list[Path]:
    """Write every vector file and remove any this generator no longer makes."""
    return write_files(directory, vectors())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m groupnet.cli.vectors",
        description="Generate the test vectors of protocol/vectors/.",
    )
    parser.add_argument("--write", action="store_true",
                        help=f"write the files into {DIRECTORY}")
    args = parser.parse_args(argv)
    if args.write:
        for path in write():
            print(path)
        return 0
    sys.stdout.write(msgspec.json.encode(sorted(vectors())).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
