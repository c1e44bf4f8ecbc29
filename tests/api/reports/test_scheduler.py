"""The periodic work: off-hours waiting and on-call, passing on, escalation exactly once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from tortoise import timezone

from server.models.records import OutboxEvent
from server.models.reports import Escalation, Report
from server.services.reports import scheduler, sla
from tests.api.reports.conftest import AlwaysOpen, Ctx, fixed_clock


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
