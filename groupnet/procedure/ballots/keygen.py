"""How the trustees make the election key together (BALLOTS.md section 6).

The key generation of Gennaro, Jarecki, Krawczyk and Rabin (J. Cryptology 2007),
in two phases, so that no trustee can bias the key by waiting for the others:

1. Deal. Each trustee i commits to two random polynomials a_i, b_i of degree
   t − 1 with Pedersen commitments C_ik = a_ik·G + b_ik·H, which say nothing of
   a_i (H is a hash to the group, its logarithm unknown), and sends every
   trustee j its shares a_i(j), b_i(j), encrypted to j's trustee key.
2. Complaints. A trustee whose shares do not match the commitments proves it:
   it discloses the secret point that decrypts them, with a Chaum–Pedersen proof
   that it is the right one, so every node can decrypt and check. A dealer with
   an upheld complaint, or none dealt in time, is out; the rest are the
   qualified set. It is fixed before anything of the key is known.
3. Extraction. Each qualified dealer publishes A_ik = a_ik·G. A trustee whose
   share does not match complains as before; a dealer so caught, or silent,
   cannot leave: t trustees disclose its shares, which are checked against its
   Pedersen commitments, and its polynomial is rebuilt in the open.

The election key is Y = Σ A_i0 over the qualified set; trustee j's secret is
x_j = Σ a_i(j) and its verification key Y_j = Σ_i Σ_k j^k·A_ik. Joint-Feldman
(Pedersen 1991), where the A_ik come first, lets the last trustee to speak
choose between keys by getting itself disqualified: the rushing adversary.

Randomness comes in as a seed drawn by the caller; the same seed gives the same
deal and extraction, which is how a trustee publishes both from one draw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import msgspec

from ...wire.rejection import Rejection
from . import proofs
from .ristretto import (
    IDENTITY,
    G,
    H,
    L,
    add,
    base,
    element,
    encode_scalar,
    expand_message_xmd,
    frame,
    hash_to_scalar,
    mul,
    scalar,
    u32,
)

CEREMONY_PREFIX = b"groupnet/v1/ballot/ceremony"
SHARE_DST = b"groupnet/v1/ballot/share"


class Ceremony(msgspec.Struct, frozen=True):
    """Who makes the key: trustee j (from 1) holds keys[j − 1]; any `threshold` decrypt."""

    election_id: bytes
    threshold: int
    keys: tuple[bytes, ...]

    def hash(self) -> bytes:
        return hashlib.sha256(frame(CEREMONY_PREFIX, self.election_id, u32(self.threshold),
                                    u32(len(self.keys)), *self.keys)).digest()


class Deal(msgspec.Struct, frozen=True):
    """Trustee i's Pedersen commitments and the encrypted shares, one (E, 64 bytes) per j."""

    commitments: tuple[bytes, ...]
    shares: tuple[tuple[bytes, bytes], ...]


def trustee_key(seed: bytes) -> tuple[int, bytes]:
    """A trustee's secret k and key K = k·G, from 32 random bytes."""
    k = hash_to_scalar("trustee-secret", seed)
    return k, base(k)


def key_proof(election_id: bytes, trustee: int, secret: int, seed: bytes) -> bytes:
    """The trustee's proof that it holds the secret of its key (6.1)."""
    w = hash_to_scalar("nonce", encode_scalar(secret), seed, b"key")
    pair = proofs.schnorr("trustee-key", (election_id, u32(trustee)), secret, base(secret), w)
    return proofs.encode_pairs([pair])


def key_proof_valid(election_id: bytes, trustee: int, key: bytes, proof: bytes) -> bool:
    pair = proofs.pairs(proof) if len(proof) == 64 else None
    point = element(key)
    if pair is None or point is None or point == IDENTITY:
        return False
    return proofs.schnorr_valid("trustee-key", (election_id, u32(trustee)), point, pair[0])


def ceremony_problem(ceremony: Ceremony) -> Rejection | None:
    m = len(ceremony.keys)
    if len(ceremony.election_id) != 32 or not 1 <= ceremony.threshold <= m:
        return Rejection("bad_ceremony", "BALLOTS 6.1: a ceremony names a 32-byte election id "
                         "and a threshold between 1 and the number of trustees")
    if any(element(k) in (None, IDENTITY) for k in ceremony.keys) or \
            len(set(ceremony.keys)) != m:
        return Rejection("bad_ceremony", "BALLOTS 6.1: every trustee key is a distinct group "
                         "element other than the identity")
    return None


def _polynomials(secret: int, seed: bytes, t: int) -> tuple[list[int], list[int]]:
    def nonce(name: bytes, k: int) -> int:
        return hash_to_scalar("nonce", encode_scalar(secret), seed, name, u32(k))
    return [nonce(b"a", k) for k in range(t)], [nonce(b"b", k) for k in range(t)]


