"""Members signing in: passwords, sessions that end, links that work once, the rate limit."""

from __future__ import annotations

from groupnet import signin
from groupnet.node import now_ms

from .conftest import PASSWORD, link_token


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


async def test_five_failures_lock_out_the_email_and_the_address_for_fifteen_minutes(group):
    for _ in range(signin.MAX_FAILURES):
        assert (await _sign_in(group, "mo@example.org", "guess guess guess")).status == 401
    locked = await _sign_in(group, "mo@example.org")
    assert locked.status == 429 and locked.code() == "too_many_attempts"
    assert "this email" in locked.body["error"]["reason"]
    # the same address trying another member's email is held back too
    other = await _sign_in(group, "sam@example.org")
    assert other.status == 429 and "this address" in other.body["error"]["reason"]
    async with group.node.transaction() as db:
        await db.execute("UPDATE sign_in_failures SET at = at - ?", (signin.FAILURE_WINDOW,))
    assert (await _sign_in(group, "mo@example.org")).status == 201


async def test_behind_a_proxy_one_persons_failures_lock_out_only_their_own_address(group):
    for _ in range(signin.MAX_FAILURES):
        await _sign_in(group, "mo@example.org", "guess guess guess", via="203.0.113.7")
    elsewhere = await _sign_in(group, "sam@example.org", via="198.51.100.9")
    assert elsewhere.status == 201
    same_place = await _sign_in(group, "sam@example.org", via="203.0.113.7")
    assert same_place.status == 429 and "this address" in same_place.body["error"]["reason"]


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


async def test_asking_for_a_reset_never_says_whether_the_email_is_a_members(group):
    known = await group.call("POST", "/api/v1/password-reset", as_=None,
                             json={"email": "mo@example.org"})
    unknown = await group.call("POST", "/api/v1/password-reset", as_=None,
                               json={"email": "stranger@example.org"})
    assert known.status == unknown.status == 202
    assert known.body == unknown.body
    waiting = await group.call("GET", "/api/v1/notices", as_="officer")
    resets = [n for n in waiting.body["notices"] if n["kind"] == "reset"]
    assert [n["email"] for n in resets] == ["mo@example.org"]
    link = resets[0]["body"].split("\n\n")[2]
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
