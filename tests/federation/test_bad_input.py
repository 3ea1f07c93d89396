"""Bad input over HTTP: a stable code and a sentence, nothing stored, the node still serving."""

from __future__ import annotations

import msgspec
import pytest

from groupnet.clock import now_ms
from groupnet.network import joining
from groupnet.wire import crypto, messages
from groupnet.wire.messages import NetworkStandingOrders

from .wire import api, forge_profile, held, next_profile, node_key, post_inbox, push

# no witness entries during the test: the receiver's entry count must stay still
QUIET = NetworkStandingOrders(admission_approvals=2, witness_interval_seconds=86400)
DAY_MS = 24 * 3600 * 1000


@pytest.fixture
async def receiver(cluster):
    """A founder receiving; a member whose key forges entries (its node stopped, so it
    writes nothing itself); a candidate with one approval of the two needed."""
    a, b = await cluster.form(2, QUIET)
    await cluster.converged()
    candidate = await cluster.add("Candidate")
    await joining.admit(a.node, a.client, candidate.node.config.url)
    await cluster.stop(b)
    return a.node, b.node.id, node_key(b.node), candidate.node


def unsigned_raw(net: str, author: str, seq: int, prev: str | None, kind: str,
                 body: object, key: crypto.SigningKey) -> bytes:
    """A canonical, signed entry of any kind, even one this implementation lacks."""
    unsigned = messages.canonical([1, net, author, seq, prev, now_ms(), kind, body])
    return messages.seal(unsigned, key.sign_id(crypto.entry_id(unsigned)))


def cases(node, author, key, candidate) -> dict[str, tuple[bytes, str]]:
    """Each bad entry, with the code the receiver must give it."""
    state = node.state
    head = state.head_of(author)
    good = next_profile(key, node, author, "good")
    stranger = crypto.SigningKey.generate()
    other_sig = stranger.sign_id(good.id_bytes)
    wire = msgspec.json.decode(good.raw)
    as_string_seq = msgspec.json.encode([*wire[:3], str(wire[3]), *wire[4:]])
    return {
        "malformed JSON": (b'[1, "net", "author"', "malformed"),
        "wrong field types": (as_string_seq, "malformed"),
        "bad signature": (good.raw.replace(good.sig.encode(), other_sig.encode()),
                          "bad_signature"),
        "tampered byte": (good.raw.replace(b'"good"', b'"gooe"'), "bad_signature"),
        "not canonical": (good.raw.replace(b'"area":', b'"area": '), "not_canonical"),
        "unknown author": (forge_profile(stranger, state.net, stranger.public, 1, None,
                                         "nobody").raw, "unknown_author"),
        "author not admitted": (forge_profile(node_key(candidate), state.net, candidate.id,
                                              1, None, "too early").raw, "not_admitted"),
        "wrong network": (forge_profile(key, "0" * 32, author, head.seq + 1, head.id,
                                        "elsewhere").raw, "wrong_network"),
        "seq gap": (forge_profile(key, state.net, author, head.seq + 2, head.id,
                                  "gap").raw, "seq_gap"),
        "prev mismatch": (forge_profile(key, state.net, author, head.seq + 1,
                                        state.charter_id, "prev").raw, "prev_mismatch"),
        "timestamp far in the future": (forge_profile(key, state.net, author, head.seq + 1,
                                                      head.id, "later",
                                                      now_ms() + DAY_MS).raw,
                                        "future_timestamp"),
        "unknown message type": (unsigned_raw(state.net, author, head.seq + 1, head.id,
                                              "nosuch.kind", {}, key), "unknown_kind"),
    }


async def test_each_bad_entry_is_refused_with_its_code_and_nothing_is_stored(receiver):
    node, author, key, candidate = receiver
    url = node.config.url
    for what, (raw, code) in cases(node, author, key, candidate).items():
        before = await held(node)
        [result] = await push(url, raw)
        assert (result["status"], result.get("code")) == ("rejected", code), what
        assert len(result["reason"].split()) > 4, what
        assert await held(node) == before, what
    good = next_profile(key, node, author, "still serving")
    [result] = await push(url, good.raw)
    assert result["status"] == "accepted"


