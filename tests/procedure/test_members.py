import csv
import io
from datetime import date

import pytest

from groupnet.procedure.group.members import (
    EligibilityChange,
    Member,
    RowError,
    StatusEntry,
    assign_role,
    change_status,
    check_header,
    is_eligible,
    is_officer,
    record_eligibility,
    resign,
    stand_down,
    to_row,
    validate_import,
    validate_row,
)
from groupnet.procedure.group.standing_orders import GroupStandingOrders, load
from groupnet.wire.rejection import Rejection

T0 = 1_488_000_000_000  # 25 February 2017
DAY = 86_400_000
ORDERS = GroupStandingOrders()


def person(member_id, *roles, status="active"):
    return Member(member_id=member_id, name=member_id.title(), email=f"{member_id}@example.org",
                  joined=date(2016, 5, 1), history=(StatusEntry(status, T0, "joined", "import"),),
                  roles=tuple(roles))


def test_a_member_may_resign_themselves_and_gives_up_their_offices():
    alice = person("alice", "treasurer")
    left = resign(alice, alice, T0 + DAY, "moving away", ORDERS)
    assert isinstance(left, Member)
    assert left.status == "resigned"
    assert left.roles == ()
    assert [e.status for e in left.history] == ["active", "resigned"]
    assert left.history[-1].decided_by == "alice"


