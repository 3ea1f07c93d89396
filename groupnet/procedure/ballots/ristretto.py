"""The prime-order group ristretto255 and the hashes into it (protocol/BALLOTS.md section 2).

Every operation on points is libsodium's (through `rbcl`, which bundles it;
`groupnet/wire/sodium.py` loads it): this
module only encodes, checks encodings, and names the operations. Scalars are
Python integers modulo L, the order of the group; integer arithmetic is exact, so
nothing here rounds. A point or scalar read from outside passes `element` or
`scalar` first, which refuse what is not the canonical encoding of a group
element or of an integer below L (the group-membership check Belenios 3.3 added).

libsodium's addition does not report a bad input (it leaves an unspecified
result), so a point that reaches `add`, `sub` or `mul` must have passed
`element`: the callers in this package decode every point at the edge.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from ...wire.sodium import rbcl

# The order of the group (RFC 9496 section 4.1).
L = 2**252 + 27742317777372353535851937790883648493
# The encoding of the identity element: 32 zero bytes (RFC 9496 section 4.3.2).
IDENTITY = bytes(32)
DST_PREFIX = b"groupnet/v1/ballot/"

_base = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero
_mul = rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero
_add = rbcl.crypto_core_ristretto255_add
_sub = rbcl.crypto_core_ristretto255_sub
_valid = rbcl.crypto_core_ristretto255_is_valid_point


def encode_scalar(x: int) -> bytes:
    """32 bytes, little-endian, of x reduced modulo L."""
    return (x % L).to_bytes(32, "little")


def scalar(data: bytes) -> int | None:
    """The integer of a canonical scalar encoding, or None if it is not one (>= L)."""
    if len(data) != 32:
        return None
    x = int.from_bytes(data, "little")
    return x if x < L else None


def element(data: bytes) -> bytes | None:
    """`data` if it is the canonical encoding of a group element (RFC 9496 4.3.1), else None."""
    if len(data) != 32 or not _valid(data):
        return None
    return bytes(data)


def base(x: int) -> bytes:
    """x·G, G the generator of RFC 9496 section 4.4."""
    return _base(encode_scalar(x))


def mul(x: int, point: bytes) -> bytes:
    """x·P for a point that passed `element`."""
    return _mul(encode_scalar(x), point)


def add(p: bytes, q: bytes) -> bytes:
    return _add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return _sub(p, q)


G = base(1)


@lru_cache(maxsize=256)
def multiple(n: int) -> bytes:
    """n·G for the small counts a ciphertext holds, computed once each."""
    return base(n)


def frame(*parts: bytes) -> bytes:
    """Each part preceded by its length as 4 bytes big-endian: no two lists read alike."""
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


# SHA-512 after expand_message_xmd's Z_pad (one block of zeros): every b_0 starts so
_Z_PAD = hashlib.sha512(bytes(128))


def expand_message_xmd(msg: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 section 5.3.1 with SHA-512 (b_in_bytes 64, s_in_bytes 128)."""
    if len(dst) > 255 or length > 255 * 64:
        raise ValueError("expand_message_xmd: domain tag or output too long")
    ell = -(-length // 64)
    dst_prime = dst + bytes([len(dst)])
    b0 = _Z_PAD.copy()
    b0.update(msg + length.to_bytes(2, "big") + b"\x00" + dst_prime)
    b0 = b0.digest()
    blocks = [hashlib.sha512(b0 + b"\x01" + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(a ^ b for a, b in zip(b0, blocks[-1], strict=True))
        blocks.append(hashlib.sha512(mixed + bytes([i]) + dst_prime).digest())
    return b"".join(blocks)[:length]


@lru_cache(maxsize=64)
def _scalar_suffix(tag: str) -> bytes:
    """What follows the message in b_0 of a 64-byte expand_message_xmd under `tag`'s DST."""
    dst = DST_PREFIX + tag.encode()
    return (64).to_bytes(2, "big") + b"\x00" + dst + bytes([len(dst)])


def hash_to_scalar(tag: str, *parts: bytes) -> int:
    """64 uniform bytes from expand_message_xmd, read little-endian, reduced mod L.

    This is RFC 9497's HashToScalar for ristretto255 (section 4.1) with our own
    domain tag per use: `groupnet/v1/ballot/<tag>`, over the framed parts. It is
    `expand_message_xmd(frame(*parts), DST, 64)` written out for one block: every
    ballot's check hashes five times, so the fixed parts are made once per tag.
    """
    suffix = _scalar_suffix(tag)
    b0 = _Z_PAD.copy()
    for part in parts:
        b0.update(len(part).to_bytes(4, "big"))
        b0.update(part)
    b0.update(suffix)
    uniform = hashlib.sha512(b0.digest() + b"\x01" + suffix[3:]).digest()
    return int.from_bytes(uniform, "little") % L


def hash_to_element(tag: str, *parts: bytes) -> bytes:
    """RFC 9380 appendix B (hash_to_ristretto255): 64 bytes through the one-way map."""
    uniform = expand_message_xmd(frame(*parts), DST_PREFIX + tag.encode(), 64)
    return rbcl.crypto_core_ristretto255_from_hash(uniform)


# The second generator of the Pedersen commitments in key generation: a point whose
# discrete logarithm to G nobody knows, since it comes out of a hash.
H = hash_to_element("pedersen-generator")

