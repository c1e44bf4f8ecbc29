"""Fixtures for Open311: a seeded catalogue, a street with staff, and client keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from sanic import Sanic

from server.services.reports import sla
from server.services.reports.catalogue import seed_catalogue
from tests.support.factories import World, auth, make_world


@dataclass
class O311:
    app: Sanic
    client: httpx.AsyncClient
    world: World
    key: str  # may file for any community

    async def issue(self, **body: Any) -> dict[str, Any]:
        r = await self.client.post(
            "/api/v1/open311/keys",
            json={"name": "client", **body},
            headers=auth(self.app, self.world.staff["admin"]),
        )
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def post(self, fmt: str = "json", key: str | None = None, **form: Any) -> httpx.Response:
        data = {"api_key": key or self.key, **form}
        return await self.client.post(f"/open311/v2/requests.{fmt}", data=data)

    async def file(self, **form: Any) -> int:
        fields = {
            "service_code": "sanitation",
            "lat": "31.2197",
            "long": "121.4252",
            "jurisdiction_id": self.world.communities[0].code,
            "description": "楼道里堆满了垃圾",
            **form,
        }
        r = await self.post(**fields)
        assert r.status_code == 201, r.text
        return int(r.json()[0]["service_request_id"])

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(f"/open311/v2/{path}", params=params)


class Desks:
    """The community's desks, open or shut, whatever the wall clock says."""

    def __init__(self, open_: bool) -> None:
        self.open = open_

    def add(self, start: datetime, work: timedelta) -> datetime:
        return start + work

    def between(self, a: datetime, b: datetime) -> timedelta:
        return b - a

    def is_open(self, at: datetime) -> bool:
        return self.open

    def next_open(self, at: datetime) -> datetime:
        return at if self.open else at + timedelta(hours=8)


def desks(monkeypatch: pytest.MonkeyPatch, *, open_: bool) -> None:
    async def clock_for(community_id: int, *a: object, **kw: object) -> Desks:
        return Desks(open_)

    monkeypatch.setattr(sla, "clock_for", clock_for)


def xml(r: httpx.Response) -> ET.Element:
    assert r.headers["content-type"] == "text/xml; charset=utf-8"
    assert r.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(r.content)  # noqa: S314 - our own output


@pytest.fixture
async def o311(app: Sanic, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> O311:
    # Ownership follows the desks' hours; tests choose the hours, not the time they run at.
    desks(monkeypatch, open_=True)
    await seed_catalogue()
    world = await make_world()
    ctx = O311(app, client, world, "")
    ctx.key = (await ctx.issue())["key"]
    return ctx
