"""The staff live feed over a WebSocket: new reports, assignments, overdue matters,
dispatches and rota changes, resumable from the last event id seen."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from sanic import Blueprint, Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from schemas.notify import LiveEventPublic, LiveQuery
from server.api.validation import query, returns
from server.auth.access import staff
from server.domain.live import Viewer

bp = Blueprint("live")


@bp.websocket("/live")
@staff()
@query(LiveQuery)
@returns(LiveEventPublic, 101, 401, 413)
async def live(request: Request, ws: WebsocketImplProtocol) -> None:
    """Live events for the caller (WebSocket): a hello frame, then events as JSON text.

    Pass the access token as a Bearer header or ``?token=``; pass ``?last_id=`` to
    replay what was missed since that id. A request line over the server's header limit
    (a very long ``token``) is refused with 413."""
    p = request.ctx.principal
    viewer = Viewer(p.id, str(p.role), p.community_id, p.street_id, p.department_id)

    async def push(frame: dict[str, Any]) -> None:
        await ws.send(orjson.dumps(frame).decode())

    stream = asyncio.create_task(
        request.app.ctx.live.serve(
            viewer,
            request.ctx.query.last_id,
            push,
            backlog_limit=request.app.ctx.settings.live_backlog_limit,
        )
    )
    closed = asyncio.create_task(_until_closed(ws))
    try:
        await asyncio.wait({stream, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (stream, closed):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _until_closed(ws: WebsocketImplProtocol) -> None:
    # The client sends nothing we act on; reading notices when it goes away.
    while await ws.recv() is not None:
        pass
