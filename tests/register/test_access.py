"""Every register and account endpoint, called by each kind of caller.

The callers: the node's operator (admin token), a signed-in officer (the
secretary), a signed-in plain member, and nobody (no token). Only officers
and the operator reach the register; members reach only themselves; signing
in is open to all.
"""

from __future__ import annotations

from groupnet.web.api import account, register
from groupnet.web.api.routes import all_endpoints

# (method, path, body) per endpoint; {other} is a third member nobody signs in as.
CALLS = {
    ("GET", "/api/v1/members"): ("/api/v1/members?limit=5", None),
    ("POST", "/api/v1/members"): ("/api/v1/members", {"name": "X", "email": "not an email"}),
    ("GET", "/api/v1/members/{id}"): ("/api/v1/members/{other}", None),
    ("PATCH", "/api/v1/members/{id}"): ("/api/v1/members/{other}", {"area": "Walworth"}),
    ("POST", "/api/v1/members/{id}/status"):
        ("/api/v1/members/{other}/status", {"status": "suspended", "reason": "x"}),
    ("POST", "/api/v1/members/{id}/dues"):
        ("/api/v1/members/{other}/dues", {"paid_until": "not a date"}),
    ("POST", "/api/v1/members/{id}/lapse-notice"): ("/api/v1/members/{other}/lapse-notice", None),
    ("POST", "/api/v1/members/{id}/roles"):
        ("/api/v1/members/{other}/roles", {"role": "member", "decision": "x"}),
    ("DELETE", "/api/v1/members/{id}/roles/{role}"): ("/api/v1/members/{other}/roles/chair", None),
    ("POST", "/api/v1/members/{id}/eligibility"):
        ("/api/v1/members/{other}/eligibility", {"condition": "nothing", "met": False}),
    ("POST", "/api/v1/members/{id}/links"): ("/api/v1/members/{other}/links", {}),
    ("POST", "/api/v1/register/import"): ("/api/v1/register/import", "name,email\n"),
    ("GET", "/api/v1/register/export"): ("/api/v1/register/export", None),
    ("POST", "/api/v1/register/commitments"): ("/api/v1/register/commitments", {"freeze": 0}),
    ("GET", "/api/v1/register/commitments"): ("/api/v1/register/commitments", None),
    ("GET", "/api/v1/audit"): ("/api/v1/audit?limit=5", None),
    ("GET", "/api/v1/notices"): ("/api/v1/notices", None),
    ("GET", "/api/v1/notices/{id}"): ("/api/v1/notices/1", None),
    ("POST", "/api/v1/notices/{id}/passed-on"): ("/api/v1/notices/999/passed-on", None),
    ("POST", "/api/v1/session"): ("/api/v1/session", {"email": "x@example.org",
                                                      "password": "wrong password"}),
    ("DELETE", "/api/v1/session"): ("/api/v1/session", None),
    ("POST", "/api/v1/invitations/accept"): ("/api/v1/invitations/accept",
                                             {"token": "nope", "password": "x" * 12}),
    ("POST", "/api/v1/password-reset"): ("/api/v1/password-reset", {"email": "x@example.org"}),
    ("POST", "/api/v1/password-reset/accept"): ("/api/v1/password-reset/accept",
                                                {"token": "nope", "password": "x" * 12}),
    ("POST", "/api/v1/me/password"): ("/api/v1/me/password",
                                      {"current": "wrong password", "new": "x" * 12}),
    ("GET", "/api/v1/me"): ("/api/v1/me", None),
    ("GET", "/api/v1/me/export"): ("/api/v1/me/export", None),
    ("POST", "/api/v1/me/resign"): ("/api/v1/me/resign", {"reason": "x" * 3000}),
    ("POST", "/api/v1/me/renewal"): ("/api/v1/me/renewal", {"note": "x" * 3000}),
    ("DELETE", "/api/v1/me/roles/{role}"): ("/api/v1/me/roles/chair", None),
    ("GET", "/api/v1/me/inclusion"): ("/api/v1/me/inclusion", None),
}
OPEN = {("POST", "/api/v1/session"), ("POST", "/api/v1/invitations/accept"),
        ("POST", "/api/v1/password-reset"), ("POST", "/api/v1/password-reset/accept")}


