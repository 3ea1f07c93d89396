"""Importing and exporting the register as CSV, over the API and from the command line."""

from __future__ import annotations

import csv
import io
import os
import stat

from groupnet.procedure.group.members import COLUMNS

from .conftest import cli

GOOD = (
    "name,email,joined,phone,area,postcode,status,roles,notes\n"
    "Ann Archer,ann@example.org,2016-01-10,020 7000 0001,Walworth,se17 1aa,,,\n"
    "Ben Baker,ben@example.org,2016-02-11,,Peckham,,lapsed,,moved away?\n"
    'Cat Cole,cat@example.org,2016-03-12,,,,,treasurer,"says ""hello"", often"\n'
)
BAD = (
    "name,email,joined,status\n"
    "Dee Dunn,dee@example.org,2016-04-01,\n"        # line 2: fine
    ",eve@example.org,2016-04-02,\n"                # line 3: no name
    "Fay Fox,fay@example,2016-04-03,\n"             # line 4: not an email
    "Gus Gray,gus@example.org,2016-02-30,\n"        # line 5: no such date
    "Hal Hunt,hal@example.org,2016-04-05,expelled\n"  # line 6: status only by due process
    "Ida Ives,DEE@example.org,2016-04-06,\n"        # line 7: same email as line 2
    "Jo Jones,mo@example.org,2016-04-07,\n"         # line 8: already in the register
    "Kit King,kit@example.org,2016-04-08,\n"        # line 9: fine
)


async def _import(group, text: str, skip: bool = False, as_: str = "admin"):
    params = {"skip_invalid": "true"} if skip else None
    return await group.call("POST", "/api/v1/register/import", as_=as_, data=text.encode(),
                            headers={"Content-Type": "text/csv"}, params=params)


async def _names(group) -> list[str]:
    answer = await group.call("GET", "/api/v1/members", params={"limit": "1000"})
    return [m["name"] for m in answer.body["members"]]


async def test_a_clean_file_imports_every_row(group):
    answer = await _import(group, GOOD, as_="officer")
    assert answer.status == 201, answer.body
    assert (answer.body["imported"], answer.body["skipped"]) == (3, [])
    # a file of the register's own columns goes to the register's own fields
    assert all(column == field for column, field in answer.body["columns"].items())
    found = await group.call("GET", "/api/v1/members", params={"q": "cat@example.org"})
    cat = await group.call("GET", f"/api/v1/members/{found.body['members'][0]['id']}")
    assert cat.body["roles"] == ["treasurer"]
    assert cat.body["notes"] == 'says "hello", often'
    ben = await group.call("GET", "/api/v1/members", params={"q": "ben@example.org"})
    assert ben.body["members"][0]["status"] == "lapsed"
    ann = await group.call("GET", "/api/v1/members", params={"q": "ann@example.org"})
    assert ann.body["members"][0]["postcode"] == "SE17 1AA"


async def test_a_file_with_bad_rows_imports_nothing_and_names_each_bad_line(group):
    answer = await _import(group, BAD)
    assert answer.status == 422 and answer.code() == "csv_invalid"
    assert "nothing was imported" in answer.body["error"]["reason"]
    rows = {r["line"]: r["reason"] for r in answer.body["error"]["rows"]}
    assert sorted(rows) == [3, 4, 5, 6, 7, 8]
    assert "name is required" in rows[3]
    assert "not an email address" in rows[4]
    assert rows[5] == "joined: “2016-02-30” is not a date"
    assert "due-process case" in rows[6]
    assert rows[7] == "dee@example.org is also on line 2"
    assert rows[8] == "mo@example.org is already in the register"
    assert await _names(group) == ["Mo Member", "Sam Secretary"]


