"""Reading people: the caller's own identity."""

from __future__ import annotations

from schemas.auth import Me, ResidentMe, StaffMe
from server.auth.principal import Principal
from server.domain.errors import NotFound
from server.models.people import Resident, ResidentHousehold, Staff


async def describe_me(p: Principal) -> Me:
    if p.is_staff:
        s = await Staff.filter(id=p.id).first()
        if s is None:
            raise NotFound("staff not found")
        return Me(
            kind="staff",
            staff=StaffMe(
                id=s.id,
                username=s.username,
                display_name=s.display_name,
                role=s.role.value,
                community_id=s.community_id,
                street_id=s.street_id,
                department_id=s.department_id,
            ),
        )
    r = await Resident.filter(id=p.id).first()
    if r is None:
        raise NotFound("resident not found")
    households = await ResidentHousehold.filter(
        resident_id=r.id, verified_at__isnull=False
    ).values_list("household_id", flat=True)
    return Me(
        kind="resident",
        resident=ResidentMe(
            id=r.id,
            nickname=r.nickname,
            has_phone=bool(r.phone),
            household_ids=sorted(int(h) for h in households),  # type: ignore[call-overload]
        ),
    )
