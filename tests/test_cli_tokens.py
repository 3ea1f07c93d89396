"""Admin tokens can be listed and revoked, and a database from a newer version is refused."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from groupnet import store
from groupnet.cli.main import main
from groupnet.cli.setup import create_node
from groupnet.network.node import Node
from groupnet.web.auth import admin_caller


def test_a_revoked_token_no_longer_authenticates(tmp_path, capsys):
    directory = tmp_path / "node"
    _, token = asyncio.run(create_node(directory, "Southwark", "http://127.0.0.1:9"))
    assert main(["token", "create", str(directory), "--label", "laptop"]) == 0
    capsys.readouterr()
    assert main(["token", "list", str(directory)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 2 and "laptop" in listing[1]
    first = listing[0].split()[0]
    assert main(["token", "revoke", str(directory), first]) == 0

    async def still_valid() -> bool:
        node = await Node.open(directory)
        try:
            return await admin_caller(node, token) is not None
        finally:
            await node.close()

    assert asyncio.run(still_valid()) is False
    assert main(["token", "revoke", str(directory), first]) != 0
    assert "no_such_token" in capsys.readouterr().err


def test_a_database_written_by_a_newer_version_is_refused_not_damaged(tmp_path):
    directory = tmp_path / "node"
    asyncio.run(create_node(directory, "Southwark", "http://127.0.0.1:9"))
    db = sqlite3.connect(directory / "node.db")
    db.execute("UPDATE schema_versions SET version = version + 1 WHERE area = 'network'")
    db.commit()
    db.close()
    with pytest.raises(SystemExit, match="newer groupnet"):
        asyncio.run(store.connect(directory / "node.db"))
