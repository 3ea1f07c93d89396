"""Typed keys for what the application carries."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..network.node import Node

NODE = web.AppKey("node", Node)
SERVICE = web.AppKey("service", Any)

CALLER = web.RequestKey("caller", Any)
