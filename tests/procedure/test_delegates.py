import hashlib
from datetime import date

import msgspec

from groupnet.procedure.group.delegates import (
    DelegateCredential,
    Election,
    ElectionResult,
    Mandate,
    accept_nomination,
    cast_ballot,
    count_election,
    credential,
    current_mandates,
    mandate,
    nominate,
    open_election,
)
from groupnet.procedure.group.meetings import Attendance, Meeting
from groupnet.procedure.group.members import Member, StatusEntry
from groupnet.procedure.group.motions import MotionResult, Tally
from groupnet.procedure.group.standing_orders import GroupStandingOrders, load
from groupnet.wire.rejection import Rejection

T0 = 1_488_000_000_000
DAY = 86_400_000
ORDERS = GroupStandingOrders()
BALANCED = load({"delegate_balance": {"attribute": "woman", "min_percent": 50}})
SEED = b"drawn from a hat at the meeting"
SALT = b"group secret salt, 32 bytes long"
CONFERENCE = "Founding conference 2017"


def person(member_id, status="active"):
    return Member(member_id=member_id, name=member_id.title(), email=f"{member_id}@example.org",
                  joined=date(2016, 5, 1), history=(StatusEntry(status, 0, "joined", "import"),))


MEETING = Meeting(meeting_id="m1", kind="general", starts_at_ms=T0, called_at_ms=T0 - 8 * DAY,
                  called_by="sec", agenda=("Delegates",), place="Bermondsey")
PRESENT = Attendance("m1", tuple(f"p{i:02}" for i in range(30)))


def election(candidates, seats=4, orders=ORDERS):
    """candidates: (member id, attributes) in nomination order, all accepted."""
    e = open_election("e1", CONFERENCE, seats, MEETING, orders)
    for member_id, attributes in candidates:
        e = nominate(e, person(member_id), person("p29"), member_id.upper(), T0 - DAY)
        e = accept_nomination(e, member_id, member_id, T0 - DAY, attributes)
    return e


def vote(e, approvals_by_count):
    """approvals_by_count: [(number of voters, approvals)]."""
    voter = 0
    for n, approvals in approvals_by_count:
        for _ in range(n):
            e = cast_ballot(e, f"p{voter:02}", approvals, PRESENT)
            assert isinstance(e, Election), e
            voter += 1
    return e


def elected(result):
    return [p.candidate_id for p in result.elected]


def test_a_nomination_counts_only_once_the_nominee_accepts():
    e = open_election("e1", CONFERENCE, 2, MEETING, ORDERS)
    e = nominate(e, person("ann"), person("ben"), "Ann", T0 - DAY)
    assert cast_ballot(e, "p00", ["ann"], PRESENT).code == "not_a_candidate"
    assert accept_nomination(e, "ann", "ben", T0, ()).code == "not_the_nominee"
    e = accept_nomination(e, "ann", "ann", T0, ("woman",))
    assert e.nominations[0].attributes == ("woman",)
    assert isinstance(cast_ballot(e, "p00", ["ann"], PRESENT), Election)


def test_only_active_members_stand_and_nominations_close_when_voting_starts():
    e = open_election("e1", CONFERENCE, 2, MEETING, ORDERS)
    assert nominate(e, person("eve", "lapsed"), person("ben"), "Eve", T0).code == "not_active"
    e = election([("ann", ())], seats=2)
    e = cast_ballot(e, "p00", ["ann"], PRESENT)
    assert nominate(e, person("cat"), person("ben"), "Cat", T0).code == "nominations_closed"


def test_each_attending_member_votes_once_for_up_to_as_many_candidates_as_seats():
    e = election([("ann", ()), ("ben", ()), ("cat", ())], seats=2)
    assert cast_ballot(e, "p00", ["ann", "ben", "cat"], PRESENT).code == "too_many_approvals"
    assert cast_ballot(e, "p00", ["ann", "ann"], PRESENT).code == "duplicate_approval"
    assert cast_ballot(e, "stranger", ["ann"], PRESENT).code == "not_present"
    once = cast_ballot(e, "p00", ["ann", "ben"], PRESENT)
    assert cast_ballot(once, "p00", ["cat"], PRESENT).code == "already_voted"
    assert isinstance(cast_ballot(once, "p01", [], PRESENT), Election)