def _reached(answer) -> bool:
    """Past the role check: answered, or refused on the request's own merits."""
    return answer.code() not in ("unauthenticated", "forbidden")


def _mine():
    return [*register.ENDPOINTS, *account.ENDPOINTS]


async def _each(group, as_):
    other = group.ids["other"]
    # signing out last, so the session lasts for every other call
    for endpoint in sorted(_mine(), key=lambda e: (e.method, e.path) == ("DELETE",
                                                                          "/api/v1/session")):
        path, body = CALLS[(endpoint.method, endpoint.path)]
        path = path.replace("{other}", other)
        if isinstance(body, str):
            answer = await group.call(endpoint.method, path, as_=as_, data=body,
                                      headers={"Content-Type": "text/csv"})
        else:
            answer = await group.call(endpoint.method, path, as_=as_, json=body)
        yield endpoint, answer


def test_every_register_endpoint_has_a_call_in_this_table():
    assert set(CALLS) == {(e.method, e.path) for e in _mine()}


def test_only_signing_in_and_links_are_open_to_callers_without_a_session():
    assert {(e.method, e.path) for e in all_endpoints() if not e.roles} == OPEN


async def test_nobody_signed_out_reaches_anything_but_signing_in(group):
    group.ids["other"] = await group.add("Olu Other", "olu@example.org")
    async for endpoint, answer in _each(group, None):
        if (endpoint.method, endpoint.path) in OPEN:
            assert _reached(answer), (endpoint.path, answer.body)
        else:
            assert answer.status == 401, (endpoint.method, endpoint.path)
            assert answer.code() == "unauthenticated"


async def test_a_plain_member_is_refused_every_officer_endpoint(group):
    group.ids["other"] = await group.add("Olu Other", "olu@example.org")
    async for endpoint, answer in _each(group, "member"):
        if endpoint.roles == ("officer",):
            assert answer.status == 403, (endpoint.method, endpoint.path, answer.body)
            assert answer.code() == "forbidden"
        else:
            assert _reached(answer), (endpoint.method, endpoint.path, answer.body)


async def test_an_officer_reaches_every_endpoint(group):
    group.ids["other"] = await group.add("Olu Other", "olu@example.org")
    async for endpoint, answer in _each(group, "officer"):
        if endpoint.path == "/api/v1/me/password":
            assert answer.code() == "wrong_password"  # reached, and refused on its merits
            continue
        assert _reached(answer), (endpoint.method, endpoint.path, answer.body)


async def test_the_operator_reaches_the_register_but_has_no_record_of_their_own(group):
    group.ids["other"] = await group.add("Olu Other", "olu@example.org")
    async for endpoint, answer in _each(group, "admin"):
        own = endpoint.path == "/api/v1/me" or endpoint.path.startswith("/api/v1/me/")
        if (endpoint.method, endpoint.path) == ("DELETE", "/api/v1/session"):
            # an admin token is no session: it ends with `groupnet token revoke`
            assert answer.status == 422 and answer.code() == "not_a_session"
        elif own:
            assert answer.status == 404 and answer.code() == "not_a_member", endpoint.path
        else:
            assert _reached(answer), (endpoint.method, endpoint.path, answer.body)


async def test_a_member_cannot_read_another_members_record_by_any_route(group):
    other = group.ids["officer"]
    for method, path in [("GET", f"/api/v1/members/{other}"), ("GET", "/api/v1/members"),
                         ("GET", "/api/v1/members?q=sam"), ("GET", "/api/v1/register/export"),
                         ("GET", f"/api/v1/audit?subject=member:{other}")]:
        answer = await group.call(method, path, as_="member")
        assert answer.status == 403, path
        assert "Sam" not in str(answer.body)
    me = await group.call("GET", "/api/v1/me", as_="member")
    assert me.status == 200 and me.body["id"] == group.ids["member"]
    assert me.body["name"] == "Mo Member"
