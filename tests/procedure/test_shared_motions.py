"""Shared motions: every node reaches the same verdicts, whatever order messages arrive in."""

from __future__ import annotations

import itertools

import msgspec

from groupnet.procedure.network import NetworkState
from groupnet.wire import crypto, messages
from groupnet.wire.messages import Entry, NetworkStandingOrders

T0 = 1_700_000_000_000


class Group:
    def __init__(self, name: str, net: str | None = None) -> None:
        self.key = crypto.SigningKey.from_seed(name.encode().ljust(32, b"."))
        self.id = self.key.public
        self.name = name
        self.net = net
        self.seq = 0
        self.prev: str | None = None

    def write(self, kind: str, body) -> Entry:
        self.seq += 1
        entry = messages.build(self.key, self.net, self.id, self.seq, self.prev,
                               T0 + self.seq, kind, body)
        self.prev = entry.id
        return entry


def network(*names: str) -> tuple[list[Group], list[Entry]]:
    founder = Group(names[0])
    nonce = crypto.b64encode(b"n" * 16)
    founder.net = crypto.network_id(founder.id, nonce)
    entries = [founder.write("network.charter", messages.Charter(
        "Net", founder.name, "http://127.0.0.1:1", nonce, NetworkStandingOrders()))]
    groups = [founder]
    for name in names[1:]:
        group = Group(name, founder.net)
        entries.append(founder.write("node.admit", messages.Admit(
            group.id, name, "http://127.0.0.1:2")))
        groups.append(group)
    return groups, entries


def fold(entries: list[Entry]) -> tuple[NetworkState, dict[str, str | None]]:
    """Fold entries, retrying those that wait for something, as a node's sync would."""
    state = NetworkState()
    verdicts: dict[str, str | None] = {}
    pending = list(entries)
    progress = True
    while pending and progress:
        progress = False
        for entry in list(pending):
            head = state.head_of(entry.author)
            if entry.seq != head.seq + 1:
                continue
            rejection = state.check(entry)
            if rejection is not None and rejection.code == "missing_dependency":
                continue
            pending.remove(entry)
            progress = True
            verdicts[entry.id] = rejection.code if rejection else None
            if rejection is None:
                state.apply(entry)
    for entry in pending:
        verdicts[entry.id] = "waiting"
    return state, verdicts


def adoption(in_favour: int = 17, against: int = 10, abstentions: int = 1,
             attendance: int = 28) -> messages.Adoption:
    return messages.Adoption("General meeting", "2017-01-11",
                             messages.Tally(in_favour, against, abstentions, attendance))


def share(group: Group, title: str = "Keep the conference") -> Entry:
    return group.write("motion.shared", messages.MotionShared(
        title, "This branch calls for the delegate conference to go ahead.", ["democracy"],
        adoption(), "motion 3"))


def ref(motion: Entry, seen: int) -> messages.MotionRef:
    return messages.MotionRef(motion.author, motion.id, seen)


def test_an_amendment_written_before_a_withdrawal_stands_on_every_node_in_any_order():
    (a, b, c), setup = network("Southwark", "Havering", "Leeds")
    motion = share(b)
    amendment = c.write("motion.amendment", messages.MotionAmendment(
        ref(motion, motion.seq), 1, "This branch demands the conference go ahead.", "stronger"))
    withdrawal = b.write("motion.withdrawn", messages.MotionWithdrawn(
        ref(motion, motion.seq), "superseded"))
    late = c.write("motion.amendment", messages.MotionAmendment(
        ref(motion, withdrawal.seq), 1, "Another text.", "too late"))
    hashes = set()
    for order in itertools.permutations([amendment, withdrawal, late]):
        state, verdicts = fold(setup + [motion, *order])
        assert verdicts[amendment.id] is None
        assert verdicts[late.id] == "motion_withdrawn"
        assert state.motions.motions[motion.id].state == "withdrawn"
        hashes.add(state.state_hash())
    assert len(hashes) == 1


def test_endorsing_a_motion_that_does_not_exist_is_refused_once_the_cited_log_is_held():
    (a, b), setup = network("Southwark", "Havering")
    motion = share(a)
    bogus = messages.MotionRef(a.id, "ab" * 32, motion.seq)
    endorsement = b.write("motion.endorsed", messages.MotionEndorsed(bogus, 1, adoption()))
    _, verdicts = fold(setup + [motion, endorsement])
    assert verdicts[endorsement.id] == "unknown_motion"


def test_a_reference_to_entries_not_yet_held_waits_instead_of_failing():
    (a, b), setup = network("Southwark", "Havering")
    motion = share(a)
    endorsement = b.write("motion.endorsed", messages.MotionEndorsed(
        ref(motion, motion.seq), 1, adoption()))
    state = NetworkState()
    for entry in setup:
        state.apply(entry)
    assert state.check(endorsement).code == "missing_dependency"
    state.apply(motion)
    assert state.check(endorsement) is None


def test_a_tally_larger_than_the_attendance_it_cites_is_refused():
    (a, b), setup = network("Southwark", "Havering")
    motion = share(a)
    endorsement = b.write("motion.endorsed", messages.MotionEndorsed(
        ref(motion, motion.seq), 1, adoption(20, 10, 1, 28)))
    _, verdicts = fold(setup + [motion, endorsement])
    assert verdicts[endorsement.id] == "tally_exceeds_attendance"


