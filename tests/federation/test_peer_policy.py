"""The peer address policy: an admitted node cannot steer other nodes' requests.

Every node pushes to, and pulls from, the URL each member publishes. These
tests check that a node sends nothing to loopback or private addresses unless
its node.toml allows them, that it says why (log, node status, dashboard),
and that a node allowed to reach them does.
"""

from __future__ import annotations

import ipaddress
import logging

import aiohttp
import pytest
from aiohttp import web

from groupnet.cli.main import main
from groupnet.config import load
from groupnet.federation.client import PeerClient, PeerNotAllowed
from groupnet.federation.peer_policy import PeerPolicy, kind_of
from groupnet.network import joining

from ..conftest import FAST_ORDERS, eventually, free_port


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
    "169.254.169.254", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "ff02::1", "100.64.0.1",
    "fd00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "240.0.0.1",
])
def test_addresses_that_are_not_public_are_refused_by_default(address):
    policy = PeerPolicy()
    assert kind_of(ipaddress.ip_address(address)) is not None
    reason = policy.refuse_address(address, address)
    assert reason is not None and "allow_private_peers" in reason
    assert PeerPolicy(allow_private=True).refuse_address(address, address) is None


@pytest.mark.parametrize("address", ["8.8.8.8", "193.0.6.139", "2001:4860:4860::8888"])
def test_public_addresses_are_allowed(address):
    assert PeerPolicy().refuse_address(address, address) is None


def test_allowed_networks_open_only_themselves():
    policy = PeerPolicy(allowed_networks=["10.20.0.0/16", "127.0.0.1"])
    assert policy.refuse_address("10.20.3.4", "10.20.3.4") is None
    assert policy.refuse_address("127.0.0.1", "127.0.0.1") is None
    assert "private" in policy.refuse_address("10.21.0.1", "10.21.0.1")
    assert "loopback" in policy.refuse_address("127.0.0.2", "127.0.0.2")


