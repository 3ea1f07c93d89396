"""Motions travel between groups, and every node shows the same picture."""

from __future__ import annotations

import aiohttp

from groupnet.config import KEY_FILE
from groupnet.network import joining, sharing
from groupnet.wire import crypto, messages

from ..conftest import eventually

ADOPTED = {"meeting": "General meeting", "date": "2017-01-11",
           "tally": {"in_favour": 17, "against": 10, "abstentions": 1, "attendance": 28}}


def tally(n: int) -> dict:
    return {"meeting": f"Branch meeting {n}", "date": "2017-02-01",
            "tally": {"in_favour": 10 + n, "against": n, "abstentions": 1,
                      "attendance": 12 + 2 * n}}


async def api(http: aiohttp.ClientSession, service, token: str, method: str, path: str,
              body: dict | None = None) -> tuple[int, dict]:
    async with http.request(method, service.node.config.url + path, json=body,
                            headers={"Authorization": f"Bearer {token}"}) as response:
        return response.status, await response.json()


async def test_ten_nodes_share_adopt_amend_and_withdraw_and_all_converge(cluster):
    services = await cluster.form(10)
    tokens = cluster.tokens
    offline = services[9]
    offline_dir = offline.node.directory
    await cluster.converged()
    await cluster.stop(offline)
    live = services[:9]
    sharer = live[0]
    async with aiohttp.ClientSession() as http:
        status, shared = await api(http, sharer, tokens[0], "POST", "/api/v1/network/motions", {
            "title": "Keep the delegate conference",
            "text": "This branch calls for the February delegate conference to go ahead.",
            "topics": ["democracy", "conference"], "adopted": ADOPTED, "local": "motion 3"})
        assert status == 201, shared
        motion_id = shared["entry"]
        status, other = await api(http, live[8], tokens[8], "POST", "/api/v1/network/motions", {
            "title": "A motion later withdrawn", "text": "Text.", "topics": ["misc"]})
        assert status == 201
        await eventually(lambda: all(motion_id in s.node.state.motions.motions and
                                     other["entry"] in s.node.state.motions.motions
                                     for s in live), what="both motions everywhere")
        for i in range(1, 6):
            status, answer = await api(
                http, live[i], tokens[i], "POST",
                f"/api/v1/network/motions/{motion_id}/endorsements", {"adoption": tally(i)})
            assert status == 201, answer
        for i in (6, 7):
            status, answer = await api(
                http, live[i], tokens[i], "POST",
                f"/api/v1/network/motions/{motion_id}/amendments",
                {"text": f"Amended text from group {i + 1}.", "reason": "clearer"})
            assert status == 201, answer
        status, answer = await api(
            http, live[8], tokens[8], "POST",
            f"/api/v1/network/motions/{other['entry']}/withdrawal", {"reason": "superseded"})
        assert status == 201, answer
        await cluster.converged(live)

        status, seen = await api(http, live[4], tokens[4], "GET",
                                 f"/api/v1/network/motions/{motion_id}")
        assert status == 200
        assert seen["group"]["name"] == "Group 1"
        assert seen["adopted"]["tally"]["in_favour"] == 17
        assert sorted(e["group"]["name"] for e in seen["endorsement_list"]) == [
            f"Group {i}" for i in range(2, 7)]
        assert len(seen["amendment_list"]) == 2
        status, feed = await api(http, live[2], tokens[2], "GET",
                                 "/api/v1/network/motions?state=withdrawn")
        assert [m["id"] for m in feed["motions"]] == [other["entry"]]

    restarted = await cluster.start(offline_dir)
    # not the hash the nine had: the restarted node witnesses what it missed (N5)
    await cluster.converged()
    motion = restarted.node.state.motions.motions[motion_id]
    assert len(motion.endorsements) == 5


