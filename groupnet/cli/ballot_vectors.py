"""The test vectors of member ballots: protocol/vectors/ballots.json (BALLOTS.md section 9).

One election from start to end, every byte fixed by named seeds: five trustees
make the key, one dealing a bad share (caught by a complaint), one complaining
falsely (refused), one publishing a wrong extraction (caught, and rebuilt from
the others' disclosed shares); members cast ballots, valid and forged; the
valid ones are added up, the trustees decrypt their shares of the totals (one
of them wrongly), and three shares give the count.

The forged ballots are made here, with the ballot module's own proofs given
values that are not the ones encrypted, and re-signed where the point is that
the proofs, not the signature, refuse them. `forge` is also what the tests use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ..procedure.ballots import ballot, keygen, proofs, tally
from ..procedure.ballots.ballot import Election
from ..procedure.ballots.ristretto import (
    IDENTITY,
    L,
    add,
    base,
    encode_scalar,
    hash_to_scalar,
    mul,
    u32,
)
from ..wire.rejection import Rejection

SEED_PREFIX = b"groupnet/v1/test-vector-ballot\n"
ELECTION_ID = hashlib.sha256(b"groupnet/v1/test-vector-election").digest()
THRESHOLD, TRUSTEES = 3, 5
QUESTIONS = (ballot.YES_NO_ABSTAIN, ballot.up_to(2, 4))
# An encoding that is a point of edwards25519 (its base point, RFC 8032) but no
# ristretto255 encoding, and one with a field element not reduced mod 2^255 − 19.
EDWARDS_BASE = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")
UNREDUCED = bytes.fromhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")


def seed(label: str) -> bytes:
    """The fixed 32 bytes called `label`: SHA-256(SEED_PREFIX ‖ label)."""
    return hashlib.sha256(SEED_PREFIX + label.encode()).digest()


def sign(election: Election, secret: int, body: bytes, label: str = "signature") -> bytes:
    """`body` (a ballot without its signature) signed by the credential `secret`."""
    w = hash_to_scalar("nonce", encode_scalar(secret), seed(label), b"signature")
    pair = proofs.schnorr("signature", (election.hash(), body), secret, base(secret), w)
    return body + proofs.encode_pairs([pair])


def forge(election: Election, secret: int, plain: Sequence[Sequence[int]], label: str,
          claims: Sequence[Sequence[int]] | None = None,
          counts: Sequence[int] | None = None) -> bytes:
    """A ballot encrypting `plain` whose proofs claim `claims` per choice, `counts` per question
    (the marks of its encrypted choices, BALLOTS.md 5.2).

    With the claims equal to what is encrypted it is a valid ballot, as `cast`
    makes one; a claim that differs gives a proof that does not verify.
    """
    claims = claims if claims is not None else plain
    counts = counts if counts is not None else [
        sum(v[:q.encrypted()]) for v, q in zip(claims, election.questions, strict=True)]
    e, key, s_point = election.hash(), election.public_key, base(secret)

    def nonce(*parts: bytes) -> int:
        return hash_to_scalar("nonce", encode_scalar(secret), seed(label), *parts)

    parts = [e, s_point]
    for qn, q in enumerate(election.questions):
        sum_alpha, sum_beta, sum_r = IDENTITY, IDENTITY, 0
        for cn in range(q.encrypted()):
            r = nonce(b"r", u32(qn), u32(cn))
            alpha, beta = base(r), add(mul(r, key), base(plain[qn][cn]))
            proof = proofs.interval(
                "choice", (e, s_point, u32(qn), u32(cn)), key, alpha, beta, r,
                claims[qn][cn], 0, 1,
                lambda name, k, qn=qn, cn=cn: nonce(b"choice", u32(qn), u32(cn),
                                                    name.encode(), u32(k)))
            parts += [alpha, beta, proofs.encode_pairs(proof)]
            sum_alpha, sum_beta, sum_r = add(sum_alpha, alpha), add(sum_beta, beta), sum_r + r
        proof = proofs.interval(
            "count", (e, s_point, u32(qn)), key, sum_alpha, sum_beta, sum_r % L, counts[qn],
            *q.count_range(), lambda name, k, qn=qn: nonce(b"count", u32(qn), name.encode(),
                                                           u32(k)))
        parts.append(proofs.encode_pairs(proof))
    return sign(election, secret, b"".join(parts), label)


def body(data: bytes) -> bytes:
    return data[:-64]


def choice_at(election: Election, question: int, choice: int) -> int:
    """Where the 192-byte block of a choice (both from 0) starts in a ballot."""
    at = 64
    for qn, q in enumerate(election.questions):
        if qn == question:
            return at + choice * ballot.CHOICE_BYTES
        lo, hi = q.count_range()
        at += q.encrypted() * ballot.CHOICE_BYTES + (hi - lo + 1) * 64
    raise IndexError(question)


def _ceremony() -> tuple[keygen.Ceremony, list[int], dict]:
    secrets, trustees = [], []
    for j in range(1, TRUSTEES + 1):
        k, key = keygen.trustee_key(seed(f"trustee {j}"))
        secrets.append(k)
        trustees.append({"index": j, "seed": seed(f"trustee {j}").hex(),
                         "secret": encode_scalar(k).hex(), "key": key.hex(),
                         "key_proof": keygen.key_proof(ELECTION_ID, j, k,
                                                       seed(f"key proof {j}")).hex()})
    ceremony = keygen.Ceremony(ELECTION_ID, THRESHOLD, tuple(bytes.fromhex(t["key"])
                                                             for t in trustees))
    return ceremony, secrets, {"election_id": ELECTION_ID.hex(), "threshold": THRESHOLD,
                               "hash": ceremony.hash().hex(), "trustees": trustees}


def _checked(value):  # type: ignore[no-untyped-def]
    if isinstance(value, Rejection):
        raise AssertionError(f"the vector generator made something refused: {value}")
    return value


def document() -> dict:
    ceremony, secrets, ceremony_doc = _ceremony()
    deals_raw = {i: keygen.deal(ceremony, i, secrets[i - 1], seed(f"deal {i}"))
                 for i in range(1, TRUSTEES + 1)}
    # Trustee 2 seals a share for trustee 4 that its commitments do not vouch for.
    cheat = bytearray(deals_raw[2])
    cheat[32 * THRESHOLD + 96 * 3 + 32] ^= 1
    deals_raw[2] = bytes(cheat)
    deals = {i: _checked(keygen.read_deal(ceremony, i, d)) for i, d in deals_raw.items()}
    complaints = []

    def complaint(dealer: int, trustee: int, extracted: list[bytes] | None,
                  description: str) -> bool:
        data = keygen.complain(ceremony, deals[dealer], dealer, trustee, secrets[trustee - 1],
                               seed(f"complaint {trustee} {dealer}"))
        verdict = keygen.check_complaint(ceremony, deals[dealer], dealer, trustee, data,
                                         extracted)
        complaints.append({
            "description": description, "phase": "deal" if extracted is None else "extract",
            "dealer": dealer, "trustee": trustee, "complaint": data.hex(),
            "expect": {"upheld": verdict is None,
                       "code": None if verdict is None else verdict.code}})
        return verdict is None

    assert complaint(2, 4, None, "trustee 2's share for trustee 4 does not match its "
                     "Pedersen commitments")
    assert not complaint(1, 5, None, "trustee 5 complains of a share from trustee 1 that "
                         "matches")
    qualified = [i for i in deals if i != 2]
    extracts = {i: keygen.extract(ceremony, secrets[i - 1], seed(f"deal {i}"))
                for i in qualified}
    # Trustee 5 publishes the extraction of another polynomial than the one it dealt.
    extracts[5] = keygen.extract(ceremony, secrets[4], seed("another deal 5"))
    extracted = {i: _checked(keygen.read_extract(ceremony, i, x)) for i, x in extracts.items()}
    assert complaint(5, 1, extracted[5], "trustee 5's extraction does not match trustee 1's "
                     "share")
    disclosures, disclosed = [], {}
    for j in (1, 2, 3):
        data = keygen.disclose(ceremony, deals[5], 5, j, secrets[j - 1])
        disclosed[j] = _checked(keygen.check_disclosure(deals[5], 5, j, data))[0]
        disclosures.append({"dealer": 5, "trustee": j, "shares": data.hex()})
    extracted[5] = keygen.rebuild(disclosed, THRESHOLD)
    public_key = keygen.election_key(extracted)
    shares = {j: keygen.secret_share({
        i: keygen.open_share(ceremony, deals[i], i, j, secrets[j - 1])[0]  # type: ignore[index]
        for i in qualified}) for j in range(1, TRUSTEES + 1)}
    keys = {j: keygen.verification_key(extracted, j) for j in range(1, TRUSTEES + 1)}
    assert all(base(shares[j]) == keys[j] for j in keys)

    election = Election(ELECTION_ID, public_key, QUESTIONS)
    credentials = {name: ballot.credential(seed(f"credential {name}"))
                   for name in ("ada", "ben", "cai", "dee", "eve")}
    valid = [("ada", [[1, 0, 0], [1, 1, 0, 0]]), ("ben", [[0, 1, 0], [0, 0, 0, 0]]),
             ("cai", [[0, 0, 1], [0, 1, 0, 1]]), ("dee", [[1, 0, 0], [0, 0, 1, 0]])]
    ballots = []

    def add_ballot(description: str, data: bytes, code: str | None,
                   votes: list[list[int]] | None = None, label: str | None = None) -> None:
        verdict = ballot.verify(election, data)
        found = None if isinstance(verdict, ballot.Ballot) else verdict.code
        assert found == code, (description, verdict)
        entry: dict = {"description": description, "ballot": data.hex(),
                       "tracker": ballot.tracker(data).hex(),
                       "expect": {"valid": code is None, "code": code}}
        if votes is not None:
            entry["votes"], entry["seed"] = votes, seed(label or "").hex()
        ballots.append(entry)

    for name, votes in valid:
        data = _checked(ballot.cast(election, credentials[name][0], votes,
                                    seed(f"ballot {name}")))
        add_ballot(f"{name} votes", data, None, votes, f"ballot {name}")
    eve, _ = credentials["eve"]
    good = _checked(ballot.cast(election, eve, [[0, 1, 0], [0, 0, 1, 1]], seed("ballot eve")))
    other = Election(hashlib.sha256(b"another election").digest(), public_key, QUESTIONS)
    first = choice_at(election, 0, 0)
    second = choice_at(election, 0, 1)
    add_ballot("a ballot one byte short", good[:-1], "ballot_length")
    add_ballot("a ballot for another election", _checked(ballot.cast(
        other, eve, [[0, 1, 0], [0, 0, 1, 1]], seed("ballot eve"))), "wrong_election")
    add_ballot("the identity as the credential",
               good[:32] + IDENTITY + good[64:], "bad_element")
    add_ballot("a choice's α is an edwards25519 point, not a ristretto255 encoding",
               sign(election, eve, body(good)[:first] + EDWARDS_BASE
                    + body(good)[first + 32:]), "bad_element")
    add_ballot("a choice's β is a field element not reduced (non-canonical)",
               sign(election, eve, body(good)[:first + 32] + UNREDUCED
                    + body(good)[first + 64:]), "bad_element")
    z = int.from_bytes(good[first + 96:first + 128], "little")
    add_ballot("a proof scalar written as z + L (non-canonical)",
               sign(election, eve, body(good)[:first + 96] + (z + L).to_bytes(32, "little")
                    + body(good)[first + 128:]), "bad_scalar")
    add_ballot("the signature made by another credential's secret",
               sign(election, credentials["ada"][0], body(good)), "bad_signature")
    flipped = bytearray(good)
    flipped[first + 70] ^= 1
    add_ballot("one byte of a proof changed after signing", bytes(flipped), "bad_signature")
    add_ballot("a 2 encrypted in a 0/1 choice", forge(
        election, eve, [[2, 0, 0], [0, 0, 1, 1]], "forged eve",
        claims=[[1, 0, 0], [0, 0, 1, 1]]), "bad_choice_proof")
    add_ballot("a choice encrypting 1 whose proof says 0 (a wrong choice encrypted)", forge(
        election, eve, [[1, 1, 0], [0, 0, 1, 1]], "forged eve",
        claims=[[0, 1, 0], [0, 0, 1, 1]]), "bad_choice_proof")
    block = ballot.CHOICE_BYTES
    swapped = body(good)[:first] + body(good)[second:second + block] \
        + body(good)[first:first + block] + body(good)[second + block:]
    add_ballot("two choices' ciphertexts and proofs swapped, re-signed",
               sign(election, eve, swapped), "bad_choice_proof")
    ada = bytes.fromhex(ballots[0]["ballot"])
    add_ballot("a choice copied from another member's ballot, re-signed", sign(
        election, eve, body(good)[:first] + ada[first:first + block]
        + body(good)[first + block:]), "bad_choice_proof")
    add_ballot("another member's ballot with eve's credential, re-signed", sign(
        election, eve, ada[:32] + base(eve) + body(ada)[64:]), "bad_choice_proof")
    add_ballot("two marks where exactly one is allowed", forge(
        election, eve, [[1, 1, 0], [0, 0, 1, 1]], "forged eve", counts=[1, 2]),
        "bad_count_proof")
    add_ballot("three marks where up to two are allowed", forge(
        election, eve, [[0, 1, 0], [1, 0, 1, 1]], "forged eve", counts=[1, 2]),
        "bad_count_proof")

    counted = [_checked(ballot.verify(election, bytes.fromhex(b["ballot"])))
               for b in ballots if b["expect"]["valid"]]
    totals = tally.total(election, counted)
    partials, found = [], {}
    for j in range(1, TRUSTEES + 1):
        secret = shares[j] if j != 2 else (shares[2] + 1) % L
        data = tally.decrypt_share(election, totals, j, secret, seed(f"partial {j}"))
        verdict = tally.check_share(election, totals, j, keys[j], data)
        code = verdict.code if isinstance(verdict, Rejection) else None
        if code is None:
            found[j] = verdict
        partials.append({"trustee": j, "data": data.hex(),
                         "description": "made with a secret that is not trustee 2's" if j == 2
                         else f"trustee {j}'s partial decryption",
                         "expect": {"valid": code is None, "code": code}})
    result = _checked(tally.combine(election, totals, found, THRESHOLD))
    assert result == [[2, 1, 1], [1, 2, 1, 1]], result
    return {
        "description": "One election from key generation to count (protocol/BALLOTS.md): "
                       "5 trustees, threshold 3; two questions, yes/no/abstain and up to 2 "
                       "of 4; valid and forged ballots; partial decryptions; the result.",
        "seed_prefix": SEED_PREFIX.decode(),
        "ceremony": ceremony_doc,
        "deals": [{"dealer": i, "seed": seed(f"deal {i}").hex(), "deal": deals_raw[i].hex()}
                  for i in sorted(deals_raw)],
        "complaints": complaints,
        "qualified": qualified,
        "extracts": [{"dealer": i, "extract": x.hex()} for i, x in sorted(extracts.items())],
        "disclosures": disclosures,
        "election_key": public_key.hex(),
        "verification_keys": [{"trustee": j, "key": k.hex()} for j, k in sorted(keys.items())],
        "election": {"election_id": ELECTION_ID.hex(), "public_key": public_key.hex(),
                     "questions": [[q.choices, q.least, q.most] for q in QUESTIONS],
                     "hash": election.hash().hex()},
        "credentials": [{"name": name, "seed": seed(f"credential {name}").hex(),
                         "secret": encode_scalar(s).hex(), "public": point.hex()}
                        for name, (s, point) in credentials.items()],
        "ballots": ballots,
        "tally": {"ballots": totals.ballots, "totals": totals.encode().hex(),
                  "partial_decryptions": partials, "result": result},
    }

