"""Member ballots (protocol/BALLOTS.md): what a member casts counts, what is forged is refused.

Everything runs on fixed seeds: a ceremony of five trustees (threshold 3), ballots
cast and checked, forged ballots refused with the rule they break, the encrypted
totals decrypted by any three trustees.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import pytest

from groupnet.cli.ballot_vectors import choice_at, forge, seed, sign
from groupnet.procedure.ballots import ballot, keygen, tally
from groupnet.procedure.ballots.ballot import Election, Question
from groupnet.procedure.ballots.ristretto import (
    IDENTITY,
    G,
    L,
    base,
    element,
    expand_message_xmd,
    hash_to_scalar,
)
from groupnet.wire.rejection import Rejection

ELECTION_ID = bytes(range(32))
EDWARDS_BASE = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")


class Ceremony:
    """Five trustees make a key; `cheat` says who deals or extracts badly, and how."""

    def __init__(self, bad_share: tuple[int, int] | None = None,
                 bad_extract: int | None = None) -> None:
        pairs = [keygen.trustee_key(seed(f"t{j}")) for j in range(1, 6)]
        self.secrets = [k for k, _ in pairs]
        self.ceremony = keygen.Ceremony(ELECTION_ID, 3, tuple(key for _, key in pairs))
        self.deals = {}
        for i in range(1, 6):
            data = bytearray(keygen.deal(self.ceremony, i, self.secrets[i - 1], seed(f"d{i}")))
            if bad_share and bad_share[0] == i:
                data[32 * 3 + 96 * (bad_share[1] - 1) + 40] ^= 4
            self.deals[i] = keygen.read_deal(self.ceremony, i, bytes(data))
        self.bad_extract = bad_extract

    def complaint(self, dealer: int, trustee: int, extracted=None) -> Rejection | None:
        data = keygen.complain(self.ceremony, self.deals[dealer], dealer, trustee,
                               self.secrets[trustee - 1], seed("c"))
        return keygen.check_complaint(self.ceremony, self.deals[dealer], dealer, trustee,
                                      data, extracted)

    def share(self, dealer: int, trustee: int, extracted=None):
        return keygen.open_share(self.ceremony, self.deals[dealer], dealer, trustee,
                                 self.secrets[trustee - 1], extracted)

    def extract(self, dealer: int) -> list[bytes]:
        label = f"d{dealer}" if dealer != self.bad_extract else "another polynomial"
        return keygen.read_extract(self.ceremony, dealer, keygen.extract(
            self.ceremony, self.secrets[dealer - 1], seed(label)))

    def finish(self, qualified: list[int], extracted: dict[int, list[bytes]]):
        """The election key, and each trustee's secret share with its verification key."""
        shares = {j: keygen.secret_share({i: self.share(i, j)[0] for i in qualified})
                  for j in range(1, 6)}
        keys = {j: keygen.verification_key(extracted, j) for j in range(1, 6)}
        return keygen.election_key(extracted), shares, keys


@pytest.fixture(scope="module")
def honest():
    c = Ceremony()
    extracted = {i: c.extract(i) for i in range(1, 6)}
    public_key, shares, keys = c.finish([1, 2, 3, 4, 5], extracted)
    return public_key, shares, keys


def election(public_key: bytes, *questions: Question) -> Election:
    return Election(ELECTION_ID, public_key, questions or (ballot.YES_NO_ABSTAIN,))


def count(e: Election, ballots: list[bytes], shares: dict[int, int], keys: dict[int, bytes],
          trustees=(1, 2, 3)) -> list[list[int]]:
    totals = tally.total(e, [ballot.verify(e, b) for b in ballots])
    found = {}
    for j in trustees:
        data = tally.decrypt_share(e, totals, j, shares[j], seed(f"p{j}"))
        found[j] = tally.check_share(e, totals, j, keys[j], data)
    return tally.combine(e, totals, found, 3)


def credential(name: str) -> int:
    return ballot.credential(seed(name))[0]


# -- the group and its hashes ----------------------------------------------------


def test_expand_message_xmd_gives_the_rfc_9380_sha_512_test_vectors():
    # RFC 9380 appendix K.3, expand_message_xmd(SHA-512).
    dst = b"QUUX-V01-CS02-with-expander-SHA512-256"
    assert expand_message_xmd(b"", dst, 32).hex() == (
        "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba")
    assert expand_message_xmd(b"abc", dst, 32).hex() == (
        "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc")
    assert expand_message_xmd(b"abc", dst, 128).hex() == (
        "7f1dddd13c08b543f2e2037b14cefb255b44c83cc397c1786d975653e36a6b11"
        "bdd7732d8b38adb4a0edc26a0cef4bb45217135456e58fbca1703cd6032cb134"
        "7ee720b87972d63fbf232587043ed2901bce7f22610c0419751c065922b48843"
        "1851041310ad659e4b23520e1772ab29dcdeb2002222a363f0c2b1c972b3efe1")