def test_the_candidates_with_most_votes_are_elected_and_nobody_without_a_vote():
    e = election([("ann", ()), ("ben", ()), ("cat", ()), ("dan", ()), ("eve", ())])
    e = vote(e, [(10, ["ann", "ben", "cat"]), (5, ["ann"]), (3, ["eve"])])
    result = count_election(e, MEETING, PRESENT, 120, ORDERS, SEED)
    assert isinstance(result, ElectionResult)
    assert [p.votes for p in result.ranking][:4] == [15, 10, 10, 3]
    assert set(elected(result)) == {"ann", "ben", "cat", "eve"}
    assert "dan" not in elected(result)
    lonely = count_election(vote(election([("ann", ()), ("ben", ())]), [(3, ["ann"])]), MEETING,
                            PRESENT, 120, ORDERS, SEED)
    assert elected(lonely) == ["ann"]


def test_a_tie_is_broken_by_the_documented_lot_so_anyone_with_the_seed_can_repeat_it():
    e = vote(election([("ann", ()), ("ben", ())], seats=1), [(5, ["ann"]), (5, ["ben"])])
    result = count_election(e, MEETING, PRESENT, 120, ORDERS, SEED)

    def lot(c):
        return hashlib.sha256(b"groupnet/v1/delegate-lot\n" + SEED + b"\n" + c.encode()).hexdigest()

    assert elected(result) == [min(["ann", "ben"], key=lot)]
    assert count_election(e, MEETING, PRESENT, 120, ORDERS, SEED) == result
    winners = {elected(count_election(e, MEETING, PRESENT, 120, ORDERS, b"seed %02d" % i + SEED))[0]
               for i in range(16)}
    assert winners == {"ann", "ben"}


def test_the_balance_rule_replaces_the_lowest_placed_elected_with_the_highest_placed_who_meet_it():
    e = election([("al", ()), ("bo", ()), ("cy", ()), ("di", ()), ("eva", ("woman",)),
                  ("fay", ("woman",)), ("gil", ("woman",))], orders=BALANCED)
    e = vote(e, [(9, ["al", "bo", "cy", "di"]), (3, ["al", "bo", "cy"]), (2, ["al", "bo"]),
                 (1, ["al"]), (6, ["eva"]), (5, ["fay"]), (4, ["gil"])])
    # Ranking: al 15, bo 14, cy 12, di 9, eva 6, fay 5, gil 4. Top four are all men;
    # two of four must be women, so di then cy make way for eva then fay.
    result = count_election(e, MEETING, PRESENT, 120, BALANCED, SEED)
    assert elected(result) == ["al", "bo", "eva", "fay"]
    assert result.balance_unmet == ""
    assert elected(count_election(e, MEETING, PRESENT, 120, ORDERS, SEED)) == [
        "al", "bo", "cy", "di"]


def test_when_too_few_candidates_meet_the_balance_rule_the_result_says_so():
    e = election([("al", ()), ("bo", ()), ("cy", ()), ("di", ()), ("eva", ("woman",))],
                 orders=BALANCED)
    e = vote(e, [(9, ["al", "bo", "cy", "di"]), (2, ["al", "bo", "cy"]), (2, ["eva"])])
    result = count_election(e, MEETING, PRESENT, 120, BALANCED, SEED)
    # di, the lowest-placed man, makes way for eva; nobody else qualifies.
    assert set(elected(result)) == {"al", "bo", "cy", "eva"}
    assert "standing order 8.1 asks 2 of 4 delegates with 'woman'" in result.balance_unmet


def test_delegates_are_elected_only_by_a_body_the_standing_orders_name():
    committee = msgspec.structs.replace(MEETING, kind="committee")
    refused = open_election("e1", CONFERENCE, 4, committee, ORDERS)
    assert isinstance(refused, Rejection) and refused.code == "wrong_body"
    assert "standing order 6.2" in refused.reason


