"""Reports (work orders) and everything recorded on them: events, dispatch legs,
meetings, escalations, photos, the category catalogue and workers' open loads."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.lifecycle import Status


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class LegStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    working = "working"
    reported = "reported"
    recalled = "recalled"


class Category(Model):
    """A kind of matter residents can report. Urgent kinds reach the on-call desk off hours."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=32)
    urgent = fields.BooleanField(default=False)
    default_priority = fields.CharEnumField(Priority, max_length=8, default=Priority.normal)
    active = fields.BooleanField(default=True)
    sort = fields.IntField(default=0)

    class Meta:
        table = "report_category"


class CategorySla(Model):
    """Working-time budgets, in minutes, for one category at one priority."""

    id = fields.IntField(primary_key=True)
    category = fields.ForeignKeyField("reports.Category", related_name="slas")
    priority = fields.CharEnumField(Priority, max_length=8)
    accept_minutes = fields.IntField()
    respond_minutes = fields.IntField()
    resolve_minutes = fields.IntField()

    category_id: int

    class Meta:
        table = "report_category_sla"
        unique_together = (("category", "priority"),)


class Report(Model):
    """A resident's matter and its handling (a work order)."""

    id = fields.BigIntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="reports", on_delete=fields.RESTRICT
    )
    street_id = fields.IntField()  # copied from the community: the dispatcher's scope
    category = fields.ForeignKeyField(
        "reports.Category", related_name="reports", on_delete=fields.RESTRICT
    )
    priority = fields.CharEnumField(Priority, max_length=8, default=Priority.normal)
    status = fields.CharEnumField(Status, max_length=16, default=Status.submitted)
    resident = fields.ForeignKeyField(
        "core.Resident", related_name="reports", null=True, on_delete=fields.RESTRICT
    )
    reported_by_staff = fields.ForeignKeyField(
        "core.Staff", related_name="reported", null=True, on_delete=fields.RESTRICT
    )
    owner = fields.ForeignKeyField(
        "core.Staff", related_name="owned_reports", null=True, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=60)
    description = fields.TextField()
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    address = fields.CharField(max_length=200, default="")
    hide_name = fields.BooleanField(default=False)
    photos = fields.JSONField(default=list)
    source = fields.CharField(max_length=16, default="resident")  # resident|staff|visit|open311
    idempotency_key = fields.CharField(max_length=160, null=True, unique=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    owner_since = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    first_response_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    accept_due = fields.DatetimeField(null=True)
    respond_due = fields.DatetimeField(null=True)
    resolve_due = fields.DatetimeField(null=True)
    follow_up_due = fields.DatetimeField(null=True)  # 回访: set when resolved
    # The deadline that governs now (accept before acceptance, then resolve); the queue's
    # sort key. Kept for closed reports too so their order stays stable.
    due_at = fields.DatetimeField()
    paused_at = fields.DatetimeField(null=True)
    escalation_level = fields.SmallIntField(default=0)
    merged_into = fields.ForeignKeyField(
        "reports.Report", related_name="merged_reports", null=True, on_delete=fields.RESTRICT
    )
    reject_reason = fields.TextField(null=True)
    rating = fields.SmallIntField(null=True)
    rating_comment = fields.TextField(null=True)
    reopen_count = fields.SmallIntField(default=0)

    community_id: int
    category_id: int
    resident_id: int | None
    reported_by_staff_id: int | None
    owner_id: int | None
    merged_into_id: int | None

    class Meta:
        table = "report"
        # Tab counts use (community_id | street_id, status) indexes the migration creates
        # itself: covering ones on PostgreSQL, which Tortoise cannot declare.
        indexes = (
            ("community_id", "due_at", "id"),
            ("street_id", "due_at", "id"),
            ("owner_id", "status"),
            ("resident_id", "created_at"),
            ("status", "due_at", "id"),
            ("category_id", "created_at"),
        )


class ReportFollower(Model):
    """A resident told of this report's progress: its reporter, and reporters merged into it."""

    id = fields.BigIntField(primary_key=True)
    report = fields.ForeignKeyField("reports.Report", related_name="followers")
    resident = fields.ForeignKeyField("core.Resident", related_name="followed_reports")
    via_report_id = fields.BigIntField(null=True)

    report_id: int
    resident_id: int

    class Meta:
        table = "report_follower"
        unique_together = (("report", "resident"),)


class ReportEvent(Model):
    """One entry of a report's timeline. Internal entries are never shown to residents."""

    id = fields.BigIntField(primary_key=True)
    report = fields.ForeignKeyField("reports.Report", related_name="events")
    at = fields.DatetimeField()
    actor_type = fields.CharField(max_length=16)
    actor_id = fields.IntField(null=True)
    kind = fields.CharField(max_length=32)
    from_status = fields.CharField(max_length=16, null=True)
    to_status = fields.CharField(max_length=16, null=True)
    note = fields.TextField(default="")
    public = fields.BooleanField(default=True)
    data = fields.JSONField(default=dict)

    report_id: int

    class Meta:
        table = "report_event"
        indexes = (("report_id", "at"),)


class DispatchLeg(Model):
    """A report handed to one department, with its own deadline."""

    id = fields.BigIntField(primary_key=True)
    report = fields.ForeignKeyField("reports.Report", related_name="legs")
    department = fields.ForeignKeyField(
        "core.Department", related_name="legs", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(LegStatus, max_length=12, default=LegStatus.pending)
    instructions = fields.TextField(default="")
    due_at = fields.DatetimeField()
    dispatched_by_id = fields.IntField()
    dispatched_at = fields.DatetimeField()
    officer_id = fields.IntField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    reported_at = fields.DatetimeField(null=True)
    result = fields.TextField(null=True)
    photos = fields.JSONField(default=list)

    report_id: int
    department_id: int

    class Meta:
        table = "report_dispatch_leg"
        unique_together = (("report", "department"),)
        indexes = (("department_id", "status", "due_at"),)


class Meeting(Model):
    """A summons (约请) or joint meeting (联席会议) held about a report."""

    id = fields.BigIntField(primary_key=True)
    report = fields.ForeignKeyField("reports.Report", related_name="meetings")
    kind = fields.CharField(max_length=16)  # summons | joint_meeting
    held_on = fields.DateField()
    participants = fields.JSONField(default=list)
    outcome = fields.TextField()
    recorded_by_id = fields.IntField()
    recorded_at = fields.DatetimeField()

    report_id: int

    class Meta:
        table = "report_meeting"


class Escalation(Model):
    """One escalation of one missed deadline. The unique key makes it happen once only,
    however many schedulers run."""

    id = fields.BigIntField(primary_key=True)
    report = fields.ForeignKeyField("reports.Report", related_name="escalations")
    deadline = fields.CharField(max_length=16)  # accept | resolve | leg:<id>
    due_at = fields.DatetimeField()
    level = fields.SmallIntField()  # 1 secretary, 2 street
    at = fields.DatetimeField()
    worker = fields.CharField(max_length=64, default="")

    report_id: int

    class Meta:
        table = "report_escalation"
        unique_together = (("report", "deadline", "due_at", "level"),)


class Photo(Model):
    """Who uploaded which picture. The file itself is stored once under its SHA-256."""

    id = fields.BigIntField(primary_key=True)
    sha256 = fields.CharField(max_length=64, db_index=True)
    mime = fields.CharField(max_length=16)
    size = fields.IntField()
    width = fields.IntField()
    height = fields.IntField()
    uploader_type = fields.CharField(max_length=16)
    uploader_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "photo"
        unique_together = (("sha256", "uploader_type", "uploader_id"),)


class WorkerLoad(Model):
    """A staff member's open reports, weighted by priority. Its rows are what creates and
    claims lock, so two transactions never both pick the same least-loaded worker."""

    staff = fields.OneToOneField(
        "core.Staff", related_name="report_load", primary_key=True, on_delete=fields.CASCADE
    )
    open_count = fields.IntField(default=0)
    weighted = fields.IntField(default=0)
    last_assigned_at = fields.DatetimeField(null=True)

    staff_id: int

    class Meta:
        table = "report_worker_load"


class ReportDataVersion(Model):
    """A counter per community, raised by triggers whenever its reports or legs change.

    Every insert, update or delete of report or dispatch-leg rows raises it in the writing
    transaction (migration reports 0004). A queue page kept in memory is served again only
    while the versions of its scope still match."""

    community_id = fields.IntField(primary_key=True, generated=False)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "report_data_version"


class ReportFact(Model):
    """One row per report with what the 考核 figures count: first acceptance and first
    resolution with the deadlines that held then, working minutes to each, reopenings and
    the rating. Triggers on ``report`` keep every column but the minutes (migration reports
    0006); the move that accepts, resumes or resolves writes the minutes, which need the
    business calendar. Figures read a period's rows through the indexes, never the events."""

    report_id = fields.BigIntField(primary_key=True, generated=False)
    street_id = fields.IntField()
    community_id = fields.IntField()
    owner_id = fields.IntField(null=True)
    category_id = fields.IntField()
    status = fields.CharField(max_length=16)
    created_at = fields.DatetimeField()
    accept_due = fields.DatetimeField(null=True)  # the deadline when first accepted
    accepted_at = fields.DatetimeField(null=True)  # first acceptance
    resolve_due = fields.DatetimeField(null=True)  # the deadline when first resolved
    resolved_at = fields.DatetimeField(null=True)  # first resolution
    accept_minutes = fields.IntField(null=True)  # working minutes from report to acceptance
    resolve_minutes = fields.IntField(null=True)  # the same to resolution, less waiting
    waited_minutes = fields.IntField(default=0)  # working minutes waiting on the resident
    reopened = fields.SmallIntField(default=0)
    rating = fields.SmallIntField(null=True)

    class Meta:
        table = "report_fact"
        indexes = (
            ("street_id", "created_at"),
            ("community_id", "created_at"),
            ("owner_id", "created_at"),
            ("created_at",),
        )
