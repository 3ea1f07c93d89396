"""The conference elects a body's seats on its floor by STV: nominations, the election,
rankings, the cut and its cosigns, and the seats that follow (SPEC 5.9.1)."""

from __future__ import annotations

import msgspec

from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.constitution import DAY_MS
from groupnet.procedure.network.elections import Elections, elections_of, outcome
from groupnet.procedure.network.floor import Floor
from groupnet.wire import messages
from groupnet.wire.messages import (
    ConferenceNomination,
    DelegateCredential,
    DelegateSeat,
    Entry,
    FloorCosign,
    FloorCut,
    FloorElected,
    FloorElection,
    FloorRanking,
    FloorResult,
    Head,
)
from tests.procedure.test_conferences import (
    FINAL_AGENDA,
    HOUR,
    OPENS,
    T0,
    Group,
    Network,
    fold,
    interleavings,
    ref,
)

MINUTE = 60_000
SITTING = OPENS + HOUR
NOMINATIONS_DUE = OPENS - 14 * DAY_MS
CLOSES = OPENS + 2 * DAY_MS  # the conference's close: the elected sit from here
COMMITTEE = "national-committee"
# the people each group nominates, and whether they describe themselves as women
NOMINEES = {
    "alpha": (("al", ""), ("ann", "woman")),
    "bravo": (("bob", ""), ("bea", "woman")),
    "charlie": (("cy", ""), ("cat", "woman")),
    "delta": (("dan", ""), ("dee", "woman")),
    "echo": (("ed", ""), ("eve", "woman")),
}


class Election_(Network):
    """A conference that elects a seven-seat national committee, at least four of its seats
    for women; ten nominations, two from each group; delegates as in the floor's tests:
    Alpha 2, Bravo 1, Charlie 2, Delta 3 (Echo has no members, so no delegate)."""

    def __init__(self, nominate: bool = True) -> None:
        super().__init__(bodies={COMMITTEE: {"seats": 7, "elected": True, "balance": "woman"}})
        self.call = self.must(self.first_call())
        self.nominations: dict[str, Entry] = {}
        if nominate:
            for group in self.groups:
                for holder, category in NOMINEES[group.name]:
                    self.nominations[holder] = self.must(self.nominate(group, holder, category))
        for group, count in ((self.a, 2), (self.b, 1), (self.c, 2), (self.d, 3)):
            self.must(group.write("delegate.credential", DelegateCredential(
                self.call.id, "election 1",
                [DelegateSeat(f"{group.name}{i}", f"{group.name} {i}") for i in range(count)],
                [])))
        self.later(FINAL_AGENDA + 1)

    def nominate(self, group: Group, holder: str, category: str = "", body: str = COMMITTEE,
                 at: int | None = None) -> Entry:
        return group.write("conference.nomination", ConferenceNomination(
            ref(self.call), body, holder, holder.title(), category),
            at=at if at is not None else NOMINATIONS_DUE - DAY_MS)

    def elect(self, candidates: list[Entry] | None = None, seats: int = 7,
              body: str = COMMITTEE, by: Group | None = None, method: str = "hands",
              opens: int = SITTING, length: int = 30 * MINUTE) -> Entry:
        named = candidates if candidates is not None else list(self.nominations.values())
        return (by or self.a).write("floor.election", FloorElection(
            ref(self.call), body, seats, [ref(n) for n in named], method, opens,
            opens + length), at=opens)

    def rank(self, group: Group, election: Entry, delegate: str, *holders: str,
             at: int | None = None) -> Entry:
        return group.write("floor.ranking", FloorRanking(
            ref(election), delegate, [self.nominations[h].id for h in holders]),
            at=at if at is not None else election.body.opens + MINUTE)

    def cut(self, election: Entry, by: Group | None = None) -> Entry:
        heads = [Head(g.id, g.seq, g.prev) for g in self.groups if g.seq > 0]
        return (by or self.a).write("floor.cut", FloorCut(ref(election), heads),
                                    at=election.body.closes + 5000)

    def count(self, cut: Entry):
        found = self.state.rules(Elections).result_of(
            self.state, self.state.rules(Floor).cuts[cut.id])
        assert not isinstance(found, messages.Rejection), found
        return found

    def cosign(self, group: Group, cut: Entry, elected: list[str]) -> Entry:
        return group.write("floor.elected", FloorElected(ref(cut), elected), at=cut.ts + 1000)

    def names(self, ids: list[str]) -> list[str]:
        holders = {n.id: h for h, n in self.nominations.items()}
        return [holders[i] for i in ids]

    def held(self) -> tuple[Entry, Entry]:
        """An election every delegate ranks, men first; cut, cosigned by three of four."""
        election = self.must(self.elect())
        men_first = ("al", "bob", "cy", "dan", "ed", "ann", "bea", "cat", "dee", "eve")
        for group, delegate, shift in ((self.a, "alpha0", 0), (self.a, "alpha1", 1),
                                       (self.b, "bravo0", 2), (self.c, "charlie0", 3),
                                       (self.c, "charlie1", 4), (self.d, "delta0", 0),
                                       (self.d, "delta1", 1), (self.d, "delta2", 2)):
            order = men_first[shift:5] + men_first[:shift] + men_first[5:]
            self.must(self.rank(group, election, delegate, *order))
        cut = self.must(self.cut(election))
        elected = self.count(cut).elected
        for group in (self.a, self.b, self.c):
            self.must(self.cosign(group, cut, elected))
        return election, cut


