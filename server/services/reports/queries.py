"""Reading reports: the staff triage queues (filters, deadline order, keyset pages, tab
counts), a resident's own list, and likely duplicates."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from tortoise import timezone
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from schemas.reports import (
    DuplicateOut,
    QueueQuery,
    ReportPage,
    ReportPublic,
    ResidentReportPage,
    TabCounts,
)
from server.auth.principal import Principal
from server.domain.errors import Invalid
from server.domain.geo import bounding_box, haversine_m
from server.domain.lifecycle import OPEN, Status
from server.models.people import Role
from server.models.reports import Report
from server.services.encoded import EncodedJson
from server.services.reports import catalogue, queue_pg
from server.services.reports.access import get_visible, visible
from server.services.reports.dispatch import LIVE
from server.services.reports.sla import in_db_zone
from server.services.reports.views import public_view, row_dict, row_view

ROW_FIELDS = (
    "id",
    "community_id",
    "category_id",
    "priority",
    "status",
    "title",
    "owner_id",
    "resident_id",
    "created_at",
    "due_at",
    "paused_at",
    "escalation_level",
)
OPEN_VALUES = [s.value for s in OPEN]
DUPLICATE_METRES = 200.0
DUPLICATE_WINDOW = timedelta(days=7)


def encode_cursor(at: datetime, id_: int) -> str:
    stamp = at.isoformat()
    return base64.urlsafe_b64encode(f"{stamp}|{id_}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, id_ = raw.split("|")
        return timezone.localtime(datetime.fromisoformat(at)), int(id_)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("the cursor is not one this server gave out", code="bad_cursor") from None


def _tab_q(tab: str, p: Principal, now: datetime, statuses: bool = False) -> Q | None:
    """The condition a tab adds, or None when it needs a join (an officer's department).
    "All" is every open matter, unless the query names statuses (closed ones included)."""
    if tab == "new":
        return Q(status=Status.submitted)
    if tab == "mine":
        return Q(owner_id=p.id, status__in=OPEN_VALUES)
    if tab == "overdue":
        return Q(status__in=OPEN_VALUES, paused_at__isnull=True, due_at__lt=now)
    if tab == "department":
        if p.role == Role.department_officer:
            return None
        return Q(status=Status.dispatched)  # what is out with departments
    return Q() if statuses else Q(status__in=OPEN_VALUES)


def _tab(
    qs: QuerySet[Report], tab: str, p: Principal, now: datetime, statuses: bool = False
) -> QuerySet[Report]:
    cond = _tab_q(tab, p, now, statuses)
    if cond is None:
        return qs.filter(legs__department_id=p.department_id, legs__status__in=list(LIVE))
    return qs.filter(cond)


async def _counts(
    base: QuerySet[Report], p: Principal, now: datetime, joined: bool, statuses: bool
) -> TabCounts:
    tabs = ("new", "mine", "overdue", "department", "all")
    conds = {t: _tab_q(t, p, now, statuses) for t in tabs}
    if joined or any(c is None for c in conds.values()):
        # A join would make the single aggregate group by every column: count one by one.
        counts = await asyncio.gather(*(_tab(base, t, p, now, statuses).count() for t in tabs))
        return TabCounts(**dict(zip(tabs, counts, strict=True)))
    # Every tab holds open reports only (about one in eight), "all" too unless the query
    # names statuses: count them in one pass with a conditional count each.
    aggregates = {
        t: Count("id", _filter=c)
        for t, c in conds.items()
        if c is not None and (t != "all" or not statuses)
    }
    found = await base.filter(status__in=OPEN_VALUES).annotate(**aggregates).values(*aggregates)
    row = found[0] if found else {}
    total = await base.count() if statuses else int(row.get("all") or 0)
    return TabCounts(all=total, **{t: int(row.get(t) or 0) for t in tabs if t != "all"})


async def _filtered(q: QueueQuery, p: Principal, now: datetime) -> QuerySet[Report]:
    qs = visible(p)
    if q.status:
        qs = qs.filter(status__in=q.status)
    if q.category:
        cats = await catalogue.catalogue()
        qs = qs.filter(category_id__in=[cats[c].id for c in q.category])
    if q.community_id is not None:
        qs = qs.filter(community_id=q.community_id)
    if q.owner_id is not None:
        qs = qs.filter(owner_id=q.owner_id)
    if q.department_id is not None:
        qs = qs.filter(legs__department_id=q.department_id)
    if q.priority:
        qs = qs.filter(priority__in=q.priority)
    if q.overdue is not None:
        late = Q(status__in=OPEN_VALUES, paused_at__isnull=True, due_at__lt=now)
        qs = qs.filter(late if q.overdue else ~late)
    if q.q:
        # ILIKE on PostgreSQL (served by the pg_trgm indexes), LIKE on SQLite.
        qs = qs.filter(Q(title__icontains=q.q) | Q(description__icontains=q.q))
    return qs


async def queue(
    q: QueueQuery, p: Principal, now: datetime | None = None
) -> ReportPage | EncodedJson:
    """A triage queue page; on PostgreSQL already encoded as JSON (a ``ReportPage``)."""
    now = in_db_zone(now)
    cats = await catalogue.catalogue()
    unknown = sorted(set(q.category) - set(cats))
    if unknown:
        raise Invalid("unknown category", code="unknown_category", details={"unknown": unknown})
    cursor = decode_cursor(q.cursor) if q.cursor else None
    codes = {info.id: code for code, info in cats.items()}
    on_pg = queue_pg.available()
    if on_pg:
        rows, tab_counts = await queue_pg.page_and_counts(
            q, p, now, [cats[c].id for c in q.category], cursor
        )
    else:
        rows, tab_counts = await _queue_orm(q, p, now, cursor)
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    nxt = encode_cursor(rows[-1]["due_at"], rows[-1]["id"]) if more else None
    if on_pg:
        # The busiest read: plain dicts shaped as ReportRow, encoded once by orjson.
        page = {
            "items": [row_dict(r, codes, now) for r in rows],
            "next_cursor": nxt,
            "counts": tab_counts.model_dump() if tab_counts else None,
        }
        return EncodedJson(orjson.dumps(page, option=orjson.OPT_UTC_Z))
    return ReportPage(
        items=[row_view(r, codes, now) for r in rows], next_cursor=nxt, counts=tab_counts
    )


async def _queue_orm(
    q: QueueQuery, p: Principal, now: datetime, cursor: tuple[datetime, int] | None
) -> tuple[list[dict[str, Any]], TabCounts | None]:
    base = await _filtered(q, p, now)
    page = _tab(base, q.tab, p, now, bool(q.status))
    if cursor is not None:
        at, last = cursor
        page = page.filter(Q(due_at__gt=at) | Q(due_at=at, id__gt=last))
    rows_task: Any = page.order_by("due_at", "id").limit(q.limit + 1).values(*ROW_FIELDS)
    if not q.counts:
        return await rows_task, None
    joined = p.role == Role.department_officer or q.department_id is not None
    rows, tab_counts = await asyncio.gather(
        rows_task, _counts(base, p, now, joined, bool(q.status))
    )
    return rows, tab_counts


async def mine(p: Principal, limit: int, cursor: str | None) -> ResidentReportPage:
    """A resident's reports (and those they were merged into), newest first."""
    qs = visible(p)
    if cursor:
        at, last = decode_cursor(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=last))
    rows = await qs.order_by("-created_at", "-id").limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    items: list[ReportPublic] = [await public_view(r, p, with_timeline=False) for r in rows]
    nxt = encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return ResidentReportPage(items=items, next_cursor=nxt)


