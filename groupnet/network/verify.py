"""`groupnet verify`: check every stored entry again, from nothing.

A node trusts its own database only as far as it can re-prove it: each row's
bytes must be canonical, match the row's columns, chain onto its author's
previous entry, carry a valid signature by the key then in force, and pass the
network's rules in the order the node accepted them. Fork evidence must be a
validly signed second entry for a seq already held. After a fork, an entry that
depended on what the freeze removed may wait, held but not counted (SPEC 3.3):
that is no fault of the database. The rules are `receive.stored`'s, the ones
the node rebuilds its state with; this module only reads and reports.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import config
from ..procedure.network import NetworkState, Refuse, Wait, count, stored
from ..wire import messages
from ..wire.rejection import Rejection


def _row_place(rx: int, author: str, seq: int, kind: str) -> str:
    return f"entry rx={rx} ({author[:10]}… seq {seq})"


def check_rows(rows: Iterable[tuple], fork_rows: Iterable[tuple],
               where: Callable[[int, str, int, str], str] = _row_place,
               ) -> tuple[list[str], NetworkState]:
    """rows: (rx, author, seq, id, kind, raw) in rx order; fork_rows: (id, author, seq, raw).
    `where` names a row in a problem, from its rx, author, seq and kind."""
    rows, fork_rows = list(rows), list(fork_rows)
    problems: list[str] = []
    state = NetworkState()
    held = {(author, seq): ident for _, author, seq, ident, _, _ in rows}
    for ident, author, seq, _ in fork_rows:
        other = held.get((author, seq))
        if other is None or other == ident:
            problems.append(
                f"fork evidence {ident[:12]}: does not conflict with an entry held at that seq"
            )
        else:
            state.record_fork(author, seq, other, ident)
    for rx, author, seq, ident, kind, raw in rows:
        place = where(rx, author, seq, kind)
        entry = messages.parse(raw)
        if isinstance(entry, Rejection):
            problems.append(f"{place}: {entry}")
            continue
        if (entry.author, entry.seq, entry.id, entry.kind) != (author, seq, ident, kind):
            problems.append(f"{place}: the stored columns do not match the signed bytes")
            continue
        head_seq = state.head_of(author).seq
        verdict = stored(state, entry, messages.verify_signature)
        if isinstance(verdict, Refuse):
            problems += _refused(place, verdict.rejection, head_seq)
            continue
        if isinstance(verdict, Wait) and verdict.why is not None and not state.forks:
            # only a fork freeze may leave a held entry unfit (SPEC 3.3)
            problems.append(f"{place}: {verdict.why}")
            continue
        # entries that waited count with this one: their signatures are checked now
        problems += _signatures(state, count(state, verdict)[1:])
    for ident, author, seq, raw in fork_rows:
        entry = messages.parse(raw)
        if isinstance(entry, Rejection) or entry.id != ident:
            problems.append(f"fork evidence {ident[:12]}: not a canonical entry with that id")
        elif seq == state.frozen.get(author) and not messages.verify_signature(
            entry, state.key_at(author, seq)
        ):
            # evidence above the lowest fork no longer counts, and the key in force
            # that far along its log is no longer known
            problems.append(f"fork evidence {ident[:12]}: bad signature")
    return problems, state


def _refused(where: str, rejection: Rejection, head_seq: int) -> list[str]:
    """How `groupnet verify` reports a stored entry that `receive.stored` refuses."""
    if rejection.code == "equivocated":
        return []  # past its author's fork: kept, not counted (SPEC 3.3)
    if rejection.code == "bad_signature":
        return [f"{where}: bad signature"]
    if rejection.code in ("seq_gap", "prev_mismatch"):
        return [f"{where}: breaks its author's chain (head was seq {head_seq})"]
    return [f"{where}: {rejection}"]


def _signatures(state: NetworkState, counted: list[messages.Entry]) -> list[str]:
    """Check entries that waited (SPEC 3.3) once they count, with the key then in force."""
    return [
        f"entry {e.id[:12]} ({e.author[:10]}… seq {e.seq}): bad signature"
        for e in counted if not messages.verify_signature(e, state.key_at(e.author, e.seq))
    ]


def check_files(directory: Path) -> list[str]:
    problems = []
    expectations = [
        (directory, 0o700),
        (directory / config.KEY_FILE, 0o600),
        (directory / config.DB_FILE, 0o600),
    ]
    for path, mode in expectations:
        if path.exists():
            actual = stat.S_IMODE(os.stat(path).st_mode)
            if actual & ~mode:
                problems.append(f"{path}: mode {actual:o} lets others read it; expected {mode:o}")
    return problems


def equivocations(state: NetworkState) -> list[str]:
    return [
        f"author {f.author} signed two entries at seq {f.seq}: {f.first} and {f.second}"
        for f in state.forks
    ]

