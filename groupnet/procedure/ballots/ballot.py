"""A member's ballot: made on the member's device, checked by every node (BALLOTS.md 4-5).

The rules, in the order every verifier applies them (BALLOTS.md 5.6):

1. the ballot is exactly as long as the election's questions make it;
2. it names this election (its first 32 bytes are the election hash);
3. every point in it is the canonical encoding of a group element, and the
   credential is not the identity;
4. every scalar in it is below the group order;
5. the credential signed the whole ballot;
6. each encrypted choice holds 0 or 1;
7. each question's encrypted choices add up to what its least and most allow.

A question whose number of marks is fixed (least = most, as yes/no/abstain's one
mark) with two or more choices does not encrypt its last choice: its mark is the
fixed number less the others' (5.2), which the count proof shows is 0 or 1, and
its total is the fixed number times the ballots less the others' totals (7.3).

Whether the credential is on the election's list, and which ballot of a
credential counts, are the network's rules, not this module's. A refusal names
the rule and the question or choice, never a choice's value: nothing here
writes down how a member voted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import msgspec

from ...wire.rejection import Rejection
from . import proofs
from .ristretto import (
    IDENTITY,
    L,
    add,
    base,
    element,
    encode_scalar,
    frame,
    hash_to_scalar,
    mul,
    u32,
)

CHOICE_BYTES = 64 + 128  # α, β, and the 0/1 proof's two (c, z) pairs
MAX_CHOICES = 64
TRACKER_PREFIX = b"groupnet/v1/ballot/tracker"
ELECTION_PREFIX = b"groupnet/v1/ballot/election"

Ciphertext = tuple[bytes, bytes]


class Question(msgspec.Struct, frozen=True):
    """n choices; a ballot marks between `least` and `most` of them."""

    choices: int
    least: int
    most: int

    def encrypted(self) -> int:
        """How many choices a ballot encrypts (BALLOTS.md 5.2): all of them, but the last
        where the number of marks is fixed and there are two or more choices."""
        return self.choices - 1 if self.least == self.most and self.choices >= 2 \
            else self.choices

    def count_range(self) -> tuple[int, int]:
        """What the count proof shows the encrypted choices' marks add up to (5.2): least
        to most, or, with the last choice left out, the fixed number or one less."""
        left_out = self.choices - self.encrypted()
        return max(0, self.least - left_out), min(self.most, self.encrypted())


YES_NO_ABSTAIN = Question(3, 1, 1)


def up_to(most: int, choices: int) -> Question:
    """"Choose up to `most` of `choices`" (none at all is a blank ballot)."""
    return Question(choices, 0, most)


class Election(msgspec.Struct, frozen=True):
    """The public parameters every ballot's proofs are bound to (BALLOTS.md 4.1)."""

    election_id: bytes
    public_key: bytes
    questions: tuple[Question, ...]

    def hash(self) -> bytes:
        parts = [ELECTION_PREFIX, self.election_id, self.public_key, u32(len(self.questions))]
        for q in self.questions:
            parts += [u32(q.choices), u32(q.least), u32(q.most)]
        return hashlib.sha256(frame(*parts)).digest()


class Ballot(msgspec.Struct, frozen=True):
    """A ballot that passed every check: who cast it, what it holds, its tracker."""

    credential: bytes
    ciphertexts: tuple[tuple[Ciphertext, ...], ...]
    tracker: bytes


def election_problem(election: Election) -> Rejection | None:
    """Why these parameters cannot hold an election (BALLOTS.md 4.1), or None."""
    if len(election.election_id) != 32:
        return Rejection("bad_election", "BALLOTS 4.1: an election id is 32 bytes")
    if element(election.public_key) in (None, IDENTITY):
        return Rejection("bad_election", "BALLOTS 4.1: the election key is not a group "
                         "element other than the identity")
    if not election.questions:
        return Rejection("bad_election", "BALLOTS 4.1: an election asks at least one question")
    for number, q in enumerate(election.questions, start=1):
        if not (1 <= q.choices <= MAX_CHOICES and 0 <= q.least <= q.most <= q.choices):
            return Rejection("bad_election", f"BALLOTS 4.1: question {number} needs 1 to "
                             f"{MAX_CHOICES} choices and 0 <= least <= most <= choices")
    return None


