"""Report (work order) shapes shared by the server, the terminal UI and the mini-program."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from schemas.common import Id, Strict, Timestamp
from schemas.guides import GuideLink, HandledBy

PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal[
    "submitted", "accepted", "dispatched", "in_progress", "waiting",
    "resolved", "closed", "rejected", "merged", "reopened", "withdrawn",
]  # fmt: skip
MoveName = Literal[
    "claim", "accept", "dispatch", "start", "wait", "resume", "resolve",
    "close", "confirm", "not_fixed", "reopen", "reject", "merge", "withdraw", "recall",
]  # fmt: skip
TabName = Literal["new", "mine", "overdue", "department", "all"]


class Location(Strict):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    address: str = Field(default="", max_length=200)


class ReportCreate(Strict):
    category: str = Field(min_length=1, max_length=32, description="a category code")
    description: str = Field(min_length=1, max_length=1000)
    title: str | None = Field(default=None, max_length=60)
    photos: list[str] = Field(default_factory=list, max_length=6)
    location: Location | None = None
    community_id: Id | None = Field(
        default=None, description="defaults to the community of the resident's household"
    )
    hide_name: bool = False
    priority: PriorityName | None = Field(default=None, description="staff only")

    @field_validator("photos")
    @classmethod
    def _shas(cls, v: list[str]) -> list[str]:
        for sha in v:
            if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                raise ValueError("each photo is the id an upload answered")
        if len(set(v)) != len(v):
            raise ValueError("a photo is listed twice")
        return v


class CategoryOut(BaseModel):
    code: str
    name: str
    urgent: bool
    default_priority: PriorityName


# What POST /reports/photos takes, by content (Pillow's format names) and by size: a
# client can refuse a file before sending it, and the server checks the same figures.
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_MAX_BYTES = 5 * 1024 * 1024


class PhotoOut(BaseModel):
    id: str
    mime: str
    width: int
    height: int
    size: int


class TimelineEvent(BaseModel):
    id: int
    at: Timestamp
    kind: str
    from_status: StatusName | None = None
    to_status: StatusName | None = None
    note: str = ""
    public: bool = True
    actor: str = Field(description="who acted, as residents may see it")
    actor_id: int | None = Field(default=None, description="staff view only")
    guide: GuideLink | None = Field(default=None, description="a 办事指南 the reply links to")


class ReportPublic(BaseModel):
    """What a resident sees: never another resident's identity, never internal notes."""

    id: int
    category: str
    category_name: str
    title: str
    description: str
    status: StatusName
    community_id: int
    owner_name: str | None
    photos: list[str]
    location: Location | None
    created_at: Timestamp
    updated_at: Timestamp
    resolve_due: Timestamp | None
    merged_into: int | None
    reject_reason: str | None
    rating: int | None
    is_mine: bool
    timeline: list[TimelineEvent] = []
    handled_by: HandledBy | None = Field(default=None, description="who handles it (责任清单)")


class LegOut(BaseModel):
    id: int
    department_id: int
    department_name: str
    status: Literal["pending", "accepted", "working", "reported", "recalled"]
    instructions: str
    due_at: Timestamp
    overdue: bool
    officer_id: int | None
    accepted_at: Timestamp | None
    reported_at: Timestamp | None
    result: str | None
    photos: list[str]


class MeetingOut(BaseModel):
    id: int
    kind: Literal["summons", "joint_meeting"]
    held_on: date
    participants: list[str]
    outcome: str
    recorded_by_id: int
    recorded_at: Timestamp


class ReportRow(BaseModel):
    """One line of a triage queue."""

    id: int
    community_id: int
    category: str
    priority: PriorityName
    status: StatusName
    title: str
    owner_id: int | None
    resident_id: int | None
    created_at: Timestamp
    due_at: Timestamp
    overdue: bool
    paused: bool
    escalation_level: int


class ReportStaff(ReportRow):
    """Everything staff in scope may see, including internal notes and the reporter."""

    description: str
    photos: list[str]
    location: Location | None
    hide_name: bool
    source: str
    owner_since: Timestamp | None
    accepted_at: Timestamp | None
    accept_due: Timestamp | None
    respond_due: Timestamp | None
    resolve_due: Timestamp | None
    follow_up_due: Timestamp | None = Field(
        default=None, description="回访: when the owner must have called the resident back"
    )
    resolved_at: Timestamp | None
    closed_at: Timestamp | None
    merged_into: int | None
    reject_reason: str | None
    rating: int | None
    rating_comment: str | None
    reopen_count: int
    legs: list[LegOut] = []
    meetings: list[MeetingOut] = []
    timeline: list[TimelineEvent] = []
    allowed_moves: list[str] = []
    handled_by: HandledBy | None = Field(default=None, description="who handles it (责任清单)")


