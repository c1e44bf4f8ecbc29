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

from server.demo.reports import seed_reports
from server.demo.rota import seed_rota
from server.demo.street import DemoLogin, DemoStreet, seed_street
from server.demo.visits import seed_visits
from server.models.geo import Street
from server.services.governance.demo import seed_governance
from server.services.guides.demo import seed_guides_and_duties
from server.services.reports.catalogue import seed_catalogue
from server.services.reports.sla import current_time
from server.services.visits.schedule import community_zone

log = logging.getLogger("linli.seed")
DEMO_PASSWORD = "linli-demo-2026"  # noqa: S105 - demo data only, refused in production

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoStreet", "database_is_empty", "seed_demo"]


async def database_is_empty() -> bool:
    return not await Street.exists()


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


async def seed_more(street: DemoStreet) -> None:
    """The other parts of the demo, each one line: a seed function of its own feature
    that takes the street built above and runs inside the same transaction."""
    await seed_guides_and_duties()
    await seed_governance(street)
