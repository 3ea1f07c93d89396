"""Who belongs to the network, what it is called and where it is reached.

Kinds: `network.charter`, `node.admit`, `group.profile`. The rules:

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
  usable key (small order, not canonical: SPEC 2.3). Only admitted nodes may
  write anything but a charter (`state.py` checks that for every kind).
- N3 (profile, name and address). A group's public profile is the latest
  `group.profile` in its own log; a node may publish only its own profile (the
  author of the entry is the group it describes). A member's name comes from
  its latest profile, else from the approval with the smallest entry id. Its
  address comes only from its own word: the founder's charter or its own
  latest profile that gives one; an approval's url never becomes anyone's
  address, since peers push to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from ...wire import crypto
from ...wire.messages import Admit, Charter, Entry, Profile
from ...wire.rejection import Rejection

if TYPE_CHECKING:
    from .state import NetworkState


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


class Admission:
    """The charter, the members and candidates, and the members' profiles."""

    kinds = frozenset({"network.charter", "node.admit", "group.profile"})

    def __init__(self) -> None:
        self.members: dict[str, Member] = {}
        self.candidates: dict[str, Candidate] = {}
        self.profiles: dict[str, tuple[str, Profile]] = {}
        self._admits: dict[str, Admit] = {}
        self._founding_left = 0
        # the charter's ts: when the network was founded (the first conference counts from it)
        self.founded_at: int | None = None

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        if entry.kind == "network.charter":
            return _check_charter(state, entry)
        if entry.kind == "node.admit":
            return self._check_admit(entry)
        return None

    def apply(self, state: NetworkState, entry: Entry) -> None:
        if entry.kind == "network.charter":
            self._apply_charter(state, entry)
        elif entry.kind == "node.admit":
            self._apply_admit(state, entry)
        else:
            self._apply_profile(entry)

    def _apply_charter(self, state: NetworkState, entry: Entry) -> None:
        body: Charter = entry.body  # type: ignore[assignment]
        state.net, state.charter_id, state.name = entry.net, entry.id, body.name
        state.founder, state.orders = entry.author, body.standing_orders
        self.members[entry.author] = Member(entry.author, body.group, body.url, [], {})
        self._founding_left = body.standing_orders.admission_approvals - 1
        self.founded_at = entry.ts

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

    def _apply_admit(self, state: NetworkState, entry: Entry) -> None:
        body: Admit = entry.body  # type: ignore[assignment]
        if body.node == state.founder:
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
        if entry.author == state.founder and self._founding_left > 0:
            self._founding_left -= 1
            candidate.founding = True
        if candidate.founding or len(candidate.approvals) >= state.orders.admission_approvals:
            del self.candidates[body.node]
            # no address until the member gives its own (N3): an approval's url is where
            # the approver found the candidate, not a claim anyone may make for it
            member = Member(body.node, body.name, "", sorted(candidate.approvals),
                            dict(candidate.approvals))
            self.members[body.node] = member
            self._name_member(member)

    def _name_member(self, member: Member) -> None:
        """Until its first profile, a member is named by its smallest approval (N3)."""
        if member.node not in self.profiles and member.approvals:
            member.name = self._admits[min(member.approvals.values())].name

    def _apply_profile(self, entry: Entry) -> None:
        body: Profile = entry.body  # type: ignore[assignment]
        self.profiles[entry.author] = (entry.id, body)
        member = self.members[entry.author]
        member.name = body.name
        if body.url:
            member.url = body.url

    def url_hint(self, node: str) -> str | None:
        """Where an approver found `node`, for a member that has given no url yet (N3).

        Only for pulling from it, which is safe whoever wrote the hint: entries are
        signed end to end. Never an address to push to: that is the member's own word.
        """
        member = self.members.get(node)
        if member is None or member.url or not member.approvals:
            return None
        return self._admits[min(member.approvals.values())].url

    def summary(self, state: NetworkState) -> dict[str, object]:
        return {
            "network": state.net,
            "name": state.name,
            "charter": state.charter_id,
            "founder": state.founder,
            "standing_orders": msgspec.to_builtins(state.orders),
            "members": [
                [m.node, m.name, m.url, m.admitted_by]
                for m in sorted(self.members.values(), key=lambda m: m.node)
            ],
            "candidates": [
                [c.node, sorted(c.approvals.items())]
                for c in sorted(self.candidates.values(), key=lambda c: c.node)
            ],
            "profiles": sorted([node, ident] for node, (ident, _) in self.profiles.items()),
        }


def _check_charter(state: NetworkState, entry: Entry) -> Rejection | None:
    body: Charter = entry.body  # type: ignore[assignment]
    if state.net is not None:
        if entry.id == state.charter_id:
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
