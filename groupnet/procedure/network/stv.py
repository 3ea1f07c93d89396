"""The count of a conference election by single transferable vote (protocol/STV.md).

The conference elects its bodies by STV, and every node counts the signed
ballots itself, so the count is a pure function of its inputs and is written
down in protocol/STV.md precisely enough to be reproduced without this code.
It is Scottish STV: The Scottish Local Government Elections Order 2007
(SSI 2007/42), Schedule 1, rules 45-52, with two additions that STV.md
states in full:

- rule 45 (STV 5.1): first preferences are counted, one vote per valid ballot;
- rule 46 (STV 4): the quota is floor(valid ballots / (seats + 1)) + 1;
- rule 47 (STV 5.2): a candidate whose votes reach the quota is elected;
- rules 48, 49 (STV 5.5): one surplus per stage, the highest first; every
  paper the elected candidate holds moves on at surplus x its value / the
  candidate's votes, truncated to five decimal places;
- rules 50, 51 (STV 5.6): otherwise the candidate with the fewest votes is
  excluded and every paper moves on at the value it came with;
- rules 49(2), 51(2) (STV 6): a tie goes to the most recent earlier stage at
  which the tied candidates' votes differed;
- rule 52 (STV 5.4): when no more candidates continue than seats remain,
  they are all elected and nothing more is transferred;
- STV 6 replaces "by lot" with a draw every node makes alike: SHA-256 of the
  election's seed and each candidate's id, the smallest first;
- STV 7, the balance rule: where the constitution reserves at least N seats
  for candidates with an attribute, a candidate without it is not elected
  once the seats left are needed for the minimum, and is excluded; and a
  candidate with it is not excluded while all those still standing with it
  are needed to reach the minimum.

Arithmetic is in integers of 0.00001 of a vote (rule 48(3) counts to five
decimal places); no floats. The result keeps every stage so a page can show
the count sheet.

No I/O, no clock.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from typing import Literal

import msgspec

PLACES = 5
UNIT = 10**PLACES  # one vote, in the units the count works in (rule 48(3))
LOT_PREFIX = b"groupnet/v1/stv-lot\n"


class Candidate(msgspec.Struct, frozen=True):
    """A candidate: an id the ballots name, and the attributes the balance rule reads."""

    id: str
    attributes: tuple[str, ...] = ()


class Tie(msgspec.Struct, frozen=True):
    """A tie and how it was broken (STV 6).

    `decides` is which choice it was: whose surplus goes first, who is excluded,
    or who is elected first of several elected at once. `stage` is the earlier
    stage whose votes decided it; None when the draw did (rules 49(3), 51(2)(b)).
    """

    decides: Literal["surplus", "exclusion", "order"]
    among: list[str]
    chosen: str
    stage: int | None


class Stage(msgspec.Struct, frozen=True):
    """One stage of the count, as a count sheet shows it (STV 8).

    `action` is what the stage did: `first` (first preferences, rule 45),
    `surplus` (rule 48), `exclusion` (rule 50) or `balance` (the exclusion of
    the candidates the balance rule set aside, STV 7). `candidates` are those
    whose papers moved; `transfers` what each candidate received; `exhausted`
    the value of papers with no further preference for a continuing candidate;
    `lost` what a surplus loses to truncation; `votes` every candidate's votes
    at the end of the stage; `elected` who was elected at its end, in order;
    `barred` who the balance rule set aside at its end.
    """

    number: int
    action: Literal["first", "surplus", "exclusion", "balance"]
    candidates: list[str]
    transfers: dict[str, Decimal]
    exhausted: Decimal
    lost: Decimal
    votes: dict[str, Decimal]
    elected: list[str]
    barred: list[str]
    ties: list[Tie]
    reasons: list[str]


class Count(msgspec.Struct, frozen=True):
    """The result: who is elected, in order, the seats left vacant, and every stage."""

    seats: int
    valid: int
    invalid: int
    quota: Decimal
    elected: list[str]
    vacant: int
    stages: list[Stage]


def votes(units: int) -> Decimal:
    """A value in units as a decimal with exactly five places."""
    return Decimal(f"{units // UNIT}.{units % UNIT:0{PLACES}d}")


def lot(seed: str, candidate: str) -> bytes:
    """STV 6: the draw. Of candidates tied at every stage, the smallest of these goes first."""
    return hashlib.sha256(LOT_PREFIX + seed.encode() + b"\n" + candidate.encode()).digest()


def preferences(ballot: list[str], known: set[str]) -> tuple[str, ...]:
    """STV 2: a ballot's preferences, read up to the first unknown or repeated id."""
    read: list[str] = []
    for choice in ballot:
        if choice not in known or choice in read:
            break
        read.append(choice)
    return tuple(read)


