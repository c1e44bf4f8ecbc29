"""办事指南 (service guides) and the 责任清单 (who handles what where): shared shapes."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import Id, Strict, Timestamp

BodyKindName = Literal["property", "committee", "department"]
PlaceKind = Literal["building", "estate", "segment", "community"]


# -- 办事指南 ---------------------------------------------------------------------
class GuideIn(Strict):
    title: str = Field(min_length=2, max_length=100)
    keywords: str = Field(
        default="", max_length=200, description="other words residents use, space separated"
    )
    summary: str = Field(default="", max_length=300)
    conditions: str = Field(default="", max_length=4000, description="申请条件")
    materials: str = Field(default="", max_length=4000, description="申请材料")
    steps: str = Field(default="", max_length=4000, description="办理流程")
    place_hours: str = Field(default="", max_length=2000, description="办理地点和时间")
    fees: str = Field(default="", max_length=300, description="收费标准")
    legal_basis: str = Field(default="", max_length=2000, description="设定依据")
    department: str = Field(default="", max_length=64, description="the office that handles it")
    last_reviewed: date
    published: bool = True


class GuideOut(BaseModel):
    id: int
    title: str
    keywords: str
    summary: str
    conditions: str
    materials: str
    steps: str
    place_hours: str
    fees: str
    legal_basis: str
    department: str
    last_reviewed: date
    published: bool
    updated_at: Timestamp


class GuideHit(BaseModel):
    id: int
    title: str
    summary: str
    department: str
    last_reviewed: date
    score: float = Field(description="BM25 relevance; 0 when listing without a query")


class GuideHits(BaseModel):
    query: str
    terms: list[str] = Field(description="the search terms the query was cut into")
    items: list[GuideHit]


class GuideQuery(Strict):
    q: str | None = Field(
        default=None,
        max_length=100,
        description="words to search for (中文 or not); absent lists the guides by title",
    )
    limit: int = Field(default=20, ge=1, le=50)
    offset: int = Field(default=0, ge=0, le=10_000)


class GuideLink(BaseModel):
    id: int
    title: str


# -- 责任清单 ----------------------------------------------------------------------
class BodyIn(Strict):
    street_id: Id
    kind: BodyKindName
    name: str = Field(min_length=1, max_length=64)
    hotline: str = Field(default="", max_length=32)
    department_id: Id | None = Field(
        default=None, description="the force a one-key dispatch goes to"
    )
    community_id: Id | None = Field(default=None, description="for a 居委")
    active: bool = True


class BodyOut(BaseModel):
    id: int
    street_id: int
    kind: BodyKindName
    name: str
    hotline: str
    department_id: int | None
    community_id: int | None
    active: bool


class SegmentIn(Strict):
    street_id: Id
    road: str = Field(min_length=1, max_length=32)
    from_no: int = Field(ge=1, le=99_999)
    to_no: int = Field(ge=1, le=99_999)


class SegmentOut(BaseModel):
    id: int
    street_id: int
    road: str
    from_no: int
    to_no: int
    label: str


class RuleIn(Strict):
    category: str = Field(min_length=1, max_length=32, description="a category code")
    place: PlaceKind
    place_id: Id = Field(description="the community, segment, estate or building id")
    body_id: Id
    reason: str = Field(min_length=2, max_length=200, description="shown to residents")


class RuleOut(BaseModel):
    id: int
    category: str
    place: PlaceKind
    place_id: int
    place_name: str
    community_id: int
    body: BodyOut
    reason: str


class RuleQuery(Strict):
    category: str | None = Field(default=None, max_length=32)
    community_id: Id | None = None
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class HandledBy(BaseModel):
    """Who handles this report, as the resident reads it."""

    body_id: int
    kind: BodyKindName
    name: str
    hotline: str
    reason: str
    place: PlaceKind | None = Field(description="which line of the list matched")
    dispatchable: bool = Field(description="one key dispatches to its department")
    corrected: bool = Field(description="staff corrected the list's suggestion")


class HandledByAnswer(BaseModel):
    report_id: int
    handled_by: HandledBy | None


class HandlerDispatchIn(Strict):
    due_hours: float = Field(default=24, gt=0, le=24 * 30)
    instructions: str = Field(default="", max_length=1000)


class CorrectionIn(Strict):
    body_id: Id
    note: str = Field(default="", max_length=200)


class CorrectionCount(BaseModel):
    category: str
    category_name: str
    corrections: int
    reports: int = Field(description="distinct reports corrected")


class CorrectionQuery(Strict):
    street_id: Id | None = None
    since: date | None = None


class RuleImportQuery(Strict):
    dry_run: bool = True


class RuleImportIssue(BaseModel):
    field: str | None
    code: str
    message: str


class RuleImportRow(BaseModel):
    row: int = Field(description="spreadsheet row number, header is row 1")
    status: Literal["ok", "error"]
    issues: list[RuleImportIssue]


class RuleImportReport(BaseModel):
    dry_run: bool
    rows: int
    ok: int
    errors: int
    written: int = Field(description="lines added or changed (0 on a dry run or any error)")
    results: list[RuleImportRow]
