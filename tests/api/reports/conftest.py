"""Fixtures for the report tests: a seeded catalogue, a street with staff, residents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sanic import Sanic

from server.models.people import Resident, ResidentHousehold
from server.services.reports import sla
from server.services.reports.catalogue import seed_catalogue
from tests.support.factories import World, auth, make_household, make_resident, make_world


@dataclass
class Ctx:
    app: Sanic
    client: httpx.AsyncClient
    world: World
    alice: Resident  # lives in community 0
    bob: Resident  # also community 0

    def h(self, who: Any) -> dict[str, str]:
        if isinstance(who, str):
            who = self.world.staff[who]
        return auth(self.app, who)

    async def report(self, who: Any = None, **over: Any) -> dict[str, Any]:
        body = {"category": "sanitation", "description": "楼道里堆满了垃圾，很久没人清理"}
        body.update(over)
        r = await self.client.post("/api/v1/reports/", json=body, headers=self.h(who or self.alice))
        assert r.status_code == 201, r.text
        return r.json()["report"]

    async def move(
        self, rid: int, who: Any, move: str, note: str | None = None, **kw: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {"move": move, **kw}
        if note is not None:
            body["note"] = note
        return await self.client.post(
            f"/api/v1/reports/{rid}/transitions", json=body, headers=self.h(who)
        )

    async def staff_view(self, rid: int, who: Any = "admin") -> dict[str, Any]:
        r = await self.client.get(f"/api/v1/reports/{rid}", headers=self.h(who))
        assert r.status_code == 200, r.text
        return r.json()


async def bind(resident: Resident, community: Any) -> None:
    household = await make_household(community)
    await ResidentHousehold.create(
        resident=resident, household=household, verified_at=datetime.now(UTC)
    )


class AlwaysOpen:
    """Desks open around the clock, every day: lifecycle tests must not depend on the
    hour they happen to run at. The real calendar has its own tests (test_sla)."""

    def add(self, start: datetime, work: timedelta) -> datetime:
        return start + work

    def between(self, a: datetime, b: datetime) -> timedelta:
        return max(timedelta(0), b - a)

    def is_open(self, at: datetime) -> bool:
        return True

    def next_open(self, at: datetime) -> datetime:
        return at


def fixed_clock(clock: Any) -> Any:
    """A stand-in for ``sla.clock_for`` that always answers ``clock``."""

    async def clock_for(community_id: int, tz: str = "", *, using_db: Any = None) -> Any:
        return clock

    return clock_for


@pytest.fixture(autouse=True)
def always_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sla, "clock_for", fixed_clock(AlwaysOpen()))


@pytest.fixture
async def ctx(app: Sanic, client: httpx.AsyncClient) -> Ctx:
    await seed_catalogue()
    world = await make_world()
    alice, bob = await make_resident(), await make_resident()
    await bind(alice, world.communities[0])
    await bind(bob, world.communities[0])
    return Ctx(app, client, world, alice, bob)
