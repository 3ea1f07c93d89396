"""A called meeting cancelled, postponed or corrected, and its notices passed on at once:
over HTTP and from the command line, each change audited and told to the members."""

from __future__ import annotations

import csv
import io
import json

from tests.business.conftest import body_of
from tests.business.test_meetings_and_motions import general_meeting, members
from tests.register.conftest import cli


async def audit_actions(branch, subject):
    rows = (await branch.ok("GET", f"/api/v1/audit?subject={subject}"))["rows"]
    return [r["action"] for r in rows]


async def test_a_postponed_meeting_tells_the_members_and_counts_notice_again_from_then(branch):
    await members(branch, 5)
    meeting = await general_meeting(branch, days=8)
    path = f"/api/v1/meetings/{meeting['id']}"
    branch.days_pass(3)
    before = len(branch.mailbox.to("member.00@example.org"))

    earlier = await branch.call("POST", path + "/postponement", as_="Sam Secretary",
                                json={"starts_at": branch.in_days(2), "reason": "the hall"})
    assert earlier.status == 422 and earlier.code == "not_later"
    assert "standing order 1.1" in earlier.reason
    member = await branch.call("POST", path + "/postponement", as_="Member 00",
                               json={"starts_at": branch.in_days(9), "reason": "the hall"})
    assert member.status == 403

    # Five days later than planned: the notice of the new time gives 9 days, enough.
    later = branch.in_days(10)
    moved = await branch.ok("POST", path + "/postponement", as_="Sam Secretary",
                            json={"starts_at": later, "reason": "The hall flooded"})
    assert branch.iso(moved["meeting"]["starts_at_ms"]) == later
    assert moved["meeting"]["changes"][0]["kind"] == "postponed"
    assert moved["notice_problem"] is None and moved["binding_problem"] is None
    (told,) = branch.mailbox.to("member.00@example.org")[before:]
    assert " ".join(told["Subject"].split()).startswith("Postponed: General meeting of Southwark")
    assert "Why: The hall flooded" in body_of(told)
    assert "meeting.postponed" in await audit_actions(branch, f"meeting:{meeting['id']}")

    # Postponed to two days from now instead, notice would have been too short.
    again = await branch.ok("POST", path + "/postponement", as_="Sam Secretary",
                            json={"starts_at": branch.in_days(10.5), "reason": "A clash"})
    assert again["binding_problem"] is None
    listing = (await branch.ok("GET", "/api/v1/meetings", as_="Member 00"))["meetings"]
    assert listing[0]["cannot_decide"] is None


async def test_a_cancelled_meeting_is_told_records_nothing_and_is_flagged_in_the_list(branch):
    people = await members(branch, 5)
    meeting = await general_meeting(branch, days=8)
    path = f"/api/v1/meetings/{meeting['id']}"
    refused = await branch.call("POST", path + "/cancellation", as_="Sam Secretary",
                                json={"reason": "  "})
    assert refused.code == "reason_required"
    state = await branch.state()
    cancelled = await branch.ok("POST", path + "/cancellation", as_="Sam Secretary",
                                json={"reason": "The speaker cannot come"})
    assert state != await branch.state()
    assert cancelled["meeting"]["changes"][0]["reason"] == "The speaker cannot come"
    assert cancelled["binding_problem"]["code"] == "meeting_cancelled"
    told = branch.mailbox.to("member.01@example.org")[-1]
    assert " ".join(told["Subject"].split()).startswith("Cancelled: General meeting of Southwark")
    assert "Why: The speaker cannot come" in body_of(told)

    branch.days_pass(8)
    attended = await branch.call("POST", path + "/attendance", as_="Sam Secretary",
                                 json={"present": people})
    assert attended.code == "meeting_cancelled"
    twice = await branch.call("POST", path + "/cancellation", as_="Sam Secretary",
                              json={"reason": "again"})
    assert twice.code == "meeting_cancelled"
    (listed,) = (await branch.ok("GET", "/api/v1/meetings", as_="Member 00"))["meetings"]
    assert listed["cancelled"] and listed["cannot_decide"]["code"] == "meeting_cancelled"
    assert "meeting.cancelled" in await audit_actions(branch, f"meeting:{meeting['id']}")


