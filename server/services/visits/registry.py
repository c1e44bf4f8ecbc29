"""The household registry: households and their members, read and corrected by the
community's staff and by the household's own verified residents, every staff read audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from schemas.registry import (
    HouseholdCreate,
    HouseholdDetail,
    HouseholdPage,
    HouseholdPatch,
    HouseholdQuery,
    HouseholdSummary,
    MemberIn,
    MemberOut,
    MemberPatch,
    ScheduleOut,
)
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, ensure_community, get_scoped, scoped
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.visits import head_of, is_valid_phone, mask_phone, normalise_phone
from server.models.geo import Building, Community, Household
from server.models.people import ResidentHousehold
from server.models.visits import HouseholdGroup, Member, Visit, VisitSchedule
from server.services.audit import audit
from server.services.filters import given
from server.services.visits.schedule import known_groups, refresh_schedule

# Personal data of a household: its community's staff, its verified residents, admins.
# No street or department rule, so dispatchers and department officers see nothing.
HOUSEHOLD_SCOPE = ScopeRules(
    community="community_id",
    resident="bindings__resident_id",
    resident_verified="bindings__verified_at",
)
BUILDING_SCOPE = ScopeRules(community="estate__community_id")


def clean_phone(raw: str, field: str = "phone") -> str:
    phone = normalise_phone(raw)
    if phone and not is_valid_phone(phone):
        raise Invalid(
            "not a mainland mobile (1[3-9] and 9 digits) or landline number",
            code="bad_phone",
            details=[{"field": field, "message": "bad phone number", "type": "bad_phone"}],
        )
    return phone


def check_birth_year(year: int | None) -> None:
    if year is not None and year > datetime.now().year:
        raise Invalid("birth year is in the future", code="bad_birth_year")


async def check_groups(community_id: int, groups: list[str], conn: Any = None) -> list[str]:
    known = await known_groups(community_id, conn)
    unknown = sorted(set(groups) - set(known))
    if unknown:
        raise Invalid(
            f"unknown priority group: {', '.join(unknown)}",
            code="unknown_group",
            details={"unknown": unknown, "known": sorted(known)},
        )
    return sorted(set(groups))


async def _set_groups(household: Household, groups: list[str], conn: BaseDBAsyncClient) -> None:
    """Replace the groups staff recorded; the derived 高龄 row is left to the schedule."""
    await HouseholdGroup.filter(household_id=household.id, derived=False).using_db(conn).delete()
    await HouseholdGroup.filter(household_id=household.id, code__in=groups).using_db(conn).delete()
    for code in groups:
        await HouseholdGroup.create(
            household_id=household.id,
            community_id=household.community_id,
            code=code,
            using_db=conn,
        )


async def _address_taken(
    building_id: int, unit: str, room: str, exclude: int | None = None
) -> bool:
    qs = Household.filter(building_id=building_id, unit=unit, room=room)
    if exclude is not None:
        qs = qs.exclude(id=exclude)
    return await qs.exists()


async def create_household(p: Principal, data: HouseholdCreate) -> HouseholdDetail:
    building = await get_scoped(
        Building.all().select_related("estate"), p, BUILDING_SCOPE, id=data.building_id
    )
    cid = building.estate.community_id
    street_id = (await Community.get(id=cid)).street_id
    ensure_community(p, cid, street_id)
    groups = await check_groups(cid, data.groups)
    members = [(m, clean_phone(m.phone, f"members.{i}.phone")) for i, m in enumerate(data.members)]
    for m, _ in members:
        check_birth_year(m.birth_year)
    if await _address_taken(building.id, data.unit, data.room):
        raise Conflict("this household is already registered", code="duplicate_household")
    async with in_transaction() as conn:
        h = await Household.create(
            community_id=cid,
            building_id=building.id,
            unit=data.unit,
            floor=data.floor,
            room=data.room,
            notes=data.notes,
            using_db=conn,
        )
        for m, phone in members:
            await Member.create(
                household_id=h.id,
                name=m.name,
                birth_year=m.birth_year,
                phone=phone,
                relation=m.relation,
                using_db=conn,
            )
        await _set_groups(h, groups, conn)
        await refresh_schedule(h, conn)
        await audit(p, "household.create", "household", h.id, {"community_id": cid}, using_db=conn)
    return await read_household(p, h.id, audited=False)


async def read_household(
    p: Principal, household_id: int, *, audited: bool = True
) -> HouseholdDetail:
    """The full record, phones unmasked. Every staff read is written to the audit log."""
    h = await get_scoped(
        Household.all().select_related("building__estate"), p, HOUSEHOLD_SCOPE, id=household_id
    )
    if audited and p.is_staff:
        await audit(p, "household.read", "household", h.id, {"community_id": h.community_id})
    members = await Member.filter(household_id=h.id).order_by("id")
    sched = await VisitSchedule.filter(household_id=h.id).first()
    return HouseholdDetail(
        id=h.id,
        community_id=h.community_id,
        estate_id=h.building.estate_id,
        estate=h.building.estate.name,
        building_id=h.building_id,
        building=h.building.name,
        grid_id=h.building.grid_id,
        unit=h.unit,
        floor=h.floor,
        room=h.room,
        notes=h.notes,
        groups=list(sched.groups) if sched else [],
        members=[MemberOut.model_validate(m, from_attributes=True) for m in members],
        schedule=ScheduleOut.model_validate(sched, from_attributes=True) if sched else None,
    )


async def list_households(p: Principal, q: HouseholdQuery) -> HouseholdPage:
    """A page of households, phones masked. A staff read of the page is audited once."""
    qs = given(
        scoped(Household.all(), p, HOUSEHOLD_SCOPE),
        community_id=q.community_id,
        building_id=q.building_id,
        building__grid_id=q.grid_id,
        priority_groups__code=q.group,
    )
    total = await qs.count()
    rows = await (
        qs.order_by("building__estate__name", "building__name", "unit", "floor", "room", "id")
        .offset(q.offset)
        .limit(q.limit)
        .values(
            "id",
            "community_id",
            "unit",
            "floor",
            "room",
            "building__name",
            "building__grid_id",
            "building__estate__name",
        )
    )
    ids = [r["id"] for r in rows]
    members: dict[int, list[tuple[str, str, str]]] = {i: [] for i in ids}
    for m in (
        await Member.filter(household_id__in=ids)
        .order_by("id")
        .values_list("household_id", "name", "phone", "relation")
    ):
        members[m[0]].append((m[1], m[2], m[3]))  # type: ignore[index]
    scheds = {
        s["household_id"]: s
        for s in await VisitSchedule.filter(household_id__in=ids).values(
            "household_id", "groups", "next_due"
        )
    }
    items = []
    for r in rows:
        head, phone = head_of(members[r["id"]])
        s = scheds.get(r["id"])
        items.append(
            HouseholdSummary(
                id=r["id"],
                community_id=r["community_id"],
                estate=r["building__estate__name"],
                building=r["building__name"],
                grid_id=r["building__grid_id"],
                unit=r["unit"],
                floor=r["floor"],
                room=r["room"],
                groups=list(s["groups"]) if s else [],
                head=head,
                phone=mask_phone(phone),
                members=len(members[r["id"]]),
                next_due=s["next_due"] if s else None,
            )
        )
    if p.is_staff and ids:
        await audit(p, "household.list", "household", None, {"household_ids": ids})
    return HouseholdPage(items=items, total=total, limit=q.limit, offset=q.offset)


async def update_household(
    p: Principal, household_id: int, patch: HouseholdPatch
) -> HouseholdDetail:
    h = await get_scoped(Household.all(), p, HOUSEHOLD_SCOPE, id=household_id)
    changes = patch.model_dump(exclude_unset=True)
    groups = changes.pop("groups", None)
    if groups is not None:
        groups = await check_groups(h.community_id, groups)
    unit, room = changes.get("unit", h.unit), changes.get("room", h.room)
    if (unit, room) != (h.unit, h.room) and await _address_taken(h.building_id, unit, room, h.id):
        raise Conflict(
            "another household is registered at that address", code="duplicate_household"
        )
    async with in_transaction() as conn:
        locked = await Household.filter(id=h.id).using_db(conn).select_for_update().get()
        locked.update_from_dict(changes)
        await locked.save(using_db=conn)
        if groups is not None:
            await _set_groups(locked, groups, conn)
            await refresh_schedule(locked, conn)
        await audit(
            p,
            "household.update",
            "household",
            h.id,
            {"fields": sorted(changes) + (["groups"] if groups is not None else [])},
            using_db=conn,
        )
    return await read_household(p, h.id, audited=False)


async def delete_household(p: Principal, household_id: int) -> None:
    """Only a household with no visit history or resident binding can be removed."""
    h = await get_scoped(Household.all(), p, HOUSEHOLD_SCOPE, id=household_id)
    if await Visit.filter(household_id=h.id).exists():
        raise Conflict("the household has visit history and is kept", code="household_in_use")
    if await ResidentHousehold.filter(household_id=h.id).exists():
        raise Conflict("residents are bound to this household", code="household_in_use")
    async with in_transaction() as conn:
        await Household.filter(id=h.id).using_db(conn).delete()
        await audit(
            p,
            "household.delete",
            "household",
            h.id,
            {"community_id": h.community_id},
            using_db=conn,
        )


async def _member_of(
    p: Principal, household_id: int, member_id: int | None
) -> tuple[Household, Member | None]:
    h = await get_scoped(Household.all(), p, HOUSEHOLD_SCOPE, id=household_id)
    if member_id is None:
        return h, None
    m = await Member.filter(id=member_id, household_id=h.id).first()
    if m is None:
        raise NotFound("member not found")
    return h, m


async def add_member(p: Principal, household_id: int, data: MemberIn) -> MemberOut:
    h, _ = await _member_of(p, household_id, None)
    phone = clean_phone(data.phone)
    check_birth_year(data.birth_year)
    async with in_transaction() as conn:
        m = await Member.create(
            household_id=h.id,
            name=data.name,
            birth_year=data.birth_year,
            phone=phone,
            relation=data.relation,
            using_db=conn,
        )
        await refresh_schedule(h, conn)
        await audit(p, "member.create", "household", h.id, {"member_id": m.id}, using_db=conn)
    return MemberOut.model_validate(m, from_attributes=True)


async def update_member(
    p: Principal, household_id: int, member_id: int, patch: MemberPatch
) -> MemberOut:
    h, m = await _member_of(p, household_id, member_id)
    assert m is not None
    changes = patch.model_dump(exclude_unset=True)
    if changes.get("name", "") is None:
        raise Invalid("name cannot be empty")
    if "phone" in changes:
        changes["phone"] = clean_phone(changes["phone"] or "")
    if "relation" in changes and changes["relation"] is None:
        changes["relation"] = ""
    check_birth_year(changes.get("birth_year"))
    async with in_transaction() as conn:
        m.update_from_dict(changes)
        await m.save(using_db=conn)
        await refresh_schedule(h, conn)
        await audit(
            p,
            "member.update",
            "household",
            h.id,
            {"member_id": m.id, "fields": sorted(changes)},
            using_db=conn,
        )
    return MemberOut.model_validate(m, from_attributes=True)


async def delete_member(p: Principal, household_id: int, member_id: int) -> None:
    h, m = await _member_of(p, household_id, member_id)
    assert m is not None
    async with in_transaction() as conn:
        await m.delete(using_db=conn)
        await refresh_schedule(h, conn)
        await audit(p, "member.delete", "household", h.id, {"member_id": member_id}, using_db=conn)
