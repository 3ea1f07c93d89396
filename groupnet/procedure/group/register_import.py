"""Reading another system's member export into the register's columns.

A group moving to groupnet brings its members in a file some other system
wrote: CiviCRM's contact export ("First Name", "Last Name", "Email", "Postal
Code", "Created Date"), NationBuilder's people export (`first_name`, `email`,
`primary_zip`, `created_at`), or a spreadsheet someone kept. The register's own
columns are `members.COLUMNS`. The rules here:

- The mapping: each column of the file goes to one register field, or to
  none (it is not imported). `guess` proposes one from the columns' names,
  compared without regard to case, spaces, hyphens or underscores ("E-mail",
  "email_address", "Email Address" are one name); the secretary may change
  any of it. A column nobody recognises is not imported.
- Several columns may go to one field. The name joins them in the file's
  order ("First Name" + "Last Name" make "Ann Archer"), and so do the notes
  (with "; "); any other field takes the first of them that is not empty in
  that row (a "Phone" column, else "Mobile").
- The name, the email and the date joined must each come from some column.
- Dates are read by python-dateutil, never by hand, in one order for the
  whole column: year-month-day, day/month/year or month/day/year.
  `read_dates` works the order out from the column unless told: a date
  whose first number cannot be a month (31/01/2024) shows day/month, one
  whose second cannot (01/31/2024) shows month/day, and a column that shows
  neither is read day/month, saying so, since nothing in it tells. Every
  reading says which order it took and why. A date that cannot be read in
  the order taken, or that lacks its day, month or year, refuses its row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Literal, get_args

import msgspec
from dateutil import parser as dates

from ...wire.rejection import Rejection
from .members import COLUMNS, REQUIRED_COLUMNS, RowError

DateOrder = Literal["auto", "dmy", "mdy", "ymd"]
ORDERS: tuple[DateOrder, ...] = get_args(DateOrder)
ORDER_NAMES = {"dmy": "day/month/year", "mdy": "month/day/year", "ymd": "year-month-day"}
DATE_FIELD = "joined"
# fields whose columns are joined, and with what; the rest take the first non-empty
JOINED = {"name": " ", "notes": "; "}

# The usual names of each field's column in other systems' exports, as `_plain` gives
# them. Where a field may come from several columns, `guess` takes them in this order.
NAME_PARTS = (
    ("first name", "firstname", "forename", "forenames", "given name", "first"),
    ("middle name", "middle names", "middlename", "middle"),
    ("last name", "lastname", "surname", "family name", "last"),
)
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "display name", "member name",
             "contact name"),
    "email": ("email", "e mail", "email address", "e mail address", "emailaddress",
              "primary email", "email 1", "email1"),
    "phone": ("phone", "phone number", "telephone", "telephone number", "tel",
              "primary phone", "home phone", "mobile", "mobile number", "mobile phone",
              "cell", "cell phone"),
    "area": ("area", "branch", "ward", "district", "neighbourhood", "neighborhood",
             "locality"),
    "postcode": ("postcode", "post code", "postal code", "postalcode", "zip", "zip code",
                 "zipcode", "primary zip", "address zip", "home postal code"),
    # the first that the file has is the date joined
    "joined": ("joined", "date joined", "join date", "joined on", "joined at",
               "member since", "membership start date", "membership started at",
               "start date", "signup date", "sign up date", "created at", "created date",
               "date created", "created"),
    "status": ("status",),
    "roles": ("roles", "role", "offices"),
    "notes": ("notes", "note", "note s", "comments"),
}
# only one column is guessed for these
SINGLE_GUESS = frozenset({"email", "joined", "status"})


class ColumnMap(msgspec.Struct, frozen=True):
    """For each column of the file (by position), the register field it goes to, or ""."""

    columns: tuple[str, ...]
    fields: tuple[str, ...]

    def used(self, field: str) -> list[int]:
        return [i for i, f in enumerate(self.fields) if f == field]

    def named(self) -> dict[str, str]:
        """Column name -> field, for the columns that are imported."""
        return {c: f for c, f in zip(self.columns, self.fields, strict=True) if f}


class DateReading(msgspec.Struct, frozen=True):
    """The order a column's dates are read in, and the sentence that says why."""

    order: Literal["dmy", "mdy", "ymd"]
    sentence: str


