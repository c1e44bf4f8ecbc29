"""The household registry over HTTP: staff manage households, the household's verified
residents (mini-program) read it and correct its members."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.registry import (
    HouseholdCreate,
    HouseholdDetail,
    HouseholdPage,
    HouseholdPatch,
    HouseholdQuery,
    MemberIn,
    MemberOut,
    MemberPatch,
)
from server.api.respond import no_content, send
from server.api.validation import body, query, returns
from server.auth.access import access, staff
from server.models.people import Role
from server.services import registry

bp = Blueprint("households", url_prefix="/households")

# Household personal data: the community's own staff and admins (plus verified residents
# where noted). Dispatchers and department officers are refused here and by the scope.
COMMUNITY_STAFF = (Role.worker, Role.secretary, Role.admin)


@bp.get("")
@access(roles=COMMUNITY_STAFF, residents=True)
@query(HouseholdQuery)
@returns(HouseholdPage, 200)
async def list_households(request: Request) -> HTTPResponse:
    """Households in scope, in walking order, phone numbers masked.

    Residents get their own verified households.
    """
    return send(await registry.list_households(request.ctx.principal, request.ctx.query))


@bp.post("")
@staff(*COMMUNITY_STAFF)
@body(HouseholdCreate)
@returns(HouseholdDetail, 201, 404, 409)
async def create_household(request: Request) -> HTTPResponse:
    """Register a household with its members and priority groups."""
    return send(await registry.create_household(request.ctx.principal, request.ctx.body), 201)


@bp.get("/<household_id:int>")
@access(roles=COMMUNITY_STAFF, residents=True)
@returns(HouseholdDetail, 200)
async def get_household(request: Request, household_id: int) -> HTTPResponse:
    """One household in full (phones unmasked); each staff read is audited."""
    return send(await registry.read_household(request.ctx.principal, household_id))


@bp.patch("/<household_id:int>")
@staff(*COMMUNITY_STAFF)
@body(HouseholdPatch)
@returns(HouseholdDetail, 200, 409)
async def update_household(request: Request, household_id: int) -> HTTPResponse:
    """Correct the address or notes, or set the priority groups."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await registry.update_household(p, household_id, b))


@bp.delete("/<household_id:int>")
@staff(Role.secretary, Role.admin)
@returns(None, 204, 409)
async def delete_household(request: Request, household_id: int) -> HTTPResponse:
    """Remove a household registered by mistake (never one with visits or residents)."""
    await registry.delete_household(request.ctx.principal, household_id)
    return no_content()


@bp.post("/<household_id:int>/members")
@access(roles=COMMUNITY_STAFF, residents=True)
@body(MemberIn)
@returns(MemberOut, 201)
async def add_member(request: Request, household_id: int) -> HTTPResponse:
    """Add a member (staff, or a verified resident of the household)."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await registry.add_member(p, household_id, b), 201)


@bp.patch("/<household_id:int>/members/<member_id:int>")
@access(roles=COMMUNITY_STAFF, residents=True)
@body(MemberPatch)
@returns(MemberOut, 200)
async def update_member(request: Request, household_id: int, member_id: int) -> HTTPResponse:
    """Correct a member's name, birth year, phone or relation."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await registry.update_member(p, household_id, member_id, b))


@bp.delete("/<household_id:int>/members/<member_id:int>")
@access(roles=COMMUNITY_STAFF, residents=True)
@returns(None, 204)
async def delete_member(request: Request, household_id: int, member_id: int) -> HTTPResponse:
    """Remove a member who no longer lives there."""
    await registry.delete_member(request.ctx.principal, household_id, member_id)
    return no_content()
