"""A branch: a real node with a register of members, a real SMTP server, and a clock to move.

Notice periods are days long, so the tests move the node's business clock
forward (`Branch.days_pass`) instead of waiting. Everything else is what a
user would run: HTTP to the node, SQLite underneath, mail through aiosmtpd.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message

import aiohttp
import pytest
from aiosmtpd.controller import Controller

from groupnet import clock
from groupnet.config import SmtpConfig
from groupnet.procedure.group.standing_orders import DAY_MS, HOUR_MS
from groupnet.service import Service
from tests.conftest import free_port

PASSWORD = "correct horse battery"
DAY = DAY_MS
HOUR = HOUR_MS


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, email: str) -> list[Message]:
        return [m for m in self.messages if email in m["To"]]


@dataclass
class Answer:
    status: int
    body: dict

    @property
    def code(self) -> str | None:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return error["code"] if error else None

    @property
    def reason(self) -> str:
        return self.body["error"]["reason"]


@dataclass
class Branch:
    """One group's node. `tokens` holds the callers: "admin" and each signed-in member."""

    service: Service
    http: aiohttp.ClientSession
    mailbox: Mailbox
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def node(self):
        return self.service.node

    async def call(self, method: str, path: str, as_: str = "admin", json=None) -> Answer:
        headers = {"Authorization": f"Bearer {self.tokens.get(as_, as_)}"}
        async with self.http.request(method, self.node.config.url + path, json=json,
                                     headers=headers) as response:
            return Answer(response.status, await response.json())

    async def ok(self, method: str, path: str, as_: str = "admin", json=None) -> dict:
        answer = await self.call(method, path, as_, json)
        assert answer.status < 300, (method, path, answer.body)
        return answer.body

    async def add(self, name: str, *roles: str, sign_in: bool = False) -> str:
        """A new active member (optionally an officer, optionally signed in); their id."""
        email = f"{name.lower().replace(' ', '.')}@example.org"
        member = await self.ok("POST", "/api/v1/members", json={"name": name, "email": email})
        for role in roles:
            await self.ok("POST", f"/api/v1/members/{member['id']}/roles",
                          json={"role": role, "decision": "annual meeting 2016, item 3"})
        self.ids[name] = member["id"]
        if sign_in:
            self.tokens[name] = await self.sign_in(member["id"], email)
        return member["id"]

    async def sign_in_again(self, name: str) -> None:
        """Sessions end after two idle weeks; after weeks pass, a member signs in again."""
        email = f"{name.lower().replace(' ', '.')}@example.org"
        session = await self.ok("POST", "/api/v1/session", as_="nobody",
                                json={"email": email, "password": PASSWORD})
        self.tokens[name] = session["token"]

    async def sign_in(self, member_id: str, email: str) -> str:
        """Invite the member (the link arrives by mail), accept it: a session token."""
        before = len(self.mailbox.to(email))
        await self.ok("POST", f"/api/v1/members/{member_id}/links",
                      json={"purpose": "invitation"})
        (invitation,) = self.mailbox.to(email)[before:]
        token = re.search(r"[?&]token=([A-Za-z0-9_\-]+)", body_of(invitation)).group(1)
        accepted = await self.ok("POST", "/api/v1/invitations/accept", as_="nobody",
                                 json={"token": token, "password": PASSWORD})
        return accepted["token"]

    def now(self) -> int:
        return clock.now(self.node)

    def days_pass(self, days: float) -> None:
        clock.advance(self.node, int(days * DAY))

    def iso(self, ms: int) -> str:
        return datetime.fromtimestamp(ms / 1000, UTC).isoformat()

    def in_days(self, days: float) -> str:
        """A moment `days` from now on the node's clock, as the API takes times."""
        return self.iso(self.now() + int(days * DAY))

    async def audit_count(self) -> int:
        async with self.node.db.execute("SELECT COUNT(*) FROM audit") as cursor:
            (n,) = await cursor.fetchone()
        return n

    async def state(self) -> tuple[int, list[tuple]]:
        """The audit count and every business record: what a refused request must not change."""
        return await self.audit_count(), await self.records()

    async def records(self) -> list[tuple]:
        async with self.node.db.execute(
            "SELECT kind, id, version, body FROM records ORDER BY kind, id"
        ) as cursor:
            return list(await cursor.fetchall())


def body_of(message: Message) -> str:
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    if part is None:
        for piece in message.walk():
            if piece.get_content_type() == "text/plain":
                return piece.get_payload(decode=True).decode()
        return message.get_payload(decode=True).decode()
    return part.get_content()


def attachments_of(message: Message) -> list[tuple[str, bytes]]:
    return [(part.get_filename(), part.get_payload(decode=True))
            for part in message.walk() if part.get_filename()]


# aiosmtpd logs each connection at info level from its own thread, sometimes after the
# test's captured stream has closed ("Logging error" in the suite's output): its warnings do
logging.getLogger("mail.log").setLevel(logging.WARNING)


@pytest.fixture
async def mail_server():
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


async def open_branch(service: Service, token: str, mail_server) -> Branch:
    mailbox, port = mail_server
    service.node.config.smtp = SmtpConfig(host="127.0.0.1", port=port,
                                          from_address="Branch <branch@example.org>",
                                          starttls=False, timeout_seconds=5)
    http = aiohttp.ClientSession()
    return Branch(service, http, mailbox, {"admin": token})


async def _officers(b: Branch) -> Branch:
    await b.add("Chris Chair", "chair", sign_in=True)
    await b.add("Sam Secretary", "secretary", sign_in=True)
    return b


@pytest.fixture
async def branch(cluster, mail_server):
    """A founded node with a chair and a secretary (both signed in) and nobody else yet."""
    (service,) = await cluster.form(1, names=["Southwark"])
    b = await open_branch(service, cluster.tokens[0], mail_server)
    try:
        yield await _officers(b)
    finally:
        await b.http.close()


@pytest.fixture
async def networked(cluster, mail_server):
    """The branch of `branch` in a network with a second group (its Service)."""
    services = await cluster.form(2, names=["Southwark", "Havering"])
    b = await open_branch(services[0], cluster.tokens[0], mail_server)
    try:
        yield await _officers(b), services[1]
    finally:
        await b.http.close()
