import tomllib

import msgspec

from groupnet.procedure.group.standing_orders import (
    NUMBERS,
    BalanceRule,
    GroupStandingOrders,
    Quorum,
    Threshold,
    apply_patch,
    cite,
    describe,
    load,
    to_mapping,
)
from groupnet.wire.rejection import Rejection


def test_an_empty_rules_file_gives_the_documented_defaults():
    orders = load({})
    assert orders == GroupStandingOrders()
    assert orders.general_meeting_notice_days == 7
    assert orders.committee_meeting_notice_days == 2
    assert orders.annual_meeting_notice_days == 21
    assert orders.rule_change_notice_days == 28
    assert orders.rule_change_bodies == ("general", "annual")
    assert orders.reply_window_days == 14 and orders.appeal_window_days == 14
    assert orders.appeal_body == "network_panel"


def test_every_standing_order_has_a_number_and_a_line_in_the_printed_rules():
    fields = set(GroupStandingOrders.__struct_fields__)
    assert set(NUMBERS) == fields
    numbers = [n for n, _, _ in NUMBERS.values()]
    assert len(set(numbers)) == len(numbers)
    lines = describe(GroupStandingOrders())
    for number in numbers:
        assert any(line.startswith(f"SO {number}  ") for line in lines)


def test_the_printed_rules_show_the_values_in_force():
    orders = load({"general_meeting_notice_days": 10,
                   "delegate_balance": {"attribute": "woman", "min_percent": 50}})
    lines = describe(orders)
    assert "SO 1.1  Notice of a general meeting: 10 days" in lines
    assert "SO 5.2  A rule change is carried by: at least two-thirds of votes cast" in lines
    assert "SO 8.1  Balance of delegates: at least 50% of delegates elected have 'woman'" in lines
    assert any(line.startswith("SO 0.1  Rule changes are decided only by") for line in lines)


def test_standing_orders_load_from_a_toml_file():
    text = """
    general_meeting_notice_days = 14
    officer_roles = ["chair", "secretary", "treasurer", "membership_officer"]
    [general_meeting_quorum]
    minimum = 8
    percent = 5
    [[eligibility_conditions]]
    name = "party_member"
    description = "must also belong to the party"
    """
    orders = load(tomllib.loads(text))
    assert isinstance(orders, GroupStandingOrders)
    assert orders.general_meeting_quorum == Quorum(minimum=8, percent=5)
    assert orders.officer_roles[-1] == "membership_officer"
    assert orders.eligibility_conditions[0].name == "party_member"


def test_an_unknown_standing_order_is_refused():
    refused = load({"chair_may_decide_alone": True})
    assert isinstance(refused, Rejection)
    assert refused.code == "invalid_standing_orders"
    assert "chair_may_decide_alone" in refused.reason


def test_a_negative_notice_period_is_refused():
    refused = load({"general_meeting_notice_days": -1})
    assert isinstance(refused, Rejection) and refused.code == "invalid_standing_orders"


def test_standing_orders_cannot_give_a_committee_the_power_to_change_the_rules():
    refused = load({"rule_change_bodies": ["general", "committee"]})
    assert isinstance(refused, Rejection)
    assert refused.code == "entrenched_provision"
    assert "standing order 0.1" in refused.reason


def test_standing_orders_cannot_abolish_the_appeal_window():
    refused = load({"appeal_window_days": 0})
    assert isinstance(refused, Rejection)
    assert refused.code == "entrenched_provision" and "0.4" in refused.reason


def test_standing_orders_cannot_let_a_minority_change_the_rules():
    refused = load({"rule_change_threshold": {"numerator": 1, "denominator": 3, "strict": False}})
    assert isinstance(refused, Rejection) and "0.2" in refused.reason


def test_standing_orders_cannot_define_a_majority_as_exactly_half_or_less():
    refused = load({"simple_majority": {"numerator": 1, "denominator": 2, "strict": False}})
    assert isinstance(refused, Rejection) and "0.3" in refused.reason


def test_a_threshold_that_can_never_be_met_is_refused():
    refused = load({"rule_change_threshold": {"numerator": 4, "denominator": 3, "strict": False}})
    assert isinstance(refused, Rejection) and refused.code == "invalid_standing_orders"


def test_two_eligibility_conditions_with_the_same_name_are_refused():
    condition = {"name": "party_member", "description": "x"}
    refused = load({"eligibility_conditions": [condition, condition]})
    assert isinstance(refused, Rejection) and refused.code == "invalid_standing_orders"


def test_quorum_is_the_greater_of_the_fixed_number_and_the_percentage_rounded_up():
    quorum = Quorum(minimum=5, percent=10)
    assert quorum.required(30) == 5
    assert quorum.required(120) == 12
    assert quorum.required(51) == 6


def test_a_simple_majority_needs_more_votes_for_than_against():
    majority = GroupStandingOrders().simple_majority
    assert majority.met(11, 21)
    assert not majority.met(10, 20)
    assert not majority.met(0, 0)


def test_two_thirds_is_met_exactly_at_two_thirds_and_not_below():
    two_thirds = Threshold(numerator=2, denominator=3, strict=False)
    assert two_thirds.met(20, 30)
    assert not two_thirds.met(19, 29)


def test_a_rule_change_patch_changes_only_the_orders_it_names():
    orders = GroupStandingOrders()
    changed = apply_patch(orders, {"general_meeting_notice_days": 10})
    assert isinstance(changed, GroupStandingOrders)
    assert changed.general_meeting_notice_days == 10
    assert msgspec.structs.replace(changed, general_meeting_notice_days=7) == orders


def test_a_rule_change_patch_naming_no_standing_order_is_refused():
    refused = apply_patch(GroupStandingOrders(), {"dissolve_all_structures": True})
    assert isinstance(refused, Rejection) and "dissolve_all_structures" in refused.reason


def test_a_rule_change_patch_cannot_break_an_entrenched_provision():
    refused = apply_patch(GroupStandingOrders(), {"rule_change_bodies": ["committee"]})
    assert isinstance(refused, Rejection) and refused.code == "entrenched_provision"


def test_standing_orders_survive_a_round_trip_through_plain_data():
    orders = load({"delegate_balance": {"attribute": "woman", "min_percent": 50},
                   "counterposed_motions": "vote_on_all"})
    assert isinstance(orders, GroupStandingOrders)
    assert orders.delegate_balance == BalanceRule(attribute="woman", min_percent=50)
    assert load(msgspec.json.decode(msgspec.json.encode(to_mapping(orders)))) == orders


def test_a_case_keeps_a_copy_of_the_due_process_orders():
    rules = load({"reply_window_days": 21}).due_process()
    assert rules.reply_window_days == 21
    assert rules.interim_suspension_max_days == 28


def test_citations_use_the_standing_order_numbers():
    assert cite("rule_change_notice_days") == "standing order 5.1"
    assert cite("reply_window_days") == "standing order 7.1"
