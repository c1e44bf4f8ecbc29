"""Reading registry sheets as secretaries type them: floor areas, spreadsheet numbers and
the rows of a sheet that fills in areas."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.domain.area_rows import area_change, parse_area_row
from server.domain.registry_rows import cell_text, parse_area


@pytest.mark.parametrize(
    "text",
    ["85.5", "85.50", "85.500", "85.5㎡", "85.5 m²", "85.5m2", "85.5 M2", "８５．５", "85.5平方米"],
)
def test_an_area_is_read_in_the_spellings_sheets_use(text: str) -> None:
    assert parse_area(text) == (Decimal("85.50"), None)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("八十五", "is not a number"),
        ("1e3", "is not a number"),
        ("85,5", "is not a number"),
        ("0", "must be more than 0"),
        ("-12", "must be more than 0"),
        ("85.555", "more than 2 decimals"),
        ("10000", "is over 9,999.99 m²"),
    ],
)
def test_a_bad_area_says_what_is_wrong(text: str, says: str) -> None:
    area, issue = parse_area(text)
    assert area is None and issue is not None
    assert (issue.field, issue.code) == ("area", "bad_area") and says in issue.message


def test_no_area_is_no_problem_and_the_bounds_hold() -> None:
    assert parse_area("  ") == (None, None)
    assert parse_area("9999.99") == (Decimal("9999.99"), None)
    assert parse_area("0.01") == (Decimal("0.01"), None)


def test_spreadsheet_numbers_read_as_the_sheet_shows_them() -> None:
    assert cell_text(301.0) == "301"
    assert cell_text(13812341234.0) == "13812341234"
    assert cell_text(72.10000000000001) == "72.1"  # a formula's binary noise
    assert cell_text(85.55) == "85.55"
    assert cell_text(None) == ""


def test_an_area_sheet_changes_what_differs_and_keeps_better_sources() -> None:
    on_record = (Decimal("72.00"), "产证")
    assert area_change(None, Decimal("72"), None) == ("new", "登记")
    assert area_change(None, Decimal("72"), "物业") == ("new", "物业")
    assert area_change(on_record, Decimal("75"), None) == ("changed", "登记")
    assert area_change(on_record, Decimal("72"), None) == ("unchanged", "产证")
    assert area_change(on_record, Decimal("72"), "产证") == ("unchanged", "产证")
    assert area_change(on_record, Decimal("72"), "物业") == ("changed", "物业")


def test_an_area_row_reports_what_is_missing_or_too_long() -> None:
    columns = {"estate": 0, "building": 1, "room": 2, "area": 3, "source": 4}
    row = parse_area_row(7, ["怒江苑", "8号楼", "", "85.5 m²", "x" * 33], columns)
    assert row.area == Decimal("85.50") and row.label == "怒江苑 8号楼"
    assert [(i.field, i.code) for i in row.issues] == [("room", "missing"), ("source", "too_long")]
    row = parse_area_row(8, ["怒江苑", "8号楼", "301"], columns)
    assert row.source is None and [i.code for i in row.issues] == ["missing"]
