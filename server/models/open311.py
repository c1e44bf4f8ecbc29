"""Open311 clients: their API keys (only a hash of each is kept) and the requests they filed."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ApiKey(Model):
    """An Open311 client's key for filing requests.

    The secret is shown once at issue and only its SHA-256 is stored, so a leaked table
    leaks no usable key.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)
    prefix = fields.CharField(max_length=16)  # the key's first characters, to tell keys apart
    key_hash = fields.CharField(max_length=64, unique=True)
    # The community its requests go to when they do not name one. Null: the whole endpoint.
    community = fields.ForeignKeyField(
        "core.Community", related_name="open311_keys", null=True, on_delete=fields.RESTRICT
    )
    rate_per_minute = fields.IntField(default=60)
    created_by = fields.ForeignKeyField(
        "core.Staff", related_name="open311_keys_issued", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_by_id = fields.IntField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    community_id: int | None
    created_by_id: int

    class Meta:
        table = "open311_api_key"


class ServiceRequest(Model):
    """A report filed by an Open311 client.

    Holds what GeoReport carries beyond our report (the token, media URL, address id and
    attribute answers) and the submitter's contact details for the owner's follow-up,
    which are never published.
    """

    id = fields.BigIntField(primary_key=True)
    report = fields.OneToOneField(
        "reports.Report", related_name="open311", on_delete=fields.RESTRICT
    )
    api_key = fields.ForeignKeyField(
        "open311.ApiKey", related_name="requests", on_delete=fields.RESTRICT
    )
    token = fields.CharField(max_length=40, unique=True)
    media_url = fields.CharField(max_length=1000, null=True)
    address_id = fields.IntField(null=True)  # a building id
    attributes = fields.JSONField(default=dict)
    contact = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()

    report_id: int
    api_key_id: int

    class Meta:
        table = "open311_request"
