"""What a test does on the wire: forge entries, post to inboxes, read what a node holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiohttp

from groupnet import config
from groupnet.clock import now_ms
from groupnet.network.node import Node
from groupnet.wire import crypto, messages
from groupnet.wire.messages import Entry, Profile


def node_key(node: Node) -> crypto.SigningKey:
    return crypto.load_key(node.directory / config.KEY_FILE)


def forge_profile(key: crypto.SigningKey, net: str, author: str, seq: int, prev: str | None,
                  area: str, ts: int | None = None) -> Entry:
    """A validly signed group.profile entry, as any holder of `key` could make it."""
    body = Profile(name=f"group {author[:6]}", area=area)
    return messages.build(key, net, author, seq, prev, ts or now_ms(), "group.profile", body)


def next_profile(key: crypto.SigningKey, holder: Node, author: str, area: str) -> Entry:
    """`author`'s next entry as `holder` sees the author's log, signed with `key`."""
    head = holder.state.head_of(author)
    return forge_profile(key, holder.state.net, author, head.seq + 1, head.id, area,
                         max(now_ms(), head.ts))


async def post_inbox(url: str, body: bytes) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.post(
        url + "/fed/v1/inbox", data=body, headers={"Content-Type": "application/x-ndjson"}
    ) as response:
        return response.status, await response.json()


async def push(url: str, *raws: bytes) -> list[dict]:
    """Post entries to a node's inbox; return its per-entry results."""
    status, answer = await post_inbox(url, b"\n".join(raws) + b"\n")
    assert status == 200, answer
    return answer["results"]


async def api(method: str, url: str, token: str | None, json: object = None,
              data: bytes | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if data is not None:
        headers["Content-Type"] = "application/json"  # what the bytes claim to be
    async with aiohttp.ClientSession() as http, http.request(
        method, url, headers=headers, json=json, data=data
    ) as response:
        return response.status, await response.json()


async def held(node: Node) -> tuple[int, int, str]:
    """(entries stored, fork proofs stored, state hash): what 'stores nothing' compares."""
    async with node.db.execute("SELECT COUNT(*) FROM entries") as cursor:
        (entries,) = await cursor.fetchone()
    async with node.db.execute("SELECT COUNT(*) FROM forks") as cursor:
        (forks,) = await cursor.fetchone()
    return entries, forks, node.state.state_hash()


def rows(directory: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(directory / config.DB_FILE) as db:
        return db.execute(sql, params).fetchall()
