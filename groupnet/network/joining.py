"""What a node's officers do to the network: found it, admit groups, join it, publish.

Thin edges around the pure rules in `procedure/network/`: each action turns
into one signed entry in this node's log (or a pull from a peer), and the
rules decide whether it stands.
"""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

import msgspec

from ..federation.client import PeerClient, PeerError, PeerNotAllowed
from ..federation.sync import catch_up, top_up
from ..procedure.network import NetworkState
from ..store import peers
from ..wire import crypto
from ..wire.messages import Admit, Charter, Entry, NetworkStandingOrders, Profile
from ..wire.rejection import Refused, refuse
from .constitution import Founding, found_under
from .node import Node


def load_standing_orders(path: Path | None) -> NetworkStandingOrders:
    if path is None:
        return NetworkStandingOrders()
    try:
        data = tomllib.loads(Path(path).read_text())
        return msgspec.convert(data, NetworkStandingOrders)
    except (OSError, tomllib.TOMLDecodeError, msgspec.ValidationError) as error:
        raise refuse("bad_rules", f"{path}: {error}", 400) from None


async def found(node: Node, name: str, orders: NetworkStandingOrders,
                founding: Founding | None = None) -> Entry:
    """Sign the charter; with `founding`, the founder's constitution right after it (C1)."""
    if node.state.net is not None:
        raise refuse("already_in_network", f"this node already belongs to {node.state.net}", 409)
    nonce = crypto.b64encode(secrets.token_bytes(16))
    charter = Charter(name, node.config.name, node.config.url, nonce, orders)
    if founding is not None:
        return await found_under(node, charter, founding)
    return await node.append("network.charter", charter)


def _unreachable(url: str, error: PeerError, doing: str) -> Refused:
    if isinstance(error, PeerNotAllowed):
        return refuse("peer_not_allowed", f"{doing} {url}: {error}", 422)
    return refuse("peer_unreachable", f"{doing} {url} failed: {error}", 502)


async def admit(node: Node, client: PeerClient, url: str) -> Entry:
    try:
        info = await client.well_known(url)
    except PeerError as error:
        raise _unreachable(url, error, "reading /.well-known/groupnet from") from None
    # every node will push to the address the candidate gives: this node approves only
    # one its own policy would dial (the policy checks again, on each request)
    reason = client.policy.refuse_url(info.url)
    if reason is not None:
        raise refuse("peer_not_allowed", f"{url} gives its address as {info.url}: {reason}",
                     422)
    if info.network is not None and info.network != node.state.net:
        raise refuse(
            "wrong_network", f"{url} already belongs to another network ({info.network})", 409
        )
    try:
        body = msgspec.convert({"node": info.node, "name": info.name, "url": info.url}, Admit)
    except msgspec.ValidationError as error:
        raise refuse("bad_peer", f"{url} describes itself unusably: {error}", 502) from None
    return await node.append("node.admit", body)


async def join(node: Node, client: PeerClient, url: str) -> int:
    """Point this node at any admitted node: take its charter and every log it holds.

    That node's feed brings the directory (charter, admissions, profiles) and
    whatever else it holds, in dependency order; then a few other members, now
    known, are asked for what they hold beyond it (`top_up`), so a member that
    is behind, or the founder being away, costs the newcomer nothing. Once the
    logs show this node admitted, it publishes its own url (`declare_url`).
    Returns how many entries were new.
    """
    try:
        info = await client.well_known(url)
    except PeerError as error:
        raise _unreachable(url, error, "reading /.well-known/groupnet from") from None
    if info.network is None:
        raise refuse("peer_not_in_network", f"{url} does not belong to a network yet", 409)
    if node.state.net is not None and node.state.net != info.network:
        raise refuse(
            "already_in_network", f"this node already belongs to {node.state.net}", 409
        )
    async with node.transaction() as db:
        await peers.add_bootstrap(db, url)
    # anti-entropy, which would fetch the same entries from the same member, waits
    async with node.pulling:
        try:
            fetched = await catch_up(node, client, url, info.node)
        except PeerError as error:
            raise _unreachable(url, error, "catching up from") from None
        fetched += await top_up(node, client, skip=url)
    await declare_url(node)
    return fetched


async def declare_url(node: Node) -> Entry | None:
    """Publish this node's url in its own log, once it is a member that has given none.

    A member's address comes only from its own word (SPEC 5.4, "Name and address"):
    the approval that admitted it names a url, but that is the approver's claim and
    peers never push to it. So a joined node signs a profile with its configured url
    as soon as it counts itself a member; until then nobody pushes to it, and it pulls.
    Returns the entry, or None when nothing was needed (not a member yet, or it has a url).
    """
    def profile(state: NetworkState) -> Profile | None:
        if not _without_url(state, node.id):
            return None
        return _profile(state, node, {"url": node.config.url})

    if not _without_url(node.state, node.id):
        return None  # the common case, decided without taking the write lock
    return await node.append_made("group.profile", profile)


def _without_url(state: NetworkState, node_id: str) -> bool:
    """A member that has given no url, and may write (not frozen, nothing waiting)."""
    member = state.members.get(node_id)
    return (member is not None and not member.url and node_id not in state.frozen
            and state.first_waiting(node_id) is None)


async def set_profile(node: Node, changes: dict) -> Entry:
    return await node.append("group.profile", _profile(node.state, node, changes))


def _profile(state: NetworkState, node: Node, changes: dict) -> Profile:
    """This node's profile with `changes`: fields not given keep their published value."""
    current = state.profiles.get(node.id)
    fields = msgspec.to_builtins(current[1]) if current else {"name": node.config.name}
    fields.update({k: v for k, v in changes.items() if v is not None})
    try:
        return msgspec.convert(fields, Profile)
    except msgspec.ValidationError as error:
        raise refuse("bad_profile", f"N3: {error}", 400) from None


async def bootstrap_urls(node: Node) -> list[str]:
    return await peers.bootstrap_urls(node.db)
