"""Coverage per community, grid, worker and group with a weekly trend; the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.models.records import AuditLog
from tests.support.factories import auth, make_world
from tests.support.visits import make_area
from tests.support.visits_api import register, sync, visit

URL = "/api/v1/visits/coverage"


@pytest.fixture
async def world(app, client, db: None):
    w = await make_world()
    w.area = await make_area(w)
    w.other_area = await make_area(w, w.communities[1], worker=w.staff["other_worker"])
    wk = w.staff["worker"]
    b2, _, b3 = w.area.buildings
    w.a = await register(app, client, wk, b2.id, "101", groups=["living_alone"])
    w.b = await register(app, client, wk, b2.id, "102")
    w.c = await register(
        app, client, wk, b3.id, "101", members=[{"name": "老", "birth_year": 1930}]
    )
    await sync(app, client, wk, visit(w.a["id"], days_ago=2), visit(w.c["id"], days_ago=20))
    ow = w.staff["other_worker"]
    w.d = await register(app, client, ow, w.other_area.buildings[0].id, "101")
    return w


async def test_community_coverage(app, client, world) -> None:
    r = await client.get(URL, headers=auth(app, world.staff["secretary"]))
    assert r.status_code == 200, r.text
    cov = r.json()
    t = cov["total"]
    assert (t["households"], t["within_cadence"], t["overdue"], t["never_visited"]) == (3, 1, 1, 1)
    assert t["share"] == round(1 / 3, 4)
    assert [c["households"] for c in cov["communities"]] == [3]
    grids = {g["name"]: (g["households"], g["within_cadence"], g["overdue"]) for g in cov["grids"]}
    assert grids == {world.area.grids[0].name: (2, 1, 0), world.area.grids[1].name: (1, 0, 1)}
    workers = {w["key"]: w["households"] for w in cov["workers"]}
    assert workers == {f"worker:{world.staff['worker'].id}": 2}
    groups = {g["key"]: (g["households"], g["within_cadence"], g["overdue"]) for g in cov["groups"]}
    assert groups == {"living_alone": (1, 1, 0), "aged": (1, 0, 1)}
    assert len(cov["trend"]) == 8
    assert sum(w["visits"] for w in cov["trend"]) == 2
    assert sum(w["households_met"] for w in cov["trend"]) == 2
    shanghai = ZoneInfo("Asia/Shanghai")
    expected: dict[str, int] = {}
    for days in (2, 20):
        d = (datetime.now(UTC) - timedelta(days=days)).astimezone(shanghai).date()
        monday = (d - timedelta(days=d.weekday())).isoformat()
        expected[monday] = expected.get(monday, 0) + 1
    got = {w["week_start"]: w["visits"] for w in cov["trend"] if w["visits"]}
    assert got == expected


async def test_street_dispatcher_sees_every_community_in_counts_only(app, client, world) -> None:
    r = await client.get(URL, headers=auth(app, world.staff["dispatcher"]))
    assert r.status_code == 200
    assert r.json()["total"]["households"] == 4 and len(r.json()["communities"]) == 2
    r = await client.get(
        URL,
        params={"community_id": world.communities[1].id},
        headers=auth(app, world.staff["dispatcher"]),
    )
    assert r.json()["total"]["households"] == 1


async def test_coverage_scope(app, client, world) -> None:
    r = await client.get(URL, headers=auth(app, world.staff["officer"]))
    assert r.status_code == 403
    r = await client.get(
        URL,
        params={"community_id": world.communities[0].id},
        headers=auth(app, world.staff["other_worker"]),
    )
    assert r.status_code == 404


async def test_timeline_joins_visits_newest_first_and_is_audited(app, client, world) -> None:
    wk = world.staff["worker"]
    await sync(app, client, wk, visit(world.a["id"], days_ago=9, outcome="not_home"))
    r = await client.get(f"/api/v1/households/{world.a['id']}/timeline", headers=auth(app, wk))
    assert r.status_code == 200
    entries = r.json()["entries"]
    assert [e["visit"]["outcome"] for e in entries] == ["met", "not_home"]
    assert await AuditLog.filter(action="household.timeline", actor_id=wk.id).exists()
    r = await client.get(
        f"/api/v1/households/{world.a['id']}/timeline", headers=auth(app, world.staff["dispatcher"])
    )
    assert r.status_code == 403
