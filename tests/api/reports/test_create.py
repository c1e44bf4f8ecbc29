"""Creating reports: owner assignment, records written together, idempotency, bad input."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from server.domain.errors import Invalid
from server.models.records import AuditLog, OutboxEvent
from server.models.reports import Report, ReportEvent, WorkerLoad
from tests.api.reports.conftest import Ctx


async def test_create_assigns_an_on_duty_worker_and_records_everything(ctx: Ctx) -> None:
    rep = await ctx.report(location={"lat": 31.22, "lng": 121.42, "address": "1号楼"})
    assert rep["status"] == "submitted" and rep["category_name"] == "环境卫生"
    row = await Report.get(id=rep["id"])
    workers = {ctx.world.staff["worker"].id, ctx.world.staff["worker2"].id}
    assert row.owner_id in workers
    assert row.community_id == ctx.world.communities[0].id
    assert row.accept_due and row.resolve_due and row.accept_due < row.resolve_due
    kinds = await ReportEvent.filter(report_id=row.id).values_list("kind", flat=True)
    assert list(kinds) == ["created"]
    topics = await OutboxEvent.filter(aggregate_id=str(row.id)).values_list("topic", flat=True)
    assert sorted(topics) == ["report.assigned", "report.created"]
    created = await OutboxEvent.get(topic="report.created", aggregate_id=str(row.id))
    for field in (
        "report_id",
        "community_id",
        "status",
        "owner_id",
        "resident_id",
        "category",
        "title",
    ):
        assert field in created.payload
    assert created.payload["resident_ids"] == [ctx.alice.id]
    assigned = await OutboxEvent.get(topic="report.assigned", aggregate_id=str(row.id))
    assert assigned.payload["owner_id"] == row.owner_id
    assert await AuditLog.filter(entity="report", entity_id=str(row.id)).count() == 1
    load = await WorkerLoad.get(staff_id=row.owner_id)
    assert load.open_count == 1


async def test_round_robin_spreads_equal_reports(ctx: Ctx) -> None:
    owners = [(await ctx.report())["id"] for _ in range(4)]
    rows = await Report.filter(id__in=owners).order_by("id").values_list("owner_id", flat=True)
    assert rows[0] != rows[1] and rows[0] == rows[2] and rows[1] == rows[3]


async def test_the_resident_view_hides_internal_identity(ctx: Ctx) -> None:
    rep = await ctx.report()
    assert "resident_id" not in rep and "owner_id" not in rep
    assert rep["owner_name"] and rep["is_mine"] is True
    detail = await ctx.client.get(f"/api/v1/reports/{rep['id']}", headers=ctx.h(ctx.alice))
    timeline = detail.json()["timeline"]
    assert [e["actor"] for e in timeline] == ["我"]
    assert all(e["actor_id"] is None for e in timeline)
    assert "resident_id" not in detail.json()
    other = await ctx.client.get(f"/api/v1/reports/{rep['id']}", headers=ctx.h("worker"))
    assert other.json()["resident_id"] == ctx.alice.id


async def test_idempotency_key_returns_the_original(ctx: Ctx) -> None:
    headers = {**ctx.h(ctx.alice), "Idempotency-Key": "k-1"}
    body = {"category": "noise", "description": "楼上半夜装修"}
    first = await ctx.client.post("/api/v1/reports/", json=body, headers=headers)
    again = await ctx.client.post("/api/v1/reports/", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["report"]["id"] == again.json()["report"]["id"]
    burst = await asyncio.gather(
        *[
            ctx.client.post(
                "/api/v1/reports/",
                json=body,
                headers={**ctx.h(ctx.alice), "Idempotency-Key": "k-2"},
            )
            for _ in range(6)
        ]
    )
    assert len({r.json()["report"]["id"] for r in burst}) == 1
    assert await Report.all().count() == 2
    # The same key from another resident is another report.
    other = await ctx.client.post(
        "/api/v1/reports/", json=body, headers={**ctx.h(ctx.bob), "Idempotency-Key": "k-1"}
    )
    assert other.status_code == 201


async def test_bad_input_is_refused_and_writes_nothing(ctx: Ctx) -> None:
    cases = [
        ({"category": "nope", "description": "x"}, "unknown_category"),
        ({"category": "noise", "description": ""}, "invalid"),
        ({"category": "noise", "description": "长" * 1001}, "invalid"),
        ({"category": "noise", "description": "x", "location": {"lat": 91, "lng": 0}}, "invalid"),
        ({"category": "noise", "description": "x", "location": {"lat": 31, "lng": 181}}, "invalid"),
        ({"category": "noise", "description": "x", "photos": ["0" * 64]}, "invalid"),
        ({"category": "noise", "description": "x", "priority": "urgent"}, "priority_staff_only"),
        ({"category": "noise", "description": "x", "community_id": 999999}, "unknown_community"),
        ({"category": "noise", "description": "x", "surprise": 1}, "invalid"),
    ]
    for body, code in cases:
        r = await ctx.client.post("/api/v1/reports/", json=body, headers=ctx.h(ctx.alice))
        assert 400 <= r.status_code < 500, (body, r.text)
        assert r.json()["error"]["code"] == code, (body, r.json())
    assert await Report.all().count() == 0
    assert await OutboxEvent.all().count() == 0


async def test_resident_without_household_must_choose(ctx: Ctx) -> None:
    from tests.support.factories import make_resident

    carol = await make_resident()
    body = {"category": "noise", "description": "吵"}
    r = await ctx.client.post("/api/v1/reports/", json=body, headers=ctx.h(carol))
    assert r.status_code == 422 and r.json()["error"]["code"] == "community_needed"
    body["community_id"] = ctx.world.communities[1].id
    r = await ctx.client.post("/api/v1/reports/", json=body, headers=ctx.h(carol))
    assert r.status_code == 201
    owner = (await Report.get(id=r.json()["report"]["id"])).owner_id
    assert owner == ctx.world.staff["other_worker"].id


async def test_officers_cannot_create(ctx: Ctx) -> None:
    body = {"category": "noise", "description": "x", "community_id": ctx.world.communities[0].id}
    r = await ctx.client.post("/api/v1/reports/", json=body, headers=ctx.h("officer"))
    assert r.status_code == 403


async def test_staff_create_is_scoped_and_suggests_duplicates(ctx: Ctx) -> None:
    loc = {"lat": 31.2200, "lng": 121.4200, "address": "3号楼"}
    first = await ctx.report(location=loc)
    body = {
        "category": "sanitation",
        "description": "3号楼垃圾",
        "location": {**loc, "lat": 31.2201},
        "community_id": ctx.world.communities[0].id,
        "priority": "high",
    }
    r = await ctx.client.post("/api/v1/reports/", json=body, headers=ctx.h("worker"))
    assert r.status_code == 201
    assert [d["id"] for d in r.json()["duplicates"]] == [first["id"]]
    assert r.json()["report"]["priority"] == "high"
    body["community_id"] = ctx.world.communities[1].id
    r = await ctx.client.post("/api/v1/reports/", json=body, headers=ctx.h("worker"))
    assert r.status_code == 403


async def test_admin_maintains_the_catalogue(ctx: Ctx) -> None:
    budgets = {
        p: {"accept_minutes": 30, "respond_minutes": 60, "resolve_minutes": m}
        for p, m in (("low", 2000), ("normal", 1000), ("high", 500), ("urgent", 100))
    }
    body = {"name": "高空抛物", "urgent": True, "default_priority": "high", "budgets": budgets}
    url = "/api/v1/reports/categories/falling_objects"
    assert (await ctx.client.put(url, json=body, headers=ctx.h("secretary"))).status_code == 403
    r = await ctx.client.put(url, json=body, headers=ctx.h("admin"))
    assert r.status_code == 200 and r.json()["budgets"]["high"]["resolve_minutes"] == 500
    rep = await ctx.report(category="falling_objects", description="楼上扔垃圾")
    row = await Report.get(id=rep["id"])
    assert row.priority == "high"
    assert row.resolve_due - row.created_at == timedelta(minutes=500)
    bad = {**body, "budgets": {"low": budgets["low"]}}
    r = await ctx.client.put(url, json=bad, headers=ctx.h("admin"))
    assert r.status_code == 422
    r = await ctx.client.put(url, json={**body, "active": False}, headers=ctx.h("admin"))
    assert r.status_code == 200
    r = await ctx.client.post(
        "/api/v1/reports/",
        json={"category": "falling_objects", "description": "x"},
        headers=ctx.h(ctx.alice),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_category"
    listed = await ctx.client.get("/api/v1/reports/categories", headers=ctx.h(ctx.alice))
    assert "falling_objects" not in {c["code"] for c in listed.json()}


async def test_a_visit_can_create_a_report_owned_by_the_visiting_worker(ctx: Ctx) -> None:
    from schemas.reports import ReportCreate
    from server.services.auth import staff_principal
    from server.services.reports import create_report

    worker = ctx.world.staff["worker2"]
    body = ReportCreate(
        category="elderly",
        description="独居老人家中热水器坏了",
        community_id=ctx.world.communities[0].id,
    )
    made = await create_report(body, staff_principal(worker), owner_id=worker.id, source="visit")
    assert made.report.owner_id == worker.id and made.report.source == "visit"
    assert (await WorkerLoad.get(staff_id=worker.id)).open_count == 1
    other = ctx.world.staff["other_worker"]
    with pytest.raises(Invalid):
        await create_report(body, staff_principal(worker), owner_id=other.id)


async def test_the_created_report_is_the_stored_row(ctx: Ctx) -> None:
    """The create answers with a model it builds itself: every column must be there (a new
    column left out would make a partial model) and hold what the database stored."""
    from schemas.reports import ReportCreate
    from server.auth.principal import Principal
    from server.services.reports import create_report

    body = ReportCreate(
        category="sanitation",
        description="楼道灯坏了\n三楼",
        location={"lat": 31.2, "lng": 121.4, "address": "3号楼"},  # type: ignore[arg-type]
    )
    made = await create_report(body, Principal("resident", ctx.alice.id, "jti", 0))
    stored = await Report.get(id=made.report.id)
    assert not made.report._partial and made.report._saved_in_db
    for name in Report._meta.db_fields:
        assert getattr(made.report, name) == getattr(stored, name), name
    assert made.report.title == "楼道灯坏了"
