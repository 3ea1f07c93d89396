"""The conference floor: votes put by the chair, cast by delegates, closed by a cosigned cut
(SPEC 5.9)."""

from __future__ import annotations

import msgspec

from groupnet.procedure.network.constitution import DAY_MS
from groupnet.procedure.network.floor import Floor, card_weight
from groupnet.procedure.network.floor_review import floor, question
from groupnet.wire import messages
from groupnet.wire.messages import (
    DelegateCredential,
    DelegateSeat,
    Entry,
    FloorCosign,
    FloorCount,
    FloorCut,
    FloorOpen,
    FloorResult,
    FloorVote,
    Head,
    MandateLine,
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
    item,
    ref,
)
from tests.procedure.test_rule_changes import amendment as amend_rule_change
from tests.procedure.test_rule_changes import rule_change as propose_rule_change

MINUTE = 60_000
SITTING = OPENS + HOUR  # the first vote of these tests opens an hour into the conference


class Floor_(Network):
    """A conference at its final agenda: Bravo's motion with Charlie's amendment, Delta's
    motion; credentials from Alpha (2 delegates), Bravo (1), Charlie (2), Delta (3).

    Entitlements (K5, one per started 250 members): Alpha 2, Bravo 1, Charlie 4, Delta 6,
    Echo none. Alpha, Bravo and Charlie hold the arrangements committee's seats: the chair.
    """

    def __init__(self, rule_out: bool = False, witnessed: bool = False,
                 composite: bool = False, rule_change: bool = False) -> None:
        super().__init__()
        if witnessed:
            self.witness_all(T0 + HOUR)
        self.call = self.must(self.first_call())
        self.m_b = self.must(self.motion(self.b, self.call, title="Rents"))
        self.m_d = self.must(self.motion(self.d, self.call, title="Buses", subject="transport"))
        self.amend = self.must(self.amendment(self.c, self.m_b, text="Rents, and repairs."))
        self.meeting = None
        if rule_change:  # Echo proposes two delegates a group at most; Alpha amends to three
            self.change = self.must(propose_rule_change(self, self.e, self.call))
            self.change_amendment = self.must(amend_rule_change(self, self.a, self.change))
        if rule_out:
            self.meeting = self.arrangements(item(
                "rule-out", conference=self.call.id, refs=[self.m_d.id], provision="C4.2"),
                at=OPENS - 20 * DAY_MS)
        if composite:
            self.meeting = self.arrangements(item(
                "composite", conference=self.call.id, refs=[self.m_b.id, self.m_d.id],
                text="This conference resolves: rents and buses."), at=OPENS - 20 * DAY_MS)
            for group in (self.b, self.d):
                self.must(group.write("conference.consent", messages.ConferenceConsent(
                    messages.DecisionRef(ref(self.meeting), 0), True)))
        for group, count in ((self.a, 2), (self.b, 1), (self.c, 2), (self.d, 3)):
            self.must(group.write("delegate.credential", DelegateCredential(
                self.call.id, "election 1",
                [DelegateSeat(f"{group.name}{i}", f"{group.name} {i}") for i in range(count)],
                [])))
        self.later(FINAL_AGENDA + 1)

    def put(self, it: str, question: str = "motion", text: str | None = None,
            method: str = "hands", tellers: list[str] | None = None, opens: int = SITTING,
            length: int = 10 * MINUTE, by: Group | None = None, threshold: str = "simple",
            at: int | None = None) -> Entry:
        if text is None:
            text = {self.m_b.id: self.m_b.body.text, self.m_d.id: self.m_d.body.text,
                    self.amend.id: self.amend.body.text}.get(it, "")
        return (by or self.a).write("floor.open", FloorOpen(
            ref(self.call), it, question, text, method, tellers or [], threshold, opens,
            opens + length), at=opens if at is None else at)

    def vote(self, group: Group, put: Entry, delegate: str, choice: str = "for",
             at: int | None = None) -> Entry:
        return group.write("floor.vote", FloorVote(ref(put), delegate, choice),
                           at=at if at is not None else put.body.opens + MINUTE)

    def cut(self, put: Entry, by: Group | None = None, at: int | None = None,
            leave_out: tuple[Group, ...] = ()) -> Entry:
        heads = [Head(g.id, g.seq, g.prev) for g in self.groups
                 if g.seq > 0 and g not in leave_out]
        return (by or self.a).write("floor.cut", FloorCut(ref(put), heads),
                                    at=at if at is not None else put.body.closes + 5000)

    def cosign(self, group: Group, cut: Entry, result: FloorResult,
               at: int | None = None) -> Entry:
        return group.write("floor.cosign", FloorCosign(ref(cut), result),
                           at=at if at is not None else cut.ts + 1000)

    def result(self, cut: Entry) -> FloorResult:
        found = self.state.rules(Floor).result_of(self.state, self.state.rules(Floor).cuts[cut.id])
        assert isinstance(found, FloorResult), found
        return found

    def close(self, put: Entry, cosigners: tuple[Group, ...] | None = None) -> Entry:
        """The chair's cut, cosigned by Alpha, Bravo and Charlie (three of four participants)."""
        cut = self.must(self.cut(put))
        for group in cosigners or (self.a, self.b, self.c):
            self.must(self.cosign(group, cut, self.result(cut)))
        return cut

    def refusal(self, entry: Entry):
        """The rejection of an entry, which leaves its author's log as it was."""
        refused = self.state.check(entry)
        assert self.take(entry) == refused.code
        return refused

    def question(self, put: Entry):
        return question(self.state, put.id)


