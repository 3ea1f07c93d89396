"""Pull replication: catch up from any node, and keep comparing heads.

Entries are signed end to end, so any node may relay any author's log. A node
catches up by reading another node's feed in that node's acceptance order,
which is an order in which every entry's dependencies come first. Afterwards,
anti-entropy compares heads with a random member now and then and fetches
whatever is missing, author by author; a head with the same seq but another
id is a fork, and the differing entry is fetched as evidence.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque

from ..store import peers
from .client import PeerClient, PeerError
from .replica import CheckedBatch, Replica

log = logging.getLogger("groupnet.sync")

PAGE = 2000
# pages whose signatures are checked while the page before them is stored
AHEAD = 2


async def catch_up(node: Replica, client: PeerClient, url: str, peer: str) -> int:
    """Read `url`'s feed from where we left off; return how many entries were new.

    Pipelined, because checking signatures is most of the work and runs in
    worker processes: while one page is decided and stored, the signatures of
    the next `AHEAD` pages are being checked, and the page after is fetched.
    Pages are still stored strictly in feed order, each followed by the saved
    cursor, so an interrupted catch-up resumes after the last stored page.
    """
    after = await peers.pull_cursor(node.db, peer)
    new = 0
    more = True
    checking: deque[tuple[asyncio.Task[CheckedBatch], int]] = deque()
    try:
        while more or checking:
            if more and len(checking) < AHEAD:
                lines, after = await client.feed(url, after, PAGE)
                more = len(lines) == PAGE
                if lines:
                    checking.append((asyncio.create_task(node.check(lines)), after))
                continue
            task, position = checking.popleft()
            results = await node.ingest_checked(await task)
            new += sum(1 for r in results if r.status == "accepted")
            async with node.transaction() as db:
                await peers.save_pull_cursor(db, peer, position)
    finally:
        for task, _ in checking:
            task.cancel()
        await asyncio.gather(*(task for task, _ in checking), return_exceptions=True)
    return new


async def reconcile(node: Replica, client: PeerClient, url: str) -> int:
    """Compare heads with the node at `url` and fetch every author's missing entries."""
    theirs = await client.heads(url)
    new = 0
    for author, (seq, ident) in sorted(theirs.items()):
        mine = node.state.head_of(author)
        if author in node.state.frozen:
            continue
        if seq == mine.seq and ident != mine.id and seq > 0:
            new += await _fetch(node, client, url, author, seq - 1, 1)
        elif seq > mine.seq:
            new += await _fetch(node, client, url, author, mine.seq, seq - mine.seq)
    for raw in await client.forks(url):
        results = await node.ingest([raw])
        new += sum(1 for r in results if r.status == "fork")
    return new


async def _fetch(node: Replica, client: PeerClient, url: str, author: str,
                 after: int, wanted: int) -> int:
    new = 0
    while wanted > 0:
        lines = await client.log(url, author, after, min(PAGE, wanted))
        if not lines:
            break
        results = await node.ingest(lines)
        gained = sum(1 for r in results if r.status in ("accepted", "fork"))
        new += gained
        if gained == 0:
            break
        after += len(lines)
        wanted -= len(lines)
    return new


def sources(node: Replica, bootstrap: list[str]) -> list[tuple[str, str]]:
    """(peer id, url) pairs to pull from: members with addresses, else bootstrap URLs.

    A member that has not yet published its url (SPEC 5.4) is pulled from where
    its approver found it: its own first entries are nowhere else.
    """
    state = node.state
    members = [
        (m.node, url) for m in state.members.values()
        if m.node != node.id and (url := m.url or state.url_hint(m.node))
    ]
    return members or [(url, url) for url in bootstrap]


async def anti_entropy_round(node: Replica, client: PeerClient, bootstrap: list[str],
                             rng: random.Random) -> int:
    choices = sources(node, bootstrap)
    if not choices:
        return 0
    peer, url = rng.choice(choices)
    try:
        return await reconcile(node, client, url)
    except PeerError as error:
        log.info("anti-entropy with %s failed: %s", peer, error)
        return 0


async def confirm_own_head(node: Replica, client: PeerClient, bootstrap: list[str]) -> int:
    """Before writing, ask peers for this node's own head (it may be restored from backup)."""
    recovered = 0
    for _, url in sources(node, bootstrap):
        try:
            theirs = await client.heads(url)
        except PeerError:
            continue
        seq = theirs.get(node.id, [0, None])[0]
        mine = node.state.head_of(node.id).seq
        if seq > mine:
            recovered += await _fetch(node, client, url, node.id, mine, seq - mine)
    return recovered
