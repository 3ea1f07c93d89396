from datetime import date

import msgspec
import pytest

from groupnet.procedure.group.meetings import Attendance, Meeting
from groupnet.procedure.group.members import Member, StatusEntry
from groupnet.procedure.group.motions import (
    DiffPiece,
    IndividualVotes,
    Motion,
    MotionResult,
    ShowOfHands,
    Vote,
    accept_friendly,
    amendment_diff,
    cast_vote,
    count,
    counterposed_settled,
    counterposed_turn,
    decide,
    decide_amendment,
    decide_counterposed,
    propose_amendment,
    submit_motion,
)
from groupnet.procedure.group.standing_orders import GroupStandingOrders, load
from groupnet.wire.rejection import Rejection

T0 = 1_488_000_000_000
HOUR = 3_600_000
DAY = 24 * HOUR
ORDERS = GroupStandingOrders()
ACTIVE = 120


def person(member_id, status="active"):
    return Member(member_id=member_id, name=member_id.title(), email=f"{member_id}@example.org",
                  joined=date(2016, 5, 1), history=(StatusEntry(status, 0, "joined", "import"),))


ANN, BEN, CAT = person("ann"), person("ben"), person("cat")


def general(notice=8 * DAY, kind="general"):
    return Meeting(meeting_id="m1", kind=kind, starts_at_ms=T0, called_at_ms=T0 - notice,
                   called_by="sec", agenda=("Motions",), place="Bermondsey")


def present(n):
    return Attendance("m1", tuple(f"p{i:02}" for i in range(n)))


def hands(in_favour, against, abstentions):
    return ShowOfHands(in_favour, against, abstentions, counted_by="chair")


def motion(motion_id="mo1", submitted=T0 - 8 * DAY, text="This branch calls a conference.",
           title=None, orders=ORDERS, **kwargs):
    made = submit_motion(motion_id, general(), title or motion_id, text, ANN, BEN, submitted,
                         orders, **kwargs)
    assert isinstance(made, Motion), made
    return made


def test_a_motion_needs_a_proposer_and_a_different_seconder_who_are_both_active():
    m = general()
    assert submit_motion("x", m, "t", "text", ANN, ANN, T0 - 8 * DAY,
                         ORDERS).code == "seconder_is_proposer"
    assert submit_motion("x", m, "t", "text", ANN, person("eve", "lapsed"), T0 - 8 * DAY,
                         ORDERS).code == "not_active"
    assert submit_motion("x", m, "t", " ", ANN, BEN, T0 - 8 * DAY, ORDERS).code == "motion_empty"


def test_a_motion_submitted_with_too_little_notice_is_refused():
    refused = submit_motion("x", general(), "t", "text", ANN, BEN, T0 - 2 * DAY, ORDERS)
    assert refused == Rejection("notice_period",
                                "standing order 3.1: a motion needs 7 days' notice before the "
                                "meeting; this one gave 48 h")


def test_a_rule_change_needs_28_days_notice_not_7():
    refused = submit_motion("x", general(), "t", "text", ANN, BEN, T0 - 8 * DAY, ORDERS,
                            kind="rule_change", rule_patch={"general_meeting_notice_days": 10})
    assert refused.code == "notice_period" and "standing order 5.1" in refused.reason


def test_a_motion_carried_by_a_simple_majority_names_the_rule_it_applied():
    result = decide(motion(), hands(17, 10, 1), general(), present(28), ACTIVE, ORDERS)
    assert isinstance(result, MotionResult)
    assert result.outcome == "carried"
    assert result.rule == (
        "standing order 4.1: carried by more than half of votes cast (standing order 4.2: "
        "abstentions do not count); 17 for, 10 against, 1 abstaining")


def test_a_tied_vote_is_lost():
    assert decide(motion(), hands(10, 10, 0), general(), present(20), ACTIVE,
                  ORDERS).outcome == "lost"


def test_abstentions_decide_nothing_unless_the_standing_orders_count_them():
    counting = load({"abstentions_count_as_votes_cast": True})
    assert decide(motion(), hands(10, 9, 5), general(), present(24), ACTIVE,
                  ORDERS).outcome == "carried"
    assert decide(motion(orders=counting), hands(10, 9, 5), general(), present(24), ACTIVE,
                  counting).outcome == "lost"


def test_a_tally_larger_than_attendance_is_refused():
    refused = decide(motion(), hands(17, 10, 2), general(), present(28), ACTIVE, ORDERS)
    assert refused == Rejection("tally_exceeds_attendance",
                                "29 votes were counted but only 28 members were present")


