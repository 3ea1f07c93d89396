from datetime import date

import pytest

from groupnet.procedure.group import discipline
from groupnet.procedure.group.discipline import Case, PanelSeat
from groupnet.procedure.group.members import (
    Member,
    StatusEntry,
    apply_due_process,
    change_status,
    resign,
)
from groupnet.procedure.group.standing_orders import GroupStandingOrders, load
from groupnet.wire.rejection import Rejection

T0 = 1_488_000_000_000
HOUR = 3_600_000
DAY = 24 * HOUR
ORDERS = GroupStandingOrders()
RULES = ORDERS.due_process()
PANEL = ("pat", "quin", "ros")
OTHER_GROUPS = (PanelSeat("g-lewisham", "x1"), PanelSeat("g-hackney", "x2"),
                PanelSeat("g-leeds", "x3"))


def person(member_id, *roles, status="active"):
    return Member(member_id=member_id, name=member_id.title(), email=f"{member_id}@example.org",
                  joined=date(2016, 5, 1), history=(StatusEntry(status, 0, "joined", "import"),),
                  roles=tuple(roles))


def ok(result):
    assert isinstance(result, Case), result
    return result


def charged(rules=RULES):
    return ok(discipline.bring_charge("c1", "g-southwark", "bob", "rule 4 of the code of conduct",
                                      "abusive messages to members on 3 and 9 February", "carol",
                                      T0, rules))


def disclosed():
    case = ok(discipline.add_evidence(charged(), "e1", "screenshots of the messages", "dave",
                                      T0 + HOUR))
    return ok(discipline.disclose(case, T0 + 2 * HOUR))


def replied():
    return ok(discipline.reply(disclosed(), "bob", "The messages were taken out of context.",
                               T0 + 5 * DAY))


def heard():
    return ok(discipline.schedule_hearing(replied(), T0 + 13 * DAY, T0 + 6 * DAY, PANEL,
                                          T0 + 6 * DAY))


def decided(outcome="expulsion", days=0, role=""):
    return ok(discipline.decide(heard(), outcome, "The messages were abusive; the reply does not "
                                "answer the evidence.", T0 + 13 * DAY, days, role))


def appealed(outcome="expulsion", days=0):
    return ok(discipline.appeal(decided(outcome, days), "bob", "The panel ignored my reply.",
                                T0 + 15 * DAY))


def appeal_heard(outcome="expulsion", days=0):
    return ok(discipline.assign_appeal_panel(appealed(outcome, days), "network_panel", OTHER_GROUPS,
                                             T0 + 16 * DAY))


