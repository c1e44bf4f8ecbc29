"""Rota plan shapes: generating, the grid, explanations, changes, swaps, sickness, on duty."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from schemas.common import Strict, Timestamp, WallTime
from schemas.rota import PostKind


class GenerateRequest(Strict):
    start_date: date
    weeks: int = Field(default=4, ge=1, le=6)
    time_limit: float = Field(default=10.0, ge=1.0, le=60.0)


class ConflictOut(BaseModel):
    kind: str
    message: str
    day: date | None = None
    post_id: int | None = None
    staff_id: int | None = None
    need: int | None = None
    available: int | None = None


class MissedGoalOut(BaseModel):
    goal: str
    message: str
    target: float
    actual: float
    penalty: int
    details: list[str] = []


class Explanation(BaseModel):
    missed: list[MissedGoalOut] = []
    conflicts: list[ConflictOut] = []
    stats: dict[str, float] = {}


class RotaSummary(BaseModel):
    id: int
    community_id: int
    start_date: date
    end_date: date
    status: Literal["draft", "published", "superseded"]
    created_at: Timestamp
    published_at: Timestamp | None
    solver_status: str
    objective: int | None
    bound: int | None
    gap: float | None
    solve_seconds: float
    assignments: int


class RotaDraft(BaseModel):
    rota: RotaSummary
    explanation: Explanation


class GridStaff(BaseModel):
    assignment_id: int
    staff_id: int
    name: str
    trainee: bool


class GridCell(BaseModel):
    day: date
    shift_id: int
    post_id: int
    staff: list[GridStaff]


class GridPost(BaseModel):
    id: int
    code: str
    name: str
    kind: PostKind


class GridShift(BaseModel):
    id: int
    code: str
    name: str
    start: WallTime
    end: WallTime


class StreetDraftItem(BaseModel):
    community_id: int
    community_name: str
    status: str  # optimal | feasible | infeasible | unknown | not_set_up
    rota: RotaSummary | None
    explanation: Explanation


class StreetDraft(BaseModel):
    """One draft per community of a street, solved side by side."""

    street_id: int
    items: list[StreetDraftItem]


class RotaGrid(BaseModel):
    """Posts × shifts × days with names: what the terminal's rota screen draws."""

    rota: RotaSummary
    days: list[date]
    posts: list[GridPost]
    shifts: list[GridShift]
    cells: list[GridCell]
    explanation: Explanation


class AssignmentRef(BaseModel):
    staff_id: int
    name: str
    day: date
    shift_id: int
    post_id: int


class ChangePublic(BaseModel):
    id: int
    at: Timestamp
    kind: str
    actor_id: int | None
    reason: str
    removed: list[AssignmentRef]
    added: list[AssignmentRef]


class SwapCreate(Strict):
    """Hand ``assignment_id`` to ``counterpart_id``, or exchange it for theirs."""

    assignment_id: int
    counterpart_id: int
    counter_assignment_id: int | None = None
    reason: str = Field(default="", max_length=200)


class SwapDecision(Strict):
    note: str = Field(default="", max_length=200)


class SwapPublic(BaseModel):
    id: int
    rota_id: int
    requester_id: int
    assignment_id: int | None
    counterpart_id: int
    counter_assignment_id: int | None
    reason: str
    status: Literal["pending", "approved", "denied", "cancelled"]
    decided_by_id: int | None
    decided_at: Timestamp | None
    decision_note: str
    created_at: Timestamp


class SickRequest(Strict):
    staff_id: int
    start_date: date
    end_date: date
    note: str = Field(default="", max_length=200)
    time_limit: float = Field(default=10.0, ge=1.0, le=60.0)

    @model_validator(mode="after")
    def _ordered(self) -> SickRequest:
        if self.end_date < self.start_date:
            raise ValueError("sickness cannot end before it starts")
        return self


class ResolveResult(BaseModel):
    rota: RotaSummary
    changes: int
    change: ChangePublic | None
    explanation: Explanation


class OnDutyQuery(Strict):
    at: datetime | None = Field(
        default=None,
        description="the moment to ask about (default: now); a time without an offset, "
        "e.g. 2026-12-07T09:30, is read in the community's time zone",
    )
    post_id: int | None = None


class OnDutyStaff(BaseModel):
    staff_id: int
    name: str
    shift: str
    until: Timestamp
    trainee: bool


class OnDutyPost(BaseModel):
    post_id: int
    code: str
    name: str
    kind: PostKind
    staff: list[OnDutyStaff]


class OnDuty(BaseModel):
    community_id: int
    at: Timestamp
    source: Literal["rota", "all_active"]
    worker_ids: list[int]
    posts: list[OnDutyPost]


class RotaPage(BaseModel):
    items: list[RotaSummary]


class ChangeList(BaseModel):
    items: list[ChangePublic]


class SwapList(BaseModel):
    items: list[SwapPublic]
