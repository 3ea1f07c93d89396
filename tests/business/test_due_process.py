"""Due process over HTTP: no expulsion without a charge, disclosed evidence, a reply, an
independent hearing and an appeal to a different body; the member sees their own case."""

from __future__ import annotations

import pytest

from tests.business.conftest import body_of


async def cast(branch):
    """The accused (signed in), a complainant officer, a witness, three panellists (one
    signed in) and a bystander (signed in)."""
    ids = {"accused": await branch.add("Alex Accused", "treasurer", sign_in=True),
           "witness": await branch.add("Wendy Witness"),
           "bystander": await branch.add("Bea Bystander", sign_in=True)}
    ids["panel"] = [await branch.add(f"Panel {n}", sign_in=n == 1) for n in (1, 2, 3)]
    return ids


async def status_of(branch, member_id):
    return (await branch.ok("GET", f"/api/v1/members/{member_id}"))["status"]


async def charged_and_heard(branch, ids):
    """Charge, evidence, disclosure, reply, hearing (after a refused conflicted panel) and an
    expulsion decided by the panel: the case id."""
    secretary = branch.ids["Sam Secretary"]
    case = await branch.ok("POST", "/api/v1/cases", as_="Sam Secretary", json={
        "member": ids["accused"], "rule": "Rule 4.2: members do not misuse group funds",
        "particulars": "On 3 February the treasurer paid £400 of group funds to a company "
                       "he owns, without the committee's authority."})
    ident = case["id"]
    assert branch.mailbox.to("alex.accused@example.org")[-1]["Subject"] == \
        f"A charge has been brought against you (case {ident})"
    await branch.ok("POST", f"/api/v1/cases/{ident}/evidence", as_="Sam Secretary",
                    json={"description": "Bank statement, 3 February: £400 to Acme Data Ltd.",
                          "given_by": ids["witness"]})

    # Nothing is heard on evidence the member has not seen.
    early = await branch.call("POST", f"/api/v1/cases/{ident}/hearing", as_="Sam Secretary",
                              json={"at": branch.in_days(20), "panel": ids["panel"]})
    assert early.code == "out_of_order" and "after the evidence is disclosed" in early.reason
    own = await branch.ok("GET", f"/api/v1/cases/{ident}", as_="Alex Accused")
    assert own["case"]["evidence"] == [] and own["undisclosed"] == 1

    await branch.ok("POST", f"/api/v1/cases/{ident}/disclosure", as_="Sam Secretary")
    disclosed = branch.mailbox.to("alex.accused@example.org")[-1]
    assert "Bank statement, 3 February" in body_of(disclosed)
    own = await branch.ok("GET", f"/api/v1/cases/{ident}", as_="Alex Accused")
    assert [e["description"] for e in own["case"]["evidence"]] == \
        ["Bank statement, 3 February: £400 to Acme Data Ltd."]
    stranger = await branch.call("GET", f"/api/v1/cases/{ident}", as_="Bea Bystander")
    assert stranger.status == 404

    await branch.ok("POST", f"/api/v1/cases/{ident}/reply", as_="Alex Accused", json={
        "text": "The payment was for the membership database, agreed by the chair."})
    not_mine = await branch.call("POST", f"/api/v1/cases/{ident}/reply", as_="Bea Bystander",
                                 json={"text": "He did it."})
    assert not_mine.status == 403 and not_mine.code == "not_the_member"

    conflicted = await branch.call("POST", f"/api/v1/cases/{ident}/hearing",
                                   as_="Sam Secretary", json={
        "at": branch.in_days(8), "panel": [secretary, *ids["panel"][:2]]})
    assert conflicted.code == "conflict_of_interest"
    assert secretary in conflicted.reason and "standing order 7.3" in conflicted.reason
    short = await branch.call("POST", f"/api/v1/cases/{ident}/hearing", as_="Sam Secretary",
                              json={"at": branch.in_days(3), "panel": ids["panel"]})
    assert short.code == "hearing_notice"
    heard = await branch.call("POST", f"/api/v1/cases/{ident}/hearing", as_="Sam Secretary",
                              json={"at": branch.in_days(8), "panel": ids["panel"]})
    assert heard.status == 200 and heard.body["scheduled"], heard.body
    assert "Notice of your hearing" in branch.mailbox.to("alex.accused@example.org")[-1][
        "Subject"]

    too_soon = await branch.call("POST", f"/api/v1/cases/{ident}/decision", as_="Panel 1",
                                 json={"outcome": "expulsion", "reasons": "x"})
    assert too_soon.code == "hearing_not_held"
    branch.days_pass(8)
    for name in ("Sam Secretary", "Panel 1", "Alex Accused"):
        await branch.sign_in_again(name)
    outsider = await branch.call("POST", f"/api/v1/cases/{ident}/decision",
                                 as_="Sam Secretary", json={
        "outcome": "expulsion", "reasons": "Proved."})
    assert outsider.status == 403 and outsider.code == "not_on_panel"
    decided = await branch.ok("POST", f"/api/v1/cases/{ident}/decision", as_="Panel 1", json={
        "outcome": "expulsion",
        "reasons": "The statement shows the payment; no committee minute authorised it."})
    assert decided["case"]["stage"] == "decided"
    # Not final while the appeal window is open: the member is still active.
    assert decided["member_status"] == "active"
    assert await status_of(branch, ids["accused"]) == "active"
    return ident