@dataclass(frozen=True, slots=True)
class Probe:
    community_id: int
    category_id: int
    lat: float | None
    lng: float | None
    at: datetime
    exclude_id: int | None = None


async def duplicates(probe: Probe, limit: int = 5) -> list[DuplicateOut]:
    """Open reports of the same category nearby and recent: likely the same matter."""
    if probe.lat is None or probe.lng is None:
        return []
    lat0, lat1, lng0, lng1 = bounding_box(probe.lat, probe.lng, DUPLICATE_METRES)
    qs = Report.filter(
        community_id=probe.community_id,
        category_id=probe.category_id,
        status__in=[s.value for s in OPEN if s != Status.resolved],
        created_at__gte=probe.at - DUPLICATE_WINDOW,
        lat__gte=lat0,
        lat__lte=lat1,
        lng__gte=lng0,
        lng__lte=lng1,
    )
    if probe.exclude_id is not None:
        qs = qs.exclude(id=probe.exclude_id)
    rows: list[dict[str, Any]] = (
        await qs.order_by("-created_at")
        .limit(50)
        .values("id", "title", "status", "lat", "lng", "created_at")
    )
    found = []
    for r in rows:
        d = haversine_m(probe.lat, probe.lng, r["lat"], r["lng"])
        if d <= DUPLICATE_METRES:
            found.append(
                DuplicateOut(
                    id=r["id"],
                    title=r["title"],
                    status=r["status"],
                    distance_m=round(d, 1),
                    created_at=r["created_at"],
                )
            )
    found.sort(key=lambda x: x.distance_m)
    return found[:limit]


async def duplicates_of(report_id: int, p: Principal) -> list[DuplicateOut]:
    r = await get_visible(p, report_id)
    return await duplicates(Probe(r.community_id, r.category_id, r.lat, r.lng, r.created_at, r.id))
