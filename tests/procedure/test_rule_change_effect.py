"""A rule change carried on the floor takes effect at an instant fixed in advance, on every
node alike; with ballot ratification it waits for the members (SPEC 5.3 C5.5–C5.8)."""

from __future__ import annotations

import msgspec
import pytest

from groupnet.cli import vectors
from groupnet.procedure.network import NetworkState
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.procedure.network.constitution_history import FLOOR_EFFECT_MS, history
from groupnet.wire import messages
from groupnet.wire.messages import Constitution, Entry
from tests.procedure.test_conferences import (
    FINAL_AGENDA,
    HOUR,
    OPENS,
    Group,
    fold,
    interleavings,
    item,
)
from tests.procedure.test_floor import Floor_
from tests.procedure.test_rule_changes import rule_change

CLOSES = OPENS + 2 * DAY_MS  # the conference of these tests closes two days after opening
INSTANT = CLOSES + FLOOR_EFFECT_MS  # C5.5: a carried change is in force from here


def short_notice(constitution: Constitution | None = None) -> Constitution:
    """The constitution with the national committee meeting on 3 days' notice, not 7."""
    constitution = constitution or default()
    return msgspec.structs.replace(constitution, bodies=[
        msgspec.structs.replace(b, notice_days=3) if b.id == "national-committee" else b
        for b in constitution.bodies])


class Effect(Floor_):
    """Floor_'s conference with Echo's rule change on the agenda: the national committee
    meets on three days' notice instead of seven."""

    def __init__(self, witnessed: bool = False) -> None:
        self.proposed: Entry | None = None
        self.witnessed = witnessed
        super().__init__(witnessed=witnessed)

    def later(self, at: int) -> None:
        if self.proposed is None and at == FINAL_AGENDA + 1:
            # Floor_ passes the final agenda time last: the rule change goes in just before
            self.proposed = self.must(rule_change(
                self, self.e, self.call, short_notice(self.FOUNDING), at=OPENS - 57 * DAY_MS))
            if self.witnessed:  # the rule change and the credentials arrive in time
                self.witness_all(OPENS - 57 * DAY_MS + 1)
        super().later(at)

    def decide(self, split: tuple[str, str] = ("for", "against"),
               cosigners: tuple[Group, ...] | None = None) -> Entry:
        """The rule change put to a card vote: Alpha's and Charlie's delegates vote
        `split[0]` (1200 members), Delta's first `split[1]` (534); cut and cosigned."""
        put = self.must(self.put(self.proposed.id, "rule-change", text="Short notice",
                                 method="card"))
        for group, delegate, choice in ((self.a, "alpha0", split[0]), (self.a, "alpha1", split[0]),
                                        (self.c, "charlie0", split[0]),
                                        (self.c, "charlie1", split[0]),
                                        (self.d, "delta0", split[1])):
            self.must(self.vote(group, put, delegate, choice))
        cut = self.must(self.cut(put))
        for group in (self.a, self.b, self.c) if cosigners is None else cosigners:
            self.must(self.cosign(group, cut, self.result(cut)))
        return put

    def convene(self, at: int, notice_days: int = 4, group: Group | None = None) -> Entry:
        """A national committee meeting called at `at`, opening `notice_days` later."""
        opens = at + notice_days * DAY_MS
        return (group or self.a).write("body.meeting", messages.BodyMeeting(
            "national-committee", "Statement", opens, opens + HOUR,
            [item("statement", text="We stand together.")]), at=at)


def test_a_carried_rule_change_is_in_force_for_entries_dated_from_the_instant():
    net = Effect()
    put = net.decide()
    assert net.question(put).status == "carried"
    net.later(INSTANT + 1)  # the network has passed the instant
    assert net.state.constitution_for(INSTANT - 1) == default()
    assert net.state.constitution_for(INSTANT) == short_notice()
    # four days' notice: too short the moment before the instant, enough from it
    before = net.refusal(net.convene(INSTANT - 1))
    assert before.code == "short_notice" and "7 days' notice" in before.reason
    net.must(net.convene(INSTANT, group=net.b))
    latest = history(net.state).latest()
    assert (latest.source, latest.entry, latest.since, latest.vote) == (
        "conference", net.proposed.id, INSTANT, put.id)
    assert net.state.summary()["constitution_in_force"] == net.proposed.id


def test_a_meeting_called_under_the_old_rules_keeps_them_when_it_opens_after_the_instant():
    net = Effect()
    net.decide()
    net.later(INSTANT + 1)
    # called two days before the instant, opening after it: the old seven days apply
    refused = net.refusal(net.convene(INSTANT - 2 * DAY_MS, notice_days=5))
    assert refused.code == "short_notice"


