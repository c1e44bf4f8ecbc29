"""Redis is a cache and a bus, not the record. The served app (``linli-server serve`` with
its relay) on a redis-server of the test's own: with Redis stopped, residents' reports are
still accepted, staff still move matters and sign in, ``/readyz`` says degraded, security
does not open up (ended sign-ins and the staff row come from the database), and pushes
wait; with Redis started again, everything recovers and the waiting pushes go out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.auth.tokens import TokenSigner
from server.config import Settings
from server.models.notify import SubscriptionCredit
from server.models.people import ResidentHousehold
from server.services.auth import resident_principal
from server.services.reports.catalogue import seed_catalogue
from tests.support.factories import make_household, make_resident, make_world
from tests.support.fake_wechat import FakeWeChat
from tests.support.notify import PROGRESS
from tests.support.redis_process import RedisProcess
from tests.support.served import Served, served_env


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisProcess]:
    r = RedisProcess(tmp_path).start()
    try:
        yield r
    finally:
        r.stop()


@pytest.fixture
def served(settings: Settings, redis: RedisProcess, tmp_path: Path) -> Iterator[Served]:
    env = served_env(
        settings,
        REDIS_URL=redis.url,
        RELAY_IN_SERVER="true",
        RELAY_POLL_SECONDS="0.1",
        RELAY_INFLIGHT="4",
    )
    server = Served(env, tmp_path / "server.log")
    try:
        yield server
    finally:
        server.close()


async def _until(check: Any, what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise TimeoutError(what)


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_redis_stopped_then_started_again(
    db: None,
    settings: Settings,
    redis: RedisProcess,
    served: Served,
    fake_wechat: FakeWeChat,
) -> None:
    await seed_catalogue()
    world = await make_world()
    resident = await make_resident()
    household = await make_household(world.communities[0])
    await ResidentHousehold.create(
        resident=resident, household=household, verified_at=datetime.now(UTC)
    )
    await SubscriptionCredit.create(
        resident=resident, template_id=PROGRESS, remaining=100, granted_total=100
    )
    signer = TokenSigner(settings.jwt_secret, settings.access_token_ttl, settings.refresh_token_ttl)
    resident_h = _h(signer.access(resident_principal(resident)).token)
    served.wait_ready()
    staff = {who: served.login(world.staff[who].username) for who in ("worker", "admin")}
    leaving = served.login(world.staff["worker2"].username)
    ended = served.login(world.staff["secretary"].username)
    answers: list[tuple[str, int]] = []

    async with httpx.AsyncClient(base_url=served.base, timeout=30) as http:

        async def call(method: str, path: str, token_h: dict[str, str], **kw: Any) -> Any:
            r = await http.request(method, path, headers=token_h, **kw)
            answers.append((f"{method} {path}", r.status_code))
            return r

        r = await call("GET", "/readyz", {})
        assert r.json()["status"] == "ok", r.text
        # standing cached in Redis for every caller; one sign-in ends while Redis is up
        for token in (*staff.values(), leaving, ended):
            assert (await call("GET", "/api/v1/auth/me", _h(token))).status_code == 200
        assert (await call("POST", "/api/v1/auth/logout", _h(ended), json={})).status_code == 204

        redis.stop()

        r = await call("GET", "/readyz", {})
        assert r.status_code == 200 and r.json()["status"] == "degraded", r.text
        assert r.json()["checks"]["broker"].startswith("fail")
        # residents' reports are still accepted, staff still move them and sign in
        created = []
        for i in range(3):
            body = {"category": "sanitation", "description": f"楼道里堆满了垃圾 {i}"}
            r = await call("POST", "/api/v1/reports/", resident_h, json=body)
            assert r.status_code == 201, r.text
            created.append(r.json()["report"]["id"])
        for rid in created:
            url = f"/api/v1/reports/{rid}/transitions"
            r = await call("POST", url, _h(staff["worker"]), json={"move": "accept"})
            if r.status_code == 403 and "claim" in r.json()["error"]["details"]["allowed"]:
                r = await call("POST", url, _h(staff["worker"]), json={"move": "claim"})
            if r.status_code == 409 and r.json()["error"]["code"] == "already_owned":
                # in desk hours the worker on duty owns a new report from the start (首问)
                owner_id = r.json()["error"]["details"]["owner_id"]
                owner = next(s for s in world.staff.values() if s.id == owner_id)
                r = await call(
                    "POST", url, _h(served.login(owner.username)), json={"move": "accept"}
                )
            assert r.status_code == 200, r.text
        r = await call("GET", "/api/v1/triage/queue", _h(staff["worker"]))
        assert r.status_code == 200, r.text
        staff["secretary"] = served.login(world.staff["secretary"].username)
        # security does not open up: an ended sign-in stays ended, a deactivation holds
        r = await call("GET", "/api/v1/auth/me", _h(ended))
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
        r = await call(
            "PATCH",
            f"/api/v1/staff/{world.staff['worker2'].id}",
            _h(staff["admin"]),
            json={"active": False},
        )
        assert r.status_code == 200, r.text
        r = await call("GET", "/api/v1/auth/me", _h(leaving))
        assert r.status_code == 401 and r.json()["error"]["code"] == "account_disabled"

        redis.start()

        async def ready() -> bool:
            r = await http.get("/readyz")
            return bool(r.json()["status"] == "ok")

        await _until(ready, "readiness did not come back with Redis")
        for token in staff.values():
            assert (await call("GET", "/api/v1/auth/me", _h(token))).status_code == 200
        for token, code in ((ended, "token_revoked"), (leaving, "account_disabled")):
            r = await call("GET", "/api/v1/auth/me", _h(token))
            assert r.status_code == 401 and r.json()["error"]["code"] == code

        # the pushes for the moves made while Redis was away were delayed, not lost
        async def pushed() -> bool:
            told = [m for m in fake_wechat.state.sent if m.get("touser") == resident.openid]
            return len(told) >= len(created)

        await _until(pushed, "the resident was not told of the moves")

    assert [a for a in answers if a[1] >= 500] == [], served.output()[-3000:]
