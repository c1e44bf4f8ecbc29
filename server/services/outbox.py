"""Recording domain events in the outbox, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.models.records import OutboxEvent


async def emit(
    topic: str,
    aggregate_type: str,
    aggregate_id: object,
    payload: dict[str, Any],
    *,
    community_id: int | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> OutboxEvent:
    return await OutboxEvent.create(
        topic=topic,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        community_id=community_id,
        payload=payload,
        using_db=using_db,
    )
