"""Append-only records: the audit log and the transactional outbox."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditLog(Model):
    """Who did what to which record, when, and from where."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_type = fields.CharField(max_length=16)  # staff | resident | system | open311
    actor_id = fields.IntField(null=True)
    action = fields.CharField(max_length=64)
    entity = fields.CharField(max_length=32)
    entity_id = fields.CharField(max_length=64, null=True)
    ip = fields.CharField(max_length=64, null=True)
    request_id = fields.CharField(max_length=64, null=True)
    detail = fields.JSONField(default=dict)

    class Meta:
        table = "audit_log"
        indexes = (("entity", "entity_id"),)


class OutboxEvent(Model):
    """A domain event written in the same transaction as the change it describes.

    The relay claims rows by lease (``claimed_until``) and marks them processed once
    every delivery for them is recorded.
    """

    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=64)
    aggregate_type = fields.CharField(max_length=32)
    aggregate_id = fields.CharField(max_length=64)
    community_id = fields.IntField(null=True)
    payload = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    available_at = fields.DatetimeField(auto_now_add=True)
    claimed_until = fields.DatetimeField(null=True)
    claimed_by = fields.CharField(max_length=64, null=True)
    attempts = fields.IntField(default=0)
    processed_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_event"
        indexes = (("processed_at", "available_at"),)
