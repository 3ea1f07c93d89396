"""The notices the group sends its members (the table is created with the register)."""

from __future__ import annotations

import aiosqlite


async def subjects_under(db: aiosqlite.Connection, subject: str) -> list[str]:
    """The distinct subjects of notices that are `subject` or lie under it (`subject:...`)."""
    async with db.execute("SELECT DISTINCT related FROM notices WHERE related = ? "
                          "OR related LIKE ?", (subject, subject + ":%")) as cursor:
        return [row[0] for row in await cursor.fetchall()]
