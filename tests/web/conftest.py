"""Real nodes, real headless Chromium (Debian's package), driven by Playwright.

`scripts/test.sh` installs Chromium and Playwright; the browser is never
downloaded by Playwright itself. Each test gets a fresh browser context, so
cookies never leak from one test into another.

Every page a test visits is checked by axe-core (pinned in tests/web/axe, installed
by `scripts/test.sh` with `npm ci`) at desktop and at phone width, whoever is signed
in; a serious or critical violation fails the test (`Accessibility`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
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

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# what fails a test; "moderate" and "minor" findings are left to judgement
FAILING_IMPACTS = ("serious", "critical")

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


# The innermost elements whose right edge lies beyond the viewport: what makes a phone
# scroll sideways, named so that a failure says which.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 0.5 || box.width === 0) continue;
    const inner = [...el.children].some(c => c.getBoundingClientRect().right > width + 0.5);
    if (inner) continue;
    out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}` +
             `${el.className ? "." + String(el.className).split(" ").join(".") : ""}` +
             ` (right edge ${Math.round(box.right)} px): ${el.textContent.trim().slice(0, 80)}`);
  }
  if (!out.length && document.documentElement.scrollWidth > width) {
    out.push(`the document is ${document.documentElement.scrollWidth - width} px too wide`);
  }
  return out;
}"""


async def sticking_out(page) -> list[str]:
    """What makes the page wider than its viewport (a phone scrolls sideways): [] if nothing.

    Measured once the page has loaded: a page that a click led to may be in the DOM (its
    text found) before its stylesheet applies, and unstyled it is wider."""
    await page.wait_for_load_state("load")
    return await page.evaluate(STICKING_OUT)


# Runs axe on the document in the page and answers its serious and critical violations
# (each with the selectors of the elements concerned).
AUDIT = """async (impacts) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


class Accessibility:
    """axe-core on every page the tests' browsers load, and what it found.

    Each HTML document a test's page navigates to is fetched once for it (the test's
    page gets exactly that response) and shown to a separate auditing page, which runs
    axe on it at desktop and at phone width. The test's own page is never touched
    while it works, and no page goes unchecked, however quickly a test moves on."""

    def __init__(self, chromium, source: str) -> None:
        self.chromium = chromium
        self.source = source
        self.found: list[dict] = []
        self.audited: list[str] = []
        self.failures: list[str] = []
        self.pending: list[asyncio.Future] = []
        self._auditor = None
        self._document: tuple[str, bytes] | None = None
        # (url, document) already audited: the same bytes at the same address get the
        # same verdict, so a page loaded again unchanged is not audited twice
        self._seen: set[tuple[str, bytes]] = set()
        # pages of several contexts may navigate at once; the auditor shows one at a time
        self._one_at_a_time = asyncio.Lock()

    async def watch(self, context) -> None:
        await context.route("**/*", self._on_request)

    async def _on_request(self, route) -> None:
        request = route.request
        if not (request.is_navigation_request() and request.frame.parent_frame is None):
            await route.continue_()
            return
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            # a file upload: the browser does not hand the file's bytes to Playwright, so
            # the request goes as it is, and its answer is checked when it arrives (and
            # before the test ends)
            await route.continue_()
            self.pending.append(asyncio.ensure_future(self._audit_answer(request)))
            return
        response = await route.fetch(max_redirects=0)
        body = await response.body()
        # checked before the test's page gets it: when a navigation ends, its page is checked
        if (response.status < 300 or response.status >= 400) and \
                response.headers.get("content-type", "").startswith("text/html"):
            try:
                await self.audit(request.url, body)
            except playwright_api.Error as error:  # an error here is only logged: keep it
                self.failures.append(f"{request.url}: {error}")
        await route.fulfill(response=response, body=body)

    async def _audit_answer(self, request) -> None:
        response = await request.response()
        if response is None or 300 <= response.status < 400 or \
                not response.headers.get("content-type", "").startswith("text/html"):
            return
        try:
            await self.audit(request.url, await response.body())
        except playwright_api.Error as error:
            self.failures.append(f"{request.url}: {error}")

    async def finish(self) -> None:
        """Wait for the checks of answers still arriving."""
        await asyncio.gather(*self.pending)

    async def _serve(self, route) -> None:
        if self._document is not None and route.request.url == self._document[0]:
            await route.fulfill(status=200, body=self._document[1],
                                headers={"content-type": "text/html; charset=utf-8"})
        else:
            await route.continue_()

    async def audit(self, url: str, body: bytes) -> None:
        async with self._one_at_a_time:
            await self._audit(url, body)

    async def _audit(self, url: str, body: bytes) -> None:
        seen = (url, hashlib.sha256(body).digest())
        if seen in self._seen:
            self.audited.append(url)
            return
        self._seen.add(seen)
        if self._auditor is None:
            context = await self.chromium.new_context(viewport=DESKTOP)
            await context.add_init_script(script=self.source)
            await context.route("**/*", self._serve)
            self._auditor = await context.new_page()
        page = self._auditor
        self._document = (url, body)
        for width in (DESKTOP, PHONE):
            await page.set_viewport_size(width)
            await page.goto(url)
            for violation in await page.evaluate(AUDIT, list(FAILING_IMPACTS)):
                self.found.append({"page": url, "width": width["width"], **violation})
        self.audited.append(url)

    def report(self) -> str:
        return json.dumps(self.found, indent=1)


class AuditedBrowser:
    """The browser as tests use it: every context it opens is watched by axe-core."""

    def __init__(self, chromium, accessibility: Accessibility) -> None:
        self._chromium = chromium
        self.accessibility = accessibility

    async def new_context(self, **options):
        options.setdefault("viewport", DESKTOP)
        context = await self._chromium.new_context(**options)
        await self.accessibility.watch(context)
        return context


@pytest.fixture
async def browser():
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run scripts/test.sh, or "
                    "npm ci --prefix tests/web/axe")
    async with playwright_api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                    args=CHROMIUM_ARGS)
        accessibility = Accessibility(chromium, AXE.read_text())
        try:
            yield AuditedBrowser(chromium, accessibility)
            await accessibility.finish()
        finally:
            await chromium.close()
    assert not accessibility.failures, accessibility.failures
    assert not accessibility.found, (
        f"axe-core found serious or critical violations:\n{accessibility.report()}")


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    return await context.new_page()


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


async def follow_nav(page, name: str) -> None:
    """Follow the main navigation's link `name` as a person does: opening the menu (on a
    phone) and the group it is in first, if they are closed."""
    nav = page.get_by_role("navigation", name="Main")
    menu = page.locator("header details.menu")
    if await menu.is_visible() and not await nav.is_visible():
        await menu.locator("summary").click()
    link = nav.get_by_role("link", name=name, exact=True)
    if not await link.is_visible():
        await nav.locator(f'details:has(a:text-is("{name}")) > summary').click()
    await link.click()


async def phone_page(browser):
    """A page at phone width whose document, as its scripts change it, axe-core can check
    (`audit_as_shown`): axe is given to every document of its context before any script
    of the page runs, so the page's own Content-Security-Policy stays as served."""
    context = await browser.new_context(viewport=PHONE)
    await context.add_init_script(script=AXE.read_text())
    return await context.new_page()


async def audit_as_shown(browser, page) -> None:
    """axe-core on the page as it is now, after its script changed it (a phone_page)."""
    for violation in await page.evaluate(AUDIT, list(FAILING_IMPACTS)):
        browser.accessibility.found.append(
            {"page": page.url + " (as shown)", "width": page.viewport_size["width"],
             **violation})
    browser.accessibility.audited.append(page.url)
