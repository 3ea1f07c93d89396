"""protocol/ against the code: schemas, vectors, and the canonical form (DESIGN.md invariant 3).

The vector files are read as an implementer in another language would read
them, and fed to a real node one entry at a time; nothing here asks the
vector generator what the answer should be.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import jsonschema
import msgspec
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource

from groupnet.cli import vectors
from groupnet.cli.setup import create_node
from groupnet.network.node import Node
from groupnet.wire import crypto, messages
from groupnet.wire import schema as wire_schema
from groupnet.wire.messages import (
    Admit,
    Charter,
    DelegateCredential,
    DelegateSeat,
    Head,
    KeyRevoke,
    KeyRotate,
    MandateLine,
    MotionRef,
    MotionReply,
    NetworkStandingOrders,
    Profile,
    RegisterCommitment,
    Witness,
)
from groupnet.wire.rejection import Rejection

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "protocol"
SCHEMA_DIR = PROTOCOL / "schema"
VECTOR_DIR = PROTOCOL / "vectors"
SPEC = (PROTOCOL / "SPEC.md").read_text(encoding="utf-8")
# Scenarios of entries; stv.json holds counts (STV.md), checked in test_stv_vectors.py, and
# ballots.json the ballot cryptography's vectors (BALLOTS.md), in test_ballot_vectors.py.
COUNT_FILES = {"stv.json", "ballots.json"}
VECTOR_FILES = sorted(p for p in VECTOR_DIR.glob("*.json") if p.name not in COUNT_FILES)

# The prefixes and numbers as SPEC 2.3 spells them, not as wire/crypto.py does.
ENTRY_PREFIX = b"groupnet/v1/entry\n"
SIGNATURE_PREFIX = b"groupnet/v1/sig\n"
FIELD_PRIME = 2**255 - 19
GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493


def spec_small_order_encodings() -> set[bytes]:
    """The 14 encodings SPEC 2.3 refuses as a key or as R, read from its table."""
    section = SPEC[SPEC.index("### 2.3"):SPEC.index("### 2.4")]
    return {bytes.fromhex(h) for h in re.findall(r"^\| `([0-9a-f]{64})` \|", section, re.M)}


def spec_valid_signature(key: bytes, signature: bytes, message: bytes) -> bool:
    """SPEC 2.3 steps 2-4, written from the text: encodings first, then OpenSSL's equation."""
    def usable(point: bytes) -> bool:
        y = int.from_bytes(point, "little") & ((1 << 255) - 1)
        return y < FIELD_PRIME and point not in SMALL_ORDER_TABLE

    if not (usable(key) and usable(signature[:32])):
        return False
    if int.from_bytes(signature[32:], "little") >= GROUP_ORDER:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


SMALL_ORDER_TABLE = spec_small_order_encodings()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def wire_bytes(step: dict) -> bytes:
    """The bytes a step sends: `wire_b64`, since `wire` cannot hold what is not UTF-8."""
    return base64.b64decode(step["wire_b64"], validate=True)


# -- (a) and (b): the files are what the generators make -----------------------


def test_schema_files_are_what_the_msgspec_types_generate():
    made = {name: wire_schema.render(schema) for name, schema in wire_schema.schemas().items()}
    held = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.json")}
    assert set(held) == set(made), (
        "protocol/schema/ does not match the wire types; "
        "run `python -m groupnet.wire.schema --write` and commit the result"
    )
    for name, text in made.items():
        assert held[name] == text, (
            f"protocol/schema/{name} drifted from the msgspec types; "
            "run `python -m groupnet.wire.schema --write` and commit the result"
        )


def test_vector_files_are_what_the_generator_makes():
    made = {name: wire_schema.render(doc) for name, doc in vectors.vectors().items()}
    held = {p.name: p.read_text(encoding="utf-8") for p in VECTOR_DIR.glob("*.json")}
    assert set(held) == set(made), (
        "protocol/vectors/ does not match groupnet/cli/vectors.py; "
        "run `python -m groupnet.cli.vectors --write` and commit the result"
    )
    for name, text in made.items():
        assert held[name] == text, (
            f"protocol/vectors/{name} drifted (a wire type, a rule or the generator changed); "
            "run `python -m groupnet.cli.vectors --write`, read the diff, and commit it"
        )


def test_every_message_kind_has_a_section_in_the_spec():
    missing = [k for k in messages.BODY_TYPES if f"#### `{k}`" not in SPEC]
    assert not missing, f"protocol/SPEC.md section 5 lacks a `#### `kind`` section for {missing}"


WIRE_MODULES = [
    "groupnet/wire/messages.py", "groupnet/network/node.py",
    *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "groupnet/procedure/network").glob("*.py"))),
    "groupnet/web/federation.py", "groupnet/web/errors.py",
]


