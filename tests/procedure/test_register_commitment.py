import hashlib

import msgspec

from groupnet.procedure.group.register_commitment import (
    InclusionProof,
    RegisterCommitment,
    RegisterEntry,
    audit_path,
    commit,
    inclusion_proof,
    leaf,
    merkle_root,
    verify_inclusion,
)
from groupnet.wire.rejection import Rejection

# The Certificate Transparency reference data for RFC 6962 trees.
CT_LEAVES = [bytes.fromhex(h) for h in [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
FREEZE = 1_488_326_400_000


def register(n):
    return [RegisterEntry(f"member-{i}", hashlib.sha256(b"salt %d" % i).digest()[:16])
            for i in range(n)]


def test_the_tree_matches_the_rfc_6962_reference_roots_for_every_size():
    for size, root in enumerate(CT_ROOTS):
        assert merkle_root(CT_LEAVES[:size]).hex() == root


def test_audit_paths_match_the_rfc_6962_reference_proofs():
    assert [h.hex() for h in audit_path(CT_LEAVES, 0)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [h.hex() for h in audit_path(CT_LEAVES, 5)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]


def test_a_leaf_is_the_documented_salted_hash():
    salt = bytes(range(16))
    expected = hashlib.sha256(b"groupnet/v1/register-leaf\n" + salt + b"m1").digest()
    assert leaf("m1", salt) == expected


def test_every_member_can_check_they_are_included_in_registers_of_many_sizes():
    for size in (1, 2, 3, 5, 8, 13, 33):
        entries = register(size)
        published = commit(entries, FREEZE)
        assert isinstance(published, RegisterCommitment)
        assert published.active_count == size
        for entry in entries:
            proof = inclusion_proof(entries, entry.member_id)
            assert isinstance(proof, InclusionProof)
            assert verify_inclusion(published, entry.member_id, entry.salt, proof)


def test_a_proof_fails_for_the_wrong_salt_another_member_or_a_tampered_path():
    entries = register(7)
    root = commit(entries, FREEZE)
    proof = inclusion_proof(entries, "member-3")
    assert not verify_inclusion(root, "member-3", b"x" * 16, proof)
    assert not verify_inclusion(root, "member-4", entries[3].salt, proof)
    tampered = msgspec.structs.replace(proof, path=("00" * 32,) + proof.path[1:])
    assert not verify_inclusion(root, "member-3", entries[3].salt, tampered)
    moved = msgspec.structs.replace(proof, leaf_index=(proof.leaf_index + 1) % 7)
    assert not verify_inclusion(root, "member-3", entries[3].salt, moved)
    for size in (6, 8):
        resized = msgspec.structs.replace(proof, tree_size=size)
        assert not verify_inclusion(root, "member-3", entries[3].salt, resized)
    assert not verify_inclusion(root, "member-3", entries[3].salt,
                                msgspec.structs.replace(proof, path=("zz",)))


def test_a_member_who_was_not_active_at_the_freeze_date_gets_no_proof():
    refused = inclusion_proof(register(4), "member-99")
    assert isinstance(refused, Rejection) and refused.code == "not_in_register"


def test_the_root_does_not_depend_on_the_order_the_register_lists_members():
    entries = register(9)
    assert commit(entries, FREEZE) == commit(list(reversed(entries)), FREEZE)


def test_a_salt_shorter_than_16_bytes_is_refused():
    refused = commit([RegisterEntry("m1", b"short")], FREEZE)
    assert isinstance(refused, Rejection) and refused.code == "salt_too_short"


def test_a_member_listed_twice_is_refused():
    entry = register(1)[0]
    refused = commit([entry, entry], FREEZE)
    assert isinstance(refused, Rejection) and refused.code == "duplicate_member"


def test_what_is_published_holds_no_member_id():
    published = commit(register(3), FREEZE)
    encoded = msgspec.json.encode(published)
    assert b"member-" not in encoded
    assert set(msgspec.json.decode(encoded)) == {"freeze_ms", "active_count", "root"}


def test_an_empty_register_commits_to_the_empty_tree():
    assert commit([], FREEZE) == RegisterCommitment(FREEZE, 0, CT_ROOTS[0])
