"""Members signing in: passwords, sessions that end, links that work once, the rate limit."""

from __future__ import annotations

import re
import tomllib

import msgspec
import pytest

from groupnet import config
from groupnet.clock import now_ms
from groupnet.group import signin

from ..conftest import eventually
from .conftest import PASSWORD, link_token, smtp_settings


async def _sign_in(group, email: str, password: str = PASSWORD, via: str | None = None):
    """Sign in; `via` is the address a reverse proxy in front of the node reports."""
    headers = {"X-Forwarded-For": f"10.9.8.7, {via}"} if via else None
    return await group.call("POST", "/api/v1/session", as_=None, headers=headers,
                            json={"email": email, "password": password})


async def test_a_member_signs_in_with_email_and_password_and_gets_a_session(group):
    answer = await _sign_in(group, "  MO@Example.org ")
    assert answer.status == 201, answer.body
    assert answer.body["member"]["id"] == group.ids["member"]
    assert answer.body["expires"] > now_ms() + 29 * signin.DAY_MS
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"groupnet_session={answer.body['token']};")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # the node's URL is plain http here
    me = await group.call("GET", "/api/v1/me", as_=answer.body["token"])
    assert me.status == 200 and me.body["email"] == "mo@example.org"
    by_cookie = await group.call("GET", "/api/v1/me", as_=None,
                                 headers={"Cookie": f"groupnet_session={answer.body['token']}"})
    assert by_cookie.status == 200


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(group):
    wrong = await _sign_in(group, "mo@example.org", "not my password")
    unknown = await _sign_in(group, "nobody@example.org", "not my password")
    assert wrong.status == unknown.status == 401
    assert wrong.body == unknown.body
    assert wrong.code() == "sign_in_failed"


async def _pass(group, ms: int) -> None:
    """Let `ms` pass for the sign-in limits."""
    async with group.node.transaction() as db:
        await db.execute("UPDATE sign_in_failures SET at = at - ?", (ms,))


def _behind_a_proxy(group) -> None:
    group.node.config.trusted_proxies = ["127.0.0.1"]


async def test_wrong_passwords_from_one_address_never_keep_the_member_out_from_another(group):
    _behind_a_proxy(group)
    for _ in range(signin.FREE_FAILURES):
        wrong = await _sign_in(group, "sam@example.org", "guess guess guess", via="203.0.113.7")
        assert wrong.status == 401
    # the guesser is held back ...
    for password in ("guess again, then", PASSWORD):
        held = await _sign_in(group, "sam@example.org", password, via="203.0.113.7")
        assert held.status == 429 and held.code() == "too_many_attempts"
        assert "from this address" in held.body["error"]["reason"]
    # ... and the member, elsewhere, is not
    own = await _sign_in(group, "sam@example.org", via="198.51.100.9")
    assert own.status == 201, own.body
    # nor is another member from the guesser's address
    assert (await _sign_in(group, "mo@example.org", via="203.0.113.7")).status == 201


async def test_each_failure_past_the_first_few_doubles_the_wait_up_to_fifteen_minutes(group):
    _behind_a_proxy(group)
    for _ in range(signin.FREE_FAILURES):
        await _sign_in(group, "mo@example.org", "guess guess guess", via="203.0.113.7")
    waits = []
    for _ in range(7):
        held = await _sign_in(group, "mo@example.org", "guess guess guess", via="203.0.113.7")
        assert held.status == 429
        minutes = int(re.search(r"try again in (\d+) minute", held.body["error"]["reason"])[1])
        waits.append(minutes)
        await _pass(group, minutes * signin.MINUTE_MS)
        again = await _sign_in(group, "mo@example.org", "guess guess guess", via="203.0.113.7")
        assert again.status == 401, "once the wait has passed, one more try is allowed"
    assert waits == [1, 2, 4, 8, 15, 15, 15]
    assert [signin.pair_wait(signin.FREE_FAILURES + n) // signin.MINUTE_MS
            for n in range(6)] == [1, 2, 4, 8, 15, 15]
    await _pass(group, signin.LONGEST_WAIT)
    assert (await _sign_in(group, "mo@example.org", via="203.0.113.7")).status == 201
    # a success forgets the pair's failures
    assert (await _sign_in(group, "mo@example.org", "guess guess guess",
                           via="203.0.113.7")).status == 401