def result(yes: int, no: int, abstain: int = 0, carried: bool | None = None) -> FloorResult:
    return FloorResult(yes, no, abstain, yes > no if carried is None else carried)


# -- F1, F2, F3: putting a question ------------------------------------------------------


def test_only_a_group_on_the_arrangements_committee_puts_a_question():
    net = Floor_()
    assert net.take(net.put(net.amend.id, "amendment", by=net.d)) == "not_chair"
    assert net.take(net.put(net.amend.id, "amendment", by=net.b)) is None


def test_a_vote_window_is_never_backdated_and_lasts_two_minutes_to_a_day():
    net = Floor_()
    assert net.take(net.put(net.amend.id, "amendment", at=SITTING + 1)) == "bad_window"
    assert net.take(net.put(net.amend.id, "amendment", length=MINUTE)) == "bad_window"
    assert net.take(net.put(net.amend.id, "amendment", length=DAY_MS + 1)) == "bad_window"
    assert net.take(net.put(net.amend.id, "amendment", length=2 * MINUTE)) is None


def test_a_vote_is_taken_while_its_conference_sits():
    net = Floor_()
    assert net.take(net.put(net.amend.id, "amendment", opens=OPENS - HOUR)) \
        == "outside_conference"
    assert net.take(net.put(net.amend.id, "amendment", opens=OPENS + 2 * DAY_MS - MINUTE)) \
        == "outside_conference"
    nowhere = net.a.write("floor.open", FloorOpen(
        ref(net.m_b), net.amend.id, "amendment", "", "hands", [], "simple", SITTING,
        SITTING + 10 * MINUTE), at=SITTING)
    assert net.take(nowhere) == "unknown_conference"


def test_a_vote_by_tellers_names_two_teller_groups_and_any_other_names_none():
    net = Floor_()
    assert net.take(net.put(net.amend.id, "amendment", method="tellers",
                            tellers=[net.d.id])) == "bad_tellers"
    assert net.take(net.put(net.amend.id, "amendment", method="tellers",
                            tellers=[net.d.id, net.d.id])) == "bad_tellers"
    assert net.take(net.put(net.amend.id, "amendment", tellers=[net.d.id, net.e.id])) \
        == "bad_tellers"
    assert net.take(net.put(net.amend.id, "amendment", method="tellers",
                            tellers=[net.d.id, net.e.id])) is None


# -- F5, F6: the delegates ---------------------------------------------------------------


def test_a_delegate_votes_between_the_opening_and_the_close_only():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    assert net.take(net.vote(net.b, put, "bravo0", at=put.body.closes + 1)) == "outside_vote"
    assert net.take(net.vote(net.b, put, "bravo0", at=put.body.closes)) is None


def test_a_node_votes_only_for_its_own_groups_delegates():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    assert net.take(net.vote(net.b, put, "charlie0")) == "not_delegate"
    assert net.take(net.vote(net.e, put, "echo0")) == "not_delegate"


