"""Due lists kept in memory: sent again only while no row they read has changed, whoever
wrote it (the visit-data version is raised by database triggers, not by service code)."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections

from server.models.records import AuditLog
from server.models.visits import VisitDataVersion
from server.services.visits import planning
from tests.support.calls import count_calls
from tests.support.factories import auth, make_world
from tests.support.visits import make_area
from tests.support.visits_api import register


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.area = await make_area(w)  # type: ignore[attr-defined]
    return w


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the due query really ran."""
    return count_calls(monkeypatch, planning, "_due")


async def _due(app, client, who) -> dict[str, Any]:
    r = await client.get("/api/v1/visits/due", headers=auth(app, who))
    assert r.status_code == 200, r.text
    return r.json()


async def _sql(sql: str) -> None:
    await connections.get("default").execute_script(sql)


async def test_an_unchanged_list_is_sent_again_and_audited_each_time(app, client, world, computed):
    w = world.staff["worker"]
    h = await register(app, client, w, world.area.buildings[0].id, "101", groups=["aged"])
    first = await _due(app, client, w)
    again = await _due(app, client, w)
    assert again == first and [i["household_id"] for i in first["items"]] == [h["id"]]
    assert len(computed) == 1
    reads = await AuditLog.filter(action="household.list").order_by("id")
    assert len(reads) == 2
    assert all(r.detail["household_ids"] == [h["id"]] for r in reads)


# Each write goes around the services, straight to the table, and must still be seen.
WRITES = {
    "member phone": (
        "UPDATE household_member SET phone = '13912345678' WHERE household_id = {h}",
        lambda item: item["phone"] == "139****5678",
    ),
    "new head of household": (
        "INSERT INTO household_member (household_id, name, phone, relation, created_at, "
        "updated_at) VALUES ({h}, '新户主', '', '户主', '2026-01-01', '2026-01-01')",
        lambda item: item["head"] == "新户主",
    ),
    "room": ("UPDATE household SET room = '909' WHERE id = {h}", lambda i: i["room"] == "909"),
    "building": (
        "UPDATE building SET name = '12号楼' WHERE id = {b}",
        lambda item: item["building"] == "12号楼",
    ),
    "estate": (
        "UPDATE estate SET name = '新康乐' WHERE id = {e}",
        lambda item: item["estate"] == "新康乐",
    ),
    "schedule": (
        "UPDATE visit_schedule SET cadence_days = 3 WHERE household_id = {h}",
        lambda item: item["cadence_days"] == 3,
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
async def test_any_write_to_a_listed_row_is_seen_next_time(app, client, world, computed, write):
    w = world.staff["worker"]
    b = world.area.buildings[0]
    h = await register(app, client, w, b.id, "101", groups=["aged"])
    before = await _due(app, client, w)
    sql, seen = WRITES[write]
    assert not seen(before["items"][0])
    await _sql(sql.format(h=h["id"], b=b.id, e=world.area.estate.id))
    after = await _due(app, client, w)
    assert seen(after["items"][0]), after["items"][0]
    assert len(computed) == 2


async def test_losing_a_grid_or_a_household_empties_the_list(app, client, world, computed):
    w = world.staff["worker"]
    grid = world.area.grids[0]
    h = await register(app, client, w, world.area.buildings[0].id, "101", groups=["aged"])
    assert len((await _due(app, client, w))["items"]) == 1
    await _sql(f"UPDATE grid SET worker_id = NULL WHERE id = {grid.id}")
    assert (await _due(app, client, w))["items"] == []
    await _sql(f"UPDATE grid SET worker_id = {w.id} WHERE id = {grid.id}")
    assert len((await _due(app, client, w))["items"]) == 1
    await _sql(f"DELETE FROM visit_schedule WHERE household_id = {h['id']}")
    assert (await _due(app, client, w))["items"] == []
    assert len(computed) == 4


async def test_a_write_in_another_community_keeps_the_list(app, client, world, computed):
    w = world.staff["worker"]
    other = world.communities[1]
    await register(app, client, w, world.area.buildings[0].id, "101", groups=["aged"])
    await _due(app, client, w)
    mine = await VisitDataVersion.get(community_id=world.communities[0].id)
    await make_area(world, other, worker=world.staff["other_worker"])
    assert await VisitDataVersion.get_or_none(community_id=other.id) is not None
    await _due(app, client, w)
    assert len(computed) == 1
    assert (await VisitDataVersion.get(community_id=mine.community_id)).version == mine.version


async def test_with_no_lists_kept_every_read_computes(app, client, world, computed):
    planning.keep_due_lists(0)
    try:
        w = world.staff["worker"]
        await register(app, client, w, world.area.buildings[0].id, "101", groups=["aged"])
        assert await _due(app, client, w) == await _due(app, client, w)
        assert len(computed) == 2
    finally:
        planning.keep_due_lists(256)
