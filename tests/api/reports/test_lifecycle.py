"""The work order's life through the API: accept, dispatch, legs, resolve, verdict, close."""

from __future__ import annotations

from datetime import date

from server.models.records import OutboxEvent
from server.models.reports import Report, ReportEvent, WorkerLoad
from tests.api.reports.conftest import Ctx


async def _owner(ctx: Ctx, rid: int) -> str:
    owner_id = (await Report.get(id=rid)).owner_id
    return next(k for k, s in ctx.world.staff.items() if s.id == owner_id)


async def test_full_life_with_dispatch_follow_up_and_rating(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    r = await ctx.move(rid, owner, "accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    # Dispatch to 城管 with a leg deadline; ownership does not change.
    dept = ctx.world.departments["chengguan"].id
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/dispatch",
        json={"legs": [{"department_id": dept, "due_hours": 8, "instructions": "清运"}]},
        headers=ctx.h(owner),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "dispatched" and body["owner_id"] == ctx.world.staff[owner].id
    leg = body["legs"][0]
    assert leg["status"] == "pending" and leg["department_name"] == "城管"
    disp = await OutboxEvent.get(topic="report.dispatched", aggregate_id=str(rid))
    assert disp.payload["department_ids"] == [dept]
    # The officer accepts the leg and reports back.
    base = f"/api/v1/triage/reports/{rid}/legs/{leg['id']}"
    r = await ctx.client.post(f"{base}/report", json={"result": "x"}, headers=ctx.h("officer"))
    assert r.status_code == 409
    r = await ctx.client.post(f"{base}/accept", headers=ctx.h("officer"))
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = await ctx.client.post(f"{base}/report", json={"result": "已清运"}, headers=ctx.h("officer"))
    assert r.status_code == 200 and r.json()["legs"][0]["status"] == "reported"
    # A joint meeting is recorded on the report.
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/meetings",
        json={
            "kind": "joint_meeting",
            "held_on": date.today().isoformat(),
            "participants": ["城管", "物业", "居委"],
            "outcome": "物业每日清运",
        },
        headers=ctx.h("dispatcher"),
    )
    assert r.status_code == 201 and r.json()["meetings"][0]["outcome"] == "物业每日清运"
    # Resolve needs a note; then the resident says it is not fixed: same owner again.
    assert (await ctx.move(rid, owner, "resolve")).json()["error"]["code"] == "note_required"
    assert (await ctx.move(rid, owner, "resolve", "已清理")).status_code == 200
    r = await ctx.client.post(
        f"/api/v1/reports/{rid}/confirm",
        json={"fixed": False, "note": "还有"},
        headers=ctx.h(ctx.alice),
    )
    assert r.status_code == 200 and r.json()["status"] == "reopened"
    assert await _owner(ctx, rid) == owner
    assert (await ctx.move(rid, owner, "resolve", "再次清理")).status_code == 200
    # 回访 and close by the owner; the resident rates once.
    assert (await ctx.move(rid, owner, "close")).status_code == 422
    r = await ctx.move(rid, owner, "close", "电话回访，居民满意")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    rate = f"/api/v1/reports/{rid}/rating"
    r = await ctx.client.post(rate, json={"score": 5, "comment": "谢谢"}, headers=ctx.h(ctx.alice))
    assert r.status_code == 200 and r.json()["rating"] == 5
    r = await ctx.client.post(rate, json={"score": 4}, headers=ctx.h(ctx.alice))
    assert r.status_code == 409
    r = await ctx.client.post(rate, json={"score": 6}, headers=ctx.h(ctx.alice))
    assert r.status_code == 422
    load = await WorkerLoad.get(staff_id=ctx.world.staff[owner].id)
    assert load.open_count == 0 and load.weighted == 0
    # Every state change has its event and outbox row.
    moves = await ReportEvent.filter(report_id=rid, to_status__isnull=False).count()
    changes = await OutboxEvent.filter(aggregate_id=str(rid), topic="report.status_changed").count()
    assert changes == moves - 1  # all but "created", which has its own topic


async def test_illegal_move_answers_409_with_allowed_moves(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    r = await ctx.move(rid, owner, "close", "x")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "illegal_move"
    assert err["details"]["status"] == "submitted"
    assert set(err["details"]["allowed"]) >= {"accept", "reject", "merge"}
    assert (await Report.get(id=rid)).status == "submitted"


async def test_wrong_role_moves_are_refused(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    other = "worker2" if owner == "worker" else "worker"
    assert (await ctx.move(rid, other, "accept")).status_code == 403
    assert (await ctx.move(rid, ctx.alice, "accept")).status_code == 403
    assert (await ctx.move(rid, ctx.alice, "reject", "no")).status_code == 403
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/assign",
        json={"owner_id": ctx.world.staff[other].id, "note": "x"},
        headers=ctx.h(other),
    )
    assert r.status_code == 403


async def test_reject_requires_a_referral_and_frees_the_load(ctx: Ctx) -> None:
    rid = (await ctx.report(category="other"))["id"]
    owner = await _owner(ctx, rid)
    assert (await ctx.move(rid, owner, "reject")).status_code == 422
    r = await ctx.move(rid, owner, "reject", "属物业合同纠纷，请向区房管局反映")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    mine = await ctx.client.get(f"/api/v1/reports/{rid}", headers=ctx.h(ctx.alice))
    assert mine.json()["reject_reason"].startswith("属物业")
    assert (await WorkerLoad.get(staff_id=ctx.world.staff[owner].id)).open_count == 0


async def test_waiting_on_the_resident_pauses_and_their_answer_resumes(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    await ctx.move(rid, owner, "accept")
    r = await ctx.move(rid, owner, "wait", "请提供具体楼层")
    assert r.json()["status"] == "waiting" and r.json()["paused"] is True
    r = await ctx.client.post(
        f"/api/v1/reports/{rid}/comments", json={"text": "5楼"}, headers=ctx.h(ctx.alice)
    )
    assert r.status_code == 201 and r.json()["status"] == "in_progress"
    assert (await Report.get(id=rid)).paused_at is None


async def test_internal_notes_stay_internal(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    url = f"/api/v1/reports/{rid}/comments"
    await ctx.client.post(
        url, json={"text": "内部：该户多次投诉", "public": False}, headers=ctx.h(owner)
    )
    await ctx.client.post(url, json={"text": "已收到，今天处理"}, headers=ctx.h(owner))
    staff = await ctx.staff_view(rid)
    assert {e["note"] for e in staff["timeline"]} >= {"内部：该户多次投诉", "已收到，今天处理"}
    resident = (await ctx.client.get(url.rsplit("/", 1)[0], headers=ctx.h(ctx.alice))).json()
    notes = [e["note"] for e in resident["timeline"]]
    assert "已收到，今天处理" in notes and "内部：该户多次投诉" not in notes
    assert (await Report.get(id=rid)).first_response_at is not None


async def test_reassign_by_secretary_moves_the_load(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner = await _owner(ctx, rid)
    other = "worker2" if owner == "worker" else "worker"
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/assign",
        json={"owner_id": ctx.world.staff[other].id, "note": "熟悉该楼"},
        headers=ctx.h("secretary"),
    )
    assert r.status_code == 200 and r.json()["owner_id"] == ctx.world.staff[other].id
    assert (await WorkerLoad.get(staff_id=ctx.world.staff[owner].id)).open_count == 0
    assert (await WorkerLoad.get(staff_id=ctx.world.staff[other].id)).open_count == 1
    ev = (
        await OutboxEvent.filter(topic="report.assigned", aggregate_id=str(rid))
        .order_by("-id")
        .first()
    )
    assert ev and ev.payload["previous_owner_id"] == ctx.world.staff[owner].id
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/assign",
        json={"owner_id": ctx.world.staff["other_worker"].id, "note": "x"},
        headers=ctx.h("secretary"),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_owner"


async def test_bulk_assign_reports_each_outcome(ctx: Ctx) -> None:
    a, b = (await ctx.report())["id"], (await ctx.report())["id"]
    target = ctx.world.staff["worker"].id
    r = await ctx.client.post(
        "/api/v1/triage/bulk-assign",
        json={"report_ids": [a, b, 999999], "owner_id": target, "note": "集中处理"},
        headers=ctx.h("secretary"),
    )
    assert r.status_code == 200
    assert sorted(r.json()["assigned"]) == sorted([a, b])
    assert r.json()["failed"] == {"999999": "not_found"}
    assert set(await Report.filter(id__in=[a, b]).values_list("owner_id", flat=True)) == {target}


async def test_reclassify_changes_deadlines_and_load(ctx: Ctx) -> None:
    rid = (await ctx.report(category="greening"))["id"]
    before = await Report.get(id=rid)
    r = await ctx.client.patch(
        f"/api/v1/triage/reports/{rid}",
        json={"priority": "urgent", "category": "elevator", "note": "电梯困人"},
        headers=ctx.h("secretary"),
    )
    assert r.status_code == 200, r.text
    after = await Report.get(id=rid)
    assert after.priority == "urgent" and after.resolve_due < before.resolve_due
    assert (await WorkerLoad.get(staff_id=after.owner_id)).weighted == 4
    r = await ctx.client.patch(
        f"/api/v1/triage/reports/{rid}",
        json={"category": "nope", "note": "x"},
        headers=ctx.h("secretary"),
    )
    assert r.status_code == 422


async def test_claim_an_unowned_report(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    await Report.filter(id=rid).update(owner_id=None)
    r = await ctx.move(rid, "worker2", "claim")
    assert r.status_code == 200 and r.json()["owner_id"] == ctx.world.staff["worker2"].id
    r = await ctx.move(rid, "worker", "claim")
    assert r.status_code == 409 and r.json()["error"]["code"] in ("already_owned", "illegal_move")