@pytest.mark.parametrize(("url", "words"), [
    ("file:///etc/passwd", "http or https"),
    ("gopher://example.org/", "http or https"),
    ("http:///nohost", "names no host"),
    ("http://127.0.0.1:8101/internal-admin", "loopback"),
    ("http://[::1]:8101/", "loopback"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
])
def test_urls_are_judged_before_anything_is_sent(url, words):
    assert words in PeerPolicy().refuse_url(url)


def test_a_bad_allowed_network_in_node_toml_is_an_error_naming_it(tmp_path):
    main(["init", str(tmp_path / "n"), "--name", "N", "--url", "https://n.example.org"])
    config = tmp_path / "n" / "node.toml"
    assert "allow_private_peers = false" in config.read_text()
    config.write_text(config.read_text().replace(
        "allowed_peer_networks = []", 'allowed_peer_networks = ["10.0.0.0/33"]'))
    with pytest.raises(SystemExit, match="10.0.0.0/33"):
        load(tmp_path / "n")


def test_init_writes_the_allowance_the_operator_asks_for(tmp_path):
    assert main(["init", str(tmp_path / "n"), "--name", "N", "--url", "http://10.1.1.1:8100",
                 "--peer-network", "10.1.0.0/16"]) == 0
    settings = load(tmp_path / "n")
    assert (settings.allow_private_peers, settings.allowed_peer_networks) == (
        False, ["10.1.0.0/16"])
    assert main(["init", str(tmp_path / "m"), "--name", "M", "--url", "http://127.0.0.1:9",
                 "--allow-private-peers"]) == 0
    assert load(tmp_path / "m").allow_private_peers is True


async def _node_status(service, token: str) -> dict:
    async with aiohttp.ClientSession() as http, http.get(
        service.node.config.url + "/api/v1/node",
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 200
        return await response.json()


async def test_a_node_with_the_default_policy_neither_pushes_to_nor_pulls_from_loopback_peers(
        cluster, caplog):
    caplog.set_level(logging.WARNING, logger="groupnet.peers")
    a, b = await cluster.form(2, names=["Southwark", "Havering"])
    await cluster.converged()
    directories = [a.node.directory, b.node.directory]
    for service in (a, b):
        await cluster.stop(service)
    # both restarted with node.toml's defaults: public addresses only
    a, b = [await cluster.start(d, allow_private_peers=False) for d in directories]
    a_url, b_url = a.node.config.url, b.node.config.url

    entry = await joining.set_profile(b.node, {"area": "Romford"})

    def refused_both_ways() -> bool:
        return b.client.refused.keys() == {a_url} and a.client.refused.keys() == {b_url}

    await eventually(refused_both_ways, what="each node to refuse the other's address")
    # b's push waits with the reason; nothing was sent either way
    await eventually(lambda: _last_error(b, a), what="b's outbox to record why it cannot push")
    assert a.client.requests == 0 and b.client.requests == 0
    assert a.node.state.head_of(b.node.id).seq < entry.seq
    status = await _node_status(b, cluster.tokens[1])
    reason = status["refused_peers"][a_url]["reason"]
    assert "127.0.0.1 is a loopback address" in reason and "allow_private_peers" in reason
    async with aiohttp.ClientSession() as http, http.get(
        b.node.config.url + "/", headers={"Authorization": f"Bearer {cluster.tokens[1]}"},
    ) as response:
        dashboard = await response.text()
    assert "peer address policy stops its requests to" in dashboard and a_url in dashboard
    logged = [r.getMessage() for r in caplog.records if r.name == "groupnet.peers"]
    assert any(a_url in line and "loopback" in line for line in logged)

    # allowed, the same two nodes replicate again
    for service in (a, b):
        await cluster.stop(service)
    a, b = [await cluster.start(d, allow_private_peers=True) for d in directories]
    await cluster.converged()
    assert a.node.state.head_of(b.node.id).seq == entry.seq
    assert a.client.refused == {} and b.client.refused == {}


async def _last_error(pusher, peer) -> bool:
    backlog = await pusher.outbox.backlog()
    return "peer address policy" in backlog.get(peer.node.id, {}).get("last_error", "")


async def test_a_member_cannot_point_the_network_at_a_nodes_internal_address(cluster):
    """The attack: a member publishes an address that is some node's internal service."""
    hits: list[str] = []

    async def internal_admin(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(text="internal")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", internal_admin)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.2", port).start()
    try:
        founder_dir, _, _ = await cluster.create("Southwark")
        # the victim reaches its peers on 127.0.0.1 and nothing else
        victim = await cluster.start(founder_dir, allow_private_peers=False,
                                     allowed_peer_networks=["127.0.0.1/32"])
        attacker = await cluster.add("Havering")
        await joining.found(victim.node, "Test Network", FAST_ORDERS)
        await joining.admit(victim.node, victim.client, attacker.node.config.url)
        await joining.join(attacker.node, attacker.client, victim.node.config.url)
        await attacker.outbox.refresh()
        await victim.outbox.refresh()

        target = f"http://127.0.0.2:{port}/internal-admin"
        await joining.set_profile(attacker.node, {"url": target})
        await eventually(lambda: victim.node.state.members[attacker.node.id].url == target,
                         what="the victim to take the new address")
        await joining.set_profile(victim.node, {"area": "Walworth"})
        origin = f"http://127.0.0.2:{port}"
        await eventually(lambda: origin in victim.client.refused,
                         what="the victim to refuse the internal address")
        assert "127.0.0.2 is a loopback address" in victim.client.refused[origin][1]
        assert hits == []
    finally:
        await runner.cleanup()


async def test_dialling_checks_the_address_a_name_resolves_to(cluster):
    (a,) = await cluster.form(1)
    by_name = f"http://localhost:{a.node.config.listen_port()}"
    strict = PeerClient()
    try:
        with pytest.raises(PeerNotAllowed, match="localhost resolves to 127.0.0.1"):
            await strict.well_known(by_name)
        assert strict.refused[by_name][1].startswith("localhost resolves to 127.0.0.1")
    finally:
        await strict.close()
    allowed = PeerClient(policy=PeerPolicy(allowed_networks=["127.0.0.0/8", "::1"]))
    try:
        assert (await allowed.well_known(by_name)).node == a.node.id
    finally:
        await allowed.close()

