"""What this group's officers follow on the network, and what they have read.

Private to the node. Notifications are not stored: they are the shared
motions (and revisions) that match a follow, computed from the network state,
so they can never disagree with it; only the read mark is kept.
"""

from __future__ import annotations

MIGRATIONS = [
    """
    CREATE TABLE follows (
        kind TEXT NOT NULL CHECK (kind IN ('group', 'topic')),
        value TEXT NOT NULL,
        created INTEGER NOT NULL,
        PRIMARY KEY (kind, value)
    );
    CREATE TABLE notification_marks (id INTEGER PRIMARY KEY CHECK (id = 1),
                                     read_upto INTEGER NOT NULL);
    """,
]
