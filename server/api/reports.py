"""Reports for residents and staff alike: create, read, comment, verdict, rating, photos."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from schemas.reports import (
    Budget,
    CategoryAdmin,
    CategoryIn,
    CategoryOut,
    CommentIn,
    ConfirmIn,
    CreatedReport,
    PageQuery,
    PhotoOut,
    RatingIn,
    ReportCreate,
    ReportPublic,
    ResidentReportPage,
    TransitionIn,
    WithdrawIn,
)
from server.api.limits import UPLOAD_MAX, body_limit
from server.api.respond import send
from server.api.validation import body, query, raw_body, returns
from server.auth.access import access, residents_only, staff
from server.domain.errors import Invalid
from server.domain.lifecycle import Move
from server.models.people import Role
from server.services import reports as svc
from server.services.guides.catalogue import link
from server.services.media import MediaStore
from server.services.reports import catalogue
from server.services.reports.access import get_visible, visible_photo
from server.services.reports.queries import Probe, duplicates
from server.services.reports.views import public_view, view_for

bp = Blueprint("reports", url_prefix="/reports")
# Residents and staff of every role; record-level scope decides what each may touch.
ANYONE = access(roles=tuple(Role), residents=True)


REPORT_VIEW = {
    "application/json": {
        "schema": {
            "oneOf": [
                {"$ref": "#/components/schemas/ReportPublic"},
                {"$ref": "#/components/schemas/ReportStaff"},
            ]
        }
    }
}
CATEGORIES_ADMIN = list[CategoryAdmin]
CATEGORIES = list[CategoryOut]


def _media(request: Request) -> MediaStore:
    return MediaStore(request.app.ctx.settings.media_dir)


async def _answer(request: Request, report_id: int, status: int = 200) -> HTTPResponse:
    p = request.ctx.principal
    return send(await view_for(await get_visible(p, report_id), p), status)


@bp.get("/categories")
@ANYONE
@returns(CATEGORIES)
async def categories(request: Request) -> HTTPResponse:
    """The catalogue of categories a report can have."""
    return send(
        [
            CategoryOut(
                code=c.code, name=c.name, urgent=c.urgent, default_priority=c.default_priority
            )
            for c in (await catalogue.catalogue()).values()
        ]
    )


@bp.get("/categories/all")
@staff(Role.admin)
@returns(CATEGORIES_ADMIN)
async def categories_admin(request: Request) -> HTTPResponse:
    """Every category with its working-time budgets, inactive ones included."""
    return send([_category_admin(c) for c in await catalogue.everything()])


@bp.put("/categories/<code:[a-z][a-z0-9_]{1,31}>")
@staff(Role.admin)
@body(CategoryIn)
@returns(CategoryAdmin)
async def save_category(request: Request, code: str) -> HTTPResponse:
    """Add or change a category and its budgets (new reports use them at once)."""
    await catalogue.upsert(code, request.ctx.body, request.ctx.principal)
    found = next(c for c in await catalogue.everything() if c.code == code)
    return send(_category_admin(found))


def _category_admin(c: catalogue.CategoryInfo) -> CategoryAdmin:
    return CategoryAdmin(
        code=c.code,
        name=c.name,
        urgent=c.urgent,
        default_priority=c.default_priority,
        active=c.active,
        budgets={
            p: Budget(accept_minutes=a, respond_minutes=r, resolve_minutes=z)
            for p, (a, r, z) in c.budgets.items()
        },
    )


@bp.post("/")
@access(roles=(Role.worker, Role.secretary, Role.street_dispatcher, Role.admin), residents=True)
@body(ReportCreate)
@returns(CreatedReport, 201)
@returns(CreatedReport, 200)
async def create(request: Request) -> HTTPResponse:
    """Report a matter. Send Idempotency-Key: a retry answers the original report (200)."""
    p = request.ctx.principal
    key = request.headers.get("idempotency-key")
    if key is not None and not (1 <= len(key) <= 100 and key.isprintable()):
        raise Invalid(
            "Idempotency-Key must be 1-100 printable characters", code="bad_idempotency_key"
        )
    made = await svc.create_report(request.ctx.body, p, idempotency_key=key)
    r = made.report
    dupes = []
    if p.is_staff:
        dupes = await duplicates(
            Probe(r.community_id, r.category_id, r.lat, r.lng, r.created_at, r.id)
        )
    # Residents get the report without its one-entry timeline: creates are hot.
    view = (
        await public_view(r, p, with_timeline=False, owner_known=made.owner_name, handler=True)
        if p.is_resident
        else await view_for(r, p)
    )
    out = CreatedReport(report=view, duplicates=dupes)
    return send(out, 201 if made.created else 200)


@bp.get("/mine")
@residents_only
@query(PageQuery)
@returns(ResidentReportPage)
async def list_mine(request: Request) -> HTTPResponse:
    """My reports and the ones they were merged into, newest first."""
    q = request.ctx.query
    return send(await svc.mine(request.ctx.principal, q.limit, q.cursor))


@bp.get("/<report_id:int>")
@ANYONE
@returns(REPORT_VIEW)
async def detail(request: Request, report_id: int) -> HTTPResponse:
    """One report: residents get the public view and timeline, staff everything."""
    return await _answer(request, report_id)


@bp.post("/<report_id:int>/comments")
@ANYONE
@body(CommentIn)
@returns(REPORT_VIEW, 201, 409)
async def add_comment(request: Request, report_id: int) -> HTTPResponse:
    """Comment (residents), or a public reply or internal note (staff, public=false); a
    staff reply may link a 办事指南 (``guide_id``), which the resident's message names."""
    b = request.ctx.body
    guide = await link(b.guide_id) if b.guide_id is not None else None
    await svc.comment(report_id, request.ctx.principal, b.text, public=b.public, guide=guide)
    return await _answer(request, report_id, 201)


