"""The visits app: household members and priority groups, visit policy, each household's
visit schedule (next due date) and the visit log with its revisions."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from server.domain.visits import DEFAULT_CADENCE_DAYS, Channel, Outcome


class Member(Model):
    """A person living in a household. Personal data: shown only inside the community."""

    id = fields.IntField(primary_key=True)
    household = fields.ForeignKeyField(
        "core.Household", related_name="members", on_delete=fields.CASCADE, db_index=True
    )
    name = fields.CharField(max_length=64)
    birth_year = fields.SmallIntField(null=True)
    phone = fields.CharField(max_length=24, default="")
    relation = fields.CharField(max_length=16, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    household_id: int

    class Meta:
        table = "household_member"


class CustomGroup(Model):
    """A priority group a community defines beside the built-in ones."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="custom_groups", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=32)

    community_id: int

    class Meta:
        table = "priority_group"
        unique_together = (("community", "code"),)


class HouseholdGroup(Model):
    """A household's membership of a priority group (derived rows come from birth years)."""

    id = fields.IntField(primary_key=True)
    household = fields.ForeignKeyField(
        "core.Household", related_name="priority_groups", on_delete=fields.CASCADE
    )
    community_id = fields.IntField()
    code = fields.CharField(max_length=32)
    derived = fields.BooleanField(default=False)

    household_id: int

    class Meta:
        table = "household_group"
        unique_together = (("household", "code"),)
        indexes = (Index(fields=["community_id", "code"]),)


class VisitPolicy(Model):
    """How often a community visits: days per priority group, and the default for all."""

    id = fields.IntField(primary_key=True)
    community = fields.OneToOneField(
        "core.Community", related_name="visit_policy", on_delete=fields.CASCADE
    )
    cadences = fields.JSONField(default=dict)
    default_days = fields.SmallIntField(default=DEFAULT_CADENCE_DAYS)
    updated_at = fields.DatetimeField(auto_now=True)

    community_id: int

    class Meta:
        table = "visit_policy"


class VisitSchedule(Model):
    """One per household: its cadence and next due date, kept in step with its visits."""

    # Updated in the same transaction as every visit, member or group change, so the due
    # list never has to look at the visit log.

    household = fields.OneToOneField(
        "core.Household", related_name="schedule", on_delete=fields.CASCADE, primary_key=True
    )
    community_id = fields.IntField()
    groups = fields.JSONField(default=list)
    cadence_days = fields.SmallIntField(default=DEFAULT_CADENCE_DAYS)
    registered_on = fields.DateField()
    last_met_at = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    next_due = fields.DateField()
    moved_away = fields.BooleanField(default=False)

    household_id: int

    class Meta:
        table = "visit_schedule"
        indexes = (Index(fields=["community_id", "next_due"]),)


class Visit(Model):
    """One contact with a household. The id is made on the phone, so re-sending is safe."""

    id = fields.UUIDField(primary_key=True)
    household = fields.ForeignKeyField(
        "core.Household", related_name="visits", on_delete=fields.RESTRICT
    )
    community_id = fields.IntField()
    worker = fields.ForeignKeyField("core.Staff", related_name="visits", on_delete=fields.RESTRICT)
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    channel = fields.CharEnumField(Channel, max_length=8)
    outcome = fields.CharEnumField(Outcome, max_length=12)
    notes = fields.TextField(default="")
    needs = fields.JSONField(default=list)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    photos = fields.JSONField(default=list)
    version = fields.IntField(default=1)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    household_id: int
    worker_id: int

    class Meta:
        table = "visit"
        indexes = (
            Index(fields=["household_id", "started_at"]),
            # Covers the coverage trend (a week range per community) without the table.
            Index(fields=["community_id", "started_at", "outcome", "household_id"]),
            Index(fields=["worker_id", "started_at"]),
        )


class VisitRevision(Model):
    """Each stored version of a visit and the digest of the content that made it."""

    id = fields.BigIntField(primary_key=True)
    visit = fields.ForeignKeyField(
        "visits.Visit", related_name="revisions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    content_hash = fields.CharField(max_length=64)
    content = fields.JSONField(default=dict)
    by_id = fields.IntField()
    at = fields.DatetimeField(auto_now_add=True)

    visit_id: str

    class Meta:
        table = "visit_revision"
        unique_together = (("visit", "version"),)


class VisitReport(Model):
    """A need found on a visit that became a report, owned by the worker who found it."""

    id = fields.IntField(primary_key=True)
    visit = fields.ForeignKeyField(
        "visits.Visit", related_name="reports", on_delete=fields.RESTRICT
    )
    household = fields.ForeignKeyField(
        "core.Household", related_name="visit_reports", on_delete=fields.RESTRICT
    )
    need = fields.CharField(max_length=32)
    report = fields.ForeignKeyField(
        "reports.Report", related_name="visit_links", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    visit_id: str
    household_id: int
    report_id: int

    class Meta:
        table = "visit_report"
        unique_together = (("visit", "need"),)
        indexes = (Index(fields=["household_id", "created_at"]),)


class VisitDataVersion(Model):
    """A counter per community, raised by triggers whenever the rows of a due list change.

    Every insert, update or delete of grid, estate, building, household, member or schedule
    rows raises it in the writing transaction (migration visits 0003). A due list kept in
    memory is served again only while it still matches."""

    community_id = fields.IntField(primary_key=True, generated=False)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "visit_data_version"


class HouseholdArea(Model):
    """The floor area of a household's own flat (专有部分面积), from the registry or the
    property certificate: what its vote weighs in a decision on common parts."""

    household = fields.OneToOneField(
        "core.Household", related_name="area", on_delete=fields.CASCADE, primary_key=True
    )
    area = fields.DecimalField(max_digits=9, decimal_places=2)
    source = fields.CharField(max_length=32, default="")  # 产证 | 登记 | …
    updated_at = fields.DatetimeField(auto_now=True)

    household_id: int

    class Meta:
        table = "household_area"