def test_nobody_can_resign_for_another_member():
    refused = resign(person("alice"), person("chair", "chair"), T0 + DAY, "", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "self_only"


def test_an_officer_may_reinstate_a_lapsed_member_keeping_the_history():
    secretary = person("sec", "secretary")
    back = change_status(person("bob", status="lapsed"), "active", secretary, T0 + 2 * DAY,
                         "dues waived", ORDERS)
    assert back.status == "active"
    assert [(e.status, e.reason) for e in back.history] == [
        ("lapsed", "joined"), ("active", "dues waived")]


def test_a_member_who_is_not_an_officer_cannot_mark_anyone_lapsed():
    refused = change_status(person("bob"), "lapsed", person("carol"), T0 + DAY, "x", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "officer_required"
    assert "standing order 9.1" in refused.reason


def test_an_officer_must_give_a_reason_for_marking_a_member_lapsed():
    refused = change_status(person("bob"), "lapsed", person("sec", "secretary"), T0 + DAY, " ",
                            ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "reason_required"


def test_a_suspended_officer_does_not_act_as_an_officer():
    suspended_chair = person("chair", "chair", status="suspended")
    assert not is_officer(suspended_chair, ORDERS)
    refused = change_status(person("bob"), "lapsed", suspended_chair, T0 + DAY, "x", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "officer_required"


def test_officers_are_the_roles_the_standing_orders_name():
    orders = load({"officer_roles": ["chair", "membership_officer"]})
    assert is_officer(person("m", "membership_officer"), orders)
    assert not is_officer(person("t", "treasurer"), orders)


@pytest.mark.parametrize("to", ["suspended", "expelled"])
def test_a_chair_cannot_suspend_or_expel_a_member_directly(to):
    bob = person("bob")
    refused = change_status(bob, to, person("chair", "chair"), T0 + DAY, "disloyal", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "due_process_required"
    assert "written charge" in refused.reason
    assert bob.status == "active"


def test_an_expelled_member_cannot_be_readmitted_by_an_officer():
    refused = change_status(person("bob", status="expelled"), "active",
                            person("chair", "chair"), T0 + DAY, "forgiven", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "no_such_transition"


def test_a_status_change_dated_before_the_last_one_is_refused():
    refused = change_status(person("bob", status="resigned"), "active",
                            person("sec", "secretary"), T0 - 1, "x", ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "history_out_of_order"


def test_a_role_is_recorded_by_an_officer_citing_the_decision_that_gave_it():
    chair = person("chair", "chair")
    bob = assign_role(person("bob"), "treasurer", chair, "agm-2017/minute-4", ORDERS)
    assert bob.roles == ("treasurer",)
    assert is_officer(bob, ORDERS)
    for by, ref, code in [(person("carol"), "agm-2017/minute-4", "officer_required"),
                          (chair, "", "decision_required")]:
        refused = assign_role(person("bob"), "treasurer", by, ref, ORDERS)
        assert isinstance(refused, Rejection) and refused.code == code


def test_nobody_is_removed_from_office_except_by_themselves_or_due_process():
    bob = person("bob", "treasurer")
    refused = stand_down(bob, "treasurer", person("chair", "chair"))
    assert isinstance(refused, Rejection) and refused.code == "due_process_required"
    assert stand_down(bob, "treasurer", bob).roles == ()


CONDITIONS = {"eligibility_conditions": [
    {"name": "party_member", "description": "must also belong to the party"}]}


def test_losing_eligibility_opens_a_case_and_removes_nobody():
    orders = load(CONDITIONS)
    change = record_eligibility(person("bob"), "party_member", False, T0 + DAY,
                                "party says lapsed", person("sec", "secretary"), orders)
    assert isinstance(change, EligibilityChange)
    assert change.member.status == "active"
    assert not is_eligible(change.member, orders)
    assert change.open_case is not None
    assert change.open_case.member_id == "bob" and change.open_case.condition == "party_member"
    assert "due-process case" in change.open_case.reason


def test_regaining_eligibility_opens_no_case():
    orders = load(CONDITIONS)
    sec = person("sec", "secretary")
    lost = record_eligibility(person("bob"), "party_member", False, T0 + DAY, "", sec, orders)
    regained = record_eligibility(lost.member, "party_member", True, T0 + 2 * DAY, "", sec, orders)
    assert regained.open_case is None
    assert is_eligible(regained.member, orders)
    assert [r.met for r in regained.member.eligibility] == [False, True]


def test_an_eligibility_condition_the_standing_orders_do_not_name_is_refused():
    refused = record_eligibility(person("bob"), "union_member", False, T0, "",
                                 person("sec", "secretary"), load(CONDITIONS))
    assert isinstance(refused, Rejection) and refused.code == "unknown_condition"
    assert "standing order 9.2" in refused.reason


GOOD_ROW = {"name": "  Ada   Lovelace ", "email": " Ada@Example.ORG ", "phone": "+44 20 7946 0000",
            "area": "Southwark", "postcode": "se1 2aa", "joined": "2016-06-01", "status": "",
            "roles": "Secretary; member", "notes": "founder"}


def test_a_good_row_becomes_an_active_member_with_a_normalised_email():
    member = validate_row(2, GOOD_ROW, T0)
    assert isinstance(member, Member)
    assert member.name == "Ada Lovelace"
    assert member.email == "ada@example.org"
    assert member.postcode == "SE1 2AA"
    assert member.joined == date(2016, 6, 1)
    assert member.status == "active"
    assert member.roles == ("secretary",)
    assert member.history[0].reason == "imported from the register CSV, line 2"


@pytest.mark.parametrize("change, words", [
    ({"name": ""}, "name is required"),
    ({"email": "ada at example.org"}, "not an email address"),
    ({"joined": "01/06/2016"}, "YYYY-MM-DD"),
    ({"joined": "2016-02-30"}, "not a real date"),
    ({"joined": "2030-01-01"}, "after the date of this import"),
    ({"status": "expelled"}, "due-process case"),
    ({"status": "suspended"}, "due-process case"),
    ({"status": "emperor"}, "cannot be imported"),
    ({"roles": "chair!"}, "not a role name"),
    ({"phone": "call me"}, "phone"),
    ({None: ["surplus"]}, "more fields than the header"),
])
def test_a_bad_row_is_reported_with_its_line_number_and_reason(change, words):
    error = validate_row(7, {**GOOD_ROW, **change}, T0)
    assert isinstance(error, RowError)
    assert error.line == 7
    assert words in error.reason


def test_duplicate_emails_are_found_within_the_file_and_against_the_register():
    rows = [(2, GOOD_ROW),
            (3, {**GOOD_ROW, "email": "ADA@example.org"}),
            (4, {**GOOD_ROW, "email": "bob@example.org"}),
            (5, {**GOOD_ROW, "email": "carol@example.org"})]
    members, errors = validate_import(rows, ["Bob@Example.org"], T0)
    assert [m.email for m in members] == ["ada@example.org", "carol@example.org"]
    assert errors == [RowError(3, "ada@example.org is also on line 2"),
                      RowError(4, "bob@example.org is already in the register")]


def test_a_header_with_an_unknown_or_missing_column_is_refused():
    assert check_header(["name", "email", "joined", "notes"]) is None
    for header in (["name", "email"], ["name", "email", "joined", "password"],
                   ["name", "email", "joined", "email"], None):
        refused = check_header(header)
        assert isinstance(refused, Rejection) and refused.code == "csv_header"


def test_an_exported_member_imports_back_the_same():
    member = validate_row(2, GOOD_ROW, T0)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(to_row(member)))
    writer.writeheader()
    writer.writerow(to_row(member))
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    assert check_header(reader.fieldnames) is None
    members, errors = validate_import(((reader.line_num, row) for row in reader), [], T0)
    assert errors == []
    assert members == [member]
