"""GeoReport discovery, errors in GeoReport's own body, and our OpenAPI description of it."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import httpx
from sanic import Sanic

from server.auth.access import unguarded_routes


async def test_discovery_in_both_formats(client: httpx.AsyncClient) -> None:
    r = await client.get("/open311/v2/discovery.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    doc = r.json()
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://linli.test/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "test"
    assert doc["changeset"].endswith("+08:00")
    x = await client.get("/open311/v2/discovery.xml")
    assert x.headers["content-type"] == "text/xml; charset=utf-8"
    assert x.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(x.content)  # noqa: S314 - our own output
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


async def test_unknown_paths_answer_in_georeport_errors(client: httpx.AsyncClient) -> None:
    r = await client.get("/open311/v2/nothing.json")
    assert r.status_code == 404
    assert r.json() == [{"code": 404, "description": "no route for GET /open311/v2/nothing.json"}]
    x = await client.get("/open311/v2/nothing.xml")
    assert x.status_code == 404 and x.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(x.content)  # noqa: S314
    assert root.tag == "errors" and root.findtext("error/code") == "404"
    wrong = await client.delete("/open311/v2/discovery.json")
    assert wrong.status_code == 405 and wrong.json()[0]["code"] == 405
    # Everything else keeps our own error shape.
    assert "error" in (await client.get("/api/v1/nothing")).json()


async def test_every_open311_route_is_guarded_and_described(
    client: httpx.AsyncClient, app: Sanic
) -> None:
    assert unguarded_routes(app) == []
    spec = (await client.get("/api/v1/openapi.json")).json()
    paths = {p: ops for p, ops in spec["paths"].items() if p.startswith("/open311/")}
    assert "/open311/v2/discovery.json" in paths and "/open311/v2/discovery.xml" in paths
    for path, ops in paths.items():
        media = "text/xml" if path.endswith(".xml") else "application/json"
        for op in ops.values():
            assert "security" not in op
            for status, response in op["responses"].items():
                assert list(response["content"]) == [media], (path, status)
                if status >= "400":
                    schema = response["content"][media]["schema"]
                    assert schema["items"]["$ref"].endswith("/GeoReportError")
    assert "GeoReportError" in spec["components"]["schemas"]
