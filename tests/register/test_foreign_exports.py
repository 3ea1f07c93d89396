"""Other systems' member exports import as they are, from the command line and the API.

The files in tests/data/ have the columns the two systems document; the people
in them are made up:

- tests/data/civicrm-contacts.csv: CiviCRM's contact export ("Export PRIMARY
  fields"), its 83 columns in CiviCRM's own order as its test suite fixes them
  (civicrm/civicrm-core, tests/phpunit/CRM/Export/BAO/ExportTest.php,
  `getBasicHeaderDefinition`), dates as CiviCRM writes its timestamps,
  YYYY-MM-DD HH:MM:SS.
- tests/data/nationbuilder-people.csv: NationBuilder's people fields, named as
  its documentation lists them ("What fields are available for imports?",
  http://nationbuilder.com/what_fields_are_available_for_imports, and "Fields
  available for import",
  https://support.nationbuilder.com/en/articles/2895987-fields-available-for-import:
  first_name, middle_name, last_name, email, phone_number, mobile_number,
  created_at, note, tag_list; the primary address as primary_address1,
  primary_city, primary_zip), its dates month first, as NationBuilder writes
  American dates (its documentation asks for birth dates as MM/DD/YY).
- tests/data/spreadsheet-day-first.csv: a secretary's own spreadsheet, in the
  columns and day-first dates of a British one.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import cli

DATA = Path(__file__).resolve().parents[1] / "data"


async def _import(group, name: str, **params: str):
    return await group.call("POST", "/api/v1/register/import", as_="officer",
                            data=(DATA / name).read_bytes(),
                            headers={"Content-Type": "text/csv"}, params=params or None)


async def _member(group, email: str) -> dict:
    found = await group.call("GET", "/api/v1/members", params={"q": email})
    (row,) = found.body["members"]
    return (await group.call("GET", f"/api/v1/members/{row['id']}")).body


async def test_a_civicrm_contact_export_imports_with_its_names_joined_and_bad_rows_named(group):
    refused = await _import(group, "civicrm-contacts.csv")
    assert refused.status == 422 and refused.code() == "csv_invalid"
    assert refused.body["error"]["rows"] == [
        {"line": 4, "reason": "email 'cat.cole@' is not an email address"},
        {"line": 5, "reason": "ann.archer@example.org is also on line 2"}]
    answer = await _import(group, "civicrm-contacts.csv", skip_invalid="true")
    assert answer.status == 201, answer.body
    assert answer.body["imported"] == 4
    assert answer.body["dates"] == ("Dates are read as year-month-day, as the file writes "
                                    "them (2016-01-10 09:30:00).")
    ben = await _member(group, "ben.baker@example.org")
    assert (ben["name"], ben["phone"], ben["postcode"], ben["joined"], ben["notes"]) == (
        "Ben James Baker", "07700 900002", "SE15 4ST", "2016-02-11", "Prefers post")
    assert (await _member(group, "ann.archer@example.org"))["postcode"] == "SE17 1AA"


async def test_a_nationbuilder_export_is_read_month_first_and_says_so(group):
    answer = await _import(group, "nationbuilder-people.csv", skip_invalid="true")
    assert answer.status == 201, answer.body
    assert answer.body["dates"] == ("Dates are read as month/day/year: 01/31/2016 cannot be "
                                    "day/month.")
    assert answer.body["skipped"] == [
        {"line": 5, "reason": "joined 2099-12-25 is after the date of this import"},
        {"line": 6, "reason": "email is required"}]
    hal = await _member(group, "hal.hunt@example.org")
    assert (hal["joined"], hal["notes"], hal["postcode"]) == (
        "2017-03-04", "Joined at the May Day rally", "94607")
    ida = await _member(group, "ida.ives@example.org")
    assert (ida["name"], ida["phone"]) == ("Ida May Ives", "(510) 555-0103")


async def test_the_api_takes_a_mapping_and_a_date_order(group):
    answer = await _import(group, "nationbuilder-people.csv", skip_invalid="true",
                           map="primary_city=area;note=", dates="dmy")
    assert answer.status == 201, answer.body
    assert answer.body["columns"]["primary_city"] == "area"
    assert "note" not in answer.body["columns"]
    assert answer.body["dates"] == "Dates are read as day/month/year, as chosen."
    # read day first, 01/31/2016 and 11/15/2018 are no dates, and 03/04/2017 is 3 April
    assert [r["line"] for r in answer.body["skipped"]] == [2, 4, 5, 6]
    hal = await _member(group, "hal.hunt@example.org")
    assert (hal["joined"], hal["area"], hal["notes"]) == ("2017-04-03", "Oakland", "")
    wrong = await _import(group, "nationbuilder-people.csv", map="town=area")
    assert wrong.status == 422 and wrong.code() == "unknown_column"


async def test_the_command_line_prints_the_columns_and_the_dates_it_took(group, tmp_path):
    directory = str(group.node.directory)
    spreadsheet = str(DATA / "spreadsheet-day-first.csv")
    refused = cli("member", "import", directory, spreadsheet)
    assert refused.returncode == 2
    assert "  First Name -> name\n  Last Name -> name\n" in refused.stderr
    assert "Dates are read as day/month/year: 31/01/2024 cannot be month/day." in \
        refused.stderr
    assert "line 6: joined: “soon” is not a date" in refused.stderr

    done = cli("member", "import", directory, spreadsheet, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert "imported 4 member(s)" in done.stdout
    assert "Dates are read as day/month/year: 31/01/2024 cannot be month/day." in done.stdout
    may = await _member(group, "may.moss@example.org")
    assert (may["name"], may["joined"]) == ("May Moss", "2023-04-03")
    assert (await _member(group, "ned.nash@example.org"))["joined"] == "2022-03-01"

    nationbuilder = str(DATA / "nationbuilder-people.csv")
    unmapped = cli("member", "import", directory, nationbuilder, "--map", "email=")
    assert unmapped.returncode == 2
    assert "no column of the file gives the email address" in unmapped.stderr
    assert "  email -> (not imported)" in unmapped.stderr
    mapped = cli("member", "import", directory, nationbuilder, "--skip-invalid",
                 "--dates", "mdy", "--map", "primary_city=area")
    assert mapped.returncode == 0, mapped.stderr
    assert "  primary_city -> area" in mapped.stdout
    assert "Dates are read as month/day/year, as chosen." in mapped.stdout
    assert (await _member(group, "gus.gray@example.org"))["area"] == "San Francisco"
    typo = cli("member", "import", directory, nationbuilder, "--map", "primary_city")
    assert typo.returncode == 2 and "bad_map" in typo.stderr
