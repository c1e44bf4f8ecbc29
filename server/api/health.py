"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from tortoise import connections

from schemas.common import Health
from server.api.respond import send
from server.api.validation import returns
from server.auth.access import public

bp = Blueprint("health")


@bp.get("/healthz")
@public
@returns(Health)
async def healthz(request: Request) -> HTTPResponse:
    """The process is alive."""
    return send(Health(status="ok"))


@bp.get("/readyz")
@public
@returns(Health, 200, 503)
async def readyz(request: Request) -> HTTPResponse:
    """200 "ok" when the database and the broker answer, 200 "degraded" when only the
    broker does not (requests are then served from the database), 503 without the database."""
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), 2)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"fail: {type(exc).__name__}"
    try:
        ok = await asyncio.wait_for(request.app.ctx.broker.ping(), 2)
        checks["broker"] = f"ok ({request.app.ctx.broker.name})" if ok else "fail"
    except Exception as exc:
        checks["broker"] = f"fail: {type(exc).__name__}"
    # The database is the record: without it nothing works. The broker is a cache and a
    # bus: without it requests still succeed from the database, so the worker stays in
    # rotation and says it runs degraded.
    if not checks["database"].startswith("ok"):
        return send(Health(status="unavailable", checks=checks), 503)
    status = "ok" if checks["broker"].startswith("ok") else "degraded"
    return send(Health(status=status, checks=checks), 200)
