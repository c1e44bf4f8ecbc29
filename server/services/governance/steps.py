"""Ticking off a project's steps: the date, the office that stamped, a photo of the
document. A ticked step can be ticked again to correct it; the audit keeps both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from schemas.governance import StepOut, StepTick
from server.auth.principal import Principal
from server.domain.errors import Conflict, Invalid, NotFound
from server.models.governance import ProjectStatus, Step
from server.models.reports import Photo
from server.services.audit import audit
from server.services.governance.access import ensure_worker, project_for
from server.services.governance.views import step_out
from server.services.visits.schedule import local_today


async def tick(p: Principal, project_id: int, step_id: int, body: StepTick) -> StepOut:
    project = await project_for(p, project_id)
    await ensure_worker(p, project)
    if project.status != ProjectStatus.active:
        raise Conflict(
            "steps are ticked once the secretary has approved the project", code="not_active"
        )
    step = await Step.filter(id=step_id, project_id=project.id).first()
    if step is None:
        raise NotFound("step not found")
    today = await local_today(project.community_id)
    if body.done_on > today + timedelta(days=1):
        raise Invalid("done_on is in the future", code="future_date")
    uploaded = await Photo.filter(
        sha256=body.photo, uploader_type=p.subject_type, uploader_id=p.id
    ).exists()
    if not uploaded:
        raise Invalid(
            "upload the document's photo first (POST /api/v1/reports/photos)", code="photo_unknown"
        )
    async with in_transaction() as conn:
        before = {
            "done_on": str(step.done_on) if step.done_on else None,
            "office": step.done_office,
        }
        step.done_on, step.done_office, step.photo, step.note = (
            body.done_on,
            body.office,
            body.photo,
            body.note,
        )
        step.ticked_by_type, step.ticked_by_id = p.subject_type, p.id
        step.ticked_at = datetime.now(UTC)
        await step.save(using_db=conn)
        await audit(
            p,
            "project.step_ticked",
            "project_step",
            step.id,
            {
                "project_id": project.id,
                "before": before,
                "done_on": str(body.done_on),
                "office": body.office,
                "photo": body.photo,
            },
            using_db=conn,
        )
    return step_out(step)


async def untick(p: Principal, project_id: int, step_id: int) -> StepOut:
    project = await project_for(p, project_id)
    await ensure_worker(p, project)
    step = await Step.filter(id=step_id, project_id=project.id).first()
    if step is None:
        raise NotFound("step not found")
    async with in_transaction() as conn:
        before = {
            "done_on": str(step.done_on) if step.done_on else None,
            "office": step.done_office,
            "photo": step.photo,
        }
        step.done_on, step.done_office, step.photo = None, "", ""
        step.ticked_by_type, step.ticked_by_id, step.ticked_at = (
            p.subject_type,
            p.id,
            datetime.now(UTC),
        )
        await step.save(using_db=conn)
        await audit(
            p, "project.step_unticked", "project_step", step.id, {"before": before}, using_db=conn
        )
    return step_out(step)


async def photo_of(p: Principal, project_id: int, step_id: int) -> str:
    """The sha of a step's document photo, for those who see the project."""
    project = await project_for(p, project_id)
    step = await Step.filter(id=step_id, project_id=project.id).first()
    if step is None or not step.photo:
        raise NotFound("photo not found")
    return step.photo
