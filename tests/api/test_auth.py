"""Sign-in for residents (through the fake WeChat server) and staff; tokens; sign-out."""

from __future__ import annotations

import logging

import httpx
import pytest
from sanic import Sanic

from server.models.people import Resident, Role
from server.models.records import AuditLog
from tests.support.factories import PASSWORD, auth, make_staff, make_world
from tests.support.fake_wechat import FakeWeChat


async def test_wechat_login_creates_then_finds_resident(
    client: httpx.AsyncClient, fake_wechat: FakeWeChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    openid = fake_wechat.state.add_code("code-1", unionid="union-1")
    r = await client.post("/api/v1/auth/wechat", json={"code": "code-1"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    resident = await Resident.get(openid=openid)
    assert resident.unionid == "union-1" and resident.session_key
    # the session_key stays on the server: not in the answer, not in the logs
    assert resident.session_key not in r.text
    assert resident.session_key not in caplog.text
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["kind"] == "resident" and "session_key" not in me.text

    fake_wechat.state.add_code("code-2", openid=openid)
    r = await client.post("/api/v1/auth/wechat", json={"code": "code-2"})
    assert r.status_code == 200
    assert await Resident.filter(openid=openid).count() == 1
    assert fake_wechat.state.requests["/sns/jscode2session"] == 2
    # login needs no access token: WeChat's token endpoint was never called
    assert fake_wechat.state.token_fetches == 0


@pytest.mark.parametrize(
    ("script", "status", "code"),
    [
        (40029, 401, "wechat_invalid_code"),
        (40163, 401, "wechat_invalid_code"),
        (45011, 429, "rate_limited"),
        (-1, 503, "unavailable"),
        ("drop", 503, "unavailable"),
    ],
)
async def test_wechat_errors_become_clear_answers(
    client: httpx.AsyncClient, fake_wechat: FakeWeChat, script: object, status: int, code: str
) -> None:
    fake_wechat.state.add_code("c")
    fake_wechat.state.script("/sns/jscode2session", script)
    r = await client.post("/api/v1/auth/wechat", json={"code": "c"})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    if status == 429:
        assert int(r.headers["retry-after"]) >= 1
    assert await Resident.all().count() == 0


async def test_unknown_code_is_401(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/wechat", json={"code": "never-issued"})
    assert r.status_code == 401


async def test_staff_login_refresh_rotation_and_reuse(client: httpx.AsyncClient) -> None:
    world = await make_world(1)
    username = world.staff["worker"].username
    r = await client.post("/api/v1/auth/staff", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    pair = r.json()
    r2 = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r2.status_code == 200
    new = r2.json()
    assert new["refresh_token"] != pair["refresh_token"]
    # the old refresh token was used up; presenting it again revokes the whole family
    r3 = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r3.status_code == 401 and r3.json()["error"]["code"] == "token_reused"
    r4 = await client.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert r4.status_code == 401


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient) -> None:
    world = await make_world(1)
    r = await client.post(
        "/api/v1/auth/staff",
        json={"username": world.staff["admin"].username, "password": PASSWORD},
    )
    r2 = await client.post("/api/v1/auth/refresh", json={"refresh_token": r.json()["access_token"]})
    assert r2.status_code == 401


async def test_staff_lockout_after_repeated_failures(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world(1)
    username = world.staff["secretary"].username
    limit = app.ctx.settings.login_max_failures
    for _ in range(limit):
        r = await client.post("/api/v1/auth/staff", json={"username": username, "password": "no"})
        assert r.status_code == 401
    # locked now, even with the right password
    r = await client.post("/api/v1/auth/staff", json={"username": username, "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # another account from the same address is not locked yet
    other = world.staff["worker"].username
    r = await client.post("/api/v1/auth/staff", json={"username": other, "password": PASSWORD})
    assert r.status_code == 200
    assert await AuditLog.filter(action="staff.login_failed").count() == limit


async def test_lockout_per_address(app: Sanic, client: httpx.AsyncClient) -> None:
    await make_world(1)
    for i in range(app.ctx.settings.login_ip_max_failures):
        await client.post("/api/v1/auth/staff", json={"username": f"nobody{i}", "password": "x"})
    r = await client.post("/api/v1/auth/staff", json={"username": "fresh", "password": "x"})
    assert r.status_code == 429


async def test_growing_delay_doubles() -> None:
    from server.services.auth import AuthService, LoginPolicy

    svc = AuthService(None, None, None, LoginPolicy(delay_base=0.25, delay_cap=4))  # type: ignore[arg-type]
    assert [svc._delay(n) for n in range(7)] == [0, 0.25, 0.5, 1, 2, 4, 4]


async def test_inactive_staff_cannot_sign_in(client: httpx.AsyncClient) -> None:
    s = await make_staff(Role.worker, username="gone", active=False)
    r = await client.post("/api/v1/auth/staff", json={"username": s.username, "password": PASSWORD})
    assert r.status_code == 401


async def test_logout_revokes_on_every_worker(
    app: Sanic, client: httpx.AsyncClient, settings
) -> None:  # type: ignore[no-untyped-def]
    """A second app instance stands in for another worker; they share only the broker
    (Redis when REDIS_URL is set)."""
    from server.app import create_app
    from server.broker import create_broker
    from tests.support.asgi import asgi_client

    world = await make_world(1)
    r = await client.post(
        "/api/v1/auth/staff",
        json={"username": world.staff["worker"].username, "password": PASSWORD},
    )
    pair = r.json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    other_broker = (
        create_broker(settings.redis_url, prefix=settings.redis_prefix)
        if settings.redis_url
        else app.ctx.broker
    )
    other = create_app(settings, broker=other_broker, manage_db=False)
    async with asgi_client(other) as c2:
        assert (await c2.get("/api/v1/auth/me", headers=headers)).status_code == 200
        r = await client.post(
            "/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
        )
        assert r.status_code == 204
        r = await c2.get("/api/v1/auth/me", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
        r = await c2.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert r.status_code == 401
    if other_broker is not app.ctx.broker:
        await other_broker.close()


async def test_tampered_and_missing_tokens(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world(1)
    h = auth(app, world.staff["worker"])
    assert (await client.get("/api/v1/auth/me", headers=h)).status_code == 200
    bad = {"Authorization": h["Authorization"][:-2] + "xx"}
    r = await client.get("/api/v1/auth/me", headers=bad)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
