"""Importing members from a CSV file, ours or another system's: preview, then import.

The rules of reading a file are `procedure/group/register_import.py` (which
column goes to which field, how dates are read) and `members.validate_import`
(which rows may join the register). The steps here are the same for every
caller: `preview` says what an import would do, changing nothing, and
`import_csv` does it, all or nothing unless the caller leaves out the rows
that are not valid. The page holds the uploaded file between the two
(`hold`, `held`): for the sign-in that uploaded it, for an hour at most, so a
refusal never makes anyone choose the file again.
"""

from __future__ import annotations

import asyncio
import csv
import io
import secrets
import sqlite3
from collections.abc import Iterator, Sequence

import msgspec

from .. import clock
from ..network.node import Node
from ..procedure.group import register_import as reading
from ..procedure.group.members import Member, RowError, validate_import
from ..procedure.group.register_import import ColumnMap, DateOrder, DateReading
from ..procedure.group.standing_orders import HOUR_MS
from ..store import audit, held_files
from ..store import register as store_register
from ..wire.rejection import Refused, Rejection, refuse
from .people import Actor
from .register import acting, check, require_officer, standing_orders

HELD_FOR_MS = HOUR_MS
HELD_AT_ONCE = 20
SAMPLES = 3
SHOWN_MEMBERS = 10


