"""The rota: posts, shift templates, certifications, availability and leave, generating
and publishing rotas, the grid, swaps, sick re-solves and who is on duty."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.rota import (
    AvailabilityList,
    AvailabilityPublic,
    AvailabilityUpdate,
    CertificationCreate,
    CertificationList,
    CertificationPublic,
    CertificationReport,
    LeaveCreate,
    LeaveList,
    LeavePublic,
    LeaveQuery,
    PostCreate,
    PostList,
    PostPublic,
    PostUpdate,
    ReportQuery,
    ShiftCreate,
    ShiftList,
    ShiftPublic,
    ShiftUpdate,
)
from schemas.rota_plan import (
    ChangeList,
    GenerateRequest,
    OnDuty,
    OnDutyQuery,
    ResolveResult,
    RotaDraft,
    RotaGrid,
    RotaPage,
    RotaSummary,
    SickRequest,
    StreetDraft,
    SwapCreate,
    SwapDecision,
    SwapList,
    SwapPublic,
)
from server.api.respond import no_content, send
from server.api.validation import body, query, returns
from server.auth.access import staff
from server.auth.principal import Principal
from server.models.people import Role
from server.services.rota import availability, changes, lifecycle, setup, street
from server.services.rota.board import on_duty_board

bp = Blueprint("rota", url_prefix="/rota")
SECRETARY = (Role.secretary, Role.admin)
ROSTER_READERS = (Role.worker, Role.secretary, Role.street_dispatcher, Role.admin)


def _p(request: Request) -> Principal:
    p: Principal = request.ctx.principal
    return p


# -- posts -----------------------------------------------------------------------
@bp.get("/communities/<community_id:int>/posts")
@staff(*ROSTER_READERS)
@returns(PostList, 200, 403, 404)
async def list_posts(request: Request, community_id: int) -> HTTPResponse:
    """The community's posts with their opening hours and minimum staff."""
    return send(PostList(items=await setup.list_posts(_p(request), community_id)))


@bp.post("/communities/<community_id:int>/posts")
@staff(*SECRETARY)
@body(PostCreate)
@returns(PostPublic, 201, 403, 404, 409, 422)
async def create_post(request: Request, community_id: int) -> HTTPResponse:
    """Add a post (desk, field or on-call duty)."""
    return send(await setup.create_post(_p(request), community_id, request.ctx.body), 201)


@bp.patch("/posts/<post_id:int>")
@staff(*SECRETARY)
@body(PostUpdate)
@returns(PostPublic, 200, 403, 404, 422)
async def update_post(request: Request, post_id: int) -> HTTPResponse:
    """Change a post's name, kind, hours or order, or deactivate it."""
    return send(await setup.update_post(_p(request), post_id, request.ctx.body))


@bp.delete("/posts/<post_id:int>")
@staff(*SECRETARY)
@returns(None, 204, 403, 404, 409)
async def delete_post(request: Request, post_id: int) -> HTTPResponse:
    """Remove a post no rota refers to."""
    await setup.delete_post(_p(request), post_id)
    return no_content()


# -- shift templates ---------------------------------------------------------------
@bp.get("/communities/<community_id:int>/shifts")
@staff(*ROSTER_READERS)
@returns(ShiftList, 200, 403, 404)
async def list_shifts(request: Request, community_id: int) -> HTTPResponse:
    """The community's shift templates."""
    return send(ShiftList(items=await setup.list_shifts(_p(request), community_id)))


@bp.post("/communities/<community_id:int>/shifts")
@staff(*SECRETARY)
@body(ShiftCreate)
@returns(ShiftPublic, 201, 403, 404, 409, 422)
async def create_shift(request: Request, community_id: int) -> HTTPResponse:
    """Add a shift template (e.g. early 08:00–16:30)."""
    return send(await setup.create_shift(_p(request), community_id, request.ctx.body), 201)


@bp.patch("/shifts/<shift_id:int>")
@staff(*SECRETARY)
@body(ShiftUpdate)
@returns(ShiftPublic, 200, 403, 404, 422)
async def update_shift(request: Request, shift_id: int) -> HTTPResponse:
    """Rename or deactivate a shift template (its times are fixed once made)."""
    return send(await setup.update_shift(_p(request), shift_id, request.ctx.body))


@bp.delete("/shifts/<shift_id:int>")
@staff(*SECRETARY)
@returns(None, 204, 403, 404, 409)
async def delete_shift(request: Request, shift_id: int) -> HTTPResponse:
    """Remove a shift template no rota refers to."""
    await setup.delete_shift(_p(request), shift_id)
    return no_content()


