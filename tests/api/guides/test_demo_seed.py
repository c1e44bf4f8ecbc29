"""The demo street ships its 办事指南 and a 责任清单 that names a body for its reports."""

from __future__ import annotations

import httpx
import pytest
from sanic import Sanic

from server.models.guides import Guide, Responsibility, ResponsibleBody
from server.models.people import Staff
from server.models.reports import Report
from server.seed import seed_demo
from server.services.guides.demo import seed_guides_and_duties
from tests.support.factories import auth

pytestmark = pytest.mark.usefixtures("db")


async def test_the_demo_has_guides_and_a_list_that_answers(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    await seed_demo()
    assert await Guide.all().count() >= 20
    lines = await Responsibility.all().count()
    assert lines > 0 and await ResponsibleBody.filter(kind="property").count() == 6
    await seed_guides_and_duties()  # again: nothing doubles
    assert await Responsibility.all().count() == lines
    worker = await Staff.get(username="hf1")
    h = auth(app, worker)
    named = 0
    for report in await Report.filter(community__code="hf"):
        r = await client.get(f"/api/v1/reports/{report.id}", headers=h)
        named += r.json()["handled_by"] is not None
    assert named > 0
    r = await client.get("/api/v1/guides", params={"q": "加装电梯 补贴"}, headers=h)
    assert r.json()["items"][0]["title"].startswith("既有多层住宅加装电梯")
