"""The member register's tables (private: never leaves the node)."""

from __future__ import annotations

MIGRATIONS: list[str] = []
