"""Talking to another node's federation endpoints (protocol/SPEC.md section 6).

Every request goes through the node's peer address policy (`peer_policy.py`):
checked on the URL before it is sent and on every address when it is dialled.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import aiohttp
import msgspec

from ..clock import now_ms
from ..limits import whole_number
from .peer_policy import CheckingResolver, PeerPolicy, PeerRefused
from .replica import Result

log = logging.getLogger("groupnet.peers")

NDJSON = "application/x-ndjson"
_results = msgspec.json.Decoder(dict[str, list[Result]])


class Heads(msgspec.Struct):
    """The answer of `GET /fed/v1/heads` (SPEC 6.5)."""

    heads: dict[str, tuple[int, str | None]]
    network: str | None = None


_heads = msgspec.json.Decoder(Heads)


class PeerError(Exception):
    """A peer could not be reached or answered something unusable."""


class PeerNotAllowed(PeerError):
    """The peer address policy stopped the request before it was sent."""


class WellKnown(msgspec.Struct):
    protocol: str
    node: str
    name: str
    url: str
    network: str | None = None
    charter: str | None = None


def origin(url: str) -> str:
    """scheme://host:port of a URL, the name a refusal is kept under."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    except ValueError:
        return url


class PeerClient:
    """HTTP to other nodes, within `policy` (by default: public addresses only)."""

    def __init__(self, timeout: float = 10.0, policy: PeerPolicy | None = None) -> None:
        self.policy = policy or PeerPolicy()
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout),
            connector=aiohttp.TCPConnector(limit_per_host=4,
                                           resolver=CheckingResolver(self.policy)),
        )
        # requests sent, for node health and the propagation benchmark
        self.requests = 0
        # peer origin -> (when, why) for requests the policy stopped, for node health
        self.refused: dict[str, tuple[int, str]] = {}

    async def close(self) -> None:
        await self._session.close()

    def _allowed(self, url: str) -> None:
        reason = self.policy.refuse_url(url)
        if reason is not None:
            raise self._refusal(url, reason)

    def _refusal(self, url: str, reason: str) -> PeerNotAllowed:
        """Record (and log, once per peer and reason) a request the policy stopped."""
        peer = origin(url)
        if self.refused.get(peer, (0, ""))[1] != reason:
            log.warning("not sending requests to %s: %s", peer, reason)
        self.refused[peer] = (now_ms(), reason)
        return PeerNotAllowed(f"{url}: refused by this node's peer address policy: {reason}")

    async def _get(self, url: str, params: dict | None = None) -> aiohttp.ClientResponse:
        self._allowed(url)
        self.requests += 1
        try:
            response = await self._session.get(url, params=params, allow_redirects=False)
        except PeerRefused as refused:
            raise self._refusal(url, str(refused)) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise PeerError(f"{url}: {error or type(error).__name__}") from None
        if response.status != 200:
            text = await response.text()
            response.release()
            raise PeerError(f"{url}: HTTP {response.status}: {text[:200]}")
        return response

    async def well_known(self, base: str) -> WellKnown:
        response = await self._get(base.rstrip("/") + "/.well-known/groupnet")
        try:
            return msgspec.json.decode(await response.read(), type=WellKnown)
        except msgspec.DecodeError as error:
            raise PeerError(f"{base}: not a groupnet node: {error}") from None

    async def push(self, base: str, raws: list[bytes]) -> list[Result]:
        body = b"\n".join(raws) + b"\n"
        url = base.rstrip("/") + "/fed/v1/inbox"
        self._allowed(url)
        self.requests += 1
        try:
            async with self._session.post(
                url, data=body, headers={"Content-Type": NDJSON}, allow_redirects=False,
            ) as response:
                payload = await response.read()
                if response.status != 200:
                    raise PeerError(f"{base}: HTTP {response.status}: {payload[:200]!r}")
        except PeerRefused as refused:
            raise self._refusal(url, str(refused)) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise PeerError(f"{base}: {error or type(error).__name__}") from None
        try:
            return _results.decode(payload)["results"]
        except (msgspec.DecodeError, KeyError) as error:
            raise PeerError(f"{base}: unusable inbox answer: {error}") from None

    async def _lines(self, url: str, params: dict) -> tuple[list[bytes], dict]:
        response = await self._get(url, params)
        try:
            data = await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise PeerError(f"{url}: {error}") from None
        return [line for line in data.split(b"\n") if line], dict(response.headers)

    async def feed(self, base: str, after: int, limit: int) -> tuple[list[bytes], int]:
        lines, headers = await self._lines(
            base.rstrip("/") + "/fed/v1/feed", {"after": after, "limit": limit}
        )
        cursor = headers.get("Groupnet-Feed-Next", str(after))
        following = whole_number(cursor, 0, 2**53)
        if following is None:
            raise PeerError(f"{base}: unusable Groupnet-Feed-Next {cursor[:40]!r} (SPEC 6.3: a "
                            "cursor is 0 … 2^53)")
        return lines, following

    async def log(self, base: str, author: str, after: int, limit: int) -> list[bytes]:
        lines, _ = await self._lines(
            base.rstrip("/") + f"/fed/v1/log/{author}", {"after": after, "limit": limit}
        )
        return lines

    async def heads(self, base: str) -> dict[str, tuple[int, str | None]]:
        """Each author's [seq, id] at `base` (SPEC 6.5)."""
        response = await self._get(base.rstrip("/") + "/fed/v1/heads")
        try:
            return _heads.decode(await response.read()).heads
        except (aiohttp.ClientError, TimeoutError) as error:
            raise PeerError(f"{base}: {error}") from None
        except msgspec.DecodeError as error:
            raise PeerError(f"{base}: unusable heads (SPEC 6.5): {error}") from None

    async def forks(self, base: str) -> list[bytes]:
        lines, _ = await self._lines(base.rstrip("/") + "/fed/v1/forks", {})
        return lines
