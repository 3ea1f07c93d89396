"""A peer's numbers are read as the node's own: digits 0-9, within bounds, or it is unusable."""

from __future__ import annotations

import pytest
from aiohttp import web

from groupnet.federation.client import PeerClient, PeerError
from groupnet.federation.peer_policy import PeerPolicy
from tests.conftest import free_port


@pytest.mark.parametrize("cursor", ["\u00b9", "\u0663", "99999999999999999999", "-1", "1e3"])
async def test_a_feed_cursor_that_is_not_a_bounded_number_makes_the_peer_unusable(cursor):
    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=b"", content_type="application/x-ndjson",
                            headers={"Groupnet-Feed-Next": cursor})

    app = web.Application()
    app.router.add_get("/fed/v1/feed", feed)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    client = PeerClient(policy=PeerPolicy(allow_private=True))  # the peer is on loopback
    try:
        with pytest.raises(PeerError, match="Groupnet-Feed-Next"):
            await client.feed(f"http://127.0.0.1:{port}", 0, 10)
    finally:
        await client.close()
        await runner.cleanup()
