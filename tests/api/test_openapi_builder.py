"""How routes unlike the plain JSON ones are documented: websockets, foreign error formats."""

from __future__ import annotations

from typing import Any

from sanic import Request
from sanic.response import HTTPResponse, json

from server.api.openapi import build_spec
from server.api.validation import errors_as, returns
from server.app import create_app
from server.auth.access import public, staff, unguarded_routes
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


async def test_route_with_its_own_error_format(
    settings: Settings, db: None, broker: Broker
) -> None:
    app = create_app(settings, broker=broker, manage_db=False)
    foreign = {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}

    @app.get("/probe-foreign/<code:str>")
    @public
    @returns({"application/json": {"schema": {"type": "object"}}}, 200, 400)
    @errors_as(foreign)
    async def probe_foreign(request: Request, code: str) -> HTTPResponse:
        """A protocol with its own errors."""
        return json({"code": code})

    async with asgi_client(app) as client:
        assert (await client.get("/probe-foreign/x")).json() == {"code": "x"}
        op = build_spec(app)["paths"]["/probe-foreign/{code}"]["get"]
    for status in ("400", "404", "500"):
        assert op["responses"][status]["content"] == foreign
    assert "ErrorBody" not in str(op["responses"])
