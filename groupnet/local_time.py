"""The group's local time: what people read and type, in the node's time zone.

Every moment is kept, signed and compared as UTC milliseconds. People read and
type the time where the group meets: a node has one time zone (`time_zone` in
node.toml, set by `groupnet init --time-zone`, by default the system's), and
this module turns a moment into the one form pages and notices show it in
("14 March 2017, 19:30 GMT", or a day alone, "14 March 2017"), and reads a
date and time typed on a form as local time there.

The clocks change twice a year, so a local time is not always one moment:

- In spring an hour is skipped: 01:30 on the last Sunday of March does not
  happen in London. A time in that gap is refused, not moved, because the
  person who typed it meant something that will not happen.
- In autumn an hour happens twice: 01:30 on the last Sunday of October comes
  once in summer time and again in winter time. It is read as the first.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .wire.rejection import refuse

DEFAULT = "UTC"
_ZONEINFO_DIR = "zoneinfo/"
_HALF_DAY = timedelta(hours=12)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The zone called `name` (e.g. "Europe/London"), or ValueError saying why not."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone of the tz database, such as "
                         "\"Europe/London\" or \"America/New_York\"") from None


def _known(name: str) -> str | None:
    name = name.strip().lstrip(":")
    if not name:
        return None
    try:
        zone(name)
    except ValueError:
        return None
    return name


def system_zone(environ: dict[str, str] | None = None, etc: Path = Path("/etc")) -> str:
    """The machine's time zone by name: TZ, else /etc/timezone, else where /etc/localtime
    points; UTC if none of them names a zone."""
    environ = os.environ if environ is None else environ
    if found := _known(environ.get("TZ", "")):
        return found
    try:
        if found := _known((etc / "timezone").read_text()):
            return found
    except OSError:
        pass
    try:
        target = str((etc / "localtime").resolve())
    except OSError:
        target = ""
    if _ZONEINFO_DIR in target and (found := _known(target.split(_ZONEINFO_DIR, 1)[1])):
        return found
    return DEFAULT


def _day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def day_text(day: date) -> str:
    """A calendar date as pages show one: "14 March 2017"."""
    return _day_text(day)


class LocalTime:
    """Moments shown and read in one time zone."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.zone = zone(name)

    def at(self, ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, UTC).astimezone(self.zone)

    def moment(self, ms: int) -> str:
        """ "14 March 2017, 19:30 GMT": the day, the time and the zone's abbreviation."""
        local = self.at(ms)
        return f"{_day_text(local.date())}, {local:%H:%M} {local.tzname()}"

    def day(self, ms: int) -> str:
        """ "14 March 2017": the local date of the moment."""
        return _day_text(self.at(ms).date())

    def field(self, ms: int) -> str:
        """The moment as a datetime-local form field holds it: "2017-03-14T19:30"."""
        return self.at(ms).strftime("%Y-%m-%dT%H:%M")

    def read(self, typed: datetime) -> datetime:
        """`typed` as a moment: a time without an offset is local time in this zone.

        Refused (`time_does_not_exist`) when the clocks skip over it; a time that
        happens twice is the first of the two."""
        if typed.tzinfo is not None:
            return typed
        local = typed.replace(tzinfo=self.zone, fold=0)
        if local.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) == typed:
            return local
        instant = local.astimezone(UTC)
        before = (instant - _HALF_DAY).astimezone(self.zone)
        after = (instant + _HALF_DAY).astimezone(self.zone)
        minutes = int((after.utcoffset() - before.utcoffset()).total_seconds() // 60)
        amount = (f"{minutes // 60} hour{'' if minutes == 60 else 's'}" if minutes % 60 == 0
                  else f"{minutes} minutes")
        raise refuse("time_does_not_exist",
                     f"{_day_text(typed.date())} at {typed:%H:%M} does not exist in "
                     f"{self.name}: that night the clocks go forward {amount}, from "
                     f"{before.tzname()} to {after.tzname()}, and skip over it; choose a time "
                     "before or after the change", 400)
