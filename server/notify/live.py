"""The staff live feed: one reader per worker follows the live-event log and hands new
rows to that worker's WebSocket connections.

The broker's ``live`` channel only says "there is more": the rows themselves always
come from the database in id order, so every worker sees the same sequence with no
gaps, and a reconnecting client resumes from the last id it saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from schemas.common import rfc3339
from server.broker import Broker, BrokerUnavailable
from server.domain.live import Audience, Viewer, sees
from server.models.notify import LiveEvent

log = logging.getLogger("linli.live")
LIVE_CHANNEL = "live"
Send = Callable[[dict[str, Any]], Awaitable[None]]


def frame(row: LiveEvent) -> dict[str, Any]:
    return {
        "type": "event",
        "id": row.id,
        "topic": row.topic,
        "community_id": row.community_id,
        "payload": row.payload,
        "created_at": rfc3339(row.created_at),
    }


def audience(row: LiveEvent) -> Audience:
    return Audience(
        row.topic,
        row.community_id,
        row.street_id,
        tuple(row.staff_ids or ()),
        tuple(row.department_ids or ()),
    )


class _Listener:
    def __init__(self, size: int) -> None:
        self.queue: asyncio.Queue[LiveEvent] = asyncio.Queue(size)
        self.lagging = False  # dropped rows: must re-read from the log


class LiveHub:
    def __init__(self, broker: Broker, *, page: int = 500, poll: float = 1.0) -> None:
        self.broker = broker
        self.page = page
        self.poll = poll
        self.cursor = 0
        self._listeners: set[_Listener] = set()
        self._task: asyncio.Task[None] | None = None
        self._started = asyncio.Lock()

    async def start(self) -> None:
        async with self._started:
            if self._task is None:
                last = await LiveEvent.all().order_by("-id").first()
                self.cursor = last.id if last else 0
                ready = asyncio.Event()
                self._task = asyncio.create_task(self._follow(ready))
                await ready.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _follow(self, ready: asyncio.Event) -> None:
        while True:
            try:
                async with self.broker.subscribe(LIVE_CHANNEL) as sub:
                    ready.set()
                    await self._read_new()  # anything committed while subscribing
                    while True:
                        # Also read on a timer: a relay may die between commit and publish.
                        await sub.get(timeout=self.poll)
                        await self._read_new()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if isinstance(exc, BrokerUnavailable):
                    log.warning("live feed: broker unavailable, reading the log on a timer")
                else:
                    log.exception("live feed reader failed; restarting")
                ready.set()
                await asyncio.sleep(self.poll)
                # without the wake-ups the log is still there: keep delivering from it
                with contextlib.suppress(Exception):
                    await self._read_new()

    async def _read_new(self) -> None:
        while True:
            rows = await LiveEvent.filter(id__gt=self.cursor).order_by("id").limit(self.page)
            for row in rows:
                for listener in list(self._listeners):
                    if listener.queue.full():
                        listener.lagging = True
                    else:
                        listener.queue.put_nowait(row)
                self.cursor = row.id
            if len(rows) < self.page:
                return

    async def _backlog(self, viewer: Viewer, after: int, send: Send, limit: int) -> int:
        """Send what ``viewer`` missed after id ``after``; return the last id covered."""
        while True:
            rows = await LiveEvent.filter(id__gt=after).order_by("id").limit(limit)
            for row in rows:
                if sees(viewer, audience(row)):
                    await send(frame(row))
                after = row.id
            if len(rows) < limit:
                return after

    async def serve(
        self, viewer: Viewer, last_id: int | None, send: Send, *, backlog_limit: int = 1000
    ) -> None:
        """Stream events for ``viewer`` until cancelled: first what it missed since
        ``last_id`` (from the log), then live ones, each id once and in order."""
        await self.start()
        listener = _Listener(size=10_000)
        self._listeners.add(listener)  # before reading the backlog, so nothing falls between
        try:
            seen = self.cursor if last_id is None else min(last_id, self.cursor)
            await send({"type": "hello", "last_id": seen})
            if last_id is not None:
                seen = await self._backlog(viewer, seen, send, backlog_limit)
            while True:
                if listener.lagging:
                    listener.lagging = False
                    seen = await self._backlog(viewer, seen, send, backlog_limit)
                row = await listener.queue.get()
                if row.id <= seen:
                    continue
                if sees(viewer, audience(row)):
                    await send(frame(row))
                seen = row.id
        finally:
            self._listeners.discard(listener)
