"""Who acts: departments, staff, residents and the households residents are bound to."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    worker = "worker"
    secretary = "secretary"
    street_dispatcher = "street_dispatcher"
    department_officer = "department_officer"
    admin = "admin"


class Department(Model):
    """A district force sitting at the street office (城管, 房办, 绿化市容 …)."""

    id = fields.IntField(primary_key=True)
    street = fields.ForeignKeyField("core.Street", related_name="departments")
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=64)

    street_id: int

    class Meta:
        table = "department"
        unique_together = (("street", "code"),)


class Staff(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=64)
    role = fields.CharEnumField(Role, max_length=24)
    community = fields.ForeignKeyField(
        "core.Community", related_name="staff", null=True, on_delete=fields.RESTRICT
    )
    street = fields.ForeignKeyField(
        "core.Street", related_name="staff", null=True, on_delete=fields.RESTRICT
    )
    department = fields.ForeignKeyField(
        "core.Department", related_name="staff", null=True, on_delete=fields.RESTRICT
    )
    phone = fields.CharField(max_length=20, default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int | None
    street_id: int | None
    department_id: int | None

    class Meta:
        table = "staff"


class Resident(Model):
    """A mini-program user. Its session_key stays on the server and is never serialised."""

    id = fields.IntField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    unionid = fields.CharField(max_length=64, null=True)
    session_key = fields.CharField(max_length=128, default="")
    phone = fields.CharField(max_length=20, null=True)
    nickname = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "resident"


class ResidentHousehold(Model):
    """A resident's claim to a household, which counts once a staff member verifies it."""

    id = fields.IntField(primary_key=True)
    resident = fields.ForeignKeyField("core.Resident", related_name="bindings")
    household = fields.ForeignKeyField("core.Household", related_name="bindings")
    verified_by = fields.ForeignKeyField(
        "core.Staff", related_name="verified_bindings", null=True, on_delete=fields.SET_NULL
    )
    verified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    resident_id: int
    household_id: int

    class Meta:
        table = "resident_household"
        unique_together = (("resident", "household"),)


class RefreshToken(Model):
    """One refresh token, by its id. Rotated on use, revoked on logout. Every token a
    sign-in leads to, refresh and access alike, carries that sign-in's ``family``."""

    jti = fields.CharField(max_length=64, primary_key=True)
    subject_type = fields.CharField(max_length=16)
    subject_id = fields.IntField()
    family = fields.CharField(max_length=64, null=True, db_index=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_token"


class RevokedSession(Model):
    """A sign-in (a token family) that has ended: by logout or by reuse of a refresh
    token. Access tokens of the family are refused from then on; the row can go once
    the family's last token has expired."""

    family = fields.CharField(max_length=64, primary_key=True)
    subject_type = fields.CharField(max_length=16)
    subject_id = fields.IntField()
    reason = fields.CharField(max_length=16)
    revoked_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "revoked_session"
