"""Availability for the rota: contract hours, stated wishes and leave. Audited."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from schemas.rota import AvailabilityPublic, AvailabilityUpdate, LeaveCreate, LeavePublic
from server.auth.principal import Principal
from server.auth.scope import get_scoped
from server.domain.errors import Invalid, NotFound
from server.models.people import Role, Staff
from server.models.rota import Leave, ShiftTemplate, StaffAvailability
from server.services.audit import audit
from server.services.filters import given
from server.services.rota.setup import (
    BY_STAFF,
    ROSTERED,
    community_in_scope,
    rostered_staff,
    staff_of,
)


async def list_availability(p: Principal, community_id: int) -> list[AvailabilityPublic]:
    await community_in_scope(p, community_id)
    people = await rostered_staff(community_id)
    rows = {a.staff_id: a for a in await StaffAvailability.filter(staff__community_id=community_id)}
    out = []
    for s in people:
        a = rows.get(s.id) or StaffAvailability(staff_id=s.id)
        out.append(
            AvailabilityPublic(
                staff_id=s.id,
                name=s.display_name,
                max_hours_week=a.max_hours_week,
                avoid_weekdays=list(a.avoid_weekdays),
                avoid_shift_ids=list(a.avoid_shift_ids),
            )
        )
    return out


async def set_availability(
    p: Principal, staff_id: int, data: AvailabilityUpdate
) -> AvailabilityPublic:
    """Secretaries set anything; a worker may state only their own preferences."""
    s = await Staff.filter(id=staff_id, role__in=ROSTERED).first()
    if s is None or s.community_id is None:
        raise NotFound("staff not found")
    await community_in_scope(p, s.community_id)
    own = p.is_staff and p.id == staff_id
    if p.role not in (Role.secretary, Role.admin) and not own:
        raise NotFound("staff not found")
    if p.role not in (Role.secretary, Role.admin) and data.max_hours_week is not None:
        raise Invalid("contract hours are set by the secretary", code="not_yours_to_set")
    if data.avoid_shift_ids:
        known = await ShiftTemplate.filter(
            community_id=s.community_id, id__in=data.avoid_shift_ids
        ).count()
        if known != len(set(data.avoid_shift_ids)):
            raise Invalid("unknown shift template in avoid_shift_ids", code="unknown_shift")
    async with in_transaction() as conn:
        a, _ = await StaffAvailability.get_or_create(staff_id=staff_id, using_db=conn)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        for k, v in changes.items():
            setattr(a, k, v)
        await a.save(using_db=conn)
        await audit(p, "rota.availability", "staff", staff_id, changes, using_db=conn)
    return AvailabilityPublic(
        staff_id=s.id,
        name=s.display_name,
        max_hours_week=a.max_hours_week,
        avoid_weekdays=list(a.avoid_weekdays),
        avoid_shift_ids=list(a.avoid_shift_ids),
    )


def leave_public(x: Leave) -> LeavePublic:
    return LeavePublic(
        id=x.id,
        staff_id=x.staff_id,
        name=x.staff.display_name,
        kind=x.kind.value,
        start_date=x.start_date,
        end_date=x.end_date,
        note=x.note,
    )


async def list_leave(
    p: Principal, community_id: int, since: date | None = None
) -> list[LeavePublic]:
    await community_in_scope(p, community_id)
    qs = given(Leave.filter(staff__community_id=community_id), end_date__gte=since)
    rows = await qs.prefetch_related("staff").order_by("start_date", "id")
    return [leave_public(x) for x in rows]


async def add_leave(p: Principal, community_id: int, data: LeaveCreate) -> LeavePublic:
    """Record leave. A published rota is not changed by this: use the sick re-solve."""
    await community_in_scope(p, community_id)
    await staff_of(community_id, data.staff_id)
    async with in_transaction() as conn:
        x = await Leave.create(**data.model_dump(), using_db=conn)
        await audit(
            p, "rota.leave.add", "rota_leave", x.id, data.model_dump(mode="json"), using_db=conn
        )
    await x.fetch_related("staff")
    return leave_public(x)


async def remove_leave(p: Principal, leave_id: int) -> None:
    async with in_transaction() as conn:
        x = await get_scoped(Leave.all().using_db(conn), p, BY_STAFF, id=leave_id)
        await x.delete(using_db=conn)
        await audit(p, "rota.leave.remove", "rota_leave", leave_id, using_db=conn)
