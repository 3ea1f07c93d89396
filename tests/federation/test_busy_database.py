"""A node whose database another process is writing to waits, or says "busy"; never 500.

The command line writes into a running node's directory: its transactions
hold SQLite's write lock while the server takes pushes and API writes. The
server must wait for the lock (the busy timeout), or, if it cannot get it in
time, answer 503 `busy` with Retry-After; it must never fail a request with
500, and nothing sent to it may be lost.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
import time

import aiohttp

from groupnet import config
from groupnet.clock import now_ms
from groupnet.wire import crypto, messages
from groupnet.wire.messages import Admit, NetworkStandingOrders, Profile

WRITERS = 6
ENTRIES_PER_WRITER = 150
API_MEMBERS = 40
READERS = 8
CLI_IMPORTS = 4
ROWS_PER_IMPORT = 1500
QUIET = NetworkStandingOrders(witness_interval_seconds=3600)
CLI = [sys.executable, "-c", "import sys; from groupnet.cli.main import main; sys.exit(main())"]


def chain(key: crypto.SigningKey, net: str, length: int) -> list[messages.Entry]:
    entries: list[messages.Entry] = []
    for seq in range(1, length + 1):
        prev = entries[-1].id if entries else None
        entries.append(messages.build(key, net, key.public, seq, prev, now_ms() + seq,
                                      "group.profile", Profile(name="Writer", area=f"w{seq}")))
    return entries


async def until_taken(http: aiohttp.ClientSession, method: str, url: str, answers: list,
                      deadline: float, **request) -> int:
    """Send until the node answers something other than 503 busy; record every answer."""
    while True:
        async with http.request(method, url, **request) as response:
            body = await response.read()
            answers.append((response.status, response.headers.get("Retry-After"), body))
            if response.status != 503 or time.monotonic() > deadline:
                return response.status
        await asyncio.sleep(float(response.headers.get("Retry-After", "1")) / 10)


async def test_pushes_and_api_writes_racing_command_line_writes_get_no_500_and_lose_nothing(
        cluster, tmp_path):
    (service,) = await cluster.form(1, orders=QUIET)
    node, token = service.node, cluster.tokens[0]
    keys = [crypto.SigningKey.generate() for _ in range(WRITERS)]
    for n, key in enumerate(keys):
        await node.append("node.admit", Admit(key.public, f"Writer {n}", "http://127.0.0.1:9"))
    chains = [chain(key, node.state.net, ENTRIES_PER_WRITER) for key in keys]
    csvs = []
    for i in range(CLI_IMPORTS):
        path = tmp_path / f"import-{i}.csv"
        path.write_text("name,email,joined\n" + "".join(
            f"Imported {i}-{r},cli{i}-{r}@example.org,2016-01-01\n"
            for r in range(ROWS_PER_IMPORT)))
        csvs.append(path)

    answers: list[tuple[int, str | None, bytes]] = []
    deadline = time.monotonic() + 120
    url = node.config.url
    auth = {"Authorization": f"Bearer {token}"}
    cli_done = asyncio.Event()

    async def command_line() -> list[int]:
        codes = []
        for i, path in enumerate(csvs):
            process = await asyncio.create_subprocess_exec(
                *CLI, "member", "import", str(node.directory), str(path),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
            output, _ = await process.communicate()
            codes.append(process.returncode)
            assert process.returncode == 0, output.decode()
            process = await asyncio.create_subprocess_exec(
                *CLI, "member", "add", str(node.directory), "--name", f"Added {i}",
                "--email", f"added{i}@example.org",
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
            output, _ = await process.communicate()
            assert process.returncode == 0, output.decode()
        cli_done.set()
        return codes

    async def pusher(http: aiohttp.ClientSession, entries: list[messages.Entry]) -> None:
        for entry in entries:
            await until_taken(http, "POST", url + "/fed/v1/inbox", answers, deadline,
                              data=entry.raw + b"\n",
                              headers={"Content-Type": "application/x-ndjson"})

    async def api_writer(http: aiohttp.ClientSession, start: int) -> None:
        for n in range(start, API_MEMBERS, 2):
            await until_taken(http, "POST", url + "/api/v1/members", answers, deadline,
                              json={"name": f"Api {n}", "email": f"api{n}@example.org"},
                              headers=auth)

    async def reader(http: aiohttp.ClientSession) -> None:
        # reads on the node's one connection, interleaved with its writes
        while not cli_done.is_set() and time.monotonic() < deadline:
            for path in ("/api/v1/members?limit=20", "/api/v1/node", "/fed/v1/heads"):
                async with http.get(url + path, headers=auth) as response:
                    await response.read()
                    answers.append((response.status, None, b"read " + path.encode()))

    async with aiohttp.ClientSession() as http:
        cli = asyncio.create_task(command_line())
        await asyncio.gather(
            cli, *(pusher(http, c) for c in chains), api_writer(http, 0), api_writer(http, 1),
            *(reader(http) for _ in range(READERS)))

    failures = [(status, body[:300]) for status, _, body in answers if status >= 500
                and status != 503]
    assert failures == [], failures
    for status, retry_after, body in answers:
        if status == 503:
            assert retry_after is not None and b'"busy"' in body, body
    assert not [a for a in answers if a[0] not in (200, 201, 503)], answers

    # nothing lost: every pushed entry, every member sent over the API or the command line
    for key in keys:
        assert node.state.head_of(key.public).seq == ENTRIES_PER_WRITER
    with sqlite3.connect(node.directory / config.DB_FILE) as db:
        (members,) = db.execute("SELECT COUNT(*) FROM members").fetchone()
        marks = ",".join("?" * len(keys))
        (entries,) = db.execute(f"SELECT COUNT(*) FROM entries WHERE author IN ({marks})",
                                [k.public for k in keys]).fetchone()
    assert members == API_MEMBERS + CLI_IMPORTS * (ROWS_PER_IMPORT + 1)
    assert entries == WRITERS * ENTRIES_PER_WRITER


async def holding_the_write_lock(node) -> sqlite3.Connection:
    """Another process's connection (as the command line's), inside a write transaction.

    Taken in a thread: the node may be inside a write of its own, which it can only
    finish while this event loop runs."""
    other = sqlite3.connect(node.directory / config.DB_FILE, isolation_level=None,
                            check_same_thread=False, timeout=60)
    await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
    return other


async def test_a_write_waits_for_another_process_even_while_a_read_is_in_progress(cluster):
    (service,) = await cluster.form(1, orders=QUIET)
    node = service.node
    other = await holding_the_write_lock(node)
    try:
        # a read some task of the node has started and not yet finished with
        async with node.db.execute("SELECT rx, raw FROM entries") as reading:
            write = asyncio.create_task(node.append("group.profile", Profile(name="Southwark",
                                                                             area="Walworth")))
            await asyncio.sleep(0.5)
            assert not write.done(), "the write gave up instead of waiting for the lock"
            other.execute("COMMIT")
            entry = await write
            assert len(await reading.fetchall()) >= 1
    finally:
        other.close()
    assert node.state.profiles[node.id][0] == entry.id


async def test_a_database_busy_past_the_timeout_is_answered_503_busy_and_changes_nothing(
        cluster, monkeypatch):
    from groupnet import store

    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 300)
    (service,) = await cluster.form(1, orders=QUIET)
    node, token = service.node, cluster.tokens[0]
    key = crypto.SigningKey.generate()
    await node.append("node.admit", Admit(key.public, "Writer", "http://127.0.0.1:9"))
    (entry,) = chain(key, node.state.net, 1)
    before = node.last_rx
    url, auth = node.config.url, {"Authorization": f"Bearer {token}"}
    other = await holding_the_write_lock(node)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(url + "/fed/v1/inbox", data=entry.raw + b"\n") as response:
                assert response.status == 503
                assert response.headers["Retry-After"] == "1"
                assert (await response.json())["error"]["code"] == "busy"
            async with http.post(url + "/api/v1/members", headers=auth,
                                 json={"name": "Ann", "email": "ann@example.org"}) as response:
                assert response.status == 503
                assert (await response.json())["error"]["code"] == "busy"
        # the same from the officers' page, in words
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as page:
            async with page.get(url + "/members", headers=auth) as response:
                form = await response.text()
            csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
            async with page.post(url + "/members", headers=auth, data={
                    "csrf": csrf, "name": "Ann", "email": "ann@example.org"}) as response:
                assert response.status == 503 and response.headers["Retry-After"] == "1"
                assert "busy with another writer" in await response.text()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert node.last_rx == before
    async with aiohttp.ClientSession() as http:
        async with http.post(url + "/fed/v1/inbox", data=entry.raw + b"\n") as response:
            assert (await response.json())["results"][0]["status"] == "accepted"
        async with http.post(url + "/api/v1/members", headers=auth,
                             json={"name": "Ann", "email": "ann@example.org"}) as response:
            assert response.status == 201
