"""Test data for the registry and visits: an estate with buildings in two grids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from server.models.geo import Building, Community, Estate, Grid, Household
from server.models.people import Resident, ResidentHousehold, Staff
from tests.support.factories import World, make_resident


@dataclass
class Area:
    estate: Estate
    grids: list[Grid]
    buildings: list[Building]
    households: list[Household] = field(default_factory=list)


async def make_area(
    world: World, community: Community | None = None, *, worker: Staff | None = None
) -> Area:
    """Two grids: grid 0 (buildings 2号楼 and 10号楼) looked after by the world's worker."""
    c = community or world.communities[0]
    estate = await Estate.create(community=c, name=f"康乐小区{c.id}")
    g0 = await Grid.create(
        community=c, name=f"一网格{c.id}", worker=worker or world.staff["worker"]
    )
    g1 = await Grid.create(community=c, name=f"二网格{c.id}", worker=None)
    b2 = await Building.create(estate=estate, name="2号楼", grid=g0)
    b10 = await Building.create(estate=estate, name="10号楼", grid=g0)
    b3 = await Building.create(estate=estate, name="3号楼", grid=g1)
    return Area(estate, [g0, g1], [b2, b10, b3])


async def bind(
    household: Household, *, verified: bool = True, resident: Resident | None = None
) -> Resident:
    r = resident or await make_resident()
    await ResidentHousehold.create(
        resident=r, household=household, verified_at=datetime.now(UTC) if verified else None
    )
    return r
