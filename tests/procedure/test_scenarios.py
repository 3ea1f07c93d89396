"""The issue's scenarios, end to end through the pure rules (no storage, no HTTP)."""

from datetime import date

from groupnet.procedure.group import delegates, discipline, meetings, members, motions
from groupnet.procedure.group.meetings import Attendance, Minutes
from groupnet.procedure.group.members import Member, StatusEntry
from groupnet.procedure.group.motions import ShowOfHands
from groupnet.procedure.group.standing_orders import GroupStandingOrders, load
from groupnet.wire.rejection import Rejection

HOUR = 3_600_000
DAY = 24 * HOUR
T0 = 1_484_870_400_000  # 20 January 2017
ACTIVE = 120


def ok(value):
    assert not isinstance(value, Rejection), value
    return value


def person(member_id, *roles):
    return Member(member_id=member_id, name=member_id.title(), email=f"{member_id}@example.org",
                  joined=date(2016, 5, 1), history=(StatusEntry("active", 0, "joined", "import"),),
                  roles=tuple(roles))


REGISTER = {m.member_id: m for m in
            [person("will", "chair"), person("sec", "secretary")]
            + [person(f"m{i:03}") for i in range(ACTIVE - 2)]}


def meeting(meeting_id, starts, orders, kind="general", notice=8 * DAY):
    return ok(meetings.call_meeting(meeting_id, kind, starts, starts - notice, ("Motions",),
                                    REGISTER["sec"], orders, place="Bermondsey"))


def attendance(m, n, orders):
    present = Attendance(m.meeting_id)
    for member_id in ["will", "sec"] + [f"m{i:03}" for i in range(n - 2)]:
        present = ok(meetings.attend(present, REGISTER[member_id], m, orders))
    return present


def test_a_branch_meeting_decides_two_counterposed_motions_17_to_10_with_one_abstention():
    orders = GroupStandingOrders()
    branch = meeting("southwark-1", T0, orders)
    present = attendance(branch, 28, orders)
    welcome = ok(motions.submit_motion(
        "pascale", branch, "Welcome the constitution",
        "This branch welcomes the Steering Committee's decision to introduce a constitution.",
        REGISTER["m001"], REGISTER["m002"], T0 - 9 * DAY, orders))
    condemn = ok(motions.submit_motion(
        "richard", branch, "Condemn the dissolution",
        "This branch condemns the undemocratic dissolution of the elected committees.",
        REGISTER["m003"], REGISTER["m004"], T0 - 8 * DAY, orders))

    # Put in order of submission: the first is lost 10-17, so the second is put.
    results = ok(motions.decide_counterposed(
        [welcome, condemn],
        {"pascale": ShowOfHands(10, 17, 1, "will"), "richard": ShowOfHands(17, 10, 1, "will")},
        branch, present, ACTIVE, orders))
    assert [(r.motion_id, r.outcome) for r in results] == [("pascale", "lost"),
                                                           ("richard", "carried")]
    assert results[1].rule.startswith("standing order 4.1: carried by more than half")

    minutes = ok(meetings.record_minute(Minutes(meeting_id="southwark-1"),
                                        "Richard's motion carried 17-10-1; Pascale's lost "
                                        "10-17-1.", "sec", T0 + 2 * HOUR))
    following = meeting("southwark-2", T0 + 28 * DAY, orders)
    approved = ok(meetings.approve_minutes(minutes, branch, following, T0 + 28 * DAY + HOUR,
                                           20, ACTIVE, orders))
    assert meetings.record_minute(approved, "edit", "sec", T0 + 29 * DAY).code == "minutes_locked"


def test_a_rule_change_is_refused_for_short_notice_then_carried_with_notice_and_two_thirds():
    orders = GroupStandingOrders()
    patch = {"general_meeting_notice_days": 10, "motion_notice_days": 10}
    hasty = meeting("gm-1", T0, orders)
    refused = motions.submit_motion("rc", hasty, "Longer notice", "Members need more time.",
                                    REGISTER["m001"], REGISTER["m002"], T0 - 7 * DAY, orders,
                                    kind="rule_change", rule_patch=patch)
    assert refused == Rejection("notice_period", "standing order 5.1: a rule change needs 28 "
                                "days' notice before the meeting; this one gave 168 h")

    proper = meeting("gm-2", T0 + 35 * DAY, orders)
    change = ok(motions.submit_motion("rc", proper, "Longer notice", "Members need more time.",
                                      REGISTER["m001"], REGISTER["m002"], T0 + DAY, orders,
                                      kind="rule_change", rule_patch=patch))
    present = attendance(proper, 31, orders)
    result = ok(motions.decide(change, ShowOfHands(21, 10, 0, "will"), proper, present, ACTIVE,
                               orders))
    assert result.outcome == "carried"
    assert result.rule.startswith("standing order 5.2: carried by at least two-thirds")
    new_orders = result.new_orders
    assert new_orders.general_meeting_notice_days == 10
    # The new rules bind the very next meeting: eight days' notice is no longer enough.
    assert meetings.notice_check(meeting("gm-3", T0 + 60 * DAY, new_orders), new_orders).code \
        == "notice_period"


