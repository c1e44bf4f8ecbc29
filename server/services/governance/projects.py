"""Opening a project, approving its start, its group and helpers, its scope and the
floor areas its households vote with."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from schemas.governance import (
    HouseholdAreaIn,
    HouseholdAreaOut,
    ProjectCreate,
    ProjectDetail,
    ProjectOut,
    ProjectScope,
    ScopeHousehold,
)
from server.auth.principal import Principal
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.governance.steps import TEMPLATES, ProjectKind
from server.models.geo import Building, Community, Household
from server.models.governance import (
    Project,
    ProjectHousehold,
    ProjectMember,
    ProjectStaff,
    ProjectStatus,
    Step,
)
from server.models.people import Resident, ResidentHousehold, Role, Staff
from server.models.visits import HouseholdArea
from server.services.audit import audit
from server.services.filters import given
from server.services.governance.access import (
    LOCAL_STAFF,
    ensure_community_staff,
    ensure_secretary,
    project_for,
    verified_households,
    visible_project_ids,
)
from server.services.governance.views import project_detail, projects_out
from server.services.visits.schedule import local_today

BOARD_LIMIT = 500


async def _scope_households(p: Principal, body: ProjectCreate) -> tuple[int, list[Household]]:
    """The community and households of a new project; all in one community."""
    if body.building_id is not None:
        building = await Building.filter(id=body.building_id).first()
        if building is None:
            raise NotFound("building not found")
        households = await Household.filter(building_id=building.id).order_by("id")
    else:
        households = await Household.filter(id__in=body.household_ids).order_by("id")
        if len(households) != len(set(body.household_ids)):
            raise NotFound("household not found")
    communities = {h.community_id for h in households}
    if len(communities) != 1:
        raise Invalid("a project's households must all be in one community", code="scope")
    (community_id,) = communities
    if p.is_resident:
        mine = set(await verified_households(p.id))
        if body.coordinator_household_id not in mine or not any(h.id in mine for h in households):
            raise NotFound("household not found")  # a resident opens only where they live
    elif not (p.role == Role.admin or (p.role in LOCAL_STAFF and p.community_id == community_id)):
        raise NotFound("building not found")
    return community_id, households


async def create_project(p: Principal, body: ProjectCreate) -> ProjectDetail:
    community_id, households = await _scope_households(p, body)
    async with in_transaction() as conn:
        project = await Project.create(
            community_id=community_id,
            building_id=body.building_id,
            kind=ProjectKind(body.kind),
            title=body.title,
            description=body.description,
            coordinator_id=p.id if p.is_resident else None,
            opened_by_type=p.subject_type,
            opened_by_id=p.id,
            using_db=conn,
        )
        await ProjectHousehold.bulk_create(
            [ProjectHousehold(project_id=project.id, household_id=h.id) for h in households],
            using_db=conn,
        )
        if p.is_resident:
            await ProjectMember.create(project_id=project.id, resident_id=p.id, using_db=conn)
        await Step.bulk_create(
            [
                Step(
                    project_id=project.id,
                    position=i,
                    code=t.code,
                    name=t.name,
                    office=t.office,
                    stamp=t.stamp,
                    days=t.days,
                )
                for i, t in enumerate(TEMPLATES[ProjectKind(body.kind)], start=1)
            ],
            using_db=conn,
        )
        await audit(
            p,
            "project.opened",
            "project",
            project.id,
            {"households": len(households)},
            using_db=conn,
        )
    return await project_detail(project, await local_today(community_id))


async def approve(p: Principal, project_id: int) -> ProjectDetail:
    project = await project_for(p, project_id)
    ensure_secretary(p, project)
    today = await local_today(project.community_id)
    async with in_transaction() as conn:
        moved = (
            await Project.filter(id=project.id, status=ProjectStatus.proposed)
            .using_db(conn)
            .update(status=ProjectStatus.active, approved_by_id=p.id, started_on=today)
        )
        if not moved:
            raise Conflict("only a proposed project can be approved", code="not_proposed")
        await audit(p, "project.approved", "project", project.id, using_db=conn)
    await project.refresh_from_db()
    return await project_detail(project, today)


async def add_helper(p: Principal, project_id: int, staff_id: int) -> ProjectDetail:
    project = await project_for(p, project_id)
    ensure_secretary(p, project)
    helper = await Staff.filter(id=staff_id, active=True).first()
    street = await Community.filter(id=project.community_id).values_list("street_id", flat=True)
    if helper is None or (helper.role != Role.admin and helper.street_id not in street):
        raise NotFound("staff not found")  # helpers come from the project's street
    await ProjectStaff.get_or_create(project_id=project.id, staff_id=helper.id)
    await audit(p, "project.helper_added", "project", project.id, {"staff_id": helper.id})
    return await project_detail(project, await local_today(project.community_id))


async def add_member(p: Principal, project_id: int, resident_id: int) -> ProjectDetail:
    """The group takes in a resident of a household in scope (staff or the coordinator)."""
    project = await project_for(p, project_id)
    if p.is_resident and project.coordinator_id != p.id:
        raise Forbidden("only the coordinator adds to the group", code="coordinator_only")
    if p.is_staff:
        ensure_community_staff(p, project)
    scope = ProjectHousehold.filter(project_id=project.id).values_list("household_id", flat=True)
    lives_here = await ResidentHousehold.filter(
        resident_id=resident_id, verified_at__isnull=False, household_id__in=await scope
    ).exists()
    if not lives_here or not await Resident.filter(id=resident_id).exists():
        raise NotFound("resident not found")
    await ProjectMember.get_or_create(project_id=project.id, resident_id=resident_id)
    await audit(p, "project.member_added", "project", project.id, {"resident_id": resident_id})
    return await project_detail(project, await local_today(project.community_id))


async def board(p: Principal, status: str | None) -> list[ProjectOut]:
    ids = await visible_project_ids(p)
    qs = given(Project.all() if ids is None else Project.filter(id__in=ids), status=status)
    projects = await qs.order_by("-id").limit(BOARD_LIMIT)
    today = await local_today(projects[0].community_id) if projects else date.today()
    return await projects_out(projects, today)


async def detail(p: Principal, project_id: int) -> ProjectDetail:
    project = await project_for(p, project_id)
    return await project_detail(project, await local_today(project.community_id))


async def scope(p: Principal, project_id: int) -> ProjectScope:
    """The households in scope with their floor areas (staff only: it is the registry)."""
    project = await project_for(p, project_id)
    ensure_community_staff(p, project)
    ids = ProjectHousehold.filter(project_id=project.id).values_list("household_id", flat=True)
    households = await Household.filter(id__in=await ids).order_by("building_id", "unit", "room")
    areas = dict(
        await HouseholdArea.filter(household_id__in=[h.id for h in households]).values_list(
            "household_id", "area"
        )
    )
    items = [
        ScopeHousehold(
            household_id=h.id,
            building_id=h.building_id,
            unit=h.unit,
            room=h.room,
            area=areas.get(h.id),
        )
        for h in households
    ]
    return ProjectScope(items=items, missing_area=sum(1 for i in items if i.area is None))


async def set_area(p: Principal, household_id: int, body: HouseholdAreaIn) -> HouseholdAreaOut:
    """Record a household's floor area (from its property certificate) in the registry."""
    household = await Household.filter(id=household_id).first()
    if household is None or not p.is_staff:
        raise NotFound("household not found")
    if not (
        p.role == Role.admin or (p.role in LOCAL_STAFF and p.community_id == household.community_id)
    ):
        raise NotFound("household not found")
    async with in_transaction() as conn:
        row = await HouseholdArea.filter(household_id=household.id).using_db(conn).first()
        before = str(row.area) if row else None
        if row is None:
            row = await HouseholdArea.create(
                household_id=household.id, area=body.area, source=body.source, using_db=conn
            )
        else:
            row.area, row.source = body.area, body.source
            await row.save(using_db=conn)
        await audit(
            p,
            "household.area_set",
            "household",
            household.id,
            {"before": before, "after": str(body.area), "source": body.source},
            using_db=conn,
        )
    return HouseholdAreaOut(household_id=household.id, area=row.area, source=row.source)
