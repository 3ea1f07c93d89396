"""Reading other systems' exports: the columns' usual names, joined names, and dates."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from groupnet.procedure.group.register_import import (
    ColumnMap,
    choose,
    guess,
    missing,
    read_date,
    read_dates,
    register_row,
    to_register,
    written_choices,
)
from groupnet.wire.rejection import Rejection

DATA = Path(__file__).resolve().parents[1] / "data"


def _header(name: str) -> list[str]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def test_the_usual_names_are_matched_whatever_their_case_and_punctuation():
    mapping = guess(["FIRST NAME", "last_name", "E-mail", "Mobile", "Zip", "Join date",
                     "Favourite colour"])
    assert mapping.fields == ("name", "name", "email", "phone", "postcode", "joined", "")


def test_a_civicrm_contact_export_goes_to_name_parts_email_phone_postcode_and_created_date():
    assert guess(_header("civicrm-contacts.csv")).named() == {
        "First Name": "name", "Middle Name": "name", "Last Name": "name",
        "Created Date": "joined", "Postal Code": "postcode", "Phone": "phone",
        "Email": "email", "Note(s)": "notes"}


def test_a_nationbuilder_people_export_takes_phone_then_mobile_and_created_at():
    assert guess(_header("nationbuilder-people.csv")).named() == {
        "first_name": "name", "middle_name": "name", "last_name": "name", "email": "email",
        "phone_number": "phone", "mobile_number": "phone", "primary_zip": "postcode",
        "note": "notes", "created_at": "joined"}


def test_a_register_file_of_our_own_maps_to_itself_and_a_full_name_column_is_the_name():
    own = guess(["name", "email", "joined", "roles", "status"])
    assert own.fields == ("name", "email", "joined", "roles", "status")
    assert guess(["Display Name", "Email", "Member since", "Created at"]).fields == (
        "name", "email", "joined", "")


def test_name_parts_are_joined_and_other_fields_take_the_first_one_filled_in():
    mapping = guess(["First Name", "Middle Name", "Last Name", "Phone", "Mobile", "Notes"])
    row = register_row(mapping, ["Ida", "", "Ives", "", "07700 900003", "keen"])
    assert (row["name"], row["phone"], row["notes"]) == ("Ida Ives", "07700 900003", "keen")


def test_a_choice_overrides_the_guess_and_a_wrong_one_is_refused():
    mapping = guess(["Display Name", "City", "Email"])
    chosen = choose(mapping, {"City": "area", "Display Name": ""})
    assert chosen.fields == ("", "area", "email")
    assert missing(chosen).code == "csv_header"
    assert "the name" in missing(chosen).reason and "the date joined" in missing(chosen).reason
    assert choose(mapping, {"Town": "area"}).code == "unknown_column"
    assert choose(mapping, {"City": "town"}).code == "unknown_field"
    assert written_choices(["E-mail=email", "Display Name="]) == {"E-mail": "email",
                                                                  "Display Name": ""}
    assert isinstance(written_choices(["email"]), Rejection)


@pytest.mark.parametrize(("values", "order", "said"), [
    (["31/01/2024", "03/04/2023"], "dmy",
     "Dates are read as day/month/year: 31/01/2024 cannot be month/day."),
    (["03/04/2023", "01/31/2024"], "mdy",
     "Dates are read as month/day/year: 01/31/2024 cannot be day/month."),
    (["03/04/2023"], "dmy", "Dates are read as day/month/year, but nothing in the file shows "
     "it: 03/04/2023 could be either. If they are month/day, choose month/day/year."),
    (["2016-01-10 09:30:00", "2024-03-04"], "ymd",
     "Dates are read as year-month-day, as the file writes them (2016-01-10 09:30:00)."),
])
def test_the_order_of_a_date_column_is_worked_out_and_said(values, order, said):
    reading = read_dates(values)
    assert (reading.order, reading.sentence) == (order, said)


def test_each_common_form_of_date_is_read_in_the_order_taken():
    day_first = read_dates(["31/01/2024"])
    assert read_date("03/04/2023", day_first) == date(2023, 4, 3)
    assert read_date("1 March 2022", day_first) == date(2022, 3, 1)
    assert read_date("2019-05-06", day_first) == date(2019, 5, 6)
    assert read_date("31.01.2024", day_first) == date(2024, 1, 31)
    assert read_date("01/31/2024", day_first) == "“01/31/2024” cannot be read as day/month/year"
    assert read_date("March 2024", day_first) == (
        "“March 2024” is not a whole date: it needs a day, a month and a year")
    assert read_date("soon", day_first) == "“soon” is not a date"
    assert read_date("30/02/2024", day_first) == "“30/02/2024” is not a date"
    month_first = read_dates([], "mdy")
    assert month_first.sentence == "Dates are read as month/day/year, as chosen."
    assert read_date("03/04/2023", month_first) == date(2023, 3, 4)


def test_rows_whose_date_cannot_be_read_are_refused_with_their_line():
    mapping = ColumnMap(("Name", "Email", "Joined"), ("name", "email", "joined"))
    rows = [(2, ["Ann", "a@example.org", "31/01/2024"]), (3, ["Ben", "b@example.org", "soon"])]
    good, bad = to_register(mapping, rows, read_dates(["31/01/2024", "soon"]))
    assert [(line, row["joined"]) for line, row in good] == [(2, "2024-01-31")]
    assert [(e.line, e.reason) for e in bad] == [(3, "joined: “soon” is not a date")]