def _plain(header: str) -> str:
    """A column name as compared: lower case, words separated by single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.lower()).split())


def guess(columns: Sequence[str]) -> ColumnMap:
    """The mapping the usual names suggest; columns it does not know are not imported."""
    plain = [_plain(c) for c in columns]
    fields = [""] * len(columns)

    def take(names: Iterable[str], field: str, single: bool = False) -> bool:
        found = False
        for name in names:
            for i, p in enumerate(plain):
                if p == name and not fields[i]:
                    fields[i] = field
                    found = True
                    if single:
                        return True
        return found

    # a register file of our own: its columns are the fields
    for i, p in enumerate(plain):
        if p in COLUMNS and p not in fields:
            fields[i] = p
    if "name" not in fields:
        parts = [take(names, "name") for names in NAME_PARTS]
        if not (parts[0] or parts[2]):
            for i, f in enumerate(fields):
                if f == "name":
                    fields[i] = ""
            take(ALIASES["name"], "name", single=True)
    for field, names in ALIASES.items():
        single = field in SINGLE_GUESS
        if field != "name" and not (single and field in fields):
            take(names, field, single=single)
    return ColumnMap(tuple(columns), tuple(fields))


def choose(mapping: ColumnMap, chosen: Mapping[str, str]) -> ColumnMap | Rejection:
    """`mapping` with the columns named in `chosen` (column name -> field, "" for none)
    going where `chosen` says."""
    fields = list(mapping.fields)
    for column, field in chosen.items():
        if column not in mapping.columns:
            return Rejection("unknown_column", f"the file has no column “{column}”; its "
                             f"columns are {', '.join(mapping.columns)}")
        if field and field not in COLUMNS:
            return Rejection("unknown_field", f"“{field}” is not a field of the register: "
                             f"{', '.join(COLUMNS)}, or nothing (not imported)")
        for i, c in enumerate(mapping.columns):
            if c == column:
                fields[i] = field
    return ColumnMap(mapping.columns, tuple(fields))


def written_choices(items: Iterable[str]) -> dict[str, str] | Rejection:
    """Choices written "Column=field" (the command line's `--map`, the API's `map`); a
    field left empty ("Display Name=") means the column is not imported."""
    chosen: dict[str, str] = {}
    for item in items:
        column, equals, field = item.rpartition("=")
        if not equals or not column.strip():
            return Rejection("bad_map", f"“{item}” does not say COLUMN=FIELD, e.g. "
                             "\"E-mail=email\" or \"Display Name=\" (not imported)")
        chosen[column.strip()] = field.strip().lower()
    return chosen


def missing(mapping: ColumnMap) -> Rejection | None:
    """Why the mapping cannot make register rows: a required field no column gives."""
    absent = [f for f in REQUIRED_COLUMNS if not mapping.used(f)]
    if not absent:
        return None
    words = {"name": "the name", "email": "the email address", "joined": "the date joined"}
    return Rejection("csv_header", f"no column of the file gives "
                     f"{' or '.join(words[f] for f in absent)}, and every member of the "
                     "register has one; choose the column that does")


def register_row(mapping: ColumnMap, row: Sequence[str]) -> dict[str, str]:
    """One row of the file as the register's columns, by the mapping."""
    out: dict[str, str] = {}
    for field in COLUMNS:
        values = [row[i].strip() for i in mapping.used(field) if i < len(row)]
        values = [v for v in values if v]
        if field in JOINED:
            out[field] = JOINED[field].join(values)
        else:
            out[field] = values[0] if values else ""
    return out


# -- dates ------------------------------------------------------------------------------

# Two different defaults: a date that takes a part from them lacks that part.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))
_YEAR_FIRST = re.compile(r"\s*\d{4}\D")
_NUMBERS = re.compile(r"\d+")


def _parse(value: str, day_first: bool) -> date | str:
    """The date dateutil reads in `value`, or why it reads none: not a date, or a date
    without its day, month or year (read again with another default, it changes)."""

    def read(default: datetime) -> date:
        return dates.parse(value, dayfirst=day_first, yearfirst=not day_first,
                           default=default).date()

    first, other = _DEFAULTS
    try:
        found = read(first)
        # only a part equal to the default's can have come from it
        if (found.year == first.year or found.month == first.month
                or found.day == first.day) and read(other) != found:
            return f"“{value}” is not a whole date: it needs a day, a month and a year"
    except (ValueError, OverflowError):
        return f"“{value}” is not a date"
    return found


