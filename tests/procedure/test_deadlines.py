"""Deadlines judged by the witnesses of the moment stay decided as the network grows (SPEC 5.5)."""

from __future__ import annotations

from groupnet.wire import messages
from tests.procedure.test_bodies import HOUR, T0, Group, Network


def test_groups_admitted_after_a_deadline_do_not_undo_an_on_time_arrival():
    net = Network()
    profile = net.a.write("group.profile", messages.Profile("alpha"), at=T0 + HOUR)
    net.take(profile)
    for group in (net.b, net.c):
        net.take(net.witness(group, profile, T0 + 2 * HOUR))
    deadline = T0 + 3 * HOUR
    settled = net.state.settled_time(profile.author, profile.seq, profile.ts)
    assert net.state.arrived_before_deadline(profile.author, profile.seq, profile.ts,
                                             deadline) is True
    # five groups join a day later and witness the same entry late
    for number in range(5):
        late = Group(f"late-{number}", net.a.net)
        net.take(net.a.write("node.admit", messages.Admit(late.id, late.name,
                                                          "http://127.0.0.1:3")))
        net.take(net.witness(late, profile, T0 + 24 * HOUR))
    assert net.state.arrived_before_deadline(profile.author, profile.seq, profile.ts,
                                             deadline) is True
    assert net.state.settled_time(profile.author, profile.seq, profile.ts) == settled
    # while the plain network time, over every member now, has moved
    assert net.state.network_time(profile.author, profile.seq) != settled


def test_a_deadline_is_passed_once_most_of_its_witnesses_signed_later():
    net = Network()
    profile = net.a.write("group.profile", messages.Profile("alpha"), at=T0 + HOUR)
    net.take(profile)
    for group in (net.b, net.c):
        net.take(net.witness(group, profile, T0 + 2 * HOUR))
    deadline = T0 + 3 * HOUR
    assert not net.state.deadline_passed(deadline)
    net.take(net.witness(net.b, profile, deadline + 1))
    assert not net.state.deadline_passed(deadline)  # one of two is not more than half
    net.take(net.witness(net.c, profile, deadline + 1))
    assert net.state.deadline_passed(deadline)