def test_a_point_outside_the_ristretto_encodings_is_not_an_element():
    assert element(G) == G
    assert element(EDWARDS_BASE) is None
    assert element(bytes.fromhex("ed" + "ff" * 30 + "7f")) is None
    assert element(G[:31]) is None


def test_hashes_to_scalars_differ_by_domain_tag_and_stay_below_the_group_order():
    a, b = hash_to_scalar("choice", b"x"), hash_to_scalar("count", b"x")
    assert a != b and 0 <= a < L and 0 <= b < L


# -- casting and checking ----------------------------------------------------------


@pytest.mark.parametrize("question, votes", [
    (ballot.YES_NO_ABSTAIN, [1, 0, 0]),
    (ballot.YES_NO_ABSTAIN, [0, 0, 1]),
    (ballot.up_to(2, 4), [0, 1, 0, 1]),
    (ballot.up_to(2, 4), [0, 0, 0, 0]),
    (Question(5, 2, 3), [1, 1, 1, 0, 0]),
], ids=["yes", "abstain", "two of four", "blank", "two or three of five"])
def test_a_cast_ballot_of_each_question_type_passes_and_keeps_its_ciphertexts(
        honest, question, votes):
    public_key, _, _ = honest
    e = election(public_key, question)
    data = ballot.cast(e, credential("ada"), [votes], seed("ballot"))
    checked = ballot.verify(e, data)
    assert isinstance(checked, ballot.Ballot)
    assert checked.credential == base(credential("ada"))
    assert len(data) == ballot.length(e)
    assert checked.tracker == ballot.tracker(data)


def test_the_count_of_cast_ballots_is_what_the_members_marked(honest):
    public_key, shares, keys = honest
    e = election(public_key, ballot.YES_NO_ABSTAIN, ballot.up_to(2, 4))
    votes = [[[1, 0, 0], [1, 1, 0, 0]], [[0, 1, 0], [0, 0, 0, 0]],
             [[1, 0, 0], [0, 1, 0, 1]], [[0, 0, 1], [0, 0, 1, 0]]]
    cast = [ballot.cast(e, credential(f"m{n}"), v, seed(f"b{n}")) for n, v in enumerate(votes)]
    assert count(e, cast, shares, keys) == [[2, 1, 1], [1, 2, 1, 1]]


def test_the_sum_of_groups_totals_is_the_total_of_all_their_ballots(honest):
    """A node sums each ballot into its group's total once and adds the groups' totals up
    for the network's: the same points as summing every ballot."""
    public_key, _, _ = honest
    e = election(public_key, ballot.YES_NO_ABSTAIN, ballot.up_to(2, 4))
    marks = [[[1, 0, 0], [1, 1, 0, 0]], [[0, 1, 0], [0, 0, 0, 0]], [[0, 0, 1], [0, 0, 1, 0]],
             [[1, 0, 0], [0, 1, 0, 1]], [[0, 1, 0], [1, 0, 0, 0]]]
    checked = [ballot.verify(e, ballot.cast(e, credential(f"g{n}"), v, seed(f"s{n}")))
               for n, v in enumerate(marks)]
    groups = [tally.total(e, checked[:2]), tally.total(e, checked[2:3]),
              tally.total(e, checked[3:])]
    assert tally.sum_of(e, groups) == tally.total(e, checked)
    assert tally.sum_of(e, groups).ballots == 5
    assert tally.sum_of(e, []) == tally.total(e, [])


def test_a_vote_that_breaks_the_question_is_not_cast(honest):
    e = election(honest[0])
    for votes in ([[1, 1, 0]], [[0, 0, 0]], [[2, 0, 0]], [[1, 0]]):
        refused = ballot.cast(e, credential("ada"), votes, seed("b"))
        assert isinstance(refused, Rejection) and refused.code == "bad_vote"
        assert str(votes[0]) not in refused.reason


# -- forged ballots ------------------------------------------------------------------


def refusal(e: Election, data: bytes) -> str | None:
    verdict = ballot.verify(e, data)
    return verdict.code if isinstance(verdict, Rejection) else None


def test_a_2_in_a_0_1_slot_is_refused(honest):
    e = election(honest[0])
    forged = forge(e, credential("eve"), [[2, 0, 0]], "f", claims=[[1, 0, 0]])
    assert refusal(e, forged) == "bad_choice_proof"