class _Layout(NamedTuple):
    choices: list[tuple[int, int, int]]  # (question, choice, offset), from 0
    counts: list[tuple[int, int]]  # each question's count proof: (start, end)
    signature: int


@lru_cache(maxsize=16)
def _layout(election: Election) -> _Layout:
    """Where each part of a ballot of this election starts (BALLOTS.md 5.2).

    Kept for the few elections last used: a node checks thousands of ballots of one.
    """
    choices, counts, at = [], [], 64
    for qn, q in enumerate(election.questions):
        for cn in range(q.encrypted()):
            choices.append((qn, cn, at))
            at += CHOICE_BYTES
        lo, hi = q.count_range()
        counts.append((at, at + (hi - lo + 1) * 64))
        at = counts[-1][1]
    return _Layout(choices, counts, at)


def length(election: Election) -> int:
    """The size in bytes of every ballot of this election (BALLOTS.md 5.2)."""
    return _layout(election).signature + 64


def credential(seed: bytes) -> tuple[int, bytes]:
    """The member's secret s and public credential S = s·G, from 32 random bytes (4.2)."""
    s = hash_to_scalar("credential", seed)
    if s == 0:
        raise ValueError("credential: this seed gives the zero scalar; draw another")
    return s, base(s)


def tracker(data: bytes) -> bytes:
    """The ballot's receipt: SHA-256 over the prefix and the whole ballot (5.5)."""
    return hashlib.sha256(TRACKER_PREFIX + data).digest()


def cast(election: Election, secret: int, votes: Sequence[Sequence[int]],
         seed: bytes) -> bytes | Rejection:
    """The ballot for `votes` (per question, 1 or 0 per choice), signed by `secret`.

    `seed` is 32 fresh random bytes drawn by the caller: every nonce of the ballot
    comes from it and the secret, so the same seed must never be used twice.
    """
    if len(votes) != len(election.questions) or any(
            len(v) != q.choices for v, q in zip(votes, election.questions, strict=True)):
        return Rejection("bad_vote", "BALLOTS 5.1: a vote gives one mark per choice of "
                         "every question")
    for number, (v, q) in enumerate(zip(votes, election.questions, strict=True), start=1):
        if any(m not in (0, 1) for m in v) or not q.least <= sum(v) <= q.most:
            return Rejection("bad_vote", f"BALLOTS 5.1: question {number} takes between "
                             f"{q.least} and {q.most} marks of 0 or 1")
    e, key, s_point = election.hash(), election.public_key, base(secret)
    secret_bytes = encode_scalar(secret)

    def nonce(*label: bytes) -> int:
        return hash_to_scalar("nonce", secret_bytes, seed, *label)

    parts = [e, s_point]
    for qn, (v, q) in enumerate(zip(votes, election.questions, strict=True)):
        sum_alpha, sum_beta, sum_r = IDENTITY, IDENTITY, 0
        sealed = v[:q.encrypted()]
        for cn, m in enumerate(sealed):
            r = nonce(b"r", u32(qn), u32(cn))
            alpha, beta = base(r), add(mul(r, key), base(m))
            proof = proofs.interval(
                "choice", (e, s_point, u32(qn), u32(cn)), key, alpha, beta, r, m, 0, 1,
                lambda name, k, qn=qn, cn=cn: nonce(b"choice", u32(qn), u32(cn),
                                                    name.encode(), u32(k)))
            parts += [alpha, beta, proofs.encode_pairs(proof)]
            sum_alpha, sum_beta, sum_r = add(sum_alpha, alpha), add(sum_beta, beta), sum_r + r
        proof = proofs.interval(
            "count", (e, s_point, u32(qn)), key, sum_alpha, sum_beta, sum_r % L, sum(sealed),
            *q.count_range(),
            lambda name, k, qn=qn: nonce(b"count", u32(qn), name.encode(), u32(k)))
        parts.append(proofs.encode_pairs(proof))
    body = b"".join(parts)
    signature = proofs.schnorr("signature", (e, body), secret, s_point, nonce(b"signature"))
    return body + proofs.encode_pairs([signature])