class ImportChoices(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """What the officer chose: columns sent elsewhere than the guess (column name ->
    register field, "" for not imported), and how to read the dates."""

    columns: dict[str, str] = {}
    dates: DateOrder = "auto"


class ColumnView(msgspec.Struct, frozen=True):
    name: str
    # the register field it goes to, "" if it is not imported
    field: str
    samples: list[str]


class ImportPreview(msgspec.Struct, frozen=True, kw_only=True):
    """What importing the file would do; nothing is changed by asking."""

    columns: list[ColumnView]
    date_order: str
    dates: str
    rows: int
    valid: int
    # the first valid rows, as the register would hold them
    members: list[Member]
    errors: list[RowError]
    # why nothing can be imported as the columns are mapped (a required field missing)
    refusal: Rejection | None


class ImportReport(msgspec.Struct, frozen=True):
    imported: int
    skipped: list[RowError]
    # the file's columns that were imported, and the fields they went to
    columns: dict[str, str] = {}
    # which order the dates were read in, and why
    dates: str = ""


class ImportRefused(Refused):
    """An import with bad rows, refused whole: every bad row is named."""

    def __init__(self, errors: list[RowError], columns: dict[str, str], dates: str) -> None:
        noun = "row is" if len(errors) == 1 else "rows are"
        super().__init__(Rejection(
            "csv_invalid",
            f"{len(errors)} {noun} not valid, so nothing was imported; correct them, or "
            "choose to import the valid rows alone"), 422)
        self.errors = errors
        # how the file was read, as `ImportReport` would have said
        self.columns = columns
        self.dates = dates


def decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise refuse("csv_encoding", f"line {line}: the file is not UTF-8 text; save it as "
                     "'CSV UTF-8' and try again", 400) from None


# -- reading the file --------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """Commas, unless the first line has none and is separated by semicolons or tabs (as
    spreadsheets write CSV where the comma is the decimal point)."""
    first = text.split("\n", 1)[0]
    if "," not in first:
        for other in (";", "\t"):
            if other in first:
                return other
    return ","


def _records(reader) -> Iterator[tuple[int, list[str]]]:
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as error:
        raise refuse("csv_malformed", f"line {reader.line_num}: {error}", 422) from None


def _read(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows that hold anything."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=_delimiter(text))
    records = list(_records(reader))
    if not records:
        raise refuse("csv_header", "the file is empty: its first line should name the "
                     "columns, and each line after it hold one member", 422)
    (_, header), rows = records[0], records[1:]
    return [h.strip() for h in header], rows


class _Plan(msgspec.Struct, frozen=True):
    mapping: ColumnMap
    dates: DateReading
    header: list[str]
    rows: list[tuple[int, list[str]]]
    members: list[Member]
    errors: list[RowError]
    refusal: Rejection | None


def _plan(text: str, choices: ImportChoices, existing: set[str], now: int) -> _Plan:
    header, rows = _read(text)
    mapping = check(reading.choose(reading.guess(header), choices.columns))
    refusal = reading.missing(mapping)
    date_column = [reading.register_row(mapping, row)[reading.DATE_FIELD] for _, row in rows]
    dates = reading.read_dates(date_column, choices.dates)
    if refusal is not None:
        return _Plan(mapping, dates, header, rows, [], [], refusal)
    register_rows, unreadable = reading.to_register(mapping, rows, dates)
    members, invalid = validate_import(register_rows, existing, now)
    errors = sorted(unreadable + invalid, key=lambda e: e.line)
    return _Plan(mapping, dates, header, rows, members, errors, None)


def _samples(header: Sequence[str], rows: Sequence[tuple[int, list[str]]],
             i: int) -> list[str]:
    found: list[str] = []
    for _, row in rows:
        if i < len(row) and row[i].strip() and row[i].strip() not in found:
            found.append(row[i].strip())
            if len(found) == SAMPLES:
                break
    return found


async def _planned(node: Node, actor: Actor, text: str, choices: ImportChoices) -> _Plan:
    orders = await standing_orders(node)
    require_officer(await acting(node, actor, orders), orders, "imports members")
    existing = await store_register.all_emails(node.db)
    # Reading and checking thousands of rows is work for a thread, so the
    # server goes on answering meanwhile.
    return await asyncio.to_thread(_plan, text, choices, existing, clock.now(node))


# -- the steps -------------------------------------------------------------------------------


async def preview(node: Node, actor: Actor, text: str,
                  choices: ImportChoices | None = None) -> ImportPreview:
    """What importing `text` with `choices` would do: the columns and where they go, how
    the dates are read, and the rows that would be refused, each with why."""
    plan = await _planned(node, actor, text, choices or ImportChoices())
    columns = [ColumnView(name, field, _samples(plan.header, plan.rows, i))
               for i, (name, field) in enumerate(zip(plan.mapping.columns,
                                                     plan.mapping.fields, strict=True))]
    return ImportPreview(columns=columns, date_order=plan.dates.order,
                         dates=plan.dates.sentence, rows=len(plan.rows),
                         valid=len(plan.members), members=plan.members[:SHOWN_MEMBERS],
                         errors=plan.errors, refusal=plan.refusal)


async def import_csv(node: Node, actor: Actor, text: str, skip_invalid: bool,
                     choices: ImportChoices | None = None) -> ImportReport:
    """Import members from CSV (docs/members.md): all or nothing unless `skip_invalid`."""
    plan = await _planned(node, actor, text, choices or ImportChoices())
    if plan.refusal is not None:
        raise refuse(plan.refusal.code, plan.refusal.reason, 422)
    columns = plan.mapping.named()
    if plan.errors and not skip_invalid:
        raise ImportRefused(plan.errors, columns, plan.dates.sentence)
    now = clock.now(node)
    good_lines = sorted({line for line, _ in plan.rows} - {e.line for e in plan.errors})
    try:
        async with node.transaction() as db:
            stored = await store_register.insert_members(db, plan.members, now)
            await audit.record_many(db, actor.audit, "member.import", [
                (f"member:{m.member_id}", {"line": line, "name": m.name, "email": m.email,
                                           "status": m.status, "roles": list(m.roles)})
                for m, line in zip(stored, good_lines, strict=True)
            ], now)
            await audit.record(db, actor.audit, "register.import", "register", {
                "imported": len(stored), "skipped_lines": [e.line for e in plan.errors],
                "columns": columns, "dates": plan.dates.order}, now)
    except sqlite3.IntegrityError:
        raise refuse("conflict", "someone added members with the same emails while this file "
                     "was being imported; nothing was imported, try again", 409) from None
    return ImportReport(len(stored), plan.errors, columns, plan.dates.sentence)


# -- holding a file between preview and import ---------------------------------------------


async def hold(node: Node, owner: str, name: str, data: bytes) -> str:
    """Keep an uploaded file for `owner` (one sign-in) for `HELD_FOR_MS`; its id."""
    decode_csv(data)
    if len(data) > node.config.max_body_bytes:
        raise refuse("too_large", f"the file has {len(data)} bytes; this node takes at most "
                     f"{node.config.max_body_bytes}", 413)
    ident = secrets.token_urlsafe(12)
    now = clock.now_ms()
    async with node.transaction() as db:
        await held_files.hold(db, ident, owner, name[:200], data, now, now + HELD_FOR_MS,
                              HELD_AT_ONCE)
    return ident


async def held(node: Node, ident: str, owner: str) -> tuple[str, str]:
    """(file name, text) of the file `owner` holds as `ident`."""
    found = await held_files.held(node.db, ident, owner, clock.now_ms())
    if found is None:
        raise refuse("not_found", "this file is no longer held: an uploaded file is kept "
                     f"for {HELD_FOR_MS // HOUR_MS} hour, for the sign-in that chose it; "
                     "choose it again", 404)
    name, data = found
    return name, decode_csv(data)


async def drop(node: Node, ident: str) -> None:
    async with node.transaction() as db:
        await held_files.drop(db, ident)
