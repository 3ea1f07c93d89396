"""`POST /fed/v1/logs`: several authors' logs in one request (SPEC 6.4.1), and pulls through it."""

from __future__ import annotations

import random

import aiohttp
import pytest

from groupnet.federation import sync
from groupnet.network import joining
from groupnet.web import federation
from groupnet.wire.messages import NetworkStandingOrders

from .wire import forge_profile, held, node_key, push

# no witness entries: the logs read must stay still while a test compares them
QUIET = NetworkStandingOrders(witness_interval_seconds=86400)


async def post_logs(url: str, body: object = None, data: bytes | None = None,
                    ) -> tuple[int, bytes | dict, dict]:
    """POST to a node's /fed/v1/logs: (status, NDJSON lines or the refusal, headers)."""
    async with aiohttp.ClientSession() as http, http.post(
        url + "/fed/v1/logs", json=body if data is None else None, data=data,
        headers={"Content-Type": "application/json"},
    ) as response:
        if response.status == 200:
            lines = [line for line in (await response.read()).split(b"\n") if line]
            return response.status, lines, dict(response.headers)
        return response.status, await response.json(), dict(response.headers)


async def get_log(url: str, author: str, after: int) -> list[bytes]:
    async with aiohttp.ClientSession() as http, http.get(
        f"{url}/fed/v1/log/{author}", params={"after": after, "limit": 5000}
    ) as response:
        assert response.status == 200
        return [line for line in (await response.read()).split(b"\n") if line]


async def publish(service, count: int, label: str) -> None:
    for i in range(count):
        await joining.set_profile(service.node, {"area": f"{label} {i}"})


def quiet(service) -> None:
    """No more witnesses from this node (its first comes a second after it joins)."""
    for task in service.tasks:
        if task.get_name() == "witness":
            task.cancel()


@pytest.fixture
async def busy(cluster):
    """Three members that each wrote a few entries, all held everywhere, and quiet."""
    services = await cluster.form(3, QUIET)
    for service in services:
        quiet(service)
    for number, service in enumerate(services):
        await publish(service, 3 + number, f"G{number}")
    await cluster.converged()
    return services


async def test_many_logs_come_in_the_order_asked_each_after_its_own_seq(busy):
    a, b, c = busy
    url = a.node.config.url
    asked = {c.node.id: 1, a.node.id: 0, "unknown-author": 0, b.node.id: 2}
    status, lines, headers = await post_logs(url, {"after": asked, "limit": 5000})
    assert status == 200
    expected = [line for author, seq in asked.items() for line in await get_log(url, author, seq)]
    assert lines == expected and len(lines) > 10
    assert "Groupnet-Logs-Next" not in headers


async def test_an_answer_cut_at_its_limit_says_where_to_go_on_and_the_rest_follows(busy):
    a, b, c = busy
    url = a.node.config.url
    asked = [(b.node.id, 0), (a.node.id, 1), (c.node.id, 0)]
    whole = [line for author, seq in asked for line in await get_log(url, author, seq)]
    gathered: list[bytes] = []
    left = list(asked)
    while True:
        status, lines, headers = await post_logs(url, {"after": dict(left), "limit": 4})
        assert status == 200
        gathered.extend(lines)
        if "Groupnet-Logs-Next" not in headers:
            break
        assert len(lines) == 4
        author, seq = headers["Groupnet-Logs-Next"].split(" ")
        names = [name for name, _ in left]
        left = [(author, int(seq)), *left[names.index(author) + 1:]]
    assert gathered == whole


async def test_an_empty_request_and_a_limit_of_zero_are_answered_like_the_other_reads(busy):
    a, b, _ = busy
    url = a.node.config.url
    assert (await post_logs(url, {"after": {}}))[:2] == (200, [])
    status, lines, headers = await post_logs(url, {"after": {b.node.id: 0}, "limit": 0})
    assert status == 200 and lines == (await get_log(url, b.node.id, 0))[:1]
    assert headers["Groupnet-Logs-Next"] == f"{b.node.id} 1"


