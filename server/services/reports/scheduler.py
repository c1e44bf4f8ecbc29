"""The periodic work on reports: give waiting reports an owner when a shift opens, pass
unaccepted ones on, and escalate missed deadlines (secretary, then street).

Every worker process may run it at once. Each escalation inserts a row whose unique key
is (report, deadline, due time, level) in the same transaction as its outbox rows, so a
second scheduler's attempt fails on the key and rolls back: exactly one per deadline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from schemas.common import rfc3339
from server.domain.lifecycle import OPEN, Status
from server.models.people import Role, Staff
from server.models.reports import DispatchLeg, Escalation, LegStatus, Report
from server.services.reports import catalogue, ownership, sla
from server.services.reports.records import record, save_and_record
from server.services.reports.sla import in_db_zone

log = logging.getLogger("linli.reports.scheduler")
BATCH = 200
# After the secretary is told, the street hears of it if this much working time passes.
STREET_AFTER = timedelta(hours=4)
OPEN_VALUES = [s.value for s in OPEN]


@dataclass
class Tick:
    assigned: list[int] = field(default_factory=list)
    passed_on: list[int] = field(default_factory=list)
    escalated: list[tuple[int, str, int]] = field(default_factory=list)


async def _lock(conn: BaseDBAsyncClient, report_id: int) -> Report | None:
    # skip_locked: a report another scheduler is handling right now is its business.
    return (
        await Report.filter(id=report_id).select_for_update(skip_locked=True).using_db(conn).first()
    )


KEYS = ("id", "community_id", "street_id", "category_id")


async def _pool(row: dict[str, Any], now: datetime) -> tuple[list[int], str]:
    info = await catalogue.category_by_id(row["category_id"])
    return await ownership.duty_pool(
        row["community_id"], row["street_id"], urgent=info.urgent, at=now
    )


class DeskHours:
    """Whether a community's desks are open now, asked once per community per pass.

    Passing a matter on and telling the secretary or the street are desk work, counted
    in the working time the deadlines are measured in: a deadline missed at closing time
    is acted on when the desks next open, not at 03:00."""

    def __init__(self, now: datetime) -> None:
        self.now, self._open = now, dict[int, bool]()

    async def open(self, community_id: int) -> bool:
        if community_id not in self._open:
            clock = await sla.clock_for(community_id)
            self._open[community_id] = clock.is_open(self.now)
        return self._open[community_id]


async def _managers(community_id: int, street_id: int, level: int) -> list[int]:
    if level == 1:
        qs = Staff.filter(community_id=community_id, role=Role.secretary, active=True)
    else:
        qs = Staff.filter(street_id=street_id, role=Role.street_dispatcher, active=True)
    return sorted(int(i) for i in await qs.values_list("id", flat=True))  # type: ignore[call-overload]


async def assign_waiting(now: datetime, tick: Tick) -> None:
    """Reports that came in off hours get an owner once their community opens."""
    rows = (
        await Report.filter(status=Status.submitted, owner_id__isnull=True)
        .limit(BATCH)
        .values(*KEYS)
    )
    for row in rows:
        pool, reason = await _pool(row, now)
        if not pool:
            continue
        async with in_transaction() as conn:
            r = await _lock(conn, row["id"])
            if r is None or r.owner_id is not None or r.status != Status.submitted:
                continue
            info = await catalogue.category_by_id(r.category_id)
            chosen = await ownership.choose_owner(conn, pool)
            if chosen is None:
                continue
            await ownership.add_load(conn, chosen, r.priority.value, +1, at=now)
            clock = await sla.clock_for(r.community_id, using_db=conn)
            r.owner_id, r.owner_since = chosen, now
            # The accept clock starts when someone is there to accept.
            r.accept_due = clock.add(
                now, timedelta(minutes=catalogue.budget(info, r.priority.value)[0])
            )
            await save_and_record(
                conn,
                r,
                None,
                "assigned",
                now,
                category_code=info.code,
                topics=["report.assigned"],
                data={"owner_id": chosen, "reason": reason},
            )
            tick.assigned.append(r.id)


async def _claim_escalation(
    conn: BaseDBAsyncClient,
    r: Report,
    deadline: str,
    due: datetime,
    level: int,
    worker: str,
    now: datetime,
) -> None:
    await Escalation.create(
        report_id=r.id,
        deadline=deadline,
        due_at=due,
        level=level,
        at=now,
        worker=worker,
        using_db=conn,
    )


async def pass_on(now: datetime, worker: str, tick: Tick) -> None:
    """An owner who did not accept in time: the next on-duty worker gets it, the secretary
    is told."""
    rows = (
        await Report.filter(
            status=Status.submitted,
            owner_id__isnull=False,
            accepted_at__isnull=True,
            paused_at__isnull=True,
            accept_due__lt=now,
        )
        .order_by("accept_due")
        .limit(BATCH)
        .values(*KEYS)
    )
    desks = DeskHours(now)
    for row in rows:
        if not await desks.open(row["community_id"]):
            continue
        pool, _ = await _pool(row, now)
        try:
            async with in_transaction() as conn:
                r = await _lock(conn, row["id"])
                if (
                    r is None
                    or r.status != Status.submitted
                    or r.accepted_at
                    or not r.accept_due
                    or r.accept_due >= now
                ):
                    continue
                await _claim_escalation(conn, r, "accept", r.accept_due, 1, worker, now)
                info = await catalogue.category_by_id(r.category_id)
                previous = r.owner_id
                chosen = await ownership.choose_owner(conn, pool, exclude=previous)
                secretaries = await _managers(r.community_id, r.street_id, 1)
                clock = await sla.clock_for(r.community_id, using_db=conn)
                r.accept_due = clock.add(
                    now, timedelta(minutes=catalogue.budget(info, r.priority.value)[0])
                )
                if chosen is not None:
                    await ownership.add_load(conn, previous, r.priority.value, -1)
                    await ownership.add_load(conn, chosen, r.priority.value, +1, at=now)
                    r.owner_id, r.owner_since = chosen, now
                await save_and_record(
                    conn,
                    r,
                    None,
                    "passed_on",
                    now,
                    category_code=info.code,
                    public=False,
                    topics=["report.assigned", "report.escalated"],
                    data={
                        "owner_id": r.owner_id,
                        "previous_owner_id": previous,
                        "reason": "accept_deadline_passed",
                        "level": 1,
                        "deadline": "accept",
                        "notify_staff_ids": secretaries,
                    },
                )
                tick.passed_on.append(r.id)
        except IntegrityError:
            continue  # another scheduler handled this deadline


async def escalate_overdue(now: datetime, worker: str, tick: Tick) -> None:
    """Missed response or resolve deadlines: the secretary first, then the street."""
    rows = (
        await Report.filter(
            status__in=OPEN_VALUES,
            paused_at__isnull=True,
            due_at__lt=now,
            accepted_at__isnull=False,
        )
        .order_by("due_at")
        .limit(BATCH)
        .values("id", "community_id")
    )
    desks = DeskHours(now)
    for row in rows:
        if await desks.open(row["community_id"]):
            await _escalate_one(row["id"], now, worker, tick)
    legs = (
        await DispatchLeg.filter(
            status__in=[LegStatus.pending, LegStatus.accepted, LegStatus.working], due_at__lt=now
        )
        .order_by("due_at")
        .limit(BATCH)
        .values("id", "report_id", "due_at", "department_id", community_id="report__community_id")
    )
    for leg in legs:
        if await desks.open(leg["community_id"]):
            await _escalate_leg(leg, now, worker, tick)


async def _escalate_one(rid: int, now: datetime, worker: str, tick: Tick) -> None:
    try:
        async with in_transaction() as conn:
            r = await _lock(conn, rid)
            if r is None or r.status not in OPEN or r.paused_at is not None or r.due_at >= now:
                return
            deadline = "respond" if r.first_response_at is None else "resolve"
            if r.status == Status.resolved:
                deadline = "follow_up"
            clock = await sla.clock_for(r.community_id, using_db=conn)
            level = 2 if now >= clock.add(r.due_at, STREET_AFTER) else 1
            if level <= r.escalation_level:
                return
            await _claim_escalation(conn, r, deadline, r.due_at, level, worker, now)
            r.escalation_level, r.updated_at = level, now
            await r.save(using_db=conn, update_fields=["escalation_level", "updated_at"])
            notify = await _managers(r.community_id, r.street_id, level)
            topics = ["report.overdue", "report.escalated"] if level == 1 else ["report.escalated"]
            await record(
                r,
                conn,
                actor=None,
                kind="escalated",
                at=now,
                public=False,
                topics=topics,
                data={
                    "level": level,
                    "to": "secretary" if level == 1 else "street",
                    "deadline": deadline,
                    "due_at": rfc3339(r.due_at),
                    "notify_staff_ids": notify,
                },
            )
            tick.escalated.append((r.id, deadline, level))
    except IntegrityError:
        return


async def _escalate_leg(leg: dict, now: datetime, worker: str, tick: Tick) -> None:
    try:
        async with in_transaction() as conn:
            r = await _lock(conn, leg["report_id"])
            if r is None or r.status not in OPEN:
                return
            deadline = f"leg:{leg['id']}"
            await _claim_escalation(conn, r, deadline, leg["due_at"], 1, worker, now)
            await record(
                r,
                conn,
                actor=None,
                kind="leg_overdue",
                at=now,
                public=False,
                topics=["report.overdue"],
                data={
                    "leg_id": leg["id"],
                    "department_id": leg["department_id"],
                    "level": 1,
                    "notify_staff_ids": await _managers(r.community_id, r.street_id, 2),
                },
            )
            tick.escalated.append((r.id, deadline, 1))
    except IntegrityError:
        return


async def run_once(worker: str = "", now: datetime | None = None) -> Tick:
    """One pass of all the periodic work; what tests and the app's background task call."""
    now = in_db_zone(now)
    tick = Tick()
    await assign_waiting(now, tick)
    await pass_on(now, worker, tick)
    await escalate_overdue(now, worker, tick)
    if tick.assigned or tick.passed_on or tick.escalated:
        log.info("reports scheduler: %s", tick)
    return tick