def evaluate(coefficients: Sequence[int], x: int) -> int:
    return sum(c * pow(x, k, L) for k, c in enumerate(coefficients)) % L


def _pad(ceremony: Ceremony, dealer: int, trustee: int, ephemeral: bytes,
         shared: bytes) -> bytes:
    return expand_message_xmd(frame(ceremony.hash(), u32(dealer), u32(trustee), ephemeral,
                                    shared), SHARE_DST, 64)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def deal(ceremony: Ceremony, dealer: int, secret: int, seed: bytes) -> bytes:
    """Trustee `dealer`'s deal: C_i0..C_i,t−1, then (E_ij, shares ⊕ pad) for j = 1..m (6.2)."""
    a, b = _polynomials(secret, seed, ceremony.threshold)
    parts = [add(base(ak), mul(bk, H)) for ak, bk in zip(a, b, strict=True)]
    for j, key in enumerate(ceremony.keys, start=1):
        e = hash_to_scalar("nonce", encode_scalar(secret), seed, b"e", u32(j))
        ephemeral = base(e)
        plain = encode_scalar(evaluate(a, j)) + encode_scalar(evaluate(b, j))
        parts += [ephemeral, _xor(plain, _pad(ceremony, dealer, j, ephemeral, mul(e, key)))]
    return b"".join(parts)


def read_deal(ceremony: Ceremony, dealer: int, data: bytes) -> Deal | Rejection:
    t, m = ceremony.threshold, len(ceremony.keys)
    if len(data) != 32 * t + 96 * m:
        return Rejection("bad_deal", f"BALLOTS 6.2: trustee {dealer}'s deal is not "
                         f"{32 * t + 96 * m} bytes")
    commitments = [element(data[32 * k:32 * k + 32]) for k in range(t)]
    at = 32 * t
    shares = [(element(data[at + 96 * n:at + 96 * n + 32]),
               data[at + 96 * n + 32:at + 96 * n + 96]) for n in range(m)]
    if None in commitments or any(e is None for e, _ in shares):
        return Rejection("bad_deal", f"BALLOTS 6.2: trustee {dealer}'s deal holds a point "
                         "that is not a group element")
    return Deal(tuple(commitments), tuple(shares))  # type: ignore[arg-type]


def _combined(points: Sequence[bytes], trustee: int) -> bytes:
    """Σ_k j^k·P_k: what a commitment list says trustee j's share is."""
    out = IDENTITY
    for k, point in enumerate(points):
        out = add(out, mul(pow(trustee, k, L), point))
    return out


def _open(ceremony: Ceremony, found: Deal, dealer: int, trustee: int,
          shared: bytes) -> tuple[int, int] | None:
    ephemeral, sealed = found.shares[trustee - 1]
    plain = _xor(sealed, _pad(ceremony, dealer, trustee, ephemeral, shared))
    s, s2 = scalar(plain[:32]), scalar(plain[32:])
    if s is None or s2 is None:
        return None
    return s, s2


def _pedersen_holds(found: Deal, trustee: int, share: tuple[int, int]) -> bool:
    return add(base(share[0]), mul(share[1], H)) == _combined(found.commitments, trustee)


def _feldman_holds(extracted: Sequence[bytes], trustee: int, share: tuple[int, int]) -> bool:
    return base(share[0]) == _combined(extracted, trustee)


def open_share(ceremony: Ceremony, found: Deal, dealer: int, trustee: int, secret: int,
               extracted: Sequence[bytes] | None = None) -> tuple[int, int] | None:
    """Trustee `trustee`'s shares from `dealer`, or None if they are grounds to complain."""
    ephemeral, _ = found.shares[trustee - 1]
    share = _open(ceremony, found, dealer, trustee, mul(secret, ephemeral))
    if share is None or not _pedersen_holds(found, trustee, share):
        return None
    if extracted is not None and not _feldman_holds(extracted, trustee, share):
        return None
    return share


def complain(ceremony: Ceremony, found: Deal, dealer: int, trustee: int, secret: int,
             seed: bytes) -> bytes:
    """The evidence against `dealer`: P = k_j·E_ij and the proof that it is (6.3)."""
    ephemeral, _ = found.shares[trustee - 1]
    shared = mul(secret, ephemeral)
    w = hash_to_scalar("nonce", encode_scalar(secret), seed, b"complaint", u32(dealer))
    pair = proofs.dleq("complaint", (ceremony.hash(), u32(dealer), u32(trustee)), secret, G,
                       ceremony.keys[trustee - 1], ephemeral, shared, w)
    return shared + proofs.encode_pairs([pair])


