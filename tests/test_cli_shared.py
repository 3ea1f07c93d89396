"""The `groupnet shared` commands work on a node's directory."""

from __future__ import annotations

import asyncio
import json

from groupnet.cli.main import main
from groupnet.cli.setup import create_node
from groupnet.network import joining
from groupnet.network.node import Node
from groupnet.wire.messages import NetworkStandingOrders


def _founded(tmp_path) -> str:
    directory = tmp_path / "southwark"

    async def setup() -> None:
        await create_node(directory, "Southwark", "http://127.0.0.1:9")
        node = await Node.open(directory)
        await joining.found(node, "Net", NetworkStandingOrders())
        await node.close()

    asyncio.run(setup())
    return str(directory)


def test_a_secretary_shares_revises_and_withdraws_a_motion_from_the_command_line(
        tmp_path, capsys):
    node = _founded(tmp_path)
    assert main(["shared", "share", node, "--title", "Keep the conference",
                 "--text", "Go ahead.", "--topic", "democracy", "--meeting", "AGM",
                 "--date", "2017-01-11", "--for", "17", "--against", "10",
                 "--abstentions", "1", "--attendance", "28"]) == 0
    motion = capsys.readouterr().out.split("entry ")[1][:64]
    assert main(["shared", "revise", node, motion[:10], "--text", "Go ahead in February.",
                 "--note", "date"]) == 0
    assert main(["shared", "list", node, "--json"]) == 0
    capsys.readouterr()
    assert main(["shared", "show", node, motion[:10]]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == 2
    assert shown["text"] == "Go ahead in February."
    assert shown["adopted"]["tally"]["in_favour"] == 17
    assert main(["shared", "withdraw", node, motion[:10], "--reason", "superseded"]) == 0
    assert main(["shared", "list", node, "--state", "withdrawn"]) == 0
    assert "Keep the conference" in capsys.readouterr().out


def test_a_refused_share_prints_one_line_with_its_code_and_exits_non_zero(tmp_path, capsys):
    node = _founded(tmp_path)
    code = main(["shared", "share", node, "--title", "Impossible", "--text", "x",
                 "--meeting", "AGM", "--date", "2017-01-11", "--for", "30",
                 "--attendance", "28"])
    assert code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: tally_exceeds_attendance: SM8")
