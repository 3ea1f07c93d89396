"""A member's own record: seeing it, taking it away, resigning."""

from __future__ import annotations


async def test_a_member_exports_everything_the_node_holds_about_them_and_nobody_else(group):
    mo = group.ids["member"]
    await group.call("PATCH", f"/api/v1/members/{mo}", json={"phone": "020 7946 0001"})
    answer = await group.call("GET", "/api/v1/me/export", as_="member")
    assert answer.status == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = answer.body
    assert data["member"]["member_id"] == mo and data["member"]["phone"] == "020 7946 0001"
    assert data["password_set_at"] is not None
    assert len(data["sessions"]) == 1 and "hash" not in data["sessions"][0]
    assert [n["kind"] for n in data["notices"]] == ["invitation", "account"]
    assert "token=" not in str(data["notices"])  # a used link is not kept, let alone shown
    actions = [row["action"] for row in data["audit"]]
    # the last notice.record: Mo told that the invitation set their password
    assert actions == ["member.add", "notice.record", "link.invitation",
                       "password.set_by_invitation", "notice.record", "member.edit"]
    assert all(mo in (row["subject"] + row["actor"]) for row in data["audit"])
    text = str(data)
    assert "sam@example.org" not in text and group.ids["officer"] not in text


async def test_a_member_resigns_themselves_and_the_register_records_when_and_why(group):
    mo = group.ids["member"]
    answer = await group.call("POST", "/api/v1/me/resign", as_="member",
                              json={"reason": "moving to Leeds"})
    assert answer.status == 200
    assert answer.body["status"] == "resigned"
    last = answer.body["history"][-1]
    assert (last["status"], last["reason"], last["decided_by"]) == ("resigned",
                                                                    "moving to Leeds", mo)
    again = await group.call("POST", "/api/v1/me/resign", as_="member", json={})
    assert again.status == 422 and again.code() == "no_such_transition"
    listed = await group.call("GET", "/api/v1/members", params={"status": "resigned"})
    assert [m["id"] for m in listed.body["members"]] == [mo]
    readmitted = await group.call("POST", f"/api/v1/members/{mo}/status", as_="officer",
                                  json={"status": "active", "reason": "rejoined at the AGM"})
    assert readmitted.status == 200 and readmitted.body["status"] == "active"
