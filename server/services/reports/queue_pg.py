"""The triage queue on PostgreSQL as one hand-written statement: the page, and every tab's
count in one pass. The queue is the busiest read staff make; the ORM's per-row and
per-query overhead would cost more than the database work itself.

Same filters, scope and order as the portable version in ``queries``; the test suite
runs both (this one on PostgreSQL).
"""

from __future__ import annotations

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
# Written out, not a parameter: the planner can then use the partial indexes on open
# reports (migration reports 0003), which a generic plan with ``= ANY($n)`` cannot.
IS_OPEN = "r.status IN (" + ", ".join(f"'{v}'" for v in OPEN_VALUES) + ")"
COUNTED_TABS = ("new", "mine", "overdue", "department")
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


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _tab_sql(tab: str, p: Principal, now: datetime, arg: Params, statuses: bool = False) -> str:
    if tab == "new":
        return f"r.status = {arg(Status.submitted.value)}"
    if tab == "mine":
        return f"r.owner_id = {arg(p.id)} AND {IS_OPEN}"
    if tab == "overdue":
        return f"{IS_OPEN} AND r.paused_at IS NULL AND r.due_at < {arg(now)}"
    if tab == "department":
        if p.role == Role.department_officer:
            return (
                "EXISTS (SELECT 1 FROM report_dispatch_leg l2 WHERE l2.report_id = r.id AND "  # noqa: S608 - placeholders only
                f"l2.department_id = {arg(p.department_id)} AND l2.status = ANY({arg(LIVE_LEGS)}))"
            )
        return f"r.status = {arg(Status.dispatched.value)}"
    # "All": every open matter, unless the query names statuses (closed ones included).
    return "TRUE" if statuses else IS_OPEN


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
        late = f"({IS_OPEN} AND r.paused_at IS NULL AND r.due_at < {arg(now)})"
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
) -> tuple[list[dict[str, Any]], TabCounts | None, datetime | None]:
    """Up to ``limit + 1`` rows in deadline order, the tab counts, and the first moment a
    report in scope falls overdue: one statement, the counts riding along as columns of
    every row (and alone when the page is empty)."""
    arg = Params()
    statuses = bool(q.status)
    where = _where(q, p, now, cat_ids, arg)
    tab = _tab_sql(q.tab, p, now, arg, statuses)
    page = f"SELECT {COLUMNS} FROM report r WHERE {where} AND {tab}"  # noqa: S608
    if cursor is not None:
        at, last = arg(cursor[0]), arg(cursor[1])
        page += f" AND (r.due_at, r.id) > ({at}, {last})"
    # The limit is written into the text, not bound: with a bound LIMIT PostgreSQL judges
    # its generic plan dearer and plans the statement afresh on every call.
    page += f" ORDER BY r.due_at, r.id LIMIT {int(q.limit) + 1}"
    conn = connections.get("default")
    if not q.counts:
        return await conn.execute_query_dict(page, arg.values), None, None
    tabs = ", ".join(
        f"count(*) FILTER (WHERE {_tab_sql(t, p, now, arg)}) AS {t}" for t in COUNTED_TABS
    )
    # Every tab holds open reports only, "all" too unless the query names statuses: count
    # them in one pass over the (community or street, status) index.
    every = f"(SELECT count(*) FROM report r WHERE {where})" if statuses else "count(*)"  # noqa: S608
    until = f"min(r.due_at) FILTER (WHERE r.paused_at IS NULL AND r.due_at >= {arg(now)})"
    sql = (
        f"WITH cnt AS (SELECT {tabs}, {every} AS all_, {until} AS until_ "  # noqa: S608
        f"FROM report r WHERE {where} AND {IS_OPEN}) "
        f"SELECT cnt.*, pg.* FROM cnt LEFT JOIN ({page}) pg ON TRUE ORDER BY pg.due_at, pg.id"
    )
    rows = await conn.execute_query_dict(sql, arg.values)
    c = rows[0]
    counts = TabCounts(all=c["all_"], **{t: c[t] for t in COUNTED_TABS})
    return ([] if c["id"] is None else rows), counts, c["until_"]
