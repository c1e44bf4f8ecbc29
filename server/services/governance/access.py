"""Who sees and who acts on a project, decided from the database on every call.

Staff see the projects of their community (a dispatcher: of their street) and the ones
they were added to as helpers; residents the
projects whose scope holds a household they are a verified member of, and the projects
whose group they are in. Anything else answers 404, as if it did not exist."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from server.auth.principal import Principal
from server.domain.errors import Forbidden, NotFound
from server.models.geo import Community
from server.models.governance import Project, ProjectHousehold, ProjectMember, ProjectStaff
from server.models.people import ResidentHousehold, Role

LOCAL_STAFF = (Role.worker, Role.secretary)


async def verified_households(resident_id: int, conn: BaseDBAsyncClient | None = None) -> list[int]:
    rows = ResidentHousehold.filter(resident_id=resident_id, verified_at__isnull=False)
    if conn is not None:
        rows = rows.using_db(conn)
    return list(await rows.values_list("household_id", flat=True))  # type: ignore[arg-type]


async def visible_project_ids(p: Principal) -> list[int] | None:
    """Ids of the projects the caller sees; None means every project (admins)."""
    if p.is_resident:
        mine = await verified_households(p.id)
        in_scope = await ProjectHousehold.filter(household_id__in=mine).values_list(
            "project_id", flat=True
        )
        grouped = await ProjectMember.filter(resident_id=p.id).values_list("project_id", flat=True)
        return sorted({*in_scope, *grouped})  # type: ignore[arg-type]
    if p.role == Role.admin:
        return None
    helping = await ProjectStaff.filter(staff_id=p.id).values_list("project_id", flat=True)
    if p.role in LOCAL_STAFF and p.community_id is not None:
        ids = Project.filter(community_id=p.community_id)
    elif p.role == Role.street_dispatcher and p.street_id is not None:
        communities = Community.filter(street_id=p.street_id).values_list("id", flat=True)
        ids = Project.filter(community_id__in=await communities)
    else:
        return sorted(helping)  # type: ignore[arg-type]
    return sorted({*await ids.values_list("id", flat=True), *helping})  # type: ignore[arg-type]


async def project_for(p: Principal, project_id: int) -> Project:
    """The project if the caller may see it; 404 otherwise."""
    project = await Project.filter(id=project_id).first()
    if project is None or not await _sees(p, project):
        raise NotFound("project not found")
    return project


async def _sees(p: Principal, project: Project) -> bool:
    if p.is_resident:
        mine = await verified_households(p.id)
        return (
            await ProjectHousehold.filter(project_id=project.id, household_id__in=mine).exists()
            or await ProjectMember.filter(project_id=project.id, resident_id=p.id).exists()
        )
    if p.role == Role.admin:
        return True
    if p.role in LOCAL_STAFF and project.community_id == p.community_id:
        return True
    street = p.role == Role.street_dispatcher and p.street_id is not None
    if street and await Community.filter(id=project.community_id, street_id=p.street_id).exists():
        return True
    return await ProjectStaff.filter(project_id=project.id, staff_id=p.id).exists()


async def ensure_worker(p: Principal, project: Project) -> None:
    """Ticking steps and calling meetings: the group's residents, the community's staff,
    the staff helpers added to it, and admins."""
    if p.is_resident:
        if await ProjectMember.filter(project_id=project.id, resident_id=p.id).exists():
            return
        raise Forbidden("only the project group may do this", code="not_in_group")
    if p.role == Role.admin or (p.role in LOCAL_STAFF and p.community_id == project.community_id):
        return
    if await ProjectStaff.filter(project_id=project.id, staff_id=p.id).exists():
        return
    raise Forbidden("only the project's staff and group may do this")


def ensure_secretary(p: Principal, project: Project) -> None:
    if p.is_staff and (
        p.role == Role.admin
        or (p.role == Role.secretary and p.community_id == project.community_id)
    ):
        return
    raise Forbidden("only the community secretary may do this", code="secretary_only")


def ensure_community_staff(p: Principal, project: Project) -> None:
    if p.is_staff and (
        p.role == Role.admin or (p.role in LOCAL_STAFF and p.community_id == project.community_id)
    ):
        return
    raise Forbidden("only the community's staff may do this")
