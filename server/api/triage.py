"""The staff side of reports: triage queues, ownership changes, reclassification,
dispatch to departments, the officers' legs, meetings and duplicate suggestions."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.reports import (
    AssignIn,
    BulkAssignIn,
    BulkResult,
    DispatchIn,
    LegReportIn,
    MeetingIn,
    QueueQuery,
    RecallIn,
    ReportPage,
    ReportPatch,
    ReportStaff,
)
from server.api.respond import send
from server.api.validation import body, query, returns
from server.auth.access import staff
from server.domain.errors import DomainError
from server.models.people import Role
from server.services import reports as svc
from server.services.reports.access import get_visible
from server.services.reports.views import staff_view

bp = Blueprint("triage", url_prefix="/triage")
MANAGERS = (Role.secretary, Role.street_dispatcher, Role.admin)
DUPLICATES = {
    "application/json": {
        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/DuplicateOut"}}
    }
}


async def _staff_answer(request: Request, report_id: int, status: int = 200) -> HTTPResponse:
    p = request.ctx.principal
    return send(await staff_view(await get_visible(p, report_id), p), status)


@bp.get("/queue")
@staff()
@query(QueueQuery)
@returns(ReportPage)
async def work_queue(request: Request) -> HTTPResponse:
    """A triage queue in deadline order, filtered, a page at a time, with tab counts."""
    return send(await svc.queue(request.ctx.query, request.ctx.principal))


@bp.post("/reports/<report_id:int>/assign")
@staff(*MANAGERS)
@body(AssignIn)
@returns(ReportStaff, 200, 409)
async def assign(request: Request, report_id: int) -> HTTPResponse:
    """Give the report a new owner (a recorded reassignment)."""
    b = request.ctx.body
    await svc.reassign(report_id, b.owner_id, request.ctx.principal, note=b.note)
    return await _staff_answer(request, report_id)


@bp.post("/bulk-assign")
@staff(*MANAGERS)
@body(BulkAssignIn)
@returns(BulkResult)
async def bulk_assign(request: Request) -> HTTPResponse:
    """Reassign many reports; each succeeds or fails on its own, with the reason."""
    b = request.ctx.body
    done, failed = [], {}
    for rid in dict.fromkeys(b.report_ids):
        try:
            await svc.reassign(rid, b.owner_id, request.ctx.principal, note=b.note)
            done.append(rid)
        except DomainError as exc:
            failed[rid] = exc.code
    return send(BulkResult(assigned=done, failed=failed))


@bp.patch("/reports/<report_id:int>")
@staff()
@body(ReportPatch)
@returns(ReportStaff, 200, 409)
async def reclassify(request: Request, report_id: int) -> HTTPResponse:
    """Change the priority or the category (deadlines follow)."""
    b = request.ctx.body
    await svc.reclassify(
        report_id, request.ctx.principal, priority=b.priority, category_code=b.category, note=b.note
    )
    return await _staff_answer(request, report_id)


@bp.post("/reports/<report_id:int>/dispatch")
@staff(Role.worker, Role.secretary, Role.street_dispatcher, Role.admin)
@body(DispatchIn)
@returns(ReportStaff, 200, 409)
async def dispatch(request: Request, report_id: int) -> HTTPResponse:
    """Dispatch to one or more departments, each leg with its own deadline."""
    b = request.ctx.body
    legs = [svc.NewLeg(x.department_id, x.due_hours, x.instructions) for x in b.legs]
    await svc.dispatch(report_id, request.ctx.principal, legs, b.note)
    return await _staff_answer(request, report_id)


@bp.post("/reports/<report_id:int>/legs/<leg_id:int>/accept")
@staff(Role.department_officer)
@returns(ReportStaff, 200, 409)
async def accept_leg(request: Request, report_id: int, leg_id: int) -> HTTPResponse:
    """A department officer takes on the department's leg."""
    await svc.accept_leg(report_id, leg_id, request.ctx.principal)
    return await _staff_answer(request, report_id)


@bp.post("/reports/<report_id:int>/legs/<leg_id:int>/report")
@staff(Role.department_officer)
@body(LegReportIn)
@returns(ReportStaff, 200, 409)
async def report_back(request: Request, report_id: int, leg_id: int) -> HTTPResponse:
    """The department reports back what it did (text and photos)."""
    b = request.ctx.body
    await svc.report_back(report_id, leg_id, request.ctx.principal, b.result, b.photos)
    return await _staff_answer(request, report_id)


@bp.post("/reports/<report_id:int>/legs/<leg_id:int>/recall")
@staff(Role.worker, Role.secretary, Role.street_dispatcher, Role.admin)
@body(RecallIn)
@returns(ReportStaff, 200, 409)
async def recall_leg(request: Request, report_id: int, leg_id: int) -> HTTPResponse:
    """Recall a leg sent to the wrong department: its deadline stops, the department is
    told, the owner keeps the matter."""
    b = request.ctx.body
    await svc.recall_leg(report_id, leg_id, request.ctx.principal, b.reason)
    return await _staff_answer(request, report_id)


@bp.post("/reports/<report_id:int>/meetings")
@staff(Role.worker, Role.secretary, Role.street_dispatcher, Role.admin)
@body(MeetingIn)
@returns(ReportStaff, 201)
async def meeting(request: Request, report_id: int) -> HTTPResponse:
    """Record a summons (约请) or joint meeting (联席会议) with participants and outcome."""
    b = request.ctx.body
    await svc.record_meeting(
        report_id,
        request.ctx.principal,
        kind=b.kind,
        held_on=b.held_on,
        participants=b.participants,
        outcome=b.outcome,
    )
    return await _staff_answer(request, report_id, 201)


@bp.get("/reports/<report_id:int>/duplicates")
@staff()
@returns(DUPLICATES)
async def duplicates(request: Request, report_id: int) -> HTTPResponse:
    """Open reports of the same category nearby and recent: candidates to merge."""
    return send(await svc.duplicates_of(report_id, request.ctx.principal))
