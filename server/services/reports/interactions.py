"""Talking about a report: comments and internal notes, the resident's verdict and
rating, and staff changing its priority or category."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from schemas.guides import GuideLink
from server.auth.principal import Principal
from server.domain.errors import Conflict, Forbidden, Invalid
from server.domain.lifecycle import OPEN, Actor, Move, Status
from server.models.reports import Report
from server.services.reports import catalogue, ownership, sla
from server.services.reports.access import get_visible, relations, reported_what_merged_in
from server.services.reports.moves import apply, lock_report
from server.services.reports.records import save_and_record
from server.services.reports.sla import in_db_zone


async def comment(
    report_id: int,
    p: Principal,
    text: str,
    *,
    public: bool = True,
    guide: GuideLink | None = None,
    now: datetime | None = None,
) -> Report:
    """A resident's comment, a staff public reply (which may link a 办事指南), or a staff
    internal note."""
    now = in_db_zone(now)
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        actors = await relations(p, report, conn)
        if report.status == Status.merged:
            raise Conflict(
                "comment on the report this one was merged into",
                code="merged",
                details={"merged_into": report.merged_into_id},
            )
        if p.is_resident:
            public = True
        elif not actors:
            raise Forbidden("you may not comment on this report")
        if guide is not None and p.is_resident:
            raise Forbidden("staff link guides to their replies", code="guide_staff_only")
        if p.is_staff and public and report.first_response_at is None:
            report.first_response_at = now
        kind = "comment" if public else "note"
        await save_and_record(
            conn,
            report,
            p,
            kind,
            now,
            note=text,
            public=public,
            topics=["report.commented"],
            data={"guide_id": guide.id, "guide_title": guide.title} if guide else None,
        )
        # The resident answering what was asked of them starts the clock again.
        if p.is_resident and Actor.reporter in actors and report.status == Status.waiting:
            await apply(conn, report, p, actors, Move.resume, now=now)
    return report


async def confirm(
    report_id: int, p: Principal, fixed: bool, note: str | None, now: datetime | None = None
) -> Report:
    """The reporter's verdict on a resolved report: closed, or reopened to the same owner."""
    now = in_db_zone(now)
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        actors = await relations(p, report, conn)
        # Only the verdict, not withdrawing or rating: the survivor is still its own
        # reporter's matter.
        if Actor.reporter not in actors and await reported_what_merged_in(p, report, conn):
            actors |= {Actor.reporter}
        move = Move.confirm if fixed else Move.not_fixed
        await apply(conn, report, p, actors, move, note=note, now=now)
    return report


async def rate(
    report_id: int, p: Principal, score: int, comment_text: str, now: datetime | None = None
) -> Report:
    now = in_db_zone(now)
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        if Actor.reporter not in await relations(p, report, conn):
            raise Forbidden("only the resident who reported it rates it")
        if report.status != Status.closed:
            raise Conflict(
                "rate the result once the report is closed",
                code="not_closed",
                details={"status": report.status.value},
            )
        if report.rating is not None:
            raise Conflict("this report is already rated", code="already_rated")
        report.rating, report.rating_comment = score, comment_text
        await save_and_record(
            conn,
            report,
            p,
            "rated",
            now,
            fields=["rating", "rating_comment"],
            note=comment_text,
            topics=["report.commented"],
            data={"rating": score},
        )
    return report


async def reclassify(
    report_id: int,
    p: Principal,
    *,
    priority: str | None,
    category_code: str | None,
    note: str,
    now: datetime | None = None,
) -> Report:
    """Change priority or category; deadlines are planned again from the report's start."""
    now = in_db_zone(now)
    if priority is None and category_code is None:
        raise Invalid("change the priority, the category or both", code="nothing_to_change")
    new_info = await catalogue.category(category_code) if category_code else None
    await get_visible(p, report_id)
    async with in_transaction() as conn:
        report = await lock_report(conn, report_id)
        if not ({Actor.owner, Actor.manager} & await relations(p, report, conn)):
            raise Forbidden("only the owner or a manager changes priority or category")
        if report.status not in OPEN:
            raise Conflict("a finished report cannot be reclassified", code="not_open")
        old_info = await catalogue.category_by_id(report.category_id)
        info = new_info or old_info
        old_prio, new_prio = report.priority.value, priority or report.priority.value
        if new_prio != old_prio:
            await ownership.add_load(conn, report.owner_id, old_prio, -1)
            await ownership.add_load(conn, report.owner_id, new_prio, +1)
        report.priority = new_prio  # type: ignore[assignment]
        report.category_id = info.id
        due = sla.plan(
            await sla.clock_for(report.community_id, using_db=conn),
            report.created_at,
            catalogue.budget(info, new_prio),
        )
        report.accept_due, report.respond_due, report.resolve_due = (
            due.accept,
            due.respond,
            due.resolve,
        )
        await save_and_record(
            conn,
            report,
            p,
            "reclassified",
            now,
            category_code=info.code,
            note=note,
            public=new_info is not None and new_info.id != old_info.id,
            topics=["report.status_changed"],
            data={
                "priority": new_prio,
                "previous_priority": old_prio,
                "previous_category": old_info.code,
            },
        )
    return report
