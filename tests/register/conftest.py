"""A group's node with people in its register, reached over HTTP as a member would."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
import sys
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiosmtpd.controller import Controller

from groupnet import clock
from groupnet.config import SmtpConfig
from groupnet.procedure.group.standing_orders import DAY_MS, GroupStandingOrders
from groupnet.service import Service

from ..conftest import free_port

PASSWORD = "correct horse battery"


@dataclass
class Answer:
    status: int
    body: object
    headers: dict

    def code(self) -> str | None:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return error["code"] if error else None


@dataclass
class Group:
    """One node; `tokens` are the callers used in tests: admin, officer, member."""

    service: Service
    http: aiohttp.ClientSession
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.service.node.config.url

    @property
    def node(self):
        return self.service.node

    async def call(self, method: str, path: str, as_: str | None = "admin", json=None,
                   data: bytes | str | None = None, headers: dict | None = None,
                   params: dict | None = None) -> Answer:
        headers = dict(headers or {})
        if as_ is not None:
            headers["Authorization"] = f"Bearer {self.tokens.get(as_, as_)}"
        async with self.http.request(method, self.url + path, json=json, data=data,
                                     headers=headers, params=params) as response:
            if response.content_type == "application/json":
                body = await response.json()
            else:
                body = await response.text()
            return Answer(response.status, body, dict(response.headers))

    async def add(self, name: str, email: str, **fields) -> str:
        answer = await self.call("POST", "/api/v1/members",
                                 json={"name": name, "email": email, **fields})
        assert answer.status == 201, answer.body
        return answer.body["id"]

    async def sign_up(self, member_id: str, password: str = PASSWORD) -> str:
        """An officer's invitation (no SMTP: the link comes back), accepted: a session."""
        issued = await self.call("POST", f"/api/v1/members/{member_id}/links",
                                 json={"purpose": "invitation"})
        assert issued.status == 201, issued.body
        token = link_token(issued.body["link"])
        accepted = await self.call("POST", "/api/v1/invitations/accept", as_=None,
                                   json={"token": token, "password": password})
        assert accepted.status == 201, accepted.body
        return accepted.body["token"]


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's)
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m, rcpt in zip(self.messages, self.recipients, strict=True)
                if address in rcpt]


@pytest.fixture
def smtp_server():
    """A real SMTP server on a loopback port: (its inbox, its port)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def smtp_settings(port: int) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=port, starttls=False, timeout_seconds=5,
                      from_address="Southwark group <southwark@example.org>")


async def lapse_by_the_rules(group: Group, member_id: str, as_: str = "officer") -> Answer:
    """Lapse a member as standing orders 9.3 and 9.4 allow: dues unpaid past the grace
    period, notice given and passed on (no SMTP here), the notice period run."""
    paid = await group.call("POST", f"/api/v1/members/{member_id}/dues", as_=as_,
                            json={"paid_until": "2016-01-31", "note": "last paid in January"})
    assert paid.status == 200, paid.body
    given = await group.call("POST", f"/api/v1/members/{member_id}/lapse-notice", as_=as_)
    assert given.status == 201, given.body
    waiting = await group.call("GET", "/api/v1/notices", as_=as_)
    (notice,) = [n for n in waiting.body["notices"]
                 if n["kind"] == "lapse" and n["member_id"] == member_id]
    passed = await group.call("POST", f"/api/v1/notices/{notice['id']}/passed-on", as_=as_)
    assert passed.status == 200, passed.body
    clock.advance(group.node, GroupStandingOrders().lapse_notice_days * DAY_MS)
    lapsed = await group.call("POST", f"/api/v1/members/{member_id}/status", as_=as_,
                              json={"status": "lapsed", "reason": "dues unpaid since January"})
    assert lapsed.status == 200, lapsed.body
    return lapsed


def cli(*args: str) -> subprocess.CompletedProcess:
    """`groupnet ARGS…` in its own process, as an operator runs it."""
    program = "import sys; from groupnet.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", program, *args], capture_output=True,
                          text=True, timeout=120)


def link_token(link: str) -> str:
    match = re.search(r"[?&]token=([A-Za-z0-9_\-]+)", link)
    assert match, link
    return match.group(1)


@pytest.fixture
async def group(cluster) -> Group:
    """A founded node whose register holds a secretary and a member, both signed in."""
    (service,) = await cluster.form(1, names=["Southwark"])
    async with aiohttp.ClientSession() as http:
        g = Group(service, http, {"admin": cluster.tokens[0]})
        g.ids["officer"] = await g.add("Sam Secretary", "sam@example.org")
        g.ids["member"] = await g.add("Mo Member", "mo@example.org")
        answer = await g.call("POST", f"/api/v1/members/{g.ids['officer']}/roles",
                              json={"role": "secretary", "decision": "AGM 2017, item 4"})
        assert answer.status == 200, answer.body
        g.tokens["officer"] = await g.sign_up(g.ids["officer"])
        g.tokens["member"] = await g.sign_up(g.ids["member"])
        yield g
