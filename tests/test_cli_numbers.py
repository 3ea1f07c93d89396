"""The command line reads ids and counts as the API does: digits 0-9, within bounds."""

from __future__ import annotations

import asyncio

import pytest

from groupnet.cli.main import main


async def run(capsys, *argv: str) -> tuple[int, str]:
    """`groupnet ARGV` as a user runs it (in a thread: it runs its own event loop)."""
    capsys.readouterr()
    try:
        code = await asyncio.to_thread(main, list(argv))
    except SystemExit as exit:
        code = exit.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ("meeting", "show", "{dir}", "\u0663"),  # Arabic-Indic three, which int() reads as 3
    ("case", "show", "{dir}", "\u00b9"),  # superscript one, which isdigit() passes
    ("notices", "passed-on", "{dir}", "99999999999999999999"),  # beyond SQLite's integers
    ("motion", "vote", "{dir}", "1", "--for", "\u0665"),
])
async def test_numbers_on_the_command_line_are_ascii_digits_within_bounds(cluster, capsys, argv):
    directory, _, _ = await cluster.create("Southwark")
    code, err = await run(capsys, *(a.format(dir=directory) for a in argv))
    assert code == 2
    assert "is not a whole number from" in err, err
