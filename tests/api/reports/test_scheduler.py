"""The periodic work: off-hours waiting and on-call, passing on, escalation exactly once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise import timezone

from server.models.records import OutboxEvent
from server.models.reports import Escalation, Report
from server.services.reports import scheduler, sla
from server.services.reports.sla import clock_for as desk_clock_for
from tests.api.reports.conftest import AlwaysOpen, Ctx, fixed_clock

SH = ZoneInfo("Asia/Shanghai")


class ClosedClock:
    """Desks shut: what the business calendar says at night."""

    def add(self, start: datetime, work: timedelta) -> datetime:
        return start + work

    def between(self, a: datetime, b: datetime) -> timedelta:
        return b - a

    def is_open(self, at: datetime) -> bool:
        return False

    def next_open(self, at: datetime) -> datetime:
        return at + timedelta(hours=10)


def _key(ctx: Ctx, staff_id: int | None) -> str | None:
    return next((k for k, s in ctx.world.staff.items() if s.id == staff_id), None)


async def test_off_hours_waits_but_urgent_goes_to_the_on_call(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sla, "clock_for", fixed_clock(ClosedClock()))
    quiet = (await ctx.report(category="greening"))["id"]
    urgent = (await ctx.report(category="elevator", description="电梯困人"))["id"]
    assert (await Report.get(id=quiet)).owner_id is None
    assert _key(ctx, (await Report.get(id=urgent)).owner_id) == "dispatcher"
    tick = await scheduler.run_once()
    assert tick.assigned == []  # still shut
    monkeypatch.setattr(sla, "clock_for", fixed_clock(AlwaysOpen()))
    tick = await scheduler.run_once()
    assert tick.assigned == [quiet]
    assert _key(ctx, (await Report.get(id=quiet)).owner_id) in ("worker", "worker2")
    q = await ctx.client.get("/api/v1/triage/queue?tab=new", headers=ctx.h("secretary"))
    assert {i["id"] for i in q.json()["items"]} == {quiet, urgent}


async def test_missed_accept_passes_on_once_and_tells_the_secretary(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    first = (await Report.get(id=rid)).owner_id
    await Report.filter(id=rid).update(accept_due=timezone.localtime() - timedelta(minutes=1))
    tick = await scheduler.run_once()
    assert tick.passed_on == [rid]
    r = await Report.get(id=rid)
    assert r.owner_id not in (None, first) and r.accept_due > timezone.localtime()
    esc = await OutboxEvent.get(topic="report.escalated", aggregate_id=str(rid))
    assert esc.payload["notify_staff_ids"] == [ctx.world.staff["secretary"].id]
    assert esc.payload["previous_owner_id"] == first
    assert (await scheduler.run_once()).passed_on == []


async def test_overdue_escalates_to_secretary_then_street(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = _key(ctx, (await Report.get(id=rid)).owner_id)
    await ctx.move(rid, owner, "accept")
    now = timezone.localtime()
    await Report.filter(id=rid).update(due_at=now - timedelta(minutes=1))
    assert (await scheduler.run_once(now=now)).escalated == [(rid, "respond", 1)]
    assert (await scheduler.run_once(now=now)).escalated == []
    later = now + scheduler.STREET_AFTER + timedelta(minutes=1)
    assert (await scheduler.run_once(now=later)).escalated == [(rid, "respond", 2)]
    tos = [
        e.payload["to"] for e in await OutboxEvent.filter(topic="report.escalated").order_by("id")
    ]
    assert tos == ["secretary", "street"]
    assert (await Report.get(id=rid)).escalation_level == 2
    # Waiting on the resident stops the clock: nothing escalates while paused.
    await ctx.move(rid, owner, "wait", "请提供照片")
    assert (await scheduler.run_once(now=later + timedelta(days=3))).escalated == []


async def test_overdue_leg_is_flagged_once(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = _key(ctx, (await Report.get(id=rid)).owner_id)
    await ctx.move(rid, owner, "accept")
    dept = ctx.world.departments["lvhua"].id
    await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/dispatch",
        json={"legs": [{"department_id": dept, "due_hours": 1}]},
        headers=ctx.h(owner),
    )
    later = timezone.localtime() + timedelta(hours=2)
    tick = await scheduler.run_once(now=later)
    assert any(d.startswith("leg:") for _, d, _ in tick.escalated)
    assert not any(
        d.startswith("leg:") for _, d, _ in (await scheduler.run_once(now=later)).escalated
    )


async def test_concurrent_schedulers_escalate_exactly_once(ctx: Ctx) -> None:
    ids = []
    for _ in range(6):
        rid = (await ctx.report())["id"]
        await ctx.move(rid, _key(ctx, (await Report.get(id=rid)).owner_id), "accept")
        ids.append(rid)
    now = timezone.localtime()
    await Report.filter(id__in=ids).update(due_at=now - timedelta(minutes=5))
    ticks = await asyncio.gather(*[scheduler.run_once(f"w{i}", now=now) for i in range(4)])
    done = sorted(rid for t in ticks for rid, _, _ in t.escalated)
    assert done == sorted(ids)
    assert await Escalation.all().count() == 6
    assert await OutboxEvent.filter(topic="report.overdue").count() == 6


async def test_missed_deadlines_wait_for_the_desks_to_open(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The community's real desk hours (the default staggered timetable) on the real
    # calendar: tomorrow at 03:00 Shanghai the desks are shut on any date.
    cid = ctx.world.communities[0].id
    late = (await ctx.report())["id"]
    overdue = (await ctx.report())["id"]
    owner = _key(ctx, (await Report.get(id=overdue)).owner_id)
    assert (await ctx.move(overdue, owner, "accept")).status_code == 200
    monkeypatch.setattr(sla, "clock_for", desk_clock_for)
    night = (datetime.now(SH) + timedelta(days=1)).replace(hour=3, minute=0, second=0)
    await Report.filter(id=late).update(accept_due=night - timedelta(hours=8))
    await Report.filter(id=overdue).update(due_at=night - timedelta(hours=8))
    clock = await sla.clock_for(cid)
    assert not clock.is_open(night)

    tick = await scheduler.run_once(now=night)
    assert (tick.passed_on, tick.escalated) == ([], [])
    assert not await OutboxEvent.filter(topic="report.escalated").exists()
    assert not await Escalation.filter(report_id__in=[late, overdue]).exists()

    opening = clock.next_open(night) + timedelta(minutes=1)
    assert opening.astimezone(SH).hour >= 8  # the next morning (or after a holiday)
    tick = await scheduler.run_once(now=opening)
    assert tick.passed_on == [late]
    assert tick.escalated == [(overdue, "respond", 1)]
    # The new accept deadline is counted in working time from the opening.
    assert (await Report.get(id=late)).accept_due > opening