def decided(net: Election_, election: Entry):
    return outcome(net.state, net.state.rules(Elections).elections[election.id])


# -- the whole election ------------------------------------------------------------------


def test_a_seven_seat_election_keeps_the_balance_rule_and_seats_the_elected_for_a_term():
    net = Election_()
    election, cut = net.held()
    result = decided(net, election)
    assert result.status == "elected" and result.cut == cut.id
    elected = net.names(result.count.elected)
    assert len(elected) == 7
    # every delegate put the five men first; the balance rule gives four seats to women
    women = [h for h in elected if h in ("ann", "bea", "cat", "dee", "eve")]
    assert len(women) == 4
    assert any(stage.action == "balance" for stage in result.count.stages)
    sitting = net.state.seating(COMMITTEE, CLOSES)
    assert sitting is not None and sitting.election == election.id
    assert sorted(s.holder for s in sitting.seats) == sorted(elected)
    assert sitting.since == CLOSES and sitting.until == CLOSES + 730 * DAY_MS
    # before the conference closes, the interim seats still sit
    before = net.state.seating(COMMITTEE, CLOSES - 1)
    assert before is not None and before.election is None
    assert sorted(s.holder for s in before.seats) == ["ann", "bob", "cat"]


def test_an_election_is_pending_until_more_than_half_the_participants_cosign_one_cut():
    net = Election_()
    election = net.must(net.elect())
    net.must(net.rank(net.a, election, "alpha0", "ann", "al"))
    cut = net.must(net.cut(election))
    net.must(net.cosign(net.a, cut, net.count(cut).elected))
    assert decided(net, election).status == "pending"
    assert net.state.seating(COMMITTEE, CLOSES) is None
    net.must(net.cosign(net.b, cut, net.count(cut).elected))
    assert decided(net, election).status == "pending"  # two of four is not more than half
    net.must(net.cosign(net.c, cut, net.count(cut).elected))
    assert decided(net, election).status == "elected"


def test_a_card_election_weighs_each_ranking_by_its_delegates_members():
    net = Election_()
    election = net.must(net.elect(method="card"))
    net.must(net.rank(net.d, election, "delta0", "dan"))  # 1600 members over 3: 534
    net.must(net.rank(net.b, election, "bravo0", "bob"))  # 200 members
    cut = net.must(net.cut(election))
    assert net.count(cut).valid == 534 + 200


# -- N1, N2: nominations ------------------------------------------------------------------


def test_a_nomination_for_a_body_the_constitution_lacks_is_refused():
    net = Election_(nominate=False)
    assert net.take(net.nominate(net.a, "ann", body="politburo")) == "unknown_body"


def test_a_nomination_for_a_body_the_conference_does_not_elect_is_refused():
    net = Election_(nominate=False)
    refused = net.state.check(net.nominate(net.a, "ann", body="arrangements-committee"))
    assert refused.code == "not_elected" and refused.reason.startswith("N1:")


def test_a_nomination_dated_after_the_deadline_is_refused():
    net = Election_(nominate=False)
    assert net.take(net.nominate(net.a, "ann", at=NOMINATIONS_DUE + 1)) == "late_nomination"


def test_a_group_names_a_person_once_for_a_body():
    net = Election_(nominate=False)
    first = net.nominate(net.a, "ann", at=T0 + DAY_MS)
    net.must(first)
    assert net.take(net.nominate(net.a, "ann", at=T0 + DAY_MS + 1)) == "duplicate_nomination"