async def test_one_address_trying_many_emails_is_stopped_whatever_the_emails(group):
    _behind_a_proxy(group)
    for n in range(signin.ADDRESS_LIMIT):
        tried = await _sign_in(group, f"person{n}@example.org", "guess guess guess",
                               via="203.0.113.7")
        assert tried.status == 401
    stopped = await _sign_in(group, "mo@example.org", via="203.0.113.7")
    assert stopped.status == 429 and "from this address within 15 minutes" in \
        stopped.body["error"]["reason"]
    assert (await _sign_in(group, "mo@example.org", via="198.51.100.9")).status == 201
    await _pass(group, signin.ADDRESS_WINDOW)
    assert (await _sign_in(group, "mo@example.org", via="203.0.113.7")).status == 201


async def test_x_forwarded_for_counts_only_from_a_proxy_the_operator_named(group):
    # by default no proxy is trusted: a made-up header changes nothing
    for n in range(signin.ADDRESS_LIMIT):
        await _sign_in(group, f"person{n}@example.org", "guess guess guess",
                       via=f"203.0.113.{n}")
    stopped = await _sign_in(group, "mo@example.org", via="198.51.100.9")
    assert stopped.status == 429 and "this address" in stopped.body["error"]["reason"]
    await _pass(group, signin.ADDRESS_WINDOW)
    signed_in = await _sign_in(group, "mo@example.org", via="198.51.100.9")
    sessions = (await group.call("GET", "/api/v1/me/export", as_=signed_in.body["token"])
                ).body["sessions"]
    assert sessions[-1]["address"] == "127.0.0.1"
    # named, the proxy's own entry (the right-most one that is not a proxy) counts
    group.node.config.trusted_proxies = ["127.0.0.0/8", "10.0.0.0/8"]
    forwarded = await group.call(
        "POST", "/api/v1/session", as_=None, json={"email": "mo@example.org",
                                                   "password": PASSWORD},
        headers={"X-Forwarded-For": "192.0.2.66, 198.51.100.9, 10.1.2.3"})
    sessions = (await group.call("GET", "/api/v1/me/export", as_=forwarded.body["token"])
                ).body["sessions"]
    assert sessions[-1]["address"] == "198.51.100.9"


def test_trusted_proxies_must_be_addresses_or_networks(tmp_path):
    (tmp_path / config.CONFIG_FILE).write_text(
        'name = "x"\nurl = "http://x"\ntrusted_proxies = ["127.0.0.1", "my proxy"]\n')
    with pytest.raises(SystemExit) as stopped:
        config.load(tmp_path)
    assert "trusted_proxies: 'my proxy' is not an IP address or network" in str(stopped.value)
    (tmp_path / config.CONFIG_FILE).write_text(
        'name = "x"\nurl = "http://x"\ntrusted_proxies = ["127.0.0.1", "fd00::/8"]\n')
    assert config.load(tmp_path).trusted_proxies == ["127.0.0.1", "fd00::/8"]
    assert config.load(tmp_path) == msgspec.convert(
        tomllib.loads(config.dump(config.load(tmp_path))), config.NodeConfig)


async def test_a_session_ends_after_two_weeks_unused_or_a_month_after_sign_in(group):
    token = group.tokens["member"]
    assert (await group.call("GET", "/api/v1/me", as_="member")).status == 200
    async with group.node.transaction() as db:
        await db.execute("UPDATE sessions SET last_seen = last_seen - ? WHERE member_id = ?",
                         (signin.SESSION_IDLE, group.ids["member"]))
    idle = await group.call("GET", "/api/v1/me", as_=token)
    assert idle.status == 401 and idle.code() == "unauthenticated"
    fresh = (await _sign_in(group, "mo@example.org")).body["token"]
    async with group.node.transaction() as db:
        await db.execute("UPDATE sessions SET expires = ? WHERE member_id = ?",
                         (now_ms() - 1, group.ids["member"]))
    assert (await group.call("GET", "/api/v1/me", as_=fresh)).status == 401


async def test_signing_out_ends_the_session_and_clears_the_cookie(group):
    out = await group.call("DELETE", "/api/v1/session", as_="member")
    assert out.status == 200 and out.body == {"signed_out": True}
    assert 'groupnet_session=""' in out.headers["Set-Cookie"]
    assert (await group.call("GET", "/api/v1/me", as_="member")).status == 401
    assert (await group.call("GET", "/api/v1/me", as_="officer")).status == 200


