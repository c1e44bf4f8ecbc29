"""Turning outbox events into what they cause: a resident inbox message, a WeChat
delivery to send, a live-feed entry for staff. All of it in one transaction with
marking the events processed, so a relay that dies midway leaves nothing half done."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.domain.live import LIVE_TOPICS, audience_of
from server.domain.messages import recipients, resident_message, status_label
from server.domain.templates import render
from server.models.geo import Community
from server.models.notify import Channel, Delivery, InboxMessage, LiveEvent
from server.models.people import Resident
from server.models.records import OutboxEvent
from server.notify.claims import db_now
from server.services.sql import is_postgres

log = logging.getLogger("linli.relay")

# Serialises live-event inserts on PostgreSQL (held to commit), so ids become visible in
# order and a reader that saw id N can never later find a smaller one.
LIVE_ORDER_LOCK = 0x6C696E6C69


@dataclass
class _Rows:
    inbox: list[InboxMessage] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    live: list[LiveEvent] = field(default_factory=list)


class FanOut:
    def __init__(self, templates: dict[str, dict[str, Any]], time_zone: str) -> None:
        self.templates = templates
        self.tz = ZoneInfo(time_zone)

    async def batch(self, events: list[OutboxEvent], token: str) -> int:
        """Fan out a batch in one transaction; fall back to one by one if it fails.
        Returns how many live-feed entries were added."""
        try:
            async with in_transaction() as conn:
                live = await self._write(events, conn)
                await self._done([e.id for e in events], token, conn)
            return live
        except Exception:
            log.warning("fan-out batch failed, retrying events one by one", exc_info=True)
        live = 0
        for e in events:
            try:
                async with in_transaction() as conn:
                    live += await self._write([e], conn)
                    await self._done([e.id], token, conn)
            except IntegrityError:
                # Another relay fanned it out after our lease ran out: it is done.
                await OutboxEvent.filter(id=e.id).update(processed_at=db_now())
            except Exception:
                log.exception("fan-out of outbox event %s failed", e.id)
        return live

    async def _done(self, ids: list[int], token: str, conn: BaseDBAsyncClient) -> None:
        await (
            OutboxEvent.filter(id__in=ids, claimed_by=token)
            .using_db(conn)
            .update(processed_at=db_now(), claimed_until=None)
        )

    async def _write(self, events: list[OutboxEvent], conn: BaseDBAsyncClient) -> int:
        payloads = [e.payload if isinstance(e.payload, dict) else {} for e in events]
        told = [recipients(e.topic, p) for e, p in zip(events, payloads, strict=True)]
        resident_ids = {i for ids in told for i in ids}
        openids = dict(
            await Resident.filter(id__in=resident_ids).using_db(conn).values_list("id", "openid")
        )
        community_ids = {
            e.community_id or p.get("community_id") for e, p in zip(events, payloads, strict=True)
        }
        streets = dict(
            await Community.filter(id__in=[c for c in community_ids if c is not None])
            .using_db(conn)
            .values_list("id", "street_id")
        )
        rows = _Rows()
        for e, payload, residents in zip(events, payloads, told, strict=True):
            community_id = e.community_id or payload.get("community_id")
            for resident_id in residents:
                openid = openids.get(resident_id)
                if openid is None:
                    log.warning("outbox event %s names unknown resident %s", e.id, resident_id)
                else:
                    self._resident(e, payload, resident_id, openid, community_id, rows)
            if e.topic in LIVE_TOPICS:
                street_id = streets.get(community_id)
                a = audience_of(e.topic, {**payload, "community_id": community_id}, street_id)
                rows.live.append(
                    LiveEvent(
                        event_id=e.id,
                        topic=e.topic,
                        community_id=community_id,
                        street_id=street_id,
                        staff_ids=list(a.staff_ids),
                        department_ids=list(a.department_ids),
                        payload=payload,
                    )
                )
        if rows.inbox:
            await InboxMessage.bulk_create(rows.inbox, using_db=conn)
        if rows.deliveries:
            await Delivery.bulk_create(rows.deliveries, using_db=conn)
        if rows.live:
            if is_postgres():
                await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [LIVE_ORDER_LOCK])
            await LiveEvent.bulk_create(rows.live, using_db=conn)
        return len(rows.live)

    def _resident(
        self,
        e: OutboxEvent,
        payload: dict[str, Any],
        resident_id: int,
        openid: str,
        community_id: int | None,
        rows: _Rows,
    ) -> None:
        message = resident_message(e.topic, payload)
        if message is None:
            return
        title, body = message
        report_id = payload.get("report_id")
        rows.inbox.append(
            InboxMessage(
                resident_id=resident_id,
                event_id=e.id,
                topic=e.topic,
                report_id=int(report_id) if report_id is not None else None,
                title=title,
                body=body,
            )
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
        rows.deliveries.append(
            Delivery(
                event_id=e.id,
                topic=e.topic,
                channel=Channel.wechat,
                community_id=community_id,
                recipient_type="resident",
                recipient_id=resident_id,
                template_id=spec["template_id"],
                message={"touser": openid, "page": page, "data": render(spec["fields"], values)},
                next_attempt_at=db_now(),
            )
        )


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""
