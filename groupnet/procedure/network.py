"""The network's rules: charter, admission, profiles, keys and witnessed time.

Every node folds every network entry through these rules, in the order it
accepted them, and reaches the same state (DESIGN.md invariant 1). The rules:

- N1 (charter). A network begins with one `network.charter` entry, seq 1 of
  its founder's log. The network id is derived from the founder's key and the
  charter's nonce, so nobody else can mint a charter for it. The founder is
  admitted by the charter itself, and named and reached as the charter says
  until its own profile says otherwise: an approval naming the founder is
  accepted and changes nothing.
- N2 (admission). While the network is small, the founder's first k − 1
  `node.admit` entries (k = `admission_approvals`) each admit their node on
  the founder's word alone: the founding members. Every other node is admitted
  once k distinct admitted nodes have each signed a `node.admit` naming it.
  Both are facts of the set of entries, not of the order they arrived in, so
  every node agrees on who is a member. An approval that arrives after its
  node was admitted is recorded, not refused (refusing it would stall its
  author's log on some nodes and not others); one node approving the same
  candidate twice is refused, and so is an approval of a node id that is no
  usable key (small order, not canonical: SPEC 2.3). A member's name comes
  from its latest profile, else from the approval with the smallest entry id.
  Its address comes only from its own word: the founder's charter or its own
  latest profile that gives one; an approval's url never becomes anyone's
  address, since peers push to it. Only admitted nodes may write anything but
  a charter.
- N3 (profile). A group's public profile is the latest `group.profile` in its
  own log; a node may publish only its own profile.
- N4 (keys). `key.rotate` (signed by the key in force) makes the named key the
  one in force from the next seq, if it is a usable key (SPEC 2.3). `key.revoke`
  closes the log: nothing after it is accepted.
- Forks (SPEC 3.3). An author that signed two entries at one seq is frozen at
  the lowest such seq: its log counts only below it, and the state records the
  fork there by the two smallest ids of the entries held at that seq, so the
  record is the same whatever order the proofs arrived in. An entry of another
  author that no longer fits without the removed entries waits, held but not
  counted, until it does (`fold`); a reference into the removed part of a log
  is void: accepted, with no effect (SM3).
- Shared motions (SM1–SM8) have their own module, `shared_motions.py`.
- N5 (witnessed time, DESIGN.md invariant 5). Nodes periodically sign the
  heads they hold (`heads.witness`). The network time of an entry is the median
  of the times at which the other admitted nodes first witnessed it, as those
  nodes' own logs claim; it is defined once more than half have witnessed it.
  A minority of lying or skewed clocks cannot move it past the honest median.
- N6 (register commitments). A group may publish the count of its active
  members at a freeze time with a Merkle root over salted per-member leaves;
  the latest one in its log stands. No personal data crosses the network.
- N7 (delegate credentials). A group publishes the delegates it elected to a
  named conference, with their mandates; the latest credential for that
  conference in the group's log stands, replacing earlier ones.

Nothing here does I/O or reads a clock; `now` arrives as an argument.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left

import msgspec

from .. import crypto
from ..log import AuthorHead
from ..messages import (
    Admit,
    Charter,
    DelegateCredential,
    Entry,
    KeyRotate,
    NetworkStandingOrders,
    Profile,
    RegisterCommitment,
    Witness,
    canonical,
)
from .rejection import Rejection
from .shared_motions import KINDS as MOTION_KINDS
from .shared_motions import REFERENCE_KINDS, SharedMotions

# Why a held entry may count later, once more of the network is counted (SPEC 3.3).
WAITING = frozenset({"unknown_author", "not_admitted", "missing_dependency"})


class Member(msgspec.Struct):
    node: str
    name: str
    url: str
    admitted_by: list[str]
    approvals: dict[str, str]  # approver -> entry id


class Candidate(msgspec.Struct):
    node: str
    name: str
    url: str
    approvals: dict[str, str]  # approver -> entry id
    founding: bool = False


class Fork(msgspec.Struct, frozen=True):
    author: str
    seq: int
    first: str
    second: str


class NetworkState:
    """The network as every node computes it. Mutated only through `apply`."""

    def __init__(self) -> None:
        self.net: str | None = None
        self.charter_id: str | None = None
        self.name: str = ""
        self.founder: str | None = None
        self.orders = NetworkStandingOrders()
        self.heads: dict[str, AuthorHead] = {}
        self.members: dict[str, Member] = {}
        self.candidates: dict[str, Candidate] = {}
        self.profiles: dict[str, tuple[str, Profile]] = {}
        self.commitments: dict[str, tuple[str, RegisterCommitment]] = {}
        self.credentials: dict[tuple[str, str], tuple[str, DelegateCredential]] = {}
        self.motions = SharedMotions()
        self.forks: list[Fork] = []
        # author -> [(first seq, key in force from it)], in seq order (N4)
        self.keys: dict[str, list[tuple[int, str]]] = {}
        # author -> seq of its lowest equivocation: the log counts only before it
        self.frozen: dict[str, int] = {}
        # author -> seq -> ids of the validly signed entries held there, at each fork
        self._fork_ids: dict[str, dict[int, set[str]]] = {}
        # author -> seq -> entry: held, not counted, waiting for what it depends on
        self._waiting: dict[str, dict[int, Entry]] = {}
        self._admits: dict[str, Admit] = {}
        self._founding_left = 0
        # witness -> author -> ([seq acknowledged], [ts of that acknowledgement])
        self._acks: dict[str, dict[str, tuple[list[int], list[int]]]] = {}
        self._witness_ts: dict[str, int] = {}

    # -- the rules ---------------------------------------------------------

    def check(self, entry: Entry) -> Rejection | None:
        """Would `entry` (already chain-checked) be valid now? Pure: changes nothing."""
        if entry.kind == "network.charter":
            return self._check_charter(entry)
        if self.net is None:
            return Rejection("no_charter", "N1: no charter is known yet; nothing else can apply")
        if entry.net != self.net:
            return Rejection(
                "wrong_network",
                f"N1: this node belongs to network {self.net}, the entry to {entry.net}",
            )
        closed = self.equivocation(entry)
        if closed is not None:
            return closed
        head = self.heads.get(entry.author)
        if head is not None and head.revoked:
            return Rejection(
                "revoked", "N4: this author revoked its key; its log takes no further entries"
            )
        if entry.author not in self.members:
            if entry.author in self.candidates:
                got = len(self.candidates[entry.author].approvals)
                return Rejection(
                    "not_admitted",
                    f"N2: an author needs {self.approvals_needed()} approval(s) "
                    f"before it may write; this one has {got}",
                )
            return Rejection("unknown_author", "N2: the author is not a node of this network")
        if entry.kind in MOTION_KINDS:
            if self._void_reference(entry):
                return self.motions.check_void(entry)
            return self.motions.check(entry, lambda group: self.head_of(group).seq)
        checker = _CHECKS.get(entry.kind)
        return checker(self, entry) if checker else None

    def apply(self, entry: Entry) -> None:
        """Fold an entry that passed `check` (and its chain and signature checks)."""
        head = self.heads.get(entry.author)
        if head is None:
            head = self.heads[entry.author] = AuthorHead(key=entry.author)
            self.keys[entry.author] = [(1, entry.author)]
        head.seq, head.id, head.ts = entry.seq, entry.id, entry.ts
        if entry.kind in MOTION_KINDS:
            if not self._void_reference(entry):
                self.motions.apply(entry)
            return
        applier = _APPLY.get(entry.kind)
        if applier:
            applier(self, entry)

    def fold(self, entry: Entry) -> list[Entry]:
        """Count an entry the receiver holds: now if it fits, else once it does.

        For rebuilding the state from stored entries (SPEC 3.3): after a fork froze
        an author, another author's entry that depended on the removed entries (an
        admission, say) no longer fits where it was accepted. It waits, with its
        author's later entries, and counts as soon as it fits again, as a refused
        entry that may pass later would when offered again. Returns every entry
        counted, in order.
        """
        head = self.head_of(entry.author)
        if entry.author not in self._waiting and entry.seq == head.seq + 1:
            rejection = self.check(entry)
            if rejection is None:
                self.apply(entry)
                return [entry, *self.count_waiting()]
            if rejection.code not in WAITING:
                return []
        elif entry.author not in self._waiting:
            return []
        self._waiting.setdefault(entry.author, {})[entry.seq] = entry
        return []

    def count_waiting(self) -> list[Entry]:
        """Count every waiting entry that fits now (after each entry counted)."""
        counted: list[Entry] = []
        progress = bool(self._waiting)
        while progress:
            progress = False
            for author in sorted(self._waiting):
                waiting = self._waiting[author]
                while (entry := waiting.get(self.head_of(author).seq + 1)) is not None \
                        and self.check(entry) is None:
                    del waiting[entry.seq]
                    self.apply(entry)
                    counted.append(entry)
                    progress = True
                if not waiting:
                    del self._waiting[author]
        return counted

    def waiting(self) -> list[Entry]:
        """Held entries not counted: they wait for what a fork freeze removed."""
        return [e for _, by_seq in sorted(self._waiting.items()) for _, e in sorted(by_seq.items())]

    def waiting_id(self, author: str, seq: int) -> str | None:
        """The id of the entry held, but waiting, at (author, seq), if there is one."""
        entry = self._waiting.get(author, {}).get(seq)
        return entry.id if entry is not None else None

    def first_waiting(self, author: str) -> Entry | None:
        by_seq = self._waiting.get(author)
        return by_seq[min(by_seq)] if by_seq else None

    def equivocation(self, entry: Entry) -> Rejection | None:
        """Refuse an entry at or after the seq where its author equivocated."""
        frozen_at = self.frozen.get(entry.author)
        if frozen_at is None or entry.seq < frozen_at:
            return None
        return Rejection(
            "equivocated",
            f"SPEC 3.3: this author signed two different entries at seq {frozen_at}; "
            "its log counts only up to the one before",
        )

    def record_fork(self, author: str, seq: int, held: str, other: str) -> Fork:
        """Two validly signed entries of `author` at `seq` (SPEC 3.3); returns the fork counted.

        Only the lowest fork of an author counts, recorded by the two smallest ids
        held at that seq: every node holding the same entries records the same fork,
        whatever order they came in. The caller rebuilds the state from its entries.
        """
        self._fork_ids.setdefault(author, {}).setdefault(seq, set()).update((held, other))
        frozen_at = self.frozen[author] = min(seq, self.frozen.get(author, seq))
        first, second = sorted(self._fork_ids[author][frozen_at])[:2]
        fork = Fork(author, frozen_at, first, second)
        self.forks = sorted([f for f in self.forks if f.author != author] + [fork],
                            key=lambda f: (f.author, f.seq, f.first, f.second))
        return fork

    def _void_reference(self, entry: Entry) -> bool:
        """A reference citing a seq its group's freeze removed: accepted, no effect (SM3)."""
        if entry.kind not in REFERENCE_KINDS:
            return False
        ref = entry.body.ref  # type: ignore[attr-defined]
        frozen_at = self.frozen.get(ref.group)
        return frozen_at is not None and frozen_at <= ref.seen

    def head_of(self, author: str) -> AuthorHead:
        return self.heads.get(author) or AuthorHead(key=author)

    def key_at(self, author: str, seq: int) -> str:
        """The key that must have signed `author`'s entry `seq` (N4)."""
        key = author
        for first, candidate in self.keys.get(author, ()):
            if first <= seq:
                key = candidate
        return key

    def _check_charter(self, entry: Entry) -> Rejection | None:
        body: Charter = entry.body  # type: ignore[assignment]
        if self.net is not None:
            if entry.id == self.charter_id:
                return None
            return Rejection("charter_exists", "N1: this network already has its charter")
        if entry.seq != 1 or entry.prev is not None:
            return Rejection(
                "charter_not_first", "N1: a charter must be seq 1 of its founder's log"
            )
        if crypto.network_id(entry.author, body.nonce) != entry.net:
            return Rejection(
                "wrong_network",
                "N1: the network id must be derived from the founder's key and the nonce",
            )
        return None

    def _apply_charter(self, entry: Entry) -> None:
        body: Charter = entry.body  # type: ignore[assignment]
        self.net, self.charter_id, self.name = entry.net, entry.id, body.name
        self.founder, self.orders = entry.author, body.standing_orders
        self.members[entry.author] = Member(entry.author, body.group, body.url, [], {})
        self._founding_left = body.standing_orders.admission_approvals - 1

    def _check_admit(self, entry: Entry) -> Rejection | None:
        body: Admit = entry.body  # type: ignore[assignment]
        record = self.members.get(body.node) or self.candidates.get(body.node)
        approvers = (
            record.admitted_by if isinstance(record, Member)
            else record.approvals if record else ()
        )
        if entry.author in approvers:
            return Rejection(
                "duplicate_approval", "N2: each admitted node approves a candidate only once"
            )
        if body.node == entry.author:
            return Rejection("self_approval", "N2: a node cannot approve its own admission")
        if not crypto.usable_key(body.node):
            return Rejection(
                "bad_key", "N2: the node id is no usable Ed25519 key (small order, or not "
                "canonically encoded: SPEC 2.3); no signature could ever verify under it",
            )
        return None

    def _apply_admit(self, entry: Entry) -> None:
        body: Admit = entry.body  # type: ignore[assignment]
        if body.node == self.founder:
            return  # the founder is admitted, named and reached by its charter (N1)
        self._admits[entry.id] = body
        member = self.members.get(body.node)
        if member is not None:
            member.admitted_by = sorted({*member.admitted_by, entry.author})
            member.approvals[entry.author] = entry.id
            self._name_member(member)
            return
        candidate = self.candidates.setdefault(
            body.node, Candidate(body.node, body.name, body.url, {})
        )
        candidate.approvals[entry.author] = entry.id
        if entry.author == self.founder and self._founding_left > 0:
            self._founding_left -= 1
            candidate.founding = True
        if candidate.founding or len(candidate.approvals) >= self.orders.admission_approvals:
            del self.candidates[body.node]
            # no address until the member gives its own (N2): an approval's url is where
            # the approver found the candidate, not a claim anyone may make for it
            member = Member(body.node, body.name, "", sorted(candidate.approvals),
                            dict(candidate.approvals))
            self.members[body.node] = member
            self._name_member(member)

    def _name_member(self, member: Member) -> None:
        """Until its first profile, a member is named by its smallest approval (N2)."""
        if member.node not in self.profiles and member.approvals:
            member.name = self._admits[min(member.approvals.values())].name

    def _apply_profile(self, entry: Entry) -> None:
        body: Profile = entry.body  # type: ignore[assignment]
        self.profiles[entry.author] = (entry.id, body)
        member = self.members[entry.author]
        member.name = body.name
        if body.url:
            member.url = body.url

    def _apply_commitment(self, entry: Entry) -> None:
        self.commitments[entry.author] = (entry.id, entry.body)  # type: ignore[assignment]

    def _check_credential(self, entry: Entry) -> Rejection | None:
        body: DelegateCredential = entry.body  # type: ignore[assignment]
        seats = [seat.delegate for seat in body.delegates]
        if len(set(seats)) != len(seats):
            return Rejection("bad_schema", "N7: a credential names each delegate once")
        return None

    def _apply_credential(self, entry: Entry) -> None:
        body: DelegateCredential = entry.body  # type: ignore[assignment]
        self.credentials[(entry.author, body.conference)] = (entry.id, body)

    def _check_rotate(self, entry: Entry) -> Rejection | None:
        body: KeyRotate = entry.body  # type: ignore[assignment]
        if not crypto.usable_key(body.key):
            return Rejection(
                "bad_key", "N4: the new key is no usable Ed25519 key (small order, or not "
                "canonically encoded: SPEC 2.3); no signature could ever verify under it",
            )
        return None

    def _apply_rotate(self, entry: Entry) -> None:
        body: KeyRotate = entry.body  # type: ignore[assignment]
        self.heads[entry.author].key = body.key
        self.keys[entry.author].append((entry.seq + 1, body.key))

    def _apply_revoke(self, entry: Entry) -> None:
        self.heads[entry.author].revoked = True

    def _check_witness(self, entry: Entry) -> Rejection | None:
        body: Witness = entry.body  # type: ignore[assignment]
        authors = [head.author for head in body.heads]
        if len(set(authors)) != len(authors):
            return Rejection("bad_schema", "N5: a witness names each author at most once")
        return None

    def _apply_witness(self, entry: Entry) -> None:
        body: Witness = entry.body  # type: ignore[assignment]
        acks = self._acks.setdefault(entry.author, {})
        self._witness_ts[entry.author] = entry.ts
        for head in body.heads:
            seqs, times = acks.setdefault(head.author, ([], []))
            if not seqs or head.seq > seqs[-1]:
                seqs.append(head.seq)
                times.append(entry.ts)

    # -- questions every node answers alike --------------------------------

    def is_member(self, node: str) -> bool:
        return node in self.members

    def url_hint(self, node: str) -> str | None:
        """Where an approver found `node`, for a member that has given no url yet (N2).

        Only for pulling from it, which is safe whoever wrote the hint: entries are
        signed end to end. Never an address to push to: that is the member's own word.
        """
        member = self.members.get(node)
        if member is None or member.url or not member.approvals:
            return None
        return self._admits[min(member.approvals.values())].url

    def approvals_needed(self) -> int:
        """How many distinct admitted nodes must approve a candidate (N2)."""
        return self.orders.admission_approvals

    def first_witnessed(self, witness: str, author: str, seq: int) -> int | None:
        seqs, times = self._acks.get(witness, {}).get(author, ((), ()))
        index = bisect_left(seqs, seq)
        return times[index] if index < len(seqs) else None

    def _witnesses_for(self, author: str) -> list[str]:
        return sorted(node for node in self.members if node != author)

    def network_time(self, author: str, seq: int) -> int | None:
        """Median of the other admitted nodes' first-witness times (N5), or None."""
        witnesses = self._witnesses_for(author)
        if not witnesses:
            head = self.heads.get(author)
            return head.ts if head and head.seq >= seq else None
        never = 2**63
        times = sorted(
            t if (t := self.first_witnessed(w, author, seq)) is not None else never
            for w in witnesses
        )
        median = times[len(times) // 2]
        return None if median == never else median

    def arrived_before(self, author: str, seq: int, deadline: int) -> bool | None:
        """Was entry (author, seq) in the network before `deadline`? None: not yet decided.

        True once more than half of the other nodes witnessed it at or before the
        deadline; False once so many have signed later witnesses without it that
        a majority can no longer form (an author's times never go backwards).
        """
        witnesses = self._witnesses_for(author)
        if not witnesses:
            head = self.heads.get(author)
            return None if head is None or head.seq < seq else self.heads[author].ts <= deadline
        yes = no = 0
        for w in witnesses:
            seen = self.first_witnessed(w, author, seq)
            if seen is not None and seen <= deadline:
                yes += 1
            elif (seen is not None and seen > deadline) or self._witness_ts.get(w, -1) > deadline:
                no += 1
        if yes * 2 > len(witnesses):
            return True
        if (len(witnesses) - no) * 2 <= len(witnesses):
            return False
        return None

    def summary(self) -> dict:
        return {
            "network": self.net,
            "name": self.name,
            "charter": self.charter_id,
            "founder": self.founder,
            "standing_orders": msgspec.to_builtins(self.orders),
            "members": [
                [m.node, m.name, m.url, m.admitted_by]
                for m in sorted(self.members.values(), key=lambda m: m.node)
            ],
            "candidates": [
                [c.node, sorted(c.approvals.items())]
                for c in sorted(self.candidates.values(), key=lambda c: c.node)
            ],
            "profiles": sorted([node, ident] for node, (ident, _) in self.profiles.items()),
            "commitments": sorted(
                [node, ident] for node, (ident, _) in self.commitments.items()
            ),
            "credentials": sorted(
                [node, conference, ident]
                for (node, conference), (ident, _) in self.credentials.items()
            ),
            "heads": sorted(
                [a, h.seq, h.id, h.key, h.revoked] for a, h in self.heads.items()
            ),
            "forks": [[f.author, f.seq, f.first, f.second] for f in self.forks],
            "motions": self.motions.summary(),
        }

    def state_hash(self) -> str:
        return hashlib.sha256(b"groupnet/v1/state\n" + canonical(self.summary())).hexdigest()


_CHECKS = {
    "node.admit": NetworkState._check_admit,
    "key.rotate": NetworkState._check_rotate,
    "delegate.credential": NetworkState._check_credential,
    "heads.witness": NetworkState._check_witness,
}
_APPLY = {
    "network.charter": NetworkState._apply_charter,
    "node.admit": NetworkState._apply_admit,
    "group.profile": NetworkState._apply_profile,
    "key.rotate": NetworkState._apply_rotate,
    "key.revoke": NetworkState._apply_revoke,
    "heads.witness": NetworkState._apply_witness,
    "register.commitment": NetworkState._apply_commitment,
    "delegate.credential": NetworkState._apply_credential,
}
