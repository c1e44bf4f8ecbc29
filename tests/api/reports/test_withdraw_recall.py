"""Withdraw (the resident) and recall (a leg, by the owner or a dispatcher), and resolving
while a department still holds a leg."""

from __future__ import annotations

from typing import Any

from server.models.records import AuditLog, OutboxEvent
from server.models.reports import DispatchLeg, Report, ReportEvent, WorkerLoad
from tests.api.reports.conftest import Ctx


async def _owner(ctx: Ctx, rid: int) -> str:
    owner_id = (await Report.get(id=rid)).owner_id
    return next(k for k, s in ctx.world.staff.items() if s.id == owner_id)


async def _dispatched(ctx: Ctx, *departments: str) -> tuple[int, str, list[dict[str, Any]]]:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    assert (await ctx.move(rid, owner, "accept")).status_code == 200
    legs = [
        {"department_id": ctx.world.departments[d].id, "due_hours": 8, "instructions": "处置"}
        for d in departments
    ]
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/dispatch", json={"legs": legs}, headers=ctx.h(owner)
    )
    assert r.status_code == 200, r.text
    return rid, owner, r.json()["legs"]


async def test_resident_withdraws_with_a_reason_and_the_owner_is_told(ctx: Ctx) -> None:
    rid, owner, legs = await _dispatched(ctx, "chengguan")
    url = f"/api/v1/reports/{rid}/withdraw"
    r = await ctx.client.post(url, json={"reason": ""}, headers=ctx.h(ctx.alice))
    assert r.status_code == 422
    assert (await Report.get(id=rid)).status == "dispatched"  # nothing changed
    r = await ctx.client.post(url, json={"reason": "邻居已经清理了"}, headers=ctx.h(ctx.bob))
    assert r.status_code in (403, 404)  # not bob's report
    r = await ctx.client.post(url, json={"reason": "邻居已经清理了"}, headers=ctx.h(ctx.alice))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"
    report = await Report.get(id=rid)
    assert report.status == "withdrawn" and report.resolved_at is None
    assert report.closed_at is not None and report.owner_id == ctx.world.staff[owner].id
    # The owner's open load drops; the department's leg stops counting.
    assert (await WorkerLoad.get(staff_id=report.owner_id)).open_count == 0
    assert (await DispatchLeg.get(id=legs[0]["id"])).status == "recalled"
    told = await OutboxEvent.get(topic="report.withdrawn", aggregate_id=str(rid))
    assert told.payload["owner_id"] == report.owner_id
    assert told.payload["department_ids"] == [ctx.world.departments["chengguan"].id]
    assert told.payload["note"] == "邻居已经清理了"
    event = await ReportEvent.get(report_id=rid, kind="withdraw")
    assert (event.from_status, event.to_status) == ("dispatched", "withdrawn")
    assert await AuditLog.filter(action="report.withdraw", entity_id=str(rid)).exists()
    # Withdrawn is final: a second withdraw is a conflict.
    r = await ctx.client.post(url, json={"reason": "再撤一次"}, headers=ctx.h(ctx.alice))
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_move"