async def test_an_invitation_link_works_once_and_a_newer_one_replaces_it(group):
    ann = await group.add("Ann Archer", "ann@example.org")
    first = await group.call("POST", f"/api/v1/members/{ann}/links", json={})
    second = await group.call("POST", f"/api/v1/members/{ann}/links", as_="officer",
                              json={"purpose": "invitation"})
    assert first.status == second.status == 201
    old, new = link_token(first.body["link"]), link_token(second.body["link"])
    assert second.body["link"].startswith(f"{group.url}/invitation?token=")
    replaced = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                                json={"token": old, "password": PASSWORD})
    assert replaced.status == 410 and replaced.code() == "link_used"
    weak = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                            json={"token": new, "password": "short"})
    assert weak.status == 422 and weak.code() == "weak_password"
    own_email = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                                 json={"token": new, "password": "ANN@example.org"})
    assert own_email.status == 422 and "own email" in own_email.body["error"]["reason"]
    accepted = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                                json={"token": new, "password": PASSWORD})
    assert accepted.status == 201 and accepted.body["member"]["id"] == ann
    again = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                             json={"token": new, "password": PASSWORD + "!"})
    assert again.status == 410 and again.code() == "link_used"
    reset_token = await group.call("POST", "/api/v1/password-reset/accept", as_=None,
                                   json={"token": new, "password": PASSWORD})
    assert reset_token.status == 404 and reset_token.code() == "invalid_link"
    signed_up = await group.call("POST", f"/api/v1/members/{ann}/links", json={})
    assert signed_up.status == 409 and signed_up.code() == "already_signed_up"


async def test_an_invitation_expires_after_fourteen_days(group):
    ann = await group.add("Ann Archer", "ann@example.org")
    issued = await group.call("POST", f"/api/v1/members/{ann}/links", json={})
    async with group.node.transaction() as db:
        await db.execute("UPDATE links SET expires = ? WHERE member_id = ?", (now_ms(), ann))
    late = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                            json={"token": link_token(issued.body["link"]),
                                  "password": PASSWORD})
    assert late.status == 410 and late.code() == "link_expired"
    assert issued.body["expires"] - issued.body["notice"]["created"] >= 14 * signin.DAY_MS - 5000


async def test_asking_for_a_reset_never_says_whether_the_email_is_a_members(group,
                                                                          smtp_server):
    inbox, port = smtp_server
    group.node.config.smtp = smtp_settings(port)
    known = await group.call("POST", "/api/v1/password-reset", as_=None,
                             json={"email": "mo@example.org"})
    unknown = await group.call("POST", "/api/v1/password-reset", as_=None,
                               json={"email": "stranger@example.org"})
    assert known.status == unknown.status == 202
    assert known.body == unknown.body
    await eventually(lambda: inbox.messages, what="the reset email")
    (message,) = inbox.messages
    assert inbox.recipients == [["mo@example.org"]]
    link = re.search(r"http://\S+", message.get_content()).group(0)
    assert link.startswith(f"{group.url}/password-reset?token=")
    before = group.tokens["member"]
    done = await group.call("POST", "/api/v1/password-reset/accept", as_=None,
                            json={"token": link_token(link), "password": "a new passphrase"})
    assert done.status == 201
    # a new password ends the sessions signed in with the old one
    assert (await group.call("GET", "/api/v1/me", as_=before)).status == 401
    assert (await _sign_in(group, "mo@example.org")).status == 401
    assert (await _sign_in(group, "mo@example.org", "a new passphrase")).status == 201


async def test_a_member_changes_their_password_knowing_the_current_one(group):
    other = (await _sign_in(group, "mo@example.org")).body["token"]
    wrong = await group.call("POST", "/api/v1/me/password", as_="member",
                             json={"current": "not it at all", "new": "another passphrase"})
    assert wrong.status == 403 and wrong.code() == "wrong_password"
    changed = await group.call("POST", "/api/v1/me/password", as_="member",
                               json={"current": PASSWORD, "new": "another passphrase"})
    assert changed.status == 200
    assert (await group.call("GET", "/api/v1/me", as_="member")).status == 200
    assert (await group.call("GET", "/api/v1/me", as_=other)).status == 401


async def test_an_officer_who_resigns_keeps_their_sign_in_but_loses_the_register(group):
    assert (await group.call("GET", "/api/v1/members", as_="officer")).status == 200
    left = await group.call("POST", "/api/v1/me/resign", as_="officer",
                            json={"reason": "moving to Leeds"})
    assert left.status == 200 and left.body["status"] == "resigned"
    assert left.body["roles"] == []
    assert (await group.call("GET", "/api/v1/members", as_="officer")).status == 403
    me = await group.call("GET", "/api/v1/me", as_="officer")
    assert me.status == 200 and me.body["status"] == "resigned"
