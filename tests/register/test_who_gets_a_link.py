"""A sign-in link lets whoever holds it act as the member, so it reaches the member alone;
every use of one is recorded and told to the member."""

from __future__ import annotations

import asyncio
import re

from groupnet import clock
from groupnet.group import register

from ..conftest import eventually, free_port
from .conftest import PASSWORD, cli, link_token, smtp_settings

TAKEN_OVER = "a passphrase only the officer knows"


async def _links_held(group, member_id: str) -> int:
    async with group.node.db.execute(
        "SELECT COUNT(*) FROM links WHERE member_id = ? AND used_at IS NULL", (member_id,)
    ) as cursor:
        return (await cursor.fetchone())[0]


async def _nothing_shows_a_link(group) -> None:
    """No list of notices, and no notice read whole, shows a usable link, to anyone."""
    for as_ in ("officer", "admin"):
        waiting = await group.call("GET", "/api/v1/notices", as_=as_)
        assert "token=" not in str(waiting.body)
        for notice in waiting.body["notices"]:
            one = await group.call("GET", f"/api/v1/notices/{notice['id']}", as_=as_)
            assert "token=" not in str(one.body)
    page = await group.call("GET", "/notices", as_="officer")
    assert "token=" not in page.body
    async with group.node.db.execute("SELECT COUNT(*) FROM notices WHERE secret != ''") as c:
        assert (await c.fetchone())[0] == 0, "the node holds no link once the request is done"


async def test_without_mail_an_officer_cannot_get_a_reset_link_for_an_account_in_use(group):
    mo = group.ids["member"]
    asked = await group.call("POST", f"/api/v1/members/{mo}/links", as_="officer",
                             json={"purpose": "reset"})
    assert asked.status == 409 and asked.code() == "reset_needs_mail"
    assert "groupnet member invite" in asked.body["error"]["reason"]
    assert "link" not in asked.body
    operator = await group.call("POST", f"/api/v1/members/{mo}/links", as_="admin",
                                json={"purpose": "reset"})
    assert operator.status == 409 and operator.code() == "reset_needs_mail"
    assert await _links_held(group, mo) == 0
    await _nothing_shows_a_link(group)
    # Mo's own password and session are untouched
    assert (await group.call("GET", "/api/v1/me", as_="member")).status == 200
    page = await group.call("GET", f"/members/{mo}", as_="officer")
    assert "Send password-reset link" not in page.body and "--reset" in page.body


async def test_a_reset_asked_for_anonymously_never_lands_with_the_officers(group):
    for email in ("sam@example.org", "mo@example.org"):
        asked = await group.call("POST", "/api/v1/password-reset", as_=None,
                                 json={"email": email})
        assert asked.status == 202
        assert "ask the node's operator" in asked.body["message"]
    waiting = await group.call("GET", "/api/v1/notices", as_="officer")
    assert [n for n in waiting.body["notices"] if n["kind"] == "reset"] == []
    assert await _links_held(group, group.ids["officer"]) == 0
    await _nothing_shows_a_link(group)


async def test_a_new_members_invitation_goes_to_the_officer_who_asked_and_nobody_else(group):
    ann = await group.add("Ann Archer", "ann@example.org")
    issued = await group.call("POST", f"/api/v1/members/{ann}/links", as_="officer",
                              json={"purpose": "invitation"})
    assert issued.status == 201
    assert issued.body["link"].startswith(f"{group.url}/invitation?token=")
    notice = issued.body["notice"]
    assert notice["status"] == "pending" and "token=" not in notice["body"]
    shown = await group.call("GET", f"/api/v1/notices/{notice['id']}", as_="admin")
    assert shown.status == 200 and "not shown here" in shown.body["body"]
    await _nothing_shows_a_link(group)
    accepted = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                                json={"token": link_token(issued.body["link"]),
                                      "password": PASSWORD})
    assert accepted.status == 201


async def test_an_invitation_kept_back_cannot_overwrite_a_password_set_meanwhile(
        group, smtp_server):
    inbox, port = smtp_server
    ann = await group.add("Ann Archer", "ann@example.org")
    # the mail server is down: the officer is handed Ann's invitation, and keeps it
    group.node.config.smtp = smtp_settings(free_port())
    kept = await group.call("POST", f"/api/v1/members/{ann}/links", as_="officer", json={})
    assert kept.body["notice"]["status"] == "failed" and kept.body["link"]
    # Ann asks for a link herself once mail works, and sets her password with it
    group.node.config.smtp = smtp_settings(port)
    await group.call("POST", "/api/v1/password-reset", as_=None,
                     json={"email": "ann@example.org"})
    await eventually(lambda: inbox.to("ann@example.org"), what="Ann's link")
    own = re.search(r"http://\S+", inbox.to("ann@example.org")[0].get_content()).group(0)
    done = await group.call("POST", "/api/v1/password-reset/accept", as_=None,
                            json={"token": link_token(own), "password": PASSWORD})
    assert done.status == 201
    late = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                            json={"token": link_token(kept.body["link"]),
                                  "password": TAKEN_OVER})
    assert late.status == 410 and late.code() == "link_used"
    signed_in = await group.call("POST", "/api/v1/session", as_=None,
                                 json={"email": "ann@example.org", "password": PASSWORD})
    assert signed_in.status == 201


