"""Sign-in for residents (WeChat) and staff (password), token refresh, sign-out, me."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.auth import LogoutRequest, Me, RefreshRequest, StaffLogin, TokenPair, WeChatLogin
from server.api.respond import no_content, send
from server.api.validation import body, returns
from server.auth.access import access, public
from server.models.people import Role
from server.services.auth import AuthService
from server.services.people import describe_me

bp = Blueprint("auth", url_prefix="/auth")


def _svc(request: Request) -> AuthService:
    svc: AuthService = request.app.ctx.auth
    return svc


def _pair(t: object) -> TokenPair:
    return TokenPair.model_validate(t, from_attributes=True)


@bp.post("/wechat")
@public
@body(WeChatLogin)
@returns(TokenPair, 200, 401, 429, 503)
async def wechat_login(request: Request) -> HTTPResponse:
    """Resident sign-in with a wx.login() code."""
    return send(_pair(await _svc(request).wechat_login(request.ctx.body.code)))


@bp.post("/staff")
@public
@body(StaffLogin)
@returns(TokenPair, 200, 401, 429)
async def staff_login(request: Request) -> HTTPResponse:
    """Staff sign-in; repeated failures slow down, then lock the account or address."""
    b = request.ctx.body
    return send(_pair(await _svc(request).staff_login(b.username, b.password, request.client_ip)))


@bp.post("/refresh")
@public
@body(RefreshRequest)
@returns(TokenPair, 200, 401)
async def refresh(request: Request) -> HTTPResponse:
    """Swap a refresh token for a new pair; each refresh token works once."""
    return send(_pair(await _svc(request).refresh(request.ctx.body.refresh_token)))


@bp.post("/logout")
@access(roles=Role, residents=True)
@body(LogoutRequest)
@returns(None, 204, 401)
async def logout(request: Request) -> HTTPResponse:
    """Revoke this access token (on every worker) and the given refresh token."""
    await _svc(request).logout(request.ctx.principal, request.ctx.body.refresh_token)
    return no_content()


@bp.get("/me")
@access(roles=Role, residents=True)
@returns(Me, 200, 401)
async def me(request: Request) -> HTTPResponse:
    """Who the token belongs to."""
    return send(await describe_me(request.ctx.principal))
