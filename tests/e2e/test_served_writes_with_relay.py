"""The served app with its relay beside it (a Sanic-managed process on the same
database): concurrent staff and resident writes while the relay fans out and sends
never fail a request, and no lock error reaches the log."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from server.auth.tokens import TokenSigner
from server.config import Settings
from server.models.notify import SubscriptionCredit
from server.models.people import Resident, ResidentHousehold
from server.services.auth import resident_principal
from server.services.reports.catalogue import seed_catalogue
from tests.support.factories import make_household, make_resident, make_world
from tests.support.fake_wechat import FakeWeChat
from tests.support.notify import PROGRESS
from tests.support.served import Served, served_env

CONNECTIONS = 16
ROUNDS = 12  # requests per connection


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    env = served_env(
        settings, RELAY_IN_SERVER="true", RELAY_POLL_SECONDS="0.05", RELAY_INFLIGHT="8"
    )
    server = Served(env, tmp_path / "server.log")
    try:
        yield server
    finally:
        server.close()


async def _resident(community: object, signer: TokenSigner) -> tuple[Resident, str]:
    r = await make_resident()
    household = await make_household(community)  # type: ignore[arg-type]
    await ResidentHousehold.create(resident=r, household=household, verified_at=datetime.now(UTC))
    await SubscriptionCredit.create(
        resident=r, template_id=PROGRESS, remaining=1000, granted_total=1000
    )
    return r, str(signer.access(resident_principal(r)).token)


async def test_concurrent_writes_beside_a_draining_relay(
    db: None, settings: Settings, served: Served, fake_wechat: FakeWeChat
) -> None:
    await seed_catalogue()
    world = await make_world()
    c = world.communities[0]
    signer = TokenSigner(settings.jwt_secret, settings.access_token_ttl, settings.refresh_token_ttl)
    residents = [await _resident(c, signer) for _ in range(4)]
    served.wait_ready()
    tokens = {
        world.staff[who].id: served.login(world.staff[who].username)
        for who in ("secretary", "worker")
    }
    staff = list(tokens.values())
    usernames = {s.id: s.username for s in world.staff.values()}

    statuses: list[tuple[str, int, str]] = []
    created: asyncio.Queue[int] = asyncio.Queue()
    turn = itertools.count()

    async def resident_writes(http: httpx.AsyncClient, i: int) -> None:
        _, token = residents[i % len(residents)]
        h = {"Authorization": f"Bearer {token}"}
        for k in range(ROUNDS):
            body = {"category": "sanitation", "description": f"楼道里堆满了垃圾 {i}-{k}"}
            r = await http.post("/api/v1/reports/", json=body, headers=h)
            statuses.append(("create", r.status_code, r.text[:300]))
            if r.status_code == 201:
                await created.put(r.json()["report"]["id"])

    async def staff_writes(http: httpx.AsyncClient, i: int) -> None:
        mine = {"Authorization": f"Bearer {staff[i % len(staff)]}"}
        for _ in range(ROUNDS):
            rid = await asyncio.wait_for(created.get(), 60)
            # Accept (the resident is told), or claim it when no one owns it, then a public
            # reply (the resident is told again). In desk hours the worker on duty owns a new
            # report from the start (首问), and then the owner accepts it.
            h = mine
            url = f"/api/v1/reports/{rid}/transitions"
            r = await http.post(url, json={"move": "accept"}, headers=h)
            if r.status_code == 403 and "claim" in r.json()["error"]["details"]["allowed"]:
                r = await http.post(url, json={"move": "claim"}, headers=h)
            if r.status_code == 409 and r.json()["error"]["code"] == "already_owned":
                owner = r.json()["error"]["details"]["owner_id"]
                if owner not in tokens:
                    tokens[owner] = served.login(usernames[owner])
                h = {"Authorization": f"Bearer {tokens[owner]}"}
                r = await http.post(url, json={"move": "accept"}, headers=h)
            statuses.append(("accept", r.status_code, r.text[:300]))
            r = await http.post(
                f"/api/v1/reports/{rid}/comments",
                json={"text": f"已安排处理 {next(turn)}", "public": True},
                headers=h,
            )
            statuses.append(("reply", r.status_code, r.text[:300]))

    async with httpx.AsyncClient(base_url=served.base, timeout=60) as http:
        await asyncio.gather(
            *(
                (resident_writes if i % 2 == 0 else staff_writes)(http, i)
                for i in range(CONNECTIONS)
            )
        )

    failed = [s for s in statuses if s[1] >= 500]
    log = served.output()
    assert not failed, (failed[:5], log[-3000:])
    assert "database is locked" not in log, log[-3000:]
    assert "OperationalError" not in log, log[-3000:]
    # Every request landed (a 409 would be a test bug: each report is accepted once).
    assert {s[1] for s in statuses} <= {200, 201}, [s for s in statuses if s[1] >= 300][:5]
    # The relay really ran beside the writes: WeChat received pushes while they went on.
    assert fake_wechat.state.sent, "the relay sent nothing: it did not drain beside the API"
