"""Record-level scope on reports: each caller sees exactly what their role allows."""

from __future__ import annotations

from server.models.people import Role
from server.models.reports import Report
from tests.api.reports.conftest import Ctx
from tests.support.factories import make_staff, make_world


async def _sees(ctx: Ctx, who: object, rid: int) -> int:
    r = await ctx.client.get(f"/api/v1/reports/{rid}", headers=ctx.h(who))
    return r.status_code


async def test_residents_see_only_their_own(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    assert await _sees(ctx, ctx.alice, rid) == 200
    assert await _sees(ctx, ctx.bob, rid) == 404
    r = await ctx.client.post(
        f"/api/v1/reports/{rid}/comments", json={"text": "x"}, headers=ctx.h(ctx.bob)
    )
    assert r.status_code == 404
    mine = await ctx.client.get("/api/v1/reports/mine", headers=ctx.h(ctx.bob))
    assert mine.json()["items"] == []


async def test_community_staff_see_only_their_community(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    assert await _sees(ctx, "worker", rid) == 200
    assert await _sees(ctx, "secretary", rid) == 200
    assert await _sees(ctx, "other_worker", rid) == 404
    q = await ctx.client.get("/api/v1/triage/queue", headers=ctx.h("other_worker"))
    assert q.json()["items"] == [] and q.json()["counts"]["all"] == 0
    assert (await ctx.move(rid, "other_worker", "claim")).status_code == 404


async def test_dispatchers_see_only_their_street(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    assert await _sees(ctx, "dispatcher", rid) == 200
    elsewhere = await make_world(tag="far")
    assert await _sees(ctx, elsewhere.staff["dispatcher"], rid) == 404
    assert await _sees(ctx, elsewhere.staff["admin"], rid) == 200


async def test_officers_see_only_reports_dispatched_to_their_department(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    assert await _sees(ctx, "officer", rid) == 404
    fangban = await make_staff(Role.department_officer, department=ctx.world.departments["fangban"])
    url = f"/api/v1/triage/reports/{rid}/dispatch"
    legs = {"legs": [{"department_id": ctx.world.departments["chengguan"].id, "due_hours": 4}]}
    r = await ctx.client.post(url, json=legs, headers=ctx.h("dispatcher"))
    assert r.status_code == 409  # the owner accepts it first
    owner_id = (await Report.get(id=rid)).owner_id
    owner = next(k for k, s in ctx.world.staff.items() if s.id == owner_id)
    assert (await ctx.move(rid, owner, "accept")).status_code == 200
    assert (await ctx.client.post(url, json=legs, headers=ctx.h("dispatcher"))).status_code == 200
    assert await _sees(ctx, "officer", rid) == 200
    assert await _sees(ctx, fangban, rid) == 404
    q = await ctx.client.get("/api/v1/triage/queue?tab=department", headers=ctx.h("officer"))
    assert [i["id"] for i in q.json()["items"]] == [rid]
    # Seeing is not owning: an officer cannot close or reassign.
    assert (await ctx.move(rid, "officer", "resolve", "x")).status_code == 403
    legs = (await ctx.staff_view(rid))["legs"]
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/legs/{legs[0]['id']}/accept", headers=ctx.h(fangban)
    )
    assert r.status_code == 404


async def test_staff_routes_refuse_residents(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    r = await ctx.client.get("/api/v1/triage/queue", headers=ctx.h(ctx.alice))
    assert r.status_code == 403
    r = await ctx.client.get(f"/api/v1/triage/reports/{rid}/duplicates", headers=ctx.h(ctx.alice))
    assert r.status_code == 403
    r = await ctx.client.get("/api/v1/reports/mine", headers=ctx.h("worker"))
    assert r.status_code == 403
    r = await ctx.client.get(f"/api/v1/reports/{rid}")
    assert r.status_code == 401