async def test_a_correction_changes_the_place_and_keeps_what_it_was(branch):
    await members(branch, 5)
    meeting = await general_meeting(branch, days=8)
    path = f"/api/v1/meetings/{meeting['id']}"
    same = await branch.call("POST", path + "/correction", as_="Sam Secretary",
                             json={"reason": "typo", "place": "Bermondsey Village Hall"})
    assert same.code == "nothing_changed"
    fixed = await branch.ok("POST", path + "/correction", as_="Sam Secretary",
                            json={"reason": "The hall is in Rotherhithe",
                                  "place": "Rotherhithe Village Hall"})
    assert fixed["meeting"]["place"] == "Rotherhithe Village Hall"
    assert fixed["meeting"]["changes"][0]["place"] == "Bermondsey Village Hall"
    # a correction is no new call: the notice given still counts from the call
    assert fixed["notice"]["sent"] == 7 and fixed["notice_problem"] is None
    told = branch.mailbox.to("member.02@example.org")[-1]
    assert " ".join(told["Subject"].split()).startswith("Corrected: General meeting")
    assert "Rotherhithe Village Hall" in body_of(told)
    branch.days_pass(8)
    late = await branch.call("POST", path + "/correction", as_="Sam Secretary",
                             json={"reason": "late", "place": "Somewhere else"})
    assert late.code == "meeting_started"


async def test_without_mail_a_meetings_notices_are_passed_on_at_once_from_a_mail_merge_file(
        branch):
    await members(branch, 3)
    branch.node.config.smtp = None
    meeting = await general_meeting(branch, days=9)
    path = f"/api/v1/meetings/{meeting['id']}"
    assert meeting["binding_problem"]["code"] == "notice_not_given"
    assert "5 notices wait to be passed on" in meeting["binding_problem"]["reason"]

    merged = await branch.http.get(branch.node.config.url + path + "/notices/mail-merge",
                                   headers={"Authorization": f"Bearer {branch.tokens['admin']}"})
    assert merged.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(await merged.text())))
    assert len(rows) == 5
    assert {"name", "email", "phone", "postcode", "subject", "body"} <= set(rows[0])
    assert rows[0]["subject"].startswith("Notice: General meeting of Southwark")
    assert "Agenda:" in rows[0]["body"]

    branch.days_pass(1)
    passed = await branch.ok("POST", path + "/notices/passed-on", as_="Sam Secretary")
    assert passed["waiting"] == 0 and passed["sent"] == 5
    shown = await branch.ok("GET", path, as_="Chris Chair")
    assert shown["notice_problem"] is None and shown["binding_problem"] is None
    again = await branch.call("POST", path + "/notices/passed-on", as_="Sam Secretary")
    assert again.status == 409 and again.code == "nothing_to_pass_on"
    actions = await audit_actions(branch, f"meeting:{meeting['id']}")
    assert "notice.passed_on" in actions and "notice.mail_merge" in actions


async def test_the_command_line_cancels_and_passes_on_a_meetings_notices(branch):
    await members(branch, 2)
    branch.node.config.smtp = None
    directory = str(branch.node.directory)
    first = await general_meeting(branch, days=9)
    second = await general_meeting(branch, days=10)
    listed = cli("meeting", "notices", directory, str(first["id"]), "--csv")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("name,email,phone,area,postcode,subject,body")
    passed = cli("meeting", "notices", directory, str(first["id"]), "--passed-on")
    assert passed.returncode == 0, passed.stderr
    assert json.loads(passed.stdout)["waiting"] == 0
    cancelled = cli("meeting", "cancel", directory, str(second["id"]), "--reason", "No hall")
    assert cancelled.returncode == 0, cancelled.stderr
    assert json.loads(cancelled.stdout)["binding_problem"]["code"] == "meeting_cancelled"
    refused = cli("meeting", "postpone", directory, str(second["id"]), "--to",
                  branch.in_days(20), "--reason", "Later")
    assert refused.returncode != 0 and "meeting_cancelled" in refused.stderr
