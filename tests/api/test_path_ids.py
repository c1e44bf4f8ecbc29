"""Integer path parameters outside the key range are a 404 in the error shape, as documented."""

from __future__ import annotations

from sanic import Request
from sanic.response import HTTPResponse

from schemas.common import MAX_ID
from server.api.openapi import build_spec
from server.api.respond import send
from server.api.validation import returns
from server.app import create_app
from server.auth.access import public
from server.broker import Broker
from server.config import Settings
from tests.support.asgi import asgi_client


async def test_out_of_range_ids_are_not_found(settings: Settings, db: None, broker: Broker) -> None:
    app = create_app(settings, broker=broker, manage_db=False)

    @app.get("/probe/<item_id:int>")
    @public
    @returns({"application/json": {"schema": {"type": "object"}}})
    async def probe(request: Request, item_id: int) -> HTTPResponse:
        """Echo the id."""
        return send({"id": item_id})

    async with asgi_client(app) as client:
        assert (await client.get("/probe/7")).json() == {"id": 7}
        assert (await client.get(f"/probe/{MAX_ID}")).status_code == 200
        for bad in ("0", "-3", str(MAX_ID + 1), "9" * 40):
            r = await client.get(f"/probe/{bad}")
            assert r.status_code == 404, bad
            assert r.json()["error"]["code"] == "not_found"
    param = build_spec(app)["paths"]["/probe/{item_id}"]["get"]["parameters"][1]
    assert param["name"] == "item_id" and param["in"] == "path"
    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    assert "404" in build_spec(app)["paths"]["/probe/{item_id}"]["get"]["responses"]
