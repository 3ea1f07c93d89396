"""Keys, ids and signatures.

A node's identity is its first Ed25519 public key, written in unpadded
base64url (43 characters). Entry ids are SHA-256 over a domain prefix and the
entry's canonical bytes, so an id from another protocol (or another version of
this one) can never collide with ours; the signature is Ed25519 over a second
domain prefix and the 32-byte id.

Every node must give the same verdict on every signature, and Ed25519 libraries
disagree on the edge cases (small-order points, non-canonical encodings, S not
reduced). SPEC 2.3 therefore fixes the strict rule, and `verify_id` checks its
encodings here, in plain byte comparisons, before OpenSSL (through pyca
`cryptography`) checks the cofactorless equation: OpenSSL itself accepts an
identity-point R, and a small-order or non-canonical public key.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ENTRY_DOMAIN = b"groupnet/v1/entry\n"
SIGNATURE_DOMAIN = b"groupnet/v1/sig\n"
NETWORK_DOMAIN = b"groupnet/v1/network\n"
COSIGNATURE_DOMAIN = b"groupnet/v1/cosignature\n"

P = 2**255 - 19  # the field prime of edwards25519
L = 2**252 + 27742317777372353535851937790883648493  # the order of its base point
# The encodings SPEC 2.3 refuses as a key or as R, whatever else holds: the eight
# points of small order (the order divides 8), then the six other spellings of those
# points (the sign bit set where x = 0, or y >= p). Libsodium refuses the same 14.
SMALL_ORDER = frozenset(bytes.fromhex(text) for text in (
    "0100000000000000000000000000000000000000000000000000000000000000",  # order 1
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
    "0000000000000000000000000000000000000000000000000000000000000080",  # order 4
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8
    "0100000000000000000000000000000000000000000000000000000000000080",  # order 1, x = -0
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # order 2, x = -0
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 4, y = p
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # order 4, y = p
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 1, y = p + 1
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # order 1, y = p + 1
))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    if "=" in text:
        raise ValueError("base64url must be unpadded")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64encode(raw) != text:
        raise ValueError("base64url is not in its canonical form")
    return raw


def entry_id(signed_bytes: bytes) -> bytes:
    return hashlib.sha256(ENTRY_DOMAIN + signed_bytes).digest()


def cosignature_digest(signed_bytes: bytes) -> bytes:
    """The 32 bytes a cosignature signs in place of an entry id (SPEC 5.9, F11): its own
    domain, so that no entry id and no cosignature digest can ever be the same bytes."""
    return hashlib.sha256(COSIGNATURE_DOMAIN + signed_bytes).digest()


def network_id(founder: str, nonce: str) -> str:
    """A network's id binds its founder and a random nonce: nobody else can mint it."""
    digest = hashlib.sha256(NETWORK_DOMAIN + founder.encode() + b"\n" + nonce.encode())
    return digest.hexdigest()[:32]


class SigningKey:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = b64encode(raw)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def seed(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def sign_id(self, ident: bytes) -> str:
        return b64encode(self._private.sign(SIGNATURE_DOMAIN + ident))


def usable_point(encoding: bytes) -> bool:
    """Whether 32 bytes may stand as a public key or as R (SPEC 2.3): y < p, not small order.

    y is the encoding with its top bit (the sign of x) cleared, little-endian.
    """
    if len(encoding) != 32 or encoding in SMALL_ORDER:
        return False
    return int.from_bytes(encoding, "little") & ((1 << 255) - 1) < P


def usable_key(text: str) -> bool:
    """Whether a node id or a key named in a body is a key any signature could verify under."""
    try:
        return usable_point(b64decode(text))
    except ValueError:
        return False


@functools.lru_cache(maxsize=4096)
def _public_key(text: str) -> Ed25519PublicKey:
    # Decoding a key costs about a tenth of a verification, and a node checks
    # many entries by the same few authors in a row.
    raw = b64decode(text)
    if not usable_point(raw):
        raise ValueError("SPEC 2.3: a public key of small order or not canonically encoded")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_id(public_key: str, ident: bytes, signature: str) -> bool:
    """The strict verdict of SPEC 2.3: the encodings first, then the cofactorless equation."""
    try:
        key = _public_key(public_key)
        raw = b64decode(signature)
        if len(raw) != 64 or not usable_point(raw[:32]):
            return False
        if int.from_bytes(raw[32:], "little") >= L:
            return False
        key.verify(raw, SIGNATURE_DOMAIN + ident)
    except (InvalidSignature, ValueError):
        return False
    return True


def write_private(path: Path, data: bytes) -> None:
    """Write a secret so that only the node's user can ever read it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def load_key(path: Path) -> SigningKey:
    return SigningKey.from_seed(b64decode(path.read_text().strip()))


def save_key(path: Path, key: SigningKey) -> None:
    write_private(path, (b64encode(key.seed()) + "\n").encode())


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(b"groupnet/v1/token\n" + token.encode()).hexdigest()
