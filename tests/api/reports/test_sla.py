"""Deadlines on the real business calendar: opening hours, public holidays, off hours,
pauses, and years the holiday notice does not cover yet."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from schemas.reports import ReportCreate
from server.domain.lifecycle import Move
from server.models.reports import Report
from server.services import reports as svc
from server.services.auth import resident_principal, staff_principal
from server.services.reports import scheduler, sla
from tests.api.reports.conftest import Ctx

REAL_CLOCK = sla.clock_for
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def real_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sla, "clock_for", REAL_CLOCK)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


async def _create(ctx: Ctx, when: datetime, category: str = "noise") -> Report:
    body = ReportCreate(category=category, description="楼下噪音")
    made = await svc.create_report(body, resident_principal(ctx.alice), now=when)
    return made.report


async def test_deadlines_skip_the_national_day_holiday(ctx: Ctx, real_calendar: None) -> None:
    r = await _create(ctx, at(2026, 9, 30, 18, 0))  # Wednesday evening before 国庆
    assert r.accept_due == at(2026, 9, 30, 18, 30)
    # 90 minutes before closing, the other 30 after the week off.
    assert r.respond_due == at(2026, 10, 8, 9, 0)
    assert r.resolve_due == at(2026, 10, 8, 18, 0)
    assert r.owner_id is not None


async def test_makeup_saturday_counts_as_a_working_day(ctx: Ctx, real_calendar: None) -> None:
    r = await _create(ctx, at(2026, 10, 9, 19, 0))  # Friday 19:00; Saturday 10-10 is 调休
    assert r.respond_due == at(2026, 10, 10, 10, 0)  # 30 min Friday, 90 min Saturday


async def test_off_hours_report_waits_for_the_next_opening(ctx: Ctx, real_calendar: None) -> None:
    r = await _create(ctx, at(2026, 11, 26, 3, 0))  # Thursday 03:00
    assert r.owner_id is None and r.accept_due == at(2026, 11, 26, 9, 0)
    urgent = await _create(ctx, at(2026, 11, 26, 3, 5), category="elevator")
    assert urgent.owner_id == ctx.world.staff["dispatcher"].id
    tick = await scheduler.run_once(now=at(2026, 11, 26, 7, 0))
    assert tick.assigned == []
    tick = await scheduler.run_once(now=at(2026, 11, 26, 8, 40))
    assert tick.assigned == [r.id]
    again = await Report.get(id=r.id)
    assert again.owner_id in (ctx.world.staff["worker"].id, ctx.world.staff["worker2"].id)
    assert again.accept_due == at(2026, 11, 26, 9, 10)


async def test_waiting_on_the_resident_stops_the_clock(ctx: Ctx, real_calendar: None) -> None:
    r = await _create(ctx, at(2026, 11, 23, 9, 0))  # Monday
    owner = next(s for s in ctx.world.staff.values() if s.id == r.owner_id)
    p = staff_principal(owner)
    await svc.transition(r.id, p, Move.accept, now=at(2026, 11, 23, 9, 5))
    before = (await Report.get(id=r.id)).resolve_due
    await svc.transition(r.id, p, Move.wait, note="请提供时间段", now=at(2026, 11, 23, 10, 0))
    # Paused from 10:00 to 15:00 (five open hours): the deadline moves five open hours.
    await svc.transition(
        r.id, resident_principal(ctx.alice), Move.resume, now=at(2026, 11, 23, 15, 0)
    )
    after = (await Report.get(id=r.id)).resolve_due
    clock = await REAL_CLOCK(r.community_id)
    assert clock.between(before, after) == timedelta(hours=5)


async def test_a_year_without_a_holiday_notice_still_takes_reports(
    ctx: Ctx, real_calendar: None
) -> None:
    r = await _create(ctx, at(2027, 3, 1, 9, 0), category="illegal_building")
    assert r.resolve_due > r.respond_due > r.accept_due == at(2027, 3, 1, 11, 0)
