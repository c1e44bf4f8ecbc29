"""Notifications: residents' subscribe-message consent and inbox, and the relay's
queue, failures and dead letters for secretaries and admins."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.notify import (
    DeliveryPage,
    DeliveryPublic,
    DeliveryQuery,
    InboxPage,
    InboxQuery,
    InboxRead,
    InboxReadResult,
    QueueStats,
    SubscriptionCredits,
    SubscriptionResults,
)
from server.api.respond import send
from server.api.validation import body, query, returns
from server.auth.access import residents_only, staff
from server.models.people import Role
from server.services import notify as svc

bp = Blueprint("notify")
OPS = (Role.secretary, Role.admin)


def _templates(request: Request) -> set[str]:
    return {
        str(spec["template_id"])
        for spec in request.app.ctx.settings.notify_templates.values()
        if spec.get("template_id")
    }


@bp.post("/notify/subscriptions")
@residents_only
@body(SubscriptionResults)
@returns(SubscriptionCredits, 200, 401)
async def grant(request: Request) -> HTTPResponse:
    """Record wx.requestSubscribeMessage results: each "accept" allows one message."""
    p = request.ctx.principal
    return send(await svc.grant_credits(p.id, request.ctx.body.results, _templates(request)))


@bp.get("/notify/subscriptions")
@residents_only
@returns(SubscriptionCredits, 200, 401)
async def credits(request: Request) -> HTTPResponse:
    """The messages the resident has allowed per template, and the templates in use."""
    return send(await svc.credits_of(request.ctx.principal.id, _templates(request)))


@bp.get("/inbox")
@residents_only
@query(InboxQuery)
@returns(InboxPage, 200, 401)
async def inbox(request: Request) -> HTTPResponse:
    """The resident's messages, newest first: every message, pushed by WeChat or not."""
    q = request.ctx.query
    return send(await svc.inbox(request.ctx.principal.id, q.before_id, q.limit, q.unread))


@bp.post("/inbox/read")
@residents_only
@body(InboxRead)
@returns(InboxReadResult, 200, 401)
async def mark_read(request: Request) -> HTTPResponse:
    """Mark the resident's messages read, all of them or up to an id."""
    n = await svc.mark_read(request.ctx.principal.id, request.ctx.body.up_to_id)
    return send(InboxReadResult(marked=n))


@bp.get("/notify/queue")
@staff(*OPS)
@returns(QueueStats, 200)
async def queue(request: Request) -> HTTPResponse:
    """Queue depth per channel, in-flight sends, failures and dead letters."""
    return send(await svc.queue_stats(request.ctx.principal))


@bp.get("/notify/deliveries")
@staff(*OPS)
@query(DeliveryQuery)
@returns(DeliveryPage, 200)
async def deliveries(request: Request) -> HTTPResponse:
    """Dead letters with their reasons, or deliveries failing and waiting for a retry."""
    q = request.ctx.query
    return send(
        await svc.deliveries(request.ctx.principal, q.state, q.channel, q.before_id, q.limit)
    )


@bp.post("/notify/deliveries/<delivery_id:int>/retry")
@staff(*OPS)
@returns(DeliveryPublic, 200, 409)
async def retry(request: Request, delivery_id: int) -> HTTPResponse:
    """Send a dead letter again, with a fresh set of attempts."""
    return send(await svc.retry_dead(request.ctx.principal, delivery_id))
