"""Who read my household (个人信息查阅记录, PIPL): every staff read of a household's
personal data, with who, when and what for, for its own residents, admins and the
community's secretary; nobody else learns even that the household exists."""

from __future__ import annotations

import httpx
from sanic import Sanic

from server.models.geo import Household
from server.models.people import Role
from tests.support.factories import auth, make_resident, make_staff, make_world
from tests.support.visits import bind, make_area
from tests.support.visits_api import register, sync, visit

URL = "/api/v1/households"


async def test_reads_say_who_when_and_why(app: Sanic, client: httpx.AsyncClient, db: None) -> None:
    world = await make_world()
    area = await make_area(world)
    worker, sec = world.staff["worker"], world.staff["secretary"]
    mine = await register(app, client, worker, area.buildings[0].id, "101", groups=["living_alone"])
    other = await register(app, client, worker, area.buildings[0].id, "102")
    hid = mine["id"]
    # Reads by three staff, in three ways; and one of the other household only.
    assert (await client.get(f"{URL}/{hid}", headers=auth(app, worker))).status_code == 200
    assert (await client.get("/api/v1/visits/due", headers=auth(app, worker))).status_code == 200
    assert (await client.get(f"{URL}/{hid}/timeline", headers=auth(app, sec))).status_code == 200
    await client.get(f"{URL}/{other['id']}", headers=auth(app, world.staff["worker2"]))
    r = await sync(app, client, worker, visit(hid, days_ago=1))
    assert r.status_code == 200
    r = await client.get(f"{URL}/export", params={"format": "csv"}, headers=auth(app, sec))
    assert r.status_code == 200

    r = await client.get(f"{URL}/{hid}/reads", headers=auth(app, world.staff["admin"]))
    assert r.status_code == 200, r.text
    body = r.json()
    seen = [(i["staff_name"], i["action"], i["why"]) for i in body["items"]]
    assert (worker.display_name, "household.read", "opened the household record 查看户档") in seen
    assert (worker.display_name, "household.list", "listed it as due for a visit 走访清单") in seen
    timeline = (sec.display_name, "household.timeline", "read its visits and reports 查看走访记录")
    assert timeline in seen
    assert any(a == "household.export" and n == sec.display_name for n, a, _ in seen)
    assert world.staff["worker2"].display_name not in {n for n, _, _ in seen}
    ats = [i["at"] for i in body["items"]]
    assert ats == sorted(ats, reverse=True)

    # The household's own verified resident sees the same list; others see nothing.
    household = await Household.get(id=hid)
    resident = await bind(household)
    r = await client.get(f"{URL}/{hid}/reads", headers=auth(app, resident))
    assert r.status_code == 200
    assert {i["action"] for i in r.json()["items"]} >= {"household.read", "household.export"}
    stranger = await make_resident()
    assert (await client.get(f"{URL}/{hid}/reads", headers=auth(app, stranger))).status_code == 404
    unverified = await bind(household, verified=False)
    r = await client.get(f"{URL}/{hid}/reads", headers=auth(app, unverified))
    assert r.status_code == 404
    # The community's secretary may look; a worker, another community's secretary not.
    assert (await client.get(f"{URL}/{hid}/reads", headers=auth(app, sec))).status_code == 200
    assert (await client.get(f"{URL}/{hid}/reads", headers=auth(app, worker))).status_code == 403
    far = await make_staff(Role.secretary, community=world.communities[1], username="far-sec")
    assert (await client.get(f"{URL}/{hid}/reads", headers=auth(app, far))).status_code == 404
