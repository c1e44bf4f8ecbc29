"""A demo street for the embedded default: communities, staff of every role, households.

Runs only on an empty database. Passwords are a known demo value, so the seed refuses
to run in production.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from schemas.reports import Location, ReportCreate
from server.auth.passwords import hash_password
from server.models.geo import Building, Community, District, Estate, Grid, Household, Street
from server.models.people import Department, Resident, ResidentHousehold, Role, Staff
from server.services.auth import resident_principal
from server.services.guides.demo import seed_guides_and_duties

log = logging.getLogger("linli.seed")
DEMO_PASSWORD = "linli-demo-2026"  # noqa: S105 - demo data only, refused in production

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


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


async def database_is_empty() -> bool:
    return not await Street.exists()


async def seed_demo(password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    """Create the demo street in one transaction and return its logins."""
    logins: list[DemoLogin] = []
    async with in_transaction() as conn:
        district = await District.create(code="changning", name="长宁区", using_db=conn)
        street = await Street.create(
            district=district, code="xinhualu", name="新华路街道", using_db=conn
        )
        departments = {
            code: await Department.create(street=street, code=code, name=name, using_db=conn)
            for code, name in DEPARTMENTS
        }

        async def staff(username: str, name: str, role: Role, scope: str, **where: object) -> Staff:
            s = await Staff.create(
                username=username,
                password_hash=hash_password(password),  # own salt per account
                display_name=name,
                role=role,
                using_db=conn,
                **where,
            )
            logins.append(DemoLogin(username, role.value, scope))
            return s

        await staff("admin", "系统管理员", Role.admin, "all")
        await staff("dispatch", "街道派单员 林", Role.street_dispatcher, street.name, street=street)
        await staff(
            "dispatch2", "街道派单员 何", Role.street_dispatcher, street.name, street=street
        )
        for code, dept_name in (("chengguan", "城管"), ("fangban", "房办")):
            await staff(
                f"officer_{code}",
                f"{dept_name}联络员",
                Role.department_officer,
                dept_name,
                street=street,
                department=departments[code],
            )

        for ci, (code, cname, estates) in enumerate(COMMUNITIES):
            community = await Community.create(street=street, code=code, name=cname, using_db=conn)
            await staff(
                f"sec_{code}",
                SECRETARY_NAMES[ci],
                Role.secretary,
                cname,
                community=community,
                street=street,
            )
            workers = [
                await staff(
                    f"{code}{wi + 1}",
                    wname,
                    Role.worker,
                    cname,
                    community=community,
                    street=street,
                )
                for wi, wname in enumerate(WORKER_NAMES[ci])
            ]
            grids = [
                await Grid.create(
                    community=community, name=f"第{gi + 1}网格", worker=workers[gi], using_db=conn
                )
                for gi in range(2)
            ]
            households: list[Household] = []
            for ei, ename in enumerate(estates):
                estate = await Estate.create(
                    community=community,
                    name=ename,
                    address=f"新华路{100 + ci * 50 + ei * 7}弄",
                    using_db=conn,
                )
                for bi in range(5):
                    building = await Building.create(
                        estate=estate,
                        grid=grids[ei],
                        name=f"{bi + 1}号楼",
                        floors=6,
                        using_db=conn,
                    )
                    for hi in range(10):
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
            await Household.bulk_create(households, using_db=conn)
    await seed_demo_reports()
    await seed_guides_and_duties()
    log.info("seeded the demo street: %d logins", len(logins))
    return logins


DEMO_REPORTS = [
    ("sanitation", "3号楼门口垃圾桶满了两天没人清运，夏天味道很大。"),
    ("leak", "楼上卫生间漏水，我家天花板已经发霉，请帮忙协调。"),
    ("noise", "晚上十一点以后楼下商铺还在装修，噪音很大。"),
    ("parking", "消防通道长期被私家车占用，救护车进不来。"),
    ("elderly", "隔壁独居的张阿姨三天没出门了，有点担心。"),
    ("greening", "小区中心绿地的树枝压到电线了。"),
    ("illegal_building", "顶楼有人在露台上搭了一间铁皮房。"),
    ("facilities", "5号楼楼道灯坏了，晚上老人上下楼很危险。"),
]


async def seed_demo_reports() -> None:
    """A handful of residents' reports, each through the real create use case, so they
    have owners, deadlines, timelines and outbox rows like any other."""
    from server.services.reports.create import create_report

    households = await Household.all().order_by("id").limit(len(DEMO_REPORTS) * 37)
    # Assign as if filed on a recent weekday morning, when desks are open.
    today = datetime.now(UTC)
    filed = (today - timedelta(days=(today.weekday() + 7 - 1) % 7 or 7)).replace(
        hour=1, minute=30, second=0, microsecond=0
    )  # 09:30 in Shanghai
    for i, (category, text) in enumerate(DEMO_REPORTS):
        household = households[(i * 37) % len(households)]
        resident = await Resident.create(openid=f"demo-openid-{i + 1:03d}", nickname=f"居民{i + 1}")
        await ResidentHousehold.create(resident=resident, household=household, verified_at=filed)
        body = ReportCreate(
            category=category,
            description=text,
            location=Location(lat=31.2085 + i * 0.0007, lng=121.4225 + i * 0.0005),
        )
        await create_report(body, resident_principal(resident), now=filed + timedelta(minutes=i))
