"""A network run by committees: real nodes whose founding constitution seats interim members.

`Committee` wraps the cluster with what the tests of bodies do: call a meeting
and vote through each group's own API, let days pass on every node's network
clock at once, and wait until the network has witnessed a moment passing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from groupnet import clock
from groupnet.network.constitution import Founding
from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.service import Service
from groupnet.wire.messages import Seat
from tests.conftest import FAST_ORDERS, Cluster, eventually
from tests.federation.wire import api

GROUPS = ["Southwark", "Havering", "Birmingham", "Leeds"]
HOUR = 3_600_000
# national committee: six of its twelve seats held; arrangements committee: two of five
NATIONAL = {"Southwark": ["nc-1", "nc-2"], "Havering": ["nc-3"], "Birmingham": ["nc-4"],
            "Leeds": ["nc-5", "nc-6"]}
ARRANGEMENTS = {"Havering": ["cac-1"], "Leeds": ["cac-2"]}


def seats(services: list[Service], national: dict = NATIONAL,
          arrangements: dict = ARRANGEMENTS) -> list[Seat]:
    by_name = {s.node.config.name: s.node.id for s in services}
    return [Seat(body, by_name[group], holder, f"{holder.upper()} of {group}")
            for body, table in (("national-committee", national),
                                ("arrangements-committee", arrangements))
            for group, holders in table.items() for holder in holders]


def interim(days: int = 120):
    def make(services: list[Service]) -> Founding:
        return Founding(default(FAST_ORDERS), seats(services), interim_days=days)
    return make


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


@dataclass
class Answer:
    status: int
    body: dict

    @property
    def code(self) -> str | None:
        return self.body.get("error", {}).get("code")

    @property
    def reason(self) -> str:
        return self.body["error"]["reason"]


@dataclass
class Committee:
    cluster: Cluster
    services: list[Service]

    def __getitem__(self, name: str) -> Service:
        return next(s for s in self.services if s.node.config.name == name)

    def token(self, name: str) -> str:
        return self.cluster.tokens[self.cluster.services.index(self[name])]

    def now(self) -> int:
        """The network clock (every node's is the same, as tests move them together)."""
        return clock.now_ms()

    async def call(self, name: str, method: str, path: str, json: object = None) -> Answer:
        status, body = await api(method, self[name].node.config.url + path, self.token(name),
                                 json=json)
        return Answer(status, body)

    async def meeting(self, name: str, body: str = "national-committee", *,
                      items: list[dict], opens: int | None = None,
                      closes: int | None = None, title: str = "Meeting") -> Answer:
        """Call a meeting through `name`'s API: by default with 7 days' notice and an hour."""
        opens = opens if opens is not None else self.now() + 7 * DAY_MS + HOUR
        closes = closes if closes is not None else opens + HOUR
        return await self.call(name, "POST", f"/api/v1/bodies/{body}/meetings", {
            "title": title, "opens": iso(opens), "closes": iso(closes), "items": items})

    async def vote(self, name: str, meeting: str, item: int, vote: str,
                   holder: str | None = None, body: str = "national-committee") -> Answer:
        payload: dict = {"item": item, "vote": vote}
        if holder:
            payload["holder"] = holder
        return await self.call(name, "POST", f"/api/v1/bodies/{body}/meetings/{meeting}/votes",
                               payload)

    async def everywhere(self, check, what: str) -> None:
        await eventually(lambda: all(check(s.node.state) for s in self.services), what=what)

    async def witnessing(self) -> None:
        """Wait until every node holds a witness signed by every member: from then on a
        deadline has its witnesses (SPEC 5.5)."""
        def every_member_witnessed(state) -> bool:
            return all(any(state.first_witnessed(w, a, 1) is not None
                           for a in state.members if a != w) for w in state.members)
        await self.everywhere(every_member_witnessed, "every member to have witnessed")

    async def held_everywhere(self, entry: str) -> None:
        await self.everywhere(lambda state: entry in state.rules(Bodies).meetings
                              or any(v.id == entry for votes in state.rules(Bodies).votes.values()
                                     for v in votes.values()), f"entry {entry[:8]} everywhere")

    async def witnessed_by(self, name: str, seq: int, ts: int, deadline: int) -> None:
        """Wait until every node agrees `name`'s entry arrived by `deadline` (witnessed)."""
        author = self[name].node.id
        await self.everywhere(
            lambda state: state.arrived_before_deadline(author, seq, ts, deadline) is True,
            f"seq {seq} of {name} witnessed by {deadline}")

    async def network_passes(self, moment: int) -> None:
        """Move every clock past `moment`, a moment a meeting waits on: with no news at all,
        every node signs a witness once it has passed (SPEC 5.5), and the network passes it."""
        if self.now() <= moment:
            self.cluster.time_passes(moment - self.now() + 60_000)
        await self.everywhere(lambda state: state.deadline_passed(moment),
                              "the network to pass the moment")

    async def decided_everywhere(self, meeting: str, status: str, reason: str,
                                 index: int = 0) -> None:
        """Wait until every node's API shows the item decided so (it may be pending first:
        witnessed time is not known at once), then check it stays so."""
        async def decided() -> bool:
            for service in self.services:
                item = await self.decision(service.node.config.name, meeting, index)
                if item["status"] == "pending":
                    return False
                assert (item["status"], item["reason"]) == (status, reason), \
                    service.node.config.name
            return True
        await eventually(decided, what=f"every node to decide item {index}: {status}")

    async def decision(self, name: str, meeting: str, index: int = 0,
                       body: str = "national-committee") -> dict:
        answer = await self.call(name, "GET", f"/api/v1/bodies/{body}/meetings/{meeting}")
        assert answer.status == 200, answer.body
        return answer.body["items"][index]


@pytest.fixture
async def committee(cluster) -> Committee:
    """Four groups; the founding constitution seats six on the national committee, two on
    the arrangements committee, for 120 days."""
    services = await cluster.form(len(GROUPS), names=GROUPS, founding=interim())
    await cluster.converged()
    committee = Committee(cluster, services)
    await committee.witnessing()
    return committee
