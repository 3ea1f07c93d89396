"""The node operator's powers belong to the admin token alone: no register role reaches them."""

from __future__ import annotations

import msgspec

from groupnet.store import register as store_register

from ..conftest import free_port

ELSEWHERE = {"url": f"http://127.0.0.1:{free_port()}"}


async def test_an_officer_cannot_give_themselves_a_role_named_admin(group):
    sam = group.ids["officer"]
    for reserved in ("admin", "operator", "officer", "member"):
        answer = await group.call("POST", f"/api/v1/members/{sam}/roles", as_="officer",
                                  json={"role": reserved, "decision": "my own say-so"})
        assert answer.status == 422, (reserved, answer.body)
        assert answer.code() == "reserved_role"
        assert f"'{reserved}'" in answer.body["error"]["reason"]
    record = await group.call("GET", f"/api/v1/members/{sam}")
    assert record.body["roles"] == ["secretary"]
    admitted = await group.call("POST", "/api/v1/admissions", as_="officer", json=ELSEWHERE)
    assert admitted.status == 403 and admitted.code() == "forbidden"


async def test_a_register_import_cannot_carry_the_operators_name_as_a_role(group):
    text = ("name,email,joined,roles\n"
            "Ann Archer,ann@example.org,2016-01-10,secretary;admin\n"
            "Ben Baker,ben@example.org,2016-01-11,operator\n")
    answer = await group.call("POST", "/api/v1/register/import", as_="officer",
                              data=text.encode(), headers={"Content-Type": "text/csv"})
    assert answer.status == 422 and answer.code() == "csv_invalid"
    reasons = {row["line"]: row["reason"] for row in answer.body["error"]["rows"]}
    assert "'admin' is reserved" in reasons[2]
    assert "'operator' is reserved" in reasons[3]
    found = await group.call("GET", "/api/v1/members", params={"q": "ann@example.org"})
    assert found.body["total"] == 0


async def test_a_member_already_holding_a_role_named_admin_gains_nothing_by_it(group):
    # a register written before the name was reserved
    mo = group.ids["member"]
    async with group.node.transaction() as db:
        member, version = await store_register.load(db, mo)
        await store_register.save(db, msgspec.structs.replace(member, roles=("admin",)), version,
                                  "test", 0)
    assert (await group.call("GET", f"/api/v1/members/{mo}")).body["roles"] == ["admin"]
    admitted = await group.call("POST", "/api/v1/admissions", as_="member", json=ELSEWHERE)
    assert admitted.status == 403 and admitted.code() == "forbidden"
    register = await group.call("GET", "/api/v1/members", as_="member")
    assert register.status == 403