@lru_cache(maxsize=16)
def _election_hash(election: Election) -> bytes:
    return election.hash()


def verify(election: Election, data: bytes) -> Ballot | Rejection:
    """The ballot's contents if it passes BALLOTS.md 5.6 steps 1-7, else the first refusal."""
    layout = _layout(election)
    if len(data) != layout.signature + 64:
        return Rejection("ballot_length", f"BALLOTS 5.6 step 1: a ballot of this election is "
                         f"{layout.signature + 64} bytes; this one is {len(data)}")
    e, key = _election_hash(election), election.public_key
    if data[:32] != e:
        return Rejection("wrong_election", "BALLOTS 5.6 step 2: the ballot names another "
                         "election")
    s_point = element(data[32:64])
    if s_point is None or s_point == IDENTITY:
        return Rejection("bad_element", "BALLOTS 5.6 step 3: the credential is not a group "
                         "element other than the identity")
    ciphertexts: list[Ciphertext] = []
    for qn, cn, at in layout.choices:
        alpha, beta = element(data[at:at + 32]), element(data[at + 32:at + 64])
        if alpha is None or beta is None:
            return Rejection("bad_element", f"BALLOTS 5.6 step 3: choice {cn + 1} of question "
                             f"{qn + 1} holds a point that is not a group element")
        ciphertexts.append((alpha, beta))
    choice_proofs = []
    for qn, cn, at in layout.choices:
        proof = proofs.pairs(data[at + 64:at + CHOICE_BYTES])
        if proof is None:
            return Rejection("bad_scalar", f"BALLOTS 5.6 step 4: the proof of choice {cn + 1} "
                             f"of question {qn + 1} holds a scalar not below the group order")
        choice_proofs.append(proof)
    count_proofs = []
    for qn, (at, end) in enumerate(layout.counts):
        proof = proofs.pairs(data[at:end])
        if proof is None:
            return Rejection("bad_scalar", f"BALLOTS 5.6 step 4: the count proof of question "
                             f"{qn + 1} holds a scalar not below the group order")
        count_proofs.append(proof)
    signature = proofs.pairs(data[layout.signature:])
    if signature is None:
        return Rejection("bad_scalar", "BALLOTS 5.6 step 4: the signature holds a scalar not "
                         "below the group order")
    if not proofs.schnorr_valid("signature", (e, data[:layout.signature]), s_point,
                                signature[0]):
        return Rejection("bad_signature", "BALLOTS 5.6 step 5: the credential's signature "
                         "over the ballot does not verify")
    for (qn, cn, _), (alpha, beta), proof in zip(layout.choices, ciphertexts, choice_proofs,
                                                 strict=True):
        if not proofs.interval_valid("choice", (e, s_point, u32(qn), u32(cn)), key, alpha,
                                     beta, 0, proof):
            return Rejection("bad_choice_proof", f"BALLOTS 5.6 step 6: the proof that choice "
                             f"{cn + 1} of question {qn + 1} holds 0 or 1 does not verify")
    grouped = []
    for qn, (q, proof) in enumerate(zip(election.questions, count_proofs, strict=True)):
        mine = [c for (n, _, _), c in zip(layout.choices, ciphertexts, strict=True) if n == qn]
        sum_alpha, sum_beta = mine[0]
        for alpha, beta in mine[1:]:
            sum_alpha, sum_beta = add(sum_alpha, alpha), add(sum_beta, beta)
        if not proofs.interval_valid("count", (e, s_point, u32(qn)), key, sum_alpha, sum_beta,
                                     q.count_range()[0], proof):
            return Rejection("bad_count_proof", f"BALLOTS 5.6 step 7: the proof that question "
                             f"{qn + 1} has between {q.least} and {q.most} choices marked "
                             "does not verify")
        grouped.append(tuple(mine))
    return Ballot(s_point, tuple(grouped), tracker(data))