def test_a_negative_count_of_hands_is_refused():
    assert decide(motion(), hands(17, -3, 0), general(), present(28), ACTIVE,
                  ORDERS).code == "invalid_tally"


def test_individual_votes_come_only_from_attending_members_once_each():
    attendance = present(3)
    votes = cast_vote(IndividualVotes(), "p00", "for", attendance)
    assert cast_vote(votes, "p00", "against", attendance).code == "already_voted"
    assert cast_vote(votes, "outsider", "for", attendance).code == "not_present"
    stuffed = IndividualVotes((Vote("p00", "for"), Vote("outsider", "for")))
    assert count(stuffed, attendance).code == "not_present"
    doubled = IndividualVotes((Vote("p00", "for"), Vote("p00", "for")))
    assert count(doubled, attendance).code == "already_voted"


def test_individual_votes_are_counted_into_the_outcome():
    attendance = present(12)
    votes = IndividualVotes()
    for i, choice in enumerate(["for"] * 6 + ["against"] * 5 + ["abstain"]):
        votes = cast_vote(votes, f"p{i:02}", choice, attendance)
    result = decide(motion(), votes, general(), attendance, ACTIVE, ORDERS)
    assert result.outcome == "carried"
    assert (result.tally.in_favour, result.tally.against, result.tally.abstentions) == (6, 5, 1)


def test_a_decision_at_an_inquorate_meeting_is_refused():
    refused = decide(motion(), hands(6, 4, 0), general(), present(11), ACTIVE, ORDERS)
    assert refused.code == "quorum"


def test_a_decision_at_a_meeting_called_without_enough_notice_is_refused():
    refused = decide(motion(), hands(17, 10, 1), general(notice=HOUR), present(28), ACTIVE,
                     ORDERS)
    assert refused.code == "notice_period" and "standing order 1.1" in refused.reason


def test_an_amendment_is_shown_as_a_word_diff_against_the_text_it_amends():
    amended = propose_amendment(motion(text="This branch welcomes the new constitution."),
                                "a1", "This branch rejects the new constitution.", CAT, BEN,
                                T0 - DAY)
    assert amendment_diff(amended.amendments[0]) == [
        DiffPiece("same", "This branch "), DiffPiece("removed", "welcomes"),
        DiffPiece("added", "rejects"), DiffPiece("same", " the new constitution.")]


def test_a_friendly_amendment_accepted_by_the_mover_is_incorporated_without_a_vote():
    amended = propose_amendment(motion(), "a1", "This branch calls a conference in May.", CAT,
                                None, T0 - DAY)
    accepted = accept_friendly(amended, "a1", "ann")
    assert accepted.text == "This branch calls a conference in May."
    assert accepted.amendments[0].status == "incorporated"
    assert decide(accepted, hands(17, 10, 1), general(), present(28), ACTIVE,
                  ORDERS).outcome == "carried"


def test_only_the_mover_can_accept_an_amendment_as_friendly():
    amended = propose_amendment(motion(), "a1", "Other text.", CAT, None, T0 - DAY)
    assert accept_friendly(amended, "a1", "ben").code == "not_the_mover"


def test_an_ordinary_amendment_is_voted_on_before_the_motion():
    amended = propose_amendment(motion(), "a1", "This branch calls a conference in May.", CAT,
                                BEN, T0 - DAY)
    assert decide(amended, hands(17, 10, 1), general(), present(28), ACTIVE,
                  ORDERS).code == "amendments_pending"
    after, result = decide_amendment(amended, "a1", hands(15, 12, 0), general(), present(28),
                                     ACTIVE, ORDERS)
    assert result.outcome == "carried"
    assert after.text == "This branch calls a conference in May."
    assert decide(after, hands(17, 10, 1), general(), present(28), ACTIVE,
                  ORDERS).outcome == "carried"


def test_a_lost_amendment_leaves_the_motion_as_it_was():
    amended = propose_amendment(motion(), "a1", "Something else.", CAT, BEN, T0 - DAY)
    after, result = decide_amendment(amended, "a1", hands(5, 20, 0), general(), present(28),
                                     ACTIVE, ORDERS)
    assert result.outcome == "lost"
    assert after.text == "This branch calls a conference."
    assert after.amendments[0].status == "lost"


def test_an_amendment_drafted_against_a_text_that_has_changed_must_be_moved_again():
    m = propose_amendment(motion(), "a1", "Version one.", CAT, BEN, T0 - DAY)
    m = propose_amendment(m, "a2", "Version two.", BEN, CAT, T0 - DAY)
    m = accept_friendly(m, "a1", "ann")
    assert accept_friendly(m, "a2", "ann").code == "amendment_stale"


