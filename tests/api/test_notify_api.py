"""Notification endpoints: consent, inbox, and the operations view of the queue."""

from __future__ import annotations

import httpx
from sanic import Sanic

from server.broker import Broker
from server.config import Settings
from server.models.notify import Delivery, DeliveryStatus
from server.models.records import AuditLog
from tests.support.factories import auth, make_resident, make_world
from tests.support.fake_wechat import FakeWeChat
from tests.support.notify import PROGRESS, make_relay, report_event

SEND = "/cgi-bin/message/subscribe/send"


async def test_resident_grants_credits_and_reads_the_inbox(
    app: Sanic,
    client: httpx.AsyncClient,
    settings: Settings,
    broker: Broker,
    fake_wechat: FakeWeChat,
) -> None:
    world = await make_world()
    resident = await make_resident()
    h = auth(app, resident)
    r = await client.post(
        "/api/v1/notify/subscriptions",
        json={"results": {PROGRESS: "accept"}},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["credits"] == [{"template_id": PROGRESS, "remaining": 1, "granted_total": 1}]
    assert r.json()["templates"] == ["linli-governance-notice", PROGRESS]
    r = await client.post(
        "/api/v1/notify/subscriptions", json={"results": {PROGRESS: "reject"}}, headers=h
    )
    assert r.json()["credits"][0]["remaining"] == 1  # a refusal grants nothing

    c = world.communities[0].id
    for i, topic in enumerate(["report.created", "report.accepted", "report.status_changed"]):
        await report_event(
            topic, report_id=9, community_id=c, resident_id=resident.id, title=f"第{i}次"
        )
    await make_relay(settings, broker).drain()
    assert len(fake_wechat.state.sent) == 1  # one credit, one push; the rest only in the inbox

    r = await client.get("/api/v1/inbox", params={"limit": 2}, headers=h)
    page = r.json()
    assert page["unread"] == 3 and len(page["items"]) == 2
    assert [i["topic"] for i in page["items"]] == ["report.status_changed", "report.accepted"]
    r = await client.get("/api/v1/inbox", params={"before_id": page["next_before_id"]}, headers=h)
    assert [i["topic"] for i in r.json()["items"]] == ["report.created"]
    r = await client.post("/api/v1/inbox/read", json={}, headers=h)
    assert r.json() == {"marked": 3}
    r = await client.get("/api/v1/inbox", params={"unread": "true"}, headers=h)
    assert r.json()["items"] == [] and r.json()["unread"] == 0


async def test_consent_input_is_checked(app: Sanic, client: httpx.AsyncClient) -> None:
    resident = await make_resident()
    h = auth(app, resident)
    r = await client.post(
        "/api/v1/notify/subscriptions", json={"results": {"other-tmpl": "accept"}}, headers=h
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_template"
    r = await client.post(
        "/api/v1/notify/subscriptions", json={"results": {PROGRESS: "maybe"}}, headers=h
    )
    assert r.status_code == 422
    world = await make_world()
    r = await client.get("/api/v1/inbox", headers=auth(app, world.staff["worker"]))
    assert r.status_code == 403


async def test_operations_see_dead_letters_and_retry_them(
    app: Sanic,
    client: httpx.AsyncClient,
    settings: Settings,
    broker: Broker,
    fake_wechat: FakeWeChat,
) -> None:
    world = await make_world()
    resident = await make_resident()
    await client.post(
        "/api/v1/notify/subscriptions",
        json={"results": {PROGRESS: "accept"}},
        headers=auth(app, resident),
    )
    c0, c1 = world.communities
    fake_wechat.state.script(SEND, 47003)
    await report_event("report.accepted", report_id=1, community_id=c0.id, resident_id=resident.id)
    relay = make_relay(settings, broker)
    await relay.drain()

    sec = auth(app, world.staff["secretary"])
    q = (await client.get("/api/v1/notify/queue", headers=sec)).json()
    wechat = next(ch for ch in q["channels"] if ch["channel"] == "wechat")
    assert wechat["dead"] == 1 and wechat["pending"] == 0
    assert q["failures_last_hour"] == 1 and q["outbox_unprocessed"] == 0

    r = await client.get("/api/v1/notify/deliveries", params={"state": "dead"}, headers=sec)
    [dead] = r.json()["items"]
    assert dead["dead_reason"].startswith("47003")

    # Another community's secretary sees none of it.
    other_sec = await _secretary_of(c1)
    r = await client.get("/api/v1/notify/deliveries", headers=auth(app, other_sec))
    assert r.json()["items"] == []
    r = await client.post(
        f"/api/v1/notify/deliveries/{dead['id']}/retry", headers=auth(app, other_sec)
    )
    assert r.status_code == 404
    r = await client.get("/api/v1/notify/queue", headers=auth(app, world.staff["worker"]))
    assert r.status_code == 403

    r = await client.post(f"/api/v1/notify/deliveries/{dead['id']}/retry", headers=sec)
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert r.json()["attempts"] == 0
    r = await client.post(f"/api/v1/notify/deliveries/{dead['id']}/retry", headers=sec)
    assert r.status_code == 409
    assert await AuditLog.filter(action="notify.retry_dead_letter").count() == 1
    await relay.drain()
    assert (await Delivery.get(id=dead["id"])).status == DeliveryStatus.sent


async def _secretary_of(community):  # type: ignore[no-untyped-def]
    from server.models.people import Role
    from tests.support.factories import make_staff

    return await make_staff(Role.secretary, community=community)
