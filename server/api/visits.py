"""Visits over HTTP: offline sync from workers' phones, the visit log, the due list and
day plan, and each community's visit policy."""

from __future__ import annotations

from uuid import UUID

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.registry import CustomGroupIn, GroupOut
from schemas.visits import (
    Coverage,
    CoverageQuery,
    DayPlan,
    DayPlanQuery,
    DueList,
    DueQuery,
    NeedReportCreate,
    NeedReportOut,
    RecomputeResult,
    VisitOut,
    VisitPage,
    VisitPolicyIn,
    VisitPolicyOut,
    VisitQuery,
    VisitSyncBatch,
    VisitSyncResponse,
)
from server.api.respond import send
from server.api.validation import body, query, returns
from server.auth.access import staff
from server.models.people import Role
from server.services.visits import coverage, planning
from server.services.visits import log as visit_log
from server.services.visits import policy as visit_policy
from server.services.visits import reports as visit_reports

bp = Blueprint("visits", url_prefix="/visits")
COMMUNITY_STAFF = (Role.worker, Role.secretary, Role.admin)


@bp.post("/sync")
@staff(*COMMUNITY_STAFF)
@body(VisitSyncBatch)
@returns(VisitSyncResponse, 200)
async def sync(request: Request) -> HTTPResponse:
    """Upload visits logged offline; safe to re-send.

    Each item answers on its own: created, updated, conflict (edited from an older
    version; the server's copy is returned) or rejected (with the reason). A re-sent
    batch changes nothing and gets the same answers.
    """
    results = await visit_log.sync_visits(request.ctx.principal, request.ctx.body.items)
    return send(VisitSyncResponse(results=results))


@bp.get("")
@staff(*COMMUNITY_STAFF)
@query(VisitQuery)
@returns(VisitPage, 200)
async def list_visits(request: Request) -> HTTPResponse:
    """The visit log in scope, newest first."""
    return send(await visit_log.list_visits(request.ctx.principal, request.ctx.query))


@bp.get("/<visit_id:uuid>")
@staff(*COMMUNITY_STAFF)
@returns(VisitOut, 200)
async def get_visit(request: Request, visit_id: UUID) -> HTTPResponse:
    """One visit."""
    return send(await visit_log.get_visit(request.ctx.principal, visit_id))


@bp.get("/due")
@staff(*COMMUNITY_STAFF)
@query(DueQuery)
@returns(DueList, 200, 404)
async def due(request: Request) -> HTTPResponse:
    """A worker's overdue and coming-due households, in walking order or (order=overdue)
    the longest overdue first."""
    q = request.ctx.query
    p = request.ctx.principal
    return send(await planning.due_list(p, q.worker_id, q.within_days, q.limit, q.order))


@bp.get("/plan")
@staff(*COMMUNITY_STAFF)
@query(DayPlanQuery)
@returns(DayPlan, 200, 404)
async def plan(request: Request) -> HTTPResponse:
    """A worker's round for one day: overdue first, up to the day's capacity."""
    q = request.ctx.query
    capacity = q.capacity or request.app.ctx.settings.visit_day_capacity
    return send(await planning.day_plan(request.ctx.principal, q.worker_id, q.day, capacity))


@bp.get("/policies/<community_id:int>")
@staff()
@returns(VisitPolicyOut, 200, 404)
async def get_policy(request: Request, community_id: int) -> HTTPResponse:
    """A community's visit cadences and the priority groups it can use."""
    return send(await visit_policy.get_policy(request.ctx.principal, community_id))


@bp.put("/policies/<community_id:int>")
@staff(Role.secretary, Role.admin)
@body(VisitPolicyIn)
@returns(VisitPolicyOut, 200, 404)
async def put_policy(request: Request, community_id: int) -> HTTPResponse:
    """Set the cadences; every household's next due date moves to match."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await visit_policy.set_policy(p, community_id, b))


@bp.post("/policies/<community_id:int>/groups")
@staff(Role.secretary, Role.admin)
@body(CustomGroupIn)
@returns(GroupOut, 201, 404, 409)
async def add_group(request: Request, community_id: int) -> HTTPResponse:
    """Add a community's own priority group."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await visit_policy.add_group(p, community_id, b), 201)


@bp.post("/policies/<community_id:int>/recompute")
@staff(Role.secretary, Role.admin)
@returns(RecomputeResult, 200, 404)
async def recompute(request: Request, community_id: int) -> HTTPResponse:
    """Recompute every schedule in full, e.g. on 1 January so 高龄 follows birthdays."""
    n = await visit_policy.recompute(request.ctx.principal, community_id)
    return send(RecomputeResult(households=n))


@bp.get("/coverage")
@staff()
@query(CoverageQuery)
@returns(Coverage, 200, 404)
async def get_coverage(request: Request) -> HTTPResponse:
    """Share of households visited within their cadence, overdue counts and a weekly trend.

    Per community, grid, worker and priority group, over every community in the
    caller's scope (a street for its dispatcher), or one community.
    """
    q = request.ctx.query
    return send(await coverage.coverage(request.ctx.principal, q.community_id, q.weeks))


@bp.post("/<visit_id:uuid>/reports")
@staff(*COMMUNITY_STAFF)
@body(NeedReportCreate)
@returns(NeedReportOut, 201, 404)
async def report_need(request: Request, visit_id: UUID) -> HTTPResponse:
    """Turn a need found on the visit into a report owned by the visiting worker.

    Once per need: asking again answers the same report with created=false (200).
    """
    out = await visit_reports.report_need(request.ctx.principal, visit_id, request.ctx.body)
    return send(out, 201 if out.created else 200)
