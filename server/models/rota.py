"""The rota aggregate: posts, shift templates, certifications, availability, rotas and swaps."""

from __future__ import annotations

from datetime import time
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PostKind(StrEnum):
    desk = "desk"  # a service window residents walk up to
    field = "field"  # door-to-door visits, out on the estates
    on_call = "on_call"  # reachable by phone out of hours, not at a desk


class RotaStatus(StrEnum):
    draft = "draft"
    published = "published"
    superseded = "superseded"


class SwapStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    denied = "denied"
    cancelled = "cancelled"


class LeaveKind(StrEnum):
    leave = "leave"
    sick = "sick"
    unavailable = "unavailable"


class Post(Model):
    """A desk (or field or on-call duty) with opening hours and minimum staff per hour.

    ``hours`` is a list of openings, each {weekday, start, end, min_staff}.
    """

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="rota_posts", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(PostKind, max_length=16, default=PostKind.desk)
    hours = fields.JSONField(default=list)
    sort_order = fields.IntField(default=0)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int

    class Meta:
        table = "rota_post"
        unique_together = (("community", "code"),)


class ShiftTemplate(Model):
    """A block of working time (early, late, weekend) usable on the listed weekdays."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="rota_shifts", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=64)
    # Local wall-clock "HH:MM": a shift is a time of day, not an instant.
    start = fields.CharField(max_length=5)
    end = fields.CharField(max_length=5)
    break_minutes = fields.IntField(default=0)
    weekdays = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)

    community_id: int

    @property
    def start_time(self) -> time:
        return time.fromisoformat(self.start)

    @property
    def end_time(self) -> time:
        return time.fromisoformat(self.end)

    class Meta:
        table = "rota_shift_template"
        unique_together = (("community", "code"),)


class Certification(Model):
    """A worker certified to serve at a post, from a date and possibly until one."""

    id = fields.IntField(primary_key=True)
    staff = fields.ForeignKeyField("core.Staff", related_name="rota_certifications")
    post = fields.ForeignKeyField("rota.Post", related_name="certifications")
    certified_on = fields.DateField()
    expires_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    staff_id: int
    post_id: int

    class Meta:
        table = "rota_certification"
        unique_together = (("staff", "post"),)


class StaffAvailability(Model):
    """Contract hours and soft wishes of a worker for the rota."""

    id = fields.IntField(primary_key=True)
    staff = fields.OneToOneField("core.Staff", related_name="rota_availability")
    max_hours_week = fields.IntField(default=40)
    avoid_weekdays = fields.JSONField(default=list)
    avoid_shift_ids = fields.JSONField(default=list)
    updated_at = fields.DatetimeField(auto_now=True)

    staff_id: int

    class Meta:
        table = "rota_availability"


class Leave(Model):
    """Days a worker cannot be rostered (leave, sickness, other absence), inclusive."""

    id = fields.IntField(primary_key=True)
    staff = fields.ForeignKeyField("core.Staff", related_name="rota_leave")
    kind = fields.CharEnumField(LeaveKind, max_length=16, default=LeaveKind.leave)
    start_date = fields.DateField()
    end_date = fields.DateField()
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    staff_id: int

    class Meta:
        table = "rota_leave"
        indexes = (("staff_id", "start_date"),)


class Rota(Model):
    """The rota of one community for a period, draft until published."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="rotas", on_delete=fields.RESTRICT
    )
    start_date = fields.DateField()
    end_date = fields.DateField()
    status = fields.CharEnumField(RotaStatus, max_length=16, default=RotaStatus.draft)
    created_by = fields.ForeignKeyField(
        "core.Staff", related_name="rotas_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    published_by = fields.ForeignKeyField(
        "core.Staff", related_name="rotas_published", null=True, on_delete=fields.SET_NULL
    )
    solver_status = fields.CharField(max_length=16, default="")
    objective = fields.IntField(null=True)
    bound = fields.IntField(null=True)
    solve_seconds = fields.FloatField(default=0)
    explanation = fields.JSONField(default=dict)

    community_id: int
    created_by_id: int | None
    published_by_id: int | None

    class Meta:
        table = "rota"
        indexes = (("community_id", "status", "start_date"),)


class Assignment(Model):
    """One worker at one post for one shift on one day, with its absolute span."""

    id = fields.IntField(primary_key=True)
    rota = fields.ForeignKeyField("rota.Rota", related_name="assignments", on_delete=fields.CASCADE)
    staff = fields.ForeignKeyField("core.Staff", related_name="rota_assignments")
    post = fields.ForeignKeyField("rota.Post", related_name="assignments")
    shift = fields.ForeignKeyField("rota.ShiftTemplate", related_name="assignments")
    day = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    trainee = fields.BooleanField(default=False)

    rota_id: int
    staff_id: int
    post_id: int
    shift_id: int

    class Meta:
        table = "rota_assignment"
        indexes = (("rota_id", "day"), ("starts_at", "ends_at"))


class RotaChange(Model):
    """A recorded change to a rota after it was published (publish, swap, re-solve)."""

    id = fields.IntField(primary_key=True)
    rota = fields.ForeignKeyField("rota.Rota", related_name="changes", on_delete=fields.CASCADE)
    at = fields.DatetimeField(auto_now_add=True)
    kind = fields.CharField(max_length=16)
    actor = fields.ForeignKeyField(
        "core.Staff", related_name="rota_changes", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=200, default="")
    removed = fields.JSONField(default=list)
    added = fields.JSONField(default=list)

    rota_id: int
    actor_id: int | None

    class Meta:
        table = "rota_change"


class SwapRequest(Model):
    """A worker asks to hand over or exchange a shift, and the secretary decides."""

    id = fields.IntField(primary_key=True)
    rota = fields.ForeignKeyField("rota.Rota", related_name="swaps", on_delete=fields.CASCADE)
    requester = fields.ForeignKeyField("core.Staff", related_name="swaps_requested")
    assignment = fields.ForeignKeyField(
        "rota.Assignment", related_name="swaps_out", null=True, on_delete=fields.SET_NULL
    )
    counterpart = fields.ForeignKeyField("core.Staff", related_name="swaps_offered")
    counter_assignment = fields.ForeignKeyField(
        "rota.Assignment", related_name="swaps_in", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(SwapStatus, max_length=16, default=SwapStatus.pending)
    decided_by = fields.ForeignKeyField(
        "core.Staff", related_name="swaps_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    rota_id: int
    requester_id: int
    assignment_id: int | None
    counterpart_id: int
    counter_assignment_id: int | None
    decided_by_id: int | None

    class Meta:
        table = "rota_swap_request"