def test_a_wrong_choice_encrypted_is_refused(honest):
    e = election(honest[0])
    forged = forge(e, credential("eve"), [[1, 1, 0]], "f", claims=[[0, 1, 0]])
    assert refusal(e, forged) == "bad_choice_proof"


def test_the_same_forger_with_honest_claims_makes_a_valid_ballot(honest):
    e = election(honest[0])
    assert refusal(e, forge(e, credential("eve"), [[0, 1, 0]], "f")) is None


def test_two_marks_on_yes_no_abstain_are_refused_by_the_count_proof(honest):
    e = election(honest[0])
    forged = forge(e, credential("eve"), [[1, 1, 0]], "f", counts=[1])
    assert refusal(e, forged) == "bad_count_proof"


def test_a_count_proof_claiming_a_mark_the_choices_do_not_hold_is_refused(honest):
    e = election(honest[0])
    forged = forge(e, credential("eve"), [[0, 0, 0]], "f", counts=[1])
    assert refusal(e, forged) == "bad_count_proof"


def test_yes_no_abstain_encrypts_two_choices_and_no_mark_on_them_counts_as_abstain(honest):
    """One mark is fixed, so the last choice is not encrypted (BALLOTS.md 5.2): a ballot
    cannot leave the question unmarked; nothing on yes or no is a mark on abstain."""
    public_key, shares, keys = honest
    e = election(public_key)
    assert ballot.length(e) == 64 + 2 * ballot.CHOICE_BYTES + 2 * 64 + 64
    blank = forge(e, credential("eve"), [[0, 0, 0]], "f")
    assert refusal(e, blank) is None
    yes = ballot.cast(e, credential("ada"), [[1, 0, 0]], seed("y"))
    assert count(e, [blank, yes], shares, keys) == [[1, 0, 1]]


def test_swapped_ciphertexts_are_refused_even_when_re_signed(honest):
    e = election(honest[0])
    eve = credential("eve")
    good = ballot.cast(e, eve, [[1, 0, 0]], seed("b"))
    a, b, size = choice_at(e, 0, 0), choice_at(e, 0, 1), ballot.CHOICE_BYTES
    swapped = good[:a] + good[b:b + size] + good[a:a + size] + good[b + size:-64]
    assert refusal(e, sign(e, eve, swapped)) == "bad_choice_proof"
    # only α and β swapped, each proof left where it was
    swapped = good[:a] + good[b:b + 64] + good[a + 64:b] + good[a:a + 64] + good[b + 64:-64]
    assert refusal(e, sign(e, eve, swapped)) == "bad_choice_proof"


def test_a_signature_by_another_credential_is_refused(honest):
    e = election(honest[0])
    good = ballot.cast(e, credential("eve"), [[1, 0, 0]], seed("b"))
    assert refusal(e, sign(e, credential("ada"), good[:-64])) == "bad_signature"


def test_another_members_ballot_under_a_new_credential_is_refused(honest):
    e = election(honest[0])
    ada = ballot.cast(e, credential("ada"), [[1, 0, 0]], seed("b"))
    taken = ada[:32] + base(credential("eve")) + ada[64:-64]
    assert refusal(e, sign(e, credential("eve"), taken)) == "bad_choice_proof"


def test_any_changed_byte_breaks_the_signature_or_an_encoding(honest):
    e = election(honest[0])
    good = ballot.cast(e, credential("eve"), [[0, 0, 1]], seed("b"))
    for at in range(32, len(good), 37):
        changed = bytearray(good)
        changed[at] ^= 0x10
        assert refusal(e, bytes(changed)) is not None, at


def test_a_point_not_in_the_group_is_refused(honest):
    e = election(honest[0])
    eve = credential("eve")
    good = ballot.cast(e, eve, [[0, 1, 0]], seed("b"))
    at = choice_at(e, 0, 1)
    assert refusal(e, sign(e, eve, good[:at] + EDWARDS_BASE + good[at + 32:-64])) == \
        "bad_element"
    assert refusal(e, good[:32] + IDENTITY + good[64:]) == "bad_element"


def test_a_non_canonical_encoding_is_refused(honest):
    e = election(honest[0])
    eve = credential("eve")
    good = ballot.cast(e, eve, [[0, 1, 0]], seed("b"))
    at = choice_at(e, 0, 0)
    unreduced = bytes.fromhex("ed" + "ff" * 30 + "7f")
    assert refusal(e, sign(e, eve, good[:at + 32] + unreduced + good[at + 64:-64])) == \
        "bad_element"
    c = int.from_bytes(good[at + 64:at + 96], "little")
    high = (c + L).to_bytes(32, "little")
    assert refusal(e, sign(e, eve, good[:at + 64] + high + good[at + 96:-64])) == "bad_scalar"
    s = int.from_bytes(good[-32:], "little")
    assert refusal(e, good[:-32] + (s + L).to_bytes(32, "little")) == "bad_scalar"


