"""The governance app: building projects (加装电梯 and the like), the households they
concern, their group and staff helpers, and the steps they tick off."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.governance.steps import ProjectKind


class ProjectStatus(StrEnum):
    proposed = "proposed"  # waiting for the secretary's approval
    active = "active"
    done = "done"
    cancelled = "cancelled"


class Project(Model):
    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="projects", on_delete=fields.RESTRICT
    )
    building = fields.ForeignKeyField(
        "core.Building", related_name="projects", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(ProjectKind, max_length=16)
    title = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    status = fields.CharEnumField(ProjectStatus, max_length=16, default=ProjectStatus.proposed)
    coordinator = fields.ForeignKeyField(
        "core.Resident", related_name="coordinated_projects", null=True, on_delete=fields.SET_NULL
    )
    opened_by_type = fields.CharField(max_length=16)  # staff | resident
    opened_by_id = fields.IntField()
    approved_by = fields.ForeignKeyField(
        "core.Staff", related_name="approved_projects", null=True, on_delete=fields.SET_NULL
    )
    started_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    community_id: int
    building_id: int | None
    coordinator_id: int | None
    approved_by_id: int | None

    class Meta:
        table = "gov_project"
        indexes = (("community_id", "status"),)


class ProjectHousehold(Model):
    """A household in the project's scope: it is invited, and it votes."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "governance.Project", related_name="households", on_delete=fields.CASCADE
    )
    household = fields.ForeignKeyField(
        "core.Household", related_name="projects", on_delete=fields.RESTRICT
    )

    project_id: int
    household_id: int

    class Meta:
        table = "gov_project_household"
        unique_together = (("project", "household"),)
        indexes = (("household_id",),)


class ProjectMember(Model):
    """A resident in the project group (the coordinator is one too)."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "governance.Project", related_name="members", on_delete=fields.CASCADE
    )
    resident = fields.ForeignKeyField(
        "core.Resident", related_name="project_groups", on_delete=fields.CASCADE
    )
    added_at = fields.DatetimeField(auto_now_add=True)

    project_id: int
    resident_id: int

    class Meta:
        table = "gov_project_member"
        unique_together = (("project", "resident"),)


class ProjectStaff(Model):
    """A staff member the secretary added to help the group."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "governance.Project", related_name="helpers", on_delete=fields.CASCADE
    )
    staff = fields.ForeignKeyField(
        "core.Staff", related_name="project_helps", on_delete=fields.CASCADE
    )
    added_at = fields.DatetimeField(auto_now_add=True)

    project_id: int
    staff_id: int

    class Meta:
        table = "gov_project_staff"
        unique_together = (("project", "staff"),)


class Step(Model):
    """A step of the project, from its kind's template: the office to visit and the stamp
    to bring back. Ticked with the date, the office that stamped and a photo."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "governance.Project", related_name="steps", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField()
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=100)
    office = fields.CharField(max_length=100)
    stamp = fields.CharField(max_length=100)
    days = fields.SmallIntField()
    done_on = fields.DateField(null=True)
    done_office = fields.CharField(max_length=100, default="")
    photo = fields.CharField(max_length=64, default="")  # sha256 of the document's photo
    note = fields.CharField(max_length=500, default="")
    ticked_by_type = fields.CharField(max_length=16, default="")
    ticked_by_id = fields.IntField(null=True)
    ticked_at = fields.DatetimeField(null=True)

    project_id: int

    class Meta:
        table = "gov_step"
        unique_together = (("project", "position"),)
