"""Notices through a real SMTP server, and by hand when there is none."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime

from groupnet import config
from groupnet.clock import now_ms
from groupnet.config import SmtpConfig
from groupnet.group import mail

from ..conftest import eventually, free_port
from .conftest import PASSWORD, cli, link_token, smtp_settings


async def test_an_invitation_arrives_by_email_and_its_link_lets_the_member_in(group,
                                                                               smtp_server):
    inbox, port = smtp_server
    group.node.config.smtp = smtp_settings(port)
    ann = await group.add("Ann Archer", "ann@example.org")
    issued = await group.call("POST", f"/api/v1/members/{ann}/links", as_="officer", json={})
    assert issued.status == 201, issued.body
    assert issued.body["link"] is None  # it went by email: the officer never sees it
    notice = issued.body["notice"]
    assert (notice["transport"], notice["status"]) == ("smtp", "sent")
    assert notice["sent_at"] >= notice["created"]
    (message,) = inbox.messages
    assert inbox.recipients == [["ann@example.org"]]
    assert message["To"] == "Ann Archer <ann@example.org>"
    assert message["From"] == "Southwark group <southwark@example.org>"
    assert message["Subject"] == "Your invitation to sign in to Southwark"
    text = message.get_content()
    link = re.search(r"http://\S+", text).group(0)
    assert link.startswith(f"{group.url}/invitation?token=")
    accepted = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                                json={"token": link_token(link), "password": PASSWORD})
    assert accepted.status == 201
    me = await group.call("GET", "/api/v1/me", as_=accepted.body["token"])
    assert me.body["name"] == "Ann Archer"
    # the node did not keep the link it sent
    stored = await group.call("GET", f"/api/v1/notices/{notice['id']}")
    assert "token=" not in stored.body["body"]
    assert (await group.call("GET", "/api/v1/notices")).body["notices"] == []


async def test_a_meeting_notice_arrives_with_a_calendar_file(group, smtp_server):
    inbox, port = smtp_server
    group.node.config.smtp = smtp_settings(port)
    start = int(datetime(2017, 3, 4, 18, 30, tzinfo=UTC).timestamp() * 1000)
    ics = mail.meeting_ics("meeting-7@southwark.example.org", start, start + 7_200_000,
                           "General meeting of Southwark", location="Walworth Methodist Hall, "
                           "54 Camberwell Road; room 2",
                           description="Agenda:\n1. Motions to national conference\n"
                           "2. Election of delegates — four places, at least half women",
                           stamp_ms=start - 8 * 86_400_000)
    sent = await mail.send_notice(
        group.node, [group.ids["member"], group.ids["officer"]],
        "Notice: General meeting, 4 March", "Dear member,\n\nThe meeting is on 4 March.\n",
        [mail.ics_attachment(ics, "meeting-7.ics")], related_subject="meeting:7",
        kind="meeting", actor="member:someone")
    assert [n.status for n in sent] == ["sent", "sent"]
    assert sorted(r[0] for r in inbox.recipients) == ["mo@example.org", "sam@example.org"]
    message = inbox.messages[0]
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "meeting-7.ics"
    raw = attachment.get_payload(decode=True)
    assert raw == ics.encode()
    lines = raw.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert "DTSTART:20170304T183000Z\r\n" in unfolded
    assert "DTEND:20170304T203000Z\r\n" in unfolded
    assert "DTSTAMP:20170224T183000Z\r\n" in unfolded
    assert "UID:meeting-7@southwark.example.org\r\n" in unfolded
    assert ("LOCATION:Walworth Methodist Hall\\, 54 Camberwell Road\\; room 2\r\n"
            in unfolded)
    assert ("DESCRIPTION:Agenda:\\n1. Motions to national conference\\n2. Election of "
            "delegates — four places\\, at least half women\r\n") in unfolded
    assert await mail.all_sent_at(group.node.db, "meeting:7") == max(n.sent_at for n in sent)


def test_calendar_lines_fold_between_characters_never_inside_one():
    ics = mail.meeting_ics("u", 0, 3_600_000, "Réunion " * 20, stamp_ms=0)
    lines = ics.encode().split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode()  # each folded line is whole UTF-8
    assert "SUMMARY:" + ("Réunion " * 20).rstrip() in ics.replace("\r\n ", "")


async def test_without_smtp_a_notice_waits_for_an_officer_and_counts_from_when_passed_on(group):
    sent = await mail.send_notice(group.node, [group.ids["member"]], "Notice of a hearing",
                                  "Your hearing is on 1 April.", related_subject="case:1:hearing",
                                  kind="due_process", actor="member:chair")
    (notice,) = sent
    assert (notice.transport, notice.status, notice.sent_at) == ("manual", "pending", None)
    assert await mail.all_sent_at(group.node.db, "case:1:hearing") is None
    waiting = await group.call("GET", "/api/v1/notices", as_="officer")
    (shown,) = waiting.body["notices"]
    assert (shown["id"], shown["email"], shown["body"]) == (notice.id, "mo@example.org",
                                                             "Your hearing is on 1 April.")
    before = now_ms()
    passed = await group.call("POST", f"/api/v1/notices/{notice.id}/passed-on", as_="officer")
    assert passed.status == 200 and passed.body["status"] == "sent"
    assert passed.body["sent_at"] >= before
    assert await mail.all_sent_at(group.node.db, "case:1:hearing") == passed.body["sent_at"]
    twice = await group.call("POST", f"/api/v1/notices/{notice.id}/passed-on")
    assert twice.status == 409 and twice.code() == "already_sent"
    trail = await group.call("GET", "/api/v1/audit", params={"subject": f"notice:{notice.id}"})
    assert [r["action"] for r in trail.body["rows"]] == ["notice.passed_on"]
    assert (await group.call("GET", "/api/v1/notices")).body["notices"] == []
    member_view = await group.call("GET", "/api/v1/me/export", as_="member")
    assert "Notice of a hearing" in [n["subject"] for n in member_view.body["notices"]]


async def test_when_the_mail_server_is_down_the_notice_fails_and_waits_for_an_officer(group):
    group.node.config.smtp = smtp_settings(free_port())  # nothing listens there
    ann = await group.add("Ann Archer", "ann@example.org")
    issued = await group.call("POST", f"/api/v1/members/{ann}/links", json={})
    assert issued.status == 201
    notice = issued.body["notice"]
    assert (notice["transport"], notice["status"]) == ("smtp", "failed")
    assert "could not send through 127.0.0.1" in notice["error"]
    assert issued.body["link"] is not None  # so an officer can pass it on instead
    waiting = (await group.call("GET", "/api/v1/notices")).body["notices"]
    assert [n["id"] for n in waiting] == [notice["id"]]
    accepted = await group.call("POST", "/api/v1/invitations/accept", as_=None,
                                json={"token": link_token(issued.body["link"]),
                                      "password": PASSWORD})
    assert accepted.status == 201
    # using the link shows it reached the member: nothing is left to pass on
    assert (await group.call("GET", "/api/v1/notices")).body["notices"] == []


async def test_the_command_line_prints_the_invitation_link_when_there_is_nosmtp_settings(group):
    directory = str(group.node.directory)
    await group.add("Ann Archer", "ann@example.org")
    done = await asyncio.to_thread(cli, "member", "invite", directory, "ANN@example.org")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("no SMTP server is configured: pass this invitation on to Ann Archer "
                        "<ann@example.org> yourself:")
    assert lines[1].strip().startswith(f"{group.url}/invitation?token=")
    number = re.search(r"passed-on \S+ (\d+)", lines[2]).group(1)
    listed = await asyncio.to_thread(cli, "notices", "list", directory)
    assert f"notice {number} to Ann Archer <ann@example.org>" in listed.stdout
    passed = await asyncio.to_thread(cli, "notices", "passed-on", directory, number)
    assert passed.returncode == 0 and "counts as sent now" in passed.stdout
    missing = await asyncio.to_thread(cli, "member", "invite", directory, "nobody@example.org")
    assert missing.returncode == 2 and "error: not_found" in missing.stderr


async def test_smtp_settings_live_in_node_toml_and_a_node_without_them_still_loads(group):
    directory = group.node.directory
    plain = config.load(directory)
    assert plain.smtp is None
    settings = config.NodeConfig(name="Southwark", url=group.url, smtp=SmtpConfig(
        host="smtp.example.org", port=465, tls=True, starttls=False, username="southwark",
        password='with "quotes"', from_address="Southwark <southwark@example.org>"))
    (directory / config.CONFIG_FILE).write_text(config.dump(settings))
    loaded = config.load(directory)
    assert loaded.smtp == settings.smtp
    assert "[smtp]" in (directory / config.CONFIG_FILE).read_text()


async def test_a_reset_requested_by_email_arrives_without_holding_up_the_answer(group,
                                                                              smtp_server):
    inbox, port = smtp_server
    group.node.config.smtp = smtp_settings(port)
    started = time.monotonic()
    answer = await group.call("POST", "/api/v1/password-reset", as_=None,
                              json={"email": "sam@example.org"})
    assert answer.status == 202 and time.monotonic() - started < 5
    await eventually(lambda: inbox.messages, what="the reset email")
    (message,) = inbox.messages
    assert message["Subject"] == "Reset your password for Southwark"
    link = re.search(r"http://\S+", message.get_content()).group(0)
    assert "/password-reset?token=" in link