def test_a_delegate_beyond_the_groups_entitlement_cannot_vote():
    net = Floor_()
    net.must(net.b.write("delegate.credential", DelegateCredential(
        net.call.id, "by-election", [DelegateSeat("bravo0", "B"), DelegateSeat("bravo1", "C")],
        []), at=SITTING - HOUR))
    put = net.must(net.put(net.amend.id, "amendment"))
    refused = net.refusal(net.vote(net.b, put, "bravo1"))
    assert refused.code == "over_entitlement" and "entitled to 1" in refused.reason


def test_a_delegate_votes_once_on_a_question():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    net.must(net.vote(net.c, put, "charlie0"))
    assert net.take(net.vote(net.c, put, "charlie0", "against")) == "duplicate_vote"
    assert net.take(net.vote(net.c, put, "charlie1", "against")) is None


def test_a_vote_against_the_groups_mandate_is_refused_citing_its_decision():
    net = Floor_()
    mandate = MandateLine(net.amend.id, "oppose", "general meeting of 2 March, item 4")
    net.must(net.c.write("delegate.credential", DelegateCredential(
        net.call.id, "election 1", [DelegateSeat("charlie0", "C")], [mandate]),
        at=SITTING - HOUR))
    put = net.must(net.put(net.amend.id, "amendment"))
    refused = net.refusal(net.vote(net.c, put, "charlie0", "for"))
    assert refused.code == "against_mandate"
    assert refused.reason == ("F6: charlie's mandate on this item is to oppose it "
                              "(decision: general meeting of 2 March, item 4)")
    assert net.take(net.vote(net.c, put, "charlie0", "abstain")) == "against_mandate"
    assert net.take(net.vote(net.c, put, "charlie0", "against")) is None


def test_a_mandate_on_a_motion_lapses_when_the_motion_is_put_amended():
    mandate = MandateLine("", "support", "general meeting, item 2")
    net = Floor_()
    mandate = msgspec.structs.replace(mandate, motion=net.m_b.id)
    net.must(net.d.write("delegate.credential", DelegateCredential(
        net.call.id, "election 1", [DelegateSeat("delta0", "D")], [mandate]),
        at=SITTING - HOUR))
    amended = net.must(net.put(net.m_b.id, text=net.amend.body.text))
    vote = net.must(net.vote(net.d, amended, "delta0", "against"))
    [cast] = net.question(amended).votes
    assert cast.entry == vote.id and cast.mandate == "lapsed"
    as_submitted = net.must(net.put(net.m_b.id, opens=SITTING + HOUR))
    assert net.take(net.vote(net.d, as_submitted, "delta0", "against")) == "against_mandate"


# -- F5: tellers -----------------------------------------------------------------------------


def test_tellers_count_a_vote_once_each_after_the_close_and_take_no_individual_votes():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment", method="tellers",
                           tellers=[net.d.id, net.e.id]))
    assert net.take(net.vote(net.b, put, "bravo0")) == "tellers_vote"

    def count(group: Group, at: int, *numbers: int) -> Entry:
        return group.write("floor.count", FloorCount(ref(put), *numbers), at=at)

    closes = put.body.closes
    assert net.take(count(net.d, closes - 1, 5, 2, 0)) == "early_close"
    assert net.take(count(net.c, closes, 5, 2, 0)) == "not_teller"
    net.must(count(net.d, closes, 5, 2, 0))
    assert net.take(count(net.d, closes + 1, 5, 2, 0)) == "duplicate_count"
    assert net.question(put).tellers_count == "pending"
    net.must(count(net.e, closes + 2, 5, 3, 0))
    assert net.question(put).tellers_count == "disputed"


def test_an_agreed_tellers_count_is_the_result_once_cosigned():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment", method="tellers",
                           tellers=[net.d.id, net.e.id]))
    for teller in (net.d, net.e):
        net.must(teller.write("floor.count", FloorCount(ref(put), 7, 2, 1),
                              at=put.body.closes + 1))
    net.close(put)
    verdict = net.question(put)
    assert verdict.tellers_count == "agreed"
    assert (verdict.status, verdict.result) == ("carried", result(7, 2, 1))


# -- F7: the cut -----------------------------------------------------------------------------


def test_nobody_can_close_a_vote_early():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    refused = net.refusal(net.cut(put, at=put.body.closes - 1))
    assert refused.code == "early_close" and refused.reason.startswith("F2: nobody can close")
    assert net.take(net.cut(put, by=net.d)) == "not_chair"


