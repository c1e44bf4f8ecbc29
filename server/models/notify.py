"""Notification records: deliveries per event and channel, subscription credits, the
resident inbox and the staff live-event log."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Channel(StrEnum):
    wechat = "wechat"  # WeChat subscribe message to a resident
    wecom = "wecom"  # WeCom app message to staff


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its next attempt
    sent = "sent"
    skipped = "skipped"  # not sent on purpose (no credit, refused); the inbox has it
    dead = "dead"  # gave up: see dead_reason


class Delivery(Model):
    """One event sent over one channel to one recipient: attempts, lease and outcome.

    A relay leases a row (claimed_by, claimed_until) before sending. A relay that dies
    leaves the lease to expire, and another one takes the row.
    """

    id = fields.BigIntField(primary_key=True)
    event_id = fields.BigIntField()
    topic = fields.CharField(max_length=64)
    channel = fields.CharEnumField(Channel, max_length=16)
    community_id = fields.IntField(null=True)
    recipient_type = fields.CharField(max_length=16)  # resident | staff
    recipient_id = fields.IntField()
    template_id = fields.CharField(max_length=128, default="")
    message = fields.JSONField(default=dict)  # what is sent: touser, page, data
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.pending)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claimed_by = fields.CharField(max_length=64, null=True)
    credit_taken = fields.BooleanField(default=False)
    last_error = fields.CharField(max_length=255, default="")
    dead_reason = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notify_delivery"
        unique_together = (("event_id", "channel", "recipient_type", "recipient_id"),)
        indexes = (("status", "next_attempt_at"), ("channel", "status"))


class SubscriptionCredit(Model):
    """How many one-time subscribe messages a resident has granted for a template."""

    id = fields.IntField(primary_key=True)
    resident = fields.ForeignKeyField("core.Resident", related_name="subscription_credits")
    template_id = fields.CharField(max_length=128)
    remaining = fields.IntField(default=0)
    granted_total = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notify_credit"
        unique_together = (("resident", "template_id"),)


class InboxMessage(Model):
    """A message to a resident in the mini-program inbox. Every message lands here."""

    id = fields.BigIntField(primary_key=True)
    resident = fields.ForeignKeyField("core.Resident", related_name="inbox")
    event_id = fields.BigIntField()
    topic = fields.CharField(max_length=64)
    report_id = fields.IntField(null=True)
    title = fields.CharField(max_length=128)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notify_inbox"
        unique_together = (("event_id", "resident"),)
        indexes = (("resident_id", "id"),)


class LiveEvent(Model):
    """An event on the staff live feed. Ids increase in commit order, so a reader that
    has seen id N has seen everything before it."""

    id = fields.BigIntField(primary_key=True)
    event_id = fields.BigIntField(unique=True)
    topic = fields.CharField(max_length=64)
    community_id = fields.IntField(null=True)
    street_id = fields.IntField(null=True)
    staff_ids = fields.JSONField(default=list)
    department_ids = fields.JSONField(default=list)
    payload = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notify_live_event"
