"""Catching up checks the signatures of later pages while it stores earlier ones.

The pipeline must not change what is taken: pages are stored in feed order, and
a signature checked ahead against a key that a rotation in an earlier page then
retires is checked again with the key in force.
"""

from __future__ import annotations

from groupnet.clock import now_ms
from groupnet.federation import sync
from groupnet.federation.client import PeerClient
from groupnet.federation.peer_policy import PeerPolicy
from groupnet.network import joining
from groupnet.network.node import Node
from groupnet.wire import crypto, messages
from groupnet.wire.messages import Admit, KeyRotate, NetworkStandingOrders, Profile

# no witness entries while the test compares what the two nodes hold
QUIET = NetworkStandingOrders(witness_interval_seconds=3600)


async def test_a_fresh_node_takes_every_page_in_order_even_across_a_key_rotation(
        cluster, monkeypatch):
    monkeypatch.setattr(sync, "PAGE", 70)  # several pages, each big enough for the workers
    (peer,) = await cluster.form(1, orders=QUIET)
    old, new = crypto.SigningKey.generate(), crypto.SigningKey.generate()
    await peer.node.append("node.admit", Admit(old.public, "Writer", "http://127.0.0.1:9"))
    net, author, ts = peer.node.state.net, old.public, now_ms()
    entries: list[messages.Entry] = []
    for seq in range(1, 251):
        prev = entries[-1].id if entries else None
        if seq == 100:
            entry = messages.build(old, net, author, seq, prev, ts, "key.rotate",
                                   KeyRotate(new.public))
        else:
            entry = messages.build(old if seq < 100 else new, net, author, seq, prev, ts,
                                   "group.profile", Profile(name="Writer", area=f"ward {seq}"))
        entries.append(entry)
    results = await peer.node.ingest([e.raw for e in entries])
    assert {r.status for r in results} == {"accepted"}

    directory, _, _ = await cluster.create("Fresh")
    fresh = await Node.open(directory)
    client = PeerClient(policy=PeerPolicy.of(fresh.config))
    try:
        fetched = await joining.join(fresh, client, peer.node.config.url)
        assert fetched == peer.node.last_rx
        assert fresh.state.head_of(author).seq == 250
        assert fresh.state.key_at(author, 250) == new.public
        assert fresh.state.state_hash() == peer.node.state.state_hash()
    finally:
        await client.close()
        await fresh.close()
