"""Open311 API keys: issued and revoked by an admin, stored hashed, limited per key."""

from __future__ import annotations

import hashlib
from datetime import datetime

import httpx
import pytest
from sanic import Sanic

from server.domain.errors import Forbidden, RateLimited
from server.models.open311 import ApiKey
from server.services.open311_keys import Open311Keys
from tests.support.factories import auth, make_world


async def issue(client: httpx.AsyncClient, app: Sanic, admin: object, **body: object) -> dict:
    r = await client.post("/api/v1/open311/keys", json=body, headers=auth(app, admin))  # type: ignore[arg-type]
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_admin_issues_a_key_shown_once_and_stored_hashed(
    client: httpx.AsyncClient, app: Sanic
) -> None:
    world = await make_world()
    admin = world.staff["admin"]
    got = await issue(client, app, admin, name="城市 App", community_id=world.communities[0].id)
    key = got["key"]
    assert key.startswith("o311_") and len(key) > 40
    assert got["prefix"] == key[: len(got["prefix"])] and got["revoked_at"] is None
    row = await ApiKey.get(id=got["id"])
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(await ApiKey.all().values())
    listed = (await client.get("/api/v1/open311/keys", headers=auth(app, admin))).json()
    assert [k["id"] for k in listed] == [got["id"]]
    assert "key" not in listed[0]


async def test_only_admins_manage_keys(client: httpx.AsyncClient, app: Sanic) -> None:
    world = await make_world()
    for who in ("worker", "secretary", "dispatcher"):
        h = auth(app, world.staff[who])
        r = await client.post("/api/v1/open311/keys", json={"name": "x"}, headers=h)
        assert r.status_code == 403
        assert (await client.get("/api/v1/open311/keys", headers=h)).status_code == 403
    assert (await client.get("/api/v1/open311/keys")).status_code == 401


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x", "rate_per_minute": 0}, {"name": "x", "secret": "y"}],
)
async def test_bad_key_requests_are_refused(
    client: httpx.AsyncClient, app: Sanic, body: dict[str, object]
) -> None:
    world = await make_world()
    h = auth(app, world.staff["admin"])
    r = await client.post("/api/v1/open311/keys", json=body, headers=h)
    assert r.status_code == 422
    assert await ApiKey.all().count() == 0


async def test_unknown_community_is_refused(client: httpx.AsyncClient, app: Sanic) -> None:
    world = await make_world()
    r = await client.post(
        "/api/v1/open311/keys",
        json={"name": "x", "community_id": 999999},
        headers=auth(app, world.staff["admin"]),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_community"


async def test_revoked_key_stops_working_at_once(client: httpx.AsyncClient, app: Sanic) -> None:
    world = await make_world()
    admin = world.staff["admin"]
    got = await issue(client, app, admin, name="x")
    keys: Open311Keys = app.ctx.api_keys
    p = await keys.authenticate(got["key"])
    assert p.is_client and p.id == got["id"] and p.community_id is None
    r = await client.post(f"/api/v1/open311/keys/{got['id']}/revoke", headers=auth(app, admin))
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    again = await client.post(f"/api/v1/open311/keys/{got['id']}/revoke", headers=auth(app, admin))
    first, second = (datetime.fromisoformat(x.json()["revoked_at"]) for x in (r, again))
    assert first == second
    with pytest.raises(Forbidden, match="revoked"):
        await keys.authenticate(got["key"])
    missing = await client.post("/api/v1/open311/keys/999999/revoke", headers=auth(app, admin))
    assert missing.status_code == 404


async def test_wrong_keys_are_refused(client: httpx.AsyncClient, app: Sanic) -> None:
    world = await make_world()
    got = await issue(client, app, world.staff["admin"], name="x")
    keys: Open311Keys = app.ctx.api_keys
    for bad in (got["key"] + "x", got["key"][:-1], "o311_", "not-a-key", got["prefix"]):
        with pytest.raises(Forbidden, match="not valid"):
            await keys.authenticate(bad)


async def test_rate_limit_per_key(client: httpx.AsyncClient, app: Sanic) -> None:
    world = await make_world()
    slow = await issue(client, app, world.staff["admin"], name="slow", rate_per_minute=3)
    other = await issue(client, app, world.staff["admin"], name="other", rate_per_minute=3)
    keys: Open311Keys = app.ctx.api_keys
    for _ in range(3):
        await keys.authenticate(slow["key"])
    with pytest.raises(RateLimited) as err:
        await keys.authenticate(slow["key"])
    assert 1 <= err.value.retry_after <= 60
    await keys.authenticate(other["key"])  # another key has its own budget
