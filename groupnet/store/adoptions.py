"""Links between the group's own motions and motions shared on the network."""

from __future__ import annotations

MIGRATIONS = [
    """
    CREATE TABLE adoptions (
        local_motion INTEGER PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('adopted', 'shared')),
        shared_motion TEXT NOT NULL,
        version INTEGER NOT NULL,
        linked_at INTEGER NOT NULL,
        endorsement TEXT
    );
    CREATE INDEX adoptions_by_shared ON adoptions (shared_motion);
    """,
]