def test_every_refusal_code_on_the_wire_path_is_in_the_spec_table():
    table = SPEC[SPEC.index("## 8."):SPEC.index("## 9.")]
    codes = set()
    for module in WIRE_MODULES:
        source = (ROOT / module).read_text(encoding="utf-8")
        codes |= set(re.findall(r'(?:Rejection|refuse)\(\s*"([a-z_]+)"', source))
        codes |= set(re.findall(r'Result\(\s*"fork",[^"]*"([a-z_]+)"', source))
    codes |= {"too_large"}  # errors.py answers aiohttp's 413 with it
    missing = sorted(c for c in codes if f"`{c}`" not in table)
    assert not missing, f"protocol/SPEC.md section 8 lacks {missing}"


def test_every_code_in_the_vectors_is_in_the_spec_table():
    table = SPEC[SPEC.index("## 8."):SPEC.index("## 9.")]
    codes = {step["expect"]["code"] for path in VECTOR_FILES for step in load(path)["steps"]}
    assert sorted(c for c in codes - {None} if f"`{c}`" not in table) == []


# -- (c): a real node against every vector ---------------------------------------


@pytest.mark.parametrize("path", VECTOR_FILES, ids=[p.stem for p in VECTOR_FILES])
async def test_a_fresh_node_gives_every_verdict_of_the_scenario(path, tmp_path):
    scenario = load(path)
    await create_node(tmp_path / "receiver", "Receiver", "http://127.0.0.1:9")
    node = await Node.open(tmp_path / "receiver")
    try:
        for number, step in enumerate(scenario["steps"], start=1):
            [result] = await node.ingest([wire_bytes(step)], now=step["now"])
            expected = step["expect"]
            where = f"{path.name} step {number} ({step['description']}): {result.reason}"
            assert (result.status, result.code, result.id) == (
                expected["status"], expected["code"], expected["id"]
            ), where
            for query in step.get("queries", ()):
                assert node.state.network_time(query["author"], query["seq"]) == \
                    query["network_time"], where
                for case in query["arrived_before"]:
                    assert node.state.arrived_before(
                        query["author"], query["seq"], case["deadline"]
                    ) is case["answer"], f"{where}: deadline {case['deadline']}"
        assert node.heads() == scenario["final"]["heads"]
        assert node.state.summary()["members"] == scenario["final"]["members"]
        assert node.state.state_hash() == scenario["final"]["state_hash"]
    finally:
        await node.close()


def _vector_steps() -> list[tuple[str, dict]]:
    return [(f"{p.stem}:{n}", step) for p in VECTOR_FILES
            for n, step in enumerate(load(p)["steps"], start=1)]


STEPS = _vector_steps()


@pytest.mark.parametrize("step", [s for _, s in STEPS], ids=[i for i, _ in STEPS])
def test_each_vector_id_and_signature_follow_from_its_bytes(step):
    if step["signed"] is None:
        assert step["id"] is None and step["expect"]["id"] is None
        return
    signed = base64.b64decode(step["signed"], validate=True)
    ident = hashlib.sha256(ENTRY_PREFIX + signed).digest()
    assert ident.hex() == step["id"] == crypto.entry_id(signed).hex()
    sig = json.loads(wire_bytes(step))[-1]
    valid = spec_valid_signature(b64url(step["key"]), b64url(sig), SIGNATURE_PREFIX + ident)
    assert valid is step["signature_valid"]
    if step["expect"]["id"] is not None:
        # a node that names an id found the wire to be exactly the signed bytes plus sig
        assert wire_bytes(step) == signed[:-1] + b',"' + sig.encode() + b'"]'


def test_the_installed_encoder_writes_every_accepted_vector_byte_for_byte():
    """Every signature rests on the canonical encoding (SPEC 2.2), which msgspec writes.

    Decode each vector the node accepted into its wire types and encode it again
    with the encoder every node signs with: the bytes must be the vector's, whatever
    msgspec release is installed. If this fails after a dependency update, the
    encoder changed under us: do not regenerate the vectors (every signature ever
    made would stop verifying); pin the old release and report the change.
    """
    checked = 0
    for where, step in STEPS:
        if step["expect"]["id"] is None or step["expect"]["code"] is not None:
            continue
        signed = base64.b64decode(step["signed"], validate=True)
        net, author, seq, prev, ts, kind, body = json.loads(signed)[1:]
        typed = msgspec.json.decode(json.dumps(body), type=messages.BODY_TYPES[kind])
        again = messages.signed_bytes(net, author, seq, prev, ts, kind, typed)
        assert again == signed, (
            f"{where}: msgspec {msgspec.__version__} encodes this entry differently from "
            "protocol/vectors; the canonical form (SPEC 2.2) must not change"
        )
        assert messages.seal(again, json.loads(step["wire"])[-1]) == step["wire"].encode()
        checked += 1
    assert checked > 50


