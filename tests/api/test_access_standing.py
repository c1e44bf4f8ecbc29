"""Access follows the staff row, not the token: role, scope and ``active`` are read from the
database on every request (cached in the broker and replaced when the row changes, on every
worker at once); logout and refresh-token reuse end the sign-in, access tokens included."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from sanic import Sanic

from server.config import Settings
from server.models.people import Role, Staff
from server.services import standing
from tests.conftest import TEST_JWT_SECRET
from tests.support.asgi import asgi_client
from tests.support.factories import PASSWORD, auth, make_world


@pytest.fixture
async def other_worker(app: Sanic, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A second app instance stands in for another worker: they share only the broker
    (Redis when REDIS_URL is set) and the database."""
    from server.app import create_app
    from server.broker import create_broker

    shared = settings.redis_url is not None
    b = create_broker(settings.redis_url, prefix=settings.redis_prefix) if shared else None
    other = create_app(settings, broker=b or app.ctx.broker, manage_db=False)
    async with asgi_client(other) as c:
        yield c
    other.ctx.wechat.close()
    if b is not None:
        await b.close()


async def _sign_in(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    r = await client.post("/api/v1/auth/staff", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _bearer(pair: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def _forged(claims: dict[str, object]) -> dict[str, str]:
    now = int(time.time())
    body = {"typ": "access", "jti": "x", "iat": now, "exp": now + 600, "fam": "f", **claims}
    return {"Authorization": f"Bearer {jwt.encode(body, TEST_JWT_SECRET, algorithm='HS256')}"}


async def test_deactivation_reaches_every_worker_at_once(
    app: Sanic, client: httpx.AsyncClient, other_worker: httpx.AsyncClient
) -> None:
    world = await make_world(1)
    worker = _bearer(await _sign_in(client, world.staff["worker"].username))
    # both workers have the standing cached now
    assert (await client.get("/api/v1/communities", headers=worker)).status_code == 200
    assert (await other_worker.get("/api/v1/communities", headers=worker)).status_code == 200
    admin = auth(app, world.staff["admin"])
    r = await client.patch(
        f"/api/v1/staff/{world.staff['worker'].id}", json={"active": False}, headers=admin
    )
    assert r.status_code == 200, r.text
    for c in (client, other_worker):
        r = await c.get("/api/v1/communities", headers=worker)
        assert r.status_code == 401 and r.json()["error"]["code"] == "account_disabled"


async def test_role_and_scope_come_from_the_row_not_the_claims(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    world = await make_world(2)
    worker = world.staff["worker"]
    # a token carrying admin claims for a worker gets a worker's rights
    forged = _forged(
        {"sub": str(worker.id), "st": "staff", "role": "admin", "cid": None, "sid": None}
    )
    r = await client.get("/api/v1/staff", headers=forged)
    assert r.status_code == 200
    assert {s["community_id"] for s in r.json()} == {world.communities[0].id}
    r = await client.patch(f"/api/v1/staff/{worker.id}", json={"active": True}, headers=forged)
    assert r.status_code == 403
    # a move to another community (made in the database) is what the next request sees
    held = auth(app, worker)
    r = await client.get("/api/v1/communities", headers=held)
    assert [c["id"] for c in r.json()] == [world.communities[0].id]
    await Staff.filter(id=worker.id).update(
        community_id=world.communities[1].id, role=Role.secretary
    )
    await standing.staff_changed(worker.id)
    r = await client.get("/api/v1/communities", headers=held)
    assert [c["id"] for c in r.json()] == [world.communities[1].id]


async def test_unknown_subject_is_401_not_404(client: httpx.AsyncClient) -> None:
    await make_world(1)
    for who in ({"sub": "999999", "st": "staff"}, {"sub": "999999", "st": "resident"}):
        r = await client.get("/api/v1/auth/me", headers=_forged(who))
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "account_disabled"


async def test_logout_with_an_empty_body_ends_the_session(
    client: httpx.AsyncClient, other_worker: httpx.AsyncClient
) -> None:
    world = await make_world(1)
    pair = await _sign_in(client, world.staff["worker"].username)
    second = await _sign_in(client, world.staff["worker"].username)  # another device
    assert (await other_worker.get("/api/v1/auth/me", headers=_bearer(pair))).status_code == 200
    r = await client.post("/api/v1/auth/logout", json={}, headers=_bearer(pair))
    assert r.status_code == 204, r.text
    r = await other_worker.get("/api/v1/auth/me", headers=_bearer(pair))
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
    # the other device's sign-in is untouched, also by the refused refresh above
    assert (await client.get("/api/v1/auth/me", headers=_bearer(second))).status_code == 200
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 200


async def test_reuse_ends_the_family_access_tokens_included(
    client: httpx.AsyncClient, other_worker: httpx.AsyncClient
) -> None:
    world = await make_world(1)
    first = await _sign_in(client, world.staff["worker"].username)
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    rotated = r.json()
    for c in (client, other_worker):
        assert (await c.get("/api/v1/auth/me", headers=_bearer(rotated))).status_code == 200
    # the used refresh token comes back (stolen): the whole family ends
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_reused"
    for c in (client, other_worker):
        for tokens in (first, rotated):
            r = await c.get("/api/v1/auth/me", headers=_bearer(tokens))
            assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