def test_expulsion_without_a_charge_is_refused():
    bob, chair = person("bob"), person("chair", "chair")
    refused = change_status(bob, "expelled", chair, T0, "brought the group into disrepute", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "due_process_required"
    no_charge = discipline.bring_charge("c1", "g", "bob", "", "", "chair", T0, RULES)
    assert isinstance(no_charge, Rejection) and no_charge.code == "charge_incomplete"
    # A bare charge cannot jump to a decision.
    jumped = discipline.decide(charged(), "expulsion", "obvious", T0 + DAY)
    assert isinstance(jumped, Rejection) and jumped.code == "out_of_order"
    assert "standing order 7" in jumped.reason


def test_a_hearing_cannot_be_scheduled_before_the_evidence_is_disclosed():
    case = ok(discipline.add_evidence(charged(), "e1", "screenshots", "dave", T0 + HOUR))
    refused = discipline.schedule_hearing(case, T0 + 30 * DAY, T0 + DAY, PANEL, T0 + DAY)
    assert refused.code == "out_of_order"


def test_a_case_with_no_evidence_cannot_proceed():
    assert discipline.disclose(charged(), T0 + HOUR).code == "evidence_required"


def test_a_hearing_needs_seven_days_notice():
    refused = discipline.schedule_hearing(replied(), T0 + 12 * DAY, T0 + 6 * DAY, PANEL,
                                          T0 + 6 * DAY)
    assert refused == Rejection("hearing_notice", "standing order 7.2: a hearing needs 7 days' "
                                "notice; this one gave 144 h")


def test_notice_of_a_hearing_cannot_be_backdated_before_it_was_scheduled():
    refused = discipline.schedule_hearing(replied(), T0 + 13 * DAY, T0, PANEL, T0 + 10 * DAY)
    assert refused.code == "hearing_notice"


def test_a_hearing_and_so_a_decision_before_the_reply_window_closes_is_refused_unless_the_member_replied():  # noqa: E501
    early = T0 + 12 * DAY
    refused = discipline.schedule_hearing(disclosed(), early, T0 + 3 * DAY, PANEL, T0 + 3 * DAY)
    assert refused.code == "reply_window_open"
    assert "standing order 7.1" in refused.reason and "50 h before" in refused.reason
    on_time = T0 + 2 * HOUR + 14 * DAY
    assert ok(discipline.schedule_hearing(disclosed(), on_time, T0 + 3 * DAY, PANEL, T0 + 3 * DAY))
    assert ok(discipline.schedule_hearing(replied(), early, T0 + 5 * DAY, PANEL, T0 + 5 * DAY))


@pytest.mark.parametrize("involved", ["carol", "dave", "bob"])
def test_nobody_who_brought_the_charge_gave_evidence_or_is_charged_may_sit_on_the_panel(involved):
    refused = discipline.schedule_hearing(replied(), T0 + 13 * DAY, T0 + 6 * DAY,
                                          ("pat", "quin", involved), T0 + 6 * DAY)
    assert refused.code == "conflict_of_interest" and involved in refused.reason


def test_evidence_from_someone_on_the_panel_is_refused_as_a_conflict_of_interest():
    refused = discipline.add_evidence(heard(), "e2", "a statement", "pat", T0 + 7 * DAY)
    assert refused.code == "conflict_of_interest"


def test_a_panel_smaller_than_the_standing_orders_require_is_refused():
    refused = discipline.schedule_hearing(replied(), T0 + 13 * DAY, T0 + 6 * DAY,
                                          ("pat", "pat", "quin"), T0 + 6 * DAY)
    assert refused.code == "panel_too_small"


def test_new_evidence_vacates_the_hearing_and_gives_the_member_a_fresh_reply_window():
    case = ok(discipline.add_evidence(heard(), "e2", "a further message", "erin", T0 + 7 * DAY))
    assert discipline.decide(case, "warning", "r", T0 + 13 * DAY).code == "evidence_undisclosed"
    case = ok(discipline.disclose(case, T0 + 8 * DAY))
    assert case.stage == "disclosed" and case.hearing is None
    refused = discipline.schedule_hearing(case, T0 + 16 * DAY, T0 + 8 * DAY, PANEL, T0 + 8 * DAY)
    assert refused.code == "reply_window_open"


def test_a_decision_needs_written_reasons_and_the_hearing_to_have_happened():
    assert discipline.decide(heard(), "expulsion", "  ", T0 + 13 * DAY).code == "reasons_required"
    assert discipline.decide(heard(), "expulsion", "r", T0 + 12 * DAY).code == "hearing_not_held"
    assert discipline.decide(heard(), "suspension", "r", T0 + 13 * DAY).code == \
        "suspension_period_required"
    assert discipline.decide(heard(), "removal_from_office", "r", T0 + 13 * DAY).code == \
        "role_required"


def test_an_expulsion_takes_effect_only_once_the_appeal_window_has_closed():
    case = decided()
    closes = T0 + 27 * DAY
    assert discipline.status_authority(case, closes - 1).status == "active"
    assert discipline.status_authority(case, closes).status == "expelled"
    assert discipline.authorises(case, "bob", "expelled", closes) is None
    assert discipline.authorises(case, "bob", "expelled", closes - 1).code == "not_authorised"


def test_an_appeal_after_the_window_closes_is_refused():
    refused = discipline.appeal(decided(), "bob", "late", T0 + 27 * DAY)
    assert refused.code == "appeal_window_closed" and "standing order 7.4" in refused.reason


def test_only_the_charged_member_can_appeal_and_only_against_some_action():
    assert discipline.appeal(decided(), "carol", "too lenient", T0 + 14 * DAY).code == \
        "not_the_member"
    assert discipline.appeal(decided("no_action"), "bob", "g", T0 + 14 * DAY).code == \
        "nothing_to_appeal"


def test_an_appeal_heard_by_the_same_panel_is_refused():
    same = tuple(PanelSeat("g-southwark", p) for p in PANEL)
    refused = discipline.assign_appeal_panel(appealed(), "network_panel", same, T0 + 16 * DAY)
    assert refused.code == "appeal_panel_not_independent"


def test_an_appeal_panel_must_be_drawn_from_other_groups_and_not_include_the_complainant():
    own = (PanelSeat("g-southwark", "zed"),) + OTHER_GROUPS[:2]
    assert discipline.assign_appeal_panel(appealed(), "network_panel", own,
                                          T0 + 16 * DAY).code == "panel_from_own_group"
    with_complainant = (PanelSeat("g-southwark", "carol"),) + OTHER_GROUPS[:2]
    assert discipline.assign_appeal_panel(appealed(), "network_panel", with_complainant,
                                          T0 + 16 * DAY).code == "conflict_of_interest"


def test_an_appeal_goes_to_the_body_the_standing_orders_name():
    refused = discipline.assign_appeal_panel(appealed(), "general_meeting", OTHER_GROUPS,
                                             T0 + 16 * DAY)
    assert refused.code == "wrong_appeal_body" and "standing order 7.5" in refused.reason


def test_an_appeal_upheld_means_the_member_wins_and_is_never_expelled():
    case = ok(discipline.decide_appeal(appeal_heard(), "upheld",
                                       "The panel did not weigh the reply.", T0 + 30 * DAY))
    for t in (T0 + 20 * DAY, T0 + 30 * DAY, T0 + 400 * DAY):
        assert discipline.status_authority(case, t).status == "active"
    assert discipline.final_decision(case, T0 + 30 * DAY)[0].outcome == "no_action"


def test_an_appeal_dismissed_makes_the_expulsion_effective_when_it_is_decided():
    case = ok(discipline.decide_appeal(appeal_heard(), "dismissed", "The decision was sound.",
                                       T0 + 30 * DAY))
    assert discipline.status_authority(case, T0 + 30 * DAY - 1).status == "active"
    assert discipline.status_authority(case, T0 + 30 * DAY).status == "expelled"


def test_an_appeal_may_lessen_a_decision_but_never_make_it_worse():
    lessened = ok(discipline.decide_appeal(appeal_heard(), "varied",
                                           "Too harsh for a first offence.", T0 + 30 * DAY,
                                           "suspension", 30))
    authority = discipline.status_authority(lessened, T0 + 31 * DAY)
    assert (authority.status, authority.until_ms) == ("suspended", T0 + 60 * DAY)
    worse = discipline.decide_appeal(appeal_heard("suspension", 30), "varied",
                                     "Worse than we thought.", T0 + 30 * DAY, "expulsion")
    assert worse.code == "variation_not_lesser"
    assert discipline.decide_appeal(appeal_heard(), "varied", "r", T0 + 30 * DAY).code == \
        "variation_required"


def test_a_suspension_runs_from_when_the_decision_is_final_and_ends_by_itself():
    case = decided("suspension", 30)
    final = T0 + 27 * DAY
    assert discipline.status_authority(case, final - 1).status == "active"
    assert discipline.status_authority(case, final).status == "suspended"
    assert discipline.status_authority(case, final + 30 * DAY).status == "active"


def test_an_interim_suspension_without_reasons_or_longer_than_28_days_is_refused():
    assert discipline.suspend_interim(charged(), T0, T0 + 7 * DAY, " ", "committee minute 3",
                                      T0).code == "reasons_required"
    refused = discipline.suspend_interim(charged(), T0, T0 + 29 * DAY, "threats to members",
                                         "committee minute 3", T0)
    assert refused.code == "interim_too_long"
    assert refused.reason == ("standing order 7.6: an interim suspension lasts at most 28 days; "
                              "this one asked for 696 h")
    for start, end in [(T0 - DAY, T0 + DAY), (T0 + DAY, T0 + DAY)]:
        refused = discipline.suspend_interim(charged(), start, end, "threats", "minute 3", T0)
        assert refused.code == "interim_invalid"


def test_an_interim_suspension_lapses_by_itself_and_cannot_be_renewed():
    case = ok(discipline.suspend_interim(charged(), T0, T0 + 28 * DAY, "threats to members",
                                         "committee minute 3", T0))
    assert discipline.status_authority(case, T0 + 28 * DAY - 1).status == "suspended"
    assert discipline.status_authority(case, T0 + 28 * DAY).status == "active"
    again = discipline.suspend_interim(case, T0 + 28 * DAY, T0 + 56 * DAY, "still", "minute 9",
                                       T0 + 28 * DAY)
    assert again.code == "interim_already_used"


def test_withdrawing_the_charge_ends_an_interim_suspension_at_once():
    case = ok(discipline.suspend_interim(charged(), T0, T0 + 28 * DAY, "threats", "minute 3", T0))
    case = ok(discipline.withdraw(case, "carol", T0 + 3 * DAY))
    assert discipline.status_authority(case, T0 + 3 * DAY).status == "active"
    assert discipline.withdraw(charged(), "bob", T0).code == "not_the_complainant"


def test_a_step_dated_before_the_previous_one_is_refused():
    assert discipline.reply(disclosed(), "bob", "backdated", T0).code == "out_of_order"


def test_the_register_follows_the_case_suspended_in_the_interim_then_restored():
    case = ok(discipline.suspend_interim(charged(), T0, T0 + 14 * DAY, "threats", "minute 3", T0))
    bob = apply_due_process(person("bob"), case, T0)
    assert bob.status == "suspended"
    assert bob.history[-1].decided_by == "case:c1"
    assert apply_due_process(bob, case, T0 + DAY) == bob
    restored = apply_due_process(bob, case, T0 + 14 * DAY)
    assert restored.status == "active"
    assert [e.status for e in restored.history] == ["active", "suspended", "active"]


def test_the_register_expels_only_when_the_case_makes_it_final():
    case = decided()
    assert apply_due_process(person("bob"), case, T0 + 20 * DAY).status == "active"
    expelled = apply_due_process(person("bob"), case, T0 + 27 * DAY)
    assert expelled.status == "expelled" and expelled.roles == ()
    assert change_status(expelled, "active", person("chair", "chair"), T0 + 28 * DAY, "undo",
                         ORDERS).code == "no_such_transition"


def test_due_process_does_not_undo_a_resignation_or_touch_another_member():
    bob = person("bob")
    gone = resign(bob, bob, T0 + DAY, "", ORDERS)
    case = ok(discipline.decide_appeal(appeal_heard(), "upheld", "r", T0 + 30 * DAY))
    assert apply_due_process(gone, case, T0 + 31 * DAY).status == "resigned"
    assert apply_due_process(person("alice"), case, T0).code == "wrong_member"


def test_removal_from_office_takes_away_only_that_office_once_final():
    case = decided("removal_from_office", role="treasurer")
    bob = person("bob", "treasurer", "chair")
    assert apply_due_process(bob, case, T0 + 20 * DAY).roles == ("treasurer", "chair")
    after = apply_due_process(bob, case, T0 + 27 * DAY)
    assert (after.status, after.roles) == ("active", ("chair",))


def test_a_case_keeps_the_windows_in_force_when_it_was_charged():
    case = charged(load({"reply_window_days": 21}).due_process())
    case = ok(discipline.disclose(ok(discipline.add_evidence(case, "e1", "x", "dave", T0)), T0))
    refused = discipline.schedule_hearing(case, T0 + 20 * DAY, T0 + DAY, PANEL, T0 + DAY)
    assert refused.code == "reply_window_open" and "21 days" in refused.reason
