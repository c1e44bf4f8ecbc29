"""办事指南: searched by residents (the mini-program) and staff; kept by admins."""

from __future__ import annotations

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from schemas.guides import GuideHits, GuideIn, GuideOut, GuideQuery
from server.api.respond import no_content, send
from server.api.validation import body, query, returns
from server.auth.access import access, staff
from server.models.people import Role
from server.services.guides import catalogue, search, terms

bp = Blueprint("guides", url_prefix="/guides")
ANYONE = access(roles=tuple(Role), residents=True)


@bp.listener("after_server_start")
async def _warm_segmenter(app: Sanic) -> None:
    # The segmenter's dictionary takes a second or two to load; load it in a thread now
    # rather than make the first search wait.
    app.add_task(terms.warm())


@bp.get("")
@ANYONE
@query(GuideQuery)
@returns(GuideHits)
async def find(request: Request) -> HTTPResponse:
    """Search the guides in Chinese (ranked by BM25 over segmented words); without ``q``,
    list them by title. A query with no searchable word answers 422 ``empty_query``."""
    q = request.ctx.query
    text = q.q
    if text is None and "q" in request.get_args(keep_blank_values=True):
        text = ""  # asked with an empty box: say so, rather than list everything
    return send(await search.search(text, q.limit, q.offset))


@bp.get("/<guide_id:int>")
@ANYONE
@returns(GuideOut, 200, 404)
async def read(request: Request, guide_id: int) -> HTTPResponse:
    """One guide in full: conditions, materials, steps, where and when, fees, legal basis."""
    return send(catalogue.out(await catalogue.get(guide_id, request.ctx.principal)))


@bp.post("")
@staff(Role.admin)
@body(GuideIn)
@returns(GuideOut, 201)
async def create(request: Request) -> HTTPResponse:
    """Add a guide; it is searchable as soon as this answers."""
    guide = await catalogue.create(request.ctx.body, request.ctx.principal)
    return send(catalogue.out(guide), 201)


@bp.put("/<guide_id:int>")
@staff(Role.admin)
@body(GuideIn)
@returns(GuideOut, 200, 404)
async def update(request: Request, guide_id: int) -> HTTPResponse:
    """Change a guide (its search terms are rebuilt in the same transaction)."""
    guide = await catalogue.update(guide_id, request.ctx.body, request.ctx.principal)
    return send(catalogue.out(guide))


@bp.delete("/<guide_id:int>")
@staff(Role.admin)
@returns(None, 204, 404)
async def delete(request: Request, guide_id: int) -> HTTPResponse:
    """Remove a guide. Replies that linked to it keep its title."""
    await catalogue.delete(guide_id, request.ctx.principal)
    return no_content()
