"""Offline visit sync: idempotent re-sends, late arrivals, conflicts reported per item."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.models.records import OutboxEvent
from server.models.visits import Visit, VisitSchedule
from tests.support.factories import auth, make_world
from tests.support.visits import make_area
from tests.support.visits_api import register, sync, visit


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.area = await make_area(w)  # type: ignore[attr-defined]
    return w


@pytest.fixture
async def hh(app, client, world):
    return await register(
        app,
        client,
        world.staff["worker"],
        world.area.buildings[0].id,
        "101",
        groups=["living_alone"],
    )


async def test_resending_a_batch_changes_nothing_and_answers_the_same(app, client, world, hh):
    w = world.staff["worker"]
    batch = [visit(hh["id"], days_ago=2), visit(hh["id"], days_ago=1, outcome="not_home")]
    first = await sync(app, client, w, *batch)
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["created", "created"]
    snapshot = (
        await Visit.all().count(),
        await OutboxEvent.all().count(),
        await VisitSchedule.get(household_id=hh["id"]),
    )
    again = await sync(app, client, w, *batch)
    assert again.json() == first.json()
    assert await Visit.all().count() == snapshot[0]
    assert await OutboxEvent.all().count() == snapshot[1]
    sched = await VisitSchedule.get(household_id=hh["id"])
    assert sched.next_due == snapshot[2].next_due


async def test_same_instant_in_another_offset_is_the_same_visit(app, client, world, hh):
    item = visit(hh["id"], days_ago=1)
    await sync(app, client, world.staff["worker"], item)
    shifted = datetime.fromisoformat(item["started_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    again = await sync(
        app, client, world.staff["worker"], item | {"started_at": shifted.isoformat()}
    )
    assert again.json()["results"][0]["status"] == "created"


async def test_late_arrival_keeps_its_time_and_does_not_pull_due_back(app, client, world, hh):
    w = world.staff["worker"]
    recent = visit(hh["id"], days_ago=1)
    await sync(app, client, w, recent)
    due_after_recent = (await VisitSchedule.get(household_id=hh["id"])).next_due
    old = visit(hh["id"], days_ago=20)
    r = await sync(app, client, w, old)
    assert r.json()["results"][0]["status"] == "created"
    stored = await Visit.get(id=old["id"])
    assert abs(stored.started_at - datetime.fromisoformat(old["started_at"])) < timedelta(seconds=1)
    assert stored.recorded_at > stored.started_at + timedelta(days=19)
    assert (await VisitSchedule.get(household_id=hh["id"])).next_due == due_after_recent


async def test_next_due_is_last_met_plus_strictest_cadence(app, client, world, hh):
    w = world.staff["worker"]
    item = visit(hh["id"], days_ago=3)
    await sync(app, client, w, item, visit(hh["id"], days_ago=1, outcome="not_home"))
    sched = await VisitSchedule.get(household_id=hh["id"])
    met_day = (
        datetime.fromisoformat(item["started_at"]).astimezone(ZoneInfo("Asia/Shanghai")).date()
    )
    assert sched.cadence_days == 7
    assert sched.next_due == met_day + timedelta(days=7)


async def test_edit_on_current_version_applies(app, client, world, hh):
    w = world.staff["worker"]
    item = visit(hh["id"], days_ago=1)
    await sync(app, client, w, item)
    edit = item | {"base_version": 1, "notes": "需要助餐", "needs": ["meals"]}
    r = await sync(app, client, w, edit)
    assert r.json()["results"][0] == {
        "id": item["id"],
        "status": "updated",
        "version": 2,
        "error": None,
        "current": None,
    }
    assert (await sync(app, client, w, edit)).json() == r.json()
    v = await Visit.get(id=item["id"])
    assert v.version == 2 and v.notes == "需要助餐"


async def test_conflicting_edit_is_reported_not_overwritten(app, client, world, hh):
    w, sec = world.staff["worker"], world.staff["secretary"]
    item = visit(hh["id"], days_ago=1)
    await sync(app, client, w, item)
    await sync(app, client, sec, item | {"base_version": 1, "notes": "secretary's note"})
    stale = item | {"base_version": 1, "notes": "phone's note"}
    r = (await sync(app, client, w, stale)).json()["results"][0]
    assert r["status"] == "conflict" and r["version"] == 2
    assert r["error"]["code"] == "version_conflict"
    assert r["current"]["notes"] == "secretary's note"
    assert (await Visit.get(id=item["id"])).notes == "secretary's note"


async def test_new_item_with_a_taken_id_is_a_conflict(app, client, world, hh):
    w = world.staff["worker"]
    item = visit(hh["id"], days_ago=1)
    await sync(app, client, w, item)
    r = (await sync(app, client, w, item | {"notes": "different"})).json()["results"][0]
    assert r["status"] == "conflict"


async def test_bad_items_are_rejected_alone(app, client, world, hh):
    w = world.staff["worker"]
    good = visit(hh["id"], days_ago=1)
    unknown_household = visit(999999)
    future = visit(hh["id"], days_ago=-1)
    never_seen_edit = visit(hh["id"]) | {"base_version": 3}
    r = await sync(app, client, w, good, unknown_household, future, never_seen_edit, good)
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["created", "rejected", "rejected", "rejected", "rejected"]
    assert [x["error"]["code"] for x in res[1:]] == [
        "not_found",
        "future_visit",
        "unknown_visit",
        "duplicate_in_batch",
    ]
    assert await Visit.filter(id=good["id"]).exists()


async def test_malformed_batch_is_a_422(app, client, world, hh):
    bad = visit(hh["id"]) | {"channel": "pigeon"}
    r = await sync(app, client, world.staff["worker"], bad)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"].startswith("items.0.channel")
    naive = visit(hh["id"]) | {"started_at": "2026-01-01T10:00:00"}
    assert (await sync(app, client, world.staff["worker"], naive)).status_code == 422


async def test_only_the_visiting_worker_or_secretary_edits(app, client, world, hh):
    item = visit(hh["id"], days_ago=1)
    await sync(app, client, world.staff["worker"], item)
    r = await sync(app, client, world.staff["worker2"], item | {"base_version": 1, "notes": "x"})
    assert r.json()["results"][0]["error"]["code"] == "forbidden"


async def test_other_community_and_street_staff_cannot_log(app, client, world, hh):
    r = await sync(app, client, world.staff["other_worker"], visit(hh["id"]))
    assert r.json()["results"][0]["error"]["code"] == "not_found"
    r = await sync(app, client, world.staff["dispatcher"], visit(hh["id"]))
    assert r.status_code == 403


async def test_moved_away_leaves_the_due_list_until_met_again(app, client, world, hh):
    w = world.staff["worker"]
    await sync(app, client, w, visit(hh["id"], days_ago=2, outcome="moved_away"))
    assert (await VisitSchedule.get(household_id=hh["id"])).moved_away
    await sync(app, client, w, visit(hh["id"], days_ago=1))
    assert not (await VisitSchedule.get(household_id=hh["id"])).moved_away


async def test_visit_logged_event_and_log_listing(app, client, world, hh):
    w = world.staff["worker"]
    item = visit(hh["id"], days_ago=1, needs=["repair"])
    await sync(app, client, w, item)
    ev = await OutboxEvent.get(topic="visit.logged")
    assert ev.payload["household_id"] == hh["id"] and ev.payload["needs"] == ["repair"]
    r = await client.get(
        "/api/v1/visits",
        params={"household_id": hh["id"]},
        headers=auth(app, world.staff["secretary"]),
    )
    assert r.json()["total"] == 1
    r = await client.get(f"/api/v1/visits/{item['id']}", headers=auth(app, world.staff["officer"]))
    assert r.status_code == 403
    r = await client.get(
        f"/api/v1/visits/{item['id']}", headers=auth(app, world.staff["other_worker"])
    )
    assert r.status_code == 404


@pytest.mark.postgres
async def test_the_same_new_visit_twice_at_once_is_stored_once(app, client, world, hh):
    import asyncio

    item = visit(hh["id"], days_ago=1)
    w = world.staff["worker"]
    a, b = await asyncio.gather(*(sync(app, client, w, item) for _ in range(2)))
    assert a.json() == b.json()
    assert a.json()["results"][0]["status"] == "created"
    assert await Visit.filter(id=item["id"]).count() == 1
    assert await OutboxEvent.filter(topic="visit.logged").count() == 1
