"""Every business endpoint, called by each kind of caller; and bad input, refused whole.

The callers: a plain member, a treasurer (an officer who neither chairs nor
keeps the minutes), the chair, the secretary and the node's operator.
"""

from __future__ import annotations

import re

import aiohttp
import pytest

from groupnet.web.api import business


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


CALLERS = {"Mo Member": {"member"}, "Tess Treasurer": {"member", "officer"},
           "Chris Chair": {"member", "officer", "chair"},
           "Sam Secretary": {"member", "officer", "secretary"},
           "admin": {"member", "officer", "chair", "secretary"}}


async def test_each_business_endpoint_admits_exactly_the_roles_it_names(branch):
    await branch.add("Mo Member", sign_in=True)
    await branch.add("Tess Treasurer", "treasurer", sign_in=True)
    before = await branch.state()
    for endpoint in business.ENDPOINTS:
        for caller, roles in CALLERS.items():
            # An empty body: past the role check every call is refused for its body or
            # its missing record, so nothing changes.
            answer = await branch.call(endpoint.method, concrete(endpoint.path), as_=caller,
                                       json={})
            allowed = bool(roles & set(endpoint.roles))
            assert (answer.code == "forbidden") == (not allowed), \
                (endpoint.method, endpoint.path, caller, answer.body)
    assert await branch.state() == before


async def test_a_member_cannot_call_a_meeting_or_record_a_vote_but_an_officer_and_the_chair_can(
        branch):
    mo = await branch.add("Mo Member", sign_in=True)
    people = [mo] + [await branch.add(f"Member {i}") for i in range(5)]
    await branch.add("Tess Treasurer", "treasurer", sign_in=True)
    meeting = {"kind": "general", "starts_at": branch.in_days(8), "place": "Hall",
               "agenda": ["Motions"]}
    refused = await branch.call("POST", "/api/v1/meetings", as_="Mo Member", json=meeting)
    assert refused.status == 403 and refused.code == "forbidden"
    assert refused.reason == "this needs the role officer"
    called = await branch.ok("POST", "/api/v1/meetings", as_="Tess Treasurer", json=meeting)
    motion = await branch.ok("POST", f"/api/v1/meetings/{called['id']}/motions",
                             as_="Mo Member", json={"title": "Support the strike",
                                                    "text": "We support it.",
                                                    "seconder": people[1]})
    assert motion["motion"]["proposer_id"] == mo
    # A member acts only as themselves: not as proposer for another, not as another's teller.
    for_another = await branch.call("POST", f"/api/v1/meetings/{called['id']}/motions",
                                    as_="Mo Member", json={"title": "t", "text": "x",
                                                           "proposer": people[2],
                                                           "seconder": people[1]})
    assert for_another.status == 403 and for_another.code == "officer_required"
    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{called['id']}/attendance", as_="Chris Chair",
                    json={"present": people})
    hands = {"show_of_hands": {"in_favour": 5, "against": 1, "abstentions": 0}}
    for caller in ("Mo Member", "Tess Treasurer"):
        tried = await branch.call("POST", f"/api/v1/motions/{motion['id']}/decision",
                                  as_=caller, json=hands)
        assert tried.status == 403 and tried.code == "forbidden"
    decided = await branch.ok("POST", f"/api/v1/motions/{motion['id']}/decision",
                              as_="Chris Chair", json=hands)
    assert decided["result"]["outcome"] == "carried"


async def test_the_operator_cannot_cast_a_members_vote(branch):
    people = [await branch.add(f"Member {i}") for i in range(5)]
    meeting = await branch.ok("POST", "/api/v1/meetings", json={
        "kind": "general", "starts_at": branch.in_days(8), "place": "Hall",
        "agenda": ["Motions"]})
    motion = await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
        "title": "t", "text": "x", "proposer": people[0], "seconder": people[1]})
    branch.days_pass(8)
    await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/attendance",
                    json={"present": people})
    answer = await branch.call("POST", f"/api/v1/motions/{motion['id']}/votes",
                               json={"choice": "for"})
    assert answer.status == 403 and answer.code == "member_required"


