"""Test data for self-governance: a building of households with floor areas, verified
residents, and a lift project approved by the secretary."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from sanic import Sanic

from server.models.geo import Building, Estate, Household
from server.models.people import Resident
from server.models.visits import HouseholdArea
from tests.support.factories import World, auth
from tests.support.visits import bind


@dataclass
class Block:
    building: Building
    households: list[Household]
    residents: list[Resident]  # one verified resident per household, in the same order
    other: Household  # a household in another building of the same estate
    other_resident: Resident
    project: dict = field(default_factory=dict)


async def make_block(world: World, areas: list[str], *, name: str = "8号楼") -> Block:
    c = world.communities[0]
    estate, _ = await Estate.get_or_create(community=c, name="怒江苑")
    building = await Building.create(estate=estate, name=name)
    households = []
    for i, area in enumerate(areas, start=1):
        h = await Household.create(
            community=c, building=building, unit="1", floor=(i + 1) // 2, room=f"{i:02d}"
        )
        await HouseholdArea.create(household=h, area=Decimal(area), source="产证")
        households.append(h)
    residents = [await bind(h) for h in households]
    elsewhere = await Building.create(estate=estate, name=f"{name}-旁")
    other = await Household.create(community=c, building=elsewhere, unit="1", room="101")
    await HouseholdArea.create(household=other, area=Decimal(70))
    return Block(building, households, residents, other, await bind(other))


async def open_lift_project(
    app: Sanic, client: httpx.AsyncClient, world: World, block: Block
) -> dict:
    """A lift project opened by the first household's resident and approved."""
    body = {
        "kind": "lift",
        "title": "8号楼加装电梯",
        "building_id": block.building.id,
        "coordinator_household_id": block.households[0].id,
    }
    r = await client.post(
        "/api/v1/governance/projects", json=body, headers=auth(app, block.residents[0])
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = await client.post(
        f"/api/v1/governance/projects/{pid}/approve", headers=auth(app, world.staff["secretary"])
    )
    assert r.status_code == 200, r.text
    block.project = r.json()
    return block.project
