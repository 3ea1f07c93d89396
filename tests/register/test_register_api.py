"""Officers keeping the register over the client API: add, edit, find, status, roles."""

from __future__ import annotations

from groupnet.group import rules
from groupnet.procedure.group.standing_orders import EligibilityCondition, GroupStandingOrders
from groupnet.store import business

from .conftest import lapse_by_the_rules


async def test_an_officer_adds_a_member_who_is_active_from_then(group):
    answer = await group.call("POST", "/api/v1/members", as_="officer", json={
        "name": "  Ada   Lovelace ", "email": " Ada@Example.ORG ", "postcode": "se1 7pb",
        "joined": "2016-05-01", "area": "Walworth"})
    assert answer.status == 201, answer.body
    member = answer.body
    assert (member["name"], member["email"], member["postcode"]) == (
        "Ada Lovelace", "ada@example.org", "SE1 7PB")
    assert member["status"] == "active" and member["signed_up"] is False
    assert member["history"][0]["decided_by"] == f"member:{group.ids['officer']}"


async def test_adding_a_member_with_an_email_already_in_the_register_is_refused(group):
    answer = await group.call("POST", "/api/v1/members",
                              json={"name": "Mo Again", "email": "MO@example.org"})
    assert answer.status == 409 and answer.code() == "email_taken"
    assert group.ids["member"] in answer.body["error"]["reason"]


async def test_bad_details_are_refused_with_the_reason(group):
    cases = [({"name": "", "email": "a@example.org"}, "name is required"),
             ({"name": "A", "email": "nope"}, "not an email address"),
             ({"name": "A", "email": "a@example.org", "joined": "2999-01-01"}, "after the date"),
             ({"name": "A", "email": "a@example.org", "phone": "call me"}, "phone")]
    for body, words in cases:
        answer = await group.call("POST", "/api/v1/members", json=body)
        assert answer.status == 422 and answer.code() == "invalid_member", body
        assert words in answer.body["error"]["reason"]
    unknown = await group.call("POST", "/api/v1/members",
                               json={"name": "A", "email": "a@example.org", "shoe": 9})
    assert unknown.status == 400 and unknown.code() == "bad_request"
    listed = await group.call("GET", "/api/v1/members")
    assert listed.body["total"] == 2


async def test_an_officer_edits_contact_details_and_the_audit_trail_shows_what_changed(group):
    mo = group.ids["member"]
    answer = await group.call("PATCH", f"/api/v1/members/{mo}", as_="officer",
                              json={"phone": "020 7946 0000", "email": "mo.new@example.org"})
    assert answer.status == 200, answer.body
    assert answer.body["email"] == "mo.new@example.org"
    trail = await group.call("GET", f"/api/v1/audit?subject=member:{mo}")
    told, edit = trail.body["rows"][:2]
    # Mo signs in, so the address they had is told of the change
    assert told["action"] == "notice.record" and told["detail"]["kind"] == "account"
    assert edit["action"] == "member.edit"
    assert edit["actor"] == f"member:{group.ids['officer']}"
    assert edit["detail"] == {"phone": ["", "020 7946 0000"],
                              "email": ["mo@example.org", "mo.new@example.org"]}
    taken = await group.call("PATCH", f"/api/v1/members/{mo}",
                             json={"email": "sam@example.org"})
    assert taken.status == 409 and taken.code() == "email_taken"


