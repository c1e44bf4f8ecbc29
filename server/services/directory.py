"""The directory: communities, departments and staff, each read within the caller's scope;
staff accounts managed by admins; residents' claims to households verified by staff."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from schemas.directory import (
    BindingPublic,
    CommunityPublic,
    DepartmentPublic,
    StaffCreate,
    StaffPublic,
    StaffUpdate,
)
from server.auth.passwords import hash_password_async
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped, scoped
from server.domain.errors import Conflict, Invalid, NotFound
from server.models.geo import Community, Household, Street
from server.models.people import Department, ResidentHousehold, Role, Staff
from server.services import standing
from server.services.audit import audit
from server.services.filters import given

COMMUNITY_RULES = ScopeRules(
    community="id",
    street="street_id",
    department="street__departments__id",
    public_to_residents=True,
)
DEPARTMENT_RULES = ScopeRules(
    community="street__communities__id", street="street_id", department="id"
)
STAFF_RULES = ScopeRules(community="community_id", street="street_id", department="department_id")
BINDING_RULES = ScopeRules(
    community="household__community_id",
    street="household__community__street_id",
    resident="resident_id",
)


def _community(c: Community) -> CommunityPublic:
    return CommunityPublic(
        id=c.id, code=c.code, name=c.name, street_id=c.street_id, time_zone=c.time_zone
    )


def _staff(s: Staff) -> StaffPublic:
    return StaffPublic(
        id=s.id,
        username=s.username,
        display_name=s.display_name,
        role=s.role.value,
        community_id=s.community_id,
        street_id=s.street_id,
        department_id=s.department_id,
        active=s.active,
    )


def _binding(b: ResidentHousehold) -> BindingPublic:
    return BindingPublic(
        id=b.id,
        resident_id=b.resident_id,
        household_id=b.household_id,
        status="verified" if b.verified_at else "pending",
        verified_by=b.verified_by_id,  # type: ignore[attr-defined]
        verified_at=b.verified_at,
        created_at=b.created_at,
    )


async def list_communities(p: Principal) -> list[CommunityPublic]:
    rows = await scoped(Community.all(), p, COMMUNITY_RULES).distinct().order_by("id")
    return [_community(c) for c in rows]


async def get_community(p: Principal, community_id: int) -> CommunityPublic:
    return _community(await get_scoped(Community.all(), p, COMMUNITY_RULES, id=community_id))


async def list_departments(p: Principal) -> list[DepartmentPublic]:
    rows = await scoped(Department.all(), p, DEPARTMENT_RULES).distinct().order_by("id")
    return [
        DepartmentPublic(id=d.id, code=d.code, name=d.name, street_id=d.street_id) for d in rows
    ]


async def list_staff(
    p: Principal, community_id: int | None, role: str | None, active: bool | None
) -> list[StaffPublic]:
    qs = given(
        scoped(Staff.all(), p, STAFF_RULES), community_id=community_id, role=role, active=active
    )
    return [_staff(s) for s in await qs.order_by("id")]


async def _check_scope_fields(data: StaffCreate) -> dict[str, object]:
    """Each role carries exactly the scope it acts in."""
    role = Role(data.role)
    community = street = department = None
    if role in (Role.worker, Role.secretary):
        if data.community_id is None:
            raise Invalid(f"a {role.value} needs a community_id")
        community = await Community.filter(id=data.community_id).first()
        if community is None:
            raise Invalid("unknown community", details={"community_id": data.community_id})
        street = await Street.get(id=community.street_id)
    elif role == Role.street_dispatcher:
        street = await Street.filter(id=data.street_id or 0).first()
        if street is None:
            raise Invalid("a street_dispatcher needs a known street_id")
    elif role == Role.department_officer:
        department = await Department.filter(id=data.department_id or 0).first()
        if department is None:
            raise Invalid("a department_officer needs a known department_id")
        street = await Street.get(id=department.street_id)
    return {"community": community, "street": street, "department": department}


async def create_staff(p: Principal, data: StaffCreate) -> StaffPublic:
    where = await _check_scope_fields(data)
    pw = await hash_password_async(data.password)
    try:
        async with in_transaction() as conn:
            s = await Staff.create(
                username=data.username,
                password_hash=pw,
                display_name=data.display_name,
                role=Role(data.role),
                phone=data.phone,
                using_db=conn,
                **where,
            )
            await audit(p, "staff.create", "staff", s.id, {"role": data.role}, using_db=conn)
    except IntegrityError:
        raise Conflict("that username is taken", details={"username": data.username}) from None
    await standing.staff_changed(s.id)  # no worker keeps an old "unknown" for this id
    return _staff(s)


async def update_staff(p: Principal, staff_id: int, data: StaffUpdate) -> StaffPublic:
    async with in_transaction() as conn:
        s = await Staff.filter(id=staff_id).using_db(conn).select_for_update().first()
        if s is None:
            raise NotFound("staff not found")
        changed: list[str] = []
        if data.display_name is not None:
            s.display_name, changed = data.display_name, [*changed, "display_name"]
        if data.active is not None:
            s.active, changed = data.active, [*changed, "active"]
        if data.password is not None:
            s.password_hash = await hash_password_async(data.password)
            changed.append("password_hash")
        if changed:
            await s.save(using_db=conn, update_fields=changed)
            fields = [c.replace("password_hash", "password") for c in changed]
            await audit(p, "staff.update", "staff", s.id, {"fields": fields}, using_db=conn)
    await standing.staff_changed(s.id)  # every worker sees the change from now
    return _staff(s)


async def claim_household(p: Principal, household_id: int) -> BindingPublic:
    if not await Household.exists(id=household_id):
        raise Invalid("unknown household", details={"household_id": household_id})
    try:
        async with in_transaction() as conn:
            b = await ResidentHousehold.create(
                resident_id=p.id, household_id=household_id, using_db=conn
            )
            await audit(p, "binding.claim", "household", household_id, using_db=conn)
    except IntegrityError:
        raise Conflict("you have already claimed this household") from None
    return _binding(b)


async def list_bindings(p: Principal, status: str | None) -> list[BindingPublic]:
    qs = scoped(ResidentHousehold.all(), p, BINDING_RULES)
    if status == "pending":
        qs = qs.filter(verified_at__isnull=True)
    elif status == "verified":
        qs = qs.filter(verified_at__isnull=False)
    return [_binding(b) for b in await qs.order_by("id")]


async def decide_binding(p: Principal, binding_id: int, approve: bool) -> BindingPublic | None:
    async with in_transaction() as conn:
        qs = ResidentHousehold.all().using_db(conn).select_for_update()
        b = await get_scoped(qs, p, BINDING_RULES, id=binding_id)
        if approve:
            if b.verified_at is None:
                b.verified_at = datetime.now(UTC)
                b.verified_by_id = p.id  # type: ignore[attr-defined]
                await b.save(using_db=conn, update_fields=["verified_at", "verified_by_id"])
                await audit(p, "binding.verify", "household", b.household_id, using_db=conn)
            return _binding(b)
        await b.delete(using_db=conn)
        await audit(p, "binding.reject", "household", b.household_id, using_db=conn)
        return None
