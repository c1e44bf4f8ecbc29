"""Self-governance (社区自治): building projects, their steps and meetings."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from schemas.common import FLAT_AREA_MAX, Area, Id, Strict, Timestamp

ProjectKindName = Literal["lift", "parking", "waste_point", "corridor", "custom"]
ProjectStatusName = Literal["proposed", "active", "done", "cancelled"]
MeetingKindName = Literal["council", "hearing", "coordination"]
Text100 = Field(min_length=1, max_length=100)


class ProjectCreate(Strict):
    kind: ProjectKindName
    title: str = Text100
    description: str = Field(default="", max_length=4000)
    building_id: Id | None = Field(
        default=None, description="the building it is about; every household in it is in scope"
    )
    household_ids: list[Id] = Field(
        default_factory=list, max_length=2000, description="or the households in scope"
    )
    coordinator_household_id: Id | None = Field(
        default=None, description="residents: the household you open it from (yours, verified)"
    )

    @model_validator(mode="after")
    def _scope(self) -> ProjectCreate:
        if self.building_id is None and not self.household_ids:
            raise ValueError("name a building_id or household_ids for the scope")
        return self


class ProjectStaffIn(Strict):
    staff_id: Id


class ProjectMemberIn(Strict):
    resident_id: Id


class StepOut(BaseModel):
    id: int
    position: int
    code: str
    name: str
    office: str
    stamp: str
    days: int
    done_on: date | None
    done_office: str
    photo: str
    note: str
    ticked_by_type: str
    ticked_by_id: int | None
    ticked_at: Timestamp | None


class StepTick(Strict):
    done_on: date
    office: str = Field(min_length=1, max_length=100, description="the office that stamped")
    photo: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="id of the document's photo (POST /reports/photos)"
    )
    note: str = Field(default="", max_length=500)


class ProgressOut(BaseModel):
    done: int
    total: int
    next_step: str | None
    next_office: str | None
    waiting_since: date | None
    days_waiting: int
    stuck: bool


class ProjectOut(BaseModel):
    id: int
    community_id: int
    building_id: int | None
    kind: ProjectKindName
    kind_label: str
    title: str
    description: str
    status: ProjectStatusName
    coordinator_id: int | None
    approved_by_id: int | None
    started_on: date | None
    households: int
    members: list[int]
    helpers: list[int]
    progress: ProgressOut
    created_at: Timestamp


class ProjectDetail(ProjectOut):
    steps: list[StepOut]


class ProjectBoardQuery(Strict):
    status: ProjectStatusName | None = None


class ProjectBoard(BaseModel):
    items: list[ProjectOut]


class HouseholdAreaIn(Strict):
    area: Area = Field(gt=0, le=FLAT_AREA_MAX, max_digits=9, decimal_places=2)
    source: str = Field(default="", max_length=32)


class HouseholdAreaOut(BaseModel):
    household_id: int
    area: Area | None
    source: str


class ScopeHousehold(BaseModel):
    household_id: int
    building_id: int
    unit: str
    room: str
    area: Area | None


class ProjectScope(BaseModel):
    items: list[ScopeHousehold]
    missing_area: int


class ActionItemIn(Strict):
    text: str = Field(min_length=1, max_length=200)
    owner: str = Field(min_length=1, max_length=64)
    due_on: date


class ActionItemOut(BaseModel):
    id: int
    text: str
    owner: str
    due_on: date
    done_on: date | None


class ProjectMeetingCreate(Strict):
    kind: MeetingKindName
    title: str = Text100
    starts_at: AwareDatetime
    place: str = Text100
    agenda: list[str] = Field(min_length=1, max_length=30)
    department_ids: list[Id] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _items(self) -> ProjectMeetingCreate:
        if any(not a.strip() or len(a) > 200 for a in self.agenda):
            raise ValueError("each agenda item is 1 to 200 characters")
        return self


class ProjectMeetingRecord(Strict):
    """After the meeting: minutes, decisions and action items (replaces earlier ones)."""

    minutes: str = Field(min_length=1, max_length=20000)
    decisions: list[str] = Field(default_factory=list, max_length=50)
    actions: list[ActionItemIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _items(self) -> ProjectMeetingRecord:
        if any(not d.strip() or len(d) > 500 for d in self.decisions):
            raise ValueError("each decision is 1 to 500 characters")
        return self


class ProjectMeetingOut(BaseModel):
    id: int
    project_id: int
    kind: MeetingKindName
    title: str
    starts_at: Timestamp
    place: str
    agenda: list[str]
    department_ids: list[int]
    invited_households: int
    minutes: str
    decisions: list[str]
    actions: list[ActionItemOut]


class ProjectMeetingList(BaseModel):
    items: list[ProjectMeetingOut]