def test_an_unseconded_amendment_cannot_be_put_to_the_vote():
    amended = propose_amendment(motion(), "a1", "Other.", CAT, None, T0 - DAY)
    assert decide_amendment(amended, "a1", hands(15, 12, 0), general(), present(28), ACTIVE,
                            ORDERS).code == "not_seconded"


def rule_change(patch, submitted=T0 - 29 * DAY):
    return motion("rc", submitted, "Change the notice of general meetings.",
                  kind="rule_change", rule_patch=patch)


def test_a_rule_change_cannot_be_amended_at_the_meeting():
    refused = propose_amendment(rule_change({"general_meeting_notice_days": 10}), "a1",
                                "Something else.", CAT, BEN, T0)
    assert refused.code == "rule_change_not_amendable"


def test_a_rule_change_carried_by_two_thirds_produces_the_new_standing_orders():
    result = decide(rule_change({"general_meeting_notice_days": 10}), hands(20, 10, 2), general(),
                    present(32), ACTIVE, ORDERS)
    assert result.outcome == "carried"
    assert result.rule.startswith("standing order 5.2: carried by at least two-thirds")
    assert result.new_orders.general_meeting_notice_days == 10


def test_a_rule_change_with_a_majority_short_of_two_thirds_is_lost_and_changes_nothing():
    result = decide(rule_change({"general_meeting_notice_days": 10}), hands(19, 10, 0), general(),
                    present(29), ACTIVE, ORDERS)
    assert result.outcome == "lost"
    assert result.new_orders is None


def test_a_rule_change_must_change_something_and_stay_within_the_entrenched_provisions():
    m = general()
    for patch, code in [(None, "rule_change_needs_patch"),
                        ({"general_meeting_notice_days": 7}, "rule_change_changes_nothing"),
                        ({"rule_change_bodies": ["committee"]}, "entrenched_provision")]:
        refused = submit_motion("rc", m, "t", "text", ANN, BEN, T0 - 29 * DAY, ORDERS,
                                kind="rule_change", rule_patch=patch)
        assert refused.code == code


def test_an_ordinary_motion_cannot_change_the_standing_orders():
    refused = submit_motion("x", general(), "t", "text", ANN, BEN, T0 - 8 * DAY, ORDERS,
                            rule_patch={"general_meeting_notice_days": 1})
    assert refused.code == "patch_only_for_rule_change"


def test_a_rule_change_proposed_without_notice_and_voted_within_an_hour_by_a_committee_is_refused():
    # 19:40: a committee member emails the other eleven a new constitution that
    # dissolves every elected structure; by 20:40, 6 have voted for and 4 against.
    proposed_at = T0 + 19 * HOUR + 40 * 60_000
    committee = Meeting(meeting_id="email-vote", kind="committee", starts_at_ms=proposed_at,
                        called_at_ms=proposed_at, called_by="sc1", agenda=("Constitution",),
                        link="mailto:steering-committee")
    patch = {"rule_change_bodies": ["general"], "general_meeting_notice_days": 1}
    officers = [person(f"sc{i}") for i in range(1, 13)]
    submitted = submit_motion("constitution", committee, "Adopt the constitution",
                              "The national committee and regional structures are dissolved.",
                              officers[0], officers[1], proposed_at, ORDERS,
                              kind="rule_change", rule_patch=patch)
    assert submitted.code == "wrong_body"
    assert "standing order 5.1" in submitted.reason

    # The node is then told of the vote as if the motion had been recorded: it
    # still is not a decision.
    email_motion = Motion(motion_id="constitution", meeting_id="email-vote",
                          title="Adopt the constitution", text="Structures are dissolved.",
                          proposer_id="sc1", seconder_id="sc2", submitted_at_ms=proposed_at,
                          kind="rule_change", rule_patch=patch)
    voted = Attendance("email-vote", tuple(f"sc{i}" for i in range(1, 11)))
    refused = decide(email_motion, hands(6, 4, 0), committee, voted, 12, ORDERS)
    assert isinstance(refused, Rejection)
    assert refused.code == "wrong_body"
    assert "standing order 5.3: rule changes may be decided by a general meeting or an annual " \
           "meeting; this was a committee meeting" in refused.reason
    assert "standing order 1.2: a committee meeting needs 2 days' notice (48 h); this one " \
           "gave 0 h" in refused.reason
    assert "standing order 5.1: a rule change needs 28 days' notice before the meeting; this " \
           "one gave 0 h" in refused.reason
    # Ten of twelve took part, so quorum (max(3, 50%) = 6) is not among the reasons.
    assert "standing order 2.2" not in refused.reason


