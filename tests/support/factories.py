"""Building test data: a street with communities, departments and staff of every role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sanic import Sanic

from server.auth.passwords import hash_password
from server.models.geo import Building, Community, District, Estate, Grid, Household, Street
from server.models.people import Department, Resident, Role, Staff
from server.services.auth import resident_principal, staff_principal

PASSWORD = "correct horse battery"
_HASH: str | None = None
_seq = itertools.count(1)

DEPARTMENTS = [
    ("chengguan", "城管"),
    ("fangban", "房办"),
    ("lvhua", "绿化市容"),
    ("paichusuo", "派出所"),
    ("shichang", "市场监管"),
    ("jiaojing", "交警"),
    ("xiaofang", "消防"),
    ("wuye", "物业"),
]


def password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


@dataclass
class World:
    district: District
    street: Street
    communities: list[Community]
    departments: dict[str, Department]
    staff: dict[str, Staff] = field(default_factory=dict)


async def make_world(n_communities: int = 2, tag: str | None = None) -> World:
    tag = tag or str(next(_seq))
    district = await District.create(code=f"d{tag}", name=f"区{tag}")
    street = await Street.create(district=district, code=f"s{tag}", name=f"街道{tag}")
    communities = [
        await Community.create(street=street, code=f"c{tag}-{i}", name=f"居委{tag}-{i}")
        for i in range(n_communities)
    ]
    departments = {
        code: await Department.create(street=street, code=code, name=name)
        for code, name in DEPARTMENTS
    }
    world = World(district, street, communities, departments)
    c0 = communities[0]
    world.staff["worker"] = await make_staff(Role.worker, community=c0, username=f"w{tag}")
    world.staff["worker2"] = await make_staff(Role.worker, community=c0, username=f"w2{tag}")
    world.staff["secretary"] = await make_staff(Role.secretary, community=c0, username=f"s{tag}")
    if n_communities > 1:
        world.staff["other_worker"] = await make_staff(
            Role.worker, community=communities[1], username=f"ow{tag}"
        )
    world.staff["dispatcher"] = await make_staff(
        Role.street_dispatcher, street=street, username=f"d{tag}"
    )
    world.staff["officer"] = await make_staff(
        Role.department_officer, department=departments["chengguan"], username=f"o{tag}"
    )
    world.staff["admin"] = await make_staff(Role.admin, username=f"a{tag}")
    return world


async def make_staff(
    role: Role,
    *,
    community: Community | None = None,
    street: Street | None = None,
    department: Department | None = None,
    username: str | None = None,
    active: bool = True,
) -> Staff:
    if community is not None and street is None:
        street = await Street.get(id=community.street_id)
    if department is not None and street is None:
        street = await Street.get(id=department.street_id)
    return await Staff.create(
        username=username or f"u{next(_seq)}",
        password_hash=password_hash(),
        display_name=f"{role.value}-{username}",
        role=role,
        community=community,
        street=street,
        department=department,
        active=active,
    )


async def make_household(community: Community, room: str | None = None) -> Household:
    estate, _ = await Estate.get_or_create(community=community, name=f"小区{community.id}")
    grid, _ = await Grid.get_or_create(community=community, name=f"网格{community.id}")
    building, _ = await Building.get_or_create(estate=estate, name="1号楼", defaults={"grid": grid})
    return await Household.create(
        community=community, building=building, unit="1", floor=1, room=room or str(next(_seq))
    )


async def make_resident(openid: str | None = None) -> Resident:
    return await Resident.create(openid=openid or f"o-test-{next(_seq)}")


def token_for(app: Sanic, who: Staff | Resident) -> str:
    p = staff_principal(who) if isinstance(who, Staff) else resident_principal(who)
    return str(app.ctx.signer.access(p).token)


def auth(app: Sanic, who: Staff | Resident) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(app, who)}"}