def test_an_election_at_an_inquorate_meeting_is_refused():
    e = vote(election([("ann", ())]), [(3, ["ann"])])
    small = Attendance("m1", ("p00", "p01", "p02"))
    assert count_election(e, MEETING, small, 120, ORDERS, SEED).code == "quorum"


def test_the_lot_needs_a_seed_of_at_least_16_bytes():
    e = vote(election([("ann", ())]), [(3, ["ann"])])
    assert count_election(e, MEETING, PRESENT, 120, ORDERS, b"1234").code == "lot_seed_required"


def carried(outcome="carried", kind="general"):
    return MotionResult(motion_id="mandate-1", meeting_id="m1", meeting_kind=kind,
                        outcome=outcome, tally=Tally(17, 10, 1), rule="standing order 4.1")


def test_a_mandate_comes_only_from_a_motion_the_group_carried_at_a_body_allowed_to_mandate():
    given = mandate(CONFERENCE, "Motion 7: democratic structures", "support", carried(), ORDERS)
    assert given == Mandate(CONFERENCE, "Motion 7: democratic structures", "support",
                            "m1/mandate-1")
    assert mandate(CONFERENCE, "Motion 7", "oppose", carried("lost"),
                   ORDERS).code == "mandate_not_carried"
    assert mandate(CONFERENCE, "Motion 7", "free", carried(kind="committee"),
                   ORDERS).code == "wrong_body"


def test_the_credential_names_delegates_by_chosen_name_and_pseudonym_with_their_mandates():
    e = vote(election([("ann", ()), ("ben", ())], seats=2), [(10, ["ann", "ben"])])
    result = count_election(e, MEETING, PRESENT, 120, ORDERS, SEED)
    mandates = [mandate(CONFERENCE, "Motion 7", "support", carried(), ORDERS),
                mandate(CONFERENCE, "Motion 3", "free", carried(), ORDERS)]
    cred = credential(result, "group:southwark", mandates, SALT)
    assert isinstance(cred, DelegateCredential)
    assert sorted(d.display_name for d in cred.delegates) == ["ANN", "BEN"]
    assert [m.conference_motion for m in cred.mandates] == ["Motion 3", "Motion 7"]
    assert cred.election_ref == "m1/e1"
    encoded = msgspec.json.encode(cred)
    assert b'"ann"' not in encoded and b'"ben"' not in encoded
    other_salt = credential(result, "group:southwark", mandates, b"another salt of 32 bytes long!!")
    assert {d.delegate_id for d in other_salt.delegates}.isdisjoint(
        d.delegate_id for d in cred.delegates)


def test_a_credential_is_refused_with_conflicting_or_foreign_mandates_or_a_short_salt():
    e = vote(election([("ann", ())], seats=1), [(10, ["ann"])])
    result = count_election(e, MEETING, PRESENT, 120, ORDERS, SEED)
    support = mandate(CONFERENCE, "Motion 7", "support", carried(), ORDERS)
    oppose = mandate(CONFERENCE, "Motion 7", "oppose", carried(), ORDERS)
    foreign = mandate("Another conference", "Motion 1", "free", carried(), ORDERS)
    assert credential(result, "g", [support, oppose], SALT).code == "conflicting_mandates"
    assert credential(result, "g", [foreign], SALT).code == "wrong_conference"
    assert credential(result, "g", [support], b"short").code == "salt_too_short"


def test_a_later_mandate_on_the_same_conference_motion_replaces_the_earlier_one():
    support = Mandate(CONFERENCE, "Motion 7", "support", "m1/mo1")
    oppose = Mandate(CONFERENCE, "Motion 7", "oppose", "m2/mo4")
    free = Mandate(CONFERENCE, "Motion 9", "free", "m1/mo2")
    assert current_mandates([support, free, oppose]) == [free, oppose]
    assert current_mandates([]) == []