async def test_an_expulsion_is_refused_without_a_charge_then_carried_through_charge_reply_hearing_and_an_appeal_that_upholds_it(  # noqa: E501
        networked):
    branch, havering = networked
    ids = await cast(branch)
    before = await branch.state()
    direct = await branch.call("POST", f"/api/v1/members/{ids['accused']}/status",
                               as_="Sam Secretary",
                               json={"status": "expelled", "reason": "misused funds"})
    assert direct.code == "due_process_required"
    uncharged = await branch.call("POST", "/api/v1/cases", as_="Sam Secretary", json={
        "member": ids["accused"], "rule": " ", "particulars": "He is a wrecker."})
    assert uncharged.code == "charge_incomplete" and "names the rule" in uncharged.reason
    no_case = await branch.call("POST", "/api/v1/cases/1/decision", as_="Panel 1",
                                json={"outcome": "expulsion", "reasons": "Wrecker."})
    assert no_case.status == 404
    assert await branch.state() == before
    assert await status_of(branch, ids["accused"]) == "active"

    ident = await charged_and_heard(branch, ids)
    appeal = await branch.ok("POST", f"/api/v1/cases/{ident}/appeal", as_="Alex Accused",
                             json={"grounds": "The chair agreed the payment in writing."})
    assert appeal["case"]["stage"] == "appealed"
    own_group = await branch.call("POST", f"/api/v1/cases/{ident}/appeal-panel",
                                  as_="Sam Secretary", json={"body": "network_panel", "panel": [
        {"group": branch.node.id, "person": ids["panel"][0]},
        {"group": havering.node.id, "person": "Harriet"},
        {"group": havering.node.id, "person": "Hugo"}]})
    assert own_group.code == "appeal_panel_not_independent"
    assigned = await branch.ok("POST", f"/api/v1/cases/{ident}/appeal-panel",
                               as_="Sam Secretary", json={"body": "network_panel", "panel": [
        {"group": havering.node.id, "person": p} for p in ("Harriet", "Hugo", "Hana")]})
    assert assigned["case"]["stage"] == "appeal_panel_assigned"
    upheld = await branch.ok("POST", f"/api/v1/cases/{ident}/appeal-decision",
                             as_="Sam Secretary", json={
        "outcome": "dismissed",
        "reasons": "No written agreement was produced; the expulsion stands."})
    assert upheld["case"]["stage"] == "appeal_decided"
    assert [n["subject"].split(" (case")[0] for n in upheld["notices"]] == [
        "A charge has been brought against you", "Evidence disclosed to you",
        "Notice of your hearing", "The panel's decision in your case",
        "The decision on your appeal"]
    assert upheld["member_status"] == "expelled"
    member = await branch.ok("GET", f"/api/v1/members/{ids['accused']}")
    assert member["status"] == "expelled" and member["roles"] == []
    assert member["history"][-1]["decided_by"] == f"case:{ident}"
    assert "expulsion" in body_of(branch.mailbox.to("alex.accused@example.org")[-1])


async def test_an_appeal_upheld_by_a_panel_of_other_groups_overturns_the_expulsion(networked):
    branch, havering = networked
    ids = await cast(branch)
    ident = await charged_and_heard(branch, ids)
    await branch.ok("POST", f"/api/v1/cases/{ident}/appeal", as_="Alex Accused",
                    json={"grounds": "The chair agreed the payment in writing."})
    await branch.ok("POST", f"/api/v1/cases/{ident}/appeal-panel", as_="Sam Secretary", json={
        "body": "network_panel",
        "panel": [{"group": havering.node.id, "person": p} for p in ("Harriet", "Hugo", "Hana")]})
    decided = await branch.ok("POST", f"/api/v1/cases/{ident}/appeal-decision",
                              as_="Sam Secretary", json={
        "outcome": "upheld", "reasons": "The chair's email of 1 February authorised it."})
    assert decided["authority"]["status"] == "active"
    assert await status_of(branch, ids["accused"]) == "active"
    # Long after, the case still authorises nothing against the member.
    branch.days_pass(30)
    enforced = await branch.ok("POST", f"/api/v1/cases/{ident}/enforcement")
    assert enforced["member_status"] == "active"


@pytest.mark.parametrize("days_after", [13, 15])
async def test_an_unappealed_expulsion_takes_effect_only_when_the_appeal_window_closes(
        branch, days_after):
    ids = await cast(branch)
    ident = await charged_and_heard(branch, ids)
    branch.days_pass(days_after)
    enforced = await branch.ok("POST", f"/api/v1/cases/{ident}/enforcement")
    assert enforced["member_status"] == ("expelled" if days_after > 14 else "active")


