"""A body's meetings on real nodes: called with notice, voted by the seat holders' own groups,
decided by witnessed time, the same on every node."""

from __future__ import annotations

from groupnet.procedure.network.constitution import DAY_MS
from tests.governance.conftest import HOUR


async def open_meeting(committee, items: list[dict], name: str = "Southwark"):
    """A meeting called through `name`'s API with 7 days' notice, witnessed in time, open now."""
    called = await committee.meeting(name, items=items)
    assert called.status == 201, called.body
    meeting = called.body["meeting"]
    await committee.held_everywhere(meeting["id"])
    await committee.witnessed_by(name, called.body["seq"], meeting["called_at"],
                                 meeting["opens"] - 7 * DAY_MS)
    committee.cluster.time_passes(meeting["opens"] - committee.now() + 60_000)
    return meeting


async def vote(committee, name: str, meeting: dict, item: int, choice: str,
               holder: str | None = None) -> None:
    answer = await committee.vote(name, meeting["id"], item, choice, holder)
    assert answer.status == 201, answer.body
    await committee.held_everywhere(answer.body["entry"])
    cast = next(v for v in answer.body["meeting"]["items"][item]["votes"]
                if v["entry"] == answer.body["entry"])
    await committee.witnessed_by(name, answer.body["seq"], cast["ts"], meeting["closes"])


async def test_a_quorate_committee_carries_a_statement_and_every_node_agrees(committee):
    meeting = await open_meeting(committee, [
        {"action": "statement", "text": "The network supports the delegate conference."},
        {"action": "statement", "text": "The network wants a new steering committee."}])
    assert (await committee.decision("Leeds", meeting["id"]))["status"] == "pending"
    await vote(committee, "Southwark", meeting, 0, "for", "nc-1")
    await vote(committee, "Southwark", meeting, 0, "for", "nc-2")
    await vote(committee, "Havering", meeting, 0, "for")
    await vote(committee, "Leeds", meeting, 0, "against", "nc-5")
    await vote(committee, "Birmingham", meeting, 1, "for")
    await committee.network_passes(meeting["closes"])
    for name in ("Southwark", "Havering", "Birmingham", "Leeds"):
        carried = await committee.decision(name, meeting["id"], 0)
        assert carried["status"] == "carried", carried
        assert carried["reason"] == ("B4: carried, 3 for, 1 against (more for than against), "
                                     "4 of 6 seats voting")
        fell = await committee.decision(name, meeting["id"], 1)
        assert (fell["status"], fell["reason"]) == (
            "fell", "B4: not quorate: 1 of 6 seats voted, 3 needed (50%)")
    await committee.cluster.converged()


async def test_a_seat_votes_once_and_only_its_own_group_casts_its_vote(committee):
    meeting = await open_meeting(committee, [{"action": "statement", "text": "Solidarity."}])
    await vote(committee, "Leeds", meeting, 0, "for", "nc-5")
    twice = await committee.vote("Leeds", meeting["id"], 0, "against", "nc-5")
    assert (twice.status, twice.code, twice.reason) == (
        422, "duplicate_vote", "V2: each seat votes once on an item")
    other = await committee.vote("Havering", meeting["id"], 0, "for", "nc-5")
    assert (other.status, other.code) == (422, "not_seated")
    assert other.reason == "V2: `nc-5` holds no seat on `national-committee` for this group"
    ambiguous = await committee.vote("Southwark", meeting["id"], 0, "for")
    assert (ambiguous.status, ambiguous.code) == (400, "bad_request")
    assert "holds 2 seats on `national-committee` (nc-1, nc-2)" in ambiguous.reason
    await committee.network_passes(meeting["closes"])
    decided = await committee.decision("Birmingham", meeting["id"])
    assert (decided["votes_for"], decided["votes_against"]) == (1, 0)
    assert [v["holder"] for v in decided["votes"]] == ["nc-5"]


async def test_a_vote_after_the_meeting_closed_is_refused_and_one_before_it_opened_too(
        committee):
    called = await committee.meeting("Havering", items=[{"action": "statement", "text": "x"}])
    assert called.status == 201, called.body
    meeting = called.body["meeting"]
    await committee.held_everywhere(meeting["id"])
    early = await committee.vote("Leeds", meeting["id"], 0, "for", "nc-5")
    assert (early.status, early.code, early.reason) == (
        422, "outside_meeting", "V2: a vote is cast while the meeting is open")
    committee.cluster.time_passes(meeting["closes"] - committee.now() + HOUR)
    late = await committee.vote("Leeds", meeting["id"], 0, "for", "nc-5")
    assert (late.status, late.code) == (422, "outside_meeting")
