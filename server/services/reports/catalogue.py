"""The category catalogue: what residents can report and each kind's working-time budgets.

The catalogue is a table so a street can change it; this module seeds the default one
and keeps a short-lived in-process copy, since every create reads it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from schemas.reports import CategoryIn
from server.auth.principal import Principal
from server.domain.errors import Invalid
from server.models.reports import Category, CategorySla

# code, name, urgent, default priority, (accept, first response, resolve) minutes of
# working time at normal priority. Urgent kinds are safety matters (stuck lifts, crime).
DEFAULT_CATALOGUE: list[tuple[str, str, bool, str, tuple[int, int, int]]] = [
    ("sanitation", "环境卫生", False, "normal", (60, 240, 3 * 660)),
    ("illegal_building", "违章搭建", False, "normal", (120, 480, 10 * 660)),
    ("greening", "绿化", False, "low", (120, 480, 5 * 660)),
    ("noise", "噪音", False, "normal", (30, 120, 660)),
    ("leak", "房屋漏水", False, "high", (30, 120, 3 * 660)),
    ("elevator", "电梯", True, "high", (15, 60, 660)),
    ("parking", "停车", False, "normal", (60, 240, 2 * 660)),
    ("public_security", "治安", True, "high", (15, 60, 660)),
    ("dispute", "邻里纠纷", False, "normal", (120, 480, 5 * 660)),
    ("elderly", "为老服务", False, "high", (60, 240, 3 * 660)),
    ("facilities", "公共设施", False, "normal", (60, 240, 5 * 660)),
    ("other", "其他", False, "normal", (120, 480, 5 * 660)),
]
# Budgets at other priorities, as a share of the normal budget.
PRIORITY_SCALE = {"urgent": 0.25, "high": 0.5, "normal": 1.0, "low": 2.0}
CACHE_SECONDS = 30.0


def catalogue_sql() -> list[str]:
    """Idempotent INSERTs of the default catalogue, valid on SQLite and PostgreSQL.

    The values come from the constant table above, never from input.
    """
    out = []
    for sort, (code, name, urgent, prio, budgets) in enumerate(DEFAULT_CATALOGUE):
        out.append(
            "INSERT INTO report_category (code, name, urgent, default_priority, active, sort) "  # noqa: S608
            f"VALUES ('{code}', '{name}', {'TRUE' if urgent else 'FALSE'}, '{prio}', TRUE, "
            f"{sort}) ON CONFLICT (code) DO NOTHING"
        )
        for p, scale in PRIORITY_SCALE.items():
            a, r, z = (max(5, round(b * scale)) for b in budgets)
            out.append(
                "INSERT INTO report_category_sla (category_id, priority, accept_minutes, "  # noqa: S608
                f"respond_minutes, resolve_minutes) SELECT id, '{p}', {a}, {r}, {z} "
                f"FROM report_category WHERE code = '{code}' "
                "ON CONFLICT (category_id, priority) DO NOTHING"
            )
    return out


async def seed_catalogue(using_db: BaseDBAsyncClient | None = None) -> None:
    conn = using_db or connections.get("default")
    for sql in catalogue_sql():
        await conn.execute_query(sql)
    invalidate()


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    id: int
    code: str
    name: str
    urgent: bool
    default_priority: str
    budgets: dict[str, tuple[int, int, int]]  # priority -> accept, respond, resolve minutes
    active: bool = True


_cache: tuple[float, dict[str, CategoryInfo]] | None = None


def invalidate() -> None:
    global _cache
    _cache = None


async def _budgets() -> dict[int, dict[str, tuple[int, int, int]]]:
    """(accept, first response, resolve) minutes by category id and priority."""
    budgets: dict[int, dict[str, tuple[int, int, int]]] = {}
    for s in await CategorySla.all().values(
        "category_id", "priority", "accept_minutes", "respond_minutes", "resolve_minutes"
    ):
        budgets.setdefault(s["category_id"], {})[str(s["priority"])] = (
            s["accept_minutes"],
            s["respond_minutes"],
            s["resolve_minutes"],
        )
    return budgets


async def everything() -> list[CategoryInfo]:
    """Every category, inactive ones included, for the people who maintain the list."""
    budgets = await _budgets()
    return [
        CategoryInfo(
            c.id,
            c.code,
            c.name,
            c.urgent,
            c.default_priority.value,
            budgets.get(c.id, {}),
            c.active,
        )
        for c in await Category.all().order_by("sort", "id")
    ]


async def catalogue() -> dict[str, CategoryInfo]:
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < CACHE_SECONDS:
        return _cache[1]
    budgets = await _budgets()
    found = {
        c.code: CategoryInfo(
            c.id, c.code, c.name, c.urgent, c.default_priority.value, budgets.get(c.id, {})
        )
        for c in await Category.filter(active=True).order_by("sort", "id")
    }
    _cache = (now, found)
    return found


async def category(code: str) -> CategoryInfo:
    found = (await catalogue()).get(code)
    if found is None:
        raise Invalid(
            f"unknown category {code!r}",
            code="unknown_category",
            details={"known": sorted(await catalogue())},
        )
    return found


async def category_by_id(category_id: int) -> CategoryInfo:
    for info in (await catalogue()).values():
        if info.id == category_id:
            return info
    row = await Category.get(id=category_id)
    return CategoryInfo(row.id, row.code, row.name, row.urgent, row.default_priority.value, {})


def budget(info: CategoryInfo, priority: str) -> tuple[int, int, int]:
    if priority in info.budgets:
        return info.budgets[priority]
    # A priority the table lacks falls back to a generous default rather than no deadline.
    return (120, 480, 5 * 660)


async def upsert(code: str, data: CategoryIn, actor: Principal) -> Category:
    """Add a category or change one, with its budgets, in one transaction."""
    from tortoise.transactions import in_transaction

    from server.services.audit import audit

    async with in_transaction() as conn:
        row = await Category.filter(code=code).select_for_update().using_db(conn).first()
        fields = {
            "name": data.name,
            "urgent": data.urgent,
            "active": data.active,
            "default_priority": data.default_priority,
        }
        if row is None:
            top = await Category.all().using_db(conn).order_by("-sort").first()
            row = await Category.create(
                code=code, sort=(top.sort + 1) if top else 0, using_db=conn, **fields
            )
        else:
            row.update_from_dict(fields)
            await row.save(using_db=conn)
        for priority, b in data.budgets.items():
            await CategorySla.update_or_create(
                category_id=row.id,
                priority=priority,
                defaults=b.model_dump(),
                using_db=conn,
            )
        await audit(
            actor, "category.saved", "report_category", code, data.model_dump(), using_db=conn
        )
    invalidate()
    return row