@pytest.fixture(scope="module")
def envelope_validator():
    """The schemas as an implementer gets them: a stock validator, nothing translated."""
    files = {p.name: load(p) for p in SCHEMA_DIR.glob("*.json")}
    for schema in files.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema)) for name, schema in files.items()
    )
    return jsonschema.Draft202012Validator(files["envelope.json"], registry=registry)


def test_a_stock_validator_refuses_exactly_the_entries_refused_at_steps_3_to_6(
        envelope_validator):
    """SPEC 3.4: the schemas decide steps 3-6 as a receiver does.

    Each vector is decoded by the standard library's JSON parser, which reads
    `1.0` as a number equal to 1 and lets a lone surrogate through, and checked
    by jsonschema's Draft 2020-12 validator with its own (Python `re`) patterns.
    Entries refused for their bytes alone (not canonical, step 7) fit; entries
    over the size limit (step 1) are no schema's business.
    """
    checked = refused = 0
    for where, step in STEPS:
        code = step["expect"]["code"]
        if code == "entry_too_large":
            continue
        try:
            document = json.loads(wire_bytes(step))
        except ValueError:  # not UTF-8 (step 2) or not JSON (step 3)
            assert code == "malformed", where
            continue
        at_steps_3_to_6 = step["expect"]["id"] is None and code != "not_canonical"
        assert envelope_validator.is_valid(document) is not at_steps_3_to_6, where
        checked += 1
        refused += at_steps_3_to_6
    assert checked > 150 and refused > 20


def test_wire_is_wire_b64_as_text_wherever_the_bytes_are_utf_8():
    unreadable = 0
    for where, step in STEPS:
        raw = wire_bytes(step)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            assert step["wire"] is None and step["expect"]["code"] == "malformed", where
            unreadable += 1
            continue
        assert step["wire"] == text, where
    assert unreadable >= 4


def test_the_small_order_table_of_the_spec_is_what_the_node_refuses():
    assert len(SMALL_ORDER_TABLE) == 14
    assert SMALL_ORDER_TABLE == crypto.SMALL_ORDER
    for encoding in SMALL_ORDER_TABLE:
        assert not crypto.usable_key(crypto.b64encode(encoding))


def test_openssl_alone_accepts_signatures_that_spec_2_3_refuses():
    """Why the node checks the encodings itself: OpenSSL's verdict is not the network's."""
    openssl_only = []
    for where, step in STEPS:
        if not where.startswith("strict_signatures:") or step["signed"] is None:
            continue
        signed = base64.b64decode(step["signed"], validate=True)
        message = SIGNATURE_PREFIX + hashlib.sha256(ENTRY_PREFIX + signed).digest()
        sig = b64url(json.loads(wire_bytes(step))[-1])
        try:
            Ed25519PublicKey.from_public_bytes(b64url(step["key"])).verify(sig, message)
        except InvalidSignature:
            continue
        assert step["signature_valid"] is spec_valid_signature(b64url(step["key"]), sig,
                                                               message)
        if not step["signature_valid"]:
            openssl_only.append(where)
            assert not crypto.verify_id(step["key"], bytes.fromhex(step["id"]),
                                        json.loads(wire_bytes(step))[-1])
    # a small-order R, and two charters by small-order or non-canonical founder keys
    assert len(openssl_only) == 3, openssl_only


def test_two_forks_end_in_the_same_state_whichever_arrives_first():
    """SPEC 3.3: the same entries in two orders, one state (DESIGN invariant 1)."""
    high = load(VECTOR_DIR / "forks_high_first.json")
    low = load(VECTOR_DIR / "forks_low_first.json")
    assert {s["wire_b64"] for s in high["steps"]} == {s["wire_b64"] for s in low["steps"]}
    assert high["final"] == low["final"]


# -- (d): properties of the canonical form ---------------------------------------


def spec_canonical(value: object) -> bytes:
    """SPEC 2.2 written out independently of msgspec."""
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, int):
        assert -(2**53 - 1) <= value <= 2**53 - 1
        return str(value).encode()
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ch in "\n\r\t\b\f":
                out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}[ch])
            elif ord(ch) < 0x20:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return ('"' + "".join(out) + '"').encode("utf-8")
    if isinstance(value, list):
        return b"[" + b",".join(spec_canonical(v) for v in value) + b"]"
    if isinstance(value, dict):
        items = sorted(value.items())  # Python orders str by code point
        return b"{" + b",".join(spec_canonical(k) + b":" + spec_canonical(v)
                                for k, v in items) + b"}"
    raise TypeError(type(value))


