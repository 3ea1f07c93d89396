"""Every message kind has exactly one body of network rules, registered once."""

from __future__ import annotations

from groupnet.procedure.network import RULES, NetworkState
from groupnet.wire import messages


def test_every_wire_kind_is_owned_by_exactly_one_registered_rule_module():
    owners: dict[str, list[str]] = {}
    for rules in RULES:
        for kind in rules.kinds:
            owners.setdefault(kind, []).append(rules.__name__)
    assert {kind: names for kind, names in owners.items() if len(names) > 1} == {}
    assert sorted(owners) == sorted(messages.BODY_TYPES)


def test_the_state_summary_is_the_chain_and_each_rule_module_s_part():
    state = NetworkState()
    parts = [set(state.rules(rules).summary(state)) for rules in RULES]
    keys = [key for part in parts for key in part]
    assert len(keys) == len(set(keys)), "two rule modules write the same part of the summary"
    assert set(state.summary()) == {"heads", "forks", *keys}
