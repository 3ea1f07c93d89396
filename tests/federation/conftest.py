"""What the federation tests share: a cluster of real nodes and an HTTP session to drive them."""

from __future__ import annotations

import aiohttp
import pytest

from groupnet import clock
from tests.conftest import Cluster


@pytest.fixture
async def net(tmp_path, monkeypatch):
    """A cluster of nodes on loopback ports and an HTTP session, both closed after the test.
    The weeks a test moves every clock forward (`clock.advance_everyone`) pass for that test
    alone."""
    monkeypatch.setattr(clock, "_everyone_ahead_ms", clock._everyone_ahead_ms)
    cluster = Cluster(tmp_path)
    http = aiohttp.ClientSession()
    try:
        yield cluster, http
    finally:
        await http.close()
        await cluster.close()
