"""The demo street's places and people: a district, a street with its departments, three
communities with estates, buildings, grids (one per worker) and households."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.auth.passwords import hash_password
from server.models.geo import Building, Community, District, Estate, Grid, Household, Street
from server.models.people import Department, Role, Staff

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
COMMUNITIES = [
    ("hf", "华发居委", ["华发小区", "新华苑"]),
    ("fy", "番禺居委", ["番禺新村", "幸福里"]),
    ("fh", "法华居委", ["法华镇路小区", "香花桥公寓"]),
]
WORKER_NAMES = [
    ["王芳", "李娜", "张伟", "刘洋"],
    ["陈静", "杨帆", "赵磊", "黄敏"],
    ["周杰", "吴霞", "徐明", "孙丽"],
]
SECRETARY_NAMES = ["钱书记", "郑书记", "冯书记"]
BUILDINGS_PER_ESTATE = 5
HOUSEHOLDS_PER_BUILDING = 10
# Which grid (worker) looks after each building of an estate: the first three buildings
# of the first estate are the first worker's, the last two the second's, and so on.
GRID_OF_BUILDING = (0, 0, 0, 1, 1)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


@dataclass
class DemoCommunity:
    community: Community
    secretary: Staff
    workers: list[Staff]
    grids: list[Grid]
    households: list[Household] = field(default_factory=list)


@dataclass
class DemoStreet:
    """Everything the parts of the demo build on, for the seeds that come after."""

    street: Street
    departments: dict[str, Department]
    staff: dict[str, Staff]  # by username
    communities: list[DemoCommunity]
    logins: list[DemoLogin]


async def seed_street(password: str) -> DemoStreet:
    """Places and people. Runs inside the caller's transaction."""
    logins: list[DemoLogin] = []
    by_name: dict[str, Staff] = {}
    district = await District.create(code="changning", name="长宁区")
    street = await Street.create(district=district, code="xinhualu", name="新华路街道")
    departments = {
        code: await Department.create(street=street, code=code, name=name)
        for code, name in DEPARTMENTS
    }
    # One hash for every demo account: each costs about 0.1 s to make, and they share
    # the one published demo password anyway.
    digest = hash_password(password)

    async def staff(username: str, name: str, role: Role, scope: str, **where: Any) -> Staff:
        s = await Staff.create(
            username=username, password_hash=digest, display_name=name, role=role, **where
        )
        logins.append(DemoLogin(username, role.value, scope))
        by_name[username] = s
        return s

    await staff("admin", "系统管理员", Role.admin, "all")
    await staff("dispatch", "街道派单员 林", Role.street_dispatcher, street.name, street=street)
    await staff("dispatch2", "街道派单员 何", Role.street_dispatcher, street.name, street=street)
    for code, dept_name in (("chengguan", "城管"), ("fangban", "房办")):
        await staff(
            f"officer_{code}",
            f"{dept_name}联络员",
            Role.department_officer,
            dept_name,
            street=street,
            department=departments[code],
        )

    communities = []
    for ci, (code, cname, estates) in enumerate(COMMUNITIES):
        community = await Community.create(street=street, code=code, name=cname)
        secretary = await staff(
            f"sec_{code}",
            SECRETARY_NAMES[ci],
            Role.secretary,
            cname,
            community=community,
            street=street,
        )
        workers = [
            await staff(
                f"{code}{wi + 1}", wname, Role.worker, cname, community=community, street=street
            )
            for wi, wname in enumerate(WORKER_NAMES[ci])
        ]
        grids = [
            await Grid.create(community=community, name=f"第{gi + 1}网格", worker=w)
            for gi, w in enumerate(workers)
        ]
        demo = DemoCommunity(community, secretary, workers, grids)
        households: list[Household] = []
        for ei, ename in enumerate(estates):
            estate = await Estate.create(
                community=community, name=ename, address=f"新华路{100 + ci * 50 + ei * 7}弄"
            )
            for bi in range(BUILDINGS_PER_ESTATE):
                building = await Building.create(
                    estate=estate,
                    grid=grids[ei * 2 + GRID_OF_BUILDING[bi]],
                    name=f"{bi + 1}号楼",
                    floors=6,
                )
                for hi in range(HOUSEHOLDS_PER_BUILDING):
                    floor = hi // 2 + 1
                    households.append(
                        Household(
                            community=community,
                            building=building,
                            unit="1",
                            floor=floor,
                            room=f"{floor}0{hi % 2 + 1}",
                        )
                    )
        await Household.bulk_create(households)
        demo.households = await Household.filter(community=community).order_by("id")
        communities.append(demo)
    return DemoStreet(street, departments, by_name, communities, logins)
