"""docs/business.md cannot drift from the rules, and the CLI runs the documented commands."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from groupnet.cli.main import main
from groupnet.group import rules
from groupnet.procedure.group.standing_orders import GroupStandingOrders, describe
from groupnet.web.api import business

DOCS = Path(__file__).resolve().parents[2] / "docs" / "business.md"


def test_the_documented_standing_orders_table_has_every_line_the_code_describes():
    text = DOCS.read_text()
    assert rules.markdown_table(GroupStandingOrders()) in text
    for line in describe(GroupStandingOrders()):
        number, _, rule = line.partition("  ")
        assert f"| {number} | {rule} |" in text, line


def test_the_documented_endpoint_table_has_every_business_endpoint_with_its_roles():
    text = DOCS.read_text()
    for e in business.ENDPOINTS:
        assert f"| `{e.method} {e.path}` | {', '.join(e.roles)} | {e.summary} |" in text, e.path


def test_the_readme_lists_the_business_documentation():
    readme = (DOCS.parents[1] / "README.md").read_text()
    assert "[docs/business.md](docs/business.md)" in readme


async def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `groupnet ARGV` (in a thread: it runs its own event loop)."""
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_the_cli_calls_a_meeting_takes_a_motion_and_records_the_vote(branch, capsys):
    directory = str(branch.node.directory)
    people = [await branch.add(f"Member {i:02}") for i in range(6)]
    smtp = branch.node.config.smtp
    # The CLI reads node.toml: give it the same mail server the running node uses.
    with open(branch.node.directory / "node.toml", "a") as toml:
        toml.write(f'\n[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\n'
                   f'from_address = "branch@example.org"\nstarttls = false\n')

    code, out, _ = await cli(capsys, "meeting", "call", directory, "--kind", "general",
                             "--at", branch.in_days(8), "--place", "Bermondsey Village Hall",
                             "--agenda", "Apologies", "--agenda", "Motions")
    assert code == 0, out
    meeting = json.loads(out)
    assert meeting["notice"]["sent"] == 8 and meeting["meeting"]["called_by"] == "cli"

    code, _, err = await cli(capsys, "motion", "submit", directory, str(meeting["id"]),
                             "--title", "Support the strike", "--text", "We support it.",
                             "--proposer", people[0], "--seconder", people[0])
    assert code == 2
    assert err == "error: seconder_is_proposer: a seconder is a second person\n"
    code, out, _ = await cli(capsys, "motion", "submit", directory, str(meeting["id"]),
                             "--title", "Support the strike", "--text", "We support it.",
                             "--proposer", people[0], "--seconder", people[1])
    motion = json.loads(out)

    branch.days_pass(8)
    code, out, _ = await cli(capsys, "meeting", "attend", directory, str(meeting["id"]),
                             *people)
    assert json.loads(out)["quorum"]["met"]
    code, out, _ = await cli(capsys, "motion", "vote", directory, str(motion["id"]),
                             "--for", "5", "--against", "1", "--abstain", "0")
    assert code == 0 and json.loads(out)["result"]["outcome"] == "carried"
    code, _, err = await cli(capsys, "motion", "vote", directory, str(motion["id"]),
                             "--for", "9")
    assert code == 2 and err.startswith("error: already_decided")

    code, out, _ = await cli(capsys, "rules", "show", directory)
    assert "SO 5.1  Notice of a rule change: 28 days" in out
    assert "in force since: the documented defaults" in out
    rows = await branch.ok("GET", "/api/v1/audit?limit=50")
    assert any(r["actor"] == "cli" and r["action"] == "motion.put" for r in rows["rows"])
