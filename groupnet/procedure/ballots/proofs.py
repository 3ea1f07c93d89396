"""The zero-knowledge proofs of member ballots (protocol/BALLOTS.md section 3).

Three kinds, all made non-interactive by Fiat–Shamir with the strong form: the
challenge hashes the whole statement (the election or ceremony it belongs to,
who proves, every point of the claim) and the prover's commitments, under a
domain tag of its own, so a proof cannot be moved to another statement.

- `schnorr`: knowledge of x with X = x·G, over a message (the ballot's signature
  by the member's credential, a trustee's proof that it holds its key);
- `dleq`: one x with h1 = x·g1 and h2 = x·g2 (Chaum–Pedersen: a trustee's partial
  decryption, a complaint's disclosure of a shared secret);
- `interval`: an exponential ElGamal ciphertext holds one of lo..hi, without
  saying which (the disjunctive proof of Cramer, Damgård and Schoenmakers: 0/1
  per choice, and the number of choices made per question).

Every proof is a list of (c, z) scalar pairs, 64 bytes each. The prover's
randomness is passed in as integers; nothing here draws any.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .ristretto import G, L, base, encode_scalar, hash_to_scalar, mul, multiple, scalar, sub

Pair = tuple[int, int]


def pairs(data: bytes) -> list[Pair] | None:
    """(c, z) pairs read from 64-byte blocks, or None if a scalar is not canonical."""
    out = []
    for at in range(0, len(data), 64):
        c, z = scalar(data[at:at + 32]), scalar(data[at + 32:at + 64])
        if c is None or z is None:
            return None
        out.append((c, z))
    return out


def encode_pairs(proof: Sequence[Pair]) -> bytes:
    return b"".join(encode_scalar(c) + encode_scalar(z) for c, z in proof)


def schnorr(tag: str, context: Sequence[bytes], x: int, point: bytes, w: int) -> Pair:
    """Proof of x for point = x·G: R = w·G, c = HS(tag, context, X, R), z = w + c·x."""
    c = hash_to_scalar(tag, *context, point, base(w))
    return c, (w + c * x) % L


def schnorr_valid(tag: str, context: Sequence[bytes], point: bytes, proof: Pair) -> bool:
    c, z = proof
    commitment = sub(base(z), mul(c, point))
    return hash_to_scalar(tag, *context, point, commitment) == c


def _times(x: int, point: bytes) -> bytes:
    """x·point; by libsodium's fixed-base multiplication (a third of the cost) for G."""
    return base(x) if point == G else mul(x, point)


def dleq(tag: str, context: Sequence[bytes], x: int, g1: bytes, h1: bytes, g2: bytes,
         h2: bytes, w: int) -> Pair:
    """Proof that log_g1 h1 = log_g2 h2 = x: A = w·g1, B = w·g2, z = w + c·x."""
    c = hash_to_scalar(tag, *context, g1, h1, g2, h2, _times(w, g1), mul(w, g2))
    return c, (w + c * x) % L


def dleq_valid(tag: str, context: Sequence[bytes], g1: bytes, h1: bytes, g2: bytes,
               h2: bytes, proof: Pair) -> bool:
    c, z = proof
    a = sub(_times(z, g1), mul(c, h1))
    b = sub(mul(z, g2), mul(c, h2))
    return hash_to_scalar(tag, *context, g1, h1, g2, h2, a, b) == c


def _commitments(alpha: bytes, beta: bytes, key: bytes, lo: int,
                 proof: Sequence[Pair]) -> list[bytes]:
    """A_k = z_k·G − c_k·α and B_k = z_k·Y − c_k·(β − k·G), for k = lo, lo + 1, …"""
    out = []
    for k, (c, z) in enumerate(proof, start=lo):
        out.append(sub(base(z), mul(c, alpha)))
        shifted = beta if k == 0 else sub(beta, multiple(k))
        out.append(sub(mul(z, key), mul(c, shifted)))
    return out


def interval(tag: str, context: Sequence[bytes], key: bytes, alpha: bytes, beta: bytes,
             r: int, m: int, lo: int, hi: int, nonce: Callable[[str, int], int]) -> list[Pair]:
    """Proof that (α, β) = (r·G, r·Y + m·G) with m in lo..hi.

    For each k other than m the pair (c_k, z_k) is chosen first (simulated); for
    m the commitments are w·G and w·Y, and c_m is what makes the c's add up to
    the challenge. `nonce(name, k)` gives the prover's random scalars.
    """
    if not lo <= m <= hi:
        raise ValueError("interval: the value is outside the range it is to be proved in")
    commitments: list[bytes] = []
    simulated: dict[int, Pair] = {}
    w = nonce("w", m)
    for k in range(lo, hi + 1):
        if k == m:
            commitments += [base(w), mul(w, key)]
        else:
            c, z = nonce("c", k), nonce("z", k)
            simulated[k] = (c, z)
            commitments += _commitments(alpha, beta, key, k, [(c, z)])
    challenge = hash_to_scalar(tag, *context, alpha, beta, *commitments)
    c_m = (challenge - sum(c for c, _ in simulated.values())) % L
    simulated[m] = (c_m, (w + c_m * r) % L)
    return [simulated[k] for k in range(lo, hi + 1)]


def interval_valid(tag: str, context: Sequence[bytes], key: bytes, alpha: bytes, beta: bytes,
                   lo: int, proof: Sequence[Pair]) -> bool:
    commitments = _commitments(alpha, beta, key, lo, proof)
    challenge = hash_to_scalar(tag, *context, alpha, beta, *commitments)
    return sum(c for c, _ in proof) % L == challenge

