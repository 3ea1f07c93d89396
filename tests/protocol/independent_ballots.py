"""A second checker of member ballots, written from protocol/BALLOTS.md alone.

It imports nothing of groupnet: only the standard library and libsodium's
ristretto255 (through rbcl) for the group law, as BALLOTS.md 2.1 allows. It reads
vectors/ballots.json and recomputes every verdict, hash, key and count from the
bytes, and lists where it disagrees with what the file expects. Run it as

    python tests/protocol/independent_ballots.py protocol/vectors/ballots.json
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import rbcl

# -- 2.1, 2.2: the group and scalars ------------------------------------------------

ORDER = 2**252 + 27742317777372353535851937790883648493
ZERO_POINT = bytes(32)


class Bad(Exception):
    """A refusal: its argument is the code of BALLOTS.md section 8."""


def point(b: bytes) -> bytes:
    """BALLOTS 2.1: decode, refusing what is not canonical (libsodium's check)."""
    if len(b) != 32 or not rbcl.crypto_core_ristretto255_is_valid_point(b):
        raise Bad("bad_element")
    return b


def number(b: bytes) -> int:
    """BALLOTS 2.2: a scalar below the order, else bad_scalar."""
    n = int.from_bytes(b, "little")
    if len(b) != 32 or n >= ORDER:
        raise Bad("bad_scalar")
    return n


def le32(n: int) -> bytes:
    return (n % ORDER).to_bytes(32, "little")


def times(n: int, p: bytes) -> bytes:
    return rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero(le32(n), p)


def times_g(n: int) -> bytes:
    return rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero(le32(n))


def plus(*ps: bytes) -> bytes:
    out = ZERO_POINT
    for p in ps:
        out = rbcl.crypto_core_ristretto255_add(out, p)
    return out


def minus(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_sub(p, q)


GEN = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
assert times_g(1) == GEN


# -- 2.3, 2.4, 2.5: framing and hashes -------------------------------------------------


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def framed(*items: bytes) -> bytes:
    return b"".join(u32(len(x)) + x for x in items)


def xmd(msg: bytes, dst: bytes, n: int) -> bytes:
    """RFC 9380 5.3.1, SHA-512."""
    dst_prime = dst + bytes([len(dst)])
    b0 = hashlib.sha512(b"\0" * 128 + msg + n.to_bytes(2, "big") + b"\0" + dst_prime).digest()
    out, prev = b"", b"\0" * 64
    for i in range(1, math.ceil(n / 64) + 1):
        prev = hashlib.sha512(bytes(x ^ y for x, y in zip(b0, prev, strict=True)) + bytes([i])
                              + dst_prime).digest()
        out += prev
    return out[:n]


def hs(name: str, *items: bytes) -> int:
    return int.from_bytes(xmd(framed(*items), b"groupnet/v1/ballot/" + name.encode(), 64),
                          "little") % ORDER


SECOND = rbcl.crypto_core_ristretto255_from_hash(
    xmd(b"", b"groupnet/v1/ballot/pedersen-generator", 64))
assert SECOND.hex() == "04689d8074db85efe63212abd4c4a28b85c7db0ea093643435af7326b435e34e"


# -- 3: proofs ---------------------------------------------------------------------------


def pair_list(b: bytes) -> list[tuple[int, int]]:
    return [(number(b[i:i + 32]), number(b[i + 32:i + 64])) for i in range(0, len(b), 64)]


def schnorr_ok(name: str, context: list[bytes], x_point: bytes, c: int, z: int) -> bool:
    r = minus(times_g(z), times(c, x_point))
    return c == hs(name, *context, x_point, r)


def equal_logs_ok(name: str, context: list[bytes], g1: bytes, h1: bytes, g2: bytes, h2: bytes,
                  c: int, z: int) -> bool:
    a = minus(times(z, g1), times(c, h1))
    b = minus(times(z, g2), times(c, h2))
    return c == hs(name, *context, g1, h1, g2, h2, a, b)


def range_ok(name: str, context: list[bytes], y: bytes, alpha: bytes, beta: bytes, lo: int,
             proof: list[tuple[int, int]]) -> bool:
    commitments: list[bytes] = []
    for offset, (c, z) in enumerate(proof):
        k = lo + offset
        commitments.append(minus(times_g(z), times(c, alpha)))
        commitments.append(minus(times(z, y), times(c, minus(beta, times_g(k)))))
    return sum(c for c, _ in proof) % ORDER == hs(name, *context, alpha, beta, *commitments)


# -- 4, 5: elections and ballots -----------------------------------------------------


def election_hash(election_id: bytes, y: bytes, questions: list[list[int]]) -> bytes:
    items = [b"groupnet/v1/ballot/election", election_id, y, u32(len(questions))]
    for choices, least, most in questions:
        items += [u32(choices), u32(least), u32(most)]
    return hashlib.sha256(framed(*items)).digest()


def shape(choices: int, least: int, most: int) -> tuple[int, int, int]:
    """BALLOTS 5.2: how many choices are encrypted, and the count proof's range."""
    if least == most and choices >= 2:
        return choices - 1, max(0, least - 1), min(most, choices - 1)
    return choices, least, most


def check_ballot(e: bytes, y: bytes, questions: list[list[int]],
                 ballot: bytes) -> list[list[tuple[bytes, bytes]]]:
    """BALLOTS 5.6, steps 1 to 7; the ciphertexts per question if the ballot is valid."""
    shapes = [shape(*q) for q in questions]
    size = 64 + sum(192 * n + 64 * (hi - lo + 1) for n, lo, hi in shapes) + 64
    if len(ballot) != size:
        raise Bad("ballot_length")
    if ballot[:32] != e:
        raise Bad("wrong_election")
    cred = point(ballot[32:64])
    if cred == ZERO_POINT:
        raise Bad("bad_element")
    # walk the layout of 5.2 once, keeping where everything is
    pos, slots, count_slots = 64, [], []
    for q, (n, lo, hi) in enumerate(shapes):
        for i in range(n):
            slots.append((q, i, pos))
            pos += 192
        count_slots.append((pos, pos + 64 * (hi - lo + 1)))
        pos += 64 * (hi - lo + 1)
    cts = {(q, i): (point(ballot[p:p + 32]), point(ballot[p + 32:p + 64]))
           for q, i, p in slots}
    choice_proofs = {(q, i): pair_list(ballot[p + 64:p + 192]) for q, i, p in slots}
    count_proofs = [pair_list(ballot[a:b]) for a, b in count_slots]
    [(c, z)] = pair_list(ballot[pos:])
    if not schnorr_ok("signature", [e, ballot[:pos]], cred, c, z):
        raise Bad("bad_signature")
    for q, i, _ in slots:
        alpha, beta = cts[q, i]
        if not range_ok("choice", [e, cred, u32(q), u32(i)], y, alpha, beta, 0,
                        choice_proofs[q, i]):
            raise Bad("bad_choice_proof")
    out = []
    for q, (n, lo, _) in enumerate(shapes):
        row = [cts[q, i] for i in range(n)]
        total = (plus(*(a for a, _ in row)), plus(*(b for _, b in row)))
        if not range_ok("count", [e, cred, u32(q)], y, total[0], total[1], lo,
                        count_proofs[q]):
            raise Bad("bad_count_proof")
        out.append(row)
    return out


# -- 6: key generation ---------------------------------------------------------------


def at_index(points: list[bytes], j: int) -> bytes:
    """Σ_k j^k·P_k."""
    return plus(*(times(pow(j, k, ORDER), p) for k, p in enumerate(points)))


def unseal(d: bytes, dealer: int, trustee: int, e_point: bytes, shared: bytes,
           sealed: bytes) -> tuple[int, int]:
    pad = xmd(framed(d, u32(dealer), u32(trustee), e_point, shared),
              b"groupnet/v1/ballot/share", 64)
    plain = bytes(x ^ y for x, y in zip(sealed, pad, strict=True))
    return number(plain[:32]), number(plain[32:])


def pedersen_ok(commitments: list[bytes], j: int, a: int, b: int) -> bool:
    return plus(times_g(a), times(b, SECOND)) == at_index(commitments, j)


def complaint_verdict(d: bytes, keys: list[bytes], dealer: int, trustee: int,
                      deal: tuple[list[bytes], list[tuple[bytes, bytes]]], data: bytes,
                      extract: list[bytes] | None) -> str | None:
    """None if upheld, else the refusal code (BALLOTS 6.3, 6.5)."""
    try:
        if len(data) != 96:
            raise Bad("bad_element")
        shared = point(data[:32])
        [(c, z)] = pair_list(data[32:])
    except Bad:
        return "bad_complaint"
    e_point, sealed = deal[1][trustee - 1]
    if not equal_logs_ok("complaint", [d, u32(dealer), u32(trustee)], GEN, keys[trustee - 1],
                         e_point, shared, c, z):
        return "bad_complaint"
    try:
        a, b = unseal(d, dealer, trustee, e_point, shared, sealed)
    except Bad:
        return None
    if not pedersen_ok(deal[0], trustee, a, b):
        return None
    if extract is not None and times_g(a) != at_index(extract, trustee):
        return None
    return "false_complaint"


def interpolate(points: list[tuple[int, int]]) -> list[int]:
    """The coefficients, lowest first, of the polynomial through `points`, mod the order."""
    coefficients = [0] * len(points)
    for j, value in points:
        poly, scale = [1], value
        for m, _ in points:
            if m == j:
                continue
            poly = [((poly[k - 1] if k > 0 else 0) - m * (poly[k] if k < len(poly) else 0))
                    % ORDER for k in range(len(poly) + 1)]
            scale = scale * pow(j - m, -1, ORDER) % ORDER
        for k in range(len(poly)):
            coefficients[k] = (coefficients[k] + scale * poly[k]) % ORDER
    return coefficients


# -- 7: the count ------------------------------------------------------------------------


def small_log(target: bytes, n: int) -> int | None:
    """The M in 0..n with M·G = target, by walking: fine for a vector's few ballots."""
    current = ZERO_POINT
    for m in range(n + 1):
        if current == target:
            return m
        current = plus(current, GEN)
    return None


# -- the vectors -------------------------------------------------------------------------


def check(doc: dict) -> list[str]:
    """Every disagreement between BALLOTS.md, as read here, and the vectors."""
    problems: list[str] = []

    def expect(what: str, found: object, wanted: object) -> None:
        if found != wanted:
            problems.append(f"{what}: computed {found!r}, the vectors say {wanted!r}")

    h = bytes.fromhex
    cer = doc["ceremony"]
    eid, t = h(cer["election_id"]), cer["threshold"]
    keys = [h(x["key"]) for x in cer["trustees"]]
    m = len(keys)
    for x in cer["trustees"]:
        expect(f"trustee {x['index']} key from its secret", times_g(int.from_bytes(
            h(x["secret"]), "little")), h(x["key"]))
        [(c, z)] = pair_list(h(x["key_proof"]))
        expect(f"trustee {x['index']} key proof", schnorr_ok(
            "trustee-key", [eid, u32(x["index"])], h(x["key"]), c, z), True)
    d = hashlib.sha256(framed(b"groupnet/v1/ballot/ceremony", eid, u32(t), u32(m),
                              *keys)).digest()
    expect("ceremony hash", d.hex(), cer["hash"])

    deals = {}
    for x in doc["deals"]:
        raw = h(x["deal"])
        if len(raw) != 32 * t + 96 * m:
            problems.append(f"deal {x['dealer']}: length")
            continue
        commitments = [point(raw[32 * k:32 * k + 32]) for k in range(t)]
        sealed = [(point(raw[32 * t + 96 * n:32 * t + 96 * n + 32]),
                   raw[32 * t + 96 * n + 32:32 * t + 96 * n + 96]) for n in range(m)]
        deals[x["dealer"]] = (commitments, sealed)
    extracts = {x["dealer"]: [point(h(x["extract"])[32 * k:32 * k + 32]) for k in range(t)]
                for x in doc["extracts"]}
    out_at_deal, rebuild = set(), set()
    for x in doc["complaints"]:
        against = extracts[x["dealer"]] if x["phase"] == "extract" else None
        verdict = complaint_verdict(d, keys, x["dealer"], x["trustee"], deals[x["dealer"]],
                                    h(x["complaint"]), against)
        expect(f"complaint of {x['trustee']} against {x['dealer']}",
               {"upheld": verdict is None, "code": verdict}, x["expect"])
        if verdict is None:
            (rebuild if against is not None else out_at_deal).add(x["dealer"])
    qualified = sorted(set(deals) - out_at_deal)
    expect("qualified set", qualified, doc["qualified"])
    for dealer in sorted(rebuild):
        shares = []
        for x in doc["disclosures"]:
            if x["dealer"] != dealer:
                continue
            raw = h(x["shares"])
            a, b = number(raw[:32]), number(raw[32:])
            if pedersen_ok(deals[dealer][0], x["trustee"], a, b):
                shares.append((x["trustee"], a))
        shares = sorted(shares)[:t]
        if len(shares) < t:
            problems.append(f"dealer {dealer}: fewer than {t} valid disclosures")
            continue
        extracts[dealer] = [times_g(a) for a in interpolate(shares)]
    y = plus(*(extracts[i][0] for i in qualified))
    expect("election key", y.hex(), doc["election_key"])
    for x in doc["verification_keys"]:
        expect(f"verification key {x['trustee']}",
               plus(*(at_index(extracts[i], x["trustee"]) for i in qualified)).hex(), x["key"])
    vkeys = {x["trustee"]: plus(*(at_index(extracts[i], x["trustee"]) for i in qualified))
             for x in doc["verification_keys"]}

    el = doc["election"]
    questions = el["questions"]
    expect("the election's key is the ceremony's", el["public_key"], y.hex())
    e = election_hash(h(el["election_id"]), y, questions)
    expect("election hash", e.hex(), el["hash"])
    for x in doc["credentials"]:
        expect(f"credential {x['name']}", times_g(int.from_bytes(h(x["secret"]), "little")),
               h(x["public"]))

    counted = []
    for x in doc["ballots"]:
        raw = h(x["ballot"])
        expect(f"tracker of {x['description']}", hashlib.sha256(
            b"groupnet/v1/ballot/tracker" + raw).hexdigest(), x["tracker"])
        try:
            counted.append(check_ballot(e, y, questions, raw))
            verdict = {"valid": True, "code": None}
        except Bad as refusal:
            verdict = {"valid": False, "code": refusal.args[0]}
        expect(f"ballot {x['description']!r}", verdict, x["expect"])

    tal = doc["tally"]
    expect("number of ballots counted", len(counted), tal["ballots"])
    totals = []
    for q, question in enumerate(questions):
        for i in range(shape(*question)[0]):
            totals.append((plus(*(b[q][i][0] for b in counted)),
                           plus(*(b[q][i][1] for b in counted))))
    expect("encrypted totals", b"".join(a + b for a, b in totals).hex(), tal["totals"])
    good: dict[int, list[bytes]] = {}
    for x in tal["partial_decryptions"]:
        j, raw = x["trustee"], h(x["data"])
        verdict = {"valid": True, "code": None}
        try:
            if len(raw) != 96 * len(totals):
                raise Bad("share_length")
            ds = []
            for n, (alpha, _) in enumerate(totals):
                block = raw[96 * n:96 * n + 96]
                dn = point(block[:32])
                try:
                    [(c, z)] = pair_list(block[32:])
                except Bad as bad:
                    raise Bad("bad_element") from bad
                if not equal_logs_ok("partial", [e, u32(j), u32(n)], GEN, vkeys[j], alpha, dn,
                                     c, z):
                    raise Bad("bad_partial_decryption")
                ds.append(dn)
            good[j] = ds
        except Bad as refusal:
            verdict = {"valid": False, "code": refusal.args[0]}
        expect(f"partial decryption of trustee {j}", verdict, x["expect"])
    if len(good) < t:
        problems.append("fewer than t valid partial decryptions")
        return problems
    # Any t agree (7.3): check every choice of t, not only the lowest.
    results = set()
    for chosen in _subsets(sorted(good), t):
        flat = []
        for n, (_, beta) in enumerate(totals):
            mask = ZERO_POINT
            for j in chosen:
                weight = 1
                for other in chosen:
                    if other != j:
                        weight = weight * other * pow(other - j, -1, ORDER) % ORDER
                mask = plus(mask, times(weight, good[j][n]))
            flat.append(small_log(minus(beta, mask), len(counted)))
        rows, at = [], 0
        for choices, least, most in questions:
            n = shape(choices, least, most)[0]
            row = flat[at:at + n]
            if n < choices:  # 7.3: the last choice has what the fixed marks leave
                row.append(least * len(counted) - sum(row))
            rows.append(row)
            at += n
        results.add(json.dumps(rows))
    expect("result, from every set of t trustees", sorted(results), [json.dumps(tal["result"])])
    return problems


def _subsets(items: list[int], size: int) -> list[list[int]]:
    if size == 0:
        return [[]]
    return [[items[i], *rest] for i in range(len(items))
            for rest in _subsets(items[i + 1:], size - 1)]


def main(argv: list[str]) -> int:
    problems = check(json.loads(Path(argv[1]).read_text(encoding="utf-8")))
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