async def test_the_register_pages_in_name_order_and_filters_by_status_role_and_search(group):
    for n in range(12):
        await group.add(f"Person {n:02d}", f"p{n}@example.org", area="Peckham" if n % 2 else "",
                        postcode=f"SE{n % 3 + 1} 1AA")
    seen, after = [], None
    while True:
        params = {"limit": "5", **({"after": after} if after else {})}
        page = await group.call("GET", "/api/v1/members", params=params)
        assert page.status == 200 and page.body["total"] == 14
        assert "app;dur=" in page.headers["Server-Timing"]
        seen += [m["name"] for m in page.body["members"]]
        after = page.body["next"]
        if after is None:
            break
    assert seen == sorted(seen, key=str.casefold) and len(seen) == 14
    assert seen[0] == "Mo Member"

    async def names(**params):
        answer = await group.call("GET", "/api/v1/members", params=params)
        assert answer.status == 200, answer.body
        return [m["name"] for m in answer.body["members"]]

    assert await names(q="person 1") == ["Person 10", "Person 11"]
    assert await names(q="P3@EXAMPLE.ORG") == ["Person 03"]
    assert await names(role="secretary") == ["Sam Secretary"]
    assert len(await names(area="peckham")) == 6
    assert await names(postcode="se1", q="person 0") == ["Person 00", "Person 03", "Person 06",
                                                         "Person 09"]
    await lapse_by_the_rules(group, group.ids["member"])
    assert await names(status="lapsed") == ["Mo Member"]
    bad = await group.call("GET", "/api/v1/members", params={"after": "not a cursor"})
    assert bad.status == 400 and bad.code() == "bad_request"
    bad = await group.call("GET", "/api/v1/members", params={"status": "asleep"})
    assert bad.status == 400


async def test_status_changes_follow_the_rules_and_keep_the_history(group):
    mo = group.ids["member"]
    path = f"/api/v1/members/{mo}/status"
    no_reason = await group.call("POST", path, as_="officer", json={"status": "lapsed"})
    assert no_reason.status == 422 and no_reason.code() == "reason_required"
    lapsed = await lapse_by_the_rules(group, mo)
    assert lapsed.body["status"] == "lapsed"
    back = await group.call("POST", path, as_="officer",
                            json={"status": "active", "reason": "dues waived by the committee"})
    assert [(h["status"], h["reason"]) for h in back.body["history"]] == [
        ("active", "added to the register"), ("lapsed", "dues unpaid since January"),
        ("active", "dues waived by the committee")]


async def test_suspending_or_expelling_outside_due_process_is_refused_and_changes_nothing(group):
    mo = group.ids["member"]
    for status in ("suspended", "expelled"):
        answer = await group.call("POST", f"/api/v1/members/{mo}/status",
                                  json={"status": status, "reason": "disruptive"})
        assert answer.status == 422 and answer.code() == "due_process_required"
        assert "standing order 7" in answer.body["error"]["reason"]
    record = await group.call("GET", f"/api/v1/members/{mo}")
    assert record.body["status"] == "active" and len(record.body["history"]) == 1
    resign = await group.call("POST", f"/api/v1/members/{mo}/status",
                              json={"status": "resigned", "reason": "x"})
    assert resign.status == 403 and resign.code() == "self_only"


async def test_roles_are_held_by_decision_and_only_given_up_by_the_holder(group):
    mo, sam = group.ids["member"], group.ids["officer"]
    no_decision = await group.call("POST", f"/api/v1/members/{mo}/roles", as_="officer",
                                   json={"role": "treasurer", "decision": " "})
    assert no_decision.code() == "decision_required"
    given = await group.call("POST", f"/api/v1/members/{mo}/roles", as_="officer",
                             json={"role": "treasurer", "decision": "general meeting 3 March"})
    assert given.status == 200 and given.body["roles"] == ["treasurer"]
    removed = await group.call("DELETE", f"/api/v1/members/{mo}/roles/treasurer",
                               as_="officer")
    assert removed.status == 422 and removed.code() == "due_process_required"
    # Mo is now an officer, so reaches the register; and stands down of their own will
    assert (await group.call("GET", "/api/v1/members", as_="member")).status == 200
    stood = await group.call("DELETE", "/api/v1/me/roles/treasurer", as_="member")
    assert stood.status == 200 and stood.body["roles"] == []
    assert (await group.call("GET", "/api/v1/members", as_="member")).status == 403
    own = await group.call("DELETE", f"/api/v1/members/{sam}/roles/secretary", as_="officer")
    assert own.status == 200 and own.body["roles"] == []


