"""Building projects over HTTP (社区自治): the board, a project and its steps, its group
and helpers, its scope with floor areas. Residents reach the projects of their homes."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from schemas.governance import (
    HouseholdAreaIn,
    HouseholdAreaOut,
    ProjectBoard,
    ProjectBoardQuery,
    ProjectCreate,
    ProjectDetail,
    ProjectMemberIn,
    ProjectScope,
    ProjectStaffIn,
    StepOut,
    StepTick,
)
from server.api.respond import send
from server.api.validation import body, query, returns
from server.auth.access import access, staff
from server.models.people import Role
from server.services.governance import projects, steps
from server.services.media import MediaStore

bp = Blueprint("governance", url_prefix="/governance")
EVERYONE = access(roles=tuple(Role), residents=True)
COMMUNITY = (Role.worker, Role.secretary, Role.admin)


@bp.get("/projects")
@EVERYONE
@query(ProjectBoardQuery)
@returns(ProjectBoard, 200)
async def board(request: Request) -> HTTPResponse:
    """Projects in scope with what is next and what is stuck (residents: their homes')."""
    items = await projects.board(request.ctx.principal, request.ctx.query.status)
    return send(ProjectBoard(items=items))


@bp.post("/projects")
@access(roles=COMMUNITY, residents=True)
@body(ProjectCreate)
@returns(ProjectDetail, 201, 404)
async def create(request: Request) -> HTTPResponse:
    """Open a project; it starts once the secretary approves it."""
    return send(await projects.create_project(request.ctx.principal, request.ctx.body), 201)


@bp.get("/projects/<project_id:int>")
@EVERYONE
@returns(ProjectDetail, 200, 404)
async def detail(request: Request, project_id: int) -> HTTPResponse:
    """A project with its steps, the office and stamp of each, and progress."""
    return send(await projects.detail(request.ctx.principal, project_id))


@bp.post("/projects/<project_id:int>/approve")
@staff(Role.secretary, Role.admin)
@returns(ProjectDetail, 200, 404, 409)
async def approve(request: Request, project_id: int) -> HTTPResponse:
    """The secretary approves the start."""
    return send(await projects.approve(request.ctx.principal, project_id))


@bp.post("/projects/<project_id:int>/helpers")
@staff(Role.secretary, Role.admin)
@body(ProjectStaffIn)
@returns(ProjectDetail, 200, 404)
async def add_helper(request: Request, project_id: int) -> HTTPResponse:
    """Add a staff helper (from the project's street)."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await projects.add_helper(p, project_id, b.staff_id))


@bp.post("/projects/<project_id:int>/members")
@access(roles=COMMUNITY, residents=True)
@body(ProjectMemberIn)
@returns(ProjectDetail, 200, 404)
async def add_member(request: Request, project_id: int) -> HTTPResponse:
    """Add a verified resident of a household in scope to the project group."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await projects.add_member(p, project_id, b.resident_id))


@bp.get("/projects/<project_id:int>/scope")
@staff()
@returns(ProjectScope, 200, 404)
async def scope(request: Request, project_id: int) -> HTTPResponse:
    """The households in scope and their floor areas; ``missing_area`` blocks a vote."""
    return send(await projects.scope(request.ctx.principal, project_id))


@bp.put("/households/<household_id:int>/area")
@staff(*COMMUNITY)
@body(HouseholdAreaIn)
@returns(HouseholdAreaOut, 200, 404)
async def set_area(request: Request, household_id: int) -> HTTPResponse:
    """Record a household's floor area (专有部分面积) in the registry. Audited."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await projects.set_area(p, household_id, b))


@bp.put("/projects/<project_id:int>/steps/<step_id:int>")
@access(roles=tuple(Role), residents=True)
@body(StepTick)
@returns(StepOut, 200, 404, 409)
async def tick(request: Request, project_id: int, step_id: int) -> HTTPResponse:
    """Tick a step: the date, the office that stamped, the photo of the document."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await steps.tick(p, project_id, step_id, b))


@bp.delete("/projects/<project_id:int>/steps/<step_id:int>")
@access(roles=tuple(Role), residents=True)
@returns(StepOut, 200, 404)
async def untick(request: Request, project_id: int, step_id: int) -> HTTPResponse:
    """Undo a tick made in error (the audit log keeps what it said)."""
    return send(await steps.untick(request.ctx.principal, project_id, step_id))


@bp.get("/projects/<project_id:int>/steps/<step_id:int>/photo")
@EVERYONE
@returns({"image/*": {"schema": {"type": "string", "format": "binary"}}}, 200, 404)
async def step_photo(request: Request, project_id: int, step_id: int) -> HTTPResponse:
    """The photo of a step's stamped document, to those who see the project."""
    sha = await steps.photo_of(request.ctx.principal, project_id, step_id)
    data, mime = await MediaStore(request.app.ctx.settings.media_dir).read(sha)
    return raw(data, content_type=mime, headers={"Cache-Control": "private, max-age=86400"})
