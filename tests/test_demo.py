"""`groupnet demo` gives a working network with sample data in one command."""

from __future__ import annotations

import html
import json
import random
import re
import socket
import subprocess
import sys

import aiohttp

from groupnet.cli.demo import start_demo_network, stop_all
from groupnet.cli.demo_business import PASSWORD, email_of
from groupnet.cli.main import main


def three_free_ports() -> int:
    while True:
        base = random.randrange(20000, 40000)
        if all(_free(base + i) for i in range(3)):
            return base


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_demo(base, port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())",
         "demo", "--dir", str(base), "--base-port", str(port), "--exit-after", "2"],
        capture_output=True, text=True, timeout=120,
    )


def test_the_demo_starts_three_nodes_that_agree_and_carry_sample_motions_and_governance(
        tmp_path, capsys):
    base = tmp_path / "demo"
    port = three_free_ports()
    done = run_demo(base, port)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "admin token:" in done.stdout
    assert f"http://127.0.0.1:{port}" in done.stdout
    nodes = sorted(p for p in base.iterdir() if p.is_dir())
    assert len(nodes) == 3
    hashes = set()
    for node in nodes:
        assert main(["verify", str(node)]) == 0
        hashes.add(capsys.readouterr().out.strip().split()[-1])
        assert main(["constitution", "show", str(node)]) == 0
        shown = capsys.readouterr().out
        assert "the founding constitution, entry" in shown
        assert "National committee (national-committee): in office, 3 of 12 seats held" in shown
        assert "Chris Doyle (nc-southwark) for Southwark" in shown
        assert "Conference arrangements committee (arrangements-committee): in office, 2 of 5 " \
               "seats held" in shown
        assert "Amir Khan (cac-havering) for Havering" in shown
        assert main(["conference", "list", str(node), "--json"]) == 0
        [called] = json.loads(capsys.readouterr().out)["conferences"]
        assert (called["title"], called["basis"], called["status"]) == (
            "First national conference", "first", "stands")
        assert main(["conference", "agenda", str(node), called["id"]]) == 0
        agenda = capsys.readouterr().out
        assert "Keep the delegate conference (motion, democracy) from Southwark" in agenda
        assert "Fund delegates' travel (motion, conference) from Havering" in agenda
        assert main(["conference", "show", str(node), called["id"], "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["counts"]["amendments"] == 1
        assert not any(line["passed"] for line in shown["timetable"])
        assert {e["group"]["name"]: (e["members"], e["entitled"], e["delegates"])
                for e in shown["entitlements"]} == {
            "Southwark": (31, 1, 1), "Havering": (13, 1, 0), "Birmingham": (0, 0, 0)}
    assert len(hashes) == 1
    assert "groupnet conference list" in done.stdout and "/constitution" in done.stdout
    assert main(["shared", "list", str(nodes[2])]) == 0
    listing = capsys.readouterr().out
    assert "Keep the delegate conference" in listing
    assert "1 endorsements" in listing


def test_a_demo_whose_port_is_taken_says_so_and_ends(tmp_path):
    port = three_free_ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        done = run_demo(tmp_path / "demo", port)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and "address already in use" in last


async def test_the_demo_groups_pages_show_a_register_a_meeting_in_progress_and_every_step(
        tmp_path):
    services, tokens = await start_demo_network(tmp_path / "demo", three_free_ports(), 3)
    southwark, havering = (s.node.config.url for s in services[:2])
    try:
        async with aiohttp.ClientSession() as http:
            async def page(base: str, path: str, token: str) -> str:
                async with http.get(base + path,
                                    headers={"Authorization": f"Bearer {token}"}) as answer:
                    assert answer.status == 200, path
                    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", await answer.text()))
                                    .split())

            members = await page(southwark, "/members", tokens[0])
            assert "36 members." in members
            assert "4 members match." in await page(southwark, "/members?status=lapsed",
                                                    tokens[0])

            meeting = await page(southwark, "/meetings/1", tokens[0])
            assert "Quorate 27 present of 31 entitled" in meeting
            assert "Decisions it may take: motion yes" in meeting
            assert "not started yet" not in meeting
            assert "Keep the delegate conference carried" in meeting
            assert "Support the bin workers' strike in progress" in meeting
            strike = await page(southwark, "/motions/2", tokens[0])
            assert "Not yet put to the vote." in strike
            assert "will collect for their strike fund" in strike

            shared_id = next(m for m, motion in services[0].node.state.motions.motions.items()
                             if motion.current.title == "Keep the delegate conference")
            shared = await page(southwark, f"/network/motions/{shared_id}", tokens[0])
            assert "21 for, 4 against, 2 abstaining, 27 present" in shared
            assert "1 endorsement" in shared
            assert "Across all endorsing groups: 9 for, 2 against, 1 abstaining, of 12 " \
                   "present." in shared
            adopted = await page(havering, "/meetings/1", tokens[1])
            assert "Keep the delegate conference carried" in adopted

            case = await page(southwark, "/cases/1", tokens[0])
            assert "Case 1: Vic Stone" in case and "reply window closes" in case

            committee = await page(havering, "/bodies/national-committee", tokens[1])
            assert "Jas Sandhu" in committee and "Ray Turner" in committee
            assert "National committee: preparing the first conference" in committee
            assert "statement : Every group is asked to elect its delegates" in committee
            assert " pending " in committee

            async with http.post(southwark + "/api/v1/session", json={
                    "email": email_of("Sam Okafor", "southwark"),
                    "password": PASSWORD}) as signed_in:
                assert signed_in.status == 201
    finally:
        await stop_all(services)
