"""The node answers every call as its OpenAPI document says: a property-based test.

Schemathesis reads the document the node serves (made from the endpoint
tables) and generates calls for every operation, inside and outside what the
document allows. A real node (`groupnet run`, in its own process, on a
loopback port) with a little business in it answers each call twice: with
the operator's admin token and with a secretary's session. Every answer must
be no server error, have a status the document lists for the operation,
the content type it names and, where it declares one, match the answer's
schema; input the document rules out must be refused with a 4xx, and a call
without credentials with 401.

Bounded and deterministic: a fixed seed, derandomised generation and a few
examples per operation, so the suite stays fast and a failure replays.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from groupnet.web.api.routes import openapi_document
from tests.conftest import free_port

EXAMPLES = 10
CONFIG = schemathesis.Config.from_dict({
    "seed": 20240601,
    "suppress-health-check": ["all"],
    "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True,
                   "database": "none", "no-shrink": True},
    "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False},
               "stateful": {"enabled": False}, "fuzzing": {"enabled": True}},
})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection,
          ignored_auth]

# Calls left out, and why: admitting a node makes the node fetch whatever URL it is given
# (here: made-up hosts); the other three would sign the secretary out or take their office
# away, so every later call would test nothing but the refusal of a stranger.
LEFT_OUT = {("POST", "/api/v1/admissions"), ("DELETE", "/api/v1/session"),
            ("POST", "/api/v1/me/resign"), ("DELETE", "/api/v1/me/roles/{role}")}

SCHEMA = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG).exclude(
    func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in LEFT_OUT)

PASSWORD = "correct horse battery"


@dataclass
class RunningNode:
    url: str
    admin: str
    officer: str
    answered: int = 0


def _groupnet(*args: str) -> str:
    program = "import sys; from groupnet.cli.main import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", program, *args], capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout


def _call(url: str, method: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _seed(url: str, admin: str) -> str:
    """A secretary (signed in: their session token is returned), a member, a meeting with a
    motion, a due-process case and a shared motion."""

    def call(method: str, path: str, body: dict) -> dict:
        return _call(url + path, method, body, admin)

    officer = call("POST", "/api/v1/members", {"name": "Sam Secretary",
                                               "email": "sam@example.org"})["id"]
    member = call("POST", "/api/v1/members", {"name": "Mo Member", "email": "mo@example.org",
                                              "notes": "joined at the stall"})["id"]
    call("POST", f"/api/v1/members/{officer}/roles", {"role": "secretary",
                                                      "decision": "AGM 2017, item 4"})
    link = call("POST", f"/api/v1/members/{officer}/links", {"purpose": "invitation"})["link"]
    token = re.search(r"[?&]token=([A-Za-z0-9_\-]+)", link).group(1)
    session = _call(url + "/api/v1/invitations/accept", "POST",
                    {"token": token, "password": PASSWORD})["token"]
    starts = (datetime.now(UTC) + timedelta(days=40)).replace(microsecond=0).isoformat()
    meeting = call("POST", "/api/v1/meetings", {
        "kind": "general", "starts_at": starts, "agenda": ["Apologies", "Motions"],
        "place": "Community hall", "link": "https://meet.example.org/southwark"})["id"]
    call("POST", f"/api/v1/meetings/{meeting}/motions", {
        "title": "Support the strike", "text": "We support the strike.", "seconder": member,
        "proposer": officer})
    call("POST", "/api/v1/cases", {"member": member, "rule": "SO 2.1",
                                   "particulars": "Missed every meeting", "brought_by": officer})
    call("POST", "/api/v1/network/motions", {"title": "Rent controls", "text": "We call for "
                                             "rent controls.", "topics": ["housing"]})
    return session


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    directory = tmp_path_factory.mktemp("fuzzed") / "southwark"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    printed = _groupnet("init", str(directory), "--name", "Southwark", "--url", url)
    admin = re.search(r"admin token: (\S+)", printed).group(1)
    _groupnet("network", "found", str(directory), "--name", "Fuzz Network")
    program = "import sys; from groupnet.cli.main import main; sys.exit(main(sys.argv[1:]))"
    log = (directory / "run.log").open("w")
    process = subprocess.Popen([sys.executable, "-c", program, "run", str(directory)],
                               stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/.well-known/groupnet", timeout=1).close()
                break
            except urllib.error.URLError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(Path(log.name).read_text()) from None
                time.sleep(0.05)
        running = RunningNode(url, admin, _seed(url, admin))
        yield running
        print(f"\nschemathesis: {running.answered} calls answered")
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@SCHEMA.parametrize()
def test_the_node_answers_every_call_as_its_openapi_document_says(case, node):
    for token in (node.admin, node.officer):
        case.call_and_validate(base_url=node.url, checks=CHECKS, timeout=30,
                               headers={"Authorization": f"Bearer {token}"})
        node.answered += 1
