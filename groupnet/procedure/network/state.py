"""The network state: the chain of every author, and a registry of rule modules.

Every node folds every network entry through the same rules, in the order it
accepted them, and reaches the same state (DESIGN.md invariant 1). This module
holds what every kind shares:

- the head of every author's log (seq, id, time, key in force, closed or not);
- the network rules every entry passes before its kind's rules (SPEC 5.1): no
  kind but a charter before the charter (N1), the charter's network only, not
  past a fork freeze (SPEC 3.3), not after a revocation (N4), and only from an
  admitted node (N2);
- forks (SPEC 3.3). An author that signed two entries at one seq is frozen at
  the lowest such seq: its log counts only below it, and the state records the
  fork there by the two smallest ids of the entries held at that seq, so the
  record is the same whatever order the proofs arrived in. An entry of another
  author that no longer fits without the removed entries waits, held but not
  counted, until it does (`fold`); a reference into the removed part of a log
  is void: accepted, with no effect (SM3, in `shared_motions.py`);
- the registry: each body of rules is one module naming its kinds, checking
  and applying them, and giving its part of the state summary. `RULES` lists
  them; that line is the only place a new module is registered.

Whether an incoming entry is accepted at all is decided in `receive.py`, which
calls `check` here once the chain rules have passed. Nothing here does I/O or
reads a clock.
"""

from __future__ import annotations

import hashlib
from typing import Protocol, TypeVar

import msgspec

from ...wire.messages import Constitution, Entry, NetworkStandingOrders, canonical
from ...wire.rejection import Rejection
from .admission import Admission, Candidate, Member
from .ballots import Ballots
from .bodies import Bodies
from .chain import AuthorHead
from .commitments import Commitments
from .conferences import Conferences
from .constitution import Constitutions
from .constitution_history import History, history
from .credentials import Credentials
from .elections import Election, Elections, Seating, may_sit, seating
from .floor import Floor
from .keys import Keys
from .receive import count, stored
from .shared_motions import SharedMotions
from .witness import Witnesses


class RuleModule(Protocol):
    """One body of network rules: the kinds it owns, and what it does with them."""

    kinds: frozenset[str]

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        """Would `entry`, past the chain and network rules, be valid now? Changes nothing."""

    def apply(self, state: NetworkState, entry: Entry) -> None:
        """Fold an entry that passed `check`."""

    def summary(self, state: NetworkState) -> dict[str, object]:
        """This module's part of the state summary (and so of the state hash)."""


# The bodies of network rules. A new one is added here, and nowhere else in this package.
RULES: tuple[type[RuleModule], ...] = (
    Admission, Keys, Witnesses, Commitments, Credentials, SharedMotions, Constitutions,
    Bodies, Conferences, Floor, Elections, Ballots,
)

_OWNER = {kind: rules for rules in RULES for kind in rules.kinds}
assert len(_OWNER) == sum(len(rules.kinds) for rules in RULES), "a kind has two rule modules"

R = TypeVar("R", bound=RuleModule)


class Fork(msgspec.Struct, frozen=True):
    author: str
    seq: int
    first: str
    second: str


