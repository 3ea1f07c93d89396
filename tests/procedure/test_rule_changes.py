"""Rule changes reach a conference with notice, are amended within the window, keep every
entrenched provision, and stand on the agenda for a card vote (SPEC 5.3 C5, 5.8 K11, K12)."""

from __future__ import annotations

import msgspec

from groupnet.procedure.network.constitution import DAY_MS, changes, default
from groupnet.wire import messages
from groupnet.wire.messages import Adoption, Constitution, Entry, Tally
from tests.procedure.test_conferences import (
    OPENS,
    T0,
    Group,
    Network,
    carried,
    item,
    ref,
)

NOTICE_DUE = OPENS - 56 * DAY_MS  # the default constitution: 56 days' notice
WINDOW_CLOSES = OPENS - 42 * DAY_MS  # and a window of 14 days after it


def amended(**conference: int) -> Constitution:
    """The default constitution with its conference rules changed."""
    constitution = default()
    return msgspec.structs.replace(constitution, conference=msgspec.structs.replace(
        constitution.conference, **conference))


def seats(constitution: Constitution, body: str, count: int) -> Constitution:
    return msgspec.structs.replace(constitution, bodies=[
        msgspec.structs.replace(b, seats=count) if b.id == body else b
        for b in constitution.bodies])


def rule_change(net: Network, group: Group, call: Entry, constitution: Constitution | None = None,
                at: int | None = None, decision: Adoption | None = None,
                title: str = "Two delegates per group") -> Entry:
    return group.write("conference.rule_change", messages.ConferenceRuleChange(
        ref(call), title, constitution or amended(max_delegates=2), "Smaller delegations",
        decision or carried()), at=at)


def amendment(net: Network, group: Group, proposal: Entry,
              constitution: Constitution | None = None, at: int | None = None,
              decision: Adoption | None = None) -> Entry:
    return group.write("conference.rule_change_amendment",
                       messages.ConferenceRuleChangeAmendment(
                           ref(proposal), constitution or amended(max_delegates=3),
                           "Three is fairer", decision or carried()), at=at)


def conference(net: Network) -> Entry:
    return net.must(net.first_call(at=T0 + DAY_MS))


# -- K11 at receipt ------------------------------------------------------------------


def test_a_rule_change_with_notice_is_accepted_and_says_what_it_changes():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call, at=NOTICE_DUE))
    net.later(OPENS - 50 * DAY_MS)
    found = net.review(call).rule_changes
    assert [(r.id, r.status) for r in found] == [(proposal.id, "admissible")]
    assert [(c.field, c.old, c.new) for c in found[0].changes] == [
        ("conference.max_delegates", 6, 2)]


def test_a_rule_change_its_meeting_did_not_carry_is_refused():
    net = Network()
    call = conference(net)
    lost = Adoption("General meeting", "2023-11-20", Tally(10, 12, 0, 30))
    refused = net.state.check(rule_change(net, net.b, call, decision=lost))
    assert refused.code == "not_carried" and "K11" in refused.reason


def test_a_rule_change_counting_more_votes_than_were_present_is_refused():
    net = Network()
    call = conference(net)
    padded = Adoption("General meeting", "2023-11-20", Tally(40, 1, 0, 30))
    assert net.take(rule_change(net, net.b, call, decision=padded)) == \
        "tally_exceeds_attendance"


def test_a_rule_change_to_no_conference_is_refused():
    net = Network()
    call = conference(net)
    motion = net.must(net.motion(net.c, call))
    refused = net.state.check(net.b.write("conference.rule_change",
                                          messages.ConferenceRuleChange(
                                              ref(motion), "Nowhere", amended(max_delegates=2),
                                              "", carried())))
    assert refused.code == "unknown_conference"


def test_a_rule_change_citing_a_log_not_yet_held_waits():
    net = Network()
    call = net.first_call(at=T0 + DAY_MS)
    assert net.take(rule_change(net, net.b, call)) == "missing_dependency"


