"""Every numeric path and query parameter is bounded, and its extreme values (and those of
every date parameter) get a clear answer, never a 5xx. The operations come from the served
OpenAPI document, so a route added later is walked as soon as it lands."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
from sanic import Sanic

from schemas.common import MAX_ID
from tests.support.factories import auth, make_resident, make_world

SPEC = "/api/v1/openapi.json"
BIG = [2**31, 2**63, -(2**63) - 1, 10**40]
FLOATS = ["1e308", "-1e308", "1e999", "inf", "-inf", "nan"]
DATES = {
    "date": ["0001-01-01", "1899-12-31", "9999-12-31"],
    "date-time": ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"],
}


def _dated(schema: dict[str, Any]) -> list[str]:
    """The extreme values of a date or date-time parameter, else none."""
    for variant in schema.get("anyOf", [schema]):
        if variant.get("type") == "array":
            variant = variant.get("items", {})
        if variant.get("format") in DATES:
            return DATES[variant["format"]]
    return []


def _numeric(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The integer or number schemas a parameter takes (itself, an anyOf arm, array items)."""
    for variant in schema.get("anyOf", [schema]):
        if variant.get("type") == "array":
            variant = variant.get("items", {})
        if variant.get("type") in ("integer", "number"):
            yield variant


def _sample(schema: dict[str, Any]) -> str:
    """A plain valid value for a required parameter that is not the one under test."""
    for variant in schema.get("anyOf", [schema]):
        if "enum" in variant:
            return str(variant["enum"][0])
        if "const" in variant:
            return str(variant["const"])
        if variant.get("type") in ("integer", "number"):
            return str(max(1, variant.get("minimum", 1)))
        if variant.get("type") == "boolean":
            return "false"
        if variant.get("format") == "date":
            return "2026-01-05"
        if variant.get("format") == "date-time":
            return "2026-01-05T09:00:00+08:00"
    return "x"


def _extremes(variant: dict[str, Any]) -> list[str]:
    # A side the document leaves open is tried as far as the database's integer goes.
    low = variant.get("minimum", variant.get("exclusiveMinimum", -(2**31)))
    high = variant.get("maximum", variant.get("exclusiveMaximum", 2**31 - 1))
    values: list[Any] = [low, high]
    if variant["type"] == "integer":
        values += [low - 1, high + 1, *BIG]
    else:
        values += FLOATS
    return [str(v) for v in values]


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if "101" not in op["responses"]:  # a WebSocket upgrade is no plain request
                yield method.upper(), path, op


async def test_every_numeric_parameter_is_bounded_and_its_extremes_answer_4xx(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    world = await make_world()
    callers = [auth(app, world.staff["admin"]), auth(app, await make_resident())]
    spec = (await client.get(SPEC)).json()
    unbounded: list[str] = []
    broken: list[str] = []
    walked = 0
    for method, path, op in _operations(spec):
        params = [p for p in op.get("parameters", []) if "$ref" not in p]
        for param in params:
            values: list[str] = _dated(param["schema"])
            for variant in _numeric(param["schema"]):
                if not (
                    ("minimum" in variant or "exclusiveMinimum" in variant)
                    and ("maximum" in variant or "exclusiveMaximum" in variant)
                ):
                    unbounded.append(f"{method} {path} {param['name']}")
                elif param["in"] == "path":
                    assert variant["maximum"] <= MAX_ID, (path, param["name"])
                values += _extremes(variant)
            for value in values:
                url, query = path, {}
                for other in params:
                    given = value if other is param else _sample(other["schema"])
                    if other["in"] == "path":
                        url = url.replace("{" + other["name"] + "}", given)
                    elif other is param or other.get("required"):
                        query[other["name"]] = given
                for headers in callers:
                    walked += 1
                    r = await client.request(method, url, params=query, headers=headers)
                    if r.status_code >= 500:
                        broken.append(f"{method} {url}?{query}: {r.status_code} {r.text}")
    assert broken == [], "\n".join(broken)
    assert unbounded == [], "numeric parameters without both bounds"
    assert walked > 100  # the walk reached the document's numeric parameters
