"""Websocket routes are guarded and documented like any other route, from their own handler."""

from __future__ import annotations

from typing import Any

from sanic import Request

from server.api.openapi import build_spec
from server.app import create_app
from server.auth.access import staff, unguarded_routes
from server.broker import Broker
from server.config import Settings
from tests.support.asgi import asgi_client


async def test_websocket_route_is_guarded_and_documented(
    settings: Settings, db: None, broker: Broker
) -> None:
    app = create_app(settings, broker=broker, manage_db=False)

    @app.websocket("/api/v1/probe-live")
    @staff()
    async def probe_live(request: Request, ws: Any) -> None:
        """Follow live events.

        One JSON message per event."""
        await ws.send("{}")

    assert unguarded_routes(app) == []
    async with asgi_client(app) as client:
        op = build_spec(app)["paths"]["/api/v1/probe-live"]["get"]
        assert op["summary"] == "Follow live events."
        assert {"101", "401", "403", "426", "500"} <= set(op["responses"])
        assert op["security"] == [{"bearer": []}]
        # A plain request: 426 from Sanic's own server, 400 through its ASGI interface.
        r = await client.get("/api/v1/probe-live")
        assert r.status_code == 400 and str(r.status_code) in op["responses"]
        assert r.json()["error"]["code"] == "bad_request"
