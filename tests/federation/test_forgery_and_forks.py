"""Forged entries are refused everywhere; an equivocation is caught and shown everywhere."""

from __future__ import annotations

import asyncio
import sys

import pytest

from groupnet.network import joining
from groupnet.wire import crypto
from groupnet.wire.rejection import Refused

from ..conftest import eventually
from .wire import api, forge_profile, held, next_profile, node_key, push


async def groupnet_cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode, output.decode()


async def test_a_forged_entry_is_refused_by_every_node(cluster):
    services = await cluster.form(3)
    b = services[1]
    await joining.set_profile(b.node, {"area": "genuine"})
    await cluster.converged()
    head = b.node.state.head_of(b.node.id)
    impostor = crypto.SigningKey.generate()
    forged = forge_profile(impostor, b.node.state.net, b.node.id, head.seq + 1, head.id, "fake")
    genuine = next_profile(node_key(b.node), b.node, b.node.id, "genuine2")
    tampered = genuine.raw.replace(b'"genuine2"', b'"genuine3"')
    spaced = genuine.raw.replace(b",", b", ", 1)
    for service in services:
        before = await held(service.node)
        results = await push(service.node.config.url, forged.raw, tampered, spaced)
        assert [r.get("code") for r in results] == ["bad_signature", "bad_signature",
                                                    "not_canonical"]
        assert await held(service.node) == before
    assert all(s.node.state.profiles[b.node.id][1].area == "genuine" for s in services)


async def make_fork(cluster, count: int = 3):
    """B signs two different entries at one seq; only A is sent the second."""
    services = await cluster.form(count)
    a, b = services[0], services[1]
    await joining.set_profile(b.node, {"area": "honest"})
    await cluster.converged()
    head = b.node.state.head_of(b.node.id)
    held_entry = await b.node.entry(head.id)
    twin = forge_profile(node_key(b.node), b.node.state.net, b.node.id, head.seq,
                         held_entry.prev, "two-faced", held_entry.ts)
    assert twin.id != held_entry.id
    [result] = await push(a.node.config.url, twin.raw)
    assert (result["status"], result["code"]) == ("fork", "equivocation")
    return services, b, head.seq, sorted([twin.id, held_entry.id])


async def test_a_fork_sent_to_one_node_is_proved_on_every_node(cluster):
    services, b, seq, pair = await make_fork(cluster)
    expected = [{"author": b.node.id, "seq": seq, "first": pair[0], "second": pair[1]}]

    async def everywhere() -> bool:
        for service, token in zip(services, cluster.tokens, strict=True):
            status, answer = await api("GET", service.node.config.url + "/api/v1/forks", token)
            if status != 200 or answer["forks"] != expected:
                return False
        return True

    await eventually(everywhere, what="the fork listed by every node")
    await cluster.converged()
    for service in services:
        groups = {g["node"]: g for g in service.node.groups()}
        assert groups[b.node.id]["forked"]


async def test_an_equivocating_author_is_frozen_everywhere(cluster):
    services, b, seq, pair = await make_fork(cluster)
    await eventually(lambda: all(b.node.id in s.node.state.frozen for s in services),
                     what="the author frozen on every node")
    with pytest.raises(Refused) as refused:
        await joining.set_profile(b.node, {"area": "carry on"})
    assert refused.value.rejection.code == "equivocated"
    key = node_key(b.node)
    net = b.node.state.net
    for first_id in pair:
        later = forge_profile(key, net, b.node.id, seq + 1, first_id, "later")
        for service in services:
            [result] = await push(service.node.config.url, later.raw)
            assert (result["status"], result.get("code")) == ("rejected", "equivocated")


async def test_a_fork_proof_reaches_a_node_that_was_behind(cluster):
    services, b, seq, pair = await make_fork(cluster, count=2)
    late = await cluster.add("Latecomer")
    a = services[0]
    await joining.admit(a.node, a.client, late.node.config.url)
    await joining.join(late.node, late.client, a.node.config.url)
    await eventually(lambda: late.node.state.forks, what="the late node to learn of the fork")
    fork = late.node.state.forks[0]
    assert (fork.author, fork.seq, [fork.first, fork.second]) == (b.node.id, seq, pair)
    await cluster.converged()


async def test_verify_prints_the_equivocation_and_still_passes(cluster):
    services, b, seq, pair = await make_fork(cluster)
    await eventually(lambda: all(s.node.state.forks for s in services),
                     what="the fork known everywhere")
    for service in services:
        code, output = await groupnet_cli("verify", str(service.node.directory))
        assert code == 0, output
        assert f"equivocation: author {b.node.id} signed two entries at seq {seq}" in output
        assert pair[0] in output and pair[1] in output


async def test_a_fork_proof_reaches_a_node_offline_during_the_fork_by_pull_alone(cluster):
    services = await cluster.form(4)
    a, b, d = services[0], services[1], services[3]
    await cluster.converged()
    await cluster.stop(d)
    await joining.set_profile(b.node, {"area": "honest"})
    head = b.node.state.head_of(b.node.id)
    held_entry = await b.node.entry(head.id)
    await eventually(lambda: a.node.state.head_of(b.node.id).seq >= head.seq,
                     what="the honest entry at A")
    twin = forge_profile(node_key(b.node), b.node.state.net, b.node.id, head.seq,
                         held_entry.prev, "two-faced", held_entry.ts)
    [result] = await push(a.node.config.url, twin.raw)
    assert result["status"] == "fork"
    await eventually(lambda: all(s.node.state.forks for s in services if s is not d),
                     what="the fork known on every running node")
    # the others cannot reach D, so D neither holds the author's entry at that seq
    # nor is pushed anything: it has only the fork proof that it pulls
    for service in cluster.services:
        cluster.fences[service.node.config.url].add(d.node.config.url)
    d = await cluster.start(d.node.directory)
    await eventually(lambda: d.node.state.forks, what="the offline node to learn of the fork")
    assert d.node.state.forks == a.node.state.forks
    assert b.node.id in d.node.state.frozen
    await cluster.converged()


async def test_two_conflicting_entries_in_one_batch_are_caught_as_a_fork(cluster):
    a, b = await cluster.form(2)
    await cluster.converged()
    await cluster.stop(b)
    key = node_key(b.node)
    one = next_profile(key, a.node, b.node.id, "one story")
    other = next_profile(key, a.node, b.node.id, "another story")
    results = await push(a.node.config.url, one.raw, other.raw)
    assert [(r["status"], r.get("code")) for r in results] == [
        ("accepted", None), ("fork", "equivocation")]
    assert [(f.author, f.seq) for f in a.node.state.forks] == [(b.node.id, one.seq)]


async def test_a_node_that_found_a_fork_still_pushes_each_entry_once_and_in_order(cluster):
    services, b, seq, pair = await make_fork(cluster)
    a = services[0]
    await joining.set_profile(a.node, {"area": "after the fork"})
    for after in range(a.node.last_rx + 1):
        pushed = [rx for rx, _, _ in await a.node.outgoing(after, 50)]
        stored = [rx for rx, _ in await a.node.feed(after, 50)]
        assert pushed == stored, after
