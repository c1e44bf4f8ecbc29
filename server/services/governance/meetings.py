"""Meetings of a project (议事会, 听证会, 协调会): calling one tells every verified resident
of the households in scope, by WeChat push and in the inbox, through the outbox."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from schemas.governance import ProjectMeetingCreate, ProjectMeetingOut, ProjectMeetingRecord
from server.auth.principal import Principal
from server.domain.errors import Conflict, NotFound
from server.models.geo import Community
from server.models.governance import Project, ProjectHousehold, ProjectStatus
from server.models.governance_votes import ActionItem, Meeting, MeetingKind
from server.models.people import Department, ResidentHousehold
from server.services.audit import audit
from server.services.governance.access import ensure_worker, project_for
from server.services.governance.views import meetings_out
from server.services.outbox import emit
from server.services.visits.schedule import community_zone

KIND_LABELS = {"council": "议事会", "hearing": "听证会", "coordination": "协调会"}


async def residents_in_scope(project_id: int) -> list[int]:
    """Verified residents of the project's households: who is told of meetings and votes."""
    households = ProjectHousehold.filter(project_id=project_id).values_list(
        "household_id", flat=True
    )
    ids = await ResidentHousehold.filter(
        household_id__in=await households, verified_at__isnull=False
    ).values_list("resident_id", flat=True)
    return sorted(set(ids))  # type: ignore[arg-type]


async def call(p: Principal, project_id: int, body: ProjectMeetingCreate) -> ProjectMeetingOut:
    project = await project_for(p, project_id)
    await ensure_worker(p, project)
    if project.status in (ProjectStatus.done, ProjectStatus.cancelled):
        raise Conflict("the project is over", code="project_over")
    street = await Community.filter(id=project.community_id).values_list("street_id", flat=True)
    found = await Department.filter(id__in=body.department_ids, street_id__in=street).count()
    if found != len(set(body.department_ids)):
        raise NotFound("department not found")
    zone = await community_zone(project.community_id)
    residents = await residents_in_scope(project.id)
    async with in_transaction() as conn:
        meeting = await Meeting.create(
            project_id=project.id,
            community_id=project.community_id,
            kind=MeetingKind(body.kind),
            title=body.title,
            starts_at=body.starts_at,
            place=body.place,
            agenda=body.agenda,
            departments=sorted(set(body.department_ids)),
            called_by_type=p.subject_type,
            called_by_id=p.id,
            using_db=conn,
        )
        await emit(
            "meeting.called",
            "meeting",
            meeting.id,
            _notice(project, meeting, zone, residents, p),
            community_id=project.community_id,
            using_db=conn,
        )
        await audit(
            p, "meeting.called", "meeting", meeting.id, {"project_id": project.id}, using_db=conn
        )
    (out,) = await meetings_out([meeting])
    return out


def _notice(
    project: Project, m: Meeting, zone: ZoneInfo, residents: list[int], p: Principal
) -> dict[str, object]:
    local = m.starts_at.astimezone(zone)
    kind = KIND_LABELS[m.kind.value]
    agenda = "；".join(m.agenda)
    return {
        "project_id": project.id,
        "meeting_id": m.id,
        "community_id": project.community_id,
        "resident_ids": residents,
        "actor_type": p.subject_type,
        "actor_id": p.id,
        "title": f"{kind}：{m.title}",
        "starts_at": local.isoformat(),
        "place": m.place,
        "note": f"{project.title}{kind}",
        "body": f"{local:%Y-%m-%d %H:%M} 在{m.place}召开{kind}。\n议程：{agenda}",
    }


async def record(
    p: Principal, project_id: int, meeting_id: int, body: ProjectMeetingRecord
) -> ProjectMeetingOut:
    project = await project_for(p, project_id)
    await ensure_worker(p, project)
    meeting = await Meeting.filter(id=meeting_id, project_id=project.id).first()
    if meeting is None:
        raise NotFound("meeting not found")
    async with in_transaction() as conn:
        meeting.minutes, meeting.decisions = body.minutes, body.decisions
        await meeting.save(using_db=conn)
        await ActionItem.filter(meeting_id=meeting.id).using_db(conn).delete()
        await ActionItem.bulk_create(
            [
                ActionItem(meeting_id=meeting.id, text=a.text, owner=a.owner, due_on=a.due_on)
                for a in body.actions
            ],
            using_db=conn,
        )
        await audit(
            p,
            "meeting.recorded",
            "meeting",
            meeting.id,
            {"decisions": len(body.decisions), "actions": len(body.actions)},
            using_db=conn,
        )
    (out,) = await meetings_out([meeting])
    return out


async def list_meetings(p: Principal, project_id: int) -> list[ProjectMeetingOut]:
    project = await project_for(p, project_id)
    meetings = await Meeting.filter(project_id=project.id).order_by("-starts_at").limit(200)
    return await meetings_out(meetings)
