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
from server.auth.scope import scope_target
from server.domain.errors import Invalid
from server.domain.geo import bounding_box, haversine_m
from server.domain.lifecycle import OPEN, Status
from server.models.people import Role
from server.models.reports import Report
from server.services.encoded import EncodedJson, dumps
from server.services.filters import given
from server.services.kept import Kept
from server.services.reports import catalogue, queue_pg
from server.services.reports.access import REPORT_SCOPE, get_visible, visible
from server.services.reports.dispatch import LIVE
from server.services.reports.sla import in_db_zone
from server.services.reports.views import public_view, row_dict, row_view
from server.services.sql import is_postgres
from server.services.sql import rows as sql_rows

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
# The versions a page's scope depends on, summed: each only ever rises, so an equal sum
# means no report or leg in scope has been written since the page was read.
STAMP_SQL = {
    "community_id": "SELECT version FROM report_data_version WHERE community_id = $1",
    "street_id": (
        "SELECT sum(v.version) AS version FROM report_data_version v "
        "JOIN community c ON c.id = v.community_id WHERE c.street_id = $1"
    ),
    None: "SELECT sum(version) AS version FROM report_data_version",
}


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
    qs = given(
        qs,
        community_id=q.community_id,
        owner_id=q.owner_id,
        legs__department_id=q.department_id,
    )
    if q.priority:
        qs = qs.filter(priority__in=q.priority)
    if q.overdue is not None:
        late = Q(status__in=OPEN_VALUES, paused_at__isnull=True, due_at__lt=now)
        qs = qs.filter(late if q.overdue else ~late)
    if q.q:
        # ILIKE on PostgreSQL (served by the pg_trgm indexes), LIKE on SQLite.
        qs = qs.filter(Q(title__icontains=q.q) | Q(description__icontains=q.q))
    return qs


@dataclass(frozen=True, slots=True)
class _KeptPage:
    stamp: int
    # The first moment a report in the page's scope falls overdue: a tab count and a row's
    # overdue flag can change then without any write.
    until: datetime | None
    cats: dict[str, catalogue.CategoryInfo]
    page: ReportPage | EncodedJson


# Sized from the settings at start-up (``keep_queue_pages``).
_kept: Kept[tuple[Any, ...], _KeptPage] = Kept(1024)


def keep_queue_pages(most: int) -> None:
    """Keep at most ``most`` queue pages in this process (0: read every page)."""
    _kept.resize(most)


def forget_queue_pages() -> None:
    """Drop every kept page (a test database emptied under a running process)."""
    _kept.clear()


async def _stamp(p: Principal) -> int:
    target = scope_target(p, REPORT_SCOPE)
    path = target[0] if target is not None and target[0] in STAMP_SQL else None
    found = await sql_rows(STAMP_SQL[path], [] if path is None else [target[1]])  # type: ignore[index]
    return int((found[0]["version"] if found else None) or 0)


async def queue(
    q: QueueQuery, p: Principal, now: datetime | None = None
) -> ReportPage | EncodedJson:
    """A triage queue page; on PostgreSQL already encoded as JSON (a ``ReportPage``).

    Pages with counts are kept per process and sent again while no report or leg in the
    caller's scope has been written (``ReportDataVersion``, raised by triggers) and no
    report in it has fallen overdue since."""
    now = in_db_zone(now)
    cats = await catalogue.catalogue()
    unknown = sorted(set(q.category) - set(cats))
    if unknown:
        raise Invalid("unknown category", code="unknown_category", details={"unknown": unknown})
    if not (_kept.most and q.counts):
        return (await _read_page(q, p, now, cats))[0]
    key = (
        p.subject_type,
        p.id,
        p.role,
        p.community_id,
        p.street_id,
        p.department_id,
        q.model_dump_json(),
    )
    # Read before the page: a write landing in between leaves a newer page under an older
    # stamp, which the next read's stamp no longer matches (never the other way round).
    stamp = await _stamp(p)
    kept = _kept.get(key)
    if (
        kept is not None
        and kept.stamp == stamp
        and kept.cats is cats
        and (kept.until is None or now < kept.until)
    ):
        return kept.page
    page, until = await _read_page(q, p, now, cats)
    _kept.put(key, _KeptPage(stamp, until, cats, page))
    return page


async def _read_page(
    q: QueueQuery, p: Principal, now: datetime, cats: dict[str, catalogue.CategoryInfo]
) -> tuple[ReportPage | EncodedJson, datetime | None]:
    cursor = decode_cursor(q.cursor) if q.cursor else None
    codes = {info.id: code for code, info in cats.items()}
    on_pg = is_postgres()
    if on_pg:
        rows, tab_counts, until = await queue_pg.page_and_counts(
            q, p, now, [cats[c].id for c in q.category], cursor
        )
    else:
        rows, tab_counts, until = await _queue_orm(q, p, now, cursor)
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
        return EncodedJson(dumps(page)), until
    items = [row_view(r, codes, now) for r in rows]
    return ReportPage(items=items, next_cursor=nxt, counts=tab_counts), until


async def _queue_orm(
    q: QueueQuery, p: Principal, now: datetime, cursor: tuple[datetime, int] | None
) -> tuple[list[dict[str, Any]], TabCounts | None, datetime | None]:
    base = await _filtered(q, p, now)
    page = _tab(base, q.tab, p, now, bool(q.status))
    if cursor is not None:
        at, last = cursor
        page = page.filter(Q(due_at__gt=at) | Q(due_at=at, id__gt=last))
    rows_task: Any = page.order_by("due_at", "id").limit(q.limit + 1).values(*ROW_FIELDS)
    if not q.counts:
        return await rows_task, None, None
    joined = p.role == Role.department_officer or q.department_id is not None
    falls_due = (
        base.filter(status__in=OPEN_VALUES, paused_at__isnull=True, due_at__gte=now)
        .order_by("due_at")
        .limit(1)
        .values_list("due_at", flat=True)
    )
    rows, tab_counts, until = await asyncio.gather(
        rows_task, _counts(base, p, now, joined, bool(q.status)), falls_due
    )
    first: datetime | None = until[0] if until else None  # type: ignore[assignment]
    return rows, tab_counts, first


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
