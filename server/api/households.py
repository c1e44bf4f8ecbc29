"""The household registry over HTTP: staff manage households, the household's verified
residents (mini-program) read it and correct its members."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from schemas.registry import (
    AreaImportReport,
    ExportQuery,
    HouseholdCreate,
    HouseholdDetail,
    HouseholdPage,
    HouseholdPatch,
    HouseholdQuery,
    HouseholdReads,
    HouseholdReadsQuery,
    ImportQuery,
    ImportReport,
    MemberIn,
    MemberOut,
    MemberPatch,
)
from schemas.visits import Timeline
from server.api.limits import UPLOAD_MAX, body_limit
from server.api.respond import no_content, send
from server.api.validation import body, query, raw_body, returns
from server.auth.access import access, staff
from server.models.people import Role
from server.services.visits import area_import, coverage, reads, registry, registry_io, sheets

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


_FILE = {"schema": {"type": "string", "format": "binary"}}
_TYPES = {"text/csv": _FILE, sheets.XLSX_TYPE: _FILE}


@bp.post("/import")
@body_limit(UPLOAD_MAX)
@staff(Role.secretary, Role.admin)
@raw_body(_TYPES)
@query(ImportQuery)
@returns(ImportReport, 200, 404, 409, 413, 415)
async def import_households(request: Request) -> HTTPResponse:
    """Import households from a CSV or XLSX sheet; dry_run (the default) only reports.

    One row per person; rows with the same estate, building, unit and room make one
    household. The report lists every row. A household with any bad row is held back
    whole; the good ones go in together in one transaction.
    """
    q = request.ctx.query
    report = await registry_io.import_registry(
        request.ctx.principal,
        q.community_id,
        request.body or b"",
        request.headers.get("content-type", ""),
        dry_run=q.dry_run,
        max_bytes=request.app.ctx.settings.registry_import_max_bytes,
    )
    return send(report)


@bp.post("/areas/import")
@body_limit(UPLOAD_MAX)
@staff(*COMMUNITY_STAFF)
@raw_body(_TYPES)
@query(ImportQuery)
@returns(AreaImportReport, 200, 404, 409, 413, 415)
async def import_areas(request: Request) -> HTTPResponse:
    """Fill in the floor areas (专有部分面积) of registered households from a CSV or XLSX
    sheet; dry_run (the default) only reports.

    Columns 小区, 楼号, 单元 (optional), 室号, 面积 and 来源 (optional, default 登记); one row
    per household. The report lists every row with the area on record before. Rows without
    problems set their household's area together in one transaction. Audited.
    """
    q = request.ctx.query
    report = await area_import.import_areas(
        request.ctx.principal,
        q.community_id,
        request.body or b"",
        request.headers.get("content-type", ""),
        dry_run=q.dry_run,
        max_bytes=request.app.ctx.settings.registry_import_max_bytes,
    )
    return send(report)


@bp.get("/export")
@staff(Role.secretary)
@query(ExportQuery)
@returns(_TYPES, 200)
async def export_households(request: Request) -> HTTPResponse:
    """The community's registry as CSV or XLSX, in the import layout. Audited."""
    fmt = request.ctx.query.format
    data, _ = await registry_io.export_registry(request.ctx.principal, None, fmt)
    kind = sheets.XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    name = f"households.{fmt}"
    return raw(
        data, content_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/<household_id:int>/timeline")
@staff(*COMMUNITY_STAFF)
@returns(Timeline, 200)
async def household_timeline(request: Request, household_id: int) -> HTTPResponse:
    """The household's visits and reports, newest first. Audited."""
    return send(await coverage.timeline(request.ctx.principal, household_id))


@bp.get("/<household_id:int>/reads")
@access(roles=(Role.secretary, Role.admin), residents=True)
@query(HouseholdReadsQuery)
@returns(HouseholdReads, 200)
async def household_reads(request: Request, household_id: int) -> HTTPResponse:
    """Who read this household's personal data (个人信息查阅记录): every staff read, with
    who, when and what for, newest first.

    For the household's own verified residents, admins and the community's secretary.
    """
    q = request.ctx.query
    return send(await reads.household_reads(request.ctx.principal, household_id, q.limit))
