"""Why request validation and the OpenAPI document are ours and not sanic-ext's: the same
pydantic models through sanic-ext's ``@validate`` and ``@openapi`` lose what clients and
the contract test rely on. If a sanic-ext release closes these gaps this test fails, and
``server/api/validation.py`` and ``server/api/openapi.py`` should give way to it."""

from __future__ import annotations

import itertools
from typing import Any

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json
from sanic_ext import Extend, openapi, validate

from schemas.registry import HouseholdQuery
from schemas.rota import PostCreate
from server.api.openapi import build_spec
from server.api.respond import send
from server.api.validation import body, query, returns
from server.app import create_app
from server.auth.access import public
from server.config import Settings
from tests.support.asgi import asgi_client

_names = itertools.count()
BAD_POST = {"code": "x", "name": "y", "hours": [{"weekday": 9, "start": "10:00", "end": "11:00"}]}


def _sanic_ext_app() -> Sanic:
    app = Sanic(f"ext{next(_names)}")
    Extend(app)

    @app.post("/posts")
    @openapi.definition(body={"application/json": PostCreate})
    @validate(json=PostCreate)
    async def create(request: Request, body: PostCreate) -> HTTPResponse:
        return json({})

    @app.get("/households")
    @validate(query=HouseholdQuery)
    async def households(request: Request, query: HouseholdQuery) -> HTTPResponse:
        return json({})

    return app


async def test_sanic_ext_loses_field_errors_and_describes_models_poorly() -> None:
    async with asgi_client(_sanic_ext_app()) as client:
        spec: dict[str, Any] = (await client.get("/docs/openapi.json")).json()
        r = await client.post("/posts", json=BAD_POST)
    # A bad body is a 400 whose pydantic errors are flattened into one English string
    # (the ValidationError is re-raised ``from None``): no field list for a form to mark.
    assert r.status_code == 400
    assert "hours.0.weekday" in r.json()["message"] and "details" not in r.json()
    # The document is OpenAPI 3.0.3, which cannot hold pydantic v2's JSON Schema 2020-12
    # (``{"type": "null"}`` arms, ``const``); the model is read as a class, so its
    # ``model_config`` shows up as a body property; nested models are inlined, never
    # components; and a validated query string documents no parameters at all.
    assert spec["openapi"] == "3.0.3"
    schema = spec["paths"]["/posts"]["post"]["requestBody"]["content"]["application/json"]
    assert "model_config" in schema["schema"]["properties"]
    assert not spec.get("components", {}).get("schemas")
    assert not spec["paths"]["/households"]["get"].get("parameters")


async def test_ours_keeps_them(settings: Settings) -> None:
    app = create_app(settings, manage_db=False)

    @app.post("/probe/posts")
    @public
    @body(PostCreate)
    @returns({"application/json": {"schema": {"type": "object"}}})
    async def probe(request: Request) -> HTTPResponse:
        """Accept a post."""
        return send({})

    @app.get("/probe/households")
    @public
    @query(HouseholdQuery)
    @returns({"application/json": {"schema": {"type": "object"}}})
    async def probe_households(request: Request) -> HTTPResponse:
        """List nothing."""
        return send({})

    async with asgi_client(app) as client:
        r = await client.post("/probe/posts", json=BAD_POST)
        spec = build_spec(app)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "hours.0.weekday"
    assert spec["openapi"] == "3.1.0"
    post = spec["paths"]["/probe/posts"]["post"]["requestBody"]["content"]["application/json"]
    assert post["schema"] == {"$ref": "#/components/schemas/PostCreate"}
    assert "Opening" in spec["components"]["schemas"]
    assert "model_config" not in spec["components"]["schemas"]["PostCreate"]["properties"]
    names = {p.get("name") for p in spec["paths"]["/probe/households"]["get"]["parameters"]}
    assert {"limit", "offset", "group"} <= names
