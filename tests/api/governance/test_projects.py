"""Projects: opening, approval, scope rules, steps with photos, helpers and the board."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from server.models.governance import Project, Step
from server.models.records import AuditLog
from server.models.visits import HouseholdArea
from tests.support.factories import auth, make_resident, make_world
from tests.support.governance import make_block, open_lift_project
from tests.support.visits import bind

URL = "/api/v1/governance"


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.block = await make_block(w, ["60.5", "72", "58.25", "80"])  # type: ignore[attr-defined]
    return w


async def _photo(app, client, who, colour: tuple[int, int, int] = (200, 30, 30)) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buf, "JPEG")
    files = {"file": ("stamp.jpg", buf.getvalue(), "image/jpeg")}
    r = await client.post("/api/v1/reports/photos", files=files, headers=auth(app, who))
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_a_resident_opens_a_lift_project_and_the_secretary_approves(app, client, world):
    block = world.block
    r = await client.post(
        f"{URL}/projects",
        json={
            "kind": "lift",
            "title": "加装电梯",
            "building_id": block.building.id,
            "coordinator_household_id": block.households[0].id,
        },
        headers=auth(app, block.residents[0]),
    )
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["status"] == "proposed" and p["households"] == 4
    assert p["coordinator_id"] == block.residents[0].id and p["members"] == [block.residents[0].id]
    codes = [s["code"] for s in p["steps"]]
    assert codes[0] == "consent" and "planning" in codes and codes[-1] == "acceptance"
    assert all(s["office"] and s["stamp"] for s in p["steps"])
    # a worker may not approve; the secretary may, once
    r = await client.post(
        f"{URL}/projects/{p['id']}/approve", headers=auth(app, world.staff["worker"])
    )
    assert r.status_code == 403
    r = await client.post(
        f"{URL}/projects/{p['id']}/approve", headers=auth(app, world.staff["secretary"])
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert r.json()["progress"]["next_step"] == p["steps"][0]["name"]
    r = await client.post(
        f"{URL}/projects/{p['id']}/approve", headers=auth(app, world.staff["secretary"])
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_proposed"


async def test_a_resident_cannot_open_a_project_for_a_building_they_do_not_live_in(
    app, client, world
):
    block = world.block
    body = {
        "kind": "corridor",
        "title": "楼道整治",
        "building_id": block.building.id,
        "coordinator_household_id": block.other.id,
    }
    r = await client.post(f"{URL}/projects", json=body, headers=auth(app, block.other_resident))
    assert r.status_code == 404
    unverified = await bind(block.households[1], verified=False)
    body["coordinator_household_id"] = block.households[1].id
    r = await client.post(f"{URL}/projects", json=body, headers=auth(app, unverified))
    assert r.status_code == 404


async def test_out_of_scope_is_404_for_residents_staff_and_officers(app, client, world):
    p = await open_lift_project(app, client, world, world.block)
    outsiders = [
        world.block.other_resident,
        await make_resident(),
        world.staff["other_worker"],
        world.staff["officer"],
    ]
    for who in outsiders:
        r = await client.get(f"{URL}/projects/{p['id']}", headers=auth(app, who))
        assert r.status_code == 404, who
        r = await client.get(f"{URL}/projects", headers=auth(app, who))
        assert r.status_code == 200 and r.json()["items"] == []
    for who in (world.block.residents[3], world.staff["worker"], world.staff["dispatcher"]):
        r = await client.get(f"{URL}/projects", headers=auth(app, who))
        assert [i["id"] for i in r.json()["items"]] == [p["id"]]


async def test_ticking_a_step_needs_the_group_or_staff_and_a_photo_they_uploaded(
    app, client, world
):
    block = world.block
    p = await open_lift_project(app, client, world, block)
    step = p["steps"][0]
    today = date.today()
    member, neighbour = block.residents[0], block.residents[1]
    sha = await _photo(app, client, member)
    body = {"done_on": today.isoformat(), "office": "怒江苑居委会", "photo": sha}
    path = f"{URL}/projects/{p['id']}/steps/{step['id']}"
    r = await client.put(path, json=body, headers=auth(app, neighbour))
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_in_group"
    other_sha = await _photo(app, client, neighbour, (10, 90, 200))
    r = await client.put(path, json=body | {"photo": other_sha}, headers=auth(app, member))
    assert r.status_code == 422 and r.json()["error"]["code"] == "photo_unknown"
    r = await client.put(path, json=body, headers=auth(app, member))
    assert r.status_code == 200, r.text
    assert r.json()["done_on"] == today.isoformat() and r.json()["ticked_by_id"] == member.id
    r = await client.get(f"{URL}/projects/{p['id']}", headers=auth(app, neighbour))
    assert r.json()["progress"]["done"] == 1
    assert r.json()["progress"]["next_step"] == p["steps"][1]["name"]
    r = await client.get(f"{path}/photo", headers=auth(app, neighbour))
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    r = await client.get(f"{path}/photo", headers=auth(app, block.other_resident))
    assert r.status_code == 404
    assert await AuditLog.filter(action="project.step_ticked", entity_id=str(step["id"])).exists()
    future = body | {"done_on": (today + timedelta(days=5)).isoformat()}
    r = await client.put(path, json=future, headers=auth(app, member))
    assert r.status_code == 422 and r.json()["error"]["code"] == "future_date"


async def test_the_board_shows_a_stuck_project(app, client, world):
    p = await open_lift_project(app, client, world, world.block)
    first = await Step.get(project_id=p["id"], position=1)
    # started long ago: the first step has waited past its usual time
    await Project.filter(id=p["id"]).update(
        started_on=date.today() - timedelta(days=first.days + 2)
    )
    r = await client.get(f"{URL}/projects?status=active", headers=auth(app, world.staff["worker"]))
    (item,) = r.json()["items"]
    assert item["progress"]["stuck"] and item["progress"]["days_waiting"] >= first.days + 1
    r = await client.get(
        f"{URL}/projects?status=proposed", headers=auth(app, world.staff["worker"])
    )
    assert r.json()["items"] == []


async def test_helpers_and_members(app, client, world):
    block = world.block
    p = await open_lift_project(app, client, world, block)
    officer = world.staff["officer"]
    r = await client.post(
        f"{URL}/projects/{p['id']}/helpers",
        json={"staff_id": officer.id},
        headers=auth(app, world.staff["secretary"]),
    )
    assert r.status_code == 200 and r.json()["helpers"] == [officer.id]
    r = await client.get(f"{URL}/projects", headers=auth(app, officer))
    assert [i["id"] for i in r.json()["items"]] == [p["id"]]
    sha = await _photo(app, client, officer)
    step = p["steps"][2]
    body = {"done_on": date.today().isoformat(), "office": "设计院", "photo": sha}
    r = await client.put(
        f"{URL}/projects/{p['id']}/steps/{step['id']}", json=body, headers=auth(app, officer)
    )
    assert r.status_code == 200 and r.json()["done_office"] == "设计院"
    r = await client.post(
        f"{URL}/projects/{p['id']}/helpers",
        json={"staff_id": officer.id},
        headers=auth(app, world.staff["worker"]),
    )
    assert r.status_code == 403
    # the coordinator takes a neighbour into the group; not someone from elsewhere
    r = await client.post(
        f"{URL}/projects/{p['id']}/members",
        json={"resident_id": block.residents[2].id},
        headers=auth(app, block.residents[0]),
    )
    assert r.status_code == 200 and block.residents[2].id in r.json()["members"]
    r = await client.post(
        f"{URL}/projects/{p['id']}/members",
        json={"resident_id": block.other_resident.id},
        headers=auth(app, block.residents[0]),
    )
    assert r.status_code == 404


async def test_scope_lists_floor_areas_and_staff_fill_the_missing_ones(app, client, world):
    block = world.block
    p = await open_lift_project(app, client, world, block)
    await HouseholdArea.filter(household_id=block.households[3].id).delete()
    r = await client.get(
        f"{URL}/projects/{p['id']}/scope", headers=auth(app, world.staff["worker"])
    )
    assert r.status_code == 200 and r.json()["missing_area"] == 1
    assert [i["area"] for i in r.json()["items"]][:3] == ["60.50", "72.00", "58.25"]
    path = f"{URL}/households/{block.households[3].id}/area"
    r = await client.put(
        path, json={"area": "81.30", "source": "产证"}, headers=auth(app, world.staff["worker"])
    )
    assert r.status_code == 200 and r.json()["area"] == "81.30"
    for bad in ("0", "10000.00"):  # one flat, not a whole building: the imports' bound too
        r = await client.put(path, json={"area": bad}, headers=auth(app, world.staff["worker"]))
        assert r.status_code == 422
    r = await client.put(path, json={"area": "81"}, headers=auth(app, world.staff["other_worker"]))
    assert r.status_code == 404
    r = await client.get(
        f"{URL}/projects/{p['id']}/scope", headers=auth(app, world.staff["worker"])
    )
    assert r.json()["missing_area"] == 0
    r = await client.get(f"{URL}/projects/{p['id']}/scope", headers=auth(app, block.residents[0]))
    assert r.status_code == 403
