"""Creating a report: the resident's (or a worker's) matter becomes a work order with an
owner, deadlines, a first timeline event and an outbox row, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from schemas.reports import ReportCreate
from server.auth.principal import Principal
from server.auth.scope import ensure_community
from server.domain.errors import Forbidden, Invalid
from server.domain.lifecycle import Status
from server.models.geo import Community
from server.models.people import ResidentHousehold, Role, Staff
from server.models.reports import Report, ReportFollower
from server.services.media import check_owned
from server.services.reports import catalogue, create_pg, ownership, sla
from server.services.reports.records import record
from server.services.reports.sla import in_db_zone
from server.services.sql import is_postgres


@dataclass(frozen=True, slots=True)
class Created:
    report: Report
    created: bool  # False when an Idempotency-Key retry returned the original
    # The owner's (display name, role), when the create already read them.
    owner_name: tuple[str, str] | None = None


def _title(body: ReportCreate, category_name: str) -> str:
    if body.title:
        return body.title
    first = body.description.strip().splitlines()[0]
    return first[:40] if first else category_name


# Communities never move between streets, and creates are hot: remember the ones seen.
_communities: dict[int, Community] = {}


async def _community(community_id: int) -> Community | None:
    found = _communities.get(community_id)
    if found is None:
        found = await Community.get_or_none(id=community_id)
        if found is not None and len(_communities) < 10_000:
            _communities[community_id] = found
    return found


async def _community_for(body: ReportCreate, p: Principal) -> Community:
    if body.community_id is not None:
        community = await _community(body.community_id)
        if community is None:
            raise Invalid("unknown community", code="unknown_community")
        if p.is_staff:
            ensure_community(p, community.id, community.street_id)
        return community
    if p.is_staff:
        raise Invalid("staff must say which community the report is for", code="community_needed")
    ids = {
        int(c)  # type: ignore[call-overload]
        for c in await ResidentHousehold.filter(
            resident_id=p.id, verified_at__isnull=False
        ).values_list("household__community_id", flat=True)
    }
    if len(ids) != 1:
        raise Invalid(
            "choose the community this is about"
            if ids
            else "bind a household or choose a community",
            code="community_needed",
            details={"communities": sorted(ids)},
        )
    found = await _community(ids.pop())
    assert found is not None  # a verified household's community exists (RESTRICT)
    return found


async def create_report(
    body: ReportCreate,
    actor: Principal,
    *,
    idempotency_key: str | None = None,
    owner_id: int | None = None,
    source: str | None = None,
    now: datetime | None = None,
) -> Created:
    """Create a report. ``owner_id`` makes that staff member the owner (a worker who found
    the need on a visit owns it); otherwise the least-loaded worker on duty is chosen."""
    now = in_db_zone(now)
    key = f"{actor.subject_type}:{actor.id}:{idempotency_key}" if idempotency_key else None
    if key is not None:
        existing = await Report.get_or_none(idempotency_key=key)
        if existing is not None:
            return Created(existing, False)
    info = await catalogue.category(body.category)
    community = await _community_for(body, actor)
    if body.priority is not None and actor.is_resident:
        raise Forbidden("residents cannot set the priority", code="priority_staff_only")
    priority = body.priority or info.default_priority
    uploader = actor.actor
    await check_owned(body.photos, (uploader[0], uploader[1]))
    if owner_id is not None:
        owner = await Staff.get_or_none(id=owner_id, active=True)
        if owner is None or (owner.role == Role.worker and owner.community_id != community.id):
            raise Invalid("the owner must be an active worker of the community")
    clock = await sla.clock_for(community.id)
    due = sla.plan(clock, now, catalogue.budget(info, priority))
    loc = body.location
    if owner_id is not None:
        pool, reason = [owner_id], "explicit"
    else:
        pool, reason = await ownership.duty_pool(
            community.id, community.street_id, urgent=info.urgent, at=now
        )
    # The report's own columns; the owner (and since when) is chosen with the rows locked.
    columns: dict[str, Any] = {
        "community_id": community.id,
        "street_id": community.street_id,
        "category_id": info.id,
        "priority": priority,
        "status": Status.submitted,
        "resident_id": actor.id if actor.is_resident else None,
        "reported_by_staff_id": actor.id if actor.is_staff else None,
        "title": _title(body, info.name),
        "description": body.description,
        "lat": loc.lat if loc else None,
        "lng": loc.lng if loc else None,
        "address": loc.address if loc else "",
        "hide_name": body.hide_name,
        "photos": body.photos,
        "source": source or ("resident" if actor.is_resident else "staff"),
        "idempotency_key": key,
        "created_at": now,
        "updated_at": now,
        "accept_due": due.accept,
        "respond_due": due.respond,
        "resolve_due": due.resolve,
        "due_at": due.accept,
    }
    try:
        if is_postgres():
            return await _create_pg(columns, info.code, actor, pool, reason)
        return await _create_orm(columns, info.code, actor, pool, reason)
    except IntegrityError:
        if key is not None:
            # A concurrent retry with the same key won the insert: answer with its report.
            existing = await Report.get_or_none(idempotency_key=key)
            if existing is not None:
                return Created(existing, False)
        raise


async def _create_orm(
    columns: dict[str, Any], category_code: str, actor: Principal, pool: list[int], reason: str
) -> Created:
    now = columns["created_at"]
    async with in_transaction() as conn:
        chosen = await ownership.choose_owner(conn, pool)
        report = await Report.create(
            **columns, owner_id=chosen, owner_since=now if chosen else None, using_db=conn
        )
        followers = []
        if actor.is_resident:
            await ReportFollower.create(report_id=report.id, resident_id=actor.id, using_db=conn)
            followers = [actor.id]
        await ownership.add_load(conn, chosen, columns["priority"], +1, at=now)
        await record(
            report,
            conn,
            actor=actor,
            kind="created",
            at=now,
            category_code=category_code,
            to_status=Status.submitted.value,
            # One timeline entry says who reported it and who owns it; the relay still
            # gets both topics.
            topics=["report.created", "report.assigned"] if chosen else ["report.created"],
            followers=followers,
            data={
                "priority": columns["priority"],
                "source": report.source,
                "owner_id": chosen,
                "reason": reason if chosen else "waiting_for_owner",
            },
        )
    return Created(report, True)


# What a new report holds besides the columns the create writes (the insert's own values
# and the table's defaults).
_UNSET: dict[str, Any] = {
    "accepted_at": None,
    "first_response_at": None,
    "resolved_at": None,
    "closed_at": None,
    "follow_up_due": None,
    "paused_at": None,
    "merged_into_id": None,
    "reject_reason": None,
    "rating": None,
    "rating_comment": None,
    "escalation_level": 0,
    "reopen_count": 0,
}


def _as_stored(columns: dict[str, Any], report_id: int, owner_id: int | None) -> Report:
    """The inserted row as a model, built the way Tortoise builds rows it reads: every
    column given, no per-field checks (they ran when the columns were put together).
    ``Report(**columns)`` costs twice as much for the same object on the hottest write."""
    row = {
        **_UNSET,
        **columns,
        "id": report_id,
        "owner_id": owner_id,
        "owner_since": columns["created_at"] if owner_id else None,
    }
    return Report._init_from_db(**row)


async def _create_pg(
    columns: dict[str, Any], category_code: str, actor: Principal, pool: list[int], reason: str
) -> Created:
    args = (columns, category_code, actor.actor, pool, reason)
    done = await create_pg.insert(*args)
    if done is None:  # a candidate without a load row: add the rows, then once more
        async with in_transaction() as conn:
            await ownership.ensure_rows(conn, pool)
        done = await create_pg.insert(*args)
    if done is None:
        raise RuntimeError("the candidates' load rows could not be created")
    report = _as_stored(columns, done.id, done.owner_id)
    name = (done.owner_name, done.owner_role) if done.owner_name is not None else None
    return Created(report, True, name)  # type: ignore[arg-type]