def test_a_nomination_that_reached_the_network_after_the_deadline_is_no_candidate():
    net = Election_(nominate=False)
    net.witness_all(T0 + HOUR)
    on_time = net.must(net.nominate(net.a, "ann", "woman", at=T0 + DAY_MS))
    net.witness_all(T0 + 2 * DAY_MS)
    # dated on time, but first witnessed by the others after the deadline
    late = net.must(net.nominate(net.b, "bea", "woman", at=NOMINATIONS_DUE - HOUR))
    net.witness_all(NOMINATIONS_DUE + HOUR)
    net.later(FINAL_AGENDA + 2)
    net.nominations = {"ann": on_time, "bea": late}
    with_late = net.must(net.elect([on_time, late], opens=SITTING))
    assert decided(net, with_late).status == "void"
    right = net.must(net.elect([on_time], opens=SITTING + HOUR))
    assert decided(net, right).status == "pending"  # nobody cosigned yet


# -- E1: putting an election ----------------------------------------------------------------


def test_only_the_chair_puts_an_election_for_the_bodys_seats_naming_nominations():
    net = Election_()
    assert net.take(net.elect(by=net.d)) == "not_chair"
    assert net.take(net.elect(seats=6)) == "bad_election"
    twice = list(net.nominations.values())
    assert net.take(net.elect([*twice, twice[0]])) == "bad_election"
    assert net.take(net.elect(body="arrangements-committee", seats=5)) == "not_elected"
    credential = next(e for e in net.log if e.kind == "delegate.credential")
    refused = net.state.check(net.elect([credential]))
    assert refused.code == "unknown_candidate" and refused.reason.startswith("E1:")
    assert net.take(net.elect(length=MINUTE)) == "bad_window"


def test_an_election_leaving_out_a_nomination_made_on_time_is_void():
    net = Election_()
    fewer = list(net.nominations.values())[:-1]
    election = net.must(net.elect(fewer))
    assert decided(net, election).status == "void"
    assert decided(net, election).reason.startswith("E2:")


def test_of_two_elections_of_a_body_at_one_conference_the_first_put_stands():
    net = Election_()
    first = net.must(net.elect())
    second = net.must(net.elect(opens=SITTING + HOUR))
    assert decided(net, second).status == "void"
    assert decided(net, first).status == "pending"


# -- E3: rankings ----------------------------------------------------------------------------


def test_a_ranking_names_candidates_of_the_election_once_each():
    net = Election_()
    fewer = list(net.nominations.values())[:-1]
    election = net.must(net.elect(fewer))
    assert net.take(net.rank(net.a, election, "alpha0", "ann", "eve")) == "not_candidate"
    assert net.take(net.rank(net.a, election, "alpha0", "ann", "ann")) == "bad_ranking"
    assert net.take(net.rank(net.a, election, "alpha0", "ann", "al")) is None


def test_a_delegate_ranks_once_within_the_window_for_its_own_group_only():
    net = Election_()
    election = net.must(net.elect())
    late = net.rank(net.a, election, "alpha0", "ann", at=election.body.closes + 1)
    assert net.take(late) == "outside_vote"
    assert net.take(net.rank(net.a, election, "bravo0", "ann")) == "not_delegate"
    net.must(net.rank(net.a, election, "alpha0", "ann"))
    assert net.take(net.rank(net.a, election, "alpha0", "al")) == "duplicate_vote"


def test_a_ranking_naming_no_election_is_refused():
    net = Election_()
    credential = next(e for e in net.log if e.kind == "delegate.credential")
    refused = net.state.check(net.a.write("floor.ranking", FloorRanking(
        ref(credential), "alpha0", [net.nominations["ann"].id]), at=SITTING))
    assert refused.code == "unknown_election"


# -- E5: cosigns -------------------------------------------------------------------------------


def test_a_cosign_contradicting_the_rankings_in_the_cut_is_refused():
    net = Election_()
    election = net.must(net.elect())
    net.must(net.rank(net.a, election, "alpha0", "ann", "al"))
    cut = net.must(net.cut(election))
    right = net.count(cut).elected
    refused = net.state.check(net.cosign(net.b, cut, list(reversed(right))))
    assert refused.code == "wrong_result" and refused.reason.startswith("E5:")
    net.b.seq, net.b.prev, net.b.ts = net.b.undo
    net.must(net.cosign(net.b, cut, right))
    assert net.take(net.cosign(net.b, cut, right)) == "duplicate_cosign"
    assert net.take(net.cosign(net.e, cut, right)) == "not_participant"


def test_an_elections_cut_is_cosigned_by_floor_elected_not_floor_cosign():
    net = Election_()
    election = net.must(net.elect())
    cut = net.must(net.cut(election))
    assert net.take(net.b.write("floor.cosign", FloorCosign(
        ref(cut), FloorResult(0, 0, 0, False)), at=cut.ts + 1000)) == "unknown_cut"


