from datetime import date

from groupnet.procedure.group.meetings import (
    Attendance,
    Meeting,
    Minutes,
    approve_minutes,
    as_corrected,
    attend,
    call_meeting,
    correct_minute,
    in_session,
    may_decide,
    notice_check,
    quorum,
    record_minute,
)
from groupnet.procedure.group.members import Member, StatusEntry
from groupnet.procedure.group.standing_orders import GroupStandingOrders
from groupnet.wire.rejection import Rejection

T0 = 1_488_000_000_000
HOUR = 3_600_000
DAY = 24 * HOUR
ORDERS = GroupStandingOrders()


def person(member_id, *roles, status="active"):
    return Member(member_id=member_id, name=member_id.title(), email=f"{member_id}@example.org",
                  joined=date(2016, 5, 1), history=(StatusEntry(status, 0, "joined", "import"),),
                  roles=tuple(roles))


SECRETARY = person("sec", "secretary")


def meeting(kind="general", notice=8 * DAY, meeting_id="m1", starts=T0):
    called = call_meeting(meeting_id, kind, starts, starts - notice, ("Motions",), SECRETARY,
                          ORDERS, place="Bermondsey")
    assert isinstance(called, Meeting)
    return called


def test_a_meeting_called_with_full_notice_may_take_decisions():
    assert notice_check(meeting(notice=7 * DAY), ORDERS) is None


def test_a_general_meeting_called_with_too_little_notice_may_meet_but_cannot_decide():
    refused = notice_check(meeting(notice=20 * HOUR), ORDERS)
    assert isinstance(refused, Rejection)
    assert refused.code == "notice_period"
    assert refused.reason == (
        "standing order 1.1: a general meeting needs 7 days' notice (168 h); this one gave "
        "20 h, so it may meet but cannot take binding decisions")


def test_committee_and_annual_meetings_need_the_notice_their_own_kind_requires():
    assert notice_check(meeting("committee", notice=2 * DAY), ORDERS) is None
    assert notice_check(meeting("committee", notice=47 * HOUR), ORDERS).code == "notice_period"
    assert notice_check(meeting("annual", notice=21 * DAY), ORDERS) is None
    refused = notice_check(meeting("annual", notice=20 * DAY), ORDERS)
    assert "standing order 1.3" in refused.reason


def test_only_an_officer_can_call_a_meeting():
    refused = call_meeting("m", "general", T0, T0 - 8 * DAY, ("x",), person("bob"), ORDERS,
                           place="hall")
    assert isinstance(refused, Rejection) and refused.code == "officer_required"


def test_a_notice_of_meeting_says_where_and_what_and_comes_before_the_meeting():
    for place, link, agenda, called, code in [
        ("", "", ("x",), T0 - DAY, "place_required"),
        ("hall", "", (" ",), T0 - DAY, "agenda_required"),
        ("", "https://meet.example/abc", ("x",), T0, "starts_before_notice"),
    ]:
        refused = call_meeting("m", "general", T0, called, agenda, SECRETARY, ORDERS,
                               place=place, link=link)
        assert isinstance(refused, Rejection) and refused.code == code


def test_each_active_member_is_recorded_present_once():
    m = meeting()
    present = attend(Attendance("m1"), person("bob"), m, ORDERS)
    assert present.present == ("bob",)
    assert attend(present, person("bob"), m, ORDERS).code == "already_present"
    assert attend(present, person("eve", status="lapsed"), m, ORDERS).code == "not_active"


def test_only_the_committee_attends_a_committee_meeting():
    m = meeting("committee")
    assert attend(Attendance("m1"), person("bob"), m, ORDERS).code == "not_committee_member"
    assert attend(Attendance("m1"), SECRETARY, m, ORDERS).present == ("sec",)


def test_quorum_is_computed_from_the_rules_and_the_number_of_active_members():
    count = quorum(meeting(), 11, 120, ORDERS)
    assert (count.required, count.present, count.met) == (12, 11, False)
    assert quorum(meeting(), 12, 120, ORDERS).met
    assert quorum(meeting(), 5, 30, ORDERS).met


