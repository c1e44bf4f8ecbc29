"""Who handles what where (the 责任清单) and the 办事指南 residents and staff search."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class BodyKind(StrEnum):
    property = "property"  # 物业 company
    committee = "committee"  # 居委 (the community itself)
    department = "department"  # a district force at the street office


class ResponsibleBody(Model):
    """A body that handles matters: a 物业 company, a 居委 or a department. Dispatching to
    it in one key needs ``department`` (the force the leg goes to)."""

    id = fields.IntField(primary_key=True)
    street = fields.ForeignKeyField(
        "core.Street", related_name="responsible_bodies", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(BodyKind, max_length=16)
    name = fields.CharField(max_length=64)
    hotline = fields.CharField(max_length=32, default="")
    department = fields.ForeignKeyField(
        "core.Department", related_name="bodies", null=True, on_delete=fields.RESTRICT
    )
    community = fields.ForeignKeyField(
        "core.Community", related_name="bodies", null=True, on_delete=fields.RESTRICT
    )
    active = fields.BooleanField(default=True)

    street_id: int
    department_id: int | None
    community_id: int | None

    class Meta:
        table = "responsible_body"
        unique_together = (("street", "name"),)


class StreetSegment(Model):
    """A stretch of one road inside a street, by house numbers (长宁路 1-199号)."""

    id = fields.IntField(primary_key=True)
    street = fields.ForeignKeyField(
        "core.Street", related_name="segments", on_delete=fields.RESTRICT
    )
    road = fields.CharField(max_length=32)
    from_no = fields.IntField()
    to_no = fields.IntField()

    street_id: int

    class Meta:
        table = "street_segment"
        unique_together = (("street", "road", "from_no"),)


class Responsibility(Model):
    """One line of the list: this category at this place is handled by this body.

    Exactly one place is set; ``place_key`` ("building:12") makes one line per category
    and place, and ``level`` orders them: building 1, estate 2, segment 3, community 4."""

    id = fields.IntField(primary_key=True)
    street_id = fields.IntField()
    category = fields.ForeignKeyField(
        "reports.Category", related_name="responsibilities", on_delete=fields.RESTRICT
    )
    place_key = fields.CharField(max_length=32)
    level = fields.SmallIntField()
    community = fields.ForeignKeyField(
        "core.Community", related_name="responsibilities", on_delete=fields.RESTRICT
    )
    estate = fields.ForeignKeyField(
        "core.Estate", related_name="responsibilities", null=True, on_delete=fields.CASCADE
    )
    building = fields.ForeignKeyField(
        "core.Building", related_name="responsibilities", null=True, on_delete=fields.CASCADE
    )
    segment = fields.ForeignKeyField(
        "guides.StreetSegment",
        related_name="responsibilities",
        null=True,
        on_delete=fields.CASCADE,
    )
    body = fields.ForeignKeyField(
        "guides.ResponsibleBody", related_name="responsibilities", on_delete=fields.RESTRICT
    )
    reason = fields.CharField(max_length=200)
    updated_at = fields.DatetimeField(auto_now=True)

    category_id: int
    community_id: int
    estate_id: int | None
    building_id: int | None
    segment_id: int | None
    body_id: int

    class Meta:
        table = "responsibility"
        unique_together = (("category", "place_key"),)
        indexes = (("street_id", "category_id"),)


class ResponsibilityCorrection(Model):
    """Staff saying the suggested body was wrong for a report, and which body it is."""

    id = fields.IntField(primary_key=True)
    report = fields.ForeignKeyField(
        "reports.Report", related_name="responsibility_corrections", on_delete=fields.CASCADE
    )
    category = fields.ForeignKeyField(
        "reports.Category", related_name="responsibility_corrections", on_delete=fields.RESTRICT
    )
    street_id = fields.IntField()
    rule = fields.ForeignKeyField(
        "guides.Responsibility", related_name="corrections", null=True, on_delete=fields.SET_NULL
    )
    suggested_body = fields.ForeignKeyField(
        "guides.ResponsibleBody",
        related_name="corrected_away",
        null=True,
        on_delete=fields.RESTRICT,
    )
    body = fields.ForeignKeyField(
        "guides.ResponsibleBody", related_name="corrected_to", on_delete=fields.RESTRICT
    )
    staff = fields.ForeignKeyField(
        "core.Staff", related_name="responsibility_corrections", on_delete=fields.RESTRICT
    )
    note = fields.CharField(max_length=200, default="")
    at = fields.DatetimeField()

    report_id: int
    category_id: int
    rule_id: int | None
    suggested_body_id: int | None
    body_id: int
    staff_id: int

    class Meta:
        table = "responsibility_correction"
        indexes = (("report_id", "at"), ("category_id", "at"))


class Guide(Model):
    """A 办事指南: what a resident needs to know to get one thing done."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)
    keywords = fields.CharField(max_length=200, default="")
    summary = fields.CharField(max_length=300, default="")
    conditions = fields.TextField(default="")
    materials = fields.TextField(default="")
    steps = fields.TextField(default="")
    place_hours = fields.TextField(default="")
    fees = fields.CharField(max_length=300, default="")
    legal_basis = fields.TextField(default="")
    department = fields.CharField(max_length=64, default="")
    last_reviewed = fields.DateField()
    published = fields.BooleanField(default=True)
    # Weighted number of index terms, BM25's document length.
    length = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_guide"


class GuideTerm(Model):
    """One term of a guide's search index with its weighted count (title terms count 3)."""

    id = fields.IntField(primary_key=True)
    guide = fields.ForeignKeyField("guides.Guide", related_name="terms", on_delete=fields.CASCADE)
    term = fields.CharField(max_length=32)
    tf = fields.IntField()

    guide_id: int

    class Meta:
        table = "service_guide_term"
        unique_together = (("term", "guide"),)
