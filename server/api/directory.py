"""Directory routes: communities, departments, staff accounts, household bindings."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.directory import (
    BindingCreate,
    BindingPublic,
    BindingQuery,
    CommunityPublic,
    DepartmentPublic,
    StaffCreate,
    StaffPublic,
    StaffQuery,
    StaffUpdate,
)
from server.api.respond import no_content, send
from server.api.validation import body, query, returns
from server.auth.access import access, residents_only, staff
from server.models.people import Role
from server.services import directory as svc

bp = Blueprint("directory")


@bp.get("/communities")
@access(roles=Role, residents=True)
@returns(list[CommunityPublic])
async def communities(request: Request) -> HTTPResponse:
    """Communities in the caller's scope (residents see the whole directory)."""
    return send(await svc.list_communities(request.ctx.principal))


@bp.get("/communities/<community_id:int>")
@access(roles=Role, residents=True)
@returns(CommunityPublic)
async def community(request: Request, community_id: int) -> HTTPResponse:
    """One community, if it is in the caller's scope."""
    return send(await svc.get_community(request.ctx.principal, community_id))


@bp.get("/departments")
@staff()
@returns(list[DepartmentPublic])
async def departments(request: Request) -> HTTPResponse:
    """The street's departments (forces) the caller can dispatch to or belongs to."""
    return send(await svc.list_departments(request.ctx.principal))


@bp.get("/staff")
@staff()
@query(StaffQuery)
@returns(list[StaffPublic])
async def staff_list(request: Request) -> HTTPResponse:
    """Staff in the caller's scope, e.g. for reassignment pickers."""
    q = request.ctx.query
    return send(await svc.list_staff(request.ctx.principal, q.community_id, q.role, q.active))


@bp.post("/staff")
@staff(Role.admin)
@body(StaffCreate)
@returns(StaffPublic, 201, 409)
async def staff_create(request: Request) -> HTTPResponse:
    """Create a staff account; its role decides which scope field it needs."""
    return send(await svc.create_staff(request.ctx.principal, request.ctx.body), 201)


@bp.patch("/staff/<staff_id:int>")
@staff(Role.admin)
@body(StaffUpdate)
@returns(StaffPublic)
async def staff_update(request: Request, staff_id: int) -> HTTPResponse:
    """Rename, deactivate or reset the password of a staff account."""
    return send(await svc.update_staff(request.ctx.principal, staff_id, request.ctx.body))


@bp.post("/me/households")
@residents_only
@body(BindingCreate)
@returns(BindingPublic, 201, 409)
async def claim(request: Request) -> HTTPResponse:
    """A resident claims a household; it counts once staff verify it."""
    b = await svc.claim_household(request.ctx.principal, request.ctx.body.household_id)
    return send(b, 201)


@bp.get("/bindings")
@access(roles=(Role.worker, Role.secretary, Role.street_dispatcher, Role.admin), residents=True)
@query(BindingQuery)
@returns(list[BindingPublic])
async def bindings(request: Request) -> HTTPResponse:
    """Household claims: staff see their community's, residents their own."""
    return send(await svc.list_bindings(request.ctx.principal, request.ctx.query.status))


@bp.post("/bindings/<binding_id:int>/verify")
@staff(Role.worker, Role.secretary, Role.admin)
@returns(BindingPublic)
async def verify(request: Request, binding_id: int) -> HTTPResponse:
    """Verify a resident's claim to a household in your community."""
    return send(await svc.decide_binding(request.ctx.principal, binding_id, approve=True))


@bp.delete("/bindings/<binding_id:int>")
@staff(Role.worker, Role.secretary, Role.admin)
@returns(None, 204)
async def reject(request: Request, binding_id: int) -> HTTPResponse:
    """Reject (remove) a resident's claim to a household in your community."""
    await svc.decide_binding(request.ctx.principal, binding_id, approve=False)
    return no_content()
