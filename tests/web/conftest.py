"""Real nodes, real headless Chromium (Debian's package), driven by Playwright.

`scripts/test.sh` installs Chromium and Playwright; the browser is never
downloaded by Playwright itself. Each test gets a fresh browser context, so
cookies never leak from one test into another.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from groupnet.config import SmtpConfig
from groupnet.service import Service
from tests.business.conftest import (
    Mailbox,
    body_of,
    mail_server,  # noqa: F401 (a fixture the sites use)
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"
# The tests photograph the main pages as they go. Into docs/screenshots (what the
# README shows) only when asked: GROUPNET_SCREENSHOTS=1 bash scripts/test.sh tests/web
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("GROUPNET_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "groupnet-screenshots"
)

playwright_api = pytest.importorskip("playwright.async_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)",
                allow_module_level=True)


@dataclass
class Site:
    """One node seen from a browser, with the API at hand for setting the scene."""

    service: Service
    token: str
    http: aiohttp.ClientSession
    mailbox: Mailbox | None = None
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.service.node.config.url

    @property
    def node(self):
        return self.service.node

    async def api(self, method: str, path: str, json=None, token: str | None = None,
                  data=None) -> dict:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        async with self.http.request(method, self.url + path, json=json, data=data,
                                     headers=headers) as response:
            body = await response.json()
            assert response.status < 300, (method, path, body)
            return body

    async def member(self, name: str, *roles: str, password: str | None = PASSWORD) -> str:
        """An active member (with roles, and a password unless None); their id."""
        email = f"{name.lower().replace(' ', '.')}@example.org"
        member = await self.api("POST", "/api/v1/members", {"name": name, "email": email})
        for role in roles:
            await self.api("POST", f"/api/v1/members/{member['id']}/roles",
                           {"role": role, "decision": "annual meeting 2016, item 3"})
        if password is not None:
            issued = await self.api("POST", f"/api/v1/members/{member['id']}/links",
                                    {"purpose": "invitation"})
            link = issued["link"] or body_of(self.mailbox.to(email)[-1])
            token = re.search(r"token=([A-Za-z0-9_\-]+)", link).group(1)
            await self.api("POST", "/api/v1/invitations/accept",
                           {"token": token, "password": password})
        self.ids[name] = member["id"]
        return member["id"]


def email_of(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@example.org"


async def sign_in(page, site: Site, name: str, password: str = PASSWORD) -> None:
    await page.goto(site.url + "/sign-in")
    await page.get_by_label("Email").fill(email_of(name))
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.wait_for_url(site.url + "/")


async def sign_in_as_operator(page, site: Site) -> None:
    await page.goto(site.url + "/sign-in")
    await page.get_by_label("Admin token").fill(site.token)
    await page.get_by_role("button", name="Sign in with admin token").click()
    await page.wait_for_url(site.url + "/")


async def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                    args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        yield await context.new_page()
    finally:
        await context.close()


def with_mail(service: Service, mail_server) -> None:  # noqa: F811
    _, port = mail_server
    service.node.config.smtp = SmtpConfig(host="127.0.0.1", port=port,
                                          from_address="Branch <branch@example.org>",
                                          starttls=False, timeout_seconds=5)


@pytest.fixture
async def site(cluster, mail_server):  # noqa: F811
    """A founded node that sends its notices through a real (local) SMTP server."""
    (service,) = await cluster.form(1, names=["Southwark"])
    with_mail(service, mail_server)
    async with aiohttp.ClientSession() as http:
        yield Site(service, cluster.tokens[0], http, mail_server[0])


@pytest.fixture
async def two_sites(cluster):
    services = await cluster.form(2, names=["Southwark", "Havering"])
    async with aiohttp.ClientSession() as http:
        yield (Site(services[0], cluster.tokens[0], http),
               Site(services[1], cluster.tokens[1], http))
