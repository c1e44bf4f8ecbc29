"""The served OpenAPI document is whole and says what the answers carry: every reference
resolves, and times of day are documented in the shape the API writes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
from sanic import Sanic

from tests.support.factories import auth, make_world

SPEC = "/api/v1/openapi.json"


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = spec
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


async def test_every_reference_resolves(client: httpx.AsyncClient) -> None:
    spec = (await client.get(SPEC)).json()
    refs = {n["$ref"] for n in _walk(spec) if isinstance(n.get("$ref"), str)}
    assert "#/components/schemas/CategoryOut" in refs
    missing = []
    for ref in sorted(refs):
        try:
            _resolve(spec, ref)
        except AssertionError:
            missing.append(ref)
    assert missing == []


async def test_times_of_day_are_documented_as_answered(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    spec = (await client.get(SPEC)).json()
    # RFC 3339 full-time (what "format: time" means) needs an offset; our times have none.
    assert not [n for n in _walk(spec) if n.get("format") == "time"]
    world = await make_world()
    c, sec = world.communities[0], auth(app, world.staff["secretary"])
    shift = {"code": "early", "name": "早班", "start": "08:30", "end": "16:30"}
    r = await client.post(f"/api/v1/rota/communities/{c.id}/shifts", json=shift, headers=sec)
    assert r.status_code == 201, r.text
    answer = r.json()
    assert (answer["start"], answer["end"]) == ("08:30:00", "16:30:00")
    documented = spec["components"]["schemas"]["ShiftPublic"]
    for name in ("start", "end"):
        prop = documented["properties"][name]
        assert prop["type"] == "string" and re.fullmatch(prop["pattern"], answer[name])