def test_a_ballot_of_another_election_or_length_is_refused(honest):
    e = election(honest[0])
    other = Election(bytes(32), honest[0], e.questions)
    good = ballot.cast(other, credential("eve"), [[0, 1, 0]], seed("b"))
    assert refusal(e, good) == "wrong_election"
    assert refusal(e, good + b"\x00") == "ballot_length"


# -- the trustees' key ------------------------------------------------------------------


def test_honest_trustees_agree_on_a_key_their_shares_answer_to(honest):
    public_key, shares, keys = honest
    assert public_key not in (IDENTITY, None)
    assert all(base(shares[j]) == keys[j] for j in keys)
    secret = sum(tally.lagrange_at_zero([1, 4, 5])[j] * shares[j] for j in (1, 4, 5)) % L
    assert base(secret) == public_key


def test_a_trustee_dealing_a_bad_share_is_caught_and_left_out():
    c = Ceremony(bad_share=(3, 1))
    assert c.share(3, 1) is None
    assert c.complaint(3, 1) is None  # upheld: trustee 3 is at fault
    qualified = [1, 2, 4, 5]
    extracted = {i: c.extract(i) for i in qualified}
    public_key, shares, keys = c.finish(qualified, extracted)
    assert all(base(shares[j]) == keys[j] for j in range(1, 6))
    e = election(public_key)
    cast = [ballot.cast(e, credential(f"m{n}"), [v], seed(f"b{n}"))
            for n, v in enumerate([[1, 0, 0], [1, 0, 0], [0, 1, 0]])]
    assert count(e, cast, shares, keys, trustees=(1, 3, 5)) == [[2, 1, 0]]


def test_a_false_complaint_is_refused():
    c = Ceremony()
    refused = c.complaint(2, 4)
    assert isinstance(refused, Rejection) and refused.code == "false_complaint"


def test_a_complaint_with_another_trustees_disclosure_is_refused():
    c = Ceremony(bad_share=(3, 1))
    data = keygen.complain(c.ceremony, c.deals[3], 3, 1, c.secrets[1], seed("c"))
    refused = keygen.check_complaint(c.ceremony, c.deals[3], 3, 1, data)
    assert isinstance(refused, Rejection) and refused.code == "bad_complaint"


def test_a_wrong_extraction_is_caught_and_the_polynomial_rebuilt_from_disclosed_shares():
    c = Ceremony(bad_extract=4)
    extracted = {i: c.extract(i) for i in range(1, 6)}
    assert c.share(4, 2, extracted[4]) is None
    assert c.complaint(4, 2, extracted[4]) is None
    disclosed = {}
    for j in (1, 3, 5):
        data = keygen.disclose(c.ceremony, c.deals[4], 4, j, c.secrets[j - 1])
        disclosed[j] = keygen.check_disclosure(c.deals[4], 4, j, data)[0]
    lie = keygen.disclose(c.ceremony, c.deals[4], 4, 2, c.secrets[1])
    lie = lie[:31] + bytes([lie[31] ^ 1]) + lie[32:]
    assert keygen.check_disclosure(c.deals[4], 4, 2, lie).code == "bad_disclosure"
    extracted[4] = keygen.rebuild(disclosed, 3)
    assert extracted[4] == keygen.read_extract(c.ceremony, 4, keygen.extract(
        c.ceremony, c.secrets[3], seed("d4")))
    public_key, shares, keys = c.finish([1, 2, 3, 4, 5], extracted)
    assert all(base(shares[j]) == keys[j] for j in keys)


def test_a_trustee_key_proof_binds_the_key_and_its_place():
    k, key = keygen.trustee_key(seed("t1"))
    proof = keygen.key_proof(ELECTION_ID, 1, k, seed("kp"))
    assert keygen.key_proof_valid(ELECTION_ID, 1, key, proof)
    assert not keygen.key_proof_valid(ELECTION_ID, 2, key, proof)
    assert not keygen.key_proof_valid(ELECTION_ID, 1, base(k + 1), proof)


# -- decrypting the count -----------------------------------------------------------------


