"""Rota shapes: posts, shifts, certifications, availability, rotas, swaps and on-duty."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from schemas.common import Strict, WallTime

PostKind = Literal["desk", "field", "on_call"]
LeaveKind = Literal["leave", "sick", "unavailable"]


class Opening(Strict):
    """Open ``start``–``end`` on ``weekday`` (0 = Monday), needing ``min_staff`` there."""

    weekday: int = Field(ge=0, le=6)
    start: WallTime
    end: WallTime
    min_staff: int = Field(default=1, ge=0, le=20)

    @model_validator(mode="after")
    def _ordered(self) -> Opening:
        if not self.start < self.end:
            raise ValueError("an opening must end after it starts (same day)")
        return self


class PostCreate(Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=64)
    kind: PostKind = "desk"
    hours: list[Opening] = Field(default_factory=list, max_length=100)
    sort_order: int = Field(default=0, ge=0, le=1000)


class PostUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    kind: PostKind | None = None
    hours: list[Opening] | None = Field(default=None, max_length=100)
    sort_order: int | None = Field(default=None, ge=0, le=1000)
    active: bool | None = None


class PostPublic(BaseModel):
    id: int
    community_id: int
    code: str
    name: str
    kind: PostKind
    hours: list[Opening]
    sort_order: int
    active: bool


class ShiftCreate(Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=64)
    start: WallTime
    end: WallTime
    break_minutes: int = Field(default=0, ge=0, le=240)
    weekdays: list[int] = Field(default_factory=lambda: list(range(7)), min_length=1)

    @field_validator("weekdays")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        if any(d < 0 or d > 6 for d in v):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return sorted(set(v))

    @model_validator(mode="after")
    def _ordered(self) -> ShiftCreate:
        if not self.start < self.end:
            raise ValueError("a shift must end after it starts, on the same day")
        span = (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        if self.break_minutes >= span:
            raise ValueError("the break must be shorter than the shift")
        return self


class ShiftUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    active: bool | None = None


class ShiftPublic(BaseModel):
    id: int
    community_id: int
    code: str
    name: str
    start: WallTime
    end: WallTime
    break_minutes: int
    weekdays: list[int]
    paid_hours: float
    active: bool


class CertificationCreate(Strict):
    staff_id: int
    post_id: int
    certified_on: date
    expires_on: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> CertificationCreate:
        if self.expires_on is not None and self.expires_on < self.certified_on:
            raise ValueError("a certification cannot expire before it starts")
        return self


class CertificationPublic(BaseModel):
    id: int
    staff_id: int
    staff_name: str
    post_id: int
    post_name: str
    certified_on: date
    expires_on: date | None


class Lacking(BaseModel):
    staff_id: int
    name: str
    missing_post_ids: list[int]
    missing_posts: list[str]


class CertificationReport(BaseModel):
    """The community's 全岗通 rate: share of workers certified on every active post."""

    community_id: int
    on: date
    workers: int
    posts: int
    all_post_workers: int
    rate: float
    lacking: list[Lacking]


class AvailabilityUpdate(Strict):
    max_hours_week: int | None = Field(default=None, ge=0, le=60)
    avoid_weekdays: list[int] | None = None
    avoid_shift_ids: list[int] | None = None

    @field_validator("avoid_weekdays")
    @classmethod
    def _days(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and any(d < 0 or d > 6 for d in v):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return None if v is None else sorted(set(v))


class AvailabilityPublic(BaseModel):
    staff_id: int
    name: str
    max_hours_week: int
    avoid_weekdays: list[int]
    avoid_shift_ids: list[int]


class LeaveCreate(Strict):
    staff_id: int
    kind: LeaveKind = "leave"
    start_date: date
    end_date: date
    note: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> LeaveCreate:
        if self.end_date < self.start_date:
            raise ValueError("leave cannot end before it starts")
        if (self.end_date - self.start_date).days > 366:
            raise ValueError("leave longer than a year is not a rota matter")
        return self


class LeavePublic(BaseModel):
    id: int
    staff_id: int
    name: str
    kind: LeaveKind
    start_date: date
    end_date: date
    note: str


class PostList(BaseModel):
    items: list[PostPublic]


class ShiftList(BaseModel):
    items: list[ShiftPublic]


class CertificationList(BaseModel):
    items: list[CertificationPublic]


class AvailabilityList(BaseModel):
    items: list[AvailabilityPublic]


class LeaveList(BaseModel):
    items: list[LeavePublic]


class ReportQuery(Strict):
    on: date | None = None


class LeaveQuery(Strict):
    since: date | None = None
