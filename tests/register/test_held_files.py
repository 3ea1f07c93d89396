"""An uploaded file waits for its import only for its own sign-in, for a while, one each."""

from __future__ import annotations

from groupnet import store
from groupnet.store import held_files

HOUR = 3_600_000


async def test_a_held_file_is_read_only_by_its_owner_until_it_expires(tmp_path):
    db = await store.connect(tmp_path / "node.db")
    try:
        await held_files.hold(db, "f1", "sam", "members.csv", b"name,email\n", 0, HOUR, 20)
        assert await held_files.held(db, "f1", "sam", HOUR - 1) == ("members.csv",
                                                                     b"name,email\n")
        assert await held_files.held(db, "f1", "chris", 1) is None
        assert await held_files.held(db, "f1", "sam", HOUR) is None
    finally:
        await db.close()


async def test_each_sign_in_holds_one_file_and_the_node_a_bounded_number(tmp_path):
    db = await store.connect(tmp_path / "node.db")
    try:
        await held_files.hold(db, "f1", "sam", "old.csv", b"1", 0, HOUR, 3)
        await held_files.hold(db, "f2", "sam", "new.csv", b"2", 1, HOUR, 3)
        assert await held_files.held(db, "f1", "sam", 2) is None
        assert await held_files.held(db, "f2", "sam", 2) == ("new.csv", b"2")
        for i, owner in enumerate(("a", "b", "c"), start=3):
            await held_files.hold(db, f"g{i}", owner, "x.csv", b"x", i, HOUR, 3)
        # the oldest goes when a fourth is held
        assert await held_files.held(db, "f2", "sam", 10) is None
        assert await held_files.held(db, "g5", "c", 10) == ("x.csv", b"x")
        await held_files.drop(db, "g5")
        assert await held_files.held(db, "g5", "c", 10) is None
    finally:
        await db.close()
