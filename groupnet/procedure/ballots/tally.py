"""Counting: the encrypted totals, the trustees' shares of their decryption, the result.

BALLOTS.md section 7. The encrypted total of a choice is the sum, point by point,
of its ciphertexts over the ballots that count, and holds the number of marks.
Each trustee j publishes D = x_j·α for every total, with a Chaum–Pedersen proof
that it used the same x_j as its verification key Y_j = x_j·G. Any `threshold`
of them, combined with Lagrange coefficients at 0, give x·α; β − x·α is M·G, and
M is found by baby-step giant-step, bounded by the number of ballots.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import msgspec

from ...wire.rejection import Rejection
from . import proofs
from .ballot import Ballot, Ciphertext, Election
from .ristretto import (
    IDENTITY,
    G,
    L,
    add,
    base,
    element,
    encode_scalar,
    hash_to_scalar,
    mul,
    sub,
    u32,
)

SHARE_BYTES = 96  # D, then the proof's (c, z)


class Tally(msgspec.Struct, frozen=True):
    """The encrypted totals per question and choice, and how many ballots went in."""

    totals: tuple[tuple[Ciphertext, ...], ...]
    ballots: int

    def encode(self) -> bytes:
        return b"".join(a + b for question in self.totals for a, b in question)


def total(election: Election, ballots: Sequence[Ballot]) -> Tally:
    """The sum of the ballots that count (each verified, one per credential)."""
    return _summed(election, [ballot.ciphertexts for ballot in ballots], len(ballots))


def sum_of(election: Election, tallies: Sequence[Tally]) -> Tally:
    """The tally of all these tallies' ballots together: their totals added point by point
    (the same points as `total` over all the ballots, since addition is associative)."""
    return _summed(election, [t.totals for t in tallies], sum(t.ballots for t in tallies))


def _summed(election: Election, parts: Sequence[Sequence[Sequence[Ciphertext]]],
            ballots: int) -> Tally:
    totals = [[(IDENTITY, IDENTITY)] * q.encrypted() for q in election.questions]
    for part in parts:
        for qn, question in enumerate(part):
            for cn, (alpha, beta) in enumerate(question):
                a, b = totals[qn][cn]
                totals[qn][cn] = (add(a, alpha), add(b, beta))
    return Tally(tuple(tuple(q) for q in totals), ballots)


def _flat(tally: Tally) -> list[Ciphertext]:
    return [c for question in tally.totals for c in question]


def _context(election: Election, trustee: int, n: int) -> tuple[bytes, ...]:
    return election.hash(), u32(trustee), u32(n)


def decrypt_share(election: Election, tally: Tally, trustee: int, secret: int,
                  seed: bytes) -> bytes:
    """Trustee `trustee`'s partial decryption of every total, each with its proof (7.2)."""
    key = base(secret)
    out = []
    for n, (alpha, _) in enumerate(_flat(tally)):
        d = mul(secret, alpha)
        w = hash_to_scalar("nonce", encode_scalar(secret), seed, u32(n))
        proof = proofs.dleq("partial", _context(election, trustee, n), secret, G, key, alpha,
                            d, w)
        out.append(d + proofs.encode_pairs([proof]))
    return b"".join(out)


