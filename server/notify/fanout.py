"""Turning an outbox event into what it causes: a resident inbox message, a WeChat
delivery to send, a live-feed entry for staff. All of it in one transaction with
marking the event processed, so a relay that dies midway leaves nothing half done."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.db import is_postgres
from server.domain.live import LIVE_TOPICS, audience_of
from server.domain.messages import resident_message, status_label
from server.domain.templates import render
from server.models.geo import Community
from server.models.notify import Channel, Delivery, InboxMessage, LiveEvent
from server.models.people import Resident
from server.models.records import OutboxEvent
from server.notify.claims import db_now

log = logging.getLogger("linli.relay")

# Serialises live-event inserts on PostgreSQL (held to commit), so ids become visible in
# order and a reader that saw id N can never later find a smaller one.
LIVE_ORDER_LOCK = 0x6C696E6C69


class FanOut:
    def __init__(self, templates: dict[str, dict[str, Any]], time_zone: str) -> None:
        self.templates = templates
        self.tz = ZoneInfo(time_zone)

    async def batch(self, events: list[OutboxEvent], token: str) -> list[int]:
        """Fan out a batch in one transaction; fall back to one by one if it fails.
        Returns the ids of new live events."""
        try:
            async with in_transaction() as conn:
                live = [await self._one(e, conn) for e in events]
                await self._done([e.id for e in events], token, conn)
            return [i for i in live if i is not None]
        except Exception:
            log.warning("fan-out batch failed, retrying events one by one", exc_info=True)
        out: list[int] = []
        for e in events:
            try:
                async with in_transaction() as conn:
                    live_id = await self._one(e, conn)
                    await self._done([e.id], token, conn)
                if live_id is not None:
                    out.append(live_id)
            except IntegrityError:
                # Another relay fanned it out after our lease ran out: it is done.
                await OutboxEvent.filter(id=e.id).update(processed_at=db_now())
            except Exception:
                log.exception("fan-out of outbox event %s failed", e.id)
        return out

    async def _done(self, ids: list[int], token: str, conn: BaseDBAsyncClient) -> None:
        await (
            OutboxEvent.filter(id__in=ids, claimed_by=token)
            .using_db(conn)
            .update(processed_at=db_now(), claimed_until=None)
        )

    async def _one(self, e: OutboxEvent, conn: BaseDBAsyncClient) -> int | None:
        payload = e.payload if isinstance(e.payload, dict) else {}
        community_id = e.community_id or payload.get("community_id")
        resident_id = payload.get("resident_id")
        if e.topic.startswith("report.") and resident_id:
            await self._resident(e, payload, int(resident_id), community_id, conn)
        if e.topic in LIVE_TOPICS:
            return await self._live(e, payload, community_id, conn)
        return None

    async def _resident(
        self,
        e: OutboxEvent,
        payload: dict[str, Any],
        resident_id: int,
        community_id: int | None,
        conn: BaseDBAsyncClient,
    ) -> None:
        message = resident_message(e.topic, payload)
        if message is None:
            return
        resident = await Resident.filter(id=resident_id).using_db(conn).first()
        if resident is None:
            log.warning("outbox event %s names unknown resident %s", e.id, resident_id)
            return
        title, body = message
        report_id = payload.get("report_id")
        await InboxMessage.create(
            resident_id=resident_id,
            event_id=e.id,
            topic=e.topic,
            report_id=int(report_id) if report_id is not None else None,
            title=title,
            body=body,
            using_db=conn,
        )
        spec = self.templates.get(e.topic)
        if not spec:
            return
        at: datetime = e.created_at.astimezone(self.tz)
        values = {
            **payload,
            "report_no": f"R{report_id}" if report_id is not None else "",
            "status_label": status_label(payload.get("status")),
            "at": at,
        }
        page = str(spec.get("page") or "").format_map(_Missing(values)) or None
        await Delivery.create(
            event_id=e.id,
            topic=e.topic,
            channel=Channel.wechat,
            community_id=community_id,
            recipient_type="resident",
            recipient_id=resident_id,
            template_id=spec["template_id"],
            message={
                "touser": resident.openid,
                "page": page,
                "data": render(spec.get("fields", {}), values),
            },
            next_attempt_at=db_now(),
            using_db=conn,
        )

    async def _live(
        self,
        e: OutboxEvent,
        payload: dict[str, Any],
        community_id: int | None,
        conn: BaseDBAsyncClient,
    ) -> int:
        street_id = None
        if community_id is not None:
            c = await Community.filter(id=community_id).using_db(conn).first()
            street_id = c.street_id if c is not None else None  # type: ignore[attr-defined]
        a = audience_of(e.topic, {**payload, "community_id": community_id}, street_id)
        if is_postgres():
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [LIVE_ORDER_LOCK])
        row = await LiveEvent.create(
            event_id=e.id,
            topic=e.topic,
            community_id=community_id,
            street_id=street_id,
            staff_ids=list(a.staff_ids),
            department_ids=list(a.department_ids),
            payload=payload,
            using_db=conn,
        )
        return int(row.id)


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""