def test_endorsing_the_same_version_twice_is_refused_but_a_new_version_may_be_endorsed():
    (a, b), setup = network("Southwark", "Havering")
    motion = share(a)
    first = b.write("motion.endorsed", messages.MotionEndorsed(
        ref(motion, motion.seq), 1, adoption()))
    again = b.write("motion.endorsed", messages.MotionEndorsed(
        ref(motion, motion.seq), 1, adoption()))
    _, verdicts = fold(setup + [motion, first, again])
    assert verdicts[again.id] == "already_endorsed"
    # an honest node never signs the refused entry; its log goes on from `first`
    b.seq, b.prev = first.seq, first.id
    revision = a.write("motion.revised", messages.MotionRevised(
        ref(motion, motion.seq), "Keep the conference", "Revised text.", ["democracy"],
        adoption(), "clearer"))
    second = b.write("motion.endorsed", messages.MotionEndorsed(
        ref(motion, revision.seq), 2, adoption()))
    state, verdicts = fold(setup + [motion, first, revision, second])
    assert verdicts[first.id] is None
    assert verdicts[second.id] is None
    shared = state.motions.motions[motion.id]
    assert [e.version for e in shared.endorsements] == [1, 2]
    assert shared.current.number == 2


def test_only_the_sharing_group_may_revise_or_withdraw_its_motion():
    (a, b), setup = network("Southwark", "Havering")
    motion = share(a)
    takeover = b.write("motion.withdrawn", messages.MotionWithdrawn(
        ref(motion, motion.seq), "we say so"))
    _, verdicts = fold(setup + [motion, takeover])
    assert verdicts[takeover.id] == "not_sharing_group"


def test_a_group_cannot_endorse_or_cosponsor_its_own_motion():
    (a,), setup = network("Southwark")
    motion = share(a)
    endorsement = a.write("motion.endorsed", messages.MotionEndorsed(
        ref(motion, motion.seq), 1, adoption()))
    _, verdicts = fold(setup + [motion, endorsement])
    assert verdicts[endorsement.id] == "own_motion"


def test_a_message_from_a_group_that_is_not_admitted_is_refused():
    (a,), setup = network("Southwark")
    stranger = Group("Stranger", a.net)
    motion = share(stranger)
    _, verdicts = fold(setup + [motion])
    assert verdicts[motion.id] == "unknown_author"


def test_cosponsors_amendments_and_replies_are_threaded_under_the_motion():
    (a, b, c), setup = network("Southwark", "Havering", "Leeds")
    draft = a.write("motion.shared", messages.MotionShared(
        "Open selections", "Draft text.", ["selections"], None, "draft 1"))
    entries = [
        b.write("motion.cosponsored", messages.MotionCosponsored(ref(draft, draft.seq), 1)),
        c.write("motion.cosponsored", messages.MotionCosponsored(ref(draft, draft.seq), 1)),
        c.write("motion.amendment", messages.MotionAmendment(
            ref(draft, draft.seq), 1, "Better text.", "clarity")),
        b.write("motion.reply", messages.MotionReply(ref(draft, draft.seq), "We agree.")),
    ]
    state, verdicts = fold(setup + [draft, *entries])
    assert all(verdicts[e.id] is None for e in entries)
    shared = state.motions.motions[draft.id]
    assert shared.state == "draft"
    assert {x.group for x in shared.cosponsors} == {b.id, c.id}
    assert [x.text for x in shared.amendments] == ["Better text."]
    assert [x.text for x in shared.replies] == ["We agree."]
    assert msgspec.to_builtins(shared.versions[0].adopted) is None


def test_who_is_admitted_does_not_depend_on_the_order_approvals_arrive_in():
    founder = Group("Founder")
    nonce = crypto.b64encode(b"k" * 16)
    founder.net = crypto.network_id(founder.id, nonce)
    charter = founder.write("network.charter", messages.Charter(
        "Net", "Founder", "http://127.0.0.1:1", nonce,
        NetworkStandingOrders(admission_approvals=3)))
    a, b, x, y = (Group(name, founder.net) for name in ("A", "B", "X", "Y"))
    founding = [founder.write("node.admit", messages.Admit(g.id, g.name, "http://127.0.0.1:2"))
                for g in (a, b)]
    approvals = [
        founder.write("node.admit", messages.Admit(x.id, "X", "http://127.0.0.1:3")),
        founder.write("node.admit", messages.Admit(y.id, "Y", "http://127.0.0.1:4")),
        a.write("node.admit", messages.Admit(x.id, "X", "http://127.0.0.1:3")),
        a.write("node.admit", messages.Admit(y.id, "Y", "http://127.0.0.1:4")),
        b.write("node.admit", messages.Admit(x.id, "X", "http://127.0.0.1:3")),
        b.write("node.admit", messages.Admit(y.id, "Y", "http://127.0.0.1:4")),
    ]
    outcomes = set()
    for order in itertools.permutations(approvals[2:]):
        state, verdicts = fold([charter, *founding, *approvals[:2], *order])
        assert all(code is None for code in verdicts.values()), verdicts
        outcomes.add((frozenset(state.members), state.state_hash()))
    ((members, _),) = outcomes
    assert members == {founder.id, a.id, b.id, x.id, y.id}
