"""The visit log: offline batches from workers' phones, applied idempotently item by item,
with edits checked against the version they were based on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from schemas.common import ErrorDetail
from schemas.visits import VisitOut, VisitPage, VisitQuery, VisitSyncItem, VisitSyncResult
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped, scoped
from server.domain.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from server.domain.visits import SyncAction, content_hash, decide
from server.models.geo import Household
from server.models.people import Role
from server.models.visits import Visit, VisitRevision
from server.services.audit import audit
from server.services.filters import given
from server.services.outbox import emit
from server.services.visits.registry import HOUSEHOLD_SCOPE
from server.services.visits.schedule import refresh_schedule

VISIT_SCOPE = ScopeRules(community="community_id")
# Phones' clocks drift; a visit "from the future" beyond this is a client bug.
CLOCK_SKEW = timedelta(minutes=10)


def visit_out(v: Visit) -> VisitOut:
    return VisitOut.model_validate(v, from_attributes=True)


def _content(item: VisitSyncItem) -> dict[str, Any]:
    """What the phone said, with times in UTC so the same instant always hashes the same."""
    data = item.model_dump(mode="json", exclude={"id", "base_version"})
    data["started_at"] = item.started_at.astimezone(UTC).isoformat()
    data["ended_at"] = item.ended_at.astimezone(UTC).isoformat() if item.ended_at else None
    return data


def _fields(item: VisitSyncItem) -> dict[str, Any]:
    return {
        "started_at": item.started_at,
        "ended_at": item.ended_at,
        "channel": item.channel,
        "outcome": item.outcome,
        "notes": item.notes,
        "needs": list(dict.fromkeys(item.needs)),
        "latitude": item.latitude,
        "longitude": item.longitude,
        "photos": item.photos,
    }


def _may_edit(p: Principal, v: Visit) -> bool:
    return v.worker_id == p.id or p.role in (Role.secretary, Role.admin)


async def _apply(
    p: Principal, item: VisitSyncItem, household: Household, conn: BaseDBAsyncClient
) -> VisitSyncResult:
    content = _content(item)
    digest = content_hash(content)
    v = await Visit.filter(id=item.id).using_db(conn).select_for_update().first()
    if v is not None and v.household_id != household.id:
        # Says nothing about the other visit: ids are random, a clash is a client bug.
        raise Conflict("this id belongs to a visit of another household", code="id_taken")
    made = (
        await VisitRevision.filter(visit_id=item.id, version=item.base_version + 1)
        .using_db(conn)
        .values_list("content_hash", flat=True)
    )
    action, version = decide(
        exists=v is not None,
        current_version=v.version if v else 0,
        base_version=item.base_version,
        item_hash=digest,
        revisions={item.base_version + 1: str(made[0])} if made else {},
    )
    if action == SyncAction.replay:
        return VisitSyncResult(
            id=item.id, status="created" if version == 1 else "updated", version=version
        )
    if action == SyncAction.unknown:
        raise NotFound("an edit of a visit the server never received", code="unknown_visit")
    if action == SyncAction.conflict:
        assert v is not None
        return VisitSyncResult(
            id=item.id,
            status="conflict",
            version=v.version,
            current=visit_out(v),
            error=ErrorDetail(
                code="version_conflict",
                message=f"edited from version {item.base_version}, "
                f"the server has version {v.version}",
            ),
        )
    if action == SyncAction.create:
        v = await Visit.create(
            id=item.id,
            household_id=household.id,
            community_id=household.community_id,
            worker_id=p.id,
            version=1,
            using_db=conn,
            **_fields(item),
        )
        await emit(
            "visit.logged",
            "visit",
            v.id,
            {
                "visit_id": str(v.id),
                "household_id": household.id,
                "worker_id": p.id,
                "community_id": household.community_id,
                "outcome": item.outcome,
                "needs": v.needs,
                "started_at": content["started_at"],
            },
            community_id=household.community_id,
            using_db=conn,
        )
    else:
        assert v is not None
        if not _may_edit(p, v):
            raise Forbidden("only the visiting worker or the secretary may edit a visit")
        v.update_from_dict(_fields(item))
        v.version = version
        await v.save(using_db=conn)
    await VisitRevision.create(
        visit_id=v.id,
        version=version,
        content_hash=digest,
        content=content,
        by_id=p.id,
        using_db=conn,
    )
    await refresh_schedule(household, conn)
    await audit(
        p,
        "visit.create" if version == 1 else "visit.update",
        "visit",
        v.id,
        {"household_id": household.id, "version": version},
        using_db=conn,
    )
    return VisitSyncResult(
        id=item.id, status="created" if version == 1 else "updated", version=version
    )


async def _sync_one(p: Principal, item: VisitSyncItem) -> VisitSyncResult:
    if item.started_at > datetime.now(UTC) + CLOCK_SKEW:
        raise Invalid("the visit starts in the future", code="future_visit")
    household = await get_scoped(Household.all(), p, HOUSEHOLD_SCOPE, id=item.household_id)
    for attempt in range(2):
        try:
            async with in_transaction() as conn:
                return await _apply(p, item, household, conn)
        except IntegrityError:
            # The same new visit arrived twice at once; the second look sees the first.
            if attempt:
                raise
    raise AssertionError("unreachable")


async def sync_visits(p: Principal, items: list[VisitSyncItem]) -> list[VisitSyncResult]:
    """Apply each item in its own transaction, so one bad item loses nothing else."""
    seen: set[UUID] = set()
    results = []
    for item in items:
        if item.id in seen:
            results.append(
                _rejected(
                    item, Invalid("the same id twice in one batch", code="duplicate_in_batch")
                )
            )
            continue
        seen.add(item.id)
        try:
            results.append(await _sync_one(p, item))
        except DomainError as exc:
            results.append(_rejected(item, exc))
    return results


def _rejected(item: VisitSyncItem, exc: DomainError) -> VisitSyncResult:
    return VisitSyncResult(
        id=item.id,
        status="rejected",
        version=0,
        error=ErrorDetail(code=exc.code, message=exc.message, details=exc.details),
    )


async def list_visits(p: Principal, q: VisitQuery) -> VisitPage:
    qs = given(
        scoped(Visit.all(), p, VISIT_SCOPE),
        household_id=q.household_id,
        worker_id=q.worker_id,
        started_at__gte=q.since,
        started_at__lt=q.until,
    )
    total = await qs.count()
    rows = await qs.order_by("-started_at").offset(q.offset).limit(q.limit)
    if p.is_staff and rows:
        await audit(p, "visit.list", "visit", None, {"visit_ids": [str(v.id) for v in rows]})
    return VisitPage(
        items=[visit_out(v) for v in rows], total=total, limit=q.limit, offset=q.offset
    )


async def get_visit(p: Principal, visit_id: UUID) -> VisitOut:
    v = await get_scoped(Visit.all(), p, VISIT_SCOPE, id=visit_id)
    await audit(p, "visit.read", "visit", v.id, {"household_id": v.household_id})
    return visit_out(v)
