"""Taking a matter back: a resident withdraws a report no longer needed, and the owner or a
dispatcher recalls a dispatch leg sent to the wrong department. Both are moves of the one
transition table, recorded with their event, audit and outbox rows."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server.auth.principal import Principal
from server.domain.errors import Conflict, NotFound
from server.domain.lifecycle import Move, decide
from server.models.reports import DispatchLeg, LegStatus, Report
from server.services.reports.access import get_visible, relations
from server.services.reports.legs import live_legs
from server.services.reports.moves import apply, lock_report
from server.services.reports.sla import in_db_zone


async def _recall_rows(conn: BaseDBAsyncClient, legs: list[DispatchLeg]) -> list[dict[str, object]]:
    out = []
    for leg in legs:
        out.append({"leg_id": leg.id, "department_id": leg.department_id, "was": leg.status.value})
        leg.status = LegStatus.recalled
        await leg.save(using_db=conn, update_fields=["status"])
    return out


async def withdraw(
    report_id: int, p: Principal, reason: str, now: datetime | None = None
) -> Report:
    """The reporter closes a matter no longer needed; departments still holding it are told
    their legs are recalled, and the owner is told it was withdrawn."""
    now = in_db_zone(now)
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        actors = await relations(p, report, conn)
        decide(report.status, Move.withdraw, actors, reason)  # refuse before changing anything
        recalled = await _recall_rows(conn, await live_legs(conn, report.id))
        await apply(
            conn,
            report,
            p,
            actors,
            Move.withdraw,
            note=reason,
            now=now,
            data={
                "department_ids": [x["department_id"] for x in recalled],
                "recalled_legs": recalled,
            },
        )
    return report


async def recall_leg(
    report_id: int, leg_id: int, p: Principal, reason: str, now: datetime | None = None
) -> Report:
    """Take one leg back from a department: its deadline stops, the department is told,
    and the owner keeps the matter (a report left with no live leg is back in hand)."""
    now = in_db_zone(now)
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        actors = await relations(p, report, conn)
        legs = await live_legs(conn, report.id)
        leg = next((x for x in legs if x.id == leg_id), None)
        if leg is None:
            found = await DispatchLeg.get_or_none(id=leg_id, report_id=report.id, using_db=conn)
            if found is None:
                raise NotFound("dispatch leg not found")
            raise Conflict(
                f"this leg is {found.status.value}: only a live leg is recalled",
                code="leg_not_live",
                details={"status": found.status.value},
            )
        decide(report.status, Move.recall, actors, reason, legs_left=len(legs) - 1)
        recalled = await _recall_rows(conn, [leg])
        await apply(
            conn,
            report,
            p,
            actors,
            Move.recall,
            note=reason,
            now=now,
            legs_left=len(legs) - 1,
            data={
                "leg_id": leg.id,
                "department_ids": [leg.department_id],
                "recalled_legs": recalled,
            },
        )
    return report
