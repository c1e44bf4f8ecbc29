"""Admin routes for Open311 clients' API keys: issue (secret shown once), list, revoke."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.open311 import ApiKeyCreate, ApiKeyIssued, ApiKeyPublic
from server.api.respond import send
from server.api.validation import body, returns
from server.auth.access import staff
from server.models.people import Role
from server.services import open311_keys as svc

bp = Blueprint("open311_keys", url_prefix="/open311/keys")


@bp.post("")
@staff(Role.admin)
@body(ApiKeyCreate)
@returns(ApiKeyIssued, 201)
async def issue(request: Request) -> HTTPResponse:
    """Issue an API key to an Open311 client; the secret is in this answer only."""
    return send(await svc.issue(request.ctx.principal, request.ctx.body), 201)


@bp.get("")
@staff(Role.admin)
@returns(list[ApiKeyPublic])
async def keys(request: Request) -> HTTPResponse:
    """Every Open311 API key, newest first, without secrets."""
    return send(await svc.list_keys())


@bp.post("/<key_id:int>/revoke")
@staff(Role.admin)
@returns(ApiKeyPublic)
async def revoke(request: Request, key_id: int) -> HTTPResponse:
    """Revoke an Open311 API key: it stops working at once."""
    return send(await svc.revoke(request.ctx.principal, key_id))