def check_share(election: Election, tally: Tally, trustee: int, verification_key: bytes,
                data: bytes) -> list[bytes] | Rejection:
    """The points D of a partial decryption if it passes BALLOTS.md 7.5 steps 1-3."""
    flat = _flat(tally)
    if len(data) != SHARE_BYTES * len(flat):
        return Rejection("share_length", f"BALLOTS 7.5 step 1: trustee {trustee}'s partial "
                         f"decryption is {SHARE_BYTES * len(flat)} bytes for this tally; this "
                         f"one is {len(data)}")
    found = []
    for n, (alpha, _) in enumerate(flat):
        block = data[n * SHARE_BYTES:(n + 1) * SHARE_BYTES]
        d, proof = element(block[:32]), proofs.pairs(block[32:])
        if d is None or proof is None:
            return Rejection("bad_element", f"BALLOTS 7.5 step 2: trustee {trustee}'s share "
                             f"of total {n + 1} is not a group element and two scalars below "
                             "the group order")
        if not proofs.dleq_valid("partial", _context(election, trustee, n), G,
                                 verification_key, alpha, d, proof[0]):
            return Rejection("bad_partial_decryption", f"BALLOTS 7.5 step 3: trustee "
                             f"{trustee}'s proof for total {n + 1} does not verify")
        found.append(d)
    return found


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, int]:
    """λ_j = Π_{l ≠ j} l / (l − j) mod L, for the trustees whose shares are combined."""
    out = {}
    for j in indices:
        num, den = 1, 1
        for other in indices:
            if other != j:
                num, den = num * other % L, den * (other - j) % L
        out[j] = num * pow(den, -1, L) % L
    return out


def dlog(point: bytes, bound: int) -> int | None:
    """The M in 0..bound with point = M·G, by baby-step giant-step, or None (7.4)."""
    step = math.isqrt(bound) + 1
    baby, current = {}, IDENTITY
    for j in range(step):
        baby.setdefault(current, j)
        current = add(current, G)
    giant = base(step)
    current = point
    for i in range(step + 1):
        if current in baby:
            found = i * step + baby[current]
            return found if found <= bound else None
        current = sub(current, giant)
    return None


def combine(election: Election, tally: Tally, shares: Mapping[int, Sequence[bytes]],
            threshold: int) -> list[list[int]] | Rejection:
    """The number of marks per question and choice, from `threshold` checked shares (7.3).

    `shares` maps a trustee's index to the points D of its checked partial
    decryption; the lowest `threshold` indices are used (any that many agree). A choice
    a question does not encrypt (5.2) has the fixed number of marks times the ballots,
    less the other choices' counts.
    """
    if len(shares) < threshold:
        return Rejection("too_few_shares", f"BALLOTS 7.3: {threshold} trustees' partial "
                         f"decryptions are needed; {len(shares)} were given")
    chosen = sorted(shares)[:threshold]
    weights = lagrange_at_zero(chosen)
    counts: list[list[int]] = []
    n = 0
    for q, question in zip(election.questions, tally.totals, strict=True):
        row = []
        for _, beta in question:
            mask = IDENTITY
            for j in chosen:
                mask = add(mask, mul(weights[j], shares[j][n]))
            m = dlog(sub(beta, mask), tally.ballots)
            if m is None:
                return Rejection("no_count", f"BALLOTS 7.4: total {n + 1} holds no count "
                                 f"between 0 and the {tally.ballots} ballots")
            row.append(m)
            n += 1
        if q.encrypted() < q.choices:
            rest = q.least * tally.ballots - sum(row)
            if not 0 <= rest <= tally.ballots:
                return Rejection("no_count", f"BALLOTS 7.3: the last choice of a question "
                                 f"left unencrypted would count {rest}, outside 0 to the "
                                 f"{tally.ballots} ballots")
            row.append(rest)
        counts.append(row)
    return counts


def decode_tally(election: Election, data: bytes, ballots: int) -> Tally | Rejection:
    """A published encrypted tally read back, every point checked (7.1)."""
    sizes = [q.encrypted() for q in election.questions]
    if len(data) != 64 * sum(sizes):
        return Rejection("tally_length", "BALLOTS 7.1: an encrypted tally holds two points "
                         "per encrypted choice")
    points = [element(data[at:at + 32]) for at in range(0, len(data), 32)]
    if any(p is None for p in points):
        return Rejection("bad_element", "BALLOTS 7.1: a point of the tally is not a group "
                         "element")
    pairs = [(points[i], points[i + 1]) for i in range(0, len(points), 2)]
    out, at = [], 0
    for size in sizes:
        out.append(tuple(pairs[at:at + size]))
        at += size
    return Tally(tuple(out), ballots)  # type: ignore[arg-type]