text = st.text(st.characters(codec="utf-8"), max_size=30)
name = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)
url = st.from_regex(r"https?://[!-~]{1,30}", fullmatch=True)
node_id = st.binary(min_size=32, max_size=32).map(crypto.b64encode)
entry_id = st.binary(min_size=32, max_size=32).map(bytes.hex)
count = st.integers(0, 2**53 - 1)
seq = st.integers(1, 2**53 - 1)

BODIES = st.one_of(
    st.builds(lambda *a: ("network.charter", Charter(*a)), name, name, url,
              st.binary(min_size=16, max_size=16).map(crypto.b64encode),
              st.builds(NetworkStandingOrders, st.integers(1, 1000), st.integers(1, 86400),
                        st.integers(1, 86400))),
    st.builds(lambda *a: ("node.admit", Admit(*a)), node_id, name, url),
    st.builds(lambda *a: ("group.profile", Profile(*a)), name, text, text, text,
              st.none() | url),
    st.builds(lambda k: ("key.rotate", KeyRotate(k)), node_id),
    st.builds(lambda r: ("key.revoke", KeyRevoke(r)), text),
    st.builds(lambda heads: ("heads.witness", Witness(heads)),
              st.lists(st.builds(Head, node_id, seq, entry_id), min_size=1, max_size=4)),
    st.builds(lambda *a: ("register.commitment", RegisterCommitment(*a)), count, count,
              entry_id),
    st.builds(lambda *a: ("delegate.credential", DelegateCredential(*a)), name, text,
              st.lists(st.builds(DelegateSeat, st.from_regex(r"[A-Za-z0-9_-]{1,64}",
                                                             fullmatch=True), name),
                       min_size=1, max_size=3),
              st.lists(st.builds(MandateLine, text, st.sampled_from(["support", "oppose",
                                                                     "free"]), text),
                       max_size=2)),
    st.builds(lambda *a: ("motion.reply", MotionReply(*a)),
              st.builds(MotionRef, node_id, entry_id, seq), name),
)
ENVELOPES = st.tuples(
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=16, max_size=16).map(bytes.hex),
    seq,
    st.none() | entry_id,
    count,
    BODIES,
)


def _build(envelope) -> tuple[crypto.SigningKey, messages.Entry]:
    seed, net, number, prev, ts, (kind, body) = envelope
    key = crypto.SigningKey.from_seed(seed)
    return key, messages.build(key, net, key.public, number, prev, ts, kind, body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENVELOPES)
def test_a_built_entry_parses_back_to_the_same_bytes_and_follows_spec_2_2(envelope):
    key, entry = _build(envelope)
    again = messages.parse(entry.raw)
    assert not isinstance(again, Rejection)
    assert (again.raw, again.id, again.sig) == (entry.raw, entry.id, entry.sig)
    assert messages.verify_signature(again, key.public)
    assert spec_canonical(json.loads(entry.raw)) == entry.raw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENVELOPES, st.data())
def test_any_single_byte_changed_makes_a_valid_entry_fail(envelope, data):
    key, entry = _build(envelope)
    raw = bytearray(entry.raw)
    where = data.draw(st.integers(0, len(raw) - 1), label="position")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != raw[where]), label="byte")
    raw[where] = byte
    mutated = messages.parse(bytes(raw))
    if not isinstance(mutated, Rejection):
        assert not messages.verify_signature(mutated, key.public)


async def test_a_node_refuses_every_single_byte_change_of_an_entry_it_would_accept(tmp_path):
    scenario = load(VECTOR_DIR / "directory.json")
    steps = scenario["steps"]
    await create_node(tmp_path / "receiver", "Receiver", "http://127.0.0.1:9")
    node = await Node.open(tmp_path / "receiver")
    try:
        for step in steps[:2]:  # charter and admission
            [result] = await node.ingest([step["wire"].encode()], now=step["now"])
            assert result.status == "accepted"
        valid = steps[2]["wire"].encode()  # the admitted node's profile
        mutations = []
        for where in range(len(valid)):
            for flip in (0x01, 0x20, 0x80):
                changed = bytearray(valid)
                changed[where] ^= flip
                mutations.append(bytes(changed))
        results = []
        for start in range(0, len(mutations), 1000):
            results += await node.ingest(mutations[start:start + 1000], now=steps[2]["now"])
        assert {r.status for r in results} == {"rejected"}
        [result] = await node.ingest([valid], now=steps[2]["now"])
        assert result.status == "accepted"
    finally:
        await node.close()
