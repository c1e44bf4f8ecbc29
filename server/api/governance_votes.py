"""Meetings and votes of a project over HTTP: calling and recording meetings, opening
and closing votes, residents' ballots, the published result and its audit export."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from schemas.governance import (
    ProjectMeetingCreate,
    ProjectMeetingList,
    ProjectMeetingOut,
    ProjectMeetingRecord,
)
from schemas.governance_votes import BallotIn, BallotOut, VoteCreate, VoteList, VoteOut
from server.api.respond import send
from server.api.validation import body, returns
from server.auth.access import access, residents_only, staff
from server.models.people import Role
from server.services.governance import export, meetings, votes

bp = Blueprint("governance_votes", url_prefix="/governance")
EVERYONE = access(roles=tuple(Role), residents=True)
COMMUNITY = (Role.worker, Role.secretary, Role.admin)


@bp.get("/projects/<project_id:int>/meetings")
@EVERYONE
@returns(ProjectMeetingList, 200, 404)
async def list_meetings(request: Request, project_id: int) -> HTTPResponse:
    """A project's meetings, newest first, with minutes, decisions and action items."""
    items = await meetings.list_meetings(request.ctx.principal, project_id)
    return send(ProjectMeetingList(items=items))


@bp.post("/projects/<project_id:int>/meetings")
@access(roles=tuple(Role), residents=True)
@body(ProjectMeetingCreate)
@returns(ProjectMeetingOut, 201, 404, 409)
async def call_meeting(request: Request, project_id: int) -> HTTPResponse:
    """Call a meeting; residents in scope are told by WeChat push and in the inbox."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await meetings.call(p, project_id, b), 201)


@bp.put("/projects/<project_id:int>/meetings/<meeting_id:int>/record")
@access(roles=tuple(Role), residents=True)
@body(ProjectMeetingRecord)
@returns(ProjectMeetingOut, 200, 404)
async def record_meeting(request: Request, project_id: int, meeting_id: int) -> HTTPResponse:
    """Minutes, decisions and action items with owners and due dates."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await meetings.record(p, project_id, meeting_id, b))


@bp.get("/projects/<project_id:int>/votes")
@EVERYONE
@returns(VoteList, 200, 404)
async def list_votes(request: Request, project_id: int) -> HTTPResponse:
    """A project's votes (staff: live counts; residents: results once published)."""
    return send(VoteList(items=await votes.list_votes(request.ctx.principal, project_id)))


@bp.post("/projects/<project_id:int>/votes")
@staff(*COMMUNITY)
@body(VoteCreate)
@returns(VoteOut, 201, 404, 409)
async def open_vote(request: Request, project_id: int) -> HTTPResponse:
    """Open a vote over the households in scope; each needs its floor area first."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await votes.open_vote(p, project_id, b), 201)


@bp.get("/votes/<vote_id:int>")
@EVERYONE
@returns(VoteOut, 200, 404)
async def get_vote(request: Request, vote_id: int) -> HTTPResponse:
    """One vote with its count (staff) or result, and the caller's own ballots."""
    return send(await votes.get_vote(request.ctx.principal, vote_id))


@bp.put("/votes/<vote_id:int>/ballot")
@residents_only
@body(BallotIn)
@returns(BallotOut, 200, 404, 409)
async def cast(request: Request, vote_id: int) -> HTTPResponse:
    """Cast or change your household's ballot; 409 once the vote is closed."""
    p, b = request.ctx.principal, request.ctx.body
    return send(await votes.cast(p, vote_id, b))


@bp.post("/votes/<vote_id:int>/close")
@staff(*COMMUNITY)
@returns(VoteOut, 200, 404, 409)
async def close_vote(request: Request, vote_id: int) -> HTTPResponse:
    """Close the vote and publish the result (the four figures of art. 278)."""
    return send(await votes.close(request.ctx.principal, vote_id))


@bp.get("/votes/<vote_id:int>/export")
@staff()
@returns({"text/csv": {"schema": {"type": "string"}}}, 200, 404)
async def export_vote(request: Request, vote_id: int) -> HTTPResponse:
    """Every ballot ever cast, the electorate's areas and the figures, as CSV. Audited."""
    data, digest = await export.export_csv(request.ctx.principal, vote_id)
    headers = {
        "Content-Disposition": f'attachment; filename="vote-{vote_id}.csv"',
        "X-Content-SHA256": digest,
    }
    return raw(data, content_type="text/csv; charset=utf-8", headers=headers)
