"""The demo groups' own business: what a newcomer finds on opening `groupnet demo`.

Southwark has a register of 36 members (some lapsed, one resigned), a general
meeting in progress whose notice has run, with 27 present, a motion carried
there and shared with the network, another with an amendment waiting to be
voted on, a draft seeking co-sponsors, and a due-process case in its reply
window. Havering has a smaller register and its own meeting, which adopted
Southwark's motion and carried it, so the endorsement on the network carries
Havering's own count.

Everything is made with the steps the pages, the API and the command line
take (the register's import, calling a meeting, passing its notices on,
attendance, motions, votes, sharing, adoption, charges), acting as the node's
operator (`cli` in the audit trail), never by writing to the database. A
meeting can decide nothing until its notice has run (7 days, standing order
1.1), so once the notices are out the demo moves each node's business clock
on by `NOTICE_RUNS`, as the tests do (`groupnet/clock.py`): the demo groups'
business runs about a week ahead of the wall clock.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from .. import clock
from ..group import adoption, cases, mail, meetings, motions, register, register_import, signin
from ..group.people import CLI
from ..network import sharing
from ..network.node import Node
from ..procedure.group.standing_orders import DAY_MS, HOUR_MS
from ..service import Service
from ..store import register as register_store

# The meeting starts a quarter of an hour after a week's notice; the clock moves on past it.
STARTS_AFTER = 7 * DAY_MS + HOUR_MS // 4
NOTICE_RUNS = 7 * DAY_MS + HOUR_MS // 2
# The password of the demo members who can sign in (printed by `groupnet demo`).
PASSWORD = "demo-password"
SIGNED_UP = ("Sam Okafor", "Chris Doyle", "Ann Archer")

COLUMNS = "name,email,phone,area,postcode,joined,status,roles"
# name, area, postcode, joined, status, roles; phone numbers are Ofcom's drama numbers
SOUTHWARK = [
    ("Sam Okafor", "Bermondsey", "SE16 3RW", "2014-03-11", "", "secretary"),
    ("Chris Doyle", "Walworth", "SE17 1JE", "2012-09-04", "", "chair"),
    ("Tess Nowak", "Peckham", "SE15 5DQ", "2016-01-19", "", "treasurer"),
    ("Ann Archer", "Walworth", "SE17 2AB", "2016-01-10", "", ""),
    ("Ben Baker", "Peckham", "SE15 4ST", "2016-02-11", "", ""),
    ("Bola Adeyemi", "Camberwell", "SE5 8QZ", "2017-05-02", "", ""),
    ("Cat Cole", "Bermondsey", "SE1 3XF", "2017-06-21", "", ""),
    ("Dev Desai", "Rotherhithe", "SE16 5EU", "2018-11-30", "", ""),
    ("Eve Evans", "Bermondsey", "SE1 2UP", "2019-06-01", "", ""),
    ("Fay Fox", "Peckham", "SE15 6TE", "2021-09-14", "", ""),
    ("Gus Gray", "Camberwell", "SE5 7HN", "2015-04-08", "", ""),
    ("Hana Kowalski", "Walworth", "SE17 3TD", "2020-02-27", "", ""),
    ("Ibrahim Hassan", "Peckham", "SE15 3AZ", "2013-10-15", "", ""),
    ("Ida Ives", "Rotherhithe", "SE16 7LL", "2018-03-03", "", ""),
    ("Jo Jones", "Walworth", "SE17 1RT", "2019-01-12", "", ""),
    ("Kemi Ogundipe", "Camberwell", "SE5 0HF", "2016-07-30", "", ""),
    ("Kit King", "Bermondsey", "SE1 4YB", "2022-05-05", "", ""),
    ("Lee Lowe", "Walworth", "SE17 2AB", "2024-01-31", "", ""),
    ("Maya Patel", "Peckham", "SE15 2PA", "2015-11-22", "", ""),
    ("May Moss", "Camberwell", "SE5 8QZ", "2023-04-03", "", ""),
    ("Ned Nash", "Rotherhithe", "SE16 2XU", "2022-03-01", "", ""),
    ("Niamh Byrne", "Bermondsey", "SE16 4DG", "2017-08-19", "", ""),
    ("Oli Orr", "Rotherhithe", "SE16 3UA", "2019-05-06", "", ""),
    ("Pat Park", "Walworth", "SE17 3HW", "2020-10-10", "", ""),
    ("Priya Shah", "Camberwell", "SE5 9RS", "2014-12-01", "", ""),
    ("Rosa Lima", "Peckham", "SE15 1NL", "2021-02-14", "", ""),
    ("Ruth Green", "Bermondsey", "SE1 5LJ", "2012-04-28", "", ""),
    ("Sean Murphy", "Walworth", "SE17 1LB", "2013-06-09", "", ""),
    ("Tom Reid", "Camberwell", "SE5 7AD", "2018-09-17", "", ""),
    ("Una Quinn", "Rotherhithe", "SE16 6PR", "2016-03-26", "", ""),
    ("Vic Stone", "Peckham", "SE15 4QF", "2019-11-02", "", ""),
    ("Wes Hall", "Bermondsey", "SE16 3LP", "2015-02-13", "lapsed", ""),
    ("Yusuf Ali", "Walworth", "SE17 2HS", "2017-01-07", "lapsed", ""),
    ("Zoe Clark", "Peckham", "SE15 5JT", "2018-06-23", "lapsed", ""),
    ("Marek Zielinski", "Rotherhithe", "SE16 7BN", "2020-07-11", "lapsed", ""),
    ("Grace Mensah", "Camberwell", "SE5 9NU", "2014-05-18", "resigned", ""),
]
HAVERING = [
    ("Dawn Ellis", "Romford", "RM1 3ER", "2013-02-02", "", "secretary"),
    ("Ray Turner", "Hornchurch", "RM11 1QT", "2011-05-14", "", "chair"),
    ("Amir Khan", "Romford", "RM7 0AP", "2016-09-09", "", "treasurer"),
    ("Bev Saunders", "Upminster", "RM14 2BB", "2015-03-21", "", ""),
    ("Carl Price", "Romford", "RM1 4JJ", "2018-08-08", "", ""),
    ("Donna Walsh", "Hornchurch", "RM12 4UN", "2019-10-30", "", ""),
    ("Errol Grant", "Romford", "RM3 9AA", "2014-11-11", "", ""),
    ("Femi Bello", "Harold Hill", "RM3 8SR", "2020-01-25", "", ""),
    ("Gail Foster", "Upminster", "RM14 1AL", "2012-07-04", "", ""),
    ("Harry Lund", "Hornchurch", "RM11 3PS", "2017-04-16", "", ""),
    ("Irene Cho", "Romford", "RM2 6XH", "2021-06-06", "", ""),
    ("Jack Neal", "Harold Hill", "RM3 7LB", "2016-12-12", "", ""),
    ("Kath Moran", "Hornchurch", "RM12 6TH", "2013-08-20", "lapsed", ""),
    ("Liam Doherty", "Romford", "RM7 9QD", "2022-02-22", "", ""),
]


def email_of(name: str, group: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{group.lower()}.example"


def _register_csv(people: list[tuple[str, ...]], group: str) -> str:
    lines = [COLUMNS]
    for i, (name, area, postcode, joined, status, roles) in enumerate(people):
        phone = f"020 7946 0{i:03}" if i % 3 else f"07700 900{i:03}"
        lines.append(",".join((name, email_of(name, group), phone, area, postcode, joined,
                               status, roles)))
    return "\n".join(lines) + "\n"


@dataclass
class Group:
    """One demo group's node and its members' ids by name."""

    node: Node
    name: str
    ids: dict[str, str]
    meeting: int = 0


async def _register(node: Node, people: list[tuple[str, ...]], group: str) -> Group:
    report = await register_import.import_csv(node, CLI, _register_csv(people, group),
                                              skip_invalid=False)
    assert report.imported == len(people), report
    ids = {}
    for name, *_ in people:
        member = await register_store.find_by_email(node.db, email_of(name, group))
        ids[name] = member.member_id
    return Group(node, group, ids)


async def _sign_up(group: Group, name: str) -> None:
    """The member chooses a password with their invitation, as from its link."""
    issued = await register.issue_link(group.node, CLI, group.ids[name], "invitation")
    token = issued.link.split("token=", 1)[1]
    await signin.accept_link(group.node, token, "invitation", PASSWORD, "127.0.0.1")


async def _call_meeting(group: Group, place: str, agenda: list[str], called_by: str) -> None:
    """Call a general meeting a week and a quarter of an hour ahead, and pass its notices on
    (the demo nodes have no mail server)."""
    starts = datetime.fromtimestamp((clock.now(group.node) + STARTS_AFTER) / 1000, UTC)
    view = await meetings.call(group.node, CLI, meetings.CallMeeting(
        kind="general", starts_at=starts, agenda=agenda, place=place,
        called_by=group.ids[called_by]))
    group.meeting = view.id
    for notice in await mail.waiting(group.node.db):
        if notice.kind == "meeting":
            await mail.pass_on(group.node, notice.id, CLI.audit)


async def _motion(group: Group, title: str, text: str, proposer: str, seconder: str) -> int:
    view = await motions.submit(group.node, CLI, group.meeting, motions.SubmitMotion(
        title=title, text=text, proposer=group.ids[proposer], seconder=group.ids[seconder]))
    return view.id


async def _attend(group: Group, absent: tuple[str, ...]) -> None:
    """Every active member but the `absent` signs the attendance sheet."""
    away = {group.ids[name] for name in absent}
    present = [m.member_id for m in await register_store.all_members(group.node.db, "active")
               if m.member_id not in away]
    await meetings.attend(group.node, CLI, group.meeting,
                          meetings.RecordAttendance(present=present))


async def _hands(group: Group, motion: int, in_favour: int, against: int,
                 abstentions: int) -> None:
    await motions.put_to_vote(group.node, CLI, motion, motions.PutToVote(
        show_of_hands=motions.HandsCount(in_favour, against, abstentions)))


async def _arrived(node: Node, motion_id: str, seconds: float = 30.0) -> None:
    for _ in range(int(seconds * 20)):
        if motion_id in node.state.motions.motions:
            return
        await asyncio.sleep(0.05)
    raise SystemExit(f"error: the shared motion {motion_id} did not reach {node.config.name}")


async def _endorsed(node: Node, motion_id: str, by: str, seconds: float = 30.0) -> None:
    for _ in range(int(seconds * 20)):
        motion = node.state.motions.motions.get(motion_id)
        if motion and any(e.group == by for e in motion.endorsements):
            return
        await asyncio.sleep(0.05)
    raise SystemExit(f"error: the endorsement did not reach {node.config.name}")


async def set_up_business(services: list[Service]) -> None:
    """Give the demo groups their registers, meetings, motions, shared motions and a case."""
    southwark = await _register(services[0].node, SOUTHWARK, "southwark")
    for name in SIGNED_UP:
        await _sign_up(southwark, name)
    await _call_meeting(southwark, "Bermondsey Village Hall, 2 Spa Road, SE16",
                        ["Apologies", "Minutes of the last meeting", "Motions",
                         "Any other business"], "Sam Okafor")
    conference = await _motion(
        southwark, "Keep the delegate conference",
        "This branch calls for the delegate conference to go ahead as the elected committees "
        "decided, with motions from local groups and amendments.", "Ann Archer", "Ben Baker")
    strike = await _motion(
        southwark, "Support the bin workers' strike",
        "This branch supports the bin workers' strike for a fair pay rise.",
        "Maya Patel", "Sean Murphy")
    database = await _motion(
        southwark, "Open the membership database to the groups",
        "Each local group should hold its own member register; no single person or company "
        "should hold everyone's data.", "Ruth Green", "Priya Shah")
    await motions.amend(southwark.node, CLI, strike, motions.ProposeAmendment(
        text="This branch supports the bin workers' strike for a fair pay rise, and will "
        "collect for their strike fund at every meeting until it is won.",
        mover=southwark.ids["Ibrahim Hassan"], seconder=southwark.ids["Kemi Ogundipe"]))

    havering = None
    if len(services) > 1:
        havering = await _register(services[1].node, HAVERING, "havering")
        await _call_meeting(havering, "Romford Community Hall, Laurie Square",
                            ["Apologies", "Motions from other groups", "Any other business"],
                            "Dawn Ellis")

    # A week passes at Southwark: its meeting has started, its notice has run.
    clock.advance(southwark.node, NOTICE_RUNS)
    await _attend(southwark, ("Fay Fox", "Priya Shah", "Tom Reid", "Una Quinn"))
    await _hands(southwark, conference, 21, 4, 2)
    shared = await adoption.share_local(southwark.node, conference, ["democracy", "conference"])
    draft = await adoption.share_local(southwark.node, database, ["democracy", "membership"])
    await _charge(southwark)

    if havering is not None:
        await _arrived(havering.node, shared.id)
        await _arrived(havering.node, draft.id)
        # Havering puts Southwark's motion to its own meeting, a week ahead
        local = await adoption.adopt(havering.node, CLI, shared.id, havering.meeting,
                                     seconder=havering.ids["Bev Saunders"],
                                     proposer=havering.ids["Ray Turner"])
        await sharing.cosponsor(havering.node, draft.id)
        clock.advance(havering.node, NOTICE_RUNS)
        await _attend(havering, ("Jack Neal",))
        await _hands(havering, local.id, 9, 2, 1)
    for service in services[1:]:
        await _arrived(service.node, shared.id)
    if len(services) > 2:
        await sharing.amend(
            services[2].node, shared.id,
            "This branch calls for the delegate conference to go ahead as the elected "
            "committees decided, with motions and amendments from local groups, and for its "
            "standing orders to be published six weeks before.",
            "add notice of the standing orders")
    if havering is not None:
        for service in services:
            await _endorsed(service.node, shared.id, havering.node.id)


async def _charge(group: Group) -> None:
    """A charge with its evidence disclosed: the member's reply window is open."""
    view = await cases.charge(group.node, CLI, cases.BringCharge(
        member=group.ids["Vic Stone"], rule="Standing order 8.2: conduct at meetings",
        particulars="At the committee meeting of 4 March, shouted down the chair and refused "
        "to let the minutes be read.", brought_by=group.ids["Chris Doyle"]))
    await cases.add_evidence(group.node, CLI, view.id, cases.AddEvidence(
        description="Minutes of the committee meeting of 4 March, item 6",
        given_by=group.ids["Tess Nowak"]))
    await cases.disclose(group.node, CLI, view.id)
    for notice in await mail.waiting(group.node.db):
        if notice.kind == "due_process":
            await mail.pass_on(group.node, notice.id, CLI.audit)
