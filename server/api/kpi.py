"""考核 figures for the street office and the committees, and their spreadsheet export."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from schemas.kpi import KpiExportQuery, KpiQuery, KpiReport
from server.api.respond import send
from server.api.validation import query, returns
from server.auth.access import staff
from server.models.people import Role
from server.services import kpi
from server.services.kpi.export import XLSX_TYPE

bp = Blueprint("kpi", url_prefix="/kpi")
MANAGERS = (Role.secretary, Role.street_dispatcher, Role.admin)
_FILE = {"schema": {"type": "string", "format": "binary"}}


@bp.get("/")
@staff(*MANAGERS)
@query(KpiQuery)
@returns(KpiReport, 200, 404)
async def figures(request: Request) -> HTTPResponse:
    """Per street, community or worker over a period of up to 366 days: reports received,
    accepted and resolved on time, median working minutes, reopen rate, 满意度, visits."""
    return send(await kpi.figures(request.ctx.principal, request.ctx.query))


@bp.get("/export")
@staff(*MANAGERS)
@query(KpiExportQuery)
@returns({"text/csv": _FILE, XLSX_TYPE: _FILE}, 200, 404)
async def export(request: Request) -> HTTPResponse:
    """The same figures as CSV or XLSX (format=csv|xlsx). Audited."""
    data, kind, name = await kpi.export(request.ctx.principal, request.ctx.query)
    return raw(
        data, content_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
