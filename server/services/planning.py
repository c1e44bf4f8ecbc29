"""A worker's round: the due and overdue households of the grids they look after, in
walking order, and a day plan that fits a day's capacity, overdue first."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from schemas.visits import DayPlan, DueItem, DueList
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped
from server.domain.visits import head_of, mask_phone, walking_key
from server.models.geo import Grid
from server.models.people import Staff
from server.models.visits import Member, VisitSchedule
from server.services.audit import audit
from server.services.schedule import community_zone

STAFF_SCOPE = ScopeRules(community="community_id")
# How far ahead a day plan looks for households coming due, to fill a light day.
PLAN_LOOKAHEAD_DAYS = 7


async def _worker(p: Principal, worker_id: int | None) -> Staff:
    return await get_scoped(Staff.all(), p, STAFF_SCOPE, id=worker_id or p.id)


async def _due_rows(worker: Staff, horizon: date, limit: int) -> list[dict[str, Any]]:
    grids = await Grid.filter(worker_id=worker.id).values_list("id", flat=True)
    if not grids:
        return []
    # Uses (community_id, next_due): the worker's community, due before the horizon.
    return await (
        VisitSchedule.filter(
            community_id=worker.community_id,
            next_due__lte=horizon,
            moved_away=False,
            household__building__grid_id__in=list(grids),
        )
        .order_by("next_due", "household_id")
        .limit(limit)
        .values(
            "household_id",
            "groups",
            "cadence_days",
            "next_due",
            "last_met_at",
            "last_attempt_at",
            "household__unit",
            "household__floor",
            "household__room",
            "household__building__name",
            "household__building__estate__name",
        )
    )


async def _items(rows: list[dict[str, Any]], today: date) -> list[DueItem]:
    ids = [r["household_id"] for r in rows]
    members: dict[int, list[tuple[str, str, str]]] = {i: [] for i in ids}
    if ids:
        for hid, name, phone, rel in (
            await Member.filter(household_id__in=ids)
            .order_by("id")
            .values_list("household_id", "name", "phone", "relation")
        ):
            members[hid].append((name, phone, rel))  # type: ignore[index]
    items = []
    for r in rows:
        head, phone = head_of(members[r["household_id"]])
        overdue = (today - r["next_due"]).days
        items.append(
            DueItem(
                household_id=r["household_id"],
                estate=r["household__building__estate__name"],
                building=r["household__building__name"],
                unit=r["household__unit"],
                floor=r["household__floor"],
                room=r["household__room"],
                groups=r["groups"],
                head=head,
                phone=mask_phone(phone),
                cadence_days=r["cadence_days"],
                next_due=r["next_due"],
                days_overdue=max(overdue, 0),
                status="overdue" if overdue > 0 else "due",
                last_met_at=r["last_met_at"],
            )
        )
    return items


def _walk(items: list[DueItem]) -> list[DueItem]:
    return sorted(
        items,
        key=lambda i: (*walking_key(i.estate, i.building, i.unit, i.floor, i.room), i.household_id),
    )


async def due_list(p: Principal, worker_id: int | None, within_days: int, limit: int) -> DueList:
    """Overdue households and those due within ``within_days``, in walking order."""
    worker = await _worker(p, worker_id)
    zone = await community_zone(worker.community_id or 0)
    today = datetime.now(zone).date()
    rows = await _due_rows(worker, today + timedelta(days=within_days), limit)
    items = _walk(await _items(rows, today))
    await audit(
        p,
        "household.list",
        "household",
        None,
        {
            "purpose": "due_list",
            "worker_id": worker.id,
            "household_ids": [i.household_id for i in items],
        },
    )
    overdue = sum(1 for i in items if i.status == "overdue")
    return DueList(
        worker_id=worker.id, today=today, overdue=overdue, due=len(items) - overdue, items=items
    )


async def day_plan(p: Principal, worker_id: int | None, day: date | None, capacity: int) -> DayPlan:
    """The day's round: most overdue first up to capacity, then walked in order. A household
    already tried that day (not home) waits for another day."""
    worker = await _worker(p, worker_id)
    zone = await community_zone(worker.community_id or 0)
    day = day or datetime.now(zone).date()
    rows = await _due_rows(worker, day + timedelta(days=PLAN_LOOKAHEAD_DAYS), 5000)
    rows = [
        r
        for r in rows
        if r["last_attempt_at"] is None or r["last_attempt_at"].astimezone(zone).date() != day
    ]
    items = await _items(rows, day)
    urgent = sorted(items, key=lambda i: (i.next_due, len(i.groups) == 0, i.household_id))
    chosen = urgent[:capacity]
    rest = urgent[capacity:]
    await audit(
        p,
        "household.list",
        "household",
        None,
        {
            "purpose": "day_plan",
            "worker_id": worker.id,
            "household_ids": [i.household_id for i in chosen],
        },
    )
    return DayPlan(
        worker_id=worker.id,
        day=day,
        capacity=capacity,
        items=_walk(chosen),
        overdue_left=sum(1 for i in rest if i.status == "overdue"),
        due_left=sum(1 for i in rest if i.next_due <= day and i.status == "due"),
    )
