"""Recording what happens to a report: the timeline event, the outbox rows and the audit
entry, always in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from server.auth.principal import Principal
from server.domain.lifecycle import Status
from server.models.reports import Report, ReportEvent, ReportFollower
from server.services.audit import audit
from server.services.outbox import emit
from server.services.reports import catalogue

ActorLike = Principal | tuple[str, int | None] | None


def governing_due(r: Report) -> datetime:
    """The deadline the queue sorts by: accept first, then first response, then resolve,
    and once resolved the 回访 follow-up."""
    if r.status == Status.resolved and r.follow_up_due is not None:
        return r.follow_up_due
    if r.accepted_at is None and r.accept_due is not None:
        return r.accept_due
    if r.first_response_at is None and r.respond_due is not None:
        return r.respond_due
    return r.resolve_due or r.due_at


async def save_and_record(
    conn: BaseDBAsyncClient,
    report: Report,
    actor: ActorLike,
    kind: str,
    at: datetime,
    *,
    fields: Iterable[str] | None = None,
    row: Model | None = None,
    **event: Any,
) -> ReportEvent:
    """The tail of every change to a report: stamp its governing deadline and ``updated_at``
    and save it (only ``fields`` and those two, when given), then record the event with its
    outbox rows and audit entry. A change to one of the report's own rows (a dispatch leg)
    passes it as ``row``: that row is saved and the report is left as it is."""
    if row is not None:
        await row.save(using_db=conn)
    else:
        report.due_at = governing_due(report)
        report.updated_at = at
        update = None if fields is None else [*fields, "due_at", "updated_at"]
        await report.save(using_db=conn, update_fields=update)
    return await record(report, conn, actor=actor, kind=kind, at=at, **event)


def actor_of(actor: ActorLike) -> tuple[str, int | None]:
    if isinstance(actor, Principal):
        return actor.actor
    if actor is None:
        return "system", None
    return actor


def payload(report: Report, category_code: str, **extra: Any) -> dict[str, Any]:
    """The fields every report event carries, so the relay never reads the report table."""
    return {
        "report_id": report.id,
        "community_id": report.community_id,
        "status": report.status.value,
        "owner_id": report.owner_id,
        "resident_id": report.resident_id,
        "category": category_code,
        "title": report.title,
        **extra,
    }


async def follower_ids(report: Report, conn: BaseDBAsyncClient) -> list[int]:
    ids = (
        await ReportFollower.filter(report_id=report.id)
        .using_db(conn)
        .values_list("resident_id", flat=True)
    )
    return sorted({int(i) for i in ids})  # type: ignore[call-overload]


async def record(
    report: Report,
    conn: BaseDBAsyncClient,
    *,
    actor: ActorLike,
    kind: str,
    at: datetime,
    category_code: str | None = None,
    note: str = "",
    public: bool = True,
    from_status: str | None = None,
    to_status: str | None = None,
    data: dict[str, Any] | None = None,
    topics: Iterable[str] = (),
    followers: list[int] | None = None,
) -> ReportEvent:
    actor_type, actor_id = actor_of(actor)
    event = await ReportEvent.create(
        report_id=report.id,
        at=at,
        actor_type=actor_type,
        actor_id=actor_id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        public=public,
        data=data or {},
        using_db=conn,
    )
    topics = list(topics)
    if topics:
        if category_code is None:  # read from the in-process catalogue cache
            category_code = (await catalogue.category_by_id(report.category_id)).code
        if followers is None:
            followers = await follower_ids(report, conn)
        body = payload(
            report,
            category_code,
            event_id=event.id,
            kind=kind,
            from_status=from_status,
            public=public,
            note=note if public else "",
            actor_type=actor_type,
            actor_id=actor_id,
            # Everyone to tell: the reporter and the reporters of reports merged into it.
            resident_ids=followers,
            **(data or {}),
        )
        await emit(
            topics, "report", report.id, body, community_id=report.community_id, using_db=conn
        )
    await audit(
        (actor_type, actor_id),
        f"report.{kind}",
        "report",
        report.id,
        {"from": from_status, "to": to_status, "public": public, **(data or {})},
        using_db=conn,
    )
    return event
