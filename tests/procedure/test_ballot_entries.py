"""Member ballots across the network (SPEC 5.10), on the reference rules alone."""

from __future__ import annotations

import base64

import msgspec
import pytest

from groupnet.cli import vectors
from groupnet.procedure.network.ballots import Ballots
from groupnet.wire import messages


@pytest.fixture(scope="module")
def scenario() -> vectors.Scenario:
    return vectors.ballot_entries()


def _state(scenario: vectors.Scenario):
    return scenario.state()


def test_the_last_ballot_of_a_credential_is_the_one_counted(scenario):
    state = _state(scenario)
    rules = state.rules(Ballots)
    ballot = scenario.derived["ballot"]
    cut = rules.cuts[scenario.derived["final_cut"]]
    counted = rules.cut_ballots(state, cut)
    casts = [c for by_author in rules.casts[ballot].values() for c in by_author]
    assert len(casts) == 4 and len(counted) == 3
    replaced = [c for c in casts if c.id not in {k.id for k in counted.values()}]
    assert [c.seq for c in replaced] == [min(c.seq for c in casts
                                             if c.credential == replaced[0].credential)]


def test_every_refusal_of_the_scenario_names_a_ballot_rule_or_the_cryptography(scenario):
    refused = [s for s in scenario.steps if s["expect"]["status"] == "rejected"]
    assert {s["expect"]["code"] for s in refused} >= {
        "not_empowered", "short_window", "bad_trustees", "bad_ballot", "bad_ceremony",
        "not_trustee", "false_complaint", "bad_extract", "duplicate_credential",
        "too_many_credentials", "outside_ballot", "bad_signature", "unknown_credential",
        "early_close", "wrong_result", "not_participant", "bad_partial_decryption"}


def test_a_ballot_on_a_decision_outside_the_constitution_is_refused_citing_c6(scenario):
    state = _state(scenario)
    call = state.rules(Ballots).calls[scenario.derived["ballot"]]
    entry = _entry_like(scenario, call, decision="dissolve-network")
    rejection = state.rules(Ballots).check(state, entry)
    assert rejection is not None and rejection.code == "not_empowered"
    assert rejection.reason.startswith("C6:")


def test_a_cut_before_the_close_is_refused_so_nobody_closes_a_ballot_early(scenario):
    early = next(s for s in scenario.steps if s["expect"]["code"] == "early_close")
    assert "before the close" in early["description"]


def test_a_refusal_of_a_ballot_never_writes_a_vote(scenario):
    state = _state(scenario)
    rules = state.rules(Ballots)
    call = rules.calls[scenario.derived["ballot"]]
    forged = next(s for s in scenario.steps if s["expect"]["code"] == "bad_signature")
    entry = messages.parse(base64.b64decode(forged["wire_b64"]))
    rejection = rules.check(state, entry)
    assert rejection is not None and rejection.code == "bad_signature"
    for word in ("Yes", "No", "Abstain", "yes", "no "):
        assert word not in rejection.reason
    assert call.body.opens <= entry.ts


def test_a_credential_list_beyond_the_committed_members_changes_nothing(scenario):
    state = _state(scenario)
    before = state.state_hash()
    over = next(s for s in scenario.steps if s["expect"]["code"] == "too_many_credentials")
    entry = messages.parse(base64.b64decode(over["wire_b64"]))
    assert state.check(entry).code == "too_many_credentials"
    assert state.state_hash() == before


def _entry_like(scenario, call, **changes):
    """The accepted call as parsed again, with its body changed (the rules alone judge it)."""
    accepted = next(e for e in scenario.accepted if e.id == call.id)
    clone = messages.parse(accepted.raw)
    clone.body = msgspec.structs.replace(accepted.body, **changes)
    return clone
