"""The working minutes of a report's facts row (the 考核 figures' source), written by the
move that accepts, resumes or resolves: they need the business calendar, which the
triggers keeping the rest of the row cannot read."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from server.domain.lifecycle import Move, Outcome, Status
from server.models.reports import Report, ReportFact
from server.services.reports.sla import Clock


def working_minutes(clock: Clock, start: datetime, end: datetime) -> int:
    return int(clock.between(start, end).total_seconds() // 60)


async def note_move(
    conn: BaseDBAsyncClient,
    report: Report,
    clock: Clock,
    out: Outcome,
    *,
    paused_since: datetime | None,
    now: datetime,
) -> None:
    rows = ReportFact.filter(report_id=report.id).using_db(conn)
    if out.move in (Move.claim, Move.accept):
        minutes = working_minutes(clock, report.created_at, now)
        await rows.filter(accept_minutes__isnull=True).update(accept_minutes=minutes)
    if paused_since is not None:  # waiting before the first resolution does not count
        waited = working_minutes(clock, paused_since, now)
        await rows.filter(resolve_minutes__isnull=True).update(
            waited_minutes=F("waited_minutes") + waited
        )
    if out.target == Status.resolved and out.source != Status.resolved:
        found = await rows.filter(resolve_minutes__isnull=True).values_list(
            "waited_minutes", flat=True
        )
        if found:
            total = working_minutes(clock, report.created_at, now)
            waited = int(found[0])  # type: ignore[call-overload]
            await rows.update(resolve_minutes=max(0, total - waited))
