"""Standing orders 9.3 and 9.4: a member lapses only by the rule that defines lapsing.

The background: a lapsed member cannot vote, so an officer who could mark
members lapsed at will could take away their opponents' votes the evening
before a meeting. Here a lapse needs dues unpaid past the grace period,
notice sent to the member and time to put it right, and no meeting the
member may attend called; the member's own renewal reverses it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from groupnet.procedure.group.members import (
    CalledMeeting,
    Dues,
    LapseGrounds,
    Member,
    StatusEntry,
    change_status,
    give_lapse_notice,
    lapse_refusal,
    liable_from,
    record_payment,
    renew,
)
from groupnet.procedure.group.standing_orders import GroupStandingOrders, load
from groupnet.wire.rejection import Rejection

DAY = 86_400_000
ORDERS = GroupStandingOrders()
PAID_UNTIL = date(2017, 1, 31)
# the day dues fell due, and the first moment unpaid dues let a membership lapse
DUE = int(datetime(2017, 2, 1, tzinfo=UTC).timestamp() * 1000)
LIABLE = DUE + ORDERS.dues_grace_days * DAY
SECRETARY = Member(member_id="sec", name="Sam", email="sam@example.org",
                   joined=date(2015, 1, 1), history=(StatusEntry("active", 0, "joined", "x"),),
                   roles=("secretary",))


def member(dues: tuple[Dues, ...] = (Dues(PAID_UNTIL, DUE - 40 * DAY, "sec"),),
           status: str = "active") -> Member:
    return Member(member_id="bob", name="Bob", email="bob@example.org",
                  joined=date(2016, 1, 1), history=(StatusEntry(status, 0, "joined", "x"),),
                  dues=dues)


def noticed(at: int = LIABLE) -> Member:
    given = give_lapse_notice(member(), SECRETARY, at, "member:bob:lapse", ORDERS)
    assert isinstance(given, Member), given
    return given


def lapse(who: Member, at: int, grounds: LapseGrounds) -> Member | Rejection:
    return change_status(who, "lapsed", SECRETARY, at, "dues unpaid", ORDERS, grounds)


def test_the_defaults_give_a_month_of_grace_and_two_weeks_notice():
    assert (ORDERS.dues_grace_days, ORDERS.lapse_notice_days) == (30, 14)
    assert liable_from(member(), ORDERS) == LIABLE


def test_no_rule_change_can_take_away_the_notice_or_the_grace():
    for patch in ({"lapse_notice_days": 0}, {"dues_grace_days": 3}):
        refused = load(patch)
        assert isinstance(refused, Rejection) and refused.code == "entrenched_provision"
        assert "0.5" in refused.reason


def test_an_officer_cannot_lapse_a_member_on_a_whim():
    """No notice was ever given: refused, citing the rule and pointing to due process."""
    refused = lapse(member(), LIABLE + 60 * DAY, LapseGrounds())
    assert isinstance(refused, Rejection) and refused.code == "lapse_notice_required"
    assert "standing order 9.4" in refused.reason
    assert "due-process case (standing order 7)" in refused.reason


def test_a_member_whose_dues_are_paid_or_unrecorded_is_never_lapsed():
    for who, words in [(member(dues=()), "records no dues"),
                       (member(dues=(Dues(date(2017, 12, 31), DUE, "sec"),)), "paid until")]:
        refused = lapse(who, LIABLE, LapseGrounds(notice_sent_ms=DUE))
        assert isinstance(refused, Rejection) and refused.code == "due_process_required"
        assert "standing order 9.3" in refused.reason and words in refused.reason
        assert "due-process case" in refused.reason


def test_notice_is_given_only_by_an_officer_to_a_member_past_the_grace_period():
    early = give_lapse_notice(member(), SECRETARY, LIABLE - 1, "r", ORDERS)
    assert isinstance(early, Rejection) and early.code == "not_in_arrears"
    by_member = give_lapse_notice(member(), member(), LIABLE, "r", ORDERS)
    assert isinstance(by_member, Rejection) and by_member.code == "officer_required"
    twice = give_lapse_notice(noticed(), SECRETARY, LIABLE + DAY, "r2", ORDERS)
    assert isinstance(twice, Rejection) and twice.code == "lapse_notice_given"


def test_the_notice_period_counts_from_when_the_notice_was_sent():
    bob = noticed()
    unsent = lapse(bob, LIABLE + 30 * DAY, LapseGrounds(notice_sent_ms=None))
    assert isinstance(unsent, Rejection) and unsent.code == "lapse_notice_required"
    sent = LIABLE + 2 * DAY
    early = lapse(bob, sent + 14 * DAY - 1, LapseGrounds(notice_sent_ms=sent))
    assert isinstance(early, Rejection) and early.code == "lapse_notice_period"
    lapsed = lapse(bob, sent + 14 * DAY, LapseGrounds(notice_sent_ms=sent))
    assert isinstance(lapsed, Member) and lapsed.status == "lapsed"
    assert lapsed.lapse_notice is None  # used up by the lapse it announced


def test_the_evening_before_a_called_meeting_the_lapse_is_refused_and_after_it_allowed():
    bob, sent = noticed(), LIABLE
    vote = sent + 30 * DAY
    grounds = LapseGrounds(notice_sent_ms=sent,
                           meetings=(CalledMeeting("4", "general", vote),))
    evening_before = vote - 5 * 3_600_000
    refused = lapse(bob, evening_before, grounds)
    assert isinstance(refused, Rejection) and refused.code == "meeting_pending"
    assert "standing order 9.4" in refused.reason and "general meeting" in refused.reason
    assert "due-process case" in refused.reason
    during = lapse(bob, vote + 3_600_000, grounds)
    assert isinstance(during, Rejection) and during.code == "meeting_pending"
    after = lapse(bob, vote + DAY, grounds)
    assert isinstance(after, Member) and after.status == "lapsed"


def test_a_committee_meeting_holds_up_only_the_lapse_of_a_committee_member():
    grounds = LapseGrounds(notice_sent_ms=LIABLE,
                           meetings=(CalledMeeting("5", "committee", LIABLE + 20 * DAY),))
    assert isinstance(lapse(noticed(), LIABLE + 19 * DAY, grounds), Member)
    treasurer = msgspec.structs.replace(noticed(), roles=("treasurer",))
    refused = lapse(treasurer, LIABLE + 19 * DAY, grounds)
    assert isinstance(refused, Rejection) and refused.code == "meeting_pending"


def test_only_an_officer_lapses_and_only_an_active_member():
    grounds = LapseGrounds(notice_sent_ms=LIABLE)
    by_member = change_status(noticed(), "lapsed", member(), LIABLE + 20 * DAY, "x", ORDERS,
                              grounds)
    assert isinstance(by_member, Rejection) and by_member.code == "officer_required"
    assert lapse_refusal(member(status="suspended"), LIABLE, ORDERS, grounds).code == \
        "no_such_transition"


def test_the_members_own_renewal_reverses_a_lapse_and_the_dues_clock_starts_again():
    sent = LIABLE
    lapsed = lapse(noticed(), sent + 14 * DAY, LapseGrounds(notice_sent_ms=sent))
    assert isinstance(lapsed, Member)
    renewed_at = sent + 20 * DAY
    back = renew(lapsed, lapsed, renewed_at, "paying by standing order")
    assert isinstance(back, Member) and back.status == "active"
    assert [(e.status, e.decided_by) for e in back.history][-2:] == [
        ("lapsed", "sec"), ("active", "bob")]
    assert back.dues[-1].renewal and back.dues[-1].recorded_by == "bob"
    renewal_day = datetime.fromtimestamp(renewed_at // 1000, UTC).date()
    assert back.paid_until == renewal_day
    # a fresh grace period, then a fresh notice, before it could lapse again
    refused = lapse(back, renewed_at + DAY, LapseGrounds(notice_sent_ms=sent))
    assert isinstance(refused, Rejection) and refused.code == "due_process_required"


def test_renewing_withdraws_a_pending_notice_and_nobody_renews_for_another():
    back = renew(noticed(), noticed(), LIABLE + DAY)
    assert isinstance(back, Member) and back.lapse_notice is None and back.status == "active"
    refused = renew(noticed(), SECRETARY, LIABLE + DAY)
    assert isinstance(refused, Rejection) and refused.code == "self_only"
    resigned = renew(member(status="resigned"), member(status="resigned"), LIABLE)
    assert isinstance(resigned, Rejection) and resigned.code == "no_such_transition"


def test_a_payment_that_brings_dues_up_to_date_reinstates_and_a_partial_one_does_not():
    sent = LIABLE
    lapsed = lapse(noticed(), sent + 14 * DAY, LapseGrounds(notice_sent_ms=sent))
    partial = record_payment(lapsed, date(2017, 1, 31), SECRETARY, sent + 15 * DAY, "",
                             ORDERS)
    assert isinstance(partial, Member) and partial.status == "lapsed"
    paid = record_payment(lapsed, date(2017, 12, 31), SECRETARY, sent + 15 * DAY, "cash",
                          ORDERS)
    assert isinstance(paid, Member) and paid.status == "active"
    assert paid.history[-1].reason == "dues paid until 2017-12-31"
    refused = record_payment(member(), date(2017, 12, 31), member(), LIABLE, "", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "officer_required"