@pytest.mark.parametrize("body, status, code", [
    (b"not json", 400, "bad_request"),
    (b"[1, 2]", 400, "bad_request"),
    (b'{"limit": 10}', 400, "bad_request"),
    (b'{"after": {"x": -1}}', 400, "bad_request"),
    (b'{"after": {"x": 9007199254740993}}', 400, "bad_request"),
    (b'{"after": {"x": "1"}}', 400, "bad_request"),
    (b'{"after": {"": 1}}', 400, "bad_request"),
    (b'{"after": {"x": 0}, "limit": 5001}', 400, "bad_request"),
    (b'{"after": {' + b",".join(b'"a%d": 0' % i for i in range(5001)) + b"}}",
     413, "too_many_logs"),
], ids=["not json", "not an object", "no after", "negative seq", "seq past 2^53",
        "seq a string", "empty author", "limit past 5000", "5001 authors"])
async def test_a_logs_request_of_the_wrong_shape_is_refused_and_changes_nothing(
        busy, body, status, code):
    a, b, _ = busy
    before = await held(a.node)
    answer_status, answer, _ = await post_logs(a.node.config.url, data=body)
    assert (answer_status, answer["error"]["code"]) == (status, code)
    assert "SPEC 6.4.1" in answer["error"]["reason"]
    assert await held(a.node) == before
    assert (await post_logs(a.node.config.url, {"after": {b.node.id: 0}}))[0] == 200


async def test_a_logs_body_over_the_size_limit_gets_413(cluster):
    directory, _, _ = await cluster.create("Small")
    small = await cluster.start(directory, max_body_bytes=50_000)
    status, answer, _ = await post_logs(small.node.config.url, data=b"x" * 60_000)
    assert (status, answer["error"]["code"]) == (413, "too_large")


async def test_a_pull_through_many_logs_reaches_the_same_state_as_pulls_author_by_author(
        cluster, busy):
    a = busy[0]
    heads = {a.node.config.url: await a.client.heads(a.node.config.url)}
    together, each = await cluster.add("Together"), await cluster.add("Each")
    each.client.note_without_logs(a.node.config.url)
    fetched = [await sync.pull(service.node, service.client, heads, random.Random(1))
               for service in (together, each)]
    assert fetched[0] == fetched[1] == (await held(a.node))[0]
    assert together.node.state.state_hash() == each.node.state.state_hash() \
        == a.node.state.state_hash()
    assert together.client.sent["logs"] >= 1 and together.client.sent["log"] == 0
    assert each.client.sent["logs"] == 0 and each.client.sent["log"] == len(a.node.heads())


async def test_a_peer_without_many_logs_is_read_author_by_author(cluster, monkeypatch):
    without = [route for route in federation.routes() if route.path != "/fed/v1/logs"]
    with monkeypatch.context() as patch:
        patch.setattr(federation, "routes", lambda: without)
        old = await cluster.add("Old")
    await joining.found(old.node, "Test Network", QUIET)
    await publish(old, 5, "old")
    reader = await cluster.add("Reader")
    url = old.node.config.url
    assert await sync.pull(reader.node, reader.client, {url: await reader.client.heads(url)}) \
        == 6
    assert reader.node.state.state_hash() == old.node.state.state_hash()
    assert reader.client.sent["logs"] == 1 and reader.client.sent["log"] == 1
    assert not reader.client.serves_logs(url)
    # told once: the next pull goes author by author straight away
    await publish(old, 2, "later")
    await sync.pull(reader.node, reader.client, {url: await reader.client.heads(url)})
    assert reader.client.sent["logs"] == 1 and reader.client.sent["log"] == 2
    assert reader.node.state.state_hash() == old.node.state.state_hash()


async def test_heads_say_how_many_forks_and_a_peer_that_knows_none_is_not_asked(cluster):
    a, b, c = await cluster.form(3)
    await joining.set_profile(b.node, {"area": "honest"})
    await cluster.converged()
    # only A is sent B's twin entry, and only A can know of the fork
    cluster.partition([a], [b, c])
    head = b.node.state.head_of(b.node.id)
    held_entry = await b.node.entry(head.id)
    twin = forge_profile(node_key(b.node), b.node.state.net, b.node.id, head.seq,
                         held_entry.prev, "two-faced", held_entry.ts)
    [result] = await push(a.node.config.url, twin.raw)
    assert result["status"] == "fork"
    assert (await c.client.heads_and_forks(b.node.config.url)).forks == 0
    before = c.client.sent["forks"]
    for _ in range(3):
        await sync.reconcile(c.node, c.client, b.node.config.url)
    assert c.client.sent["forks"] == before
    cluster.heal()
    assert (await c.client.heads_and_forks(a.node.config.url)).forks == 1
    await sync.reconcile(c.node, c.client, a.node.config.url)
    assert c.client.sent["forks"] > before
    assert c.node.state.forks == a.node.state.forks

