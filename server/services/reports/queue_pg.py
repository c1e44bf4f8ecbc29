"""The triage queue on PostgreSQL as two hand-written statements: the page, and every
tab's count in one pass. The queue is the busiest read staff make; the ORM's per-row and
per-query overhead would cost more than the database work itself.

Same filters, scope and order as the portable version in ``queries``; the test suite
runs both (this one on PostgreSQL).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from tortoise import connections

from schemas.reports import QueueQuery, TabCounts
from server.auth.principal import Principal
from server.auth.scope import scope_target
from server.domain.lifecycle import OPEN, Status
from server.models.people import Role
from server.models.reports import LegStatus
from server.services.reports.access import REPORT_SCOPE

OPEN_VALUES = sorted(s.value for s in OPEN)
LIVE_LEGS = [LegStatus.pending.value, LegStatus.accepted.value, LegStatus.working.value]
COLUMNS = (
    "r.id, r.community_id, r.category_id, r.priority, r.status, r.title, r.owner_id, "
    "r.resident_id, r.created_at, r.due_at, r.paused_at, r.escalation_level"
)
# Each scope path of REPORT_SCOPE, as SQL on the report row ``r``.
SCOPE_SQL = {
    "community_id": "r.community_id = {}",
    "street_id": "r.street_id = {}",
    "legs__department_id": (
        "EXISTS (SELECT 1 FROM report_dispatch_leg l WHERE l.report_id = r.id "
        "AND l.department_id = {})"
    ),
    "followers__resident_id": (
        "EXISTS (SELECT 1 FROM report_follower f WHERE f.report_id = r.id AND f.resident_id = {})"
    ),
}


class Params:
    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def available() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _tab_sql(tab: str, p: Principal, now: datetime, arg: Params) -> str:
    if tab == "new":
        return f"r.status = {arg(Status.submitted.value)}"
    if tab == "mine":
        return f"r.owner_id = {arg(p.id)} AND r.status = ANY({arg(OPEN_VALUES)})"
    if tab == "overdue":
        return (
            f"r.status = ANY({arg(OPEN_VALUES)}) AND r.paused_at IS NULL AND r.due_at < {arg(now)}"
        )
    if tab == "department":
        if p.role == Role.department_officer:
            return (
                "EXISTS (SELECT 1 FROM report_dispatch_leg l2 WHERE l2.report_id = r.id AND "  # noqa: S608 - placeholders only
                f"l2.department_id = {arg(p.department_id)} AND l2.status = ANY({arg(LIVE_LEGS)}))"
            )
        return f"r.status = {arg(Status.dispatched.value)}"
    return "TRUE"


def _where(q: QueueQuery, p: Principal, now: datetime, cat_ids: list[int], arg: Params) -> str:
    parts = []
    target = scope_target(p, REPORT_SCOPE)
    if target is not None:
        parts.append(SCOPE_SQL[target[0]].format(arg(target[1])))
    if q.status:
        parts.append(f"r.status = ANY({arg(list(q.status))})")
    if q.category:
        parts.append(f"r.category_id = ANY({arg(cat_ids)})")
    if q.community_id is not None:
        parts.append(f"r.community_id = {arg(q.community_id)}")
    if q.owner_id is not None:
        parts.append(f"r.owner_id = {arg(q.owner_id)}")
    if q.department_id is not None:
        parts.append(SCOPE_SQL["legs__department_id"].format(arg(q.department_id)))
    if q.priority:
        parts.append(f"r.priority = ANY({arg(list(q.priority))})")
    if q.overdue is not None:
        late = (
            f"(r.status = ANY({arg(OPEN_VALUES)}) AND r.paused_at IS NULL "
            f"AND r.due_at < {arg(now)})"
        )
        parts.append(late if q.overdue else f"NOT {late}")
    if q.q:
        like = arg(_like(q.q))
        # Served by the pg_trgm GIN indexes the migration creates.
        parts.append(f"(r.title ILIKE {like} OR r.description ILIKE {like})")
    return " AND ".join(parts) or "TRUE"


async def page_and_counts(
    q: QueueQuery,
    p: Principal,
    now: datetime,
    cat_ids: list[int],
    cursor: tuple[datetime, int] | None,
) -> tuple[list[dict[str, Any]], TabCounts | None]:
    conn = connections.get("default")
    arg = Params()
    where = _where(q, p, now, cat_ids, arg)
    sql = f"SELECT {COLUMNS} FROM report r WHERE {where} AND {_tab_sql(q.tab, p, now, arg)}"  # noqa: S608
    if cursor is not None:
        at, last = arg(cursor[0]), arg(cursor[1])
        sql += f" AND (r.due_at, r.id) > ({at}, {last})"
    sql += f" ORDER BY r.due_at, r.id LIMIT {arg(q.limit + 1)}"
    if not q.counts:
        return await conn.execute_query_dict(sql, arg.values), None
    carg = Params()
    cwhere = _where(q, p, now, cat_ids, carg)
    tabs = ("new", "mine", "overdue", "department")
    counted = ", ".join(f"count(*) FILTER (WHERE {_tab_sql(t, p, now, carg)}) AS {t}" for t in tabs)
    # Every tab but "all" holds open reports only: count those in one pass, "all" from
    # the (community or street, status) index.
    csql = (
        f"SELECT {counted}, (SELECT count(*) FROM report r WHERE {cwhere}) AS all_ "  # noqa: S608
        f"FROM report r WHERE {cwhere} AND r.status = ANY({carg(OPEN_VALUES)})"
    )
    # Two pooled connections: the page and the counts at the same time.
    rows, counts = await asyncio.gather(
        conn.execute_query_dict(sql, arg.values), conn.execute_query_dict(csql, carg.values)
    )
    c = counts[0]
    return rows, TabCounts(all=c["all_"], **{t: c[t] for t in tabs})