def test_a_cut_must_name_entries_the_receiver_holds_as_they_are():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    ahead = net.cut(put)
    wrong = msgspec.structs.replace(ahead.body, heads=[
        Head(net.b.id, net.b.seq, "ab" * 32)])
    assert net.take(net.a.write("floor.cut", wrong, at=put.body.closes + 1)) == "bad_cut"
    beyond = msgspec.structs.replace(ahead.body, heads=[Head(net.b.id, net.b.seq + 1, "ab" * 32)])
    assert net.take(net.a.write("floor.cut", beyond, at=put.body.closes + 1)) \
        == "missing_dependency"


# -- F8: cosigns -------------------------------------------------------------------------------


def test_a_cosign_that_contradicts_the_votes_in_the_cut_is_refused():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    net.must(net.vote(net.b, put, "bravo0", "for"))
    net.must(net.vote(net.c, put, "charlie0", "against"))
    net.must(net.vote(net.c, put, "charlie1", "against"))
    cut = net.must(net.cut(put))
    refused = net.refusal(net.cosign(net.b, cut, result(2, 1)))
    assert refused.code == "wrong_result"
    assert refused.reason.startswith("F8: the result contradicts the votes in the cut")
    assert net.take(net.cosign(net.b, cut, result(1, 2))) is None


def test_only_a_participant_cosigns_and_once_for_each_vote():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    cut = net.must(net.cut(put))
    assert net.take(net.cosign(net.e, cut, result(0, 0))) == "not_participant"
    net.must(net.cosign(net.d, cut, result(0, 0)))
    again = net.must(net.cut(put, by=net.b))
    assert net.take(net.cosign(net.d, again, result(0, 0))) == "duplicate_cosign"


def test_a_cosign_of_a_cut_that_leaves_out_a_vote_its_group_witnessed_is_refused():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    before = net.b.seq
    net.must(net.vote(net.b, put, "bravo0"))
    # Delta witnesses Bravo's vote before the close
    net.must(net.d.write("heads.witness", messages.Witness([Head(net.b.id, net.b.seq,
                                                                 net.b.prev)]),
                         at=put.body.closes - 1))
    heads = [Head(g.id, g.seq, g.prev) for g in net.groups if g is not net.b]
    bravo = net.state.id_at(net.b.id, before)
    short = net.must(net.a.write("floor.cut", FloorCut(
        ref(put), [*heads, Head(net.b.id, before, bravo)]), at=put.body.closes + 1))
    refused = net.refusal(net.cosign(net.d, short, result(0, 0)))
    assert refused.code == "cut_omits"
    assert refused.reason == ("F7: the cut leaves out entries this node witnessed before the "
                              "close")
    # Charlie witnessed nothing: it agrees with what the cut holds
    assert net.take(net.cosign(net.c, short, result(0, 0))) is None
    # and Bravo's own vote is its own to miss
    assert net.take(net.cosign(net.b, short, result(0, 0))) == "cut_omits"


# -- F9: finality ------------------------------------------------------------------------------


def test_a_result_is_final_once_more_than_half_of_the_participants_cosign_one_cut():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    for group, delegate in ((net.a, "alpha0"), (net.b, "bravo0"), (net.d, "delta0")):
        net.must(net.vote(group, put, delegate, "for"))
    net.must(net.vote(net.c, put, "charlie0", "against"))
    cut = net.must(net.cut(put))
    net.must(net.cosign(net.a, cut, result(3, 1)))
    net.must(net.cosign(net.b, cut, result(3, 1)))
    verdict = net.question(put)
    assert verdict.status == "pending" and "2 of 4 participants" in verdict.reason
    net.must(net.cosign(net.c, cut, result(3, 1)))
    verdict = net.question(put)
    assert (verdict.status, verdict.final, verdict.result, verdict.cut) == (
        "carried", True, result(3, 1), cut.id)
    assert verdict.outcome == "F10: carried: the motion's text is now the amendment's"
    assert all(v.in_cut for v in verdict.votes)


def test_a_card_vote_weighs_each_delegations_members_in_whole_members():
    assert [card_weight(900, 2, p) for p in (0, 1)] == [450, 450]
    assert [card_weight(301, 2, p) for p in (0, 1)] == [151, 150]
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment", method="card"))
    net.must(net.vote(net.a, put, "alpha0", "for"))   # 300 members, 2 delegates: 150
    net.must(net.vote(net.b, put, "bravo0", "for"))   # 200 members, 1 delegate: 200
    net.must(net.vote(net.c, put, "charlie0", "against"))  # 900 members, 2 delegates: 450
    net.must(net.vote(net.d, put, "delta2", "abstain"))  # 1600 members, 3 delegates: 533
    net.close(put)
    verdict = net.question(put)
    assert (verdict.status, verdict.result) == ("lost", result(350, 450, 533))


