"""Which address a request came from: the peer, or what a configured proxy says.

The sign-in limits count failures per address, and sessions record where
they started. Behind a reverse proxy every request arrives from the proxy,
so the address that counts is the one the proxy saw, which it reports in
`X-Forwarded-For`. Anyone can send that header, so it is read only when the
request comes from a proxy the operator named in `trusted_proxies`
(node.toml; default: none). Then the header is read from the right: each
proxy appends the address it was called from, so the first entry that is not
itself a trusted proxy is the client. Entries to its left were written by
the client and are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

from .keys import NODE

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def forwarded_client(remote: str, forwarded_for: Sequence[str],
                     trusted_proxies: Sequence[str]) -> str:
    """The client's address: `remote`, unless it is a trusted proxy; then the
    right-most `X-Forwarded-For` entry that is not one."""
    proxies = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
    nearest = _address(remote)
    if nearest is None or not _trusted(nearest, proxies):
        return remote
    hops = [hop for header in forwarded_for for hop in header.split(",")]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # not written by a proxy: nothing further left can be believed
        nearest = address
        if not _trusted(address, proxies):
            break
    return str(nearest)


def client_address(request: web.Request) -> str:
    """The address the sign-in limits count and sessions record for `request`."""
    return forwarded_client(request.remote or "unknown",
                            request.headers.getall("X-Forwarded-For", []),
                            request.app[NODE].config.trusted_proxies)