class NetworkState:
    """The network as every node computes it. Mutated only by accepted entries and forks."""

    def __init__(self) -> None:
        # what the charter fixes (N1); written by the admission rules
        self.net: str | None = None
        self.charter_id: str | None = None
        self.name: str = ""
        self.founder: str | None = None
        self.orders = NetworkStandingOrders()
        self.heads: dict[str, AuthorHead] = {}
        self.forks: list[Fork] = []
        # author -> seq of its lowest equivocation: the log counts only before it
        self.frozen: dict[str, int] = {}
        # author -> seq -> ids of the validly signed entries held there, at each fork
        self._fork_ids: dict[str, dict[int, set[str]]] = {}
        # author -> seq -> entry: held, not counted, waiting for what it depends on
        self._waiting: dict[str, dict[int, Entry]] = {}
        # author -> the ids of its counted entries, 32 bytes each, seq 1 first: what a
        # cut names (SPEC 5.9, F7; 5.10, BL7) is checked against them
        self._ids: dict[str, bytearray] = {}
        # entries counted so far: what derived answers cached on the state are as of
        self.counted = 0
        # the constitution's history (C5.5–C5.8), cached as of `counted`, and the one
        # being derived while a derivation asks about earlier times
        self.constitution_cache: tuple[int, History] | None = None
        self.constitution_building: History | None = None
        self._rules: dict[type, RuleModule] = {rules: rules() for rules in RULES}
        self._by_kind: dict[str, RuleModule] = {
            kind: self._rules[owner] for kind, owner in _OWNER.items()
        }

    def rules(self, module: type[R]) -> R:
        """The state of one body of rules, e.g. `state.rules(SharedMotions)`."""
        return self._rules[module]  # type: ignore[return-value]

    # -- the network rules every kind passes (SPEC 5.1), then the kind's own -----

    def check(self, entry: Entry) -> Rejection | None:
        """Would `entry` (already chain-checked) be valid now? Pure: changes nothing."""
        rules = self._by_kind.get(entry.kind)
        if entry.kind == "network.charter":
            return rules.check(self, entry) if rules else None
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
        return rules.check(self, entry) if rules else None

    def apply(self, entry: Entry) -> None:
        """Fold an entry that passed `check` (and its chain and signature checks)."""
        self.counted += 1
        head = self.heads.get(entry.author)
        if head is None:
            head = self.heads[entry.author] = AuthorHead(key=entry.author)
        head.seq, head.id, head.ts = entry.seq, entry.id, entry.ts
        self._ids.setdefault(entry.author, bytearray()).extend(entry.id_bytes)
        rules = self._by_kind.get(entry.kind)
        if rules is not None:
            rules.apply(self, entry)

    # -- entries held but not counted (SPEC 3.3) --------------------------------

    def fold(self, entry: Entry) -> list[Entry]:
        """Count an entry the receiver holds: now if it fits, else once it does.

        For rebuilding the state from stored entries (SPEC 3.3): after a fork froze
        an author, another author's entry that depended on the removed entries (an
        admission, say) no longer fits where it was accepted. It waits, with its
        author's later entries, and counts as soon as it fits again, as a refused
        entry that may pass later would when offered again. Returns every entry
        counted, in order. The decision is `receive.stored`.
        """
        return count(self, stored(self, entry, _trusted))

    def hold(self, entry: Entry) -> None:
        """Keep `entry` waiting, not counted, until it fits (SPEC 3.3)."""
        self._waiting.setdefault(entry.author, {})[entry.seq] = entry

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

    # -- forks (SPEC 3.3) --------------------------------------------------------

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

    # -- questions every node answers alike --------------------------------------

    def head_of(self, author: str) -> AuthorHead:
        return self.heads.get(author) or AuthorHead(key=author)

    def id_at(self, author: str, seq: int) -> str | None:
        """The id of `author`'s counted entry at `seq`, if the state counts one there."""
        if not 1 <= seq <= self.head_of(author).seq:
            return None
        return bytes(self._ids[author][(seq - 1) * 32:seq * 32]).hex()

    def key_at(self, author: str, seq: int) -> str:
        """The key that must have signed `author`'s entry `seq` (N4)."""
        return self.rules(Keys).key_at(author, seq)

    @property
    def keys(self) -> dict[str, list[tuple[int, str]]]:
        """author -> [(first seq, key in force from it)] for every rotation (N4)."""
        return self.rules(Keys).rotations

    @property
    def members(self) -> dict[str, Member]:
        return self.rules(Admission).members

    @property
    def candidates(self) -> dict[str, Candidate]:
        return self.rules(Admission).candidates

    @property
    def profiles(self) -> dict:
        return self.rules(Admission).profiles

    @property
    def commitments(self) -> dict:
        return self.rules(Commitments).commitments

    @property
    def credentials(self) -> dict:
        return self.rules(Credentials).credentials

    @property
    def constitution(self) -> Constitution:
        """The latest constitution whose effect is decided (SPEC 5.3, C5.5), for people to
        read; a rule judges an entry by `constitution_at` its procedure's start (C5.7)."""
        return self.constitution_history().latest().constitution

    def constitution_at(self, ts: int) -> Constitution:
        """The constitution for a procedure begun at `ts` (C5.7); an entry that begins one
        is checked with `constitution_for` first, so this is decided for every one held."""
        return self.constitution_history().decided_at(ts)

    def constitution_for(self, ts: int) -> Constitution | None:
        """The constitution in force for an entry dated `ts`; None while undecided (C5.8)."""
        return self.constitution_history().at(ts)

    def constitution_history(self) -> History:
        """Every constitution in force so far, with its source, and each conference's
        rule changes' outcome (C5.5, C5.6)."""
        return history(self)

    @property
    def motions(self) -> SharedMotions:
        return self.rules(SharedMotions)

    def is_member(self, node: str) -> bool:
        return node in self.members

    def url_hint(self, node: str) -> str | None:
        return self.rules(Admission).url_hint(node)

    def approvals_needed(self) -> int:
        """How many distinct admitted nodes must approve a candidate (N2)."""
        return self.orders.admission_approvals

    def first_witnessed(self, witness: str, author: str, seq: int) -> int | None:
        return self.rules(Witnesses).first_witnessed(witness, author, seq)

    def network_time(self, author: str, seq: int) -> int | None:
        """Median of the other admitted nodes' first-witness times (N5), or None."""
        return self.rules(Witnesses).network_time(self, author, seq)

    def arrived_before(self, author: str, seq: int, deadline: int) -> bool | None:
        """Was entry (author, seq) in the network before `deadline`? None: not yet decided."""
        return self.rules(Witnesses).arrived_before(self, author, seq, deadline)

    def arrived_before_deadline(self, author: str, seq: int, ts: int,
                                deadline: int) -> bool | None:
        """Did entry (author, seq), dated `ts`, reach the network by `deadline`? (SPEC 5.5)"""
        return self.rules(Witnesses).arrived_before_deadline(self, author, seq, ts, deadline)

    def settled_time(self, author: str, seq: int, ts: int) -> int | None:
        """Network time of (author, seq) by the witnesses of its own `ts` (SPEC 5.5)."""
        return self.rules(Witnesses).settled_time(self, author, seq, ts)

    def deadline_passed(self, deadline: int) -> bool:
        """Has the network, by its witnesses' word, passed `deadline`? (SPEC 5.5)"""
        return self.rules(Witnesses).deadline_passed(self, deadline)

    # -- what the bodies and the floor ask of the elections (SPEC 5.9.1) ------------

    def seating(self, body: str, at: int) -> Seating | None:
        """Who sits on `body` at `at`, and until when (E7); None while that is pending."""
        return seating(self, body, at)

    def may_sit(self, body: str, group: str, holder: str | None = None) -> bool:
        """B1, V2 at receipt for an elected body: an interim seat or the group's own
        nomination (E7)."""
        return may_sit(self, body, group, holder)

    def election(self, election_id: str) -> Election | None:
        """An election put to the floor (E1), which a floor cut may close (E4)."""
        return self.rules(Elections).elections.get(election_id)

    # -- the state hash (SPEC 5.6) ------------------------------------------------

    def summary(self) -> dict:
        """Each rule module's part, and the chain's: heads and forks."""
        summary: dict = {
            "heads": sorted(
                [a, h.seq, h.id, h.key, h.revoked] for a, h in self.heads.items()
            ),
            "forks": [[f.author, f.seq, f.first, f.second] for f in self.forks],
        }
        for rules in self._rules.values():
            summary.update(rules.summary(self))
        return summary

    def state_hash(self) -> str:
        return hashlib.sha256(b"groupnet/v1/state\n" + canonical(self.summary())).hexdigest()


def _trusted(entry: Entry, key: str) -> bool:
    """A stored entry's signature was checked when it was accepted."""
    return True