def test_a_rule_change_dated_after_the_notice_deadline_is_refused_citing_c5():
    net = Network()
    call = conference(net)
    refused = net.state.check(rule_change(net, net.b, call, at=NOTICE_DUE + 1))
    assert refused.code == "past_deadline"
    assert refused.reason.startswith("C5:") and "56 days' notice" in refused.reason


def test_a_rule_change_giving_a_body_the_power_to_amend_the_constitution_is_entrenched():
    net = Network()
    call = conference(net)
    constitution = default()
    grab = msgspec.structs.replace(constitution, bodies=[
        msgspec.structs.replace(b, powers=[*b.powers, "amend-constitution"])
        if b.id == "national-committee" else b for b in constitution.bodies])
    refused = net.state.check(rule_change(net, net.b, call, grab))
    assert refused.code == "entrenched" and refused.reason.startswith("E1:")


def test_a_rule_change_abolishing_the_requisition_is_refused_citing_e6():
    net = Network()
    call = conference(net)
    refused = net.state.check(rule_change(net, net.b, call, amended(
        requisition_groups_percent=90, requisition_members_percent=90)))
    assert refused.code == "entrenched" and refused.reason.startswith("E6:")


def test_a_rule_change_lowering_the_threshold_below_two_thirds_is_refused_citing_e5():
    net = Network()
    call = conference(net)
    constitution = default()
    simple = msgspec.structs.replace(constitution, amendments=msgspec.structs.replace(
        constitution.amendments, threshold=[1, 2]))
    refused = net.state.check(rule_change(net, net.b, call, simple))
    assert refused.code == "entrenched" and refused.reason.startswith("E5:")


def test_a_rule_change_that_contradicts_itself_is_refused():
    net = Network()
    call = conference(net)
    refused = net.state.check(rule_change(net, net.b, call, amended(called_by="nobody")))
    assert refused.code == "bad_constitution" and "nobody" in refused.reason


def test_a_rule_change_altering_the_charters_standing_orders_is_refused():
    net = Network()
    call = conference(net)
    constitution = default()
    orders = msgspec.structs.replace(constitution, standing_orders=msgspec.structs.replace(
        constitution.standing_orders, admission_approvals=3))
    refused = net.state.check(rule_change(net, net.b, call, orders))
    assert refused.code == "bad_constitution" and "charter" in refused.reason


def test_a_rule_change_that_changes_nothing_is_refused():
    net = Network()
    call = conference(net)
    refused = net.state.check(rule_change(net, net.b, call, default()))
    assert refused.code == "no_change"


def test_a_group_submits_one_rule_change_to_a_conference():
    net = Network()
    call = conference(net)
    net.must(rule_change(net, net.b, call))
    refused = net.state.check(rule_change(net, net.b, call, amended(max_delegates=4)))
    assert refused.code == "rule_change_limit" and "K11" in refused.reason
    net.must(rule_change(net, net.c, call, amended(max_delegates=4)))


# -- K12 at receipt ------------------------------------------------------------------


def test_an_amendment_within_the_window_is_accepted_and_lists_its_changes():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call, at=T0 + 2 * DAY_MS))
    change = net.must(amendment(net, net.c, proposal, at=WINDOW_CLOSES))
    net.later(OPENS - 30 * DAY_MS)
    found = net.review(call).rule_change_amendments
    assert [(a.id, a.status) for a in found] == [(change.id, "admissible")]
    assert [(c.field, c.old, c.new) for c in found[0].changes] == [
        ("conference.max_delegates", 2, 3)]


def test_an_amendment_after_the_window_is_refused_citing_c5():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call, at=T0 + 2 * DAY_MS))
    refused = net.state.check(amendment(net, net.c, proposal, at=WINDOW_CLOSES + 1))
    assert refused.code == "past_deadline" and refused.reason.startswith("C5:")
    assert "window" in refused.reason


def test_an_amendment_its_meeting_did_not_carry_is_refused():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call))
    lost = Adoption("General meeting", "2023-11-20", Tally(5, 5, 0, 30))
    assert net.take(amendment(net, net.c, proposal, decision=lost)) == "not_carried"


