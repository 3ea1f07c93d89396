"""The one decision for an incoming entry, driven without a node, a socket or a clock."""

from __future__ import annotations

from groupnet.procedure.network import (
    Accept,
    Duplicate,
    ForkEvidence,
    NetworkState,
    Refuse,
    count,
    receive,
)
from groupnet.wire import crypto, messages
from groupnet.wire.messages import Entry, NetworkStandingOrders

T0 = 1_700_000_000_000


class HeldHere:
    """What a receiver holds: the ids, and the id at each (author, seq)."""

    def __init__(self) -> None:
        self.at: dict[tuple[str, int], str] = {}

    def __contains__(self, ident: object) -> bool:
        return ident in self.at.values()

    def id_at(self, author: str, seq: int) -> str | None:
        return self.at.get((author, seq))


class Founder:
    def __init__(self) -> None:
        self.key = crypto.SigningKey.from_seed(b"founder".ljust(32, b"."))
        self.nonce = crypto.b64encode(b"n" * 16)
        self.net = crypto.network_id(self.key.public, self.nonce)

    def entry(self, seq: int, prev: str | None, kind: str, body) -> Entry:
        return messages.build(self.key, self.net, self.key.public, seq, prev, T0 + seq,
                              kind, body)

    def charter(self) -> Entry:
        return self.entry(1, None, "network.charter", messages.Charter(
            "Net", "Founders", "http://127.0.0.1:1", self.nonce, NetworkStandingOrders()))

    def profile(self, seq: int, prev: str, area: str) -> Entry:
        return self.entry(seq, prev, "group.profile", messages.Profile(
            "Founders", area, "", "", "http://127.0.0.1:1"))


def take(state: NetworkState, held: HeldHere, entry, asked: list[str]):
    def signature(entry: Entry, key: str) -> bool:
        asked.append(entry.id)
        return messages.verify_signature(entry, key)

    verdict = receive(state, entry, held, signature, T0 + 10_000)
    if isinstance(verdict, Accept):
        held.at[(verdict.entry.author, verdict.entry.seq)] = verdict.entry.id
    count(state, verdict)
    return verdict


def test_an_entry_beyond_a_gap_is_refused_before_its_signature_is_asked():
    founder, state, held, asked = Founder(), NetworkState(), HeldHere(), []
    charter = founder.charter()
    assert isinstance(take(state, held, charter, asked), Accept)
    ahead = founder.profile(3, charter.id, "too far")
    verdict = take(state, held, ahead, asked)
    assert isinstance(verdict, Refuse) and verdict.rejection.code == "seq_gap"
    assert ahead.id not in asked


def test_a_replay_is_a_duplicate_and_a_second_entry_at_a_seq_is_fork_evidence():
    founder, state, held, asked = Founder(), NetworkState(), HeldHere(), []
    charter = founder.charter()
    first = founder.profile(2, charter.id, "north")
    for entry in (charter, first):
        assert isinstance(take(state, held, entry, asked), Accept)
    assert isinstance(take(state, held, first, asked), Duplicate)
    other = founder.profile(2, charter.id, "south")
    verdict = take(state, held, other, asked)
    assert isinstance(verdict, ForkEvidence) and verdict.held == first.id
    assert state.frozen == {founder.key.public: 2}
    later = founder.profile(3, first.id, "east")
    refused = take(state, held, later, asked)
    assert isinstance(refused, Refuse) and refused.rejection.code == "equivocated"


def test_bytes_refused_by_the_wire_are_refused_without_an_id():
    state, held = NetworkState(), HeldHere()
    verdict = take(state, held, messages.parse(b"[1,2,3]"), [])
    assert isinstance(verdict, Refuse) and verdict.entry is None
    assert verdict.rejection.code == "malformed"
