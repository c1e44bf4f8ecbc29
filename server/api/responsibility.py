"""责任清单: which body handles a category at a place; the suggestion on a report, its
correction, and dispatching to it in one step."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.guides import (
    BodyIn,
    BodyOut,
    CorrectionCount,
    CorrectionIn,
    CorrectionQuery,
    HandledByAnswer,
    HandlerDispatchIn,
    RuleImportQuery,
    RuleImportReport,
    RuleIn,
    RuleOut,
    RuleQuery,
    SegmentIn,
    SegmentOut,
)
from schemas.reports import ReportStaff
from server.api.limits import UPLOAD_MAX, body_limit
from server.api.respond import no_content, send
from server.api.validation import body, query, raw_body, returns
from server.auth.access import access, staff
from server.models.people import Role
from server.services.guides import duty_import, duty_list, handlers
from server.services.reports.access import get_visible
from server.services.reports.views import staff_view

bp = Blueprint("responsibility", url_prefix="/responsibility")
_FILE = {"schema": {"type": "string", "format": "binary"}}
_TYPES = {"text/csv": _FILE, duty_import.XLSX_TYPE: _FILE}


@bp.get("/bodies")
@staff()
@returns(list[BodyOut])
async def list_bodies(request: Request) -> HTTPResponse:
    """The bodies that handle matters (物业, 居委, departments), by kind and name."""
    street = request.ctx.principal.street_id
    return send([duty_list.body_out(b) for b in await duty_list.bodies(street)])


@bp.post("/bodies")
@staff(Role.admin)
@body(BodyIn)
@returns(BodyOut, 201, 404, 409)
async def add_body(request: Request) -> HTTPResponse:
    """Add a body (a 物业 with its hotline, a 居委, a department)."""
    b = await duty_list.save_body(None, request.ctx.body, request.ctx.principal)
    return send(duty_list.body_out(b), 201)


@bp.put("/bodies/<body_id:int>")
@staff(Role.admin)
@body(BodyIn)
@returns(BodyOut, 200, 404, 409)
async def change_body(request: Request, body_id: int) -> HTTPResponse:
    """Change a body; inactive ones are skipped by the list."""
    b = await duty_list.save_body(body_id, request.ctx.body, request.ctx.principal)
    return send(duty_list.body_out(b))


@bp.get("/segments")
@staff()
@returns(list[SegmentOut])
async def list_segments(request: Request) -> HTTPResponse:
    """Street segments: a road between two house numbers."""
    street = request.ctx.principal.street_id
    return send([duty_list.segment_out(s) for s in await duty_list.segments(street)])


@bp.post("/segments")
@staff(Role.admin)
@body(SegmentIn)
@returns(SegmentOut, 201, 404, 409)
async def add_segment(request: Request) -> HTTPResponse:
    """Add a street segment (长宁路 1-199号)."""
    s = await duty_list.save_segment(request.ctx.body, request.ctx.principal)
    return send(duty_list.segment_out(s), 201)


@bp.get("/rules")
@staff()
@query(RuleQuery)
@returns(list[RuleOut], 200, 422)
async def list_rules(request: Request) -> HTTPResponse:
    """Lines of the list, by category and most specific place first."""
    return send(await duty_list.list_rules(request.ctx.query))


@bp.put("/rules")
@staff(Role.admin)
@body(RuleIn)
@returns(RuleOut, 200, 404, 422)
async def save_rule(request: Request) -> HTTPResponse:
    """Add or replace the line for one category at one place (unknown category: 422)."""
    return send(await duty_list.save_rule(request.ctx.body, request.ctx.principal))


@bp.delete("/rules/<rule_id:int>")
@staff(Role.admin)
@returns(None, 204, 404)
async def delete_rule(request: Request, rule_id: int) -> HTTPResponse:
    """Remove a line."""
    await duty_list.delete_rule(rule_id, request.ctx.principal)
    return no_content()


@bp.post("/streets/<street_id:int>/import")
@body_limit(UPLOAD_MAX)
@staff(Role.admin)
@raw_body(_TYPES)
@query(RuleImportQuery)
@returns(RuleImportReport, 200, 404, 413, 415)
async def import_rules(request: Request, street_id: int) -> HTTPResponse:
    """Import lines from a CSV or XLSX sheet (类别, 社区, 小区, 楼, 路段, 责任单位, 理由);
    dry_run (the default) only reports. Every row is reported by its number; any bad row
    keeps the whole sheet out."""
    report = await duty_import.import_lines(
        request.ctx.principal,
        street_id,
        request.body or b"",
        request.headers.get("content-type", ""),
        dry_run=request.ctx.query.dry_run,
        max_bytes=request.app.ctx.settings.registry_import_max_bytes,
    )
    return send(report)


@bp.get("/reports/<report_id:int>")
@access(roles=tuple(Role), residents=True)
@returns(HandledByAnswer, 200, 404)
async def handler_of(request: Request, report_id: int) -> HTTPResponse:
    """Who handles this report (also part of the report itself as ``handled_by``)."""
    report = await get_visible(request.ctx.principal, report_id)
    return send(HandledByAnswer(report_id=report.id, handled_by=await handlers.handled_by(report)))


@bp.post("/reports/<report_id:int>/correction")
@staff(*handlers.CORRECTORS)
@body(CorrectionIn)
@returns(HandledByAnswer, 200, 404, 409, 422)
async def correct(request: Request, report_id: int) -> HTTPResponse:
    """Say the suggested body is wrong and which body handles it; counted per category."""
    b = request.ctx.body
    fixed = await handlers.correct(report_id, b.body_id, b.note, request.ctx.principal)
    return send(HandledByAnswer(report_id=report_id, handled_by=fixed))


@bp.post("/reports/<report_id:int>/dispatch")
@staff(Role.worker, Role.secretary, Role.street_dispatcher, Role.admin)
@body(HandlerDispatchIn)
@returns(ReportStaff, 200, 404, 409)
async def dispatch(request: Request, report_id: int) -> HTTPResponse:
    """Dispatch to the body that handles it, in one step (the owner stays the owner)."""
    b, p = request.ctx.body, request.ctx.principal
    await handlers.dispatch_to_handler(report_id, p, b.due_hours, b.instructions)
    return send(await staff_view(await get_visible(p, report_id), p))


@bp.get("/corrections")
@staff(Role.street_dispatcher, Role.admin)
@query(CorrectionQuery)
@returns(list[CorrectionCount])
async def corrections(request: Request) -> HTTPResponse:
    """Wrong suggestions corrected by staff, per category: where the list needs fixing."""
    q = request.ctx.query
    return send(await handlers.correction_counts(request.ctx.principal, q.street_id, q.since))
