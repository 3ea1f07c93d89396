"""Keys, ids and signatures.

A node's identity is its first Ed25519 public key, written in unpadded
base64url (43 characters). Entry ids are SHA-256 over a domain prefix and the
entry's canonical bytes, so an id from another protocol (or another version of
this one) can never collide with ours; the signature is Ed25519 over a second
domain prefix and the 32-byte id.
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


@functools.lru_cache(maxsize=4096)
def _public_key(text: str) -> Ed25519PublicKey:
    # Decoding a key costs about a tenth of a verification, and a node checks
    # many entries by the same few authors in a row.
    return Ed25519PublicKey.from_public_bytes(b64decode(text))


def verify_id(public_key: str, ident: bytes, signature: str) -> bool:
    try:
        key = _public_key(public_key)
        key.verify(b64decode(signature), SIGNATURE_DOMAIN + ident)
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