def test_a_delegate_election_of_four_with_balance_and_mandates_gives_a_credential():
    orders = load({"delegate_balance": {"attribute": "woman", "min_percent": 50}})
    agm = meeting("agm", T0, orders, kind="annual", notice=21 * DAY)
    present = attendance(agm, 30, orders)
    election = ok(delegates.open_election("e1", "National conference 2017", 4, agm, orders))
    standing = [("m010", ()), ("m011", ()), ("m012", ()), ("m013", ()),
                ("m014", ("woman",)), ("m015", ("woman",))]
    for member_id, attributes in standing:
        election = ok(delegates.nominate(election, REGISTER[member_id], REGISTER["m001"],
                                         f"Delegate {member_id}", T0 - DAY))
        election = ok(delegates.accept_nomination(election, member_id, member_id, T0 - DAY,
                                                  attributes))
    ballots = ([["m010", "m011", "m012", "m013"]] * 14 + [["m014", "m015"]] * 9
               + [["m014"]] * 2)
    for voter, approvals in zip(present.present, ballots, strict=False):
        election = ok(delegates.cast_ballot(election, voter, approvals, present))
    result = ok(delegates.count_election(election, agm, present, ACTIVE, orders,
                                         b"drawn at the AGM, 2017-01-20"))
    names = [p.candidate_id for p in result.elected]
    assert len(names) == 4
    assert {"m014", "m015"} <= set(names)

    mandating = ok(motions.submit_motion("mandate-7", agm, "Mandate on motion 7",
                                         "Our delegates support motion 7.", REGISTER["m001"],
                                         REGISTER["m002"], T0 - 22 * DAY, orders))
    carried = ok(motions.decide(mandating, ShowOfHands(20, 5, 2, "will"), agm, present, ACTIVE,
                                orders))
    support = ok(delegates.mandate("National conference 2017", "Motion 7", "support", carried,
                                   orders))
    credential = ok(delegates.credential(result, "group:southwark", [support],
                                         b"southwark's own secret salt 2017"))
    assert len(credential.delegates) == 4
    assert credential.mandates[0].decision_ref == "agm/mandate-7"


def test_an_expulsion_refused_without_a_charge_is_decided_after_due_process_and_overturned_when_the_members_appeal_is_upheld():  # noqa: E501
    orders = GroupStandingOrders()
    bob, chair = person("bob"), REGISTER["will"]
    refused = members.change_status(bob, "expelled", chair, T0, "disloyal", orders)
    assert refused.code == "due_process_required"

    case = ok(discipline.bring_charge("c1", "g-southwark", "bob", "code of conduct, rule 4",
                                      "abusive messages on 3 February", "sec", T0,
                                      orders.due_process()))
    case = ok(discipline.add_evidence(case, "e1", "screenshots", "m020", T0 + HOUR))
    case = ok(discipline.disclose(case, T0 + 2 * HOUR))
    case = ok(discipline.reply(case, "bob", "Out of context; here is the thread.", T0 + 4 * DAY))
    case = ok(discipline.schedule_hearing(case, T0 + 12 * DAY, T0 + 5 * DAY,
                                          ("m030", "m031", "m032"), T0 + 5 * DAY))
    case = ok(discipline.decide(case, "expulsion", "The messages were abusive.", T0 + 12 * DAY))
    case = ok(discipline.appeal(case, "bob", "The panel ignored the thread.", T0 + 20 * DAY))
    case = ok(discipline.assign_appeal_panel(
        case, "network_panel", (discipline.PanelSeat("g-leeds", "a"),
                                discipline.PanelSeat("g-hackney", "b"),
                                discipline.PanelSeat("g-bristol", "c")), T0 + 21 * DAY))
    case = ok(discipline.decide_appeal(case, "upheld", "The thread shows provocation; the "
                                       "messages do not break rule 4.", T0 + 35 * DAY))
    for t in (T0 + 30 * DAY, T0 + 35 * DAY, T0 + 100 * DAY):
        assert members.apply_due_process(bob, case, t).status == "active"