# -- F3, F4: what is put -------------------------------------------------------------------------


def test_a_question_on_no_item_of_the_final_agenda_is_void():
    net = Floor_()
    put = net.must(net.put(net.call.id, "motion", text="Something else"))
    net.close(put)
    verdict = net.question(put)
    assert verdict.status == "void" and verdict.reason.startswith("F3:")


def test_a_motion_put_before_its_amendments_are_voted_is_void():
    net = Floor_()
    put = net.must(net.put(net.m_b.id))
    net.close(put)
    verdict = net.question(put)
    assert verdict.status == "void"
    assert verdict.reason.startswith("F4: amendments are voted before the motion")


def test_a_carried_amendment_is_the_text_then_put():
    net = Floor_()
    amendment = net.must(net.put(net.amend.id, "amendment"))
    net.must(net.vote(net.b, amendment, "bravo0", "for"))
    net.close(amendment)
    unamended = net.must(net.put(net.m_b.id, opens=SITTING + HOUR))
    amended = net.must(net.put(net.m_b.id, text=net.amend.body.text, opens=SITTING + 2 * HOUR))
    for put in (unamended, amended):
        net.must(net.vote(net.b, put, "bravo0", "for"))
        net.close(put)
    assert net.question(unamended).status == "void"
    verdict = net.question(amended)
    assert (verdict.status, verdict.outcome) == ("carried", "F10: the motion is carried")


def test_a_carried_reference_back_returns_the_ruled_out_motion_to_the_agenda():
    net = Floor_(rule_out=True)
    ruling = f"{net.meeting.id}:0"
    too_soon = net.must(net.put(net.m_d.id, opens=SITTING))
    net.close(too_soon)
    assert net.question(too_soon).status == "void"
    back = net.must(net.put(ruling, "reference-back", text="Refer the ruling back",
                            opens=SITTING + HOUR))
    for group, delegate in ((net.b, "bravo0"), (net.d, "delta0")):
        net.must(net.vote(group, back, delegate))
    net.close(back)
    verdict = net.question(back)
    assert verdict.status == "carried" and "return to the agenda" in verdict.outcome
    restored = net.must(net.put(net.m_d.id, opens=SITTING + 2 * HOUR))
    net.must(net.vote(net.d, restored, "delta0"))
    net.close(restored)
    assert net.question(restored).status == "carried"


def test_an_appeal_needs_a_group_that_appealed():
    net = Floor_(rule_out=True)
    put = net.must(net.put(f"{net.meeting.id}:0", "appeal", text="Overturn the ruling"))
    net.close(put)
    assert net.question(put).status == "void"


def test_a_question_waits_for_the_network_to_pass_the_final_agenda_time():
    net = Network()
    net.witness_all(net.a.ts + 1)
    call = net.must(net.first_call())
    put = net.must(net.a.write("floor.open", FloorOpen(
        ref(call), "ab" * 32, "motion", "", "hands", [], "simple", SITTING,
        SITTING + 10 * MINUTE), at=SITTING))
    verdict = question(net.state, put.id)
    assert (verdict.status, verdict.reason) == (
        "pending", "F3: the conference's agenda is not final yet")
    net.witness_all(SITTING + 1)
    [found] = floor(net.state, call.id).questions
    assert (found.id, found.status) == (put.id, "void")


# -- order: every node agrees, whatever the order entries arrive in ----------------------------


