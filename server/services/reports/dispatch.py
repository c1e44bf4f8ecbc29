"""直通快办: dispatching a report to departments in legs with their own deadlines, the
officers' accept and report-back, and summons or joint meetings recorded on the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.transactions import in_transaction

from server.auth.principal import Principal
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.lifecycle import Actor, Move, Status
from server.models.people import Department, Role
from server.models.reports import DispatchLeg, LegStatus, Meeting
from server.services.media import check_owned
from server.services.reports import sla
from server.services.reports.access import get_visible, relations
from server.services.reports.moves import apply, lock_report
from server.services.reports.records import record, save_and_record
from server.services.reports.sla import in_db_zone

LIVE = (LegStatus.pending, LegStatus.accepted, LegStatus.working)


@dataclass(frozen=True, slots=True)
class NewLeg:
    department_id: int
    due_hours: float
    instructions: str = ""


async def dispatch(
    report_id: int, p: Principal, legs: list[NewLeg], note: str | None, now: datetime | None = None
) -> list[DispatchLeg]:
    """Hand the report to departments. The owner stays the owner."""
    now = in_db_zone(now)
    ids = [leg.department_id for leg in legs]
    if len(set(ids)) != len(ids):
        raise Invalid("each department once per dispatch", code="duplicate_department")
    report = await get_visible(p, report_id)
    departments = {d.id: d for d in await Department.filter(id__in=ids)}
    bad = sorted(set(ids) - {d.id for d in departments.values() if d.street_id == report.street_id})
    if bad:
        raise Invalid(
            "unknown department for this street",
            code="unknown_department",
            details={"department_ids": bad},
        )
    clock = await sla.clock_for(report.community_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        actors = await relations(p, report, conn)
        existing = {
            leg.department_id: leg
            for leg in await DispatchLeg.filter(report_id=report.id).using_db(conn)
        }
        busy = sorted(i for i in ids if i in existing and existing[i].status in LIVE)
        if busy:
            raise Conflict(
                "already with these departments",
                code="already_dispatched",
                details={"department_ids": busy},
            )
        out: list[DispatchLeg] = []
        for leg in legs:
            fields = {
                "status": LegStatus.pending,
                "instructions": leg.instructions,
                "due_at": clock.add(now, timedelta(hours=leg.due_hours)),
                "dispatched_by_id": p.id,
                "dispatched_at": now,
                "officer_id": None,
                "accepted_at": None,
                "reported_at": None,
                "result": None,
                "photos": [],
            }
            row = existing.get(leg.department_id)
            if row is not None:  # sent back again after a report-back or recall
                row.update_from_dict(fields)
                await row.save(using_db=conn)
            else:
                row = await DispatchLeg.create(
                    report_id=report.id, department_id=leg.department_id, using_db=conn, **fields
                )
            out.append(row)
        await apply(
            conn,
            report,
            p,
            actors,
            Move.dispatch,
            note=note,
            now=now,
            data={
                "department_ids": ids,
                "departments": [departments[i].name for i in ids],
                "leg_ids": [leg.id for leg in out],
            },
        )
    return out


async def _officer_leg(p: Principal, report_id: int, leg_id: int) -> DispatchLeg:
    if p.role != Role.department_officer:
        raise Forbidden("only the department's officers act on its legs")
    await get_visible(p, report_id)
    leg = await DispatchLeg.get_or_none(id=leg_id, report_id=report_id)
    if leg is None or leg.department_id != p.department_id:
        raise NotFound("dispatch leg not found")
    return leg


async def accept_leg(
    report_id: int, leg_id: int, p: Principal, now: datetime | None = None
) -> DispatchLeg:
    now = in_db_zone(now)
    await _officer_leg(p, report_id, leg_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        leg = await DispatchLeg.filter(id=leg_id).select_for_update().using_db(conn).get()
        if leg.status != LegStatus.pending:
            raise Conflict(
                f"this leg is {leg.status.value}",
                code="illegal_move",
                details={"status": leg.status.value, "allowed": []},
            )
        leg.status, leg.officer_id, leg.accepted_at = LegStatus.accepted, p.id, now
        await save_and_record(
            conn,
            report,
            p,
            "leg_accepted",
            now,
            row=leg,
            data={"leg_id": leg.id, "department_id": leg.department_id},
        )
        if report.status == Status.dispatched:
            await apply(conn, report, p, frozenset({Actor.officer}), Move.start, now=now)
    return leg


async def report_back(
    report_id: int,
    leg_id: int,
    p: Principal,
    result: str,
    photos: list[str],
    now: datetime | None = None,
) -> DispatchLeg:
    """The department says what it did; the owner then follows up and closes."""
    now = in_db_zone(now)
    await _officer_leg(p, report_id, leg_id)
    await check_owned(photos, ("staff", p.id))
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        leg = await DispatchLeg.filter(id=leg_id).select_for_update().using_db(conn).get()
        if leg.status not in (LegStatus.accepted, LegStatus.working):
            raise Conflict(
                "accept the leg before reporting back",
                code="illegal_move",
                details={
                    "status": leg.status.value,
                    "allowed": ["accept"] if leg.status == LegStatus.pending else [],
                },
            )
        leg.status, leg.result, leg.photos, leg.reported_at = (
            LegStatus.reported,
            result,
            photos,
            now,
        )
        await save_and_record(
            conn,
            report,
            p,
            "leg_reported",
            now,
            row=leg,
            note=result,
            topics=["report.commented"],
            data={"leg_id": leg.id, "department_id": leg.department_id, "photos": photos},
        )
    return leg


async def record_meeting(
    report_id: int,
    p: Principal,
    *,
    kind: str,
    held_on: date,
    participants: list[str],
    outcome: str,
    now: datetime | None = None,
) -> Meeting:
    """A summons (约请) or joint meeting (联席会议) about a matter one force cannot solve."""
    now = in_db_zone(now)
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        if not ({Actor.owner, Actor.manager} & await relations(p, report, conn)):
            raise Forbidden("the owner or a manager records meetings")
        meeting = await Meeting.create(
            report_id=report.id,
            kind=kind,
            held_on=held_on,
            participants=participants,
            outcome=outcome,
            recorded_by_id=p.id,
            recorded_at=now,
            using_db=conn,
        )
        await record(
            report,
            conn,
            actor=p,
            kind=kind,
            at=now,
            note=outcome,
            topics=["report.commented"],
            data={
                "meeting_id": meeting.id,
                "held_on": held_on.isoformat(),
                "participants": participants,
            },
        )
    return meeting
