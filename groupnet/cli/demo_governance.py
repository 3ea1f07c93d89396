"""The demo network's governance: a constitution, its bodies and the first conference.

The founder founds the network under the default constitution, whose interim
members (C7) are people of the demo groups on the national committee and the
arrangements committee, each seat vouched for by its own group's node. Then,
with the groups' own business in place (`demo_business.py`):

- every group commits its register (`register.commitment`), so the conference
  knows each group's delegates (K5);
- Southwark calls the first conference (K1), with the constitution's 56 days'
  notice and a week more, so every deadline of its timetable lies ahead (the
  conference runs on the network's clock, not the groups' business clocks);
- Southwark submits the motion its meeting carried, Havering one of its own and,
  as an amendment to Southwark's, a text its meeting carried (K6, K7): taken
  from the carried motions, never retyped;
- Southwark's general meeting elects its delegate and publishes the credential;
- Southwark's member of the national committee calls a meeting of it, with the
  committee's week's notice: it is pending until it opens.

Everything goes through the steps the command line and the API take.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .. import clock
from ..group import commitments, elections
from ..group import conferences as group_conferences
from ..group.people import CLI
from ..network import bodies, conferences
from ..network.constitution import Founding
from ..network.node import Node
from ..procedure.network import NetworkState
from ..procedure.network.bodies import Bodies
from ..procedure.network.commitments import Commitments
from ..procedure.network.conferences import Conferences
from ..procedure.network.constitution import default
from ..service import Service
from ..wire.messages import NetworkStandingOrders, Seat
from .demo_business import Demo, Group

FIRST_CONFERENCE = "First national conference"
# from 9am on its first day to 6pm on the next
LASTS_MS = 33 * 3_600_000
# the interim members serve until the first conference elects their successors (C7)
INTERIM_DAYS = 150
# (body, holder, name) for each group, in the order of the demo's groups
INTERIM = [
    [("national-committee", "nc-southwark", "Chris Doyle"),
     ("arrangements-committee", "cac-southwark", "Tess Nowak")],
    [("national-committee", "nc-havering", "Ray Turner"),
     ("arrangements-committee", "cac-havering", "Amir Khan")],
    [("national-committee", "nc-birmingham", "Jas Sandhu")],
]


def first_conference(node: Node) -> str:
    """The id of the demo's first conference."""
    return next(call.id for call in node.state.rules(Conferences).calls.values()
                if call.body.title == FIRST_CONFERENCE)


def founding(groups: list[Node], orders: NetworkStandingOrders) -> Founding:
    """The default constitution, with interim members from the demo's groups."""
    seats = [Seat(body, node.id, holder, name)
             for node, held in zip(groups, INTERIM, strict=False) for body, holder, name in held]
    return Founding(default(orders), seats, interim_days=INTERIM_DAYS)


async def everywhere(services: list[Service], holds: Callable[[NetworkState], bool],
                     what: str, seconds: float = 30.0) -> None:
    """Wait until every node's state shows `what`."""
    for _ in range(int(seconds * 20)):
        if all(holds(service.node.state) for service in services):
            return
        await asyncio.sleep(0.05)
    raise SystemExit(f"error: {what} did not reach every node")


def _day_at(days: int, hour: int) -> int:
    """`days` from now, at `hour` o'clock UTC, in ms."""
    day = datetime.fromtimestamp(clock.now_ms() / 1000, UTC) + timedelta(days=days)
    return int(day.replace(hour=hour, minute=0, second=0, microsecond=0).timestamp() * 1000)


async def set_up_governance(services: list[Service], demo: Demo) -> None:
    """Commit the registers, call the first conference, submit motions, elect a delegate,
    and call a meeting of the national committee."""
    nodes = [service.node for service in services]
    southwark = demo.southwark
    for node in nodes:
        # the register as it stands on the network's clock: the call counts it (K5)
        await commitments.publish(node, CLI, freeze_ms=clock.now_ms())
    await everywhere(services, lambda s: all(node.id in s.rules(Commitments).commitments
                                             for node in nodes), "every register commitment")

    rules = nodes[0].state.constitution.conference
    opens = _day_at(rules.notice_days + 7, 9)
    call = await conferences.call_first(nodes[0], FIRST_CONFERENCE, opens, opens + LASTS_MS)
    await everywhere(services, lambda s: call.id in s.rules(Conferences).calls,
                     "the first conference's call")

    motion = await group_conferences.submit_local(southwark.node, call.id, demo.conference,
                                                  "democracy")
    await everywhere(services, lambda s: motion.id in s.rules(Conferences).motions,
                     "Southwark's conference motion")
    if demo.havering is not None:
        # a group's log arrives in order: its amendment, after its own motion
        havering = demo.havering
        await group_conferences.submit_local(havering.node, call.id, demo.travel, "conference")
        amendment = await group_conferences.amend_local(havering.node, motion.id,
                                                        demo.standing_orders)
        await everywhere(services, lambda s: amendment.id in s.rules(Conferences).amendments,
                         "Havering's amendment")

    await _elect_delegate(southwark, call.id)
    # the committee's meeting follows the credential in Southwark's log

    committee_opens = datetime.fromtimestamp(_day_at(8, 18) / 1000, UTC)
    meeting = await bodies.call_meeting(southwark.node, "national-committee", bodies.CallMeeting(
        title="National committee: preparing the first conference", opens=committee_opens,
        closes=committee_opens + timedelta(hours=2), items=[bodies.MeetingItem(
            action="statement", text="Every group is asked to elect its delegates and send "
            "its motions to the first national conference in good time.")]))
    await everywhere(services, lambda s: meeting.id in s.rules(Bodies).meetings,
                     "the national committee's meeting")


async def _elect_delegate(southwark: Group, conference: str) -> None:
    """Southwark's general meeting elects its one delegate (K5: 31 members, one per started
    250) and publishes the credential."""
    ids = southwark.ids
    election = await elections.open_election(southwark.node, CLI, southwark.meeting,
                                             elections.OpenElection(conference, 1))
    for name, by in (("Ann Archer", "Ben Baker"), ("Maya Patel", "Ruth Green")):
        await elections.nominate(southwark.node, CLI, election.id, elections.Nominate(
            candidate=ids[name], display_name=name, nominated_by=ids[by]))
        await elections.accept(southwark.node, CLI, election.id, ids[name],
                               elections.AcceptNomination())
    # a teller enters the paper ballots of those who voted
    for voter, choice in (("Sam Okafor", "Ann Archer"), ("Chris Doyle", "Ann Archer"),
                          ("Ben Baker", "Ann Archer"), ("Ruth Green", "Maya Patel"),
                          ("Kemi Ogundipe", "Ann Archer"), ("Sean Murphy", "Maya Patel")):
        await elections.cast_ballot(southwark.node, CLI, election.id, elections.CastBallot(
            approvals=[ids[choice]], voter=ids[voter]))
    await elections.count(southwark.node, CLI, election.id)
    await elections.publish(southwark.node, CLI, election.id)
