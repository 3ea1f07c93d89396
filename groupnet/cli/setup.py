"""Setting up a node: its directory, key, settings and first admin token.

`groupnet init`, the demo and the benchmarks all make their nodes here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from .. import clock, config, local_time, store
from ..federation.peer_policy import parse_networks
from ..network.node import Node
from ..web.auth import create_token
from ..wire import crypto
from ..wire.rejection import refuse


async def create_node(directory: Path, name: str, url: str, host: str = "127.0.0.1",
                      port: int = 0, *, trusted_proxies: Sequence[str] = (),
                      allow_private_peers: bool = False,
                      allowed_peer_networks: list[str] | None = None,
                      time_zone: str | None = None) -> tuple[str, str]:
    """Make a node directory; return (node id, admin token). The token is shown once.

    By default the node sends requests only to peers at public addresses;
    `allow_private_peers` or `allowed_peer_networks` (node.toml) widen that for a
    network on loopback or a private network (federation/peer_policy.py). The node's
    time zone is `time_zone`, or the system's (local_time.py).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise refuse("bad_url", f"--url must be an http(s) URL, not {url!r}", 400)
    if directory.exists() and any(directory.iterdir()):
        raise refuse("exists", f"{directory} exists and is not empty", 400)
    try:
        parse_networks(allowed_peer_networks or [])
    except ValueError as error:
        raise refuse("bad_network", str(error), 400) from None
    zone = time_zone or local_time.system_zone()
    try:
        local_time.zone(zone)
    except ValueError as error:
        raise refuse("bad_time_zone", f"--time-zone: {error}", 400) from None
    try:
        settings = config.NodeConfig(name=name, url=url.rstrip("/"), host=host, port=port,
                                     time_zone=zone,
                                     trusted_proxies=list(trusted_proxies),
                                     allow_private_peers=allow_private_peers,
                                     allowed_peer_networks=list(allowed_peer_networks or []))
    except ValueError as error:
        raise refuse("bad_trusted_proxy", str(error), 400) from None
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    key = crypto.SigningKey.generate()
    crypto.save_key(directory / config.KEY_FILE, key)
    crypto.write_private(directory / config.CONFIG_FILE, config.dump(settings).encode())
    db = await store.connect(directory / config.DB_FILE)
    try:
        await store.set_meta(db, "node_id", key.public)
        await store.set_meta(db, "created", str(clock.now_ms()))
    finally:
        await db.close()
    node = await Node.open(directory)
    try:
        token = await create_token(node, "admin", "created by init")
    finally:
        await node.close()
    return key.public, token


async def wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
