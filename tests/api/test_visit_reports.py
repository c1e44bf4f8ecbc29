"""A need found on a visit becomes a report owned by the visiting worker (首问), once, and
shows on the household's timeline."""

from __future__ import annotations

import pytest

from server.models.geo import Household
from server.models.records import AuditLog
from server.models.reports import Report
from server.services.reports.catalogue import seed_catalogue
from tests.support.factories import auth, make_world
from tests.support.visits import bind, make_area
from tests.support.visits_api import register, sync, visit


@pytest.fixture
async def world(app, client, db: None):
    await seed_catalogue()
    w = await make_world()
    w.area = await make_area(w)
    w.hh = await register(app, client, w.staff["worker"], w.area.buildings[0].id, "101")
    w.visit = visit(
        w.hh["id"], days_ago=1, needs=["repair", "meals"], latitude=31.2, longitude=121.4
    )
    r = await sync(app, client, w.staff["worker"], w.visit)
    assert r.json()["results"][0]["status"] == "created"
    return w


def _url(world) -> str:
    return f"/api/v1/visits/{world.visit['id']}/reports"


BODY = {"need": "repair", "category": "sanitation", "description": "厨房水管漏水，老人无法自行维修"}


async def test_need_becomes_a_report_owned_by_the_visitor(app, client, world) -> None:
    sec = world.staff["secretary"]
    r = await client.post(_url(world), json=BODY, headers=auth(app, sec))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["owner_id"] == world.staff["worker"].id and out["created"] is True
    report = await Report.get(id=out["report_id"])
    assert report.source == "visit" and report.owner_id == world.staff["worker"].id
    assert report.reported_by_staff_id == sec.id  # filed by whoever asked, owned by the visitor
    assert report.community_id == world.communities[0].id and report.lat == 31.2
    assert await AuditLog.filter(action="visit.need_reported").exists()


async def test_one_report_per_need(app, client, world) -> None:
    h = auth(app, world.staff["worker"])
    first = (await client.post(_url(world), json=BODY, headers=h)).json()
    again = await client.post(_url(world), json=BODY, headers=h)
    assert again.status_code == 200 and again.json()["report_id"] == first["report_id"]
    assert again.json()["created"] is False
    r = await client.post(_url(world), json=BODY, headers=auth(app, world.staff["secretary"]))
    assert r.json()["report_id"] == first["report_id"]
    assert await Report.all().count() == 1


async def test_only_a_need_of_the_visit_and_only_its_people(app, client, world) -> None:
    r = await client.post(
        _url(world), json=BODY | {"need": "other"}, headers=auth(app, world.staff["worker"])
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_need"
    r = await client.post(_url(world), json=BODY, headers=auth(app, world.staff["worker2"]))
    assert r.status_code == 403
    r = await client.post(_url(world), json=BODY, headers=auth(app, world.staff["other_worker"]))
    assert r.status_code == 404
    r = await client.post(_url(world), json=BODY, headers=auth(app, world.staff["dispatcher"]))
    assert r.status_code == 403
    assert await Report.all().count() == 0


async def test_timeline_joins_reports(app, client, world) -> None:
    w = world.staff["worker"]
    made = (await client.post(_url(world), json=BODY, headers=auth(app, w))).json()
    resident = await bind(await Household.get(id=world.hh["id"]))
    r = await client.post(
        "/api/v1/reports/",
        json={"category": "noise", "description": "楼上夜里很吵"},
        headers=auth(app, resident),
    )
    assert r.status_code == 201, r.text
    t = (
        await client.get(f"/api/v1/households/{world.hh['id']}/timeline", headers=auth(app, w))
    ).json()
    kinds = [(e["kind"], (e["report"] or {}).get("id")) for e in t["entries"]]
    assert ("report", made["report_id"]) in kinds
    assert ("report", r.json()["report"]["id"]) in kinds
    assert ("visit", None) in kinds
    linked = next(
        e for e in t["entries"] if e["kind"] == "report" and e["report"]["id"] == made["report_id"]
    )
    assert linked["report"]["visit_id"] == world.visit["id"]
    ats = [e["at"] for e in t["entries"]]
    assert ats == sorted(ats, reverse=True)