async def test_skip_invalid_imports_the_good_rows_and_reports_the_others(group):
    answer = await _import(group, BAD, skip=True)
    assert answer.status == 201
    assert answer.body["imported"] == 2
    assert [r["line"] for r in answer.body["skipped"]] == [3, 4, 5, 6, 7, 8]
    assert await _names(group) == ["Dee Dunn", "Kit King", "Mo Member", "Sam Secretary"]
    trail = await group.call("GET", "/api/v1/audit", params={"limit": "3"})
    summary, kit, dee = trail.body["rows"]
    assert summary["action"] == "register.import"
    assert summary["detail"] == {"imported": 2, "skipped_lines": [3, 4, 5, 6, 7, 8],
                                 "columns": {"name": "name", "email": "email",
                                             "joined": "joined", "status": "status"},
                                 "dates": "ymd"}
    assert (kit["action"], kit["detail"]["line"]) == ("member.import", 9)
    assert (dee["action"], dee["detail"]["line"]) == ("member.import", 2)


async def test_a_file_that_is_not_a_register_csv_is_refused_whole(group):
    header = await _import(group, "full name,email,phone\nAnn,ann@example.org,1\n")
    assert header.status == 422 and header.code() == "csv_header"
    assert header.body["error"]["reason"] == (
        "no column of the file gives the date joined, and every member of the register has "
        "one; choose the column that does")
    empty = await _import(group, "\n\n")
    assert empty.status == 422 and empty.code() == "csv_header"
    latin1 = await group.call("POST", "/api/v1/register/import",
                              data="name,email,joined\nJosé,j@example.org,2016-01-01\n"
                              .encode("latin-1"), headers={"Content-Type": "text/csv"})
    assert latin1.status == 400 and latin1.code() == "csv_encoding"
    assert latin1.body["error"]["reason"].startswith("line 2:")
    extra = await _import(group, "name,email,joined\nAnn,ann@example.org,2016-01-01,surplus\n")
    assert extra.status == 422
    assert extra.body["error"]["rows"] == [
        {"line": 2, "reason": "this line has more fields than the header"}]
    assert await _names(group) == ["Mo Member", "Sam Secretary"]


async def test_an_export_has_the_import_columns_and_imports_again(group):
    await _import(group, GOOD)
    answer = await group.call("GET", "/api/v1/register/export", as_="officer")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.body)))
    assert tuple(rows[0]) == COLUMNS
    assert [r["name"] for r in rows] == ["Ann Archer", "Ben Baker", "Cat Cole", "Mo Member",
                                         "Sam Secretary"]
    assert rows[2]["notes"] == 'says "hello", often' and rows[2]["roles"] == "treasurer"
    # the same file again: every row is already in the register
    again = await _import(group, answer.body)
    assert again.status == 422
    assert [r["line"] for r in again.body["error"]["rows"]] == [2, 3, 4, 5, 6]
    exported = await group.call("GET", "/api/v1/audit", params={"limit": "2"})
    actions = [r["action"] for r in exported.body["rows"]]
    assert "register.export" in actions


async def test_the_command_line_imports_lists_and_exports_beside_a_running_node(group, tmp_path):
    directory = str(group.node.directory)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    refused = cli("member", "import", directory, str(bad))
    assert refused.returncode == 2
    lines = refused.stderr.splitlines()
    assert lines[:2] == ["columns imported:", "  name -> name"]
    assert "Dates are read as year-month-day, as the file writes them (2016-04-01)." in lines
    assert "line 3: name is required" in lines
    assert lines[-1].startswith("error: csv_invalid: 6 rows are not valid")
    skipped = cli("member", "import", directory, str(bad), "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert "imported 2 member(s)" in skipped.stdout
    assert "skipped line 4:" in skipped.stderr
    listed = cli("member", "list", directory, "--search", "kit")
    assert listed.returncode == 0 and "Kit King <kit@example.org>  active" in listed.stdout
    out = tmp_path / "register.csv"
    exported = cli("member", "export", directory, "--output", str(out))
    assert exported.returncode == 0 and "exported 4 member(s)" in exported.stdout
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert out.read_text().splitlines()[0] == ",".join(COLUMNS)
    # the running node sees what the command line imported
    assert "Kit King" in await _names(group)
    added = cli("member", "add", directory, "--name", "Lee Lowe", "--email", "lee@example.org",
                 "--joined", "2015-09-01")
    assert added.returncode == 0 and "added Lee Lowe <lee@example.org>" in added.stdout
    twice = cli("member", "add", directory, "--name", "Lee", "--email", "LEE@example.org")
    assert twice.returncode == 2 and "error: email_taken" in twice.stderr