async def test_a_replayed_entry_is_accepted_once_and_stored_once(receiver):
    node, author, key, _ = receiver
    entry = next_profile(key, node, author, "once")
    entries, forks, _ = await held(node)
    [first] = await push(node.config.url, entry.raw)
    [second, third] = await push(node.config.url, entry.raw, entry.raw)
    assert first == {"status": "accepted", "id": entry.id}
    assert second == third == {"status": "duplicate", "id": entry.id}
    after = await held(node)
    assert after[:2] == (entries + 1, forks)


async def test_a_bad_line_in_a_batch_does_not_spoil_the_good_ones_around_it(receiver):
    node, author, key, _ = receiver
    first = next_profile(key, node, author, "first")
    second = forge_profile(key, node.state.net, author, first.seq + 1, first.id, "second")
    results = await push(node.config.url, first.raw, b"{oops", second.raw)
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert node.state.head_of(author).id == second.id


@pytest.mark.parametrize(("body", "status", "code"), [
    (b"", 400, "empty_batch"),
    (b"\n\n", 400, "empty_batch"),
    (b"x\n" * 1001, 413, "batch_too_large"),
], ids=["empty", "blank lines", "1001 entries"])
async def test_an_inbox_batch_of_the_wrong_size_is_refused_whole(receiver, body, status, code):
    node, author, key, _ = receiver
    before = await held(node)
    answer_status, answer = await post_inbox(node.config.url, body)
    assert (answer_status, answer["error"]["code"]) == (status, code)
    assert answer["error"]["reason"]
    assert await held(node) == before
    [result] = await push(node.config.url, next_profile(key, node, author, "after").raw)
    assert result["status"] == "accepted"


async def test_a_body_over_the_size_limit_gets_413_and_the_node_keeps_serving(cluster):
    directory, _, _ = await cluster.create("Small")
    small = await cluster.start(directory, max_body_bytes=50_000)
    await joining.found(small.node, "Test Network", QUIET)
    before = await held(small.node)
    status, answer = await post_inbox(small.node.config.url, b"x" * 60_000 + b"\n")
    assert (status, answer["error"]["code"]) == (413, "too_large")
    assert "50000" in answer["error"]["reason"]
    assert await held(small.node) == before
    stranger = crypto.SigningKey.generate()
    [result] = await push(small.node.config.url, forge_profile(
        stranger, small.node.state.net, stranger.public, 1, None, "x").raw)
    assert result["code"] == "unknown_author"


async def test_the_client_api_refuses_a_write_without_a_valid_token(cluster):
    (a,) = await cluster.form(1, QUIET)
    url = a.node.config.url + "/api/v1/profile"
    before = await held(a.node)
    for token in (None, "wrong", cluster.tokens[0] + "x"):
        status, answer = await api("PUT", url, token, json={"area": "sneaky"})
        assert (status, answer["error"]["code"]) == (401, "unauthenticated")
        assert "token" in answer["error"]["reason"]
    assert await held(a.node) == before
    status, answer = await api("PUT", url, cluster.tokens[0], json={"area": "proper"})
    assert status == 200
    assert a.node.state.profiles[a.node.id][1].area == "proper"


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", "malformed"),
    (b'{"area": 5}', "bad_request"),
    (b'{"colour": "red"}', "bad_request"),
    (b'["area"]', "bad_request"),
], ids=["not JSON", "wrong type", "unknown field", "not an object"])
async def test_a_client_api_request_of_the_wrong_shape_changes_nothing(cluster, body, code):
    (a,) = await cluster.form(1, QUIET)
    before = await held(a.node)
    status, answer = await api("PUT", a.node.config.url + "/api/v1/profile",
                               cluster.tokens[0], data=body)
    assert (status, answer["error"]["code"]) == (400, code)
    assert answer["error"]["reason"]
    assert await held(a.node) == before