def count(seats: int, candidates: list[Candidate], ballots: list[list[str]], *,
          minimum: dict[str, int] | None = None, seed: str,
          weights: list[int] | None = None) -> Count:
    """Count an STV election by STV.md: Scottish STV with the draw and the balance rule.

    `minimum` maps an attribute to the least number of seats that must go to
    candidates who have it (STV 7); `seed` is the election's seed for the draw
    (STV 6); `weights`, one a ballot, count a ballot of weight w as w ballots alike
    (STV 1; a card vote). Raises ValueError for inputs the protocol does not allow
    (STV 1).
    """
    _check(seats, candidates, minimum)
    known = {c.id for c in candidates}
    read: Counter[tuple[str, ...]] = Counter()
    for ballot, weight in zip(ballots, weights or [1] * len(ballots), strict=True):
        if weight < 0:
            raise ValueError(f"STV 1: a ballot weighs at least 0, not {weight}")
        if weight:
            read[preferences(ballot, known)] += weight
    invalid = read.pop((), 0)
    valid = sum(read.values())
    quota = valid // (seats + 1) + 1  # rule 46
    if valid == 0:
        return Count(seats, 0, invalid, votes(quota * UNIT), [], seats, [])
    election = _Election(seats, candidates, read, minimum or {}, seed, quota * UNIT)
    stages = election.run()
    return Count(seats, valid, invalid, votes(quota * UNIT), election.elected,
                 seats - len(election.elected), stages)


def _check(seats: int, candidates: list[Candidate], minimum: dict[str, int] | None) -> None:
    if seats < 1:
        raise ValueError(f"STV 1: an election fills at least one seat, not {seats}")
    ids = [c.id for c in candidates]
    if "" in ids or len(set(ids)) != len(ids):
        raise ValueError("STV 1: every candidate has an id of its own, not empty")
    for attribute, least in (minimum or {}).items():
        if not 0 <= least <= seats:
            raise ValueError(f"STV 1: a minimum is between 0 and the {seats} seats; "
                             f"{attribute!r} has {least}")


class _Parcel:
    """The papers with one sequence of preferences: they always move together."""

    __slots__ = ("at", "holder", "papers", "preferences", "value")

    def __init__(self, preferences: tuple[str, ...], papers: int) -> None:
        self.preferences = preferences
        self.papers = papers
        self.at = 0
        self.holder: str | None = preferences[0]
        self.value = UNIT  # each paper's value, in units (rule 48(4)(b)(i): one)


