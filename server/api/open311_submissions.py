"""Staff routes for what Open311 clients sent with a report (the submitter's contact)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.open311 import Open311Submission
from server.api.respond import send
from server.api.validation import returns
from server.auth.access import staff
from server.models.people import Role
from server.services import open311 as svc

bp = Blueprint("open311_submissions", url_prefix="/open311/submissions")


@bp.get("/<report_id:int>")
@staff(Role.worker, Role.secretary, Role.street_dispatcher, Role.admin)
@returns(Open311Submission)
async def submission(request: Request, report_id: int) -> HTTPResponse:
    """An Open311-filed report's submission: the client, answers and submitter's contact.

    Staff in the report's scope read it to follow up with the submitter; each reading is
    recorded in the audit log."""
    return send(await svc.submission(request.ctx.principal, report_id))
