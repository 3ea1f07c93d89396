"""Talking to another node's federation endpoints (protocol/SPEC.md section 6).

Every request goes through the node's peer address policy (`peer_policy.py`):
checked on the URL before it is sent and on every address when it is dialled.
"""

from __future__ import annotations

import logging
from collections import Counter
from urllib.parse import urlsplit

import aiohttp
import msgspec

from ..clock import now_ms
from ..limits import whole_number
from .peer_policy import CheckingResolver, PeerPolicy, PeerRefused
from .replica import Result

log = logging.getLogger("groupnet.peers")

NDJSON = "application/x-ndjson"
# a peer that served no POST /fed/v1/logs is asked again after this long (it may upgrade)
LOGS_ASK_AGAIN_MS = 60 * 60 * 1000
_results = msgspec.json.Decoder(dict[str, list[Result]])


class Heads(msgspec.Struct):
    """The answer of `GET /fed/v1/heads` (SPEC 6.5)."""

    heads: dict[str, tuple[int, str | None]]
    network: str | None = None
    # how many authors the node knows to have forked; None from a node that does not say
    forks: int | None = None


_heads = msgspec.json.Decoder(Heads)


class PeerError(Exception):
    """A peer could not be reached or answered something unusable."""


class PeerNotAllowed(PeerError):
    """The peer address policy stopped the request before it was sent."""


class NotServed(PeerError):
    """The peer does not serve this endpoint (404 or 405): it predates it (SPEC 6.4.1)."""


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
        # requests sent, for node health and the propagation benchmark, and by endpoint
        self.requests = 0
        self.sent: Counter[str] = Counter()
        # peer origin -> when it answered that it serves no POST /fed/v1/logs (SPEC 6.4.1)
        self.without_logs: dict[str, int] = {}
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

    def _count(self, url: str) -> None:
        """One more request; counted by endpoint (`log`, `heads`, …) as well."""
        self.requests += 1
        path = urlsplit(url).path
        self.sent[path.split("/")[3] if path.startswith("/fed/v1/") else path] += 1

    async def _get(self, url: str, params: dict | None = None) -> aiohttp.ClientResponse:
        self._allowed(url)
        self._count(url)
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

    async def _post(self, base: str, path: str, body: bytes, content_type: str) -> bytes:
        """POST `body` to a peer's federation `path`: the answer's body, if 200."""
        url = base.rstrip("/") + path
        self._allowed(url)
        self._count(url)
        try:
            async with self._session.post(
                url, data=body, headers={"Content-Type": content_type}, allow_redirects=False,
            ) as response:
                payload = await response.read()
                if response.status != 200:
                    raise PeerError(f"{base}: HTTP {response.status}: {payload[:200]!r}")
        except PeerRefused as refused:
            raise self._refusal(url, str(refused)) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise PeerError(f"{base}: {error or type(error).__name__}") from None
        return payload

    async def push(self, base: str, raws: list[bytes]) -> list[Result]:
        payload = await self._post(base, "/fed/v1/inbox", b"\n".join(raws) + b"\n", NDJSON)
        try:
            return _results.decode(payload)["results"]
        except (msgspec.DecodeError, KeyError) as error:
            raise PeerError(f"{base}: unusable inbox answer: {error}") from None

    async def cosignature(self, base: str, body: bytes) -> str:
        """Offer a cosignature to the node that wrote the cut (SPEC 6.6.1): its answer's
        `status`, "held" or "waiting"."""
        payload = await self._post(base, "/fed/v1/cosignature", body, "application/json")
        try:
            return str(msgspec.json.decode(payload)["status"])
        except (msgspec.DecodeError, KeyError, TypeError) as error:
            raise PeerError(f"{base}: unusable cosignature answer: {error}") from None

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

    async def logs(self, base: str, after: list[tuple[str, int]],
                   limit: int) -> tuple[list[bytes], tuple[str, int] | None]:
        """Several authors' entries after a seq each, `limit` in all (SPEC 6.4.1).

        Returns the lines and, when the answer was cut at `limit`, where to go on:
        the author and seq of its last entry (`Groupnet-Logs-Next`).
        """
        url = base.rstrip("/") + "/fed/v1/logs"
        self._allowed(url)
        self._count(url)
        body = msgspec.json.encode({"after": dict(after), "limit": limit})
        try:
            async with self._session.post(
                url, data=body, headers={"Content-Type": "application/json"},
                allow_redirects=False,
            ) as response:
                payload = await response.read()
                if response.status in (404, 405):
                    raise NotServed(f"{base}: HTTP {response.status}: no POST /fed/v1/logs")
                if response.status != 200:
                    raise PeerError(f"{base}: HTTP {response.status}: {payload[:200]!r}")
                following = response.headers.get("Groupnet-Logs-Next")
        except PeerRefused as refused:
            raise self._refusal(url, str(refused)) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise PeerError(f"{base}: {error or type(error).__name__}") from None
        lines = [line for line in payload.split(b"\n") if line]
        if following is None:
            return lines, None
        author, _, seq = following.partition(" ")
        number = whole_number(seq, 0, 2**53)
        if number is None or not author or not lines:
            raise PeerError(f"{base}: unusable Groupnet-Logs-Next {following[:120]!r} (SPEC "
                            "6.4.1: an author and a seq)")
        return lines, (author, number)

    def serves_logs(self, base: str) -> bool:
        """Whether to ask `base` for several logs at once: unless it said no, lately."""
        since = self.without_logs.get(origin(base))
        return since is None or now_ms() - since > LOGS_ASK_AGAIN_MS

    def note_without_logs(self, base: str) -> None:
        """`base` serves no POST /fed/v1/logs: read its logs one by one for a while."""
        log.info("%s serves no POST /fed/v1/logs; reading its logs one by one", base)
        self.without_logs[origin(base)] = now_ms()

    async def heads(self, base: str) -> dict[str, tuple[int, str | None]]:
        """Each author's [seq, id] at `base` (SPEC 6.5)."""
        return (await self.heads_and_forks(base)).heads

    async def heads_and_forks(self, base: str) -> Heads:
        """The heads at `base`, and how many forked authors it knows, if it says (SPEC 6.5)."""
        response = await self._get(base.rstrip("/") + "/fed/v1/heads")
        try:
            return _heads.decode(await response.read())
        except (aiohttp.ClientError, TimeoutError) as error:
            raise PeerError(f"{base}: {error}") from None
        except msgspec.DecodeError as error:
            raise PeerError(f"{base}: unusable heads (SPEC 6.5): {error}") from None

    async def forks(self, base: str) -> list[bytes]:
        lines, _ = await self._lines(base.rstrip("/") + "/fed/v1/forks", {})
        return lines
