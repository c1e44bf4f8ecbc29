"""Notification shapes: subscribe-message consent, the resident inbox, the staff live
feed and the relay's operations view."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.common import Strict, Timestamp

# What wx.requestSubscribeMessage reports per template id.
Consent = Literal["accept", "reject", "ban", "filter"]


class SubscriptionResults(Strict):
    """The ``res`` object from ``wx.requestSubscribeMessage``, minus ``errMsg``."""

    results: dict[str, Consent] = Field(min_length=1, max_length=20)


class SubscriptionCredit(BaseModel):
    template_id: str
    remaining: int
    granted_total: int


class SubscriptionCredits(BaseModel):
    credits: list[SubscriptionCredit]
    # Template ids the server may send, so the mini-program knows what to ask for.
    templates: list[str]


class InboxQuery(Strict):
    before_id: int | None = Field(default=None, ge=1)
    limit: int = Field(default=20, ge=1, le=100)
    unread: bool = False


class InboxItem(BaseModel):
    id: int
    topic: str
    report_id: int | None
    title: str
    body: str
    created_at: Timestamp
    read_at: Timestamp | None


class InboxPage(BaseModel):
    items: list[InboxItem]
    unread: int
    next_before_id: int | None


class LiveQuery(Strict):
    last_id: int | None = Field(
        default=None, ge=0, description="the last event id seen: what came after is replayed"
    )
    token: str | None = Field(
        default=None, max_length=4096, description="access token, for clients without headers"
    )


class LiveHello(BaseModel):
    """The first frame: the id the stream continues from."""

    type: Literal["hello"] = "hello"
    last_id: int


class LiveEventPublic(BaseModel):
    """One event frame on the live WebSocket (after the hello frame)."""

    type: Literal["event"] = "event"
    id: int
    topic: str
    community_id: int | None
    payload: dict[str, Any]
    created_at: Timestamp


class InboxRead(Strict):
    up_to_id: int | None = Field(default=None, ge=1, description="all messages when absent")


class InboxReadResult(BaseModel):
    marked: int


class ChannelDepth(BaseModel):
    channel: str
    pending: int
    due_now: int
    retrying: int
    in_flight: int
    sent: int
    skipped: int
    dead: int
    oldest_pending_at: Timestamp | None


class QueueStats(BaseModel):
    outbox_unprocessed: int
    outbox_oldest_at: Timestamp | None
    channels: list[ChannelDepth]
    failures_last_hour: int


class DeliveryQuery(Strict):
    # dead: given up, with the reason; failing: failed at least once, will be retried
    state: Literal["dead", "failing"] = "dead"
    channel: Literal["wechat", "wecom"] | None = None
    before_id: int | None = Field(default=None, ge=1)
    limit: int = Field(default=50, ge=1, le=200)


class DeliveryPublic(BaseModel):
    id: int
    event_id: int
    topic: str
    channel: str
    community_id: int | None
    recipient_type: str
    recipient_id: int
    template_id: str
    status: str
    attempts: int
    last_error: str
    dead_reason: str
    next_attempt_at: Timestamp
    created_at: Timestamp
    updated_at: Timestamp


class DeliveryPage(BaseModel):
    items: list[DeliveryPublic]
    next_before_id: int | None
