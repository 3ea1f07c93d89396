"""A node killed with SIGKILL mid-replication loses nothing it acknowledged, and converges.

Here the nodes are what a user runs: `groupnet init`, `groupnet run` as separate
processes, the CLI writing into a running node's database. One node publishes
hundreds of entries while another is killed (no chance to clean up) and
restarted, again and again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import aiohttp
import pytest

from groupnet import config
from groupnet.wire import messages

from ..conftest import eventually, free_port
from .wire import api, push

CLI = [sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())"]
# The same, for processes that outlive a command: on Linux they ask to be killed
# when the test process dies (PR_SET_PDEATHSIG), so an interrupted run leaves none.
LINGERING = [sys.executable, "-c", "import ctypes, signal; "
             "ctypes.CDLL(None).prctl(1, signal.SIGKILL); "
             "from groupnet.cli.main import main; raise SystemExit(main())"]

# Appends profile updates to a node's log from a second process, as `groupnet
# profile set` does, while that node's server runs: at least `count`, and on
# until the file `stop` exists.
PUBLISHER = """
import asyncio, ctypes, signal, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL)
from pathlib import Path
from groupnet.network import joining
from groupnet.network.node import Node

async def publish(directory, count, stop):
    node = await Node.open(Path(directory))
    try:
        i = 0
        while i < count or not stop.exists():
            await joining.set_profile(node, {"area": f"area {i}"})
            await asyncio.sleep(0.01)
            i += 1
    finally:
        await node.close()

asyncio.run(publish(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
"""
ENTRIES = 200


async def groupnet(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        *CLI, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, f"groupnet {' '.join(args)}: {output.decode()}"
    return output.decode()


class NodeProcess:
    """`groupnet run DIR` in its own process group, so a kill takes its workers too."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.token = ""
        self.id = ""
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def init(self, name: str) -> None:
        output = await groupnet("init", str(self.directory), "--name", name,
                                "--url", self.url, "--port", str(self.port),
                                "--allow-private-peers")
        self.token = output.split("admin token:")[1].split()[0]
        self.id = output.split("node id:")[1].split()[0]
        node_toml = self.directory / config.CONFIG_FILE
        node_toml.write_text(node_toml.read_text().replace(
            "sync_interval_seconds = 5.0", "sync_interval_seconds = 0.5"))

    async def start(self) -> None:
        self.starts += 1
        log = self.directory.with_name(f"{self.directory.name}-{self.starts}.log")
        with log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                *LINGERING, "run", str(self.directory), stdout=log, stderr=log,
                start_new_session=True,
            )

        async def serving() -> bool:
            try:
                async with aiohttp.ClientSession() as http, http.get(
                    self.url + "/.well-known/groupnet"
                ) as response:
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        await eventually(serving, what=f"{self.url} serving")

    async def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            await self.kill()
            raise AssertionError(f"{self.url} ignored SIGTERM") from None

    async def heads(self) -> dict:
        async with aiohttp.ClientSession() as http, http.get(
            self.url + "/fed/v1/heads"
        ) as response:
            return (await response.json())["heads"]

    async def state_hash(self) -> str:
        _, answer = await api("GET", self.url + "/api/v1/node", self.token)
        return answer["state_hash"]

    async def entry_ids(self) -> set[str]:
        async with aiohttp.ClientSession() as http, http.get(
            self.url + "/fed/v1/feed", params={"after": 0, "limit": 5000}
        ) as response:
            lines = (await response.read()).split(b"\n")
        return {messages.parse(line).id for line in lines if line}

    def stored_ids(self) -> set[str]:
        """Read straight from the database file, as it was left."""
        with sqlite3.connect(self.directory / config.DB_FILE) as db:
            return {row[0] for row in db.execute("SELECT id FROM entries")}


@pytest.fixture
async def nodes(tmp_path: Path):
    started = [NodeProcess(tmp_path / name, free_port()) for name in ("a", "b", "c")]
    try:
        yield started
    finally:
        await asyncio.gather(*(n.stop() for n in started))


async def test_a_node_killed_mid_replication_loses_nothing_and_converges(nodes, tmp_path):
    a, b, c = nodes
    await asyncio.gather(*(n.init(name) for n, name in zip(
        nodes, ("Southwark", "Havering", "Birmingham"), strict=True)))
    await asyncio.gather(*(n.start() for n in nodes))
    rules = tmp_path / "rules.toml"
    rules.write_text("witness_interval_seconds = 1\n")
    await groupnet("network", "found", str(a.directory), "--name", "Crash Test",
                   "--rules", str(rules))
    await asyncio.gather(*(groupnet("network", "admit", str(a.directory), n.url)
                           for n in (b, c)))
    await asyncio.gather(*(groupnet("network", "join", str(n.directory), a.url)
                           for n in (b, c)))
    author = a.id

    stop = tmp_path / "stop-publishing"
    publisher = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PUBLISHER, str(a.directory), str(ENTRIES), str(stop))
    acknowledged: set[str] = set()
    try:
        for _ in range(3):
            seen = (await b.heads()).get(author, [0])[0]
            await eventually(lambda s=seen: _seq_at(b, author, s + 20),
                             what="B receiving more of A's entries")
            # B acknowledges a batch read straight from A's log (some of it new to B,
            # some already held), then dies at once
            after = (await b.heads()).get(author, [0])[0] - 10
            async with aiohttp.ClientSession() as http, http.get(
                f"{a.url}/fed/v1/log/{author}", params={"after": after, "limit": 50}
            ) as response:
                batch = [line for line in (await response.read()).split(b"\n") if line]
            results = await push(b.url, *batch)
            acknowledged |= {r["id"] for r in results
                             if r["status"] in ("accepted", "duplicate")}
            await b.kill()
            assert acknowledged <= b.stored_ids()
            await b.start()
    finally:
        stop.touch()
        assert await asyncio.wait_for(publisher.wait(), 60) == 0

    seen: dict[str, list] = {}

    # the nodes keep witnessing (every second), so what each holds is compared in the same
    # round as the heads and hashes, and the round is tried again until all three agree
    async def converged() -> bool:
        seen["heads"] = [await n.heads() for n in nodes]
        seen["hashes"] = [await n.state_hash() for n in nodes]
        seen["held"] = [await n.entry_ids() for n in nodes]
        return seen["heads"][0] == seen["heads"][1] == seen["heads"][2] \
            and len(set(seen["hashes"])) == 1 and seen["held"][0] == seen["held"][1] \
            == seen["held"][2]

    try:
        await eventually(converged, timeout=60, what="the three nodes to converge")
    except AssertionError as error:
        raise AssertionError(f"{error}; last seen: {seen['heads']}, {seen['hashes']}") \
            from None
    assert acknowledged <= seen["held"][1]
    assert (await a.heads())[author][0] >= ENTRIES

    await asyncio.gather(*(n.stop() for n in nodes))
    reports = await asyncio.gather(*(groupnet("verify", str(n.directory)) for n in nodes))
    for report in reports:
        assert "0 problem(s)" in report


async def _seq_at(node: NodeProcess, author: str, seq: int) -> bool:
    return (await node.heads()).get(author, [0])[0] >= seq
