"""`groupnet bench ballot-verify`: every node checks every member's ballot; how fast is that?

A yes/no/abstain election is made up before the clock starts: an election key, a
number of distinct members' credentials and their cast ballots (casting costs
about twice what checking does, so a pool is cast and then checked in turn until
N checks are done; the check caches nothing, so each counts in full). The timed
part runs every step of protocol/BALLOTS.md 5.6 on each ballot in this one
process, on one core, timed in CPU seconds: encodings, the credential's signature, three 0/1 proofs
and the count proof. The reference, timed in the same run right after: the raw
cost of one ristretto255 scalar multiplication through libsodium, the operation
that dominates the check.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...procedure.ballots.ballot import Election

TARGET_BALLOTS = 21_000
TARGET_SECONDS = 40.0
_SEED = b"groupnet bench ballot-verify\n"


def add_ballots_parser(kinds: argparse._SubParsersAction, handler: Callable) -> None:
    p = kinds.add_parser(
        "ballot-verify", help="check N yes/no/abstain ballots on one core",
        description="Cast a pool of yes/no/abstain ballots (untimed), then check N of them "
        "in turn as every node does (BALLOTS.md 5.6), in one process. Prints ballots/s "
        "beside the raw cost of one scalar multiplication measured in the same run "
        f"(target: {TARGET_BALLOTS:,} ballots in under {TARGET_SECONDS:.0f} s on one core).")
    p.add_argument("--ballots", type=int, default=TARGET_BALLOTS, help="ballots checked")
    p.add_argument("--distinct", type=int, default=500,
                   help="distinct ballots cast for the pool (each checked in turn)")
    p.set_defaults(handler=handler)


def _seed(label: str) -> bytes:
    return hashlib.sha256(_SEED + label.encode()).digest()


def _scalar_multiplication_seconds(rounds: int = 5, each: int = 2000) -> float:
    """The median, over a few rounds, of one scalar multiplication's CPU time."""
    from ...procedure.ballots.ristretto import G, mul
    x = int.from_bytes(_seed("scalar"), "little")
    point = mul(x, G)
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(each):
            mul(x, point)
        times.append((time.process_time() - start) / each)
    return statistics.median(times)


def check_rate(election: Election, ballots: list[bytes]) -> float:
    """Ballots checked per CPU-second, in turn, on this one core; each must pass."""
    from ...procedure.ballots import ballot
    start = time.process_time()
    for data in ballots:
        if not isinstance(ballot.verify(election, data), ballot.Ballot):
            raise SystemExit("error: a cast ballot was refused")
    return len(ballots) / (time.process_time() - start)


def bench_ballots(args: argparse.Namespace) -> int:
    if args.ballots < 1 or args.distinct < 1:
        raise SystemExit("error: --ballots and --distinct must be at least 1")
    # Imported here: every `groupnet` command builds this parser, few load libsodium.
    from ...procedure.ballots import ballot
    from ...procedure.ballots.ristretto import base
    key = base(int.from_bytes(_seed("election key"), "little"))
    election = ballot.Election(_seed("election id"), key, (ballot.YES_NO_ABSTAIN,))
    marks = ([1, 0, 0], [0, 1, 0], [0, 0, 1])
    pool = []
    for n in range(min(args.distinct, args.ballots)):
        secret, _ = ballot.credential(_seed(f"credential {n}"))
        cast = ballot.cast(election, secret, [marks[n % 3]], _seed(f"ballot {n}"))
        assert isinstance(cast, bytes)
        pool.append(cast)
    wall, cpu = time.perf_counter(), time.process_time()
    refused = 0
    for n in range(args.ballots):
        if not isinstance(ballot.verify(election, pool[n % len(pool)]), ballot.Ballot):
            refused += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if refused:
        raise SystemExit(f"error: {refused} of the cast ballots were refused")
    multiplication = _scalar_multiplication_seconds()
    # CPU time, not wall time: on a shared machine the wall clock also counts the
    # time other processes held the core, and the reference is timed the same way.
    per_ballot = cpu / args.ballots
    projected = per_ballot * TARGET_BALLOTS
    print(f"ballots: {args.ballots} ({len(pool)} distinct, yes/no/abstain, one core)")
    print(f"CPU seconds: {cpu:.2f} (wall {wall:.2f})")
    print(f"ballots/s: {args.ballots / cpu:.0f}")
    print(f"raw scalar multiplication (one core): {multiplication * 1e6:.1f} us "
          f"({1 / multiplication:.0f}/s)")
    print(f"per ballot: {per_ballot * 1e3:.2f} ms = {per_ballot / multiplication:.1f} scalar "
          "multiplications")
    print(f"ratio: {TARGET_BALLOTS:,} ballots in {projected:.1f} s at this rate "
          f"(target < {TARGET_SECONDS:.0f} s)")
    return 0
