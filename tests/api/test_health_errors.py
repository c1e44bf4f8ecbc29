"""Health probes, the one error shape, request ids and the OpenAPI document."""

from __future__ import annotations

import httpx
from sanic import Sanic

from server.auth.access import unguarded_routes


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"]["database"] == "ok"
    assert r.json()["checks"]["broker"].startswith("ok")


async def test_unknown_route_uses_error_shape(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "not_found"
    assert "message" in body["error"] and "details" in body["error"]


async def test_method_not_allowed_uses_error_shape(client: httpx.AsyncClient) -> None:
    r = await client.delete("/healthz")
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"


async def test_validation_error_lists_fields(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/staff", json={"username": "x", "extra": 1})
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert fields == {"password", "extra"}


async def test_malformed_json_is_a_clear_error(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/staff", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_json"


async def test_request_id_echoed_or_generated(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await client.get("/api/v1/nope")
    assert len(r.headers["x-request-id"]) >= 16


async def test_server_error_hides_the_trace(app: Sanic, client: httpx.AsyncClient) -> None:
    from server.api import errors

    class Boom(Exception):
        pass

    req = type("R", (), {"method": "GET", "path": "/x"})()
    resp = errors.handle(req, Boom("secret internals"))  # type: ignore[arg-type]
    assert resp.status == 500
    assert b"secret internals" not in resp.body
    assert b"internal_error" in resp.body


async def test_every_route_has_an_access_policy(app: Sanic, client: httpx.AsyncClient) -> None:
    assert unguarded_routes(app) == []


async def test_openapi_document_lists_real_routes(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/auth/staff" in spec["paths"]
    assert "/readyz" in spec["paths"]
    login = spec["paths"]["/api/v1/auth/staff"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/StaffLogin"
    )
    assert "ErrorBody" in spec["components"]["schemas"]
    me = spec["paths"]["/api/v1/auth/me"]["get"]
    assert me["security"] == [{"bearer": []}] and "401" in me["responses"]
