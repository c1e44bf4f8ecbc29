"""Votes and consent over a project's households (Civil Code art. 278)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, WithJsonSchema

from schemas.common import Id, Strict, Timestamp

DecisionKindName = Literal[
    "rules_of_procedure",
    "management_rules",
    "committee",
    "property_service",
    "use_maintenance_fund",
    "raise_maintenance_fund",
    "rebuild_common_parts",
    "change_common_use",
    "other_major",
]
ChoiceName = Literal["agree", "disagree", "abstain"]
# Sums of floor areas, exact, as decimal strings in m².
AreaSum = Annotated[Decimal, WithJsonSchema({"type": "string", "description": "m², exact"})]


class VoteCreate(Strict):
    question: str = Field(min_length=1, max_length=200)
    decision_kind: DecisionKindName = Field(
        description="art. 278 item: raise_maintenance_fund, rebuild_common_parts and "
        "change_common_use (a lift) need 3/4 consent, the others more than half"
    )
    closes_at: AwareDatetime


class BallotIn(Strict):
    choice: ChoiceName
    household_id: Id | None = Field(
        default=None, description="which of your households votes; needed if you have several"
    )


class BallotOut(BaseModel):
    vote_id: int
    household_id: int
    choice: ChoiceName
    cast_by: int
    cast_at: Timestamp
    revision: int


class FigureOut(BaseModel):
    name: str
    part: str = Field(description="exact, as a decimal (area in m²) or a count")
    whole: str
    ratio: str | None = Field(description="the exact fraction, e.g. 3/4")
    threshold: str
    rule: Literal[">=", ">"]
    met: bool


class TallyOut(BaseModel):
    households: int
    area: AreaSum
    participants: int
    participant_area: AreaSum
    agree: int
    agree_area: AreaSum
    disagree: int
    abstain: int
    figures: list[FigureOut]
    quorate: bool
    passed: bool


class VoteOut(BaseModel):
    id: int
    project_id: int
    question: str
    decision_kind: DecisionKindName
    status: Literal["open", "closed"]
    opened_at: Timestamp
    closes_at: Timestamp
    closed_at: Timestamp | None
    tally: TallyOut | None = Field(
        description="staff: live while open; everyone: the published result once closed"
    )
    my_ballots: list[BallotOut] = Field(
        default_factory=list, description="residents: the ballots of your households"
    )


class VoteList(BaseModel):
    items: list[VoteOut]