BAD = [
    ("POST", "/api/v1/meetings", b'{"kind": "general", ', "malformed"),
    ("POST", "/api/v1/meetings", {"kind": "coup", "starts_at": "2030-01-01T19:00:00Z",
                                  "agenda": ["x"], "place": "p"}, "bad_request"),
    ("POST", "/api/v1/meetings", {"kind": "general", "starts_at": "2030-01-01T19:00:00",
                                  "agenda": ["x"], "place": "p"}, "bad_request"),
    ("POST", "/api/v1/meetings", {"kind": "general", "starts_at": "2030-01-01T19:00:00Z",
                                  "agenda": ["x"], "place": "p", "by_email": True},
     "bad_request"),
    ("POST", "/api/v1/meetings", {"kind": "general", "starts_at": "2030-01-01T19:00:00Z",
                                  "agenda": ["x"]}, "place_required"),
    ("POST", "/api/v1/meetings", {"kind": "general", "starts_at": "2001-01-01T19:00:00Z",
                                  "agenda": ["x"], "place": "p"}, "starts_before_notice"),
    ("POST", "/api/v1/meetings/{meeting}/motions",
     {"title": "t", "text": "x", "proposer": "{a}", "seconder": "{b}", "kind": "rule_change",
      "rule_patch": {"quorum_of_one": 1}}, "invalid_standing_orders"),
    ("POST", "/api/v1/meetings/{meeting}/motions",
     {"title": "t", "text": "x", "proposer": "{a}", "seconder": "{a}"}, "seconder_is_proposer"),
    ("POST", "/api/v1/meetings/{meeting}/motions",
     {"title": "t", "text": "x", "proposer": "{a}", "seconder": "nobody"}, "not_found"),
    ("POST", "/api/v1/meetings/999/motions",
     {"title": "t", "text": "x", "proposer": "{a}", "seconder": "{b}"}, "not_found"),
    ("POST", "/api/v1/meetings/{meeting}/attendance", {"present": ["{a}"]},
     "meeting_not_started"),
    ("POST", "/api/v1/meetings/{meeting}/attendance", {"present": []}, "bad_request"),
    ("POST", "/api/v1/motions/{motion}/decision",
     {"show_of_hands": {"in_favour": -1, "against": 0, "abstentions": 0}}, "bad_request"),
    ("POST", "/api/v1/motions/{motion}/decision",
     {"show_of_hands": {"in_favour": 1.5, "against": 0, "abstentions": 0}}, "bad_request"),
    ("POST", "/api/v1/motions/{motion}/decision", {"amendment": "7"}, "no_such_amendment"),
    ("POST", "/api/v1/motions/abc/decision", {}, "not_found"),
    ("POST", "/api/v1/meetings/{meeting}/elections", {"conference": "", "seats": 4},
     "bad_request"),
    ("POST", "/api/v1/meetings/{meeting}/elections", {"conference": "Conf", "seats": 0},
     "bad_request"),
    ("POST", "/api/v1/cases", {"member": "{a}", "rule": "", "particulars": "x",
                               "brought_by": "{b}"}, "charge_incomplete"),
    ("POST", "/api/v1/cases", {"member": "{a}", "rule": "r", "particulars": "x"},
     "member_required"),
    ("POST", "/api/v1/cases", {"member": "{a}", "rule": "r", "particulars": "x",
                               "brought_by": "{a}"}, "charge_incomplete"),
]


def fill(value, names):
    """The test data with the placeholders for members' ids filled in."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    return value


@pytest.mark.parametrize(("method", "path", "body", "code"), BAD,
                         ids=[f"{c}-{i}" for i, (_, _, _, c) in enumerate(BAD)])
async def test_bad_input_is_refused_with_a_code_and_a_sentence_and_changes_nothing(
        branch, method, path, body, code):
    a, b = await branch.add("Ann Member"), await branch.add("Ben Member")
    meeting = await branch.ok("POST", "/api/v1/meetings", json={
        "kind": "general", "starts_at": branch.in_days(30), "place": "Hall",
        "agenda": ["Motions"]})
    motion = await branch.ok("POST", f"/api/v1/meetings/{meeting['id']}/motions", json={
        "title": "t", "text": "x", "proposer": a, "seconder": b})
    path = path.format(meeting=meeting["id"], motion=motion["id"])
    body = fill(body, {"{a}": a, "{b}": b})
    before = await branch.state()
    headers = {"Authorization": f"Bearer {branch.tokens['admin']}"}
    async with aiohttp.ClientSession() as http:
        # bytes claim to be JSON, so that what is wrong with them is the JSON itself
        kwargs = ({"data": body, "headers": {**headers, "Content-Type": "application/json"}}
                  if isinstance(body, bytes) else {"json": body, "headers": headers})
        async with http.request(method, branch.node.config.url + path,
                                **kwargs) as response:
            answer = await response.json()
            assert 400 <= response.status < 500, answer
    assert answer["error"]["code"] == code, answer
    assert len(answer["error"]["reason"]) > 10
    assert await branch.state() == before