class TabCounts(BaseModel):
    new: int
    mine: int
    overdue: int
    department: int
    all: int


class ReportPage(BaseModel):
    items: list[ReportRow]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")
    counts: TabCounts | None = None


class ResidentReportPage(BaseModel):
    items: list[ReportPublic]
    next_cursor: str | None


class QueueQuery(Strict):
    tab: TabName = Field(
        default="all",
        description="new, mine, overdue, department (out with departments; an officer's own"
        " legs), or all open matters; with a status filter, all covers closed ones too",
    )
    status: list[StatusName] = Field(default_factory=list)
    category: list[str] = Field(default_factory=list)
    community_id: Id | None = None
    owner_id: Id | None = None
    department_id: Id | None = None
    priority: list[PriorityName] = Field(default_factory=list)
    overdue: bool | None = None
    q: str | None = Field(default=None, max_length=50, description="text search, Chinese ok")
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=200)
    counts: bool = True


class PageQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class TransitionIn(Strict):
    move: MoveName
    note: str | None = Field(default=None, max_length=1000)
    survivor_id: Id | None = Field(default=None, description="merge: the report kept")


class WithdrawIn(Strict):
    reason: str = Field(min_length=1, max_length=1000, description="why it is no longer needed")


class RecallIn(Strict):
    reason: str = Field(
        min_length=1,
        max_length=1000,
        description="why the leg is recalled (the department is told)",
    )


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=1000)
    public: bool = Field(default=True, description="staff: false makes an internal note")
    guide_id: Id | None = Field(default=None, description="staff: a 办事指南 the reply links to")


class ConfirmIn(Strict):
    fixed: bool
    note: str | None = Field(default=None, max_length=1000)


class RatingIn(Strict):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class AssignIn(Strict):
    owner_id: Id
    note: str = Field(min_length=1, max_length=500)


class BulkAssignIn(Strict):
    report_ids: list[Id] = Field(min_length=1, max_length=200)
    owner_id: Id
    note: str = Field(min_length=1, max_length=500)


class BulkResult(BaseModel):
    assigned: list[int]
    failed: dict[int, str]


class ReportPatch(Strict):
    priority: PriorityName | None = None
    category: str | None = Field(default=None, max_length=32)
    note: str = Field(min_length=1, max_length=500, description="why it changed")


class LegIn(Strict):
    department_id: Id
    due_hours: float = Field(gt=0, le=24 * 60, description="working hours allowed")
    instructions: str = Field(default="", max_length=1000)


class DispatchIn(Strict):
    legs: list[LegIn] = Field(min_length=1, max_length=8)
    note: str | None = Field(default=None, max_length=1000)


class LegReportIn(Strict):
    result: str = Field(min_length=1, max_length=2000)
    photos: list[str] = Field(default_factory=list, max_length=6)


class MeetingIn(Strict):
    kind: Literal["summons", "joint_meeting"]
    held_on: date
    participants: list[str] = Field(min_length=1, max_length=50)
    outcome: str = Field(min_length=1, max_length=2000)


class DuplicateOut(BaseModel):
    id: int
    title: str
    status: StatusName
    distance_m: float
    created_at: Timestamp


class CreatedReport(BaseModel):
    report: ReportPublic | ReportStaff
    duplicates: list[DuplicateOut] = []


class Budget(Strict):
    accept_minutes: int = Field(ge=5, le=60 * 24 * 30)
    respond_minutes: int = Field(ge=5, le=60 * 24 * 60)
    resolve_minutes: int = Field(ge=5, le=60 * 24 * 365)


class CategoryIn(Strict):
    """Add or change a category: budgets are minutes of working time per priority."""

    name: str = Field(min_length=1, max_length=32)
    urgent: bool = False
    default_priority: PriorityName = "normal"
    active: bool = True
    budgets: dict[PriorityName, Budget] = Field(
        description="all four priorities: low, normal, high, urgent"
    )

    @field_validator("budgets")
    @classmethod
    def _all_priorities(cls, v: dict[str, Budget]) -> dict[str, Budget]:
        missing = {"low", "normal", "high", "urgent"} - set(v)
        if missing:
            raise ValueError(f"budgets missing for: {', '.join(sorted(missing))}")
        return v


class CategoryAdmin(CategoryOut):
    active: bool
    budgets: dict[PriorityName, Budget]