def test_every_arrival_order_gives_the_same_verdicts_results_and_state_hash():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment", method="card"))
    votes = [net.must(net.vote(g, put, d, v)) for g, d, v in (
        (net.a, "alpha0", "for"), (net.b, "bravo0", "against"), (net.c, "charlie1", "for"),
        (net.d, "delta1", "against"))]
    net.must(net.d.write("heads.witness", messages.Witness(
        [Head(v.author, v.seq, v.id) for v in votes[:3]]), at=put.body.closes))
    cut = net.must(net.cut(put))
    right = net.result(cut)
    cosigns = [net.must(net.cosign(g, cut, right)) for g in (net.b, net.c, net.d)]
    wrong = net.cosign(net.a, cut, result(0, 0))
    # Bravo votes again, dated within the window: refused everywhere
    refused_vote = net.vote(net.b, put, "bravo0", "for", at=put.body.closes)
    expected = net.question(put)
    assert expected.status in ("carried", "lost") and expected.final
    by_author: dict[str, list[Entry]] = {}
    for entry in [*net.log, refused_vote, wrong]:
        by_author.setdefault(entry.author, []).append(entry)
    for entries in by_author.values():
        entries.sort(key=lambda e: e.seq)
    hashes, derived = set(), set()
    for seed in range(8):
        state, verdicts = fold(interleavings(list(by_author.values()), seed))
        assert verdicts[refused_vote.id] == "duplicate_vote"
        assert verdicts[wrong.id] == "wrong_result"
        assert all(verdicts[c.id] is None for c in cosigns)
        hashes.add(state.state_hash())
        derived.add(msgspec.json.encode(floor(state, net.call.id)))
    assert hashes == {net.state.state_hash()}
    assert derived == {msgspec.json.encode(floor(net.state, net.call.id))}


def test_a_floor_entry_citing_a_log_a_fork_removed_has_no_effect():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    vote = net.vote(net.b, put, "bravo0")
    net.state.record_fork(net.a.id, put.seq, put.id, "ff" * 32)
    assert net.state.check(vote) is None
    net.state.apply(vote)
    assert net.state.rules(Floor).votes == {}


def test_a_cut_naming_a_log_past_its_fork_counts_that_log_below_the_freeze_only():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    net.must(net.vote(net.b, put, "bravo0"))
    net.state.record_fork(net.e.id, net.e.seq, net.e.prev, "ff" * 32)
    heads = [Head(g.id, g.seq, g.prev) for g in net.groups if g is not net.e]
    cut = net.a.write("floor.cut", FloorCut(ref(put), [*heads, Head(net.e.id, net.e.seq + 3,
                                                                    "ab" * 32)]),
                      at=put.body.closes + 1)
    assert net.take(cut) is None
    assert net.result(cut) == result(1, 0)


def test_a_vote_or_cosign_must_name_a_question_or_a_cut_that_group_put():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment"))
    assert net.take(net.b.write("floor.vote", FloorVote(ref(net.m_b), "bravo0", "for"),
                                at=put.body.opens + MINUTE)) == "unknown_vote"
    ahead = msgspec.structs.replace(ref(put), seen=net.a.seq + 1)
    assert net.take(net.b.write("floor.vote", FloorVote(ahead, "bravo0", "for"),
                                at=put.body.opens + MINUTE)) == "missing_dependency"
    assert net.take(net.b.write("floor.cosign", FloorCosign(ref(put), result(0, 0)),
                                at=put.body.closes + MINUTE)) == "unknown_cut"


def test_a_two_thirds_question_needs_twice_as_many_for_as_against():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment", threshold="two-thirds"))
    net.must(net.vote(net.a, put, "alpha0", "for"))
    net.must(net.vote(net.b, put, "bravo0", "against"))
    net.close(put)
    assert (net.question(put).status, net.question(put).result) == (
        "lost", result(1, 1, carried=False))
    again = net.must(net.put(net.amend.id, "amendment", threshold="two-thirds",
                             opens=SITTING + HOUR))
    for group, delegate, choice in ((net.a, "alpha0", "for"), (net.a, "alpha1", "for"),
                                    (net.b, "bravo0", "against")):
        net.must(net.vote(group, again, delegate, choice))
    net.close(again)
    assert net.question(again).result == result(2, 1, carried=True)


def test_a_cut_without_an_agreed_tellers_count_has_no_result_to_cosign():
    net = Floor_()
    put = net.must(net.put(net.amend.id, "amendment", method="tellers",
                           tellers=[net.d.id, net.e.id]))
    net.must(net.d.write("floor.count", FloorCount(ref(put), 5, 2, 0), at=put.body.closes))
    net.must(net.e.write("floor.count", FloorCount(ref(put), 5, 3, 0), at=put.body.closes))
    cut = net.must(net.cut(put))
    refused = net.refusal(net.cosign(net.b, cut, result(5, 2)))
    assert refused.code == "wrong_result" and "every teller agrees" in refused.reason
    assert net.question(put).status == "pending"


