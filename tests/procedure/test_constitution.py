"""The network constitution's entrenched provisions hold for every constitution (SPEC 5.3)."""

from __future__ import annotations

import msgspec

from groupnet.procedure.network.constitution import default, entrenchment
from groupnet.wire.messages import AmendmentRules, BodyRules


def codes(constitution) -> list[str]:
    return [f"{r.code} {r.reason[:2]}" for r in entrenchment(constitution)]


def test_the_default_constitution_keeps_every_entrenched_provision() -> None:
    assert entrenchment(default()) == []


def test_a_body_given_the_power_to_amend_the_constitution_breaks_e1() -> None:
    committee = msgspec.structs.replace(
        default().bodies[0], powers=["call-conference", "amend-constitution"])
    constitution = msgspec.structs.replace(default(), bodies=[committee, default().bodies[1]])
    assert "entrenched E1" in codes(constitution)


def test_a_body_given_the_power_to_dissolve_another_breaks_e2() -> None:
    committee = msgspec.structs.replace(default().bodies[0], powers=["dissolve-body"],
                                        caretaker_powers=[])
    constitution = msgspec.structs.replace(default(), bodies=[committee, default().bodies[1]])
    assert "entrenched E2" in codes(constitution)


def test_an_amendment_threshold_below_two_thirds_breaks_e5() -> None:
    rules = AmendmentRules(notice_days=56, window_days=14, threshold=[3, 5],
                           ballot_ratification=False)
    assert "entrenched E5" in codes(msgspec.structs.replace(default(), amendments=rules))


def test_a_one_hour_amendment_with_no_notice_breaks_e5() -> None:
    rules = AmendmentRules(notice_days=0, window_days=0, threshold=[2, 3],
                           ballot_ratification=False)
    assert codes(msgspec.structs.replace(default(), amendments=rules)).count("entrenched E5") == 2


def test_a_requisition_threshold_over_half_the_groups_breaks_e6() -> None:
    conference = msgspec.structs.replace(default().conference, requisition_groups_percent=60)
    assert "entrenched E6" in codes(msgspec.structs.replace(default(), conference=conference))


def test_a_body_with_a_ten_year_term_breaks_e7() -> None:
    body = BodyRules(**{**msgspec.structs.asdict(default().bodies[1]), "term_days": 1831})
    constitution = msgspec.structs.replace(default(), bodies=[default().bodies[0], body])
    assert "entrenched E7" in codes(constitution)
