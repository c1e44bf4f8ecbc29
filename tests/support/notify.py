"""Helpers for notification tests: report events as the report service emits them."""

from __future__ import annotations

from typing import Any

from server.broker import Broker
from server.config import Settings
from server.models.records import OutboxEvent
from server.notify.relay import Relay, build
from server.services.outbox import emit

PROGRESS = "linli-report-progress"


async def report_event(
    topic: str,
    *,
    report_id: int,
    community_id: int,
    resident_id: int | None = None,
    owner_id: int | None = None,
    status: str = "accepted",
    title: str = "楼道灯不亮",
    **extra: Any,
) -> OutboxEvent:
    payload = {
        "report_id": report_id,
        "community_id": community_id,
        "status": status,
        "owner_id": owner_id,
        "resident_id": resident_id,
        "category": "facility",
        "title": title,
        **extra,
    }
    (row,) = await emit(topic, "report", report_id, payload, community_id=community_id)
    return row


def make_relay(settings: Settings, broker: Broker, **overrides: Any) -> Relay:
    relay, _ = build(settings.model_copy(update=overrides), broker)
    return relay
