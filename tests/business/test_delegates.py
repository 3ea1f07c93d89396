"""Electing four delegates with mandates, and the credential every node can verify."""

from __future__ import annotations

import msgspec

from tests.conftest import eventually

CONFERENCE = "Founding conference 2017"


def ballots(voters, votes_for):
    """Approval ballots of at most four that give each candidate `votes_for[candidate]`."""
    approvals = {v: [] for v in voters}
    for candidate, wanted in votes_for.items():
        for voter in sorted(voters, key=lambda v: len(approvals[v]))[:wanted]:
            approvals[voter].append(candidate)
    assert all(len(a) <= 4 for a in approvals.values())
    return approvals


async def test_a_delegate_election_of_four_with_mandates_is_published_and_seen_on_a_second_node(
        networked):
    branch, havering = networked
    people = [await branch.add(f"Member {i:02}", sign_in=i == 0) for i in range(18)]
    everyone = [branch.ids["Chris Chair"], branch.ids["Sam Secretary"], *people]
    agm = await branch.ok("POST", "/api/v1/meetings", as_="Sam Secretary", json={
        "kind": "annual", "starts_at": branch.in_days(29), "place": "Havering Trades Hall",
        "agenda": ["Balance of delegates", "Mandates", "Election of delegates"]})
    base = f"/api/v1/meetings/{agm['id']}"

    balance = await branch.ok("POST", base + "/motions", json={
        "title": "Half our delegates women", "text": "At least half of our delegates are women.",
        "proposer": people[4], "seconder": people[5], "kind": "rule_change",
        "rule_patch": {"delegate_balance": {"attribute": "woman", "min_percent": 50}}})
    support = await branch.ok("POST", base + "/motions", json={
        "title": "A sovereign conference", "text": "Our delegates support motion 7.",
        "proposer": people[0], "seconder": people[1],
        "mandate": {"conference": CONFERENCE, "conference_motion": "Motion 7: a sovereign "
                    "founding conference", "position": "support"}})
    oppose = await branch.ok("POST", base + "/motions", json={
        "title": "No e-plebiscites", "text": "Our delegates oppose motion 12.",
        "proposer": people[2], "seconder": people[3],
        "mandate": {"conference": CONFERENCE, "conference_motion": "Motion 12: online "
                    "plebiscites instead of conference", "position": "oppose"}})
    election = await branch.ok("POST", base + "/elections", as_="Sam Secretary",
                               json={"conference": CONFERENCE, "seats": 4})
    candidates = people[:6]
    names = ["Ali", "Ben", "Cal", "Dev", "Eve", "Fay"]
    for member_id, name in zip(candidates, names, strict=True):
        await branch.ok("POST", f"/api/v1/elections/{election['id']}/nominations",
                        as_="Sam Secretary", json={"candidate": member_id,
                                                   "display_name": name,
                                                   "nominated_by": people[10]})
    # Member 00 accepts in person; the secretary records the others' signed acceptances.
    await branch.ok("POST", f"/api/v1/elections/{election['id']}/nominations/{people[0]}/"
                    "acceptance", as_="Member 00", json={})
    for member_id, name in zip(candidates[1:], names[1:], strict=True):
        await branch.ok("POST", f"/api/v1/elections/{election['id']}/nominations/{member_id}/"
                        "acceptance", as_="Sam Secretary",
                        json={"attributes": ["woman"] if name in ("Eve", "Fay") else []})

    branch.days_pass(29)
    for name in ("Chris Chair", "Sam Secretary", "Member 00"):
        await branch.sign_in_again(name)
    await branch.ok("POST", base + "/attendance", as_="Sam Secretary",
                    json={"present": everyone})
    for motion, hands in ((balance, (16, 3, 1)), (support, (15, 4, 1)), (oppose, (14, 5, 1))):
        decided = await branch.ok("POST", f"/api/v1/motions/{motion['id']}/decision",
                                  as_="Chris Chair", json={"show_of_hands": dict(zip(
                                      ("in_favour", "against", "abstentions"), hands,
                                      strict=True))})
        assert decided["result"]["outcome"] == "carried", decided

    votes = ballots(everyone, dict(zip(candidates, [15, 14, 12, 11, 9, 8], strict=True)))
    for voter, approvals in votes.items():
        if voter == people[0]:
            await branch.ok("POST", f"/api/v1/elections/{election['id']}/ballots",
                            as_="Member 00", json={"approvals": approvals})
        else:
            await branch.ok("POST", f"/api/v1/elections/{election['id']}/ballots",
                            as_="Sam Secretary", json={"approvals": approvals, "voter": voter})
    twice = await branch.call("POST", f"/api/v1/elections/{election['id']}/ballots",
                              as_="Member 00", json={"approvals": [people[1]]})
    assert twice.code == "already_voted"

    counted = await branch.ok("POST", f"/api/v1/elections/{election['id']}/count",
                              as_="Chris Chair")
    result = counted["result"]
    assert [p["display_name"] for p in result["ranking"]] == names
    # The four with most votes are all men; SO 8.1 (carried at this meeting) puts in the
    # two women placed highest instead of the two men placed lowest.
    assert [p["display_name"] for p in result["elected"]] == ["Ali", "Ben", "Eve", "Fay"]
    assert result["balance_unmet"] == ""
    assert len(counted["lot_seed"]) == 64
    assert [(m["conference_motion"][:9], m["position"]) for m in counted["mandates"]] == \
        [("Motion 7:", "support"), ("Motion 12", "oppose")]

    published = await branch.ok("POST", f"/api/v1/elections/{election['id']}/credential",
                                as_="Sam Secretary")
    (publication,) = published["published"]

    def seen() -> bool:
        return (branch.node.id, CONFERENCE) in havering.node.state.credentials

    await eventually(seen, what="the credential on the second node")
    entry_id, credential = havering.node.state.credentials[(branch.node.id, CONFERENCE)]
    assert entry_id == publication["entry"]
    body = msgspec.to_builtins(credential)
    assert [d["name"] for d in body["delegates"]] == ["Ali", "Ben", "Eve", "Fay"]
    assert not {d["delegate"] for d in body["delegates"]} & set(people)
    assert body["election"] == f"{agm['id']}/{election['id']}"
    assert sorted((m["position"], m["decision"]) for m in body["mandates"]) == [
        ("oppose", f"{agm['id']}/{oppose['id']}"), ("support", f"{agm['id']}/{support['id']}")]
    assert "@" not in msgspec.json.encode(credential).decode()
