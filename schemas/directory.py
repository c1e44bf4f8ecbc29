"""Directory shapes: communities, departments, staff, and residents' household bindings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.auth import RoleName
from schemas.common import Id, Strict, Timestamp


class CommunityPublic(BaseModel):
    id: int
    code: str
    name: str
    street_id: int
    time_zone: str


class DepartmentPublic(BaseModel):
    id: int
    code: str
    name: str
    street_id: int


class StaffPublic(BaseModel):
    id: int
    username: str
    display_name: str
    role: RoleName
    community_id: int | None
    street_id: int | None
    department_id: int | None
    active: bool


class StaffCreate(Strict):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=10, max_length=256)
    role: RoleName
    community_id: Id | None = None
    street_id: Id | None = None
    department_id: Id | None = None
    phone: str = Field(default="", max_length=20)


class StaffUpdate(Strict):
    display_name: str | None = Field(default=None, min_length=1, max_length=64)
    active: bool | None = None
    password: str | None = Field(default=None, min_length=10, max_length=256)


class StaffQuery(Strict):
    community_id: Id | None = None
    role: RoleName | None = None
    active: bool | None = None


class BindingCreate(Strict):
    household_id: Id


class BindingPublic(BaseModel):
    id: int
    resident_id: int
    household_id: int
    status: Literal["pending", "verified"]
    verified_by: int | None
    verified_at: Timestamp | None
    created_at: Timestamp


class BindingQuery(Strict):
    status: Literal["pending", "verified"] | None = None
