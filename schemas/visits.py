"""Visits (走访): offline sync, the due list and day plan, policy, coverage, timeline."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from schemas.common import ErrorDetail, Id, Strict, Timestamp
from schemas.registry import GroupOut

ChannelName = Literal["door", "phone", "video"]
OutcomeName = Literal["met", "not_home", "refused", "moved_away"]


class VisitSyncItem(Strict):
    id: UUID = Field(description="made on the phone; the same id always means the same visit")
    base_version: int = Field(
        default=0, ge=0, description="0 for a new visit, else the version edited"
    )
    household_id: Id
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    channel: ChannelName
    outcome: OutcomeName
    notes: str = Field(default="", max_length=4000)
    needs: list[str] = Field(default_factory=list, max_length=20)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    photos: list[str] = Field(default_factory=list, max_length=9)

    @model_validator(mode="after")
    def _check(self) -> VisitSyncItem:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if any(not n or len(n) > 32 for n in self.needs):
            raise ValueError("each need is a tag of 1 to 32 characters")
        if any(not p or len(p) > 256 for p in self.photos):
            raise ValueError("each photo reference is 1 to 256 characters")
        return self


class VisitSyncBatch(Strict):
    items: list[VisitSyncItem] = Field(min_length=1, max_length=200)


class VisitOut(BaseModel):
    id: UUID
    household_id: int
    community_id: int
    worker_id: int
    started_at: Timestamp
    ended_at: Timestamp | None
    channel: ChannelName
    outcome: OutcomeName
    notes: str
    needs: list[str]
    latitude: float | None
    longitude: float | None
    photos: list[str]
    version: int
    recorded_at: Timestamp


class VisitSyncResult(BaseModel):
    id: UUID
    status: Literal["created", "updated", "conflict", "rejected"]
    version: int = Field(description="the version this item made, or the server's on conflict")
    error: ErrorDetail | None = None
    current: VisitOut | None = Field(default=None, description="the server's copy on conflict")


class VisitSyncResponse(BaseModel):
    results: list[VisitSyncResult]


class VisitPage(BaseModel):
    items: list[VisitOut]
    total: int
    limit: int
    offset: int


class VisitQuery(Strict):
    household_id: Id | None = None
    worker_id: Id | None = None
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class DueQuery(Strict):
    worker_id: Id | None = Field(default=None, description="default: the caller")
    within_days: int = Field(default=7, ge=0, le=90)
    limit: int = Field(default=500, ge=1, le=2000)
    order: Literal["walk", "overdue"] = Field(
        default="walk",
        description="walk: in walking order (estate, building, unit, floor, room); "
        "overdue: the longest overdue first, then by due date, walking order within a day",
    )


class DueItem(BaseModel):
    household_id: int
    estate: str
    building: str
    unit: str
    floor: int
    room: str
    groups: list[str]
    head: str | None
    phone: str = Field(description="masked")
    cadence_days: int
    next_due: date
    days_overdue: int
    status: Literal["overdue", "due"]
    last_met_at: Timestamp | None


class DueList(BaseModel):
    worker_id: int
    today: date
    overdue: int
    due: int
    items: list[DueItem]


class DayPlanQuery(Strict):
    worker_id: Id | None = None
    day: date | None = Field(default=None, description="default: today")
    capacity: int | None = Field(default=None, ge=1, le=100)


class DayPlan(BaseModel):
    worker_id: int
    day: date
    capacity: int
    items: list[DueItem] = Field(description="in walking order")
    overdue_left: int
    due_left: int


class VisitPolicyIn(Strict):
    cadences: dict[str, int] = Field(description="days per priority group code")
    default_days: int = Field(default=365, ge=1, le=3650)

    @model_validator(mode="after")
    def _days(self) -> VisitPolicyIn:
        if any(not 1 <= d <= 3650 for d in self.cadences.values()):
            raise ValueError("each cadence is 1 to 3650 days")
        return self


class VisitPolicyOut(BaseModel):
    community_id: int
    cadences: dict[str, int]
    default_days: int
    groups: list[GroupOut]


class RecomputeResult(BaseModel):
    households: int


class CoverageQuery(Strict):
    community_id: Id | None = None
    weeks: int = Field(default=8, ge=1, le=52)


class CoverageRow(BaseModel):
    key: str
    name: str
    households: int
    within_cadence: int
    overdue: int
    never_visited: int
    share: float = Field(description="within_cadence / households")


class CoverageWeek(BaseModel):
    week_start: date
    visits: int
    households_met: int


class Coverage(BaseModel):
    as_of: date
    total: CoverageRow
    communities: list[CoverageRow]
    grids: list[CoverageRow]
    workers: list[CoverageRow]
    groups: list[CoverageRow]
    trend: list[CoverageWeek]


class TimelineEntry(BaseModel):
    kind: Literal["visit", "report"]
    at: Timestamp
    visit: VisitOut | None = None
    report: dict[str, Any] | None = None


class NeedReportCreate(Strict):
    """Turn a need found on a visit into a report owned by the visiting worker."""

    need: str = Field(min_length=1, max_length=32, description="one of the visit's needs")
    category: str = Field(min_length=1, max_length=32, description="a report category code")
    description: str = Field(min_length=1, max_length=1000)
    title: str | None = Field(default=None, max_length=60)
    priority: Literal["low", "normal", "high", "urgent"] | None = None


class NeedReportOut(BaseModel):
    visit_id: UUID
    household_id: int
    need: str
    report_id: int
    owner_id: int | None
    status: str
    created: bool = Field(description="false when this need already had its report")


class Timeline(BaseModel):
    household_id: int
    entries: list[TimelineEntry]
