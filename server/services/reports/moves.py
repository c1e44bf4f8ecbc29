"""State changes of a report: every one goes through ``lifecycle.decide`` and is recorded
with its event, outbox rows and audit entry in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from schemas.common import rfc3339
from server.auth.principal import Principal
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.lifecycle import OPEN, Actor, Move, Outcome, Status, decide
from server.models.people import Role, Staff
from server.models.reports import Report, ReportFollower
from server.services.reports import catalogue, facts, ownership, sla
from server.services.reports.access import get_visible, relations
from server.services.reports.legs import pending_legs_conflict
from server.services.reports.records import ActorLike, record, save_and_record
from server.services.reports.sla import in_db_zone

# Moves after which the resident has had a first substantive answer.
RESPONDS = {Move.dispatch, Move.start, Move.wait, Move.resolve, Move.reject}


async def lock_report(conn: BaseDBAsyncClient, report_id: int) -> Report:
    qs = Report.filter(id=report_id).using_db(conn)
    if ownership.LOCKING:
        qs = qs.select_for_update()
    report = await qs.first()
    if report is None:
        raise NotFound("report not found")
    return report


async def apply(
    conn: BaseDBAsyncClient,
    report: Report,
    actor: ActorLike,
    actors: frozenset[Actor],
    move: Move,
    *,
    note: str | None = None,
    now: datetime,
    data: dict[str, Any] | None = None,
    legs_left: int | None = None,
) -> Outcome:
    """Check the move, change the (locked) report accordingly and record it."""
    out = decide(report.status, move, actors, note, legs_left=legs_left)
    # The timeline row keeps the deadline it met or missed: the 考核 figures count from it.
    if move in (Move.claim, Move.accept) and report.accept_due is not None:
        data = {**(data or {}), "accept_due": rfc3339(report.accept_due)}
    if out.target == Status.resolved and report.resolve_due is not None:
        data = {**(data or {}), "resolve_due": rfc3339(report.resolve_due)}
    info = await catalogue.category_by_id(report.category_id)
    prio = report.priority.value
    clock = await sla.clock_for(report.community_id, using_db=conn)
    paused_since = report.paused_at if out.resumes else None
    if out.resumes and report.paused_at is not None:
        for name in ("accept_due", "respond_due", "resolve_due"):
            setattr(
                report,
                name,
                sla.shift_after_pause(clock, getattr(report, name), report.paused_at, now),
            )
        report.paused_at = None
    if out.pauses:
        report.paused_at = now
    if move in (Move.claim, Move.accept):
        report.accepted_at = now
    if move in RESPONDS and report.first_response_at is None:
        report.first_response_at = now
    if out.target == Status.resolved:
        report.resolved_at = now
        report.follow_up_due = clock.add(now, sla.FOLLOW_UP)
    if out.target in (Status.closed, Status.withdrawn):
        report.closed_at = now
    if out.target == Status.rejected:
        report.reject_reason = note or ""
    if out.target == Status.reopened:
        report.reopen_count += 1
        report.resolved_at = report.closed_at = report.follow_up_due = None
        budget = catalogue.budget(info, prio)[2]
        report.resolve_due = clock.add(now, timedelta(minutes=budget))
    if out.leaves_open:
        await ownership.add_load(conn, report.owner_id, prio, -1)
    if out.enters_open:
        await ownership.add_load(conn, report.owner_id, prio, +1)
    report.status = out.target
    if out.move in (Move.claim, Move.accept) or paused_since or out.target == Status.resolved:
        await facts.note_move(conn, report, clock, out, paused_since=paused_since, now=now)
    await save_and_record(
        conn,
        report,
        actor,
        move.value,
        now,
        category_code=info.code,
        note=note or "",
        public=out.public,
        from_status=out.source.value,
        to_status=out.target.value,
        topics=out.topics,
        data=data,
    )
    return out


async def transition(
    report_id: int,
    p: Principal,
    move: Move,
    *,
    note: str | None = None,
    survivor_id: int | None = None,
    now: datetime | None = None,
) -> Report:
    """Make one move on a report the caller can see."""
    now = in_db_zone(now)
    if move == Move.dispatch:
        raise Invalid("dispatch through the dispatch endpoint, with its legs", code="use_dispatch")
    if move == Move.recall:
        raise Invalid("recall through the leg's recall endpoint", code="use_recall")
    if move == Move.withdraw:
        raise Invalid("withdraw through the report's withdraw endpoint", code="use_withdraw")
    await get_visible(p, report_id)
    if move == Move.merge:
        if survivor_id is None:
            raise Invalid("say which report this one is merged into", code="survivor_needed")
        return await merge(report_id, survivor_id, p, note=note, now=now)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        actors = await relations(p, report, conn)
        if move == Move.claim:
            if report.owner_id == p.id:
                move = Move.accept  # claiming what you already own is accepting it
            elif report.owner_id is not None:
                raise Conflict(
                    "someone already owns this report",
                    code="already_owned",
                    details={"owner_id": report.owner_id},
                )
            else:
                decide(report.status, move, actors)  # refuse before changing anything
                await _set_owner(conn, report, p, p.id, now, reason="claimed")
        if move == Move.resolve:
            decide(report.status, move, actors, note)  # illegal moves answer as such first
            refusal = await pending_legs_conflict(conn, report.id)
            if refusal is not None:
                raise refusal
        await apply(conn, report, p, actors, move, note=note, now=now)
    return report


async def _set_owner(
    conn: BaseDBAsyncClient,
    report: Report,
    actor: ActorLike,
    owner_id: int,
    now: datetime,
    *,
    reason: str,
    note: str = "",
) -> None:
    previous = report.owner_id
    prio = report.priority.value
    if report.status in OPEN:
        await ownership.candidates(conn, [owner_id])
        await ownership.add_load(conn, previous, prio, -1)
        await ownership.add_load(conn, owner_id, prio, +1, at=now)
    report.owner_id = owner_id
    report.owner_since = now
    await save_and_record(
        conn,
        report,
        actor,
        "assigned",
        now,
        fields=["owner_id", "owner_since"],
        note=note,
        public=True,
        topics=["report.assigned"],
        data={"owner_id": owner_id, "previous_owner_id": previous, "reason": reason},
    )


async def merge(
    report_id: int, survivor_id: int, p: Principal, *, note: str | None, now: datetime
) -> Report:
    if survivor_id == report_id:
        raise Invalid("a report cannot be merged into itself", code="merge_into_self")
    await get_visible(p, survivor_id)
    async with in_transaction() as conn:
        # Lock both rows in id order so two opposite merges cannot deadlock.
        first, second = sorted((report_id, survivor_id))
        rows = {first: await lock_report(conn, first), second: await lock_report(conn, second)}
        report, survivor = rows[report_id], rows[survivor_id]
        if survivor.status not in OPEN or survivor.status == Status.resolved:
            raise Conflict(
                "merge into a report that is still being handled", code="survivor_closed"
            )
        if survivor.community_id != report.community_id:
            raise Invalid("only reports of the same community can be merged", code="merge_scope")
        report.merged_into_id = survivor.id
        actors = await relations(p, report, conn)
        await apply(
            conn,
            report,
            p,
            actors,
            Move.merge,
            note=note,
            now=now,
            data={"survivor_id": survivor.id},
        )
        moved = (
            await ReportFollower.filter(report_id=report.id).using_db(conn).values("resident_id")
        )
        await ReportFollower.bulk_create(
            [
                ReportFollower(
                    report_id=survivor.id, resident_id=m["resident_id"], via_report_id=report.id
                )
                for m in moved
            ],
            ignore_conflicts=True,
            using_db=conn,
        )
        await record(
            survivor,
            conn,
            actor=p,
            kind="merged_in",
            at=now,
            note=note or "",
            topics=["report.merged"],
            data={"merged_report_id": report.id},
        )
    return report


async def reassign(
    report_id: int, owner_id: int, p: Principal, *, note: str, now: datetime | None = None
) -> Report:
    """A recorded change of owner by a secretary, dispatcher or admin: the only way
    ownership changes once given."""
    now = in_db_zone(now)
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        if Actor.manager not in await relations(p, report, conn):
            raise Forbidden("only the secretary, the street dispatcher or an admin reassigns")
        if report.status not in OPEN:
            raise Conflict("a finished report keeps its owner", code="not_open")
        await check_can_own(owner_id, report)
        if owner_id != report.owner_id:
            await _set_owner(conn, report, p, owner_id, now, reason="reassigned", note=note)
    return report


async def check_can_own(owner_id: int, report: Report) -> None:
    """Owners are active staff of the report's community, or its street's dispatchers."""
    s = await Staff.get_or_none(id=owner_id, active=True)
    ok = s is not None and (
        (s.role in (Role.worker, Role.secretary) and s.community_id == report.community_id)
        or (s.role == Role.street_dispatcher and s.street_id == report.street_id)
    )
    if not ok:
        raise Invalid(
            "the new owner must be active staff of the report's community or street",
            code="bad_owner",
        )