async def test_an_interim_suspension_has_a_time_limit_and_reasons_and_lapses_by_itself(branch):
    ids = await cast(branch)
    case = await branch.ok("POST", "/api/v1/cases", as_="Sam Secretary", json={
        "member": ids["accused"], "rule": "Rule 4.2", "particulars": "The £400 payment."})
    too_long = await branch.call("POST", f"/api/v1/cases/{case['id']}/interim-suspension",
                                 as_="Sam Secretary", json={"days": 60, "reasons": "Risk."})
    assert too_long.code == "interim_too_long" and "28 days" in too_long.reason
    suspended = await branch.ok("POST", f"/api/v1/cases/{case['id']}/interim-suspension",
                                as_="Sam Secretary", json={
        "days": 14, "reasons": "He holds the group's bank card."})
    assert suspended["member_status"] == "suspended"
    again = await branch.call("POST", f"/api/v1/cases/{case['id']}/interim-suspension",
                              as_="Sam Secretary", json={"days": 7, "reasons": "Still."})
    assert again.code == "interim_already_used"
    branch.days_pass(15)
    lapsed = await branch.ok("POST", f"/api/v1/cases/{case['id']}/enforcement")
    assert lapsed["member_status"] == "active"


async def test_only_who_brought_a_charge_withdraws_it_and_an_interim_suspension_ends_with_it(
        branch):
    ids = await cast(branch)
    case = await branch.ok("POST", "/api/v1/cases", as_="Sam Secretary", json={
        "member": ids["accused"], "rule": "Rule 4.2", "particulars": "The £400 payment."})
    suspended = await branch.ok("POST", f"/api/v1/cases/{case['id']}/interim-suspension",
                                as_="Sam Secretary", json={
        "days": 20, "reasons": "He holds the group's bank card."})
    assert suspended["member_status"] == "suspended"
    not_theirs = await branch.call("POST", f"/api/v1/cases/{case['id']}/withdrawal",
                                   as_="Bea Bystander", json={})
    assert not_theirs.status == 403 and not_theirs.code == "not_the_complainant"
    withdrawn = await branch.ok("POST", f"/api/v1/cases/{case['id']}/withdrawal",
                                as_="Sam Secretary", json={})
    assert withdrawn["case"]["stage"] == "withdrawn"
    assert withdrawn["member_status"] == "active"
    assert await status_of(branch, ids["accused"]) == "active"


async def test_a_hearing_is_scheduled_only_once_its_notice_has_been_passed_on_by_hand(branch):
    ids = await cast(branch)
    branch.node.config.smtp = None
    case = await branch.ok("POST", "/api/v1/cases", as_="Sam Secretary", json={
        "member": ids["accused"], "rule": "Rule 4.2", "particulars": "The £400 payment."})
    await branch.ok("POST", f"/api/v1/cases/{case['id']}/evidence", as_="Sam Secretary",
                    json={"description": "Bank statement.", "given_by": ids["witness"]})
    await branch.ok("POST", f"/api/v1/cases/{case['id']}/disclosure", as_="Sam Secretary")
    await branch.ok("POST", f"/api/v1/cases/{case['id']}/reply", as_="Alex Accused",
                    json={"text": "It was agreed."})
    hearing = {"at": branch.in_days(9), "panel": ids["panel"]}
    waiting = await branch.call("POST", f"/api/v1/cases/{case['id']}/hearing",
                                as_="Sam Secretary", json=hearing)
    assert waiting.status == 202 and not waiting.body["scheduled"]
    assert waiting.body["case"]["case"]["hearing"] is None
    # Passed on three days later, the notice gives six days, not nine: too little.
    branch.days_pass(3)
    await pass_on(branch, case["id"])
    late = await branch.call("POST", f"/api/v1/cases/{case['id']}/hearing",
                             as_="Sam Secretary", json=hearing)
    assert late.code == "hearing_notice"
    assert late.reason.startswith("standing order 7.2: a hearing needs 7 days' notice; this one "
                                  "gave 14")
    # A new date: its notice is passed on at once, and the same request then schedules it.
    hearing = {"at": branch.in_days(8), "panel": ids["panel"]}
    again = await branch.call("POST", f"/api/v1/cases/{case['id']}/hearing",
                              as_="Sam Secretary", json=hearing)
    assert again.status == 202
    await pass_on(branch, case["id"])
    scheduled = await branch.call("POST", f"/api/v1/cases/{case['id']}/hearing",
                                  as_="Sam Secretary", json=hearing)
    assert scheduled.status == 200 and scheduled.body["scheduled"]
    assert scheduled.body["case"]["case"]["hearing"]["notice_sent_at_ms"] == \
        scheduled.body["notice"]["sent_at_ms"]


async def pass_on(branch, ident):
    """An officer passes on by hand every hearing notice of the case still waiting."""
    for n in (await branch.ok("GET", "/api/v1/notices"))["notices"]:
        if n["related"].startswith(f"case:{ident}:hearing:"):
            await branch.ok("POST", f"/api/v1/notices/{n['id']}/passed-on", as_="Sam Secretary")
