"""The audit trail holds against tampering; the register's commitment proves inclusion."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from groupnet.procedure.group import register_commitment

from ..conftest import eventually
from .conftest import cli, lapse_by_the_rules


async def test_the_audit_trail_refuses_edits_and_verify_catches_a_row_altered_behind_its_back(
        group):
    directory = str(group.node.directory)
    await lapse_by_the_rules(group, group.ids["member"])
    clean = await asyncio.to_thread(cli, "verify", directory)
    assert clean.returncode == 0, clean.stdout
    assert "audit rows: 0 problem(s)" in clean.stdout
    db = group.node.db
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        await db.execute("UPDATE audit SET detail = '{}' WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        await db.execute("DELETE FROM audit WHERE seq = 2")
    # someone with the database file drops the guard and rewrites history
    await db.execute("DROP TRIGGER audit_is_append_only_update")
    await db.execute("UPDATE audit SET detail = '{\"reason\":\"asked to\"}' "
                     "WHERE action = 'member.status'")
    async with db.execute("SELECT seq FROM audit WHERE action = 'member.status'") as cursor:
        (seq,) = await cursor.fetchone()
    tampered = await asyncio.to_thread(cli, "verify", directory)
    assert tampered.returncode == 1
    assert f"problem: audit row {seq}: its contents do not match its hash" in tampered.stdout


async def test_verify_notices_a_missing_audit_row(group):
    db = group.node.db
    await db.execute("DROP TRIGGER audit_is_append_only_delete")
    await db.execute("DELETE FROM audit WHERE seq = 2")
    found = await asyncio.to_thread(cli, "verify", str(group.node.directory))
    assert found.returncode == 1
    assert "problem: audit row 3: expected row 2 (rows missing)" in found.stdout
    assert "problem: audit row 3: does not chain onto the row before it" in found.stdout


async def test_a_member_checks_they_are_counted_in_the_published_commitment(group):
    left = await group.add("Les Leaver", "les@example.org")
    les = await group.sign_up(left)
    await group.call("POST", "/api/v1/me/resign", as_=les, json={"reason": "moving"})
    nothing_yet = await group.call("GET", "/api/v1/me/inclusion", as_="member")
    assert nothing_yet.status == 404 and nothing_yet.code() == "no_commitment"

    published = await group.call("POST", "/api/v1/register/commitments", as_="officer")
    assert published.status == 201, published.body
    body = published.body
    assert body["active_members"] == 2
    node = group.node
    entry_id, wire = node.state.commitments[node.id]
    assert entry_id == body["entry"]
    assert (wire.active_members, wire.root, wire.freeze) == (2, body["root"], body["freeze"])
    assert [g["active_members"] for g in node.groups()] == [2]
    # nothing personal crosses the network: not a name, email or member id
    raw = (await node.entry(entry_id)).raw
    for secret in ("Mo Member", "mo@example.org", group.ids["member"], left, "Les"):
        assert secret.encode() not in raw

    mine = await group.call("GET", "/api/v1/me/inclusion", as_="member")
    assert mine.status == 200 and mine.body["included"] is True
    assert mine.body["published"] == {"entry": entry_id, "freeze": body["freeze"],
                                      "active_members": 2, "root": body["root"]}
    # the member can check the proof themselves, from the published root alone
    salt = bytes.fromhex(mine.body["salt"])
    assert register_commitment.leaf(group.ids["member"], salt).hex() == mine.body["leaf"]
    proof = register_commitment.InclusionProof(mine.body["proof"]["leaf_index"],
                                               mine.body["proof"]["tree_size"],
                                               tuple(mine.body["proof"]["path"]))
    claim = register_commitment.RegisterCommitment(wire.freeze, wire.active_members, wire.root)
    assert register_commitment.verify_inclusion(claim, group.ids["member"], salt, proof)
    assert not register_commitment.verify_inclusion(claim, left, salt, proof)

    resigned = await group.call("GET", "/api/v1/me/inclusion", as_=les)
    assert resigned.status == 200 and resigned.body["included"] is False
    assert "not an active member at the freeze time" in resigned.body["reason"]
    listed = await group.call("GET", "/api/v1/register/commitments")
    assert [(c["entry"], c["current"]) for c in listed.body["commitments"]] == [(entry_id, True)]


async def test_a_commitment_counts_the_register_as_it_was_at_the_freeze_time(group):
    before = await group.call("GET", "/api/v1/me", as_="member")
    freeze = before.body["history"][0]["from_ms"] + 1
    late = await group.add("Lou Late", "lou@example.org")
    lou = await group.sign_up(late)
    published = await group.call("POST", "/api/v1/register/commitments",
                                 json={"freeze": freeze})
    assert published.status == 201 and published.body["active_members"] == 2
    assert (await group.call("GET", "/api/v1/me/inclusion", as_=lou)).body["included"] is False
    assert (await group.call("GET", "/api/v1/me/inclusion", as_="member")).body["included"]
    ahead = await group.call("POST", "/api/v1/register/commitments",
                             json={"freeze": freeze + 10**9})
    assert ahead.status == 422 and ahead.code() == "bad_request"
    plain = await group.call("POST", "/api/v1/register/commitments", as_="member", json={})
    assert plain.status == 403


async def test_a_commitment_from_the_command_line_reaches_the_other_groups(cluster):
    first, second = await cluster.form(2, names=["Southwark", "Havering"])
    directory = str(first.node.directory)
    for n in range(3):
        added = await asyncio.to_thread(cli, "member", "add", directory, "--name", f"M {n}",
                                        "--email", f"m{n}@example.org")
        assert added.returncode == 0, added.stderr
    done = await asyncio.to_thread(cli, "register", "commit", directory)
    assert done.returncode == 0, done.stderr
    assert "published register commitment: 3 active member(s)" in done.stdout

    def counted() -> bool:
        groups = {g["name"]: g["active_members"] for g in second.node.groups()}
        return groups.get("Southwark") == 3

    await eventually(counted, what="Havering's node to hold Southwark's commitment")
