"""The demo street for the embedded default: a street on a working day, with people,
a published rota, households with visit histories and reports at every stage.

Runs only on an empty database, in one transaction; every date is counted from now, so
a fresh ``make run`` on any day shows live deadlines. Passwords are a known demo value,
so the seed refuses to run in production (``server.cli``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from time import perf_counter

from tortoise.transactions import in_transaction

<<<<<<< HEAD
from server.demo.reports import seed_reports
from server.demo.rota import seed_rota
from server.demo.street import DemoLogin, DemoStreet, seed_street
from server.demo.visits import seed_visits
from server.models.geo import Street
from server.services.reports.catalogue import seed_catalogue
from server.services.reports.sla import current_time
from server.services.visits.schedule import community_zone
=======
from schemas.reports import Location, ReportCreate
from server.auth.passwords import hash_password
from server.models.geo import Building, Community, District, Estate, Grid, Household, Street
from server.models.people import Department, Resident, ResidentHousehold, Role, Staff
from server.services.auth import resident_principal
from server.services.guides.demo import seed_guides_and_duties
>>>>>>> guides

log = logging.getLogger("linli.seed")
DEMO_PASSWORD = "linli-demo-2026"  # noqa: S105 - demo data only, refused in production

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoStreet", "database_is_empty", "seed_demo"]


async def database_is_empty() -> bool:
    return not await Street.exists()


<<<<<<< HEAD
async def seed_demo(password: str = DEMO_PASSWORD, now: datetime | None = None) -> list[DemoLogin]:
    """Create the demo street in one transaction and return its logins; on a database
    that already has a street, do nothing and return no logins."""
    started = perf_counter()
    now = now or current_time()
    async with in_transaction():
        if not await database_is_empty():
            return []
        await seed_catalogue()
        street = await seed_street(password)
        for c in street.communities:
            today = now.astimezone(await community_zone(c.community.id)).date()
            await seed_rota(c, today)
            await seed_visits(c, today, await community_zone(c.community.id))
        await seed_reports(street, now)
        await seed_more(street)
    log.info(
        "seeded the demo street: %d logins in %.2f s", len(street.logins), perf_counter() - started
    )
    return street.logins
=======
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
>>>>>>> guides


async def seed_more(street: DemoStreet) -> None:
    """The other parts of the demo, each one line: a seed function of its own feature
    that takes the street built above and runs inside the same transaction."""