async def _adopt_conditions(group, *conditions: EligibilityCondition) -> None:
    """Standing orders with conditions of membership, as a carried rule change leaves them."""
    orders = GroupStandingOrders(eligibility_conditions=conditions)
    record = rules.RulesRecord(orders=orders, since_ms=0, decided_by="meeting 1, motion 1")
    async with group.node.transaction() as db:
        await business.save(db, rules.KIND, rules.ID, record, None, 0)


async def test_a_member_found_ineligible_is_not_removed_and_a_due_process_case_is_asked_for(
        group):
    await _adopt_conditions(group, EligibilityCondition(
        "union_member", "must also belong to a trade union"))
    mo = group.ids["member"]
    path = f"/api/v1/members/{mo}/eligibility"
    unknown = await group.call("POST", path, json={"condition": "party_member", "met": True})
    assert unknown.status == 422 and unknown.code() == "unknown_condition"
    assert "union_member" in unknown.body["error"]["reason"]
    met = await group.call("POST", path, as_="officer",
                           json={"condition": "union_member", "met": True, "note": "card seen"})
    assert met.status == 200 and met.body["open_case"] is None
    lapsed = await group.call("POST", path, as_="officer", json={
        "condition": "union_member", "met": False, "note": "union says membership ended"})
    assert lapsed.status == 200
    assert lapsed.body["member"]["status"] == "active"
    case = lapsed.body["open_case"]
    assert case["member_id"] == mo and case["condition"] == "union_member"
    assert "due-process case" in case["instruction"]
    record = await group.call("GET", f"/api/v1/members/{mo}")
    assert [(r["condition"], r["met"]) for r in record.body["eligibility"]] == [
        ("union_member", True), ("union_member", False)]
    async with group.node.db.execute(
        "SELECT condition, met, note, recorded_by FROM eligibility WHERE member_id = ? "
        "ORDER BY rowid", (mo,)) as cursor:
        rows = await cursor.fetchall()
    officer = f"member:{group.ids['officer']}"
    assert rows == [("union_member", 1, "card seen", officer),
                    ("union_member", 0, "union says membership ended", officer)]


async def test_every_change_to_the_register_leaves_an_audit_row_naming_who_did_it(group):
    mo = group.ids["member"]
    await lapse_by_the_rules(group, mo)
    await group.call("PATCH", f"/api/v1/members/{mo}", json={"area": "Bermondsey"})
    await group.call("POST", "/api/v1/me/resign", as_="member", json={"reason": "moving"})
    rows = (await group.call("GET", f"/api/v1/audit?subject=member:{mo}")).body["rows"]
    assert [(r["action"], r["actor"]) for r in rows] == [
        ("member.resign", f"member:{mo}"),
        ("member.edit", "admin:created by init"),
        ("member.status", f"member:{group.ids['officer']}"),
        ("member.lapse_notice", f"member:{group.ids['officer']}"),
        ("member.dues", f"member:{group.ids['officer']}"),
        ("notice.record", f"member:{mo}"),  # told that the invitation was used
        ("password.set_by_invitation", f"member:{mo}"),
        ("link.invitation", "admin:created by init"),
        ("notice.record", "admin:created by init"),
        ("member.add", "admin:created by init"),
    ]
    refused = await group.call("POST", f"/api/v1/members/{mo}/status",
                               json={"status": "expelled", "reason": "x"})
    assert refused.status == 422
    again = (await group.call("GET", f"/api/v1/audit?subject=member:{mo}")).body["rows"]
    assert len(again) == len(rows)


async def test_the_audit_trail_pages_backwards(group):
    first = await group.call("GET", "/api/v1/audit", params={"limit": "3"})
    assert len(first.body["rows"]) == 3
    before = first.body["before"]
    second = await group.call("GET", "/api/v1/audit", params={"limit": "3", "before": before})
    assert [r["seq"] for r in second.body["rows"]] == [before - 1, before - 2, before - 3]
