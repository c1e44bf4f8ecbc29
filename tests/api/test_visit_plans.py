"""The due list in walking order, the day plan, and the visit policy moving due dates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.visits import DayPlan, DueList
from server.models.visits import VisitSchedule
from tests.support.factories import auth, make_world
from tests.support.visits import make_area
from tests.support.visits_api import register, sync, visit


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.area = await make_area(w)  # type: ignore[attr-defined]
    return w


async def _set_due(household_id: int, days_from_today: int) -> None:
    s = await VisitSchedule.get(household_id=household_id)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    s.next_due = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=days_from_today)
    await s.save()


async def test_due_list_is_the_workers_grids_in_walking_order(app, client, world):
    w = world.staff["worker"]
    b2, b10, b3 = world.area.buildings
    h10 = await register(app, client, w, b10.id, "101", floor=1)
    h2_5 = await register(app, client, w, b2.id, "502", floor=5)
    h2_2 = await register(app, client, w, b2.id, "201", floor=2)
    other_grid = await register(app, client, w, b3.id, "101")
    later = await register(app, client, w, b2.id, "301", floor=3)
    await _set_due(h10["id"], -3)
    await _set_due(h2_5["id"], 0)
    await _set_due(h2_2["id"], 2)
    await _set_due(later["id"], 30)
    r = await client.get("/api/v1/visits/due", headers=auth(app, w))
    assert r.status_code == 200
    body = r.json()
    DueList.model_validate(body)  # the documented shape
    ids = [i["household_id"] for i in body["items"]]
    assert ids == [h2_2["id"], h2_5["id"], h10["id"]]  # 2号楼 before 10号楼, floors up
    assert other_grid["id"] not in ids and later["id"] not in ids
    assert body["overdue"] == 1 and body["due"] == 2
    first = body["items"][2]
    assert first["status"] == "overdue" and first["days_overdue"] == 3


async def test_a_visit_takes_the_household_off_the_list(app, client, world):
    w = world.staff["worker"]
    h = await register(app, client, w, world.area.buildings[0].id, "101", groups=["aged"])
    assert [
        i["household_id"]
        for i in (await client.get("/api/v1/visits/due", headers=auth(app, w))).json()["items"]
    ] == [h["id"]]
    await sync(app, client, w, visit(h["id"], days_ago=0.01))
    r = await client.get("/api/v1/visits/due", headers=auth(app, w))
    assert r.json()["items"] == []


async def test_day_plan_takes_overdue_first_then_walks(app, client, world):
    w = world.staff["worker"]
    b2, b10, _ = world.area.buildings
    hs = [
        await register(app, client, w, b.id, f"{f}01", floor=f)
        for b in (b2, b10)
        for f in (1, 2, 3)
    ]
    for offset, h in zip([2, 1, -5, -1, 0, -9], hs, strict=True):
        await _set_due(h["id"], offset)
    r = await client.get("/api/v1/visits/plan", params={"capacity": 3}, headers=auth(app, w))
    plan = r.json()
    DayPlan.model_validate(plan)
    chosen = {i["household_id"] for i in plan["items"]}
    assert chosen == {hs[5]["id"], hs[2]["id"], hs[3]["id"]}  # the three most overdue
    walk = [(i["building"], i["floor"]) for i in plan["items"]]
    assert walk == [("2号楼", 3), ("10号楼", 1), ("10号楼", 3)]
    assert plan["overdue_left"] == 0 and plan["due_left"] == 1


async def test_not_home_today_waits_for_another_day(app, client, world):
    w = world.staff["worker"]
    h = await register(app, client, w, world.area.buildings[0].id, "101")
    await sync(app, client, w, visit(h["id"], days_ago=0.001, outcome="not_home"))
    plan = (await client.get("/api/v1/visits/plan", headers=auth(app, w))).json()
    assert plan["items"] == []


async def test_secretary_sees_a_workers_list_other_community_does_not(app, client, world):
    wid = world.staff["worker"].id
    r = await client.get(
        "/api/v1/visits/due", params={"worker_id": wid}, headers=auth(app, world.staff["secretary"])
    )
    assert r.status_code == 200 and r.json()["worker_id"] == wid
    r = await client.get(
        "/api/v1/visits/due",
        params={"worker_id": wid},
        headers=auth(app, world.staff["other_worker"]),
    )
    assert r.status_code == 404
    r = await client.get(
        "/api/v1/visits/due",
        params={"worker_id": wid},
        headers=auth(app, world.staff["dispatcher"]),
    )
    assert r.status_code == 403


async def test_policy_change_moves_due_dates(app, client, world):
    w, sec = world.staff["worker"], world.staff["secretary"]
    cid = world.communities[0].id
    h = await register(app, client, w, world.area.buildings[0].id, "101", groups=["disabled"])
    await sync(app, client, w, visit(h["id"], days_ago=1))
    before = await VisitSchedule.get(household_id=h["id"])
    assert before.cadence_days == 30
    r = await client.put(
        f"/api/v1/visits/policies/{cid}",
        json={"cadences": {"disabled": 10}, "default_days": 180},
        headers=auth(app, sec),
    )
    assert r.status_code == 200 and r.json()["cadences"] == {"disabled": 10}
    after = await VisitSchedule.get(household_id=h["id"])
    assert after.cadence_days == 10
    assert after.next_due == before.next_due - timedelta(days=20)
    r = await client.put(
        f"/api/v1/visits/policies/{cid}", json={"cadences": {}}, headers=auth(app, w)
    )
    assert r.status_code == 403
    r = await client.put(
        f"/api/v1/visits/policies/{cid}", json={"cadences": {"nope": 3}}, headers=auth(app, sec)
    )
    assert r.status_code == 422


async def test_custom_group_with_its_own_cadence(app, client, world):
    w, sec = world.staff["worker"], world.staff["secretary"]
    cid = world.communities[0].id
    r = await client.post(
        f"/api/v1/visits/policies/{cid}/groups",
        json={"code": "veteran", "name": "退役军人"},
        headers=auth(app, sec),
    )
    assert r.status_code == 201
    await client.put(
        f"/api/v1/visits/policies/{cid}",
        json={"cadences": {"veteran": 60}, "default_days": 365},
        headers=auth(app, sec),
    )
    h = await register(app, client, w, world.area.buildings[0].id, "101", groups=["veteran"])
    assert h["schedule"]["cadence_days"] == 60
    other = world.communities[1].id
    r = await client.post(
        f"/api/v1/visits/policies/{other}/groups",
        json={"code": "x1", "name": "x"},
        headers=auth(app, sec),
    )
    assert r.status_code == 404  # out of scope looks like missing


async def test_aged_is_derived_and_recomputed(app, client, world):
    w = world.staff["worker"]
    h = await register(
        app,
        client,
        w,
        world.area.buildings[0].id,
        "101",
        members=[{"name": "老李", "birth_year": 1970}],
    )
    assert h["groups"] == []
    mid = h["members"][0]["id"]
    r = await client.patch(
        f"/api/v1/households/{h['id']}/members/{mid}",
        json={"birth_year": 1940},
        headers=auth(app, w),
    )
    assert r.status_code == 200
    s = await VisitSchedule.get(household_id=h["id"])
    assert s.groups == ["aged"] and s.cadence_days == 14
    cid = world.communities[0].id
    r = await client.post(
        f"/api/v1/visits/policies/{cid}/recompute", headers=auth(app, world.staff["secretary"])
    )
    assert r.json() == {"households": 1}