# -- certifications ------------------------------------------------------------------
@bp.get("/communities/<community_id:int>/certifications")
@staff(*ROSTER_READERS)
@returns(CertificationList, 200, 403, 404)
async def list_certifications(request: Request, community_id: int) -> HTTPResponse:
    """Who is certified on which post."""
    items = await setup.list_certifications(_p(request), community_id)
    return send(CertificationList(items=items))


@bp.post("/communities/<community_id:int>/certifications")
@staff(*SECRETARY)
@body(CertificationCreate)
@returns(CertificationPublic, 201, 403, 404, 422)
async def certify(request: Request, community_id: int) -> HTTPResponse:
    """Certify a worker on a post (or update the dates of an existing certification)."""
    return send(await setup.certify(_p(request), community_id, request.ctx.body), 201)


@bp.delete("/certifications/<cert_id:int>")
@staff(*SECRETARY)
@returns(None, 204, 403, 404)
async def revoke_certification(request: Request, cert_id: int) -> HTTPResponse:
    """Withdraw a certification."""
    await setup.revoke_certification(_p(request), cert_id)
    return no_content()


@bp.get("/communities/<community_id:int>/certifications/report")
@staff(*ROSTER_READERS)
@query(ReportQuery)
@returns(CertificationReport, 200, 403, 404, 422)
async def certification_report(request: Request, community_id: int) -> HTTPResponse:
    """The 全岗通 rate and who lacks which post, on a date (today by default)."""
    return send(await setup.certification_report(_p(request), community_id, request.ctx.query.on))


# -- availability and leave -------------------------------------------------------------
@bp.get("/communities/<community_id:int>/availability")
@staff(*ROSTER_READERS)
@returns(AvailabilityList, 200, 403, 404)
async def list_availability(request: Request, community_id: int) -> HTTPResponse:
    """Contract hours and stated wishes of every rostered worker."""
    items = await availability.list_availability(_p(request), community_id)
    return send(AvailabilityList(items=items))


@bp.put("/staff/<staff_id:int>/availability")
@staff(Role.worker, Role.secretary, Role.admin)
@body(AvailabilityUpdate)
@returns(AvailabilityPublic, 200, 403, 404, 422)
async def set_availability(request: Request, staff_id: int) -> HTTPResponse:
    """Set contract hours (secretary) or one's own preferences (worker)."""
    return send(await availability.set_availability(_p(request), staff_id, request.ctx.body))


@bp.get("/communities/<community_id:int>/leave")
@staff(*ROSTER_READERS)
@query(LeaveQuery)
@returns(LeaveList, 200, 403, 404, 422)
async def list_leave(request: Request, community_id: int) -> HTTPResponse:
    """Leave and absences, optionally only those not over before a date."""
    items = await availability.list_leave(_p(request), community_id, request.ctx.query.since)
    return send(LeaveList(items=items))


@bp.post("/communities/<community_id:int>/leave")
@staff(*SECRETARY)
@body(LeaveCreate)
@returns(LeavePublic, 201, 403, 404, 422)
async def add_leave(request: Request, community_id: int) -> HTTPResponse:
    """Record leave for future rotas (a published rota changes only by a re-solve)."""
    return send(await availability.add_leave(_p(request), community_id, request.ctx.body), 201)


@bp.delete("/leave/<leave_id:int>")
@staff(*SECRETARY)
@returns(None, 204, 403, 404)
async def remove_leave(request: Request, leave_id: int) -> HTTPResponse:
    """Delete a leave record."""
    await availability.remove_leave(_p(request), leave_id)
    return no_content()


# -- rotas -------------------------------------------------------------------------------
@bp.post("/communities/<community_id:int>/generate")
@staff(*SECRETARY)
@body(GenerateRequest)
@returns(RotaDraft, 201, 403, 404, 422, 503)
async def generate(request: Request, community_id: int) -> HTTPResponse:
    """Solve a draft rota for 1–6 weeks; an impossible request names what cannot be met."""
    return send(await lifecycle.generate(_p(request), community_id, request.ctx.body), 201)


@bp.post("/streets/<street_id:int>/generate")
@staff(Role.street_dispatcher, Role.admin)
@body(GenerateRequest)
@returns(StreetDraft, 201, 403, 404, 422)
async def generate_street(request: Request, street_id: int) -> HTTPResponse:
    """Draft every community's rota of a street at once, in parallel solver processes."""
    return send(await street.generate_street(_p(request), street_id, request.ctx.body), 201)


