"""考核 figures for a street office: shapes shared by the server and the terminal."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from schemas.common import Id, Strict

KpiGroup = Literal["street", "community", "worker"]
MAX_DAYS = 366


class KpiQuery(Strict):
    start: date = Field(description="first day of the period (local date), inclusive")
    end: date = Field(description="last day of the period, inclusive; at most 366 days on")
    group: KpiGroup = "community"
    street_id: Id | None = None
    community_id: Id | None = None

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValueError(f"a period is at most {MAX_DAYS} days")
        return self


class KpiExportQuery(KpiQuery):
    format: Literal["csv", "xlsx"] = "csv"


class KpiRow(BaseModel):
    """Reports received in the period, and what became of them; visits beside them."""

    key: str
    name: str
    received: int
    accepted: int
    accepted_on_time: int
    accept_on_time_rate: float | None = Field(description="accepted_on_time / accepted")
    resolved: int = Field(description="reports resolved at least once")
    resolved_on_time: int
    resolve_on_time_rate: float | None = Field(description="resolved_on_time / resolved")
    median_accept_minutes: float | None = Field(description="working minutes, business calendar")
    median_resolve_minutes: float | None = Field(
        description="working minutes to the first resolution, less time waiting on the resident"
    )
    reopened: int
    reopen_rate: float | None = Field(description="reopened / resolved")
    withdrawn: int = Field(description="closed by the resident, never counted as resolved")
    rated: int
    satisfaction: float | None = Field(description="mean 满意度 rating, 1-5")
    satisfied_rate: float | None = Field(description="ratings of 4 or 5 / rated")
    visits: int = Field(description="visits logged in the period")
    households_met: int = Field(description="distinct households met in the period")
    households: int | None = Field(description="households in the community (None per worker)")
    visit_coverage: float | None = Field(description="households_met / households")


class KpiReport(BaseModel):
    start: date
    end: date
    group: KpiGroup
    rows: list[KpiRow]
    total: KpiRow