def test_a_rule_change_that_fails_its_threshold_is_never_in_force():
    net = Effect()
    put = net.decide(split=("against", "for"))
    assert net.question(put).status == "lost"
    net.later(INSTANT + 1)
    assert net.state.constitution_for(INSTANT + DAY_MS) == default()
    assert net.refusal(net.convene(INSTANT + 1)).code == "short_notice"
    outcome = history(net.state).outcomes[0]
    assert (outcome.status, outcome.since) == ("not in force", INSTANT)
    assert "constitution_in_force" not in net.state.summary()


def test_an_entry_dated_after_the_instant_waits_while_the_outcome_is_undecided():
    net = Effect()
    put = net.decide(cosigners=(net.a,))  # one cosign of four participants: not final
    assert net.question(put).status == "pending"
    assert net.state.constitution_for(INSTANT) is None
    waits = net.refusal(net.convene(INSTANT))
    assert waits.code == "missing_dependency" and waits.reason.startswith("C5.8")
    # entries before the instant are judged as ever
    assert net.state.constitution_for(INSTANT - 1) == default()


def test_a_vote_cosigned_only_after_the_instant_gives_no_effect():
    net = Effect()
    put = net.decide(cosigners=(net.a,))
    cut = next(e for e in net.log if e.kind == "floor.cut")
    net.later(INSTANT + 1)
    for group in (net.b, net.c):
        net.must(net.cosign(group, cut, net.result(cut), at=INSTANT + 2))
    assert net.question(put).status == "carried"
    assert net.state.constitution_for(INSTANT) == default()
    assert history(net.state).outcomes[0].status == "not in force"


RATIFIED = msgspec.structs.replace(default(), amendments=msgspec.structs.replace(
    default().amendments, ballot_ratification=True))


class Ratifying(Effect):
    """The same conference in a network whose constitution asks the members to ratify."""

    FOUNDING = RATIFIED


def test_ballot_ratification_leaves_a_carried_change_waiting_for_a_member_ballot():
    net = Ratifying()
    net.decide()
    net.later(INSTANT + 1)
    outcome = history(net.state).outcomes[0]
    assert (outcome.status, outcome.since, outcome.rule_change) == (
        "awaiting ballot", None, net.proposed.id)
    assert outcome.reason.startswith("C5.6")
    # nothing waits on it: until a ballot ratifies it, the old rules stand
    assert net.state.constitution_for(INSTANT + DAY_MS) == RATIFIED
    assert net.refusal(net.convene(INSTANT + 1)).code == "short_notice"


def test_every_arrival_order_switches_at_the_same_entry_with_the_same_state_hash():
    net = Effect(witnessed=True)
    net.witness_all(FINAL_AGENDA + 2)  # past the final agenda time
    put = net.decide()
    net.witness_all(put.body.closes + HOUR)
    net.witness_all(INSTANT + HOUR)
    after = net.must(net.convene(INSTANT + 2 * HOUR, group=net.b))
    before = net.convene(INSTANT - 2 * HOUR, group=net.c)
    assert net.take(before) == "short_notice"
    by_author: dict[str, list[Entry]] = {}
    for entry in [*net.log, before]:
        by_author.setdefault(entry.author, []).append(entry)
    hashes = set()
    for seed in range(6):
        state, verdicts = fold(interleavings(list(by_author.values()), seed))
        assert (verdicts[after.id], verdicts[before.id]) == (None, "short_notice")
        hashes.add(state.state_hash())
        assert state.constitution == short_notice()
    assert hashes == {net.state.state_hash()}
    assert net.state.summary()["constitution_in_force"] == net.proposed.id


@pytest.fixture(scope="module")
def ratification() -> vectors.Scenario:
    return vectors.rule_change_ratification()


def _fold(entries: list[Entry]) -> NetworkState:
    state = NetworkState()
    for entry in entries:
        state.fold(entry)
    return state


def test_a_ratified_change_waits_for_the_count_then_is_in_force_from_the_ballots_instant(
        ratification):
    instant = ratification.derived["effect_instant"]
    entries = ratification.accepted
    partials = [e for e in entries if e.kind == "ballot.partial"]
    counting = _fold([e for e in entries[:entries.index(partials[0])]])
    [outcome] = history(counting).outcomes
    assert (outcome.status, outcome.since) == ("pending", instant)
    assert counting.constitution_for(instant - 1) is not None
    assert counting.constitution_for(instant) is None
    counted = ratification.state()
    latest = history(counted).latest()
    assert (latest.source, latest.since, latest.ballot) == (
        "ballot", instant, ratification.derived["ballot"][0])
    notice = {b.id: b.notice_days for b in counted.constitution_at(instant).bodies}
    assert notice["national-committee"] == 3
    assert counted.constitution_at(instant - 1) != counted.constitution_at(instant)