def test_a_cosign_waits_while_the_network_has_not_witnessed_whose_credential_stands():
    # the groups witnessed each other once, early; nobody has witnessed the credentials yet,
    # so whether they came by the deadline is undecided (SPEC 5.5)
    net = Floor_(witnessed=True)
    put = net.must(net.put(net.amend.id, "amendment"))
    cut = net.must(net.cut(put))
    refused = net.refusal(net.cosign(net.b, cut, result(0, 0)))
    assert refused.code == "missing_dependency" and "K5" in refused.reason
    verdict = net.question(put)
    assert verdict.status == "pending" and verdict.participants == 0


def test_a_composite_is_put_in_its_own_words_and_a_mandate_on_its_motion_lapses():
    net = Floor_(composite=True)
    composite = f"{net.meeting.id}:0"
    mandate = MandateLine(net.m_b.id, "support", "general meeting, item 2")
    net.must(net.b.write("delegate.credential", DelegateCredential(
        net.call.id, "election 1", [DelegateSeat("bravo0", "B")], [mandate]),
        at=SITTING - HOUR))
    reworded = net.must(net.put(composite, "composite", text="Something else."))
    put = net.must(net.put(composite, "composite", text="This conference resolves: rents and "
                           "buses.", opens=SITTING + HOUR))
    net.must(net.vote(net.b, put, "bravo0", "against"))  # the mandate was on Bravo's motion
    net.must(net.vote(net.d, put, "delta0", "for"))
    net.must(net.vote(net.d, put, "delta1", "for"))
    for question_ in (reworded, put):
        net.close(question_)
    assert net.question(reworded).status == "void"
    verdict = net.question(put)
    assert (verdict.status, verdict.outcome) == ("carried", "F10: the composite is carried")
    assert [v.mandate for v in verdict.votes if v.group == net.b.id] == [""]


def test_a_carried_appeal_undoes_the_ruling_its_group_appealed_against():
    net = Floor_(rule_out=True)
    ruling = f"{net.meeting.id}:0"
    net.must(net.d.write("conference.appeal", messages.ConferenceAppeal(
        messages.DecisionRef(ref(net.meeting), 0), "It is within our competence"),
        at=SITTING - HOUR))
    appeal = net.must(net.put(ruling, "appeal", text="Overturn the ruling"))
    for group, delegate in ((net.c, "charlie0"), (net.d, "delta0")):
        net.must(net.vote(group, appeal, delegate))
    net.close(appeal)
    verdict = net.question(appeal)
    assert verdict.status == "carried"
    assert verdict.outcome == f"F10: carried: ruling {ruling} is undone; 1 motion(s) return " \
                              "to the agenda"


def test_a_rule_change_is_put_to_a_card_vote_after_its_amendments_at_two_thirds():
    net = Floor_(rule_change=True)
    change, amendment = net.change.id, net.change_amendment.id
    by_hands = net.must(net.put(change, "rule-change", text="Two delegates"))
    too_soon = net.must(net.put(change, "rule-change", text="Two delegates", method="card"))
    first = net.must(net.put(amendment, "rule-change-amendment", text="Three delegates",
                             method="card", opens=SITTING + HOUR))
    # 600 members' weight for, 534 against: a majority, not two thirds
    for group, delegate, choice in ((net.a, "alpha0", "for"), (net.c, "charlie0", "for"),
                                    (net.d, "delta0", "against")):
        net.must(net.vote(group, first, delegate, choice))
    then = net.must(net.put(change, "rule-change", text="Two delegates", method="card",
                            opens=SITTING + 2 * HOUR))
    for group, delegate, choice in ((net.a, "alpha0", "for"), (net.a, "alpha1", "for"),
                                    (net.c, "charlie0", "for"), (net.c, "charlie1", "for"),
                                    (net.d, "delta0", "against")):
        net.must(net.vote(group, then, delegate, choice))
    for put in (by_hands, too_soon, first, then):
        net.close(put)
    assert net.question(by_hands).reason.startswith("C5.4: the conference decides a rule "
                                                    "change")
    assert net.question(too_soon).reason.startswith("F4: amendments are voted before")
    assert (net.question(first).status, net.question(first).result) == (
        "lost", result(600, 534, carried=False))
    verdict = net.question(then)
    assert (verdict.status, verdict.result, verdict.outcome) == (
        "carried", result(1200, 534), "F10: the rule change is carried at 2/3 (C5.4)")
