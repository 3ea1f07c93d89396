"""A conference over real nodes for the conference pages' tests.

Southwark founds the network under a constitution whose arrangements committee
and national committee have one seat each, held by one of Southwark's people;
Havering joins. Each group
commits its register; each group's meetings carry motions through the API, as
its officers would.
"""

from __future__ import annotations

import aiohttp
import msgspec

from groupnet import clock
from groupnet.network import joining as network
from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.web.auth import SESSION_COOKIE, csrf_token_for
from groupnet.wire.messages import (
    BodyItem,
    BodyMeeting,
    BodyVote,
    EntryRef,
    NetworkConstitution,
    Profile,
    Seat,
)
from tests.conftest import FAST_ORDERS, Cluster, eventually
from tests.web.conftest import PASSWORD, Site, email_of, with_mail

COMMITTEE = "arrangements-committee"
NATIONAL = "national-committee"


async def conference_network(cluster: Cluster, http: aiohttp.ClientSession,
                             mail_server, elected_seats: int = 0) -> list[Site]:
    """Southwark (holding the committee's one seat) and Havering, in one network, each
    sending its notices through the (local) mail server. With `elected_seats`, the
    conference elects the national committee's seats, at least half of them for women."""
    southwark = await cluster.add("Southwark")
    havering = await cluster.add("Havering")
    await network.found(southwark.node, "Conference Network", FAST_ORDERS)
    constitution = default(FAST_ORDERS)
    if elected_seats:
        constitution = msgspec.structs.replace(constitution, bodies=[
            msgspec.structs.replace(b, seats=elected_seats, elected=True, balance="woman")
            if b.id == NATIONAL else b for b in constitution.bodies])
    await southwark.node.append("network.constitution", NetworkConstitution(
        constitution, [Seat(COMMITTEE, southwark.node.id, "ann", "Ann"),
                               Seat(NATIONAL, southwark.node.id, "ann", "Ann")],
        clock.now_ms() + 150 * DAY_MS))
    await network.admit(southwark.node, southwark.client, havering.node.config.url)
    await network.join(havering.node, havering.client, southwark.node.config.url)
    await havering.outbox.refresh()
    await southwark.outbox.refresh()
    await cluster.converged()
    for service in (southwark, havering):
        with_mail(service, mail_server)
    return [Site(southwark, cluster.tokens[0], http, mail_server[0]),
            Site(havering, cluster.tokens[1], http, mail_server[0])]


async def members(site: Site, count: int) -> list[str]:
    """`count` active members without passwords (they are counted, not signed in)."""
    return [await site.member(f"{site.node.config.name} Member {i:02}", password=None)
            for i in range(count)]


async def carried_at_a_meeting(site: Site, motions: list[tuple[str, str, bool]],
                               kind: str = "annual", days: int = 29) -> dict:
    """A meeting of the group decides `motions` (title, text, carried?); its id and theirs."""
    people = await members(site, 6)
    meeting = await site.api("POST", "/api/v1/meetings", {
        "kind": kind, "starts_at": iso(clock.now(site.node) + days * DAY_MS),
        "place": "Trades Hall", "agenda": ["Motions to conference", "Delegates"]})
    made = [await site.api("POST", f"/api/v1/meetings/{meeting['id']}/motions", {
        "title": title, "text": text, "proposer": people[0], "seconder": people[1]})
        for title, text, _ in motions]
    clock.advance(site.node, days * DAY_MS + 60_000)
    await site.api("POST", f"/api/v1/meetings/{meeting['id']}/attendance",
                   {"present": people})
    for motion, (_, _, carried) in zip(made, motions, strict=True):
        hands = (5, 1, 0) if carried else (1, 5, 0)
        await site.api("POST", f"/api/v1/motions/{motion['id']}/decision", {
            "show_of_hands": dict(zip(("in_favour", "against", "abstentions"), hands,
                                      strict=True))})
    return {"meeting": meeting["id"], "motions": [m["id"] for m in made], "people": people}


async def elect_delegate(site: Site, meeting: int, conference: str, people: list[str]) -> int:
    """The meeting elects one delegate to `conference` (its id as the conference)."""
    election = await site.api("POST", f"/api/v1/meetings/{meeting}/elections",
                              {"conference": conference, "seats": 1})
    base = f"/api/v1/elections/{election['id']}"
    await site.api("POST", base + "/nominations", {
        "candidate": people[2], "display_name": "Dee D.", "nominated_by": people[3]})
    await site.api("POST", base + f"/nominations/{people[2]}/acceptance", {})
    for voter in people:
        await site.api("POST", base + "/ballots", {"approvals": [people[2]], "voter": voter})
    await site.api("POST", base + "/count")
    return election["id"]


