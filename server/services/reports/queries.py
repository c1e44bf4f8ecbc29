"""Reading reports: the staff triage queues (filters, deadline order, keyset pages, tab
counts), a resident's own list, and likely duplicates."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import timezone
from tortoise.expressions import Q
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
from server.services.reports import catalogue
from server.services.reports.access import get_visible, visible
from server.services.reports.dispatch import LIVE
from server.services.reports.sla import current_time
from server.services.reports.views import public_view, row_view

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


def _tab(qs: QuerySet[Report], tab: str, p: Principal, now: datetime) -> QuerySet[Report]:
    if tab == "new":
        return qs.filter(status=Status.submitted)
    if tab == "mine":
        return qs.filter(owner_id=p.id, status__in=OPEN_VALUES)
    if tab == "overdue":
        return qs.filter(status__in=OPEN_VALUES, paused_at__isnull=True, due_at__lt=now)
    if tab == "department":
        # Officers: their department's live legs. Others: what is out with departments.
        if p.role == Role.department_officer:
            return qs.filter(legs__department_id=p.department_id, legs__status__in=list(LIVE))
        return qs.filter(status=Status.dispatched)
    return qs


async def _filtered(q: QueueQuery, p: Principal, now: datetime) -> QuerySet[Report]:
    qs = visible(p)
    if q.status:
        qs = qs.filter(status__in=q.status)
    if q.category:
        cats = await catalogue.catalogue()
        unknown = sorted(set(q.category) - set(cats))
        if unknown:
            raise Invalid("unknown category", code="unknown_category", details={"unknown": unknown})
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


async def queue(q: QueueQuery, p: Principal, now: datetime | None = None) -> ReportPage:
    now = now or current_time()
    base = await _filtered(q, p, now)
    page = _tab(base, q.tab, p, now)
    if q.cursor:
        at, last = decode_cursor(q.cursor)
        page = page.filter(Q(due_at__gt=at) | Q(due_at=at, id__gt=last))
    rows_task = page.order_by("due_at", "id").limit(q.limit + 1).values(*ROW_FIELDS)
    if q.counts:
        tabs = ("new", "mine", "overdue", "department", "all")
        counted = asyncio.gather(*(_tab(base, t, p, now).count() for t in tabs))
        rows, counts = await asyncio.gather(rows_task, counted)
        tab_counts: TabCounts | None = TabCounts(**dict(zip(tabs, counts, strict=True)))
    else:
        rows, tab_counts = await rows_task, None
    codes = {info.id: code for code, info in (await catalogue.catalogue()).items()}
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    cursor = encode_cursor(rows[-1]["due_at"], rows[-1]["id"]) if more and rows else None
    return ReportPage(
        items=[row_view(r, codes, now) for r in rows], next_cursor=cursor, counts=tab_counts
    )


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