def test_a_decision_without_quorum_is_refused():
    refused = may_decide(meeting(), "motion", 11, 120, ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "quorum"
    assert "standing order 2.1" in refused.reason and "11 were present" in refused.reason


def test_a_committee_cannot_change_the_rules():
    refused = may_decide(meeting("committee"), "rule_change", 10, 12, ORDERS)
    assert refused.code == "wrong_body"
    assert refused.reason == ("standing order 5.3: rule changes may be decided by a general "
                              "meeting or an annual meeting; this was a committee meeting")


def test_every_reason_a_meeting_cannot_decide_is_given_under_the_first_code():
    refused = may_decide(meeting("committee", notice=HOUR), "rule_change", 1, 12, ORDERS)
    assert refused.code == "wrong_body"
    for cited in ("standing order 5.3", "standing order 1.2", "standing order 2.2"):
        assert cited in refused.reason


def minutes_of(m):
    minutes = record_minute(Minutes(meeting_id=m.meeting_id), "Motion A carried 17-10",
                            "sec", m.starts_at_ms + HOUR)
    assert isinstance(minutes, Minutes)
    return minutes


def test_minutes_cannot_be_approved_at_the_meeting_they_record():
    first = meeting()
    refused = approve_minutes(minutes_of(first), first, first, T0 + HOUR, 20, 120, ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "same_meeting"


def test_approved_minutes_are_locked_and_corrections_are_appended_not_edited():
    first, later = meeting(), meeting(meeting_id="m2", starts=T0 + 28 * DAY)
    approved = approve_minutes(minutes_of(first), first, later, later.starts_at_ms + HOUR, 20,
                               120, ORDERS)
    assert approved.approved_at_meeting == "m2"
    assert record_minute(approved, "Also: tea", "sec", T0 + 29 * DAY).code == "minutes_locked"
    assert approve_minutes(approved, first, later, T0 + 29 * DAY, 20, 120,
                           ORDERS).code == "minutes_locked"
    corrected = correct_minute(approved, 1, "Motion A carried 17-10 with 1 abstention", "sec",
                               T0 + 29 * DAY)
    assert [e.text for e in corrected.entries] == [
        "Motion A carried 17-10", "Motion A carried 17-10 with 1 abstention"]
    assert corrected.entries[1].corrects == 1
    assert [e.text for e in as_corrected(corrected)] == ["Motion A carried 17-10 with 1 abstention"]


def test_a_correction_names_an_original_minute_that_exists():
    minutes = minutes_of(meeting())
    assert correct_minute(minutes, 9, "x", "sec", T0).code == "no_such_minute"
    once = correct_minute(minutes, 1, "y", "sec", T0)
    assert correct_minute(once, 2, "z", "sec", T0).code == "no_such_minute"


def test_committee_minutes_are_approved_by_a_committee_not_a_general_meeting():
    committee = meeting("committee", notice=3 * DAY)
    general = meeting(meeting_id="m2", starts=T0 + 28 * DAY)
    refused = approve_minutes(minutes_of(committee), committee, general, T0 + 28 * DAY, 20, 120,
                              ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "wrong_body"


def test_minutes_are_approved_only_by_a_quorate_properly_notified_meeting():
    first = meeting()
    short_notice = meeting(meeting_id="m2", starts=T0 + 28 * DAY, notice=HOUR)
    refused = approve_minutes(minutes_of(first), first, short_notice, T0 + 28 * DAY, 3, 120,
                              ORDERS)
    assert refused.code == "notice_period"
    assert "standing order 2.1" in refused.reason


def test_attendance_and_votes_are_recorded_from_the_start_of_the_meeting_not_before():
    m = meeting()
    early = in_session(m, T0 - 3 * HOUR)
    assert early == Rejection("meeting_not_started",
                              "attendance, minutes and votes are recorded at the meeting, which "
                              "starts in 3 h")
    assert in_session(m, T0) is None
    assert in_session(m, T0 + 5 * DAY) is None