def test_an_amendment_to_no_rule_change_is_refused():
    net = Network()
    call = conference(net)
    motion = net.must(net.motion(net.c, call))
    refused = net.state.check(amendment(net, net.d, motion))
    assert refused.code == "unknown_rule_change"


def test_an_amendment_removing_an_entrenched_provision_is_refused_citing_it():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call))
    week = dict.fromkeys(("notice_days", "first_within_days", "special_within_days",
                          "motions_deadline_days", "amendments_deadline_days",
                          "credentials_deadline_days", "final_agenda_days"), 7)
    refused = net.state.check(amendment(net, net.c, proposal, amended(**week)))
    assert refused.code == "entrenched" and refused.reason.startswith("E4:")


def test_an_amendment_that_changes_nothing_in_the_rule_change_is_refused():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call))
    refused = net.state.check(amendment(net, net.c, proposal, amended(max_delegates=2)))
    assert refused.code == "no_change" and "K12" in refused.reason


# -- derived: statuses and the agenda ------------------------------------------------


def test_a_rule_change_the_network_witnessed_after_its_notice_is_late():
    net = Network()
    call = conference(net)
    net.witness_all(T0 + 2 * DAY_MS)
    # Bravo dates it in time, but nobody witnesses it before the notice deadline
    proposal = net.must(rule_change(net, net.b, call, at=NOTICE_DUE))
    net.witness_all(NOTICE_DUE + DAY_MS)
    found = net.review(call)
    assert [(r.id, r.status) for r in found.rule_changes] == [(proposal.id, "late")]
    assert found.agenda.rule_changes == []
    assert [(o.kind, o.id, o.status) for o in found.agenda.not_on_agenda] == [
        ("rule change", proposal.id, "late")]


def test_a_rule_change_not_yet_witnessed_is_pending():
    net = Network()
    call = conference(net)
    net.witness_all(T0 + 2 * DAY_MS)
    proposal = net.must(rule_change(net, net.b, call, at=T0 + 3 * DAY_MS))
    assert [(r.id, r.status) for r in net.review(call).rule_changes] == [
        (proposal.id, "pending")]


def test_the_agenda_lists_a_rule_change_with_two_thirds_a_card_vote_and_its_amendments():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call, at=T0 + 2 * DAY_MS))
    change = net.must(amendment(net, net.c, proposal, at=T0 + 3 * DAY_MS))
    net.later(OPENS - 6 * DAY_MS)
    agenda = net.review(call).agenda
    assert agenda.status == "final"
    [entry] = agenda.rule_changes
    assert (entry.position, entry.id, entry.groups) == (1, proposal.id, [net.b.id])
    assert (entry.threshold, entry.method) == ([2, 3], "card vote")
    assert entry.amendments == [change.id]
    assert [c.field for c in entry.changes] == ["conference.max_delegates"]


def test_the_arrangements_committee_rules_a_rule_change_out_only_citing_a_provision():
    net = Network()
    call = conference(net)
    proposal = net.must(rule_change(net, net.b, call, at=T0 + 2 * DAY_MS))
    change = net.must(amendment(net, net.c, proposal, at=T0 + 3 * DAY_MS))
    net.later(T0 + 20 * DAY_MS)
    net.arrangements(item("rule-out", conference=call.id, refs=[proposal.id],
                          provision="C4.3"), at=T0 + 21 * DAY_MS)
    net.later(OPENS - 6 * DAY_MS)
    found = net.review(call)
    [ruled] = found.rule_changes
    assert ruled.status == "ruled out" and "C4.3" in ruled.reason
    [fallen] = found.rule_change_amendments
    assert (fallen.id, fallen.status) == (change.id, "falls")
    assert found.agenda.rule_changes == []


def test_the_diff_names_a_body_by_its_id_and_shows_old_and_new():
    before = default()
    after = seats(before, "national-committee", 15)
    assert [(c.field, c.old, c.new) for c in changes(before, after)] == [
        ("bodies.national-committee.seats", 12, 15)]