def check_complaint(ceremony: Ceremony, found: Deal, dealer: int, trustee: int, data: bytes,
                    extracted: Sequence[bytes] | None = None) -> Rejection | None:
    """None if the complaint is upheld (the dealer is at fault), else why it is refused.

    Against a deal (`extracted` None) the shares must match the Pedersen
    commitments; against an extraction, also A_ik (6.3, 6.5).
    """
    shared = element(data[:32]) if len(data) == 96 else None
    pair = proofs.pairs(data[32:]) if shared is not None else None
    if shared is None or pair is None:
        return Rejection("bad_complaint", f"BALLOTS 6.3: trustee {trustee}'s complaint is not "
                         "a group element and two scalars below the group order")
    ephemeral, _ = found.shares[trustee - 1]
    if not proofs.dleq_valid("complaint", (ceremony.hash(), u32(dealer), u32(trustee)), G,
                             ceremony.keys[trustee - 1], ephemeral, shared, pair[0]):
        return Rejection("bad_complaint", f"BALLOTS 6.3: trustee {trustee}'s proof that it "
                         f"disclosed the key to its shares from trustee {dealer} does not verify")
    share = _open(ceremony, found, dealer, trustee, shared)
    if share is None or not _pedersen_holds(found, trustee, share):
        return None
    if extracted is not None and not _feldman_holds(extracted, trustee, share):
        return None
    return Rejection("false_complaint", f"BALLOTS 6.3: trustee {trustee}'s shares from trustee "
                     f"{dealer} decrypt and match the commitments")


def extract(ceremony: Ceremony, secret: int, seed: bytes) -> bytes:
    """A_i0..A_i,t−1 = a_ik·G from the deal's own seed (6.5)."""
    a, _ = _polynomials(secret, seed, ceremony.threshold)
    return b"".join(base(ak) for ak in a)


def read_extract(ceremony: Ceremony, dealer: int, data: bytes) -> list[bytes] | Rejection:
    t = ceremony.threshold
    points = [element(data[32 * k:32 * k + 32]) for k in range(t)] if len(data) == 32 * t \
        else [None]
    if None in points:
        return Rejection("bad_extract", f"BALLOTS 6.5: trustee {dealer}'s extraction is not "
                         f"{t} group elements")
    return points  # type: ignore[return-value]


def disclose(ceremony: Ceremony, found: Deal, dealer: int, trustee: int, secret: int) -> bytes:
    """Trustee `trustee`'s shares from a dealer who must be rebuilt, in the clear (6.6)."""
    ephemeral, _ = found.shares[trustee - 1]
    share = _open(ceremony, found, dealer, trustee, mul(secret, ephemeral))
    if share is None:
        raise ValueError("disclose: these shares did not decrypt; complain instead")
    return encode_scalar(share[0]) + encode_scalar(share[1])


def check_disclosure(found: Deal, dealer: int, trustee: int,
                     data: bytes) -> tuple[int, int] | Rejection:
    share = (scalar(data[:32]), scalar(data[32:])) if len(data) == 64 else (None, None)
    if share[0] is None or share[1] is None or \
            not _pedersen_holds(found, trustee, share):  # type: ignore[arg-type]
        return Rejection("bad_disclosure", f"BALLOTS 6.6: trustee {trustee}'s disclosed "
                         f"shares do not match trustee {dealer}'s commitments")
    return share  # type: ignore[return-value]


def rebuild(shares: Mapping[int, int], threshold: int) -> list[bytes]:
    """A_0..A_t−1 of the polynomial through `threshold` disclosed shares a(j) (6.6)."""
    points = sorted(shares.items())[:threshold]
    coefficients = [0] * threshold
    for j, value in points:
        basis, denominator = [1], 1
        for other, _ in points:
            if other != j:
                basis = [((basis[k - 1] if k else 0) - other * (basis[k] if k < len(basis)
                          else 0)) % L for k in range(len(basis) + 1)]
                denominator = denominator * (j - other) % L
        factor = value * pow(denominator, -1, L) % L
        for k, c in enumerate(basis):
            coefficients[k] = (coefficients[k] + factor * c) % L
    return [base(c) for c in coefficients]


def election_key(extracted: Mapping[int, Sequence[bytes]]) -> bytes:
    """Y = Σ A_i0 over the qualified dealers (6.7)."""
    out = IDENTITY
    for dealer in sorted(extracted):
        out = add(out, extracted[dealer][0])
    return out


def verification_key(extracted: Mapping[int, Sequence[bytes]], trustee: int) -> bytes:
    """Y_j = Σ_i Σ_k j^k·A_ik: the key trustee j's partial decryptions answer to (6.7)."""
    out = IDENTITY
    for dealer in sorted(extracted):
        out = add(out, _combined(extracted[dealer], trustee))
    return out


def secret_share(shares: Mapping[int, int]) -> int:
    """x_j = Σ a_i(j) over the qualified dealers: the trustee's part of the secret (6.7)."""
    return sum(shares.values()) % L
