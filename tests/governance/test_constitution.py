"""Founding a network under a constitution, and reading it: CLI, API and pages on real nodes."""

from __future__ import annotations

import aiohttp
import msgspec

from groupnet.cli.main import main
from groupnet.network.constitution import Founding, check_file, load_founding
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.wire.messages import Seat
from tests.conftest import FAST_ORDERS, eventually

EXAMPLE = "docs/constitution.example.toml"


def interim_committee(services, days: int = 120) -> Founding:
    """The default constitution with a national committee of one member from each group."""
    seats = [Seat("national-committee", s.node.id, f"nc-{i + 1}", f"Member {i + 1}")
             for i, s in enumerate(services)]
    seats.append(Seat("arrangements-committee", services[0].node.id, "cac-1",
                      "<script>alert(1)</script> Ann"))
    return Founding(default(FAST_ORDERS), seats, interim_days=days)


async def get(service, path: str, token: str) -> tuple[int, object]:
    async with aiohttp.ClientSession() as http, http.get(
            service.node.config.url + path,
            headers={"Authorization": f"Bearer {token}"}) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def log_kinds(node) -> list[str]:
    async with node.db.execute("SELECT kind FROM entries WHERE author = ? ORDER BY seq",
                               (node.id,)) as cursor:
        return [kind for (kind,) in await cursor.fetchall()]


def write(tmp_path, text: str):
    path = tmp_path / "constitution.toml"
    path.write_text(text)
    return path


async def test_a_network_founded_under_a_constitution_shows_it_and_its_interim_members_everywhere(
        cluster):
    services = await cluster.form(3, founding=interim_committee)
    founder, second, third = services
    assert (await log_kinds(founder.node))[:2] == ["network.charter", "network.constitution"]
    await cluster.converged()
    status, view = await get(third, "/api/v1/constitution", cluster.tokens[2])
    assert status == 200
    assert view["default"] is False and view["entry"]
    assert view["constitution"] == msgspec.to_builtins(default(FAST_ORDERS))
    assert [e["id"] for e in view["entrenched"]] == [f"E{i}" for i in range(1, 8)]
    assert any(p["entrenched"] == "E4" and "cancel" in p["text"] for p in view["provisions"])
    status, answer = await get(third, "/api/v1/bodies", cluster.tokens[2])
    committee, arrangements = answer["bodies"]
    assert committee["status"] == "in office" and arrangements["status"] == "in office"
    assert [(m["group_name"], m["holder"]) for m in committee["members"]] == [
        ("Group 1", "nc-1"), ("Group 2", "nc-2"), ("Group 3", "nc-3")]
    assert committee["vacant_seats"] == 9
    founded = view["since"]
    assert committee["term_ends"] == founded + 120 * DAY_MS
    assert all(m["term_ends"] == founded + 120 * DAY_MS for m in committee["members"])


async def test_without_a_constitution_file_the_network_keeps_the_default_and_writes_no_entry(
        cluster):
    (founder, second) = await cluster.form(2)
    assert "network.constitution" not in await log_kinds(founder.node)
    assert "constitution" not in founder.node.state.summary()
    status, view = await get(second, "/api/v1/constitution", cluster.tokens[1])
    assert status == 200 and view["default"] is True and view["entry"] is None
    status, answer = await get(second, "/api/v1/bodies", cluster.tokens[1])
    assert {b["status"] for b in answer["bodies"]} == {"vacant"}


async def test_the_constitution_and_bodies_pages_mark_entrenched_provisions_and_escape_names(
        cluster):
    (founder, second) = await cluster.form(2, founding=interim_committee)
    await eventually(lambda: "constitution" in second.node.state.summary(),
                     what="the constitution to reach the second node")
    status, html = await get(second, "/constitution", cluster.tokens[1])
    assert status == 200
    assert "entrenched: E4" in html and "E7" in html
    assert 'href="/constitution" aria-current="page"' in html and 'href="/bodies"' in html
    status, html = await get(second, "/bodies", cluster.tokens[1])
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ann" in html and "<script>" not in html
    assert "Member 2" in html and "in 119 days" in html
    assert "in office" in html


