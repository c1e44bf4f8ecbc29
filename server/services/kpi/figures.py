"""The figures themselves. Each request reads the period's facts rows through an index on
(scope, created_at): two aggregate statements over those rows and one over the period's
visits, never the report events or the whole table."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schemas.kpi import KpiQuery, KpiReport, KpiRow
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, scoped
from server.domain.errors import NotFound
from server.models.geo import Community, Street
from server.models.people import Role, Staff
from server.services.filters import given
from server.services.sql import is_postgres, query

COMMUNITY_SCOPE = ScopeRules(community="id", street="street_id")
KEYS = {"street": "street_id", "community": "community_id", "worker": "owner_id"}

COUNTS = """COUNT(*) AS received,
    SUM(CASE WHEN accepted_at IS NOT NULL THEN 1 ELSE 0 END) AS accepted,
    SUM(CASE WHEN accepted_at <= accept_due THEN 1 ELSE 0 END) AS accepted_on_time,
    SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved,
    SUM(CASE WHEN resolved_at <= resolve_due THEN 1 ELSE 0 END) AS resolved_on_time,
    SUM(CASE WHEN reopened > 0 THEN 1 ELSE 0 END) AS reopened,
    SUM(CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END) AS withdrawn,
    COUNT(rating) AS rated, SUM(rating) AS rating_sum,
    SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) AS satisfied"""
MEDIANS_PG = """, percentile_cont(0.5) WITHIN GROUP (ORDER BY accept_minutes) AS accept_median,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY resolve_minutes) AS resolve_median"""


@dataclass(frozen=True, slots=True)
class Scope:
    column: str | None  # the facts column the scope filters on, None for everything
    value: int | None
    communities: dict[int, Community]


async def _scope(p: Principal, q: KpiQuery) -> Scope:
    qs = given(
        scoped(Community.all(), p, COMMUNITY_SCOPE), street_id=q.street_id, id=q.community_id
    )
    communities = {c.id: c for c in await qs}
    if not communities and (q.street_id is not None or q.community_id is not None):
        raise NotFound("community or street not found")
    if q.community_id is not None:
        return Scope("community_id", q.community_id, communities)
    if q.street_id is not None:
        return Scope("street_id", q.street_id, communities)
    if p.role == Role.street_dispatcher:
        return Scope("street_id", p.street_id, communities)
    if p.role in (Role.secretary, Role.worker):
        return Scope("community_id", p.community_id, communities)
    return Scope(None, None, communities)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(v: Any) -> float | None:
    return None if v is None else round(float(v), 1)


async def _facts(
    key: str | None, scope: Scope, start: datetime, end: datetime
) -> dict[Any, dict[str, Any]]:
    """Counts and medians per key (or one row under None without a key)."""
    where = "created_at >= $1 AND created_at < $2"
    params: list[Any] = [start, end]
    if scope.column is not None:
        where += f" AND {scope.column} = $3"
        params.append(scope.value)
    select = f"{key} AS k, " if key else "NULL AS k, "
    group = f" GROUP BY {key}" if key else ""
    pg = is_postgres()
    rows = await query(
        f"SELECT {select}{COUNTS}{MEDIANS_PG if pg else ''} FROM report_fact "  # noqa: S608
        f"WHERE {where}{group}",
        params,
    )
    out = {r["k"]: r for r in rows}
    if not pg:  # SQLite has no percentile: the embedded scale lets Python take the median
        minutes: dict[Any, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for r in await query(
            f"SELECT {select}accept_minutes AS a, resolve_minutes AS z FROM report_fact "  # noqa: S608
            f"WHERE {where} AND (accept_minutes IS NOT NULL OR resolve_minutes IS NOT NULL)",
            params,
        ):
            pair = minutes[r["k"]]
            if r["a"] is not None:
                pair[0].append(int(r["a"]))
            if r["z"] is not None:
                pair[1].append(int(r["z"]))
        for k, r in out.items():
            a, z = minutes.get(k, ([], []))
            r["accept_median"] = statistics.median(a) if a else None
            r["resolve_median"] = statistics.median(z) if z else None
    return out


async def _visits(
    group: str, ids: list[int], start: datetime, end: datetime
) -> dict[Any, tuple[int, int]]:
    """Visits and distinct households met, per community or per worker."""
    if not ids:
        return {}
    marks = ", ".join(f"${i + 3}" for i in range(len(ids)))
    key = "worker_id" if group == "worker" else "community_id"
    rows = await query(
        f"""SELECT {key} AS k, COUNT(*) AS visits,
            COUNT(DISTINCT CASE WHEN outcome = 'met' THEN household_id END) AS met
        FROM visit WHERE started_at >= $1 AND started_at < $2 AND community_id IN ({marks})
        GROUP BY {key}""",  # noqa: S608 - only placeholders are interpolated
        [start, end, *ids],
    )
    return {r["k"]: (int(r["visits"]), int(r["met"] or 0)) for r in rows}


async def _households(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    marks = ", ".join(f"${i + 1}" for i in range(len(ids)))
    rows = await query(
        f"SELECT community_id AS k, COUNT(*) AS n FROM visit_schedule "  # noqa: S608
        f"WHERE NOT moved_away AND community_id IN ({marks}) GROUP BY community_id",
        list(ids),
    )
    return {int(r["k"]): int(r["n"]) for r in rows}


def _row(
    key: str, name: str, f: dict[str, Any] | None, visits: tuple[int, int], homes: int | None
) -> KpiRow:
    f = f or {}
    n = {k: int(f.get(k) or 0) for k in (
        "received", "accepted", "accepted_on_time", "resolved", "resolved_on_time",
        "reopened", "withdrawn", "rated", "rating_sum", "satisfied",
    )}  # fmt: skip
    return KpiRow(
        key=key,
        name=name,
        received=n["received"],
        accepted=n["accepted"],
        accepted_on_time=n["accepted_on_time"],
        accept_on_time_rate=_rate(n["accepted_on_time"], n["accepted"]),
        resolved=n["resolved"],
        resolved_on_time=n["resolved_on_time"],
        resolve_on_time_rate=_rate(n["resolved_on_time"], n["resolved"]),
        median_accept_minutes=_median(f.get("accept_median")),
        median_resolve_minutes=_median(f.get("resolve_median")),
        reopened=n["reopened"],
        reopen_rate=_rate(n["reopened"], n["resolved"]),
        withdrawn=n["withdrawn"],
        rated=n["rated"],
        satisfaction=round(n["rating_sum"] / n["rated"], 2) if n["rated"] else None,
        satisfied_rate=_rate(n["satisfied"], n["rated"]),
        visits=visits[0],
        households_met=visits[1],
        households=homes,
        visit_coverage=_rate(visits[1], homes) if homes is not None else None,
    )


def _add(pairs: list[tuple[int, int]]) -> tuple[int, int]:
    return sum(p[0] for p in pairs), sum(p[1] for p in pairs)


def _bounds(q: KpiQuery, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(q.start, time(), zone),
        datetime.combine(q.end + timedelta(days=1), time(), zone),
    )


async def figures(p: Principal, q: KpiQuery) -> KpiReport:
    scope = await _scope(p, q)
    ids = sorted(scope.communities)
    zone_name = scope.communities[ids[0]].time_zone if ids else "Asia/Shanghai"
    start, end = _bounds(q, ZoneInfo(zone_name))
    by_key = await _facts(KEYS[q.group], scope, start, end)
    total_facts = (await _facts(None, scope, start, end)).get(None)
    visits = await _visits(q.group, ids, start, end)
    homes = await _households(ids)
    rows: list[KpiRow] = []
    if q.group == "community":
        for cid in ids:
            c = scope.communities[cid]
            v = visits.get(cid, (0, 0))
            rows.append(_row(f"community:{cid}", c.name, by_key.get(cid), v, homes.get(cid, 0)))
    elif q.group == "street":
        streets: dict[int, list[int]] = defaultdict(list)
        for cid in ids:
            streets[scope.communities[cid].street_id].append(cid)
        street_names = dict(await Street.filter(id__in=list(streets)).values_list("id", "name"))
        for sid, cids in sorted(streets.items()):
            v = _add([visits.get(c, (0, 0)) for c in cids])
            n = sum(homes.get(c, 0) for c in cids)
            rows.append(
                _row(f"street:{sid}", str(street_names.get(sid, "")), by_key.get(sid), v, n)
            )
    else:
        staff = set(by_key) | set(visits)
        names = dict(
            await Staff.filter(id__in=[s for s in staff if s is not None]).values_list(
                "id", "display_name"
            )
        )
        for sid in sorted(staff, key=lambda s: (s is None, s or 0)):
            name = str(names.get(sid, "")) if sid is not None else "未分派 unassigned"
            key = f"worker:{sid}" if sid is not None else "worker:none"
            rows.append(_row(key, name, by_key.get(sid), visits.get(sid, (0, 0)), None))
    all_visits = _add(list(visits.values()))
    total = _row("all", "合计 total", total_facts, all_visits, sum(homes.values()))
    return KpiReport(start=q.start, end=q.end, group=q.group, rows=rows, total=total)
