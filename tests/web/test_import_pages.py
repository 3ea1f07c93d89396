"""A secretary imports another system's export from the pages: preview, choices, import.

The exports are those of tests/register/test_foreign_exports.py (CiviCRM's contact
export and NationBuilder's people export, in the columns their documentation and
test suite give; see that module for the sources).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.conftest import screenshot, sign_in

DATA = Path(__file__).resolve().parents[1] / "data"


async def _preview(page, site, name: str) -> str:
    await page.goto(site.url + "/members/import")
    await page.get_by_label("CSV file").set_input_files(str(DATA / name))
    await page.get_by_role("button", name="Show what would be imported").click()
    await page.wait_for_url(site.url + "/members/import/*")
    return await page.locator("main").inner_text()


async def _member(site, email: str) -> dict:
    found = await site.api("GET", "/api/v1/members?q=" + email)
    (row,) = found["members"]
    return await site.api("GET", f"/api/v1/members/{row['id']}")


def _in_peoples_words(text: str) -> None:
    for code in ("csv_", "skip_invalid", "--skip", "(CLI"):
        assert code not in text


async def test_a_nationbuilder_export_is_previewed_remapped_and_imported_on_confirmation(
        site, page):
    await site.member("Sam Secretary", "secretary")
    await sign_in(page, site, "Sam Secretary")
    shown = await _preview(page, site, "nationbuilder-people.csv")
    assert "Check the import of nationbuilder-people.csv" in shown
    assert "Dates are read as month/day/year: 01/31/2016 cannot be day/month." in shown
    assert "3 of 5 rows would be imported; 2 would not." in shown
    refused = page.locator("table", has=page.get_by_role("columnheader", name="Why"))
    assert await refused.locator("tbody tr").all_inner_texts() == [
        "5\tjoined 2099-12-25 is after the date of this import", "6\temail is required"]
    assert await page.get_by_label("first_name").input_value() == "name"
    assert await page.get_by_label("mobile_number").input_value() == "phone"
    assert await page.get_by_label("primary_city").input_value() == ""
    _in_peoples_words(shown)

    await page.get_by_label("primary_city").select_option("area")
    await page.get_by_role("button", name="Show the import with these choices").click()
    assert await page.get_by_label("primary_city").input_value() == "area"
    await screenshot(page, "import-preview")
    await page.get_by_role("button", name="Import 3 members, leaving out 2 rows").click()
    done = await page.locator("main").inner_text()
    assert "Imported 3 members. 2 rows were left out:" in done
    _in_peoples_words(done)
    gus = await _member(site, "gus.gray@example.org")
    assert (gus["area"], gus["joined"], gus["phone"]) == (
        "San Francisco", "2016-01-31", "(415) 555-0101")


async def test_a_civicrm_export_imports_through_the_pages(site, page):
    await site.member("Sam Secretary", "secretary")
    await sign_in(page, site, "Sam Secretary")
    shown = await _preview(page, site, "civicrm-contacts.csv")
    assert "4 of 6 rows would be imported; 2 would not." in shown
    assert "Ben James Baker" in shown and "11 February 2016" in shown
    assert await page.get_by_label("Display Name").input_value() == ""
    await page.get_by_role("button", name="Import 4 members, leaving out 2 rows").click()
    assert "Imported 4 members." in await page.locator("[role=status]").inner_text()
    assert (await _member(site, "eve.evans@example.org"))["name"] == "Eve Evans"


async def test_a_refused_choice_keeps_the_file_and_only_what_was_shown_is_imported(
        site, page, browser):
    await site.member("Sam Secretary", "secretary")
    await site.member("Chris Chair", "chair")
    await sign_in(page, site, "Sam Secretary")
    shown = await _preview(page, site, "spreadsheet-day-first.csv")
    assert "Dates are read as day/month/year: 31/01/2024 cannot be month/day." in shown
    assert "joined: “soon” is not a date" in shown
    held_at = page.url

    await page.get_by_label("Email").select_option("")
    await page.get_by_role("button", name="Show the import with these choices").click()
    refused = await page.locator("main").inner_text()
    assert ("Nothing can be imported yet: no column of the file gives the email address, "
            "and every member of the register has one; choose the column that does.") in refused
    assert await page.get_by_role("button", name=re.compile(r"^Import ")).count() == 0
    _in_peoples_words(refused)

    # the file is still held: choose again, and change the dates without looking
    await page.get_by_label("Email").select_option("email")
    await page.get_by_role("button", name="Show the import with these choices").click()
    await page.get_by_label("The file writes dates as").select_option("mdy")
    await page.get_by_role("button", name="Import 4 members, leaving out 1 row").click()
    again = await page.locator("main").inner_text()
    assert "You changed the choices since this page was last shown" in again
    assert "Dates are read as month/day/year, as chosen." in again
    assert "3 of 5 rows would be imported; 2 would not." in again
    listing = await site.api("GET", "/api/v1/members")
    assert listing["total"] == 2

    # nobody else's sign-in opens the file held for this one
    other = await browser.new_context()
    try:
        chair = await other.new_page()
        await sign_in(chair, site, "Chris Chair")
        await chair.goto(held_at)
        assert "This file is no longer held" in await chair.locator("main").inner_text()
    finally:
        await other.close()

    await page.get_by_label("The file writes dates as").select_option("auto")
    await page.get_by_role("button", name="Show the import with these choices").click()
    await page.get_by_role("button", name="Import 4 members, leaving out 1 row").click()
    assert "Imported 4 members. 1 row was left out:" in await page.locator("main").inner_text()
    assert (await _member(site, "may.moss@example.org"))["joined"] == "2023-04-03"
    await page.goto(held_at)
    assert "This file is no longer held" in await page.locator("main").inner_text()
