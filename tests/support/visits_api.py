"""Helpers for visit tests: register households and sync visits through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sanic import Sanic

from tests.support.factories import auth


async def register(
    app: Sanic,
    client: httpx.AsyncClient,
    who: Any,
    building_id: int,
    room: str,
    *,
    floor: int = 1,
    unit: str = "1",
    groups: list[str] | None = None,
    members: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body = {
        "building_id": building_id,
        "unit": unit,
        "floor": floor,
        "room": room,
        "groups": groups or [],
        "members": members or [{"name": f"住户{room}"}],
    }
    r = await client.post("/api/v1/households", json=body, headers=auth(app, who))
    assert r.status_code == 201, r.text
    return r.json()


def visit(household_id: int, *, days_ago: float = 0, outcome: str = "met", **over: Any) -> dict:
    start = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "id": str(uuid.uuid4()),
        "base_version": 0,
        "household_id": household_id,
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=20)).isoformat(),
        "channel": "door",
        "outcome": outcome,
        "notes": "",
        "needs": [],
    } | over


async def sync(app: Sanic, client: httpx.AsyncClient, who: Any, *items: dict) -> httpx.Response:
    return await client.post(
        "/api/v1/visits/sync", json={"items": list(items)}, headers=auth(app, who)
    )
