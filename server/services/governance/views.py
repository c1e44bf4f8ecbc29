"""Projects, steps and meetings as the API shows them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from schemas.governance import (
    ActionItemOut,
    ProgressOut,
    ProjectDetail,
    ProjectMeetingOut,
    ProjectOut,
    StepOut,
)
from server.domain.governance.steps import KIND_LABELS, ProjectKind, StepState, progress
from server.models.governance import Project, ProjectHousehold, ProjectMember, ProjectStaff, Step
from server.models.governance_votes import ActionItem, Meeting


def step_out(s: Step) -> StepOut:
    return StepOut(
        id=s.id,
        position=s.position,
        code=s.code,
        name=s.name,
        office=s.office,
        stamp=s.stamp,
        days=s.days,
        done_on=s.done_on,
        done_office=s.done_office,
        photo=s.photo,
        note=s.note,
        ticked_by_type=s.ticked_by_type,
        ticked_by_id=s.ticked_by_id,
        ticked_at=s.ticked_at,
    )


def progress_out(project: Project, steps: list[Step], today: date) -> ProgressOut:
    started = project.started_on if project.status == "active" else None
    pr = progress([StepState(s.position, s.days, s.done_on) for s in steps], started, today)
    nxt = next((s for s in steps if s.position == pr.next_position), None)
    return ProgressOut(
        done=pr.done,
        total=pr.total,
        next_step=nxt.name if nxt else None,
        next_office=nxt.office if nxt else None,
        waiting_since=pr.waiting_since,
        days_waiting=pr.days_waiting,
        stuck=pr.stuck,
    )


async def projects_out(projects: list[Project], today: date) -> list[ProjectOut]:
    """Many projects in five queries, whatever their number."""
    ids = [p.id for p in projects]
    steps: dict[int, list[Step]] = defaultdict(list)
    for s in await Step.filter(project_id__in=ids).order_by("position"):
        steps[s.project_id].append(s)
    counts: dict[int, int] = defaultdict(int)
    for pid in await ProjectHousehold.filter(project_id__in=ids).values_list(
        "project_id", flat=True
    ):
        counts[pid] += 1  # type: ignore[index]
    members: dict[int, list[int]] = defaultdict(list)
    for pid, rid in await ProjectMember.filter(project_id__in=ids).values_list(
        "project_id", "resident_id"
    ):
        members[pid].append(rid)
    helpers: dict[int, list[int]] = defaultdict(list)
    for pid, sid in await ProjectStaff.filter(project_id__in=ids).values_list(
        "project_id", "staff_id"
    ):
        helpers[pid].append(sid)
    return [
        ProjectOut(
            id=p.id,
            community_id=p.community_id,
            building_id=p.building_id,
            kind=p.kind.value,
            kind_label=KIND_LABELS[ProjectKind(p.kind)],
            title=p.title,
            description=p.description,
            status=p.status.value,
            coordinator_id=p.coordinator_id,
            approved_by_id=p.approved_by_id,
            started_on=p.started_on,
            households=counts[p.id],
            members=sorted(members[p.id]),
            helpers=sorted(helpers[p.id]),
            progress=progress_out(p, steps[p.id], today),
            created_at=p.created_at,
        )
        for p in projects
    ]


async def project_detail(project: Project, today: date) -> ProjectDetail:
    (out,) = await projects_out([project], today)
    steps = await Step.filter(project_id=project.id).order_by("position")
    return ProjectDetail(**out.model_dump(), steps=[step_out(s) for s in steps])


async def meetings_out(meetings: list[Meeting]) -> list[ProjectMeetingOut]:
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    for a in await ActionItem.filter(meeting_id__in=[m.id for m in meetings]).order_by("id"):
        actions[a.meeting_id].append(a)
    invited: dict[int, int] = defaultdict(int)
    for pid in await ProjectHousehold.filter(
        project_id__in={m.project_id for m in meetings}
    ).values_list("project_id", flat=True):
        invited[pid] += 1  # type: ignore[index]
    return [
        ProjectMeetingOut(
            id=m.id,
            project_id=m.project_id,
            kind=m.kind.value,
            title=m.title,
            starts_at=m.starts_at,
            place=m.place,
            agenda=list(m.agenda),
            department_ids=list(m.departments),
            invited_households=invited[m.project_id],
            minutes=m.minutes,
            decisions=list(m.decisions),
            actions=[
                ActionItemOut(
                    id=a.id, text=a.text, owner=a.owner, due_on=a.due_on, done_on=a.done_on
                )
                for a in actions[m.id]
            ],
        )
        for m in meetings
    ]
