"""The sheet that fills in the floor areas of households already registered: its columns
and reading one row, before anything touches the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from schemas.registry import AreaChange
from server.domain.registry_rows import (
    COLUMNS,
    REGISTERED,
    Issue,
    address_label,
    cell_reader,
    parse_area,
)

DEFAULT_SOURCE = REGISTERED
SOURCE_MAX = 32
COLUMNS_AREA: dict[str, tuple[str, ...]] = {
    "estate": COLUMNS["estate"],
    "building": COLUMNS["building"],
    "unit": COLUMNS["unit"],
    "room": COLUMNS["room"],
    "area": COLUMNS["area"],
    "source": ("来源", "source"),
}
REQUIRED_AREA = ("estate", "building", "room", "area")


@dataclass
class AreaRow:
    number: int
    estate: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    area: Decimal | None = None
    source: str | None = None  # None when the sheet does not say
    issues: list[Issue] = field(default_factory=list)

    @property
    def label(self) -> str:
        return address_label(self.estate, self.building, self.unit, self.room)


def parse_area_row(number: int, cells: list[str], columns: Mapping[str, int]) -> AreaRow:
    get = cell_reader(cells, columns)
    row = AreaRow(
        number, estate=get("estate"), building=get("building"), unit=get("unit"), room=get("room")
    )
    for col in REQUIRED_AREA:
        if not get(col):
            row.issues.append(Issue(col, "missing", f"{col} is empty"))
    row.area, issue = parse_area(get("area"))
    if issue:
        row.issues.append(issue)
    source = get("source")
    if len(source) > SOURCE_MAX:
        row.issues.append(
            Issue("source", "too_long", f"the source is longer than {SOURCE_MAX} characters")
        )
    row.source = source or None
    return row


def area_change(
    on_record: tuple[Decimal, str] | None, area: Decimal, source: str | None
) -> tuple[AreaChange, str]:
    """What giving a household ``area`` does: "new", "changed" or "unchanged", and the
    source it keeps. A sheet that does not name its source leaves an equal area's source
    alone, so a 登记 sheet does not relabel areas taken from the 产证."""
    if on_record is None:
        return "new", source or DEFAULT_SOURCE
    old_area, old_source = on_record
    if old_area != area:
        return "changed", source or DEFAULT_SOURCE
    if source and source != old_source:
        return "changed", source
    return "unchanged", old_source
