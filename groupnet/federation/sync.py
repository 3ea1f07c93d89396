"""Pull replication: catch up from any node, and keep comparing heads.

Entries are signed end to end, so any node may relay any author's log. A node
catches up by reading another node's feed in that node's acceptance order,
which is an order in which every entry's dependencies come first; a joining
node then asks a few more members for their heads and takes what they hold
beyond it (`top_up`). Afterwards, anti-entropy compares heads with a random
member now and then and fetches whatever is missing, every author's part at
once; a head with the same seq but another id is a fork, and the differing
entry is fetched as evidence.

Entries fetched from several authors' logs come in no dependency order: they
are offered oldest first (by timestamp, each log in seq order), and an entry
refused for something that may arrive later in the same fetch is offered again
while the others still bring progress (`offer`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque

from ..store import peers
from ..wire.messages import Entry
from .client import NotServed, PeerClient, PeerError
from .replica import RETRY_LATER, CheckedBatch, Replica

log = logging.getLogger("groupnet.sync")

PAGE = 2000
# pages whose signatures are checked while the page before them is stored
AHEAD = 2
# requests at once to one peer while pulling several authors' parts one by one
PER_PEER = 4
# entries asked for in one request for several authors' parts (SPEC 6.4.1: at most 5000)
LOGS_LIMIT = 5000
# entries fetched, over all authors, before they are offered: a bound on memory
ROUND = 5 * PAGE
# members a joining node asks for their heads after reading one member's feed
TOP_UP_PEERS = 4

# (author, after seq, how many): a part of one author's log to fetch
Wanted = tuple[str, int, int]


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


def missing(node: Replica, theirs: dict[str, tuple[int, str]]) -> list[Wanted]:
    """What a node whose heads are `theirs` holds beyond this one, author by author.

    A head at our seq with another id is a fork: that one entry is wanted as
    evidence. Frozen authors take nothing more (SPEC 3.3).
    """
    state = node.state
    wanted = []
    for author, (seq, ident) in sorted(theirs.items()):
        if author in state.frozen:
            continue
        mine = state.head_of(author)
        if seq == mine.seq and ident != mine.id and seq > 0:
            wanted.append((author, seq - 1, 1))
        elif seq > mine.seq:
            wanted.append((author, mine.seq, seq - mine.seq))
    return wanted


async def pull(node: Replica, client: PeerClient,
               heads: dict[str, dict[str, tuple[int, str]]],
               rng: random.Random | None = None) -> int:
    """Fetch what the nodes at these urls hold beyond this node; return how many were new.

    `heads` maps each url to the heads it answered (SPEC 6.5). Each author's
    missing part comes from a node furthest ahead in that log (ties spread at
    random), every part at once, `PER_PEER` requests at a time to each node, and
    all of them are offered together (`offer`). A node that fails is left out
    and its authors are fetched from the others.
    """
    rng = rng or random.Random()
    heads = dict(heads)
    new = 0
    while heads:
        plan = _plan(node, heads, rng)
        if not plan:
            break
        fetched, failed = await _fetch_all(client, plan)
        for url in failed:
            heads.pop(url, None)
        gained = await offer(node, fetched)
        new += gained
        if not gained and not failed:
            break
    return new


def _plan(node: Replica, heads: dict[str, dict[str, tuple[int, str]]],
          rng: random.Random) -> dict[str, list[Wanted]]:
    """Which url to ask for which part of whose log, at most `ROUND` entries in all."""
    best: dict[tuple[str, int], tuple[int, list[str]]] = {}
    for url, theirs in heads.items():
        for author, after, count in missing(node, theirs):
            most, urls = best.get((author, after), (0, []))
            if count > most:
                best[(author, after)] = (count, [url])
            elif count == most:
                urls.append(url)
    plan: dict[str, list[Wanted]] = {}
    budget = ROUND
    for (author, after), (count, urls) in sorted(best.items()):
        if budget <= 0:
            break
        take = min(count, PAGE, budget)
        plan.setdefault(rng.choice(urls), []).append((author, after, take))
        budget -= take
    return plan


async def _fetch_all(client: PeerClient,
                     plan: dict[str, list[Wanted]]) -> tuple[list[bytes], list[str]]:
    """Every planned part, from all urls at once; and the urls that failed."""
    async def from_url(url: str, wanted: list[Wanted]) -> list[bytes] | None:
        try:
            if client.serves_logs(url):
                try:
                    return await _fetch_together(client, url, wanted)
                except NotServed:
                    client.note_without_logs(url)
            return await _fetch_each(client, url, wanted)
        except PeerError as error:
            log.info("pulling from %s failed: %s", url, error)
            return None

    answers = await asyncio.gather(*(from_url(url, wanted) for url, wanted in plan.items()))
    fetched = [line for lines in answers if lines is not None for line in lines]
    return fetched, [url for url, lines in zip(plan, answers, strict=True) if lines is None]


async def _fetch_together(client: PeerClient, url: str, wanted: list[Wanted]) -> list[bytes]:
    """All the parts from one url in as few requests as its answers allow (SPEC 6.4.1).

    Each answer holds up to `LOGS_LIMIT` entries; one cut short says where it
    stopped, and the next request asks from there on. As many entries in all as
    the plan counted: an author the url holds more of (it moved on since its
    heads were read) may leave later authors to the next round.
    """
    budget = sum(count for _, _, count in wanted)
    left = [(author, after) for author, after, _ in wanted]
    lines: list[bytes] = []
    while left and budget > 0:
        got, following = await client.logs(url, left, min(budget, LOGS_LIMIT))
        lines.extend(got)
        budget -= len(got)
        if following is None:
            break
        author, seq = following
        at = next((i for i, (name, _) in enumerate(left) if name == author), None)
        if at is None:
            raise PeerError(f"{url}: Groupnet-Logs-Next names {author[:60]!r}, which was not "
                            "asked for (SPEC 6.4.1)")
        left = [(author, seq), *left[at + 1:]]
    return lines


async def _fetch_each(client: PeerClient, url: str, wanted: list[Wanted]) -> list[bytes]:
    """One request per author's part (SPEC 6.4), `PER_PEER` at a time."""
    gate = asyncio.Semaphore(PER_PEER)

    async def one(author: str, after: int, count: int) -> list[bytes]:
        async with gate:
            return await client.log(url, author, after, count)

    parts = await asyncio.gather(*(one(*part) for part in wanted))
    return [line for part in parts for line in part]


