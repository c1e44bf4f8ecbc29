"""首问 ownership: choosing, locking and changing a report's owner.

Workers' open loads live in ``report_worker_load`` rows. Choosing an owner locks the
candidates' rows (``SELECT … FOR UPDATE``, in staff id order so two choosers never
deadlock), so concurrent creates see each other's choices and loads stay within one.
SQLite has no row locks; there Tortoise runs one transaction at a time on its single
connection, which serialises choosers the same way.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from server.domain.assignment import PRIORITY_WEIGHT, Candidate, pick_owner
from server.models.people import Role, Staff
from server.models.reports import WorkerLoad
from server.services.reports import sla
from server.services.rota.duty import on_duty_worker_ids

# Switched off only by the concurrency test, to show the race the lock prevents.
LOCKING = True


async def ensure_rows(conn: BaseDBAsyncClient, staff_ids: list[int]) -> None:
    await WorkerLoad.bulk_create(
        [WorkerLoad(staff_id=i) for i in staff_ids], ignore_conflicts=True, using_db=conn
    )


async def candidates(conn: BaseDBAsyncClient, staff_ids: list[int]) -> list[Candidate]:
    """The candidates' loads, their rows locked until the transaction ends."""
    if not staff_ids:
        return []
    ids = sorted(set(staff_ids))
    for attempt in range(2):
        qs = WorkerLoad.filter(staff_id__in=ids).order_by("staff_id").using_db(conn)
        if LOCKING:
            qs = qs.select_for_update()
        rows = await qs
        if len(rows) == len(ids) or attempt:
            break
        await ensure_rows(conn, ids)
    return [Candidate(r.staff_id, r.weighted, r.last_assigned_at) for r in rows]


async def on_call_ids(street_id: int) -> list[int]:
    """Off hours, urgent matters go to the street's dispatch desk, which is staffed
    around the clock; any active street dispatcher of the street can take them."""
    ids = await Staff.filter(
        street_id=street_id, role=Role.street_dispatcher, active=True
    ).values_list("id", flat=True)
    return sorted(int(i) for i in ids)  # type: ignore[call-overload]


async def duty_pool(
    community_id: int, street_id: int, *, urgent: bool, at: datetime
) -> tuple[list[int], str]:
    """Who may be given a report now, and why. Read before the transaction opens, so a
    transaction never waits for a second pooled connection while holding one."""
    if (await sla.clock_for(community_id)).is_open(at):
        pool = await on_duty_worker_ids(community_id, at)
        if pool or not urgent:
            return pool, "on_duty" if pool else "nobody_on_duty"
        return await on_call_ids(street_id), "on_call"
    if urgent:
        return await on_call_ids(street_id), "on_call"
    return [], "off_hours"


async def choose_owner(
    conn: BaseDBAsyncClient, pool: list[int], *, exclude: int | None = None
) -> int | None:
    """The least loaded of ``pool``, its load row (and its rivals') locked; None if empty."""
    if not pool:
        return None
    return pick_owner(await candidates(conn, pool), exclude=exclude)


async def add_load(
    conn: BaseDBAsyncClient,
    staff_id: int | None,
    priority: str,
    sign: int,
    at: datetime | None = None,
) -> None:
    """Count a report into (sign=1) or out of (sign=-1) a staff member's open load."""
    if staff_id is None:
        return
    changes: dict[str, object] = {
        "open_count": F("open_count") + sign,
        "weighted": F("weighted") + sign * PRIORITY_WEIGHT[priority],
    }
    if at is not None:
        changes["last_assigned_at"] = at
    updated = await WorkerLoad.filter(staff_id=staff_id).using_db(conn).update(**changes)
    if not updated:
        await ensure_rows(conn, [staff_id])
        await WorkerLoad.filter(staff_id=staff_id).using_db(conn).update(**changes)
