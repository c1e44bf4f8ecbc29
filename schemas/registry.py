"""The household registry (基础信息库): households, members, priority groups, import."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.common import Area, Id, Strict, Timestamp


class MemberIn(Strict):
    name: str = Field(min_length=1, max_length=64)
    birth_year: int | None = Field(default=None, ge=1890, le=2100)
    phone: str = Field(default="", max_length=24, description="mainland mobile or landline")
    relation: str = Field(default="", max_length=16, description="e.g. 户主, 配偶, 子女")


class MemberPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    birth_year: int | None = Field(default=None, ge=1890, le=2100)
    phone: str | None = Field(default=None, max_length=24)
    relation: str | None = Field(default=None, max_length=16)


class MemberOut(BaseModel):
    id: int
    name: str
    birth_year: int | None
    phone: str
    relation: str


class HouseholdCreate(Strict):
    building_id: Id
    unit: str = Field(default="", max_length=16)
    floor: int = Field(ge=-5, le=200)
    room: str = Field(min_length=1, max_length=16)
    notes: str = Field(default="", max_length=2000)
    groups: list[str] = Field(default_factory=list, max_length=20)
    members: list[MemberIn] = Field(default_factory=list, max_length=30)


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _unless_sent(**bounds: Any) -> Any:
    """A patch field that changes only when sent and cannot be sent as null: its type
    has no None, the None default only marks it unsent (and is not documented)."""
    return Field(default=None, json_schema_extra=_drop_default, **bounds)


class HouseholdPatch(Strict):
    """Only the fields sent change. None of them is cleared with null: a household always
    has a floor and a room, and an empty unit, notes or groups are "" or []."""

    unit: str = _unless_sent(max_length=16)
    floor: int = _unless_sent(ge=-5, le=200)
    room: str = _unless_sent(min_length=1, max_length=16)
    notes: str = _unless_sent(max_length=2000)
    groups: list[str] = _unless_sent(max_length=20)


class ScheduleOut(BaseModel):
    cadence_days: int
    next_due: date
    last_met_at: Timestamp | None
    last_attempt_at: Timestamp | None
    moved_away: bool


class HouseholdSummary(BaseModel):
    """A list row: phone numbers masked."""

    id: int
    community_id: int
    estate: str
    building: str
    grid_id: int | None
    unit: str
    floor: int
    room: str
    groups: list[str]
    head: str | None
    phone: str
    members: int
    next_due: date | None


class HouseholdDetail(BaseModel):
    id: int
    community_id: int
    estate_id: int
    estate: str
    building_id: int
    building: str
    grid_id: int | None
    unit: str
    floor: int
    room: str
    notes: str
    groups: list[str]
    members: list[MemberOut]
    schedule: ScheduleOut | None


class HouseholdPage(BaseModel):
    items: list[HouseholdSummary]
    total: int
    limit: int
    offset: int


class HouseholdQuery(Strict):
    community_id: Id | None = None
    building_id: Id | None = None
    grid_id: Id | None = None
    group: str | None = Field(default=None, max_length=32)
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class GroupOut(BaseModel):
    code: str
    name: str
    builtin: bool


class CustomGroupIn(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")
    name: str = Field(min_length=1, max_length=32)


class ImportQuery(Strict):
    community_id: Id | None = None
    dry_run: bool = True


class ExportQuery(Strict):
    format: Literal["csv", "xlsx"] = "csv"


class ImportIssue(BaseModel):
    field: str | None
    code: str
    message: str


class ImportRow(BaseModel):
    row: int = Field(description="spreadsheet row number, header is row 1")
    status: Literal["ok", "error", "skipped"]
    household: str
    issues: list[ImportIssue]


class SheetReport(BaseModel):
    """What every import answers first: whether it wrote, in a sentence, and its rows."""

    dry_run: bool = Field(description="true: only checked, nothing was written")
    written: bool = Field(description="whether this request wrote anything")
    message: str = Field(description="what happened, in one sentence for the person importing")
    rows: int
    ok: int
    errors: int
    skipped: int


class ImportReport(SheetReport):
    households_created: int = Field(description="households written (0 on a dry run)")
    members_created: int = Field(description="people written (0 on a dry run)")
    households_to_create: int = Field(description="households a real run writes from this sheet")
    members_to_create: int = Field(description="people a real run writes from this sheet")
    results: list[ImportRow]


AreaChange = Literal["new", "changed", "unchanged"]


class AreaImportRow(BaseModel):
    """One row of a floor-area sheet: the household it names and what it does to its area."""

    row: int = Field(description="spreadsheet row number, header is row 1")
    status: Literal["ok", "error", "skipped"]
    household: str = Field(description="the address as the row gives it")
    household_id: int | None = Field(description="the registered household the row names")
    area: Area | None = Field(description="the area the row gives")
    before: Area | None = Field(description="the household's area on record before")
    change: AreaChange | None = Field(
        description="what a real run does: new (no area yet), changed (another area or "
        "source), unchanged; null for a row that is held back"
    )
    issues: list[ImportIssue]


class AreaImportReport(SheetReport):
    """The answer to a floor-area sheet: what was written, or on a dry run what would be."""

    areas_set: int = Field(description="household areas written (0 on a dry run)")
    areas_to_set: int = Field(description="household areas a real run writes: new + changed")
    new: int = Field(description="of those, households that have no area yet")
    changed: int = Field(description="of those, households whose area or source changes")
    unchanged: int = Field(description="rows that give the area already on record")
    results: list[AreaImportRow]


class HouseholdReadsQuery(Strict):
    limit: int = Field(default=100, ge=1, le=500)


class HouseholdRead(BaseModel):
    """One time a staff member read the household's personal data."""

    at: Timestamp
    staff_id: int | None
    staff_name: str = Field(description="who read it, as their colleagues know them")
    role: str
    action: str = Field(description="the audited action, e.g. household.read")
    why: str = Field(description="what the read was for, in words")


class HouseholdReads(BaseModel):
    """Who read this household's record (个人信息查阅记录), newest first."""

    household_id: int
    items: list[HouseholdRead]
