"""Dispatch legs still held by departments: what a recall takes back and what a resolve
must wait for."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.errors import Conflict
from server.models.people import Department
from server.models.reports import DispatchLeg, LegStatus

LIVE = (LegStatus.pending, LegStatus.accepted, LegStatus.working)


async def live_legs(conn: BaseDBAsyncClient, report_id: int) -> list[DispatchLeg]:
    return (
        await DispatchLeg.filter(report_id=report_id, status__in=LIVE)
        .using_db(conn)
        .order_by("id")
        .select_for_update()
    )


async def pending_legs_conflict(conn: BaseDBAsyncClient, report_id: int) -> Conflict | None:
    """The 409 a resolve answers while departments still hold legs, naming each leg."""
    legs = await live_legs(conn, report_id)
    if not legs:
        return None
    names = dict(
        await Department.filter(id__in=[leg.department_id for leg in legs])
        .using_db(conn)
        .values_list("id", "name")
    )
    listed = [
        {
            "leg_id": leg.id,
            "department_id": leg.department_id,
            "department": names.get(leg.department_id, ""),
            "status": leg.status.value,
        }
        for leg in legs
    ]
    return Conflict(
        "departments still hold this report: "
        + ", ".join(f"{x['department']} ({x['status']})" for x in listed)
        + "; wait for their report-back or recall the legs before resolving",
        code="legs_pending",
        details={"legs": listed},
    )