class _Election:
    """The state of one count; `run` takes it from first preferences to the result."""

    def __init__(self, seats: int, candidates: list[Candidate],
                 read: Counter[tuple[str, ...]], minimum: dict[str, int], seed: str,
                 quota: int) -> None:
        self.seats = seats
        self.order = [c.id for c in candidates]
        self.attributes = {c.id: frozenset(c.attributes) for c in candidates}
        self.minimum = {a: n for a, n in sorted(minimum.items()) if n > 0}
        self.seed = seed
        self.quota = quota
        self.parcels = [_Parcel(p, n) for p, n in sorted(read.items())]
        self.status = dict.fromkeys(self.order, "continuing")
        self.votes = dict.fromkeys(self.order, 0)
        self.history: list[dict[str, int]] = []
        self.elected: list[str] = []
        self.pending: list[str] = []  # elected with a surplus not yet transferred
        self.barred: list[str] = []  # set aside by the balance rule, to be excluded
        self._begin("first", [])

    # -- the order of operations (STV 5) ---------------------------------------

    def run(self) -> list[Stage]:
        stages = []
        for parcel in self.parcels:  # rule 45
            self.votes[parcel.preferences[0]] += parcel.papers * UNIT
        self.reasons.append(f"First preferences of the valid ballots (rule 45); the quota is "
                            f"{votes(self.quota)} (rule 46).")
        while True:
            done = self._close()
            stages.append(self._stage())
            if done:
                return stages
            if self.barred:
                self._begin("balance", sorted(self.barred))
                self._exclude(sorted(self.barred))
            elif self.pending:
                self._surplus()
            else:
                self._exclude(self._lowest())

    def _close(self) -> bool:
        """The end of a stage: elect (rule 47), set aside (STV 7), fill the last seats (52)."""
        self.history.append(dict(self.votes))  # votes do not move from here to the stage's end
        reached = [c for c in self._continuing() if self.votes[c] >= self.quota]
        for candidate in self._ranked(reached):
            if self._vacancies() == 0:
                break
            if not self._set_aside(candidate):
                self._elect(candidate, f"{candidate} reached the quota (rule 47).")
        if self._vacancies() == 0:
            return True
        for candidate in sorted(self._continuing()):
            if candidate not in self.barred:
                self._set_aside(candidate)
        if self.barred:
            return False
        continuing = self._continuing()
        if len(continuing) <= self._vacancies():  # rule 52
            for candidate in self._ranked(continuing):
                if not self._set_aside(candidate):
                    self._elect(candidate, f"{candidate} is elected: no more candidates "
                                           "continue than seats remain (rule 52).")
            for candidate in self.barred:
                self.status[candidate] = "excluded"
            return True
        return False

    def _elect(self, candidate: str, reason: str) -> None:
        self.status[candidate] = "elected"
        self.elected.append(candidate)
        self.stage_elected.append(candidate)
        self.reasons.append(reason)
        if self.votes[candidate] > self.quota:
            self.pending.append(candidate)

    def _set_aside(self, candidate: str) -> bool:
        """STV 7: bar a candidate without an attribute once the seats left are needed for it."""
        for attribute, least in self.minimum.items():
            if attribute in self.attributes[candidate]:
                continue
            without = sum(1 for c in self.elected if attribute not in self.attributes[c])
            if without >= self.seats - least:
                self.barred.append(candidate)
                self.stage_barred.append(candidate)
                self.reasons.append(
                    f"{candidate} is not elected and is to be excluded: at least {least} of "
                    f"the {self.seats} seats go to candidates with {attribute!r}, and "
                    f"{without} already went to candidates without it (STV 7).")
                return True
        return False

    # -- transfers -------------------------------------------------------------

    def _surplus(self) -> None:
        """Rules 48 and 49: transfer the highest surplus, every paper its candidate holds."""
        self._begin("surplus", [])
        top = max(self.votes[c] for c in self.pending)
        candidate = self._pick([c for c in self.pending if self.votes[c] == top], "surplus",
                               highest=True)
        self.pending.remove(candidate)
        self.moved = [candidate]
        total = self.votes[candidate]
        surplus = total - self.quota
        for parcel in self.parcels:
            if parcel.holder != candidate:
                continue
            # rule 48(3): A / B to five places, remainder ignored; A = surplus x the
            # paper's value when received, B = the candidate's votes
            parcel.value = surplus * parcel.value // total
            self._move(parcel)
        self.votes[candidate] = self.quota
        self.lost = surplus - sum(self.transfers.values()) - self.exhausted
        self.reasons.append(
            f"The surplus of {candidate}, {votes(surplus)} of {votes(total)} votes, is "
            f"transferred; {candidate} keeps the quota (rules 48, 49).")

    def _exclude(self, candidates: list[str]) -> None:
        """Rule 50: every paper of the excluded moves on at the value it came with."""
        for candidate in candidates:
            self.status[candidate] = "excluded"
        for parcel in self.parcels:
            if parcel.holder in candidates:
                self._move(parcel)
        for candidate in candidates:
            self.votes[candidate] = 0
        if self.action == "balance":
            self.barred = []
            self.reasons.append(f"{', '.join(candidates)} excluded by the balance rule; "
                                "their papers are transferred at their values (STV 7, rule 50).")

    def _move(self, parcel: _Parcel) -> None:
        """To the next preference for a continuing candidate, or set aside as exhausted."""
        for at in range(parcel.at + 1, len(parcel.preferences)):
            choice = parcel.preferences[at]
            if self.status[choice] == "continuing":
                parcel.at, parcel.holder = at, choice
                amount = parcel.papers * parcel.value
                self.votes[choice] += amount
                self.transfers[choice] = self.transfers.get(choice, 0) + amount
                return
        parcel.holder = None
        self.exhausted += parcel.papers * parcel.value

    def _lowest(self) -> list[str]:
        """Rules 50(1), 51: the continuing candidate with the fewest votes, unless protected."""
        self._begin("exclusion", [])
        continuing = self._continuing()
        protected = [c for c in continuing if self._protected(c)]
        candidates = [c for c in continuing if c not in protected] or continuing
        low = min(self.votes[c] for c in candidates)
        spared = sorted(c for c in protected if self.votes[c] < low)
        if spared and candidates != continuing:
            self.reasons.append(f"{', '.join(spared)} not excluded: the candidates still "
                                "standing with an attribute are needed for its minimum (STV 7).")
        candidate = self._pick([c for c in candidates if self.votes[c] == low], "exclusion",
                               highest=False)
        self.moved = [candidate]
        self.reasons.append(f"{candidate} has the fewest votes, {votes(low)}, and is excluded "
                            "(rules 50, 51).")
        return [candidate]

    def _protected(self, candidate: str) -> bool:
        """STV 7: not excluded while every candidate standing with an attribute is needed."""
        for attribute, least in self.minimum.items():
            if attribute not in self.attributes[candidate]:
                continue
            need = least - sum(1 for c in self.elected if attribute in self.attributes[c])
            standing = sum(1 for c in self._continuing() if attribute in self.attributes[c])
            if standing <= need:
                return True
        return False

    # -- ties (STV 6) ----------------------------------------------------------

    def _ranked(self, candidates: list[str]) -> list[str]:
        """Highest votes first; equal votes in the order ties give (rule 49(2), (3))."""
        left, ranked = list(candidates), []
        while left:
            top = max(self.votes[c] for c in left)
            chosen = self._pick([c for c in left if self.votes[c] == top], "order",
                                highest=True)
            ranked.append(chosen)
            left.remove(chosen)
        return ranked

    def _pick(self, tied: list[str], decides: Literal["surplus", "exclusion", "order"], *,
              highest: bool) -> str:
        """Rules 49(2), 51(2): the latest stage at which their votes differed; else the draw."""
        if len(tied) == 1:
            return tied[0]
        among = sorted(tied)
        group = list(among)
        for number in range(len(self.history), 0, -1):
            then = {c: self.history[number - 1][c] for c in group}
            if len(set(then.values())) == 1:
                continue
            best = max(then.values()) if highest else min(then.values())
            group = [c for c in group if then[c] == best]
            if len(group) == 1:
                self.ties.append(Tie(decides, among, group[0], number))
                self.reasons.append(f"Tie between {', '.join(among)} ({decides}) decided by "
                                    f"the votes at stage {number} (rules 49(2), 51(2)).")
                return group[0]
        chosen = min(group, key=lambda c: lot(self.seed, c))
        self.ties.append(Tie(decides, among, chosen, None))
        self.reasons.append(f"Tie between {', '.join(among)} ({decides}) equal at every stage; "
                            f"the draw chose {chosen} (STV 6, for rules 49(3), 51(2)(b)).")
        return chosen

    # -- bookkeeping -----------------------------------------------------------

    def _continuing(self) -> list[str]:
        return [c for c in self.order if self.status[c] == "continuing"]

    def _vacancies(self) -> int:
        return self.seats - len(self.elected)

    def _begin(self, action: Literal["first", "surplus", "exclusion", "balance"],
               candidates: list[str]) -> None:
        self.action = action
        self.moved = candidates
        self.transfers: dict[str, int] = {}
        self.exhausted = 0
        self.lost = 0
        self.stage_elected: list[str] = []
        self.stage_barred: list[str] = []
        self.ties: list[Tie] = []
        self.reasons: list[str] = []

    def _stage(self) -> Stage:
        return Stage(
            len(self.history), self.action, self.moved,
            {c: votes(v) for c, v in sorted(self.transfers.items())},
            votes(self.exhausted), votes(self.lost),
            {c: votes(self.votes[c]) for c in self.order},
            self.stage_elected, self.stage_barred, self.ties, self.reasons)
