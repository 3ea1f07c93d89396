"""What the operator does with this node's signing key: rotate it, or revoke it (N4).

A rotation is signed by the key in force and names the next one. The new key
is saved beside the old (`node.key.next`) before the rotation is signed: a
process stopped in between leaves a key the node adopts when it opens again,
and a running process finds it when it next signs (`Node`). The old key is
kept as `node.key.retired-SEQ`. A revocation closes this node's log for good.
"""

from __future__ import annotations

import os

from .. import config
from ..wire import crypto
from ..wire.messages import Entry, KeyRevoke, KeyRotate
from .node import Node


async def rotate(node: Node) -> Entry:
    """Sign a rotation to a fresh key and put the key in force here; the entry names it."""
    fresh = crypto.SigningKey.generate()
    pending = node.directory / (config.KEY_FILE + ".next")
    if pending.exists():
        pending.unlink()
    crypto.save_key(pending, fresh)
    entry = await node.append("key.rotate", KeyRotate(fresh.public))
    os.replace(node.directory / config.KEY_FILE,
               node.directory / f"{config.KEY_FILE}.retired-{entry.seq}")
    os.replace(pending, node.directory / config.KEY_FILE)
    return entry


async def revoke(node: Node, reason: str) -> Entry:
    """Close this node's log: no later entry of it is accepted anywhere (SPEC 4.3)."""
    return await node.append("key.revoke", KeyRevoke(reason))