async def test_pages_and_api_ask_for_a_signed_in_member(cluster):
    (founder,) = await cluster.form(1)
    async with aiohttp.ClientSession() as http:
        async with http.get(founder.node.config.url + "/api/v1/bodies") as response:
            assert response.status == 401
        async with http.get(founder.node.config.url + "/constitution",
                            allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"].startswith("/sign-in")


def new_node(tmp_path, capsys) -> tuple[str, str]:
    """`groupnet init`: the node's directory and id."""
    directory = str(tmp_path / "steering")
    assert main(["init", directory, "--name", "Steering",
                 "--url", "http://127.0.0.1:9"]) == 0
    return directory, capsys.readouterr().out.split("node id:")[1].split()[0]


def test_founding_with_a_constitution_that_breaks_entrenched_provisions_founds_nothing(
        tmp_path, capsys):
    directory, _ = new_node(tmp_path, capsys)
    path = write(tmp_path, """
[[bodies]]
id = "national-committee"
powers = ["call-conference", "amend-constitution", "wind-up-body"]
caretaker_powers = []
[[bodies]]
id = "arrangements-committee"
[amendments]
threshold = [1, 2]
""")
    code = main(["network", "found", directory, "--name", "Coup Network",
                 "--constitution", str(path)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith("error: entrenched: E1: only a conference")
    assert "E2: no body can abolish, dissolve, wind up or suspend a body" in error
    assert "E5: an amendment needs at least two thirds; the threshold is 1/2" in error
    assert main(["network", "status", directory]) == 0
    assert '"entries": 0' in capsys.readouterr().out


def test_a_constitution_file_that_is_not_toml_founds_nothing(tmp_path, capsys):
    directory, _ = new_node(tmp_path, capsys)
    path = write(tmp_path, "[conference\nnotice_days = 0\n")
    assert main(["network", "found", directory, "--name", "N",
                 "--constitution", str(path)]) == 2
    assert "error: bad_constitution: C1: " in capsys.readouterr().err
    assert main(["network", "status", directory]) == 0
    assert '"network": null' in capsys.readouterr().out


def test_interim_members_beyond_the_limit_are_refused_before_the_charter_is_signed(
        tmp_path, capsys):
    directory, node_id = new_node(tmp_path, capsys)
    path = write(tmp_path, f"""
interim_days = 400
[[interim]]
body = "national-committee"
group = "{node_id}"
holder = "nc-1"
name = "Jon"
""")
    assert main(["network", "found", directory, "--name", "N",
                 "--constitution", str(path)]) == 2
    assert "error: bad_interim: C7: interim members serve from the constitution until at " \
           "most 183 days" in capsys.readouterr().err
    path = write(tmp_path, f"""
interim_days = 90
[[interim]]
body = "steering-committee"
group = "{node_id}"
holder = "sc-1"
name = "Jon"
""")
    assert main(["network", "found", directory, "--name", "N",
                 "--constitution", str(path)]) == 2
    assert "error: unknown_body: C7: the constitution has no body `steering-committee`" \
        in capsys.readouterr().err
    path = write(tmp_path, path.read_text().replace("steering-committee", "national-committee"))
    assert main(["network", "found", directory, "--name", "N",
                 "--constitution", str(path)]) == 0
    assert "with 1 interim member(s)" in capsys.readouterr().out
    assert main(["constitution", "show", directory]) == 0
    shown = capsys.readouterr().out
    assert "National committee (national-committee): in office, 1 of 12 seats held" in shown
    assert "Jon (sc-1) for Steering" in shown


def test_the_example_file_is_the_default_constitution_and_passes_the_check(capsys):
    founding = load_founding(EXAMPLE)
    assert founding.constitution == default()
    assert founding.interim == []
    assert main(["constitution", "check", EXAMPLE]) == 0
    assert "keeps every entrenched provision" in capsys.readouterr().out


def test_the_check_lists_every_entrenched_provision_a_file_breaks(tmp_path, capsys):
    path = write(tmp_path, """
interim_max_days = 700
[[bodies]]
id = "national-committee"
powers = ["call-conference", "extend-term"]
quorum_percent = 10
[[bodies]]
id = "arrangements-committee"
powers = ["rule-out", "cancel-conference", "no-motions"]
caretaker_powers = []
[conference]
notice_days = 0
motions_deadline_days = 0
amendments_deadline_days = 0
credentials_deadline_days = 0
final_agenda_days = 0
emergency_deadline_days = 0
requisition_groups_percent = 75
""")
    assert main(["constitution", "check", str(path)]) == 1
    out = capsys.readouterr().out
    provisions = [line.split(": ")[1] for line in out.splitlines() if line.startswith("entrenched")]
    assert sorted(set(p[:2] for p in provisions)) == ["E3", "E4", "E6", "E7"]
    assert out.count("entrenched: E4") == 3  # cancel, no motions, no notice
    assert "a network cannot be founded with it" in out
    assert [r.code for r in check_file(path)].count("entrenched") == len(provisions)


def test_a_file_giving_the_standing_orders_twice_or_a_part_the_constitution_lacks_is_refused(
        tmp_path, capsys):
    path = write(tmp_path, "[steering]\nseats = 12\n")
    assert main(["constitution", "check", str(path)]) == 1
    assert "bad_constitution: C1: " in capsys.readouterr().out
    rules = tmp_path / "rules.toml"
    rules.write_text("admission_approvals = 2\n")
    path = write(tmp_path, "[standing_orders]\nadmission_approvals = 3\n")
    assert main(["network", "found", str(tmp_path / "nowhere"), "--name", "N", "--rules",
                 str(rules), "--constitution", str(path)]) == 2
    assert "not both" in capsys.readouterr().err