# -- E7: the seats, and B1-B4 with them --------------------------------------------------------


def test_the_elected_call_and_carry_a_meeting_and_a_nominee_not_elected_cannot():
    net = Election_()
    election, _ = net.held()
    seats = net.state.seating(COMMITTEE, CLOSES).seats
    member = next(s for s in seats)
    group = next(g for g in net.groups if g.id == member.group)
    at = CLOSES + DAY_MS
    meeting = net.must(group.write("body.meeting", messages.BodyMeeting(
        COMMITTEE, "First meeting", at + 8 * DAY_MS, at + 8 * DAY_MS + HOUR,
        [messages.BodyItem("statement", "We thank the conference.", "", [], None, "")]), at=at))
    for seat in seats:
        voter = next(g for g in net.groups if g.id == seat.group)
        net.must(voter.write("body.vote", messages.BodyVote(
            ref(meeting), 0, seat.holder, "for"), at=at + 8 * DAY_MS + MINUTE))
    net.later(at + 9 * DAY_MS)
    assert net.state.rules(Bodies).decision(net.state, meeting.id, 0).status == "carried"
    # Echo's nominees were not elected: Echo's node may call a meeting (its own nominations
    # say it might sit), but the meeting is void: it held no seat when it called it (B1)
    assert net.e.id not in {s.group for s in seats}
    called = net.must(net.e.write("body.meeting", messages.BodyMeeting(
        COMMITTEE, "Rump", at + 20 * DAY_MS, at + 20 * DAY_MS + HOUR,
        [messages.BodyItem("statement", "We remain.", "", [], None, "")]), at=at + 10))
    net.later(at + 21 * DAY_MS)
    found = net.state.rules(Bodies).decision(net.state, called.id, 0)
    assert found.status == "void" and found.reason.startswith("B1:")


def test_a_group_that_holds_no_seat_and_nominated_nobody_calls_no_meeting():
    net = Election_(nominate=False)
    refused = net.state.check(net.e.write("body.meeting", messages.BodyMeeting(
        COMMITTEE, "Echo", CLOSES + 20 * DAY_MS, CLOSES + 20 * DAY_MS + HOUR,
        [messages.BodyItem("statement", "Hello.", "", [], None, "")]), at=CLOSES))
    assert refused.code == "not_seated"


def test_every_arrival_order_gives_the_same_verdicts_seats_and_state_hash():
    net = Election_()
    election, cut = net.held()
    wrong = net.cosign(net.d, cut, [])
    twice = net.rank(net.a, election, "alpha0", "dan", at=election.body.closes)
    expected = decided(net, election)
    by_author: dict[str, list[Entry]] = {}
    for entry in [*net.log, wrong, twice]:
        by_author.setdefault(entry.author, []).append(entry)
    for entries in by_author.values():
        entries.sort(key=lambda e: e.seq)
    hashes, seats = set(), set()
    for seed in range(6):
        state, verdicts = fold(interleavings(list(by_author.values()), seed))
        assert verdicts[wrong.id] == "wrong_result"
        assert verdicts[twice.id] == "duplicate_vote"
        hashes.add(state.state_hash())
        found = outcome(state, state.rules(Elections).elections[election.id])
        seats.add(msgspec.json.encode(found))
        assert elections_of(state, net.call.id)[0].id == election.id
    assert hashes == {net.state.state_hash()}
    assert seats == {msgspec.json.encode(expected)}


def test_after_the_elected_term_the_body_keeps_only_its_caretaker_powers():
    net = Election_()
    net.held()
    member = net.state.seating(COMMITTEE, CLOSES).seats[0]
    group = next(g for g in net.groups if g.id == member.group)
    at = CLOSES + 731 * DAY_MS  # the term is 730 days from the conference's close
    meeting = net.must(group.write("body.meeting", messages.BodyMeeting(
        COMMITTEE, "Late meeting", at + 8 * DAY_MS, at + 8 * DAY_MS + HOUR,
        [messages.BodyItem("statement", "Still here.", "", [], None, ""),
         messages.BodyItem("call-conference", "", "", [], at + 80 * DAY_MS, "")]), at=at))
    net.later(at + 9 * DAY_MS)
    statement = net.state.rules(Bodies).decision(net.state, meeting.id, 0)
    assert statement.status == "void" and statement.reason.startswith("B3:")
    caretaker = net.state.rules(Bodies).decision(net.state, meeting.id, 1)
    assert caretaker.status != "void"
