"""Key rotation and revocation, as every node sees them (N4)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from groupnet import config
from groupnet.network import joining
from groupnet.wire import crypto
from groupnet.wire.rejection import Refused

from ..conftest import eventually
from .wire import next_profile, node_key, push


async def groupnet_cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from groupnet.cli.main import main; raise SystemExit(main())", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode, output.decode()


def areas(services, author) -> set[str]:
    profiles = [s.node.state.profiles.get(author.node.id) for s in services]
    return {profile[1].area if profile else "" for profile in profiles}


async def verify_everywhere(services) -> None:
    outcomes = await asyncio.gather(
        *(groupnet_cli("verify", str(s.node.directory)) for s in services)
    )
    for code, output in outcomes:
        assert code == 0, output


async def test_after_a_key_rotation_old_entries_stay_valid_and_only_the_new_key_signs(cluster):
    services = await cluster.form(3)
    b = services[1]
    await joining.set_profile(b.node, {"area": "signed with the first key"})
    await cluster.converged()
    old_key = node_key(b.node)
    await cluster.stop(b)
    code, output = await groupnet_cli("key", "rotate", str(b.node.directory))
    assert code == 0, output
    new_key = node_key(b.node)
    assert new_key.public != old_key.public
    services[1] = b = await cluster.start(b.node.directory)

    await joining.set_profile(b.node, {"area": "signed with the second key"})
    await eventually(lambda: areas(services, b) == {"signed with the second key"},
                     what="the profile signed with the new key on every node")
    await cluster.converged()
    rotated_at = b.node.state.keys[b.node.id][-1][0] - 1
    for service in services:
        state = service.node.state
        assert state.key_at(b.node.id, rotated_at) == old_key.public
        assert state.key_at(b.node.id, rotated_at + 1) == new_key.public
    await verify_everywhere(services)

    stale = next_profile(old_key, services[0].node, b.node.id, "signed with the old key")
    for service in services:
        if service is not b:
            [result] = await push(service.node.config.url, stale.raw)
            assert (result["status"], result["code"]) == ("rejected", "bad_signature")


async def test_a_running_node_signs_with_a_key_rotated_from_the_command_line(cluster):
    services = await cluster.form(3)
    b = services[1]
    await cluster.converged()
    code, output = await groupnet_cli("key", "rotate", str(b.node.directory))
    assert code == 0, output
    await joining.set_profile(b.node, {"area": "after rotating"})
    await eventually(lambda: areas(services, b) == {"after rotating"},
                     what="the running node's next profile on every node")
    await cluster.converged()
    await verify_everywhere(services)


async def test_a_revoked_log_takes_nothing_more_anywhere(cluster):
    services = await cluster.form(3)
    b = services[1]
    await joining.set_profile(b.node, {"area": "before revoking"})
    await cluster.converged()
    code, output = await groupnet_cli("key", "revoke", str(b.node.directory),
                                      "--reason", "the laptop was stolen")
    assert code == 0, output
    await eventually(lambda: all(s.node.state.head_of(b.node.id).revoked for s in services),
                     what="the revocation on every node")

    with pytest.raises(Refused) as refused:
        await joining.set_profile(b.node, {"area": "after revoking"})
    assert refused.value.rejection.code == "revoked"
    key = crypto.load_key(b.node.directory / config.KEY_FILE)
    late = next_profile(key, services[0].node, b.node.id, "after revoking")
    for service in services:
        if service is not b:
            [result] = await push(service.node.config.url, late.raw)
            assert (result["status"], result["code"]) == ("rejected", "revoked")
    await joining.set_profile(services[2].node, {"area": "others carry on"})
    await cluster.converged()
    assert areas(services, b) == {"before revoking"}
    await verify_everywhere(services)