def test_any_3_of_5_trustees_decrypt_the_same_count(honest):
    public_key, shares, keys = honest
    e = election(public_key)
    cast = [ballot.cast(e, credential(f"m{n}"), [v], seed(f"b{n}"))
            for n, v in enumerate([[1, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0], [0, 1, 0]])]
    for trio in itertools.combinations(range(1, 6), 3):
        assert count(e, cast, shares, keys, trustees=trio) == [[3, 1, 1]], trio


def test_two_trustees_cannot_decrypt(honest):
    public_key, shares, keys = honest
    e = election(public_key)
    totals = tally.total(e, [])
    found = {j: tally.check_share(e, totals, j, keys[j], tally.decrypt_share(
        e, totals, j, shares[j], seed("p"))) for j in (1, 2)}
    assert tally.combine(e, totals, found, 3).code == "too_few_shares"


def test_a_wrong_partial_decryption_is_refused(honest):
    public_key, shares, keys = honest
    e = election(public_key)
    totals = tally.total(e, [ballot.verify(e, ballot.cast(e, credential("a"), [[1, 0, 0]],
                                                          seed("b")))])
    wrong = tally.decrypt_share(e, totals, 2, (shares[2] + 1) % L, seed("p"))
    assert tally.check_share(e, totals, 2, keys[2], wrong).code == "bad_partial_decryption"
    right = tally.decrypt_share(e, totals, 2, shares[2], seed("p"))
    assert tally.check_share(e, totals, 3, keys[3], right).code == "bad_partial_decryption"
    swapped = right[96:192] + right[:96] + right[192:]
    assert tally.check_share(e, totals, 2, keys[2], swapped).code == "bad_partial_decryption"


def test_the_discrete_log_is_found_up_to_the_number_of_ballots_and_no_further():
    for m in (0, 1, 2, 143, 144, 145, 20_999, 21_000):
        assert tally.dlog(base(m), 21_000) == m
    assert tally.dlog(base(21_001), 21_000) is None
    assert tally.dlog(base(7), 6) is None


def test_a_bad_point_is_named_before_a_bad_scalar_that_comes_earlier_in_the_ballot(honest):
    e = election(honest[0])
    eve = credential("eve")
    good = ballot.cast(e, eve, [[0, 1, 0]], seed("b"))
    first, last = choice_at(e, 0, 0), choice_at(e, 0, 1)
    c = int.from_bytes(good[first + 64:first + 96], "little")
    both = (good[:first + 64] + (c + L).to_bytes(32, "little") + good[first + 96:last]
            + EDWARDS_BASE + good[last + 32:-64])
    assert refusal(e, sign(e, eve, both)) == "bad_element"


def test_unusable_election_and_ceremony_parameters_are_refused(honest):
    assert ballot.election_problem(election(honest[0])) is None
    for bad in (Election(ELECTION_ID, IDENTITY, (ballot.YES_NO_ABSTAIN,)),
                Election(ELECTION_ID, honest[0], ()),
                Election(ELECTION_ID, honest[0], (Question(3, 2, 1),)),
                Election(ELECTION_ID[:31], honest[0], (ballot.YES_NO_ABSTAIN,))):
        assert ballot.election_problem(bad).code == "bad_election"
    keys = tuple(keygen.trustee_key(seed(f"t{j}"))[1] for j in range(1, 4))
    assert keygen.ceremony_problem(keygen.Ceremony(ELECTION_ID, 2, keys)) is None
    for bad in (keygen.Ceremony(ELECTION_ID, 4, keys),
                keygen.Ceremony(ELECTION_ID, 2, (*keys[:2], keys[0])),
                keygen.Ceremony(ELECTION_ID, 2, (*keys[:2], EDWARDS_BASE))):
        assert keygen.ceremony_problem(bad).code == "bad_ceremony"


def test_published_totals_read_back_as_they_were_and_a_bad_point_is_refused(honest):
    e = election(honest[0])
    totals = tally.total(e, [ballot.verify(e, ballot.cast(e, credential("a"), [[0, 1, 0]],
                                                          seed("b")))])
    assert tally.decode_tally(e, totals.encode(), 1) == totals
    broken = EDWARDS_BASE + totals.encode()[32:]
    assert tally.decode_tally(e, broken, 1).code == "bad_element"
    assert tally.decode_tally(e, totals.encode()[:-1], 1).code == "tally_length"


def test_loading_libsodium_leaves_no_copy_of_it_in_the_temporary_directory(tmp_path):
    code = "from groupnet.procedure.ballots import ballot; print(len(ballot.credential(b'x')[1]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert (done.returncode, done.stdout) == (0, "32\n"), done.stderr
    assert list(tmp_path.iterdir()) == []