async def test_withdraw_of_a_closed_report_is_409(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    for move, note in (("accept", None), ("resolve", "已清理"), ("close", "回访满意")):
        assert (await ctx.move(rid, owner, move, note)).status_code == 200
    r = await ctx.client.post(
        f"/api/v1/reports/{rid}/withdraw", json={"reason": "不需要了"}, headers=ctx.h(ctx.alice)
    )
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "illegal_move" and err["details"]["status"] == "closed"
    assert (await Report.get(id=rid)).status == "closed"


async def test_staff_cannot_withdraw_through_the_transitions(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    r = await ctx.move(rid, owner, "withdraw", "x")
    assert r.status_code == 422 and r.json()["error"]["code"] == "use_withdraw"
    r = await ctx.client.post(
        f"/api/v1/reports/{rid}/withdraw", json={"reason": "x"}, headers=ctx.h(owner)
    )
    assert r.status_code == 403


async def test_recall_stops_the_leg_tells_the_department_and_keeps_the_owner(ctx: Ctx) -> None:
    rid, owner, legs = await _dispatched(ctx, "chengguan", "fangban")
    wrong = legs[0]
    url = f"/api/v1/triage/reports/{rid}/legs/{wrong['id']}/recall"
    # A colleague who neither owns nor manages it may not; a reason is required.
    colleague = "worker2" if owner == "worker" else "worker"
    r = await ctx.client.post(url, json={"reason": "派错部门"}, headers=ctx.h(colleague))
    assert r.status_code == 403
    r = await ctx.client.post(url, json={"reason": ""}, headers=ctx.h("dispatcher"))
    assert r.status_code == 422
    why = {"reason": "派错部门，应由房办处理"}
    r = await ctx.client.post(url, json=why, headers=ctx.h("dispatcher"))
    assert r.status_code == 200, r.text
    body = r.json()
    # One leg is still with a department: the report stays dispatched, with the same owner.
    assert body["status"] == "dispatched" and body["owner_id"] == ctx.world.staff[owner].id
    statuses = {leg["id"]: leg["status"] for leg in body["legs"]}
    assert statuses == {wrong["id"]: "recalled", legs[1]["id"]: "pending"}
    assert not next(x for x in body["legs"] if x["id"] == wrong["id"])["overdue"]
    told = await OutboxEvent.get(topic="report.recalled", aggregate_id=str(rid))
    assert told.payload["department_ids"] == [wrong["department_id"]]
    assert told.payload["public"] is False  # the resident is not bothered with it
    assert await AuditLog.filter(action="report.recall", entity_id=str(rid)).exists()
    # The officer of the recalled department can no longer act on the leg.
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/legs/{wrong['id']}/accept", headers=ctx.h("officer")
    )
    assert r.status_code == 409
    # Recalling it again is a conflict; an unknown leg is 404.
    r = await ctx.client.post(url, json={"reason": "again"}, headers=ctx.h("dispatcher"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "leg_not_live"
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/legs/999999/recall",
        json={"reason": "x"},
        headers=ctx.h(owner),
    )
    assert r.status_code == 404
    # The owner recalls the last leg: the matter is back in the owner's hands.
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/legs/{legs[1]['id']}/recall",
        json={"reason": "居委自行处理"},
        headers=ctx.h(owner),
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    events = await ReportEvent.filter(report_id=rid, kind="recall").order_by("id")
    assert [(e.from_status, e.to_status) for e in events] == [
        ("dispatched", "dispatched"),
        ("dispatched", "accepted"),
    ]
    assert (await ctx.move(rid, owner, "recall", "x")).json()["error"]["code"] == "use_recall"


async def test_resolve_with_a_pending_leg_is_refused_naming_the_leg(ctx: Ctx) -> None:
    rid, owner, legs = await _dispatched(ctx, "chengguan")
    r = await ctx.move(rid, owner, "resolve", "已处理")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "legs_pending" and "城管" in err["message"]
    assert err["details"]["legs"] == [
        {
            "leg_id": legs[0]["id"],
            "department_id": legs[0]["department_id"],
            "department": "城管",
            "status": "pending",
        }
    ]
    assert (await Report.get(id=rid)).status == "dispatched"
    # Once the department reports back the owner resolves, and the 回访 deadline governs.
    base = f"/api/v1/triage/reports/{rid}/legs/{legs[0]['id']}"
    assert (await ctx.client.post(f"{base}/accept", headers=ctx.h("officer"))).status_code == 200
    r = await ctx.client.post(f"{base}/report", json={"result": "已清运"}, headers=ctx.h("officer"))
    assert r.status_code == 200
    r = await ctx.move(rid, owner, "resolve", "已处理")
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "resolved" and view["follow_up_due"] is not None
    assert view["due_at"] == view["follow_up_due"] != view["resolve_due"]
    # Reopening forgets the 回访 deadline and counts down to resolving again.
    r = await ctx.move(rid, owner, "reopen", "居民反映未清理干净")
    assert r.json()["follow_up_due"] is None and r.json()["due_at"] == r.json()["resolve_due"]