def counterposed(orders=ORDERS):
    first = motion("pascale", T0 - 9 * DAY, "This branch welcomes the constitution.",
                   "Welcome the constitution", orders=orders)
    second = motion("richard", T0 - 8 * DAY, "This branch condemns the dissolution.",
                    "Condemn the dissolution", orders=orders)
    return first, second


def test_when_the_first_counterposed_motion_is_carried_the_second_falls_and_is_not_put():
    first, second = counterposed()
    results = decide_counterposed([second, first], {"pascale": hands(17, 10, 1)}, general(),
                                  present(28), ACTIVE, ORDERS)
    assert [(r.motion_id, r.outcome) for r in results] == [("pascale", "carried"),
                                                           ("richard", "fell")]
    assert results[1].tally is None
    assert results[1].rule == ("standing order 3.2: counterposed to 'Welcome the constitution', "
                               "which was carried first")
    refused = decide_counterposed([first, second], {"pascale": hands(17, 10, 1),
                                                    "richard": hands(10, 17, 1)},
                                  general(), present(28), ACTIVE, ORDERS)
    assert refused.code == "motion_fell"


def test_a_counterposed_motion_that_must_be_put_cannot_be_skipped():
    first, second = counterposed()
    refused = decide_counterposed([first, second], {"pascale": hands(10, 17, 1)}, general(),
                                  present(28), ACTIVE, ORDERS)
    assert refused.code == "vote_missing" and "'Condemn the dissolution'" in refused.reason


def test_under_vote_on_all_the_carried_motion_with_most_votes_for_stands():
    orders = load({"counterposed_motions": "vote_on_all"})
    first, second = counterposed(orders)
    results = decide_counterposed([first, second], {"pascale": hands(15, 10, 3),
                                                    "richard": hands(17, 9, 2)},
                                  general(), present(28), ACTIVE, orders)
    assert [(r.motion_id, r.outcome) for r in results] == [("pascale", "fell"),
                                                           ("richard", "carried")]
    assert "which was carried with more votes for" in results[0].rule


def test_under_vote_on_all_a_tie_between_carried_motions_leaves_neither_standing():
    orders = load({"counterposed_motions": "vote_on_all"})
    first, second = counterposed(orders)
    results = decide_counterposed([first, second], {"pascale": hands(15, 10, 3),
                                                    "richard": hands(15, 9, 4)},
                                  general(), present(28), ACTIVE, orders)
    assert [r.outcome for r in results] == ["fell", "fell"]


def test_counterposed_motions_put_one_at_a_time_go_in_order_of_submission_until_one_is_carried():
    first, second = counterposed()
    assert counterposed_turn(first, [second, first], {}, ORDERS) is None
    early = counterposed_turn(second, [first, second], {}, ORDERS)
    assert early == Rejection("not_its_turn",
                              "standing order 3.2: counterposed motions are put in order of "
                              "submission, so 'Welcome the constitution' is put before "
                              "'Condemn the dissolution'")
    assert not counterposed_settled([first, second], {}, ORDERS)
    carried = decide(first, hands(17, 10, 1), general(), present(28), ACTIVE, ORDERS)
    assert counterposed_turn(first, [first, second], {"pascale": carried},
                             ORDERS).code == "already_put"
    assert counterposed_turn(second, [first, second], {"pascale": carried},
                             ORDERS).code == "motion_fell"
    assert counterposed_settled([first, second], {"pascale": carried}, ORDERS)
    lost = decide(first, hands(10, 17, 1), general(), present(28), ACTIVE, ORDERS)
    assert counterposed_turn(second, [first, second], {"pascale": lost}, ORDERS) is None
    assert not counterposed_settled([first, second], {"pascale": lost}, ORDERS)


def test_under_vote_on_all_every_counterposed_motion_is_put_even_after_one_is_carried():
    orders = load({"counterposed_motions": "vote_on_all"})
    first, second = counterposed(orders)
    carried = decide(first, hands(15, 10, 3), general(), present(28), ACTIVE, orders)
    assert counterposed_turn(second, [first, second], {"pascale": carried}, orders) is None
    assert not counterposed_settled([first, second], {"pascale": carried}, orders)


@pytest.mark.parametrize("kind", ["general", "annual"])
def test_ordinary_motions_are_decided_at_general_and_annual_meetings(kind):
    m = msgspec.structs.replace(general(notice=30 * DAY), kind=kind)
    assert decide(motion(), hands(17, 10, 1), m, present(28), ACTIVE, ORDERS).outcome == "carried"
