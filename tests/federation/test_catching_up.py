"""Nodes that were away (stopped, cut off, restored from a backup) catch up and agree."""

from __future__ import annotations

import shutil

from groupnet.network import joining

from ..conftest import eventually
from .wire import held


async def publish(service, count: int, label: str) -> None:
    for i in range(count):
        await joining.set_profile(service.node, {"area": f"{label} {i}"})


def area(service, author) -> str:
    profile = service.node.state.profiles.get(author.node.id)
    return profile[1].area if profile else ""


async def test_a_node_offline_while_many_messages_flow_catches_up_by_pulling(cluster):
    a, b, c = await cluster.form(3)
    await cluster.converged()
    await cluster.stop(c)
    await publish(a, 150, "A")
    await publish(b, 150, "B")
    # nobody can push to C when it returns: whatever it gets, it pulls
    for service in (a, b):
        cluster.fences[service.node.config.url].add(c.node.config.url)
    c = await cluster.start(c.node.directory)
    await cluster.converged()
    assert area(c, a) == "A 149" and area(c, b) == "B 149"
    for author in (a, b):
        assert c.node.heads()[author.node.id] == author.node.heads()[author.node.id]
    assert (await held(c.node))[0] >= 300


async def test_a_partition_heals_and_both_sides_keep_what_they_wrote(cluster):
    a, b, c = await cluster.form(3)
    await cluster.converged()
    cluster.partition([a, b], [c])
    await publish(a, 20, "A")
    await publish(c, 5, "C")
    await eventually(lambda: area(b, a) == "A 19", what="A's profile at B, same side")
    assert area(c, a) == "" and area(a, c) == area(b, c) == ""
    cluster.heal()
    await cluster.converged()
    for service in (a, b, c):
        assert (area(service, a), area(service, c)) == ("A 19", "C 4")


async def test_a_node_restored_from_an_old_backup_does_not_reuse_a_published_seq(cluster):
    a, b, c = await cluster.form(3)
    await publish(b, 2, "before the backup")
    await cluster.converged()
    await cluster.stop(b)
    directory = b.node.directory
    backup = directory.with_name("backup")
    shutil.copytree(directory, backup)
    b = await cluster.start(directory)
    await publish(b, 3, "after the backup")
    published = b.node.state.head_of(b.node.id)
    await eventually(lambda: all(
        s.node.state.head_of(b.node.id).seq >= published.seq for s in (a, c)
    ), what="B's later entries at A and C")
    await cluster.stop(b)
    shutil.rmtree(directory)
    shutil.copytree(backup, directory)

    b = await cluster.start(directory)
    entry = await joining.set_profile(b.node, {"area": "restored"})
    assert entry.seq > published.seq
    await cluster.converged()
    for service in (a, b, c):
        assert service.node.state.forks == []
        assert area(service, b) == "restored"
