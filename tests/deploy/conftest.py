"""Nodes run the way the deploy files run them: as `groupnet` processes, through
deploy/docker-entrypoint.sh, joined into a network by deploy/network-setup.sh."""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .readers import DEPLOY

ENTRYPOINT = DEPLOY / "docker-entrypoint.sh"
NETWORK_SETUP = DEPLOY / "network-setup.sh"
BACKUP = DEPLOY / "backup.sh"


PR_SET_PDEATHSIG = 1


def stop_with_the_tests() -> None:
    """Run in each child before exec: SIGTERM it if the test process dies.

    A test run that is killed (a timeout, Ctrl-C twice) never reaches its
    fixtures' teardown; without this its nodes and proxies would go on serving.
    """
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(check: Callable[[], object], timeout: float = 30.0, what: str = "it") -> object:
    """Poll `check` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            outcome = check()
        except (OSError, ValueError):
            outcome = None
        if outcome:
            return outcome
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def get_json(url: str, token: str | None = None) -> object:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def groupnet(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["groupnet", *args], capture_output=True, text=True, timeout=120,
                          check=check)


class EntrypointNode:
    """One node started as the image starts it: the entrypoint, then `groupnet run`."""

    def __init__(self, base: Path, name: str, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.directory = base / name.lower() / "node"
        self.logs = base / f"{name.lower()}-logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.starts = 0
        self.process: subprocess.Popen | None = None
        self.token: str | None = None

    def start(self) -> None:
        self.starts += 1
        # the nodes reach each other on loopback, as a compose network's are on a private one
        env = {**os.environ, "GROUPNET_NAME": self.name, "GROUPNET_URL": self.url,
               "GROUPNET_ALLOW_PRIVATE_PEERS": "true", **self.env}
        with self.stdout_path().open("w") as out, self.stderr_path().open("w") as err:
            self.process = subprocess.Popen(
                [str(ENTRYPOINT), "groupnet", "run", str(self.directory),
                 "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, stdout=out, stderr=err, start_new_session=True,
                preexec_fn=stop_with_the_tests,
            )
        eventually(self.answers, what=f"{self.name} to serve")
        if self.starts == 1:
            self.token = re.search(r"^admin token: (\S+)$", self.stdout(), re.M).group(1)

    def answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited: {self.stderr_path().read_text()}")
        return bool(get_json(self.url + "/.well-known/groupnet"))

    def stop(self) -> int:
        """SIGTERM, as Docker and systemd stop it; return its exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def stop_if_running(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stdout_path(self, start: int | None = None) -> Path:
        return self.logs / f"stdout-{start or self.starts}"

    def stderr_path(self, start: int | None = None) -> Path:
        return self.logs / f"stderr-{start or self.starts}"

    def stdout(self, start: int | None = None) -> str:
        return self.stdout_path(start).read_text()

    def heads(self) -> dict[str, list]:
        return get_json(self.url + "/fed/v1/heads")["heads"]


def run_network_setup(nodes: list[EntrypointNode], name: str = "Test Network",
                      ) -> subprocess.CompletedProcess:
    arguments = [str(NETWORK_SETUP), name]
    for node in nodes:
        arguments += [str(node.directory), node.url]
    return subprocess.run(arguments, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "GROUPNET_WAIT_SECONDS": "30"})


@pytest.fixture(scope="module")
def compose_network(tmp_path_factory) -> Iterator[list[EntrypointNode]]:
    """The compose file's three nodes and its setup step, without Docker."""
    base = tmp_path_factory.mktemp("compose")
    nodes = [EntrypointNode(base, name) for name in ("Southwark", "Havering", "Birmingham")]
    try:
        for node in nodes:
            node.start()
        setup = run_network_setup(nodes)
        assert setup.returncode == 0, setup.stdout + setup.stderr
        yield nodes
    finally:
        for node in nodes:
            node.stop_if_running()


@pytest.fixture(scope="module")
def lone_node(tmp_path_factory) -> Iterator[EntrypointNode]:
    """A node in a network of its own, with a profile: entries to back up. Like a
    container behind a proxy, it trusts the proxy's address (loopback here)."""
    node = EntrypointNode(tmp_path_factory.mktemp("lone"), "Leeds",
                          {"GROUPNET_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        node.start()
        groupnet("network", "found", str(node.directory), "--name", "Leeds Network")
        groupnet("profile", "set", str(node.directory), "--area", "Leeds and Bradford")
        yield node
    finally:
        node.stop_if_running()
