"""Only most of the participants need to cosign a cut: the first cosigners cosign at once,
the others only once the result is still not final and no cosign has arrived for a while
(SPEC 5.9). A network whose first cosigners are partly out of reach still makes the result
final, by the others' cosigns."""

from __future__ import annotations

import pytest

from groupnet import clock
from groupnet.network import cuts
from groupnet.procedure.network.floor import Floor
from tests.conftest import Cluster
from tests.federation.test_certificates import voted
from tests.federation.test_conference import everywhere
from tests.federation.test_floor import final


@pytest.mark.parametrize(("count", "first"), [(1, 1), (2, 2), (3, 3), (4, 4), (5, 4),
                                               (10, 7), (21, 14), (150, 91)])
def test_the_first_cosigners_are_most_of_the_participants_and_a_tenth_more(count, first):
    groups = [f"group-{i:03d}" for i in range(count)]
    chosen = cuts.first_cosigners("cut-a", groups)
    assert len(chosen) == first and chosen <= set(groups)
    assert cuts.first_cosigners("cut-a", list(reversed(groups))) == chosen  # order: the hash
    if count >= 10:  # another cut, another draw: no group always cosigns first
        assert cuts.first_cosigners("cut-b", groups) != chosen


def test_progress_counts_the_cosigns_of_participants_and_finds_the_majority():
    participants = ["a", "b", "c", "d", "e"]
    assert cuts.tally_cosigns([], participants) == (False, 0)
    assert cuts.tally_cosigns([("a", "x"), ("b", "x"), ("z", "x")], participants) == (False, 2)
    assert cuts.tally_cosigns([("a", "x"), ("b", "y"), ("c", "x")], participants) == (False, 3)
    assert cuts.tally_cosigns([("a", "x"), ("b", "x"), ("c", "x")], participants) == (True, 3)


async def test_with_first_cosigners_out_of_reach_another_participant_cosigns_and_it_is_final(
        tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    # four of the five groups take part, and with four every one is a first cosigner: draw
    # three, as a larger network leaves some participants out of the first cosigners
    drawn = cuts.first_cosigners
    monkeypatch.setattr(cuts, "first_cosigners",
                        lambda cut_id, groups: frozenset(sorted(drawn(cut_id, groups))[:3]))
    cluster = Cluster(tmp_path)
    try:
        services, conference, vote = await voted(cluster)
        chair = services[0]
        # the chair's node cuts alone, so that who may cosign is known before anyone can
        cluster.partition([chair], services[1:])
        put = chair.node.state.rules(Floor).opens[vote]
        clock.advance_everyone(put.body.closes - clock.now_ms() + 1000)
        await everywhere([chair], lambda n: any(
            c.open == vote for c in n.state.rules(Floor).cuts.values()), "the cut")
        [cut] = [c for c in chair.node.state.rules(Floor).cuts.values() if c.open == vote]
        participants = cuts.conference_participants(chair.node.state, conference)
        assert participants is not None and len(participants) == 4
        first = cuts.first_cosigners(cut.id, participants)
        [other] = [s for s in services if s.node.id in participants and s.node.id not in first]
        # the chair's node (it holds the cut), the one participant not among the first
        # cosigners, and first cosigners until three participants are in reach: the other
        # first cosigners are out of reach, and three cosigns of the four are needed
        reach = [chair] + ([other] if other is not chair else [])
        for service in services:
            if sum(s.node.id in participants for s in reach) < 3 and service not in reach \
                    and service.node.id in first:
                reach.append(service)
        cluster.heal()
        cluster.partition(reach, [s for s in services if s not in reach])
        await everywhere(reach, final(vote), "the result final where the cut reached")
        cosigners = set(chair.node.state.rules(Floor).cosigned(vote))
        assert other.node.id in cosigners and len(cosigners) == 3
        cluster.heal()
        await everywhere(services, final(vote), "the result final on every node")
    finally:
        await cluster.close()
