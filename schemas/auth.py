"""Sign-in, tokens and the caller's identity."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import Strict

RoleName = Literal["worker", "secretary", "street_dispatcher", "department_officer", "admin"]


class WeChatLogin(Strict):
    code: str = Field(min_length=1, max_length=128, description="wx.login() code")


class StaffLogin(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(Strict):
    refresh_token: str = Field(min_length=10, max_length=2048)


class LogoutRequest(Strict):
    refresh_token: str | None = Field(default=None, max_length=2048)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int


class StaffMe(BaseModel):
    id: int
    username: str
    display_name: str
    role: RoleName
    community_id: int | None
    street_id: int | None
    department_id: int | None


class ResidentMe(BaseModel):
    id: int
    nickname: str
    has_phone: bool
    household_ids: list[int]


class Me(BaseModel):
    kind: Literal["staff", "resident"]
    staff: StaffMe | None = None
    resident: ResidentMe | None = None
