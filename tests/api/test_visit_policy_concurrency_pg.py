"""Secretaries saving a community's visit policy at the same moment, on PostgreSQL through
separate pooled connections: every save answers 200 and the last one wins whole, both for
a community's first policy (no row to lock yet) and for later ones."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sanic import Sanic

from server.models.visits import VisitPolicy, VisitSchedule
from tests.support.factories import auth, make_world
from tests.support.visits import make_area
from tests.support.visits_api import register

pytestmark = pytest.mark.postgres
SAVES = 8


async def _save_together(app: Sanic, client: httpx.AsyncClient, cid: int, who) -> list[int]:
    bodies = [
        {"cadences": {"living_alone": 7 + i, "aged": 14 + i}, "default_days": 30 + i}
        for i in range(SAVES)
    ]
    answers = await asyncio.gather(
        *(
            client.put(f"/api/v1/visits/policies/{cid}", json=b, headers=auth(app, who))
            for b in bodies
        )
    )
    return [r.status_code for r in answers]


async def test_concurrent_policy_saves_all_succeed(app: Sanic, client: httpx.AsyncClient) -> None:
    world = await make_world()
    area = await make_area(world)
    cid, sec = world.communities[0].id, world.staff["secretary"]
    for i in range(24):
        await register(
            app,
            client,
            world.staff["worker"],
            area.buildings[i % 3].id,
            f"{100 + i}",
            groups=["living_alone"] if i % 2 else [],
        )
    for _round in range(3):  # the first round creates the policy row, later ones update it
        assert await _save_together(app, client, cid, sec) == [200] * SAVES
        assert await VisitPolicy.filter(community_id=cid).count() == 1
    policy = await VisitPolicy.get(community_id=cid)
    # Every schedule follows the policy that was saved last, not a mix of two.
    cadences = set(
        await VisitSchedule.filter(community_id=cid).values_list("cadence_days", flat=True)
    )
    assert cadences == {policy.default_days, policy.cadences["living_alone"]}
