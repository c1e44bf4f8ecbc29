"""The rota API end to end: setup, generate, publish, grid, on duty, swaps, sickness,
and who may do what."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from sanic import Sanic

from server.models.records import AuditLog, OutboxEvent
from server.models.rota import Assignment, Certification, Rota, RotaStatus
from server.services.rota.duty import db_instant
from tests.support.factories import auth, make_world
from tests.support.rota import MONDAY, SATURDAY, make_rota_setup

API = "/api/v1/rota"
SH = ZoneInfo("Asia/Shanghai")


def day(n: int) -> str:
    """The rota week's day ``n`` (0 = its Monday), as the API writes dates."""
    return (MONDAY + timedelta(days=n)).isoformat()


async def _generate(app: Sanic, client: httpx.AsyncClient, world, weeks: int = 1) -> dict:
    c = world.communities[0]
    r = await client.post(
        f"{API}/communities/{c.id}/generate",
        json={"start_date": MONDAY.isoformat(), "weeks": weeks, "time_limit": 5},
        headers=auth(app, world.staff["secretary"]),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_setup_through_the_api_and_who_may_change_it(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    world = await make_world()
    c, other = world.communities
    sec, worker = world.staff["secretary"], world.staff["worker"]
    post = {
        "code": "health",
        "name": "卫生健康",
        "hours": [{"weekday": 0, "start": "08:30", "end": "16:30", "min_staff": 1}],
    }
    r = await client.post(f"{API}/communities/{c.id}/posts", json=post, headers=auth(app, worker))
    assert r.status_code == 403
    r = await client.post(f"{API}/communities/{other.id}/posts", json=post, headers=auth(app, sec))
    assert r.status_code == 404  # out of scope looks like missing
    r = await client.post(f"{API}/communities/{c.id}/posts", json=post, headers=auth(app, sec))
    assert r.status_code == 201, r.text
    post_id = r.json()["id"]
    assert r.json()["hours"][0]["start"] == "08:30:00"
    r = await client.post(f"{API}/communities/{c.id}/posts", json=post, headers=auth(app, sec))
    assert r.status_code == 409
    bad = {**post, "code": "x", "hours": [{"weekday": 7, "start": "10:00", "end": "09:00"}]}
    r = await client.post(f"{API}/communities/{c.id}/posts", json=bad, headers=auth(app, sec))
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} >= {"hours.0.weekday"}

    r = await client.get(f"{API}/communities/{c.id}/posts", headers=auth(app, worker))
    assert [p["code"] for p in r.json()["items"]] == ["health"]
    r = await client.get(
        f"{API}/communities/{c.id}/posts", headers=auth(app, world.staff["other_worker"])
    )
    assert r.status_code == 404
    r = await client.patch(
        f"{API}/posts/{post_id}", json={"name": "x"}, headers=auth(app, world.staff["other_worker"])
    )
    assert r.status_code == 403

    shift = {"code": "early", "name": "早班", "start": "08:00", "end": "16:30", "break_minutes": 60}
    r = await client.post(f"{API}/communities/{c.id}/shifts", json=shift, headers=auth(app, sec))
    assert r.status_code == 201 and r.json()["paid_hours"] == 7.5
    r = await client.post(
        f"{API}/communities/{c.id}/shifts",
        json={**shift, "code": "night", "start": "20:00", "end": "08:00"},
        headers=auth(app, sec),
    )
    assert r.status_code == 422

    cert = {"staff_id": worker.id, "post_id": post_id, "certified_on": "2025-01-01"}
    r = await client.post(
        f"{API}/communities/{c.id}/certifications", json=cert, headers=auth(app, sec)
    )
    assert r.status_code == 201 and r.json()["staff_name"] == worker.display_name
    stranger = {**cert, "staff_id": world.staff["other_worker"].id}
    r = await client.post(
        f"{API}/communities/{c.id}/certifications", json=stranger, headers=auth(app, sec)
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_staff"
    r = await client.get(f"{API}/communities/{c.id}/certifications/report", headers=auth(app, sec))
    report = r.json()
    assert report["workers"] == 3 and report["all_post_workers"] == 1
    assert report["rate"] == round(1 / 3, 4)
    assert {x["staff_id"] for x in report["lacking"]} == {world.staff["worker2"].id, sec.id}
    assert await AuditLog.filter(action="rota.post.create").count() == 1


async def test_generate_publish_grid_and_on_duty(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    c = world.communities[0]
    draft = await _generate(app, client, world)
    rota_id = draft["rota"]["id"]
    assert draft["rota"]["status"] == "draft" and draft["rota"]["assignments"] > 0
    assert "explanation" in draft

    r = await client.get(f"{API}/rotas/{rota_id}", headers=auth(app, world.staff["worker"]))
    grid = r.json()
    assert len(grid["days"]) == 7
    assert {p["code"] for p in grid["posts"]} == {"intake", "elderly", "oncall"}
    names = {s["name"] for cell in grid["cells"] for s in cell["staff"]}
    assert names <= {s.display_name for s in setup.staff}
    r = await client.get(f"{API}/rotas/{rota_id}", headers=auth(app, world.staff["other_worker"]))
    assert r.status_code == 404

    r = await client.post(
        f"{API}/rotas/{rota_id}/publish", headers=auth(app, world.staff["worker"])
    )
    assert r.status_code == 403
    before = await client.get(
        f"{API}/communities/{c.id}/on-duty",
        params={"at": f"{day(1)}T09:00:00+08:00"},
        headers=auth(app, world.staff["worker"]),
    )
    assert before.json()["source"] == "all_active"  # and now cached for that hour
    r = await client.post(
        f"{API}/rotas/{rota_id}/publish", headers=auth(app, world.staff["secretary"])
    )
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = await client.post(
        f"{API}/rotas/{rota_id}/publish", headers=auth(app, world.staff["secretary"])
    )
    assert r.status_code == 409
    ev = await OutboxEvent.filter(topic="rota.published").get()
    assert ev.community_id == c.id and ev.payload["rota_id"] == rota_id

    at = datetime.combine(MONDAY + timedelta(days=1), time(9), tzinfo=SH)
    expected = {
        a.staff_id
        for a in await Assignment.filter(
            rota_id=rota_id, starts_at__lte=db_instant(at), ends_at__gt=db_instant(at)
        )
    }
    r = await client.get(
        f"{API}/communities/{c.id}/on-duty",
        params={"at": at.isoformat()},
        headers=auth(app, world.staff["worker"]),
    )
    body = r.json()
    assert r.status_code == 200 and body["source"] == "rota"
    assert set(body["worker_ids"]) == expected and expected
    at_posts = {p["code"]: [s["staff_id"] for s in p["staff"]] for p in body["posts"]}
    assert at_posts["intake"] and at_posts["elderly"]
    # A time without an offset is the community's wall clock (Asia/Shanghai).
    r = await client.get(
        f"{API}/communities/{c.id}/on-duty",
        params={"at": at.replace(tzinfo=None).isoformat()},
        headers=auth(app, world.staff["worker"]),
    )
    assert r.status_code == 200, r.text
    assert r.json()["worker_ids"] == body["worker_ids"] and r.json()["source"] == "rota"
    assert datetime.fromisoformat(r.json()["at"]) == at


async def test_impossible_rota_names_the_slot(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    # Nobody may serve 为老服务 on Saturdays any more.
    await Certification.filter(post=setup.posts["elderly"]).update(
        expires_on=SATURDAY - timedelta(days=1)
    )
    c = world.communities[0]
    r = await client.post(
        f"{API}/communities/{c.id}/generate",
        json={"start_date": MONDAY.isoformat(), "weeks": 1, "time_limit": 3},
        headers=auth(app, world.staff["secretary"]),
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "rota_infeasible"
    assert f"Sat {SATURDAY} weekend, 为老服务: needs 1 certified, 0 available" in err["message"]
    assert err["details"][0]["post_id"] == setup.posts["elderly"].id
    assert await Rota.all().count() == 0


async def test_swap_request_approval_and_denial(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    draft = await _generate(app, client, world)
    rota_id = draft["rota"]["id"]
    sec = world.staff["secretary"]
    await client.post(f"{API}/rotas/{rota_id}/publish", headers=auth(app, sec))
    rows = await Assignment.filter(rota_id=rota_id).order_by("day", "id")
    mine = next(a for a in rows if a.staff_id == world.staff["worker"].id)
    busy = {a.staff_id for a in rows if a.day == mine.day}
    free = next(s for s in setup.staff if s.id not in busy)

    r = await client.post(
        f"{API}/rotas/{rota_id}/swaps",
        json={"assignment_id": mine.id, "counterpart_id": free.id},
        headers=auth(app, world.staff["worker2"]),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_your_shift"
    r = await client.post(
        f"{API}/rotas/{rota_id}/swaps",
        json={"assignment_id": mine.id, "counterpart_id": free.id, "reason": "家事"},
        headers=auth(app, world.staff["worker"]),
    )
    assert r.status_code == 201, r.text
    swap_id = r.json()["id"]
    r = await client.post(
        f"{API}/swaps/{swap_id}/approve", json={}, headers=auth(app, world.staff["worker2"])
    )
    assert r.status_code == 403
    during = {"at": (mine.starts_at + timedelta(minutes=30)).isoformat()}
    duty_url = f"{API}/communities/{world.communities[0].id}/on-duty"
    r = await client.get(duty_url, params=during, headers=auth(app, sec))  # warms the cache
    assert world.staff["worker"].id in r.json()["worker_ids"]
    r = await client.post(
        f"{API}/swaps/{swap_id}/approve", json={"note": "ok"}, headers=auth(app, sec)
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert (await Assignment.get(id=mine.id)).staff_id == free.id
    r = await client.get(duty_url, params=during, headers=auth(app, sec))
    assert free.id in r.json()["worker_ids"]
    assert world.staff["worker"].id not in r.json()["worker_ids"]
    ev = await OutboxEvent.filter(topic="rota.changed").get()
    assert ev.payload["kind"] == "swap" and ev.community_id == world.communities[0].id
    r = await client.get(f"{API}/rotas/{rota_id}/changes", headers=auth(app, sec))
    kinds = [c["kind"] for c in r.json()["items"]]
    assert kinds == ["publish", "swap"]
    r = await client.post(f"{API}/swaps/{swap_id}/deny", json={}, headers=auth(app, sec))
    assert r.status_code == 409


async def test_swap_that_breaks_a_rule_is_refused(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    draft = await _generate(app, client, world)
    rota_id = draft["rota"]["id"]
    sec = world.staff["secretary"]
    await client.post(f"{API}/rotas/{rota_id}/publish", headers=auth(app, sec))
    rows = await Assignment.filter(rota_id=rota_id).order_by("day", "id")
    mine = next(a for a in rows if a.staff_id == world.staff["worker"].id)
    # Someone already working that day cannot take a second shift.
    busy = next(a.staff_id for a in rows if a.day == mine.day and a.staff_id != mine.staff_id)
    r = await client.post(
        f"{API}/rotas/{rota_id}/swaps",
        json={"assignment_id": mine.id, "counterpart_id": busy},
        headers=auth(app, world.staff["worker"]),
    )
    swap_id = r.json()["id"]
    r = await client.post(f"{API}/swaps/{swap_id}/approve", json={}, headers=auth(app, sec))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "swap_breaks_rules"
    assert "shifts on" in r.json()["error"]["message"]
    assert (await Assignment.get(id=mine.id)).staff_id == world.staff["worker"].id
    assert setup.staff


async def test_sick_resolve_changes_little(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    await make_rota_setup(world)
    draft = await _generate(app, client, world)
    rota_id = draft["rota"]["id"]
    sec = world.staff["secretary"]
    await client.post(f"{API}/rotas/{rota_id}/publish", headers=auth(app, sec))
    sick = world.staff["worker"]
    theirs = await Assignment.filter(rota_id=rota_id, staff_id=sick.id, day__gte=day(2)).count()
    r = await client.post(
        f"{API}/rotas/{rota_id}/sick",
        json={
            "staff_id": sick.id,
            "start_date": day(2),
            "end_date": day(4),
            "time_limit": 5,
        },
        headers=auth(app, sec),
    )
    assert r.status_code == 200, r.text
    res = r.json()
    assert not await Assignment.filter(
        rota_id=rota_id, staff_id=sick.id, day__gte=day(2), day__lte=day(4)
    ).exists()
    lost = await Assignment.filter(rota_id=rota_id, staff_id=sick.id, day__gte=day(2)).count()
    # Each of the sick worker's shifts is handed on: one removal and one addition, no more.
    assert res["changes"] <= 2 * (theirs - lost)
    assert (await Rota.get(id=rota_id)).status == RotaStatus.published
    r = await client.post(
        f"{API}/rotas/{rota_id}/sick",
        json={"staff_id": sick.id, "start_date": day(2), "end_date": day(4)},
        headers=auth(app, world.staff["worker2"]),
    )
    assert r.status_code == 403


async def test_street_drafts_every_community_in_parallel(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    world = await make_world()
    await make_rota_setup(world)
    body = {"start_date": MONDAY.isoformat(), "weeks": 1, "time_limit": 5}
    url = f"{API}/streets/{world.street.id}/generate"
    r = await client.post(url, json=body, headers=auth(app, world.staff["secretary"]))
    assert r.status_code == 403
    other = await make_world()
    r = await client.post(url, json=body, headers=auth(app, other.staff["dispatcher"]))
    assert r.status_code == 404  # another street's id looks like a missing one
    r = await client.post(url, json=body, headers=auth(app, world.staff["dispatcher"]))
    assert r.status_code == 201, r.text
    items = {i["community_id"]: i for i in r.json()["items"]}
    c0, c1 = world.communities
    assert items[c0.id]["status"] in ("optimal", "feasible")
    assert items[c0.id]["rota"]["status"] == "draft"
    assert items[c1.id]["status"] == "not_set_up" and items[c1.id]["rota"] is None


async def test_availability_leave_and_drafts(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    c = world.communities[0]
    worker, sec = world.staff["worker"], world.staff["secretary"]
    url = f"{API}/staff/{worker.id}/availability"
    r = await client.put(url, json={"avoid_weekdays": [5, 6]}, headers=auth(app, worker))
    assert r.status_code == 200 and r.json()["avoid_weekdays"] == [5, 6]
    r = await client.put(url, json={"max_hours_week": 20}, headers=auth(app, worker))
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_yours_to_set"
    r = await client.put(
        url, json={"max_hours_week": 20}, headers=auth(app, world.staff["worker2"])
    )
    assert r.status_code == 404
    r = await client.put(
        url,
        json={"max_hours_week": 32, "avoid_shift_ids": [setup.shifts["late"].id]},
        headers=auth(app, sec),
    )
    assert r.status_code == 200 and r.json()["max_hours_week"] == 32

    leave = {"staff_id": worker.id, "start_date": day(1), "end_date": day(3)}
    r = await client.post(f"{API}/communities/{c.id}/leave", json=leave, headers=auth(app, worker))
    assert r.status_code == 403
    r = await client.post(f"{API}/communities/{c.id}/leave", json=leave, headers=auth(app, sec))
    assert r.status_code == 201
    bad = {**leave, "end_date": day(-29)}
    r = await client.post(f"{API}/communities/{c.id}/leave", json=bad, headers=auth(app, sec))
    assert r.status_code == 422

    draft = await _generate(app, client, world)
    rota_id = draft["rota"]["id"]
    on_leave = await Assignment.filter(
        rota_id=rota_id, staff_id=worker.id, day__gte=day(1), day__lte=day(3)
    ).count()
    assert on_leave == 0
    r = await client.delete(f"{API}/rotas/{rota_id}", headers=auth(app, world.staff["worker"]))
    assert r.status_code == 403
    r = await client.delete(f"{API}/rotas/{rota_id}", headers=auth(app, sec))
    assert r.status_code == 204
    assert not await Rota.filter(id=rota_id).exists()


async def test_post_update_and_delete(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    sec = auth(app, world.staff["secretary"])
    post = setup.posts["oncall"]
    r = await client.patch(
        f"{API}/posts/{post.id}",
        json={
            "kind": "field",
            "name": None,
            "hours": [{"weekday": 2, "start": "09:00", "end": "12:00"}],
        },
        headers=sec,
    )
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "field" and r.json()["name"] == "值班"
    assert r.json()["hours"] == [
        {"weekday": 2, "start": "09:00:00", "end": "12:00:00", "min_staff": 1}
    ]
    draft = await _generate(app, client, world)
    used = await Assignment.filter(rota_id=draft["rota"]["id"]).first()
    r = await client.delete(f"{API}/posts/{used.post_id}", headers=sec)
    assert r.status_code == 409
    c = world.communities[0]
    spare = {"code": "spare", "name": "备用", "hours": []}
    r = await client.post(f"{API}/communities/{c.id}/posts", json=spare, headers=sec)
    r = await client.delete(f"{API}/posts/{r.json()['id']}", headers=sec)
    assert r.status_code == 204
    r = await client.patch(
        f"{API}/shifts/{setup.shifts['late'].id}", json={"active": False}, headers=sec
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert await AuditLog.filter(action="rota.post.update").exists()


async def test_publish_rechecks_rules_and_supersedes(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    c = world.communities[0]
    sec = auth(app, world.staff["secretary"])
    first = (await _generate(app, client, world))["rota"]["id"]
    busy = await Assignment.filter(rota_id=first).order_by("day", "id").first()
    # Leave recorded after the draft was made: publishing must notice.
    r = await client.post(
        f"{API}/communities/{c.id}/leave",
        json={"staff_id": busy.staff_id, "start_date": str(busy.day), "end_date": str(busy.day)},
        headers=sec,
    )
    leave_id = r.json()["id"]
    r = await client.post(f"{API}/rotas/{first}/publish", headers=sec)
    assert r.status_code == 409 and r.json()["error"]["code"] == "rota_stale"
    assert "on leave" in r.json()["error"]["message"]
    await client.delete(f"{API}/leave/{leave_id}", headers=sec)
    r = await client.post(f"{API}/rotas/{first}/publish", headers=sec)
    assert r.status_code == 200

    second = (await _generate(app, client, world))["rota"]["id"]
    r = await client.post(f"{API}/rotas/{second}/publish", headers=sec)
    assert r.status_code == 200
    assert (await Rota.get(id=first)).status == RotaStatus.superseded
    r = await client.post(
        f"{API}/communities/{c.id}/generate",
        json={"start_date": day(3), "weeks": 1, "time_limit": 5},
        headers=sec,
    )
    third = r.json()["rota"]["id"]
    r = await client.post(f"{API}/rotas/{third}/publish", headers=sec)
    assert r.status_code == 409 and r.json()["error"]["code"] == "rota_overlap"

    at = {"at": f"{day(1)}T12:00:00+08:00", "post_id": setup.posts["intake"].id}
    r = await client.get(f"{API}/communities/{c.id}/on-duty", params=at, headers=sec)
    assert [p["code"] for p in r.json()["posts"]] == ["intake"]
    assert r.json()["posts"][0]["staff"]
    r = await client.get(
        f"{API}/communities/{c.id}/on-duty",
        params=at,
        headers=auth(app, world.staff["other_worker"]),
    )
    assert r.status_code == 404