@bp.post("/<report_id:int>/transitions")
@ANYONE
@body(TransitionIn)
@returns(REPORT_VIEW, 200, 403, 409)
async def move(request: Request, report_id: int) -> HTTPResponse:
    """Move the report through its lifecycle; 409 lists the moves allowed from here."""
    b = request.ctx.body
    await svc.transition(
        report_id, request.ctx.principal, Move(b.move), note=b.note, survivor_id=b.survivor_id
    )
    return await _answer(request, report_id)


@bp.post("/<report_id:int>/withdraw")
@residents_only
@body(WithdrawIn)
@returns(ReportPublic, 200, 409)
async def withdraw(request: Request, report_id: int) -> HTTPResponse:
    """Withdraw a report no longer needed, with the reason: closed by the resident, not
    resolved; the owner is told and departments still holding it are recalled."""
    await svc.withdraw(report_id, request.ctx.principal, request.ctx.body.reason)
    return await _answer(request, report_id)


@bp.post("/<report_id:int>/confirm")
@residents_only
@body(ConfirmIn)
@returns(ReportPublic, 200, 409)
async def confirm(request: Request, report_id: int) -> HTTPResponse:
    """Say whether it is fixed: closes it, or reopens it to the same owner."""
    b = request.ctx.body
    await svc.confirm(report_id, request.ctx.principal, b.fixed, b.note)
    return await _answer(request, report_id)


@bp.post("/<report_id:int>/rating")
@residents_only
@body(RatingIn)
@returns(ReportPublic, 200, 409)
async def rating(request: Request, report_id: int) -> HTTPResponse:
    """Rate the result 1-5 (满意度) once the report is closed."""
    b = request.ctx.body
    await svc.rate(report_id, request.ctx.principal, b.score, b.comment)
    return await _answer(request, report_id)


@bp.post("/photos")
@body_limit(UPLOAD_MAX)
@ANYONE
@raw_body(
    {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    }
)
@returns(PhotoOut, 201, 413, 415)
async def upload_photo(request: Request) -> HTTPResponse:
    """Upload one photo (JPEG, PNG or WebP, at most 5 MB and 16 MP); EXIF is removed."""
    f = request.files.get("file") if request.files else None
    if f is None:
        raise Invalid("send the photo as multipart field 'file'", code="file_needed")
    p = request.ctx.principal
    photo = await _media(request).save_photo(f.body, (p.subject_type, p.id))
    out = PhotoOut(
        id=photo.sha256, mime=photo.mime, width=photo.width, height=photo.height, size=photo.size
    )
    return send(out, 201)


@bp.get("/<report_id:int>/photos/<sha:[0-9a-f]{64}>")
@ANYONE
@returns({"image/*": {"schema": {"type": "string", "format": "binary"}}})
async def photo(request: Request, report_id: int, sha: str) -> HTTPResponse:
    """A photo of a report (or of a department's report-back), to those who see the report."""
    await visible_photo(request.ctx.principal, report_id, sha)
    data, mime = await _media(request).read(sha)
    return raw(data, content_type=mime, headers={"Cache-Control": "private, max-age=86400"})