@lru_cache(maxsize=65536)
def _readings(value: str) -> tuple[date | str, date | str]:
    """`value` read day first and month first. A date that starts with its year is
    year-month-day whichever is asked (2024/03/04 is 4 March); in ISO 8601 the standard
    library reads it."""
    if _YEAR_FIRST.match(value):
        try:
            only: date | str = datetime.fromisoformat(value).date()
        except ValueError:
            only = _parse(value, day_first=False)
        return only, only
    return _parse(value, day_first=True), _parse(value, day_first=False)


def _shows(value: str, day: date) -> str | None:
    """Which order `value`'s own numbers show, if they show one: "dmy" when its day comes
    first and cannot be a month, "mdy" when its month comes first before such a day."""
    numbers = [int(n) for n in _NUMBERS.findall(value)[:2]]
    if len(numbers) < 2 or day.day <= 12:
        return None
    if numbers == [day.day, day.month]:
        return "dmy"
    if numbers == [day.month, day.day]:
        return "mdy"
    return None


def read_dates(values: Iterable[str], order: DateOrder = "auto") -> DateReading:
    """The order to read a column's dates in: `order`, or (auto) the one they show."""
    if order != "auto":
        return DateReading(order, f"Dates are read as {ORDER_NAMES[order]}, as chosen.")
    shown: dict[str, str] = {}
    doubtful: str | None = None
    example: str | None = None
    year_first = True
    for value in values:
        value = value.strip()
        first, second = _readings(value)
        if isinstance(first, str) and isinstance(second, str):
            continue
        example = example or value
        year_first = year_first and bool(_YEAR_FIRST.match(value))
        if first != second:
            doubtful = doubtful or value
        for reading in (first, second):
            if isinstance(reading, date) and (side := _shows(value, reading)):
                shown.setdefault(side, value)
    if "dmy" in shown and "mdy" in shown:
        return DateReading("dmy", f"The dates mix day/month ({shown['dmy']}) and month/day "
                           f"({shown['mdy']}): they are read as day/month/year, and a date "
                           "that cannot be is refused. If most are month/day, choose "
                           "month/day/year.")
    if "mdy" in shown:
        return DateReading("mdy", f"Dates are read as month/day/year: {shown['mdy']} cannot "
                           "be day/month.")
    if "dmy" in shown:
        return DateReading("dmy", f"Dates are read as day/month/year: {shown['dmy']} cannot "
                           "be month/day.")
    if doubtful:
        return DateReading("dmy", f"Dates are read as day/month/year, but nothing in the "
                           f"file shows it: {doubtful} could be either. If they are "
                           "month/day, choose month/day/year.")
    if example and year_first:
        return DateReading("ymd", f"Dates are read as year-month-day, as the file writes "
                           f"them ({example}).")
    if example:
        return DateReading("ymd", f"No date is in doubt: each names its month ({example}) or "
                           "gives its year first.")
    return DateReading("dmy", "No date could be read yet.")


def read_date(value: str, reading: DateReading) -> date | str:
    """`value` as a date in the reading's order, or why it cannot be one."""
    value = value.strip()
    first, second = _readings(value)
    if reading.order == "ymd":
        if first != second and isinstance(first, date) and isinstance(second, date):
            return (f"“{value}” could be either day/month or month/day; the other dates "
                    "give their year first")
        return first if isinstance(first, date) else second
    found = first if reading.order == "dmy" else second
    if isinstance(found, date) and _shows(value, found) not in (None, reading.order):
        return f"“{value}” cannot be read as {ORDER_NAMES[reading.order]}"
    return found


def to_register(mapping: ColumnMap, rows: Iterable[tuple[int, Sequence[str]]],
                reading: DateReading
                ) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The file's numbered rows as register rows (the date joined as YYYY-MM-DD), and the
    rows whose date cannot be read. A row with more fields than the file has columns
    is kept for `members.validate_row` to refuse."""
    out: list[tuple[int, dict]] = []
    errors: list[RowError] = []
    for line, row in rows:
        fields: dict = register_row(mapping, row)
        if len(row) > len(mapping.columns) and any(v.strip() for v in
                                                   row[len(mapping.columns):]):
            fields[None] = row[len(mapping.columns):]
        if fields[DATE_FIELD]:
            day = read_date(fields[DATE_FIELD], reading)
            if isinstance(day, str):
                errors.append(RowError(line, f"joined: {day}"))
                continue
            fields[DATE_FIELD] = day.isoformat()
        out.append((line, fields))
    return out, errors