async def offer(node: Replica, lines: list[bytes]) -> int:
    """Offer entries of several logs, oldest first; return how many were new (or forks).

    One log's entries keep their seq order (a log's timestamps never go back,
    SPEC 3.2). An entry that comes before something it depends on is refused with
    a code that may pass later (`RETRY_LATER`); it is offered again while the
    others bring progress, so a dependency later in the fetch costs another pass,
    not another fetch. Signatures are checked once, ahead.
    """
    if not lines:
        return 0
    checked = await node.check(lines)
    pending = sorted((e for e in checked.parsed if isinstance(e, Entry)),
                     key=lambda e: (e.ts, e.author, e.seq))
    new = 0
    while pending:
        later: list[Entry] = []
        gained = 0
        for start in range(0, len(pending), PAGE):
            page = pending[start:start + PAGE]
            batch = CheckedBatch(list(page), checked.signer, checked.valid)
            results = await node.ingest_checked(batch)
            for entry, result in zip(page, results, strict=True):
                if result.status in ("accepted", "fork"):
                    gained += 1
                elif result.code in RETRY_LATER:
                    later.append(entry)
        new += gained
        if not gained:
            break
        pending = later
    return new


async def reconcile(node: Replica, client: PeerClient, url: str) -> int:
    """Compare heads with the node at `url` and fetch every author's missing entries.

    Its fork evidence is fetched too, unless its heads say it knows of no fork
    (a node that does not say is asked each time).
    """
    answer = await client.heads_and_forks(url)
    new = await pull(node, client, {url: answer.heads})
    if answer.forks == 0:
        return new
    for raw in await client.forks(url):
        results = await node.ingest([raw])
        new += sum(1 for r in results if r.status == "fork")
    return new


async def top_up(node: Replica, client: PeerClient, skip: str,
                 rng: random.Random | None = None) -> int:
    """Take what a few members hold beyond this node, after reading `skip`'s feed.

    The member a node joins through may lack what others already hold (it was
    away, or cut off): a few others, chosen at random, are asked for their heads
    at once, and each author's missing entries come from whichever is furthest
    ahead. Members that cannot be reached are left out.
    """
    rng = rng or random.Random()
    choices = [url for _, url in sources(node, []) if url != skip]
    chosen = rng.sample(choices, min(TOP_UP_PEERS, len(choices)))

    async def heads_of(url: str) -> dict[str, tuple[int, str]] | None:
        try:
            return await client.heads(url)
        except PeerError as error:
            log.info("reading heads from %s failed: %s", url, error)
            return None

    answers = await asyncio.gather(*(heads_of(url) for url in chosen))
    heads = {url: theirs for url, theirs in zip(chosen, answers, strict=True)
             if theirs is not None}
    return await pull(node, client, heads, rng)


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
    """Reconcile with a random member; nothing while the node is pulling already (joining)."""
    if node.pulling.locked():
        return 0
    choices = sources(node, bootstrap)
    if not choices:
        return 0
    peer, url = rng.choice(choices)
    try:
        async with node.pulling:
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
        seq = theirs.get(node.id, (0, ""))[0]
        if seq > node.state.head_of(node.id).seq:
            recovered += await pull(node, client, {url: {node.id: theirs[node.id]}})
    return recovered
