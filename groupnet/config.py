"""Node settings: `node.toml` in the node's data directory.

    name = "Southwark"                  # the group's name
    url = "http://127.0.0.1:8101"       # where other nodes reach this one
    host = "127.0.0.1"                  # where `groupnet run` listens
    port = 8101
    time_zone = "Europe/London"         # where the group meets: pages show and read
                                        # times in it (default at init: the system's)
    max_body_bytes = 8388608            # request bodies above this get 413
    sync_interval_seconds = 5           # anti-entropy: compare heads this often
    trusted_proxies = ["127.0.0.1"]     # reverse proxies whose X-Forwarded-For counts
                                        # (addresses or networks; default: none)
    allow_private_peers = false         # true: peers on loopback/private addresses too
    allowed_peer_networks = []          # or only these, e.g. ["10.20.0.0/16"]

    [smtp]                              # optional: without it, officers pass notices on
    host = "smtp.example.org"
    port = 587
    username = "southwark@example.org"  # optional, with password
    password = "..."
    from_address = "Southwark group <southwark@example.org>"
    starttls = true                     # upgrade with STARTTLS (port 587)
    tls = false                         # or implicit TLS from the start (port 465)
"""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

from . import local_time
from .federation.peer_policy import parse_networks

CONFIG_FILE = "node.toml"
KEY_FILE = "node.key"
DB_FILE = "node.db"


class SmtpConfig(msgspec.Struct, forbid_unknown_fields=True):
    """The mail server the node sends invitations and notices through (docs/members.md)."""

    host: str
    from_address: str
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = True
    tls: bool = False
    timeout_seconds: float = 30.0


class NodeConfig(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    url: str
    host: str = "127.0.0.1"
    port: int = 0
    # The group's time zone (local_time.py). A node.toml written before nodes had
    # one reads as UTC, the zone its pages then showed.
    time_zone: str = local_time.DEFAULT
    max_body_bytes: int = 8 * 1024 * 1024
    sync_interval_seconds: float = 5.0
    # the peer address policy (federation/peer_policy.py): by default this node sends
    # requests to public addresses only
    allow_private_peers: bool = False
    allowed_peer_networks: list[str] = msgspec.field(default_factory=list)
    smtp: SmtpConfig | None = None
    # The reverse proxies in front of the node (docs/deploy.md): only a request
    # from one of these has its X-Forwarded-For read, for the client's address.
    trusted_proxies: list[str] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"trusted_proxies: {entry!r} is not an IP address or "
                                 "network (e.g. \"127.0.0.1\" or \"10.0.0.0/8\")") from None
        parse_networks(self.allowed_peer_networks)
        try:
            local_time.zone(self.time_zone)
        except ValueError as error:
            raise ValueError(f"time_zone: {error}") from None

    def listen_port(self) -> int:
        return self.port or urlsplit(self.url).port or 80


def load(directory: Path) -> NodeConfig:
    path = directory / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"error: {directory} is not a groupnet node (no {CONFIG_FILE})") from None
    except tomllib.TOMLDecodeError as error:
        raise SystemExit(f"error: {path}: {error}") from None
    try:
        return msgspec.convert(data, NodeConfig)
    except (msgspec.ValidationError, ValueError) as error:
        raise SystemExit(f"error: {path}: {error}") from None


def dump(config: NodeConfig) -> str:
    lines, tables = [], []
    for field in config.__struct_fields__:
        value = getattr(config, field)
        if isinstance(value, msgspec.Struct):
            tables.append(f"\n[{field}]")
            tables += [f"{k} = {_toml_value(getattr(value, k))}" for k in value.__struct_fields__]
        elif value is not None:
            lines.append(f"{field} = {_toml_value(value)}")
    return "\n".join(lines + tables) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)