async def test_every_use_of_a_link_is_recorded_and_told_to_the_member_on_their_page(group):
    ann = await group.add("Ann Archer", "ann@example.org")
    issued = await group.call("POST", f"/api/v1/members/{ann}/links", as_="officer", json={})
    accepted = await group.call(
        "POST", "/api/v1/invitations/accept", as_=None,
        json={"token": link_token(issued.body["link"]), "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"})  # not a trusted proxy: ignored
    assert accepted.status == 201
    trail = await group.call("GET", f"/api/v1/audit?subject=member:{ann}")
    used = [r for r in trail.body["rows"] if r["action"] == "password.set_by_invitation"]
    assert used[0]["detail"]["address"] == "127.0.0.1"
    page = await group.call("GET", "/me", as_=accepted.body["token"])
    account = page.body[page.body.index('id="account"'):]
    assert "Your password for Southwark was set" in account
    assert "through an invitation" in account and "from the address 127.0.0.1" in account
    # it is Ann's alone: not in the officers' list of notices to pass on
    waiting = await group.call("GET", "/api/v1/notices", as_="officer")
    assert [n for n in waiting.body["notices"] if n["kind"] == "account"] == []
    # the operator at the node's own command line may make a reset link by hand ...
    directory = str(group.node.directory)
    made = await asyncio.to_thread(cli, "member", "invite", directory, "ann@example.org",
                                   "--reset")
    assert made.returncode == 0, made.stderr
    link = made.stdout.splitlines()[1].strip()
    assert link.startswith(f"{group.url}/password-reset?token=")
    reset = await group.call("POST", "/api/v1/password-reset/accept", as_=None,
                             json={"token": link_token(link), "password": "a new passphrase"})
    assert reset.status == 201
    # ... and Ann sees that it was used
    page = await group.call("GET", "/me", as_=reset.body["token"])
    assert "through a password-reset link" in page.body[page.body.index('id="account"'):]


async def test_with_mail_a_reset_goes_to_the_member_alone_and_its_use_is_mailed_to_them(
        group, smtp_server):
    inbox, port = smtp_server
    group.node.config.smtp = smtp_settings(port)
    mo = group.ids["member"]
    issued = await group.call("POST", f"/api/v1/members/{mo}/links", as_="officer",
                              json={"purpose": "reset"})
    assert issued.status == 201 and issued.body["link"] is None
    (message,) = inbox.to("mo@example.org")
    link = re.search(r"http://\S+", message.get_content()).group(0)
    done = await group.call("POST", "/api/v1/password-reset/accept", as_=None,
                            json={"token": link_token(link), "password": "a new passphrase"})
    assert done.status == 201
    await eventually(lambda: len(inbox.to("mo@example.org")) == 2, what="the mail saying so")
    told = inbox.to("mo@example.org")[1]
    assert told["Subject"] == "Your password for Southwark was set"
    assert "through a password-reset link" in told.get_content()
    await _nothing_shows_a_link(group)


async def test_a_reset_whose_mail_fails_is_withdrawn_not_handed_to_an_officer(group):
    group.node.config.smtp = smtp_settings(free_port())  # nothing listens there
    mo = group.ids["member"]
    issued = await group.call("POST", f"/api/v1/members/{mo}/links", as_="officer",
                              json={"purpose": "reset"})
    assert issued.status == 201 and issued.body["link"] is None
    assert issued.body["notice"]["status"] == "withdrawn"
    assert await _links_held(group, mo) == 0
    page = await group.call("GET", f"/members/{mo}", as_="officer")
    assert page.status == 200
    asked = await group.call("POST", "/api/v1/password-reset", as_=None,
                             json={"email": "mo@example.org"})
    assert asked.status == 202

    # the failed mail is marked, then its link voided, in the request's background task
    async def settled() -> bool:
        async with group.node.db.execute(
            "SELECT COUNT(*) FROM notices WHERE kind = 'reset' AND status = 'pending'"
        ) as cursor:
            return (await cursor.fetchone())[0] == 0 and await _links_held(group, mo) == 0
    await eventually(settled, what="the failed mail dealt with and its link voided")
    await _nothing_shows_a_link(group)


async def test_after_an_officer_changes_an_email_no_reset_goes_to_the_new_address_for_a_week(
        group, smtp_server):
    inbox, port = smtp_server
    group.node.config.smtp = smtp_settings(port)
    mo = group.ids["member"]
    changed = await group.call("PATCH", f"/api/v1/members/{mo}", as_="officer",
                               json={"email": "sams.other.box@example.org"})
    assert changed.status == 200
    await eventually(lambda: inbox.to("mo@example.org"), what="the old address to be told")
    told = inbox.to("mo@example.org")[0]
    assert told["Subject"] == "Your email address at Southwark was changed"
    assert "sams.other.box@example.org" in told.get_content()
    asked = await group.call("POST", f"/api/v1/members/{mo}/links", as_="officer",
                             json={"purpose": "reset"})
    assert asked.status == 409 and asked.code() == "email_recently_changed"
    anonymous = await group.call("POST", "/api/v1/password-reset", as_=None,
                                 json={"email": "sams.other.box@example.org"})
    assert anonymous.status == 202
    assert await _links_held(group, mo) == 0
    assert inbox.to("sams.other.box@example.org") == []
    clock.advance(group.node, register.RESET_HOLD_AFTER_EMAIL_CHANGE)
    later = await group.call("POST", f"/api/v1/members/{mo}/links", as_="officer",
                             json={"purpose": "reset"})
    assert later.status == 201 and later.body["link"] is None
    assert len(inbox.to("sams.other.box@example.org")) == 1
