"""What a group may publish about its register: a count and a commitment, never names.

DESIGN.md invariant 6: personal data of members never leaves the group's node.
To show the network how many active members it had at a freeze date, and to
let each member check they were counted, a group publishes only:

- the count of active members at the freeze date, and
- a Merkle root over one leaf per member, where
  leaf = sha256(b"groupnet/v1/register-leaf\\n" + salt + member_id as UTF-8)
  and the salt is at least 16 random bytes kept per member by the group (this
  code gets no randomness, so the salt comes in as data). Without the salt,
  a leaf reveals nothing, not even whether a guessed member id is in it.

The tree is RFC 6962's Merkle Tree Hash: a leaf is hashed as
sha256(0x00 + leaf), an interior node as sha256(0x01 + left + right), the
split is at the largest power of two smaller than the number of leaves (so an
odd node is carried up, never duplicated), and the empty tree hashes to
sha256(b""). Leaves are sorted by their value, so the root depends only on
who is in the register, not on the order a database returns them.

A member given their salt and an inclusion proof (RFC 6962 audit path) checks
with `verify_inclusion` that their leaf is under the published root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import msgspec

from ...wire.rejection import Rejection

LEAF_DOMAIN = b"groupnet/v1/register-leaf\n"
MIN_SALT_BYTES = 16


class RegisterEntry(msgspec.Struct, frozen=True):
    member_id: str
    salt: bytes


class RegisterCommitment(msgspec.Struct, frozen=True):
    freeze_ms: int
    active_count: int
    root: str


class InclusionProof(msgspec.Struct, frozen=True):
    leaf_index: int
    tree_size: int
    path: tuple[str, ...]


def leaf(member_id: str, salt: bytes) -> bytes:
    return hashlib.sha256(LEAF_DOMAIN + salt + member_id.encode()).digest()


def _leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 Merkle Tree Hash of `leaves`, in the order given."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return _leaf_hash(leaves[0])
    k = _split(len(leaves))
    return _node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def audit_path(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """RFC 6962 PATH(m, D[n]): the sibling hashes from leaf `index` up to the root."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return audit_path(leaves[:k], index) + [merkle_root(leaves[k:])]
    return audit_path(leaves[k:], index - k) + [merkle_root(leaves[:k])]


def root_from_path(leaf_data: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root that `path` proves `leaf_data` sits under at `index` of `size`, or None if
    the path has the wrong shape (RFC 9162, section 2.1.3.2)."""
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    r = _leaf_hash(leaf_data)
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def _sorted_leaves(entries: Sequence[RegisterEntry]) -> list[bytes] | Rejection:
    ids = [e.member_id for e in entries]
    if len(set(ids)) != len(ids):
        return Rejection("duplicate_member", "each member appears in the register once")
    short = [e.member_id for e in entries if len(e.salt) < MIN_SALT_BYTES]
    if short:
        return Rejection("salt_too_short",
                         f"each member's salt has at least {MIN_SALT_BYTES} random bytes; "
                         f"{len(short)} do not")
    return sorted(leaf(e.member_id, e.salt) for e in entries)


def commit(entries: Sequence[RegisterEntry], freeze_ms: int) -> RegisterCommitment | Rejection:
    """The count and root to publish for the active members `entries` at `freeze_ms`."""
    leaves = _sorted_leaves(entries)
    if isinstance(leaves, Rejection):
        return leaves
    return RegisterCommitment(freeze_ms, len(leaves), merkle_root(leaves).hex())


def inclusion_proof(entries: Sequence[RegisterEntry], member_id: str) -> InclusionProof | Rejection:
    """The proof, for one member, that their leaf is under the root of `entries`."""
    leaves = _sorted_leaves(entries)
    if isinstance(leaves, Rejection):
        return leaves
    mine = [leaf(e.member_id, e.salt) for e in entries if e.member_id == member_id]
    if not mine:
        return Rejection("not_in_register", "this member was not active at the freeze date")
    index = leaves.index(mine[0])
    return InclusionProof(index, len(leaves), tuple(h.hex() for h in audit_path(leaves, index)))


def verify_inclusion(published: RegisterCommitment, member_id: str, salt: bytes,
                     proof: InclusionProof) -> bool:
    """True if the member with this id and salt is under the published root.

    The proof's tree size must be the published count: an audit path alone
    does not pin the size (leaf 0 of 7 and of 8 have the same path shape).
    """
    if proof.tree_size != published.active_count:
        return False
    try:
        path = [bytes.fromhex(h) for h in proof.path]
    except ValueError:
        return False
    root = root_from_path(leaf(member_id, salt), proof.leaf_index, proof.tree_size, path)
    return root is not None and root.hex() == published.root.lower()
