"""Talking to another node's federation endpoints (protocol/SPEC.md section 6)."""

from __future__ import annotations

import aiohttp
import msgspec

from ..limits import whole_number
from ..node import Result

NDJSON = "application/x-ndjson"
_results = msgspec.json.Decoder(dict[str, list[Result]])


class PeerError(Exception):
    """A peer could not be reached or answered something unusable."""


class WellKnown(msgspec.Struct):
    protocol: str
    node: str
    name: str
    url: str
    network: str | None = None
    charter: str | None = None


class PeerClient:
    def __init__(self, timeout: float = 10.0) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout),
            connector=aiohttp.TCPConnector(limit_per_host=4),
        )
        # requests sent, for node health and the propagation benchmark
        self.requests = 0

    async def close(self) -> None:
        await self._session.close()

    async def _get(self, url: str, params: dict | None = None) -> aiohttp.ClientResponse:
        self.requests += 1
        try:
            response = await self._session.get(url, params=params)
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
        self.requests += 1
        try:
            async with self._session.post(
                base.rstrip("/") + "/fed/v1/inbox", data=body,
                headers={"Content-Type": NDJSON},
            ) as response:
                payload = await response.read()
                if response.status != 200:
                    raise PeerError(f"{base}: HTTP {response.status}: {payload[:200]!r}")
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

    async def heads(self, base: str) -> dict[str, list]:
        response = await self._get(base.rstrip("/") + "/fed/v1/heads")
        return msgspec.json.decode(await response.read())["heads"]

    async def forks(self, base: str) -> list[bytes]:
        lines, _ = await self._lines(base.rstrip("/") + "/fed/v1/forks", {})
        return lines
