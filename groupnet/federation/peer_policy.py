"""Which addresses this node sends requests to: the peer address policy.

Every admitted node publishes its own URL (in its admission and its profile),
and the other nodes then push to it, pull from it and read its well-known
document. Unchecked, that lets any one member make every node of the network
send requests wherever it likes: to a node's own loopback interface
(`http://127.0.0.1:…/internal-admin`), to the private network a node sits
in, or to a cloud metadata address. So the peer client checks every URL
before it sends a request, and again every address at the moment it dials:

- the scheme is http or https, and the URL names a host;
- every address the host resolves to is a public unicast address: not
  loopback, private, link-local, unspecified, multicast, reserved or
  otherwise not globally routable. The check is made on the addresses the
  connection is then made to, so a name that answers a public address when
  it is stored and a private one when it is dialled (DNS rebinding) is
  refused too;
- redirects are not followed: a peer could send the request on anywhere.

A node that is meant to reach peers on loopback or a private network (the
tests, `groupnet demo`, a network on one LAN or one Docker host) says so in
its node.toml: `allow_private_peers = true` allows every address, or
`allowed_peer_networks = ["10.20.0.0/16"]` allows only the networks named.

This is the node's own, local policy: it decides where this node sends
requests, never whether an entry is valid, so every node still reaches the
same state from the same entries (DESIGN invariant 1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SETTING_HINT = ("its node.toml allows it (allow_private_peers = true, or "
                "allowed_peer_networks; docs/network.md, Peer addresses)")


def parse_networks(texts: Iterable[str]) -> list[Network]:
    """`allowed_peer_networks` as networks; ValueError names the first that is not one."""
    networks = []
    for text in texts:
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"allowed_peer_networks: {text!r} is not an address or a "
                             "network such as 10.20.0.0/16") from None
    return networks


def kind_of(address: Address) -> str | None:
    """What makes `address` one a node does not dial by default, or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "an address that is not publicly routable"
    return None


class PeerPolicy:
    """Where this node may send requests (see the module's docstring)."""

    def __init__(self, allow_private: bool = False,
                 allowed_networks: Iterable[str] = ()) -> None:
        self.allow_private = allow_private
        self.allowed_networks = parse_networks(allowed_networks)

    @classmethod
    def of(cls, settings: object) -> PeerPolicy:
        """The policy a node's settings (`config.NodeConfig`) ask for."""
        return cls(getattr(settings, "allow_private_peers", False),
                   getattr(settings, "allowed_peer_networks", ()))

    def refuse_url(self, url: str) -> str | None:
        """Why a request to `url` is not sent, judged on the URL alone; None if it may be."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            return f"{url!r} is not a URL"
        if parts.scheme not in ("http", "https"):
            return f"peers are reached over http or https, not {parts.scheme or 'no scheme'!r}"
        if not host:
            return f"{url!r} names no host"
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None  # a name: judged on what it resolves to, when dialled
        return self.refuse_address(host, address)

    def refuse_address(self, host: str, address: Address | str) -> str | None:
        """Why this node does not connect to `address` (which `host` named), or None."""
        if isinstance(address, str):
            address = ipaddress.ip_address(address.split("%", 1)[0])
        kind = kind_of(address)
        if kind is None or self.allow_private:
            return None
        if any(address in network for network in self.allowed_networks):
            return None
        named = f"{host} is" if _same(host, address) else f"{host} resolves to {address},"
        return f"{named} {kind}; this node sends no requests there unless {SETTING_HINT}"


def _same(host: str, address: Address) -> bool:
    try:
        return ipaddress.ip_address(host) == address
    except ValueError:
        return False


class PeerRefused(Exception):
    """A request the peer policy stops before it is sent; the message says why."""


class CheckingResolver(AbstractResolver):
    """Resolves as usual, then refuses the whole answer if any address breaks the policy.

    The connector dials only addresses this resolver returned (or cached from
    it), so what is checked is what is connected to. Literal IP addresses do
    not pass through a resolver; `PeerPolicy.refuse_url` judges those.
    """

    def __init__(self, policy: PeerPolicy) -> None:
        self._policy = policy
        self._inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        for answer in answers:
            reason = self._policy.refuse_address(host, answer["host"])
            if reason is not None:
                raise PeerRefused(reason)
        return answers

    async def close(self) -> None:
        await self._inner.close()
