"""Visit coverage per community, grid, worker and priority group, with a weekly trend, and
a household's timeline. Aggregates run in SQL so a street of 50,000 households stays fast."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.timezone import get_default_timezone

from schemas.common import rfc3339
from schemas.visits import Coverage, CoverageRow, CoverageWeek, Timeline, TimelineEntry
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped, scoped
from server.domain.errors import NotFound
from server.domain.visits import BUILTIN_GROUPS
from server.models.geo import Community, Grid, Household
from server.models.people import ResidentHousehold, Staff
from server.models.reports import Report
from server.models.visits import CustomGroup, Visit, VisitReport
from server.services.audit import audit
from server.services.filters import given
from server.services.sql import is_postgres, query
from server.services.visits.log import visit_out
from server.services.visits.registry import HOUSEHOLD_SCOPE
from server.services.visits.schedule import community_zone

# Coverage is counts, no personal data: the street's dispatcher may see it too.
COMMUNITY_SCOPE = ScopeRules(community="id", street="street_id")


def _in(ids: list[int], start: int) -> tuple[str, list[int]]:
    marks = ", ".join(f"${start + i}" for i in range(len(ids)))
    return f"({marks})", list(ids)


def _row(key: str, name: str, n: int, within: int, overdue: int, never: int) -> CoverageRow:
    return CoverageRow(
        key=key,
        name=name,
        households=n,
        within_cadence=within,
        overdue=overdue,
        never_visited=never,
        share=round(within / n, 4) if n else 0.0,
    )


async def coverage(p: Principal, community_id: int | None, weeks: int) -> Coverage:
    qs = given(scoped(Community.all(), p, COMMUNITY_SCOPE), id=community_id)
    communities = {c.id: c for c in await qs}
    if community_id is not None and not communities:
        raise NotFound("community not found")
    ids = sorted(communities)
    zone = await community_zone(ids[0]) if ids else get_default_timezone()
    today = datetime.now(zone).date()
    if not ids:
        empty = _row("all", "all", 0, 0, 0, 0)
        return Coverage(
            as_of=today, total=empty, communities=[], grids=[], workers=[], groups=[], trend=[]
        )
    marks, vals = _in(ids, 3)
    per_grid = await query(
        f"""SELECT s.community_id AS cid, b.grid_id AS gid, COUNT(*) AS n,
            SUM(CASE WHEN s.last_met_at IS NOT NULL AND s.next_due >= $1 THEN 1 ELSE 0 END) AS ok,
            SUM(CASE WHEN s.next_due < $2 THEN 1 ELSE 0 END) AS late,
            SUM(CASE WHEN s.last_met_at IS NULL THEN 1 ELSE 0 END) AS never
        FROM visit_schedule s
        JOIN household h ON h.id = s.household_id
        JOIN building b ON b.id = h.building_id
        WHERE NOT s.moved_away AND s.community_id IN {marks}
        GROUP BY s.community_id, b.grid_id""",  # noqa: S608 - only placeholders are interpolated
        [today, today, *vals],
    )
    per_group = await query(
        f"""SELECT g.community_id AS cid, g.code AS code, COUNT(*) AS n,
            SUM(CASE WHEN s.last_met_at IS NOT NULL AND s.next_due >= $1 THEN 1 ELSE 0 END) AS ok,
            SUM(CASE WHEN s.next_due < $2 THEN 1 ELSE 0 END) AS late,
            SUM(CASE WHEN s.last_met_at IS NULL THEN 1 ELSE 0 END) AS never
        FROM household_group g JOIN visit_schedule s ON s.household_id = g.household_id
        WHERE NOT s.moved_away AND g.community_id IN {marks}
        GROUP BY g.community_id, g.code""",  # noqa: S608
        [today, today, *vals],
    )
    grids = {g.id: g for g in await Grid.filter(community_id__in=ids)}
    workers = {
        s.id: s.display_name
        for s in await Staff.filter(id__in=[g.worker_id for g in grids.values() if g.worker_id])
    }
    by_c: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_w: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    grid_rows = []
    for r in per_grid:
        nums = [int(r["n"]), int(r["ok"] or 0), int(r["late"] or 0), int(r["never"] or 0)]
        by_c[r["cid"]] = [a + b for a, b in zip(by_c[r["cid"]], nums, strict=True)]
        g = grids.get(r["gid"]) if r["gid"] is not None else None
        grid_rows.append(_row(f"grid:{r['gid']}", g.name if g else "未划网格", *nums))
        if g is not None and g.worker_id is not None:
            by_w[g.worker_id] = [a + b for a, b in zip(by_w[g.worker_id], nums, strict=True)]
    names = {code: name for code, name in BUILTIN_GROUPS.items()}
    for cg in await CustomGroup.filter(community_id__in=ids):
        names[cg.code] = cg.name
    by_g: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in per_group:
        nums = [int(r["n"]), int(r["ok"] or 0), int(r["late"] or 0), int(r["never"] or 0)]
        by_g[r["code"]] = [a + b for a, b in zip(by_g[r["code"]], nums, strict=True)]
    total = [sum(v[i] for v in by_c.values()) for i in range(4)]
    return Coverage(
        as_of=today,
        total=_row("all", "all", *total),
        communities=[_row(f"community:{c}", communities[c].name, *by_c[c]) for c in ids],
        grids=sorted(grid_rows, key=lambda r: r.key),
        workers=[_row(f"worker:{w}", workers.get(w, ""), *v) for w, v in sorted(by_w.items())],
        groups=[_row(code, names.get(code, code), *v) for code, v in sorted(by_g.items())],
        trend=await _trend(ids, today, zone, weeks),
    )


async def _trend(ids: list[int], today: date, zone: Any, weeks: int) -> list[CoverageWeek]:
    """Visits and distinct households met per week (Monday to Sunday), oldest first."""
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    first = datetime.combine(starts[0], time(), zone)
    end = datetime.combine(monday + timedelta(weeks=1), time(), zone)
    # Week number since the first Monday, grouped once: one sort per week, not per column.
    if is_postgres():
        bucket = "FLOOR(EXTRACT(EPOCH FROM (started_at - $1)) / 604800)"
    else:
        bucket = "CAST((julianday(started_at) - julianday($1)) / 7 AS INTEGER)"
    marks, vals = _in(ids, 4)
    rows = await query(
        f"""SELECT {bucket} AS week, COUNT(*) AS visits,
            COUNT(DISTINCT CASE WHEN outcome = 'met' THEN household_id END) AS met
        FROM visit WHERE started_at >= $2 AND started_at < $3 AND community_id IN {marks}
        GROUP BY 1""",  # noqa: S608 - only placeholders are interpolated
        [first, first, end, *vals],
    )
    got = {int(r["week"]): (int(r["visits"]), int(r["met"] or 0)) for r in rows}
    return [
        CoverageWeek(
            week_start=d, visits=got.get(i, (0, 0))[0], households_met=got.get(i, (0, 0))[1]
        )
        for i, d in enumerate(starts)
    ]


async def timeline(p: Principal, household_id: int, limit: int = 200) -> Timeline:
    """A household's visits and reports, newest first. Audited as a read."""
    h = await get_scoped(Household.all(), p, HOUSEHOLD_SCOPE, id=household_id)
    visits = await Visit.filter(household_id=h.id).order_by("-started_at").limit(limit)
    entries = [TimelineEntry(kind="visit", at=v.started_at, visit=visit_out(v)) for v in visits]
    # Reports from the household: needs found on its visits, and what its verified
    # residents reported in its community.
    linked = await VisitReport.filter(household_id=h.id).values_list("report_id", "visit_id")
    residents = await ResidentHousehold.filter(
        household_id=h.id, verified_at__isnull=False
    ).values_list("resident_id", flat=True)
    found_on = {int(r): str(v) for r, v in linked}  # type: ignore[misc]
    q = Q(id__in=list(found_on))
    if residents:
        q |= Q(resident_id__in=list(residents), community_id=h.community_id)
    for r in await Report.filter(q).order_by("-created_at").limit(limit).select_related("category"):
        entries.append(
            TimelineEntry(
                kind="report",
                at=r.created_at,
                report={
                    "id": r.id,
                    "title": r.title,
                    "status": r.status.value,
                    "category": r.category.code,
                    "priority": r.priority.value,
                    "owner_id": r.owner_id,
                    "source": r.source,
                    "visit_id": found_on.get(r.id),
                    "created_at": rfc3339(r.created_at),
                },
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    if p.is_staff:
        await audit(p, "household.timeline", "household", h.id, {"entries": len(entries)})
    return Timeline(household_id=h.id, entries=entries)
