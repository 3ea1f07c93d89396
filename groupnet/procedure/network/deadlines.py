"""The moments the network's procedures wait on, so that a quiet network still passes them.

A deadline is passed when most of its witnesses signed a witness dated after it
(SPEC 5.5, "Deadlines"). Nodes sign witnesses when they hold entries they have
not yet witnessed (N5); on a quiet network nothing new arrives, so nothing would
ever be witnessed after a meeting's closing or a conference's final agenda time,
and those would stay pending for good. So a member also signs a witness once a
moment that a procedure waits on has passed on its clock and its latest witness
is dated at or before that moment (SPEC 5.5). `due` answers that, from the state
and the time passed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .ballots import Ballots
from .bodies import Bodies
from .conference_review import timetable
from .conferences import Conferences
from .constitution import DAY_MS, Constitutions
from .constitution_history import effect_moments
from .witness import Witnesses

if TYPE_CHECKING:
    from .state import NetworkState


def moments(state: NetworkState) -> Iterator[int]:
    """Every moment a body's or a conference's outcome waits on."""
    constitution = state.rules(Constitutions)
    for meeting in state.rules(Bodies).meetings.values():
        rules = constitution.body(state, meeting.body.body, meeting.ts)
        if rules is not None:
            yield meeting.body.opens - rules.notice_days * DAY_MS
        yield meeting.body.closes
    if constitution.interim_until is not None:
        yield constitution.interim_until
    for call in state.rules(Conferences).calls.values():
        times = timetable(state.constitution_at(call.ts), call)
        yield from (times.rule_changes, times.rule_change_amendments, times.motions,
                    times.amendments, times.credentials, times.final_agenda, times.emergency,
                    times.opens, times.closes)
    yield from state.rules(Ballots).moments()
    yield from effect_moments(state)


def due(state: NetworkState, witness: str, now: int) -> bool:
    """Should member `witness` sign a witness now, for a moment passed since its latest?"""
    latest = state.rules(Witnesses).latest_witness(witness)
    return any(latest is None or latest <= moment for moment in moments(state)
               if moment < now)