@bp.get("/communities/<community_id:int>/rotas")
@staff(*ROSTER_READERS)
@returns(RotaPage, 200, 403, 404)
async def list_rotas(request: Request, community_id: int) -> HTTPResponse:
    """The community's rotas, newest period first."""
    return send(RotaPage(items=await lifecycle.list_rotas(_p(request), community_id)))


@bp.get("/rotas/<rota_id:int>")
@staff(*ROSTER_READERS)
@returns(RotaGrid, 200, 403, 404)
async def grid(request: Request, rota_id: int) -> HTTPResponse:
    """A rota as posts × shifts × days with names, and its explanation."""
    return send(await lifecycle.grid(_p(request), rota_id))


@bp.post("/rotas/<rota_id:int>/publish")
@staff(*SECRETARY)
@returns(RotaSummary, 200, 403, 404, 409)
async def publish(request: Request, rota_id: int) -> HTTPResponse:
    """Publish a draft after rechecking every hard rule."""
    return send(await lifecycle.publish(_p(request), rota_id))


@bp.delete("/rotas/<rota_id:int>")
@staff(*SECRETARY)
@returns(None, 204, 403, 404, 409)
async def discard(request: Request, rota_id: int) -> HTTPResponse:
    """Throw away a draft."""
    await lifecycle.discard(_p(request), rota_id)
    return no_content()


@bp.get("/rotas/<rota_id:int>/changes")
@staff(*ROSTER_READERS)
@returns(ChangeList, 200, 403, 404)
async def list_changes(request: Request, rota_id: int) -> HTTPResponse:
    """Every change made to a rota since it was published."""
    return send(ChangeList(items=await lifecycle.changes(_p(request), rota_id)))


@bp.post("/rotas/<rota_id:int>/sick")
@staff(*SECRETARY)
@body(SickRequest)
@returns(ResolveResult, 200, 403, 404, 409, 422, 503)
async def report_sick(request: Request, rota_id: int) -> HTTPResponse:
    """Record sickness and re-solve the rest of the period with the fewest changes."""
    return send(await changes.report_sick(_p(request), rota_id, request.ctx.body))


# -- swaps -------------------------------------------------------------------------------
@bp.post("/rotas/<rota_id:int>/swaps")
@staff(Role.worker, Role.secretary)
@body(SwapCreate)
@returns(SwapPublic, 201, 403, 404, 409, 422)
async def request_swap(request: Request, rota_id: int) -> HTTPResponse:
    """Ask to hand one of your shifts to a colleague, or to exchange it for theirs."""
    return send(await changes.request_swap(_p(request), rota_id, request.ctx.body), 201)


@bp.get("/rotas/<rota_id:int>/swaps")
@staff(*ROSTER_READERS)
@returns(SwapList, 200, 403, 404)
async def list_swaps(request: Request, rota_id: int) -> HTTPResponse:
    """Swap requests on a rota, newest first."""
    return send(SwapList(items=await changes.list_swaps(_p(request), rota_id)))


@bp.post("/swaps/<swap_id:int>/approve")
@staff(*SECRETARY)
@body(SwapDecision)
@returns(SwapPublic, 200, 403, 404, 409, 422)
async def approve_swap(request: Request, swap_id: int) -> HTTPResponse:
    """Approve a swap; refused if it would break a hard rule."""
    return send(await changes.approve_swap(_p(request), swap_id, request.ctx.body.note))


@bp.post("/swaps/<swap_id:int>/deny")
@staff(*SECRETARY)
@body(SwapDecision)
@returns(SwapPublic, 200, 403, 404, 409, 422)
async def deny_swap(request: Request, swap_id: int) -> HTTPResponse:
    """Deny a swap."""
    return send(await changes.deny_swap(_p(request), swap_id, request.ctx.body.note))


@bp.post("/swaps/<swap_id:int>/cancel")
@staff(Role.worker, Role.secretary)
@returns(SwapPublic, 200, 403, 404, 409)
async def cancel_swap(request: Request, swap_id: int) -> HTTPResponse:
    """Withdraw your own pending swap request."""
    return send(await changes.cancel_swap(_p(request), swap_id))


# -- on duty -----------------------------------------------------------------------------
@bp.get("/communities/<community_id:int>/on-duty")
@staff(*ROSTER_READERS)
@query(OnDutyQuery)
@returns(OnDuty, 200, 403, 404, 422)
async def on_duty(request: Request, community_id: int) -> HTTPResponse:
    """Who is on duty now (or at ``at``), per post."""
    q = request.ctx.query
    return send(await on_duty_board(_p(request), community_id, q.at, q.post_id))
