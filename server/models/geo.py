"""Where things are: district → street → community; estate → building → household; grid."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class District(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)

    class Meta:
        table = "district"


class Street(Model):
    id = fields.IntField(primary_key=True)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "core.District", related_name="streets", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)

    district_id: int

    class Meta:
        table = "street"


class Community(Model):
    id = fields.IntField(primary_key=True)
    street: fields.ForeignKeyRelation[Street] = fields.ForeignKeyField(
        "core.Street", related_name="communities", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    time_zone = fields.CharField(max_length=64, default="Asia/Shanghai")

    street_id: int

    class Meta:
        table = "community"


class Estate(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "core.Community", related_name="estates", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=64)
    address = fields.CharField(max_length=200, default="")

    community_id: int

    class Meta:
        table = "estate"
        unique_together = (("community", "name"),)


class Grid(Model):
    """A group of buildings one worker looks after."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "core.Community", related_name="grids", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=64)
    worker = fields.ForeignKeyField(
        "core.Staff", related_name="grids", null=True, on_delete=fields.SET_NULL
    )

    community_id: int
    worker_id: int | None

    class Meta:
        table = "grid"
        unique_together = (("community", "name"),)


class Building(Model):
    id = fields.IntField(primary_key=True)
    estate: fields.ForeignKeyRelation[Estate] = fields.ForeignKeyField(
        "core.Estate", related_name="buildings", on_delete=fields.RESTRICT
    )
    grid = fields.ForeignKeyField(
        "core.Grid", related_name="buildings", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=32)
    floors = fields.SmallIntField(default=6)

    estate_id: int
    grid_id: int | None

    class Meta:
        table = "building"
        unique_together = (("estate", "name"),)


class Household(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "core.Community", related_name="households", on_delete=fields.RESTRICT
    )
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "core.Building", related_name="households", on_delete=fields.RESTRICT
    )
    unit = fields.CharField(max_length=16, default="")
    floor = fields.SmallIntField(default=1)
    room = fields.CharField(max_length=16)
    notes = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    community_id: int
    building_id: int

    class Meta:
        table = "household"
        unique_together = (("building", "unit", "room"),)