async def commit_register(site: Site) -> None:
    await site.api("POST", "/api/v1/register/commitments", {})


def iso(ms: int) -> str:
    from datetime import UTC, datetime
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def field_time(ms: int) -> str:
    """A moment as a datetime-local field takes it (UTC)."""
    from datetime import UTC, datetime
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M")


class Visitor:
    """A member's browser without a browser: their session cookie and the pages' token."""

    def __init__(self, site: Site, token: str | None) -> None:
        self.site = site
        self.http = aiohttp.ClientSession(
            cookies={SESSION_COOKIE: token} if token else None)
        self.csrf = csrf_token_for(token) if token else ""

    @classmethod
    async def signed_in(cls, site: Site, name: str) -> Visitor:
        async with site.http.post(site.url + "/api/v1/session", json={
                "email": email_of(name), "password": PASSWORD}) as response:
            assert response.status < 300, await response.text()
            token = (await response.json())["token"]
        return cls(site, token)

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.site.url + path, allow_redirects=False) as response:
            return response.status, await response.text()

    async def post(self, path: str, form: dict) -> tuple[int, str]:
        async with self.http.post(self.site.url + path, data={**form, "csrf": self.csrf},
                                  allow_redirects=False) as response:
            return response.status, await response.text()

    async def close(self) -> None:
        await self.http.close()


async def seen_everywhere(sites: list[Site], check, what: str) -> None:
    await eventually(lambda: all(check(s.node) for s in sites), 30, what)


HOUR_MS = 3_600_000


async def committee_decides(southwark: Site, sites: list[Site], items: list[BodyItem],
                            body: str = COMMITTEE, notice_days: int = 2) -> str:
    """A committee (the arrangements committee unless `body`) meets with its notice and
    decides `items` (see `committee_votes`); the meeting's id."""
    opens = clock.now_ms() + notice_days * DAY_MS + 10 * 60_000
    meeting = await southwark.node.append("body.meeting", BodyMeeting(
        body, "Committee meeting", opens, opens + 2 * HOUR_MS, items))
    await committee_votes(southwark, sites, [meeting.id], notice_days)
    return meeting.id


async def committee_votes(southwark: Site, sites: list[Site], meeting_ids: list[str],
                          notice_days: int = 2) -> None:
    """Once every node has witnessed the meetings' notice, the network's clocks pass their
    opening, Ann (Southwark's seat) votes for every item, the meetings close and every
    node counts the decisions carried.

    Days pass for the whole network (`clock.advance_everyone`): a test that calls this
    restores the clock afterwards (monkeypatch)."""
    node = southwark.node
    held = [node.state.rules(Bodies).meetings[m] for m in meeting_ids]
    await seen_everywhere(sites, lambda n: all(n.state.arrived_before_deadline(
        m.author, m.seq, m.ts, m.body.opens - notice_days * DAY_MS) is True for m in held),
        "the committee's notice witnessed")
    clock.advance_everyone(max(m.body.opens for m in held) - clock.now_ms() + 60_000)
    votes = [(m, await node.append("body.vote", BodyVote(
        EntryRef(m.author, m.id, node.state.head_of(m.author).seq), index, "ann", "for")))
        for m in held for index in range(len(m.body.items))]
    await seen_everywhere(sites, lambda n: all(n.state.arrived_before_deadline(
        v.author, v.seq, v.ts, m.body.closes) for m, v in votes), "the votes counted")
    clock.advance_everyone(max(m.body.closes for m in held) - clock.now_ms() + 60_000)
    await days_pass(sites, 0.1)
    await seen_everywhere(sites, lambda n: all(
        d.status == "carried" for d in n.state.rules(Bodies).decisions(n.state)
        if d.meeting in meeting_ids), "the decisions carried")


async def days_pass(sites: list[Site], days: float) -> None:
    """Days pass for the whole network; every group then writes, so each witnesses the
    others anew, later than before."""
    clock.advance_everyone(int(days * DAY_MS))
    for site in sites:
        await site.node.append("group.profile", Profile(site.node.config.name))