async def test_bad_responses_to_a_motion_are_refused_alike_by_every_node(cluster):
    a, b, c = await cluster.form(3)
    shared = await sharing.share(a.node, "Open selections", "Text.", ["selections"], ADOPTED)
    withdrawn = await sharing.share(a.node, "Old motion", "Old.", [], None)
    await sharing.withdraw(a.node, withdrawn.id, "superseded")
    await cluster.converged()
    key = crypto.load_key(b.node.directory / KEY_FILE)
    head = b.node.state.head_of(b.node.id)
    a_seq = b.node.state.head_of(a.node.id).seq

    def forged(body, kind="motion.endorsed"):
        return messages.build(key, b.node.state.net, b.node.id, head.seq + 1, head.id,
                              head.ts + 1, kind, body)

    bad = {
        "unknown_motion": forged(messages.MotionEndorsed(
            messages.MotionRef(a.node.id, "cd" * 32, a_seq), 1,
            messages.Adoption("AGM", "2017-01-01", messages.Tally(1, 0, 0, 1)))),
        "tally_exceeds_attendance": forged(messages.MotionEndorsed(
            messages.MotionRef(a.node.id, shared.id, a_seq), 1,
            messages.Adoption("AGM", "2017-01-01", messages.Tally(30, 0, 0, 28)))),
        "motion_withdrawn": forged(messages.MotionAmendment(
            messages.MotionRef(a.node.id, withdrawn.id, a_seq), 1, "New.", "why"),
            "motion.amendment"),
    }
    for code, entry in bad.items():
        for service in (a, b, c):
            before = service.node.state.state_hash()
            (result,) = await service.node.ingest([entry.raw])
            assert (result.status, result.code) == ("rejected", code), service.node.config.name
            assert result.reason
            assert service.node.state.state_hash() == before

    async with aiohttp.ClientSession() as http:
        token = cluster.tokens[1]
        status, answer = await api(http, b, token, "POST",
                                   f"/api/v1/network/motions/{shared.id}/endorsements",
                                   {"adoption": ADOPTED})
        assert status == 201
        status, answer = await api(http, b, token, "POST",
                                   f"/api/v1/network/motions/{shared.id}/endorsements",
                                   {"adoption": ADOPTED})
        assert status == 422
        assert answer["error"]["code"] == "already_endorsed"
        status, answer = await api(http, b, token, "POST",
                                   f"/api/v1/network/motions/{'ef' * 32}/endorsements",
                                   {"adoption": ADOPTED})
        assert (status, answer["error"]["code"]) == (404, "unknown_motion")


async def test_officers_are_notified_of_new_motions_from_followed_groups_and_topics(cluster):
    a, b, c = await cluster.form(3)
    async with aiohttp.ClientSession() as http:
        token = cluster.tokens[2]
        status, _ = await api(http, c, token, "POST", "/api/v1/follows",
                              {"kind": "group", "value": a.node.id})
        assert status == 201
        status, _ = await api(http, c, token, "POST", "/api/v1/follows",
                              {"kind": "topic", "value": "housing"})
        assert status == 201
        await sharing.share(a.node, "From a followed group", "Text.", ["misc"], None)
        await sharing.share(b.node, "On a followed topic", "Text.", ["housing"], None)
        await sharing.share(b.node, "Neither", "Text.", ["misc"], None)
        await cluster.converged()
        status, inbox = await api(http, c, token, "GET", "/api/v1/notifications")
        assert status == 200
        titles = {item["motion"]["title"] for item in inbox["items"]}
        assert titles == {"From a followed group", "On a followed topic"}
        assert inbox["unread"] == 2
        status, inbox = await api(http, c, token, "POST", "/api/v1/notifications/read", {})
        assert inbox["unread"] == 0


async def test_a_motion_shared_before_a_group_joined_reaches_it_on_join(cluster):
    a, b = await cluster.form(2)
    shared = await sharing.share(a.node, "Early motion", "Text.", [], ADOPTED)
    late = await cluster.add("Late group")
    await joining.admit(a.node, a.client, late.node.config.url)
    await joining.join(late.node, late.client, a.node.config.url)
    await late.outbox.refresh()
    await cluster.converged()
    assert shared.id in late.node.state.motions.motions
