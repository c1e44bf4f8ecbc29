"""The demo street's lift project (怒江苑 8号楼): what a fresh ``make run`` shows on the
projects desk and to a resident of the building."""

from __future__ import annotations

import httpx
import pytest
from sanic import Sanic

from server.models.people import Resident, Staff
from server.seed import seed_demo
from tests.support.factories import auth

pytestmark = pytest.mark.usefixtures("db")


async def test_the_lift_project_is_part_done_with_a_meeting_and_an_open_vote(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    await seed_demo()
    secretary = await Staff.get(username="sec_hf")
    r = await client.get("/api/v1/governance/projects", headers=auth(app, secretary))
    (p,) = r.json()["items"]
    assert p["title"] == "怒江苑8号楼加装电梯" and p["status"] == "active"
    assert p["households"] == 12 and p["progress"]["done"] == 3
    assert p["progress"]["next_step"].startswith("规划审批") and not p["progress"]["stuck"]
    r = await client.get(
        f"/api/v1/governance/projects/{p['id']}/meetings", headers=auth(app, secretary)
    )
    assert len(r.json()["items"]) == 2
    r = await client.get(
        f"/api/v1/governance/projects/{p['id']}/votes", headers=auth(app, secretary)
    )
    (vote,) = r.json()["items"]
    assert vote["status"] == "open" and vote["tally"]["participants"] == 7
    assert vote["tally"]["agree"] == 6 and vote["tally"]["quorate"] is False  # 7 of 12 so far
    r = await client.get(
        f"/api/v1/governance/projects/{p['id']}/scope", headers=auth(app, secretary)
    )
    assert r.json()["missing_area"] == 0
    # a resident who has not voted yet votes from the mini-program
    resident = await Resident.get(openid="demo-nujiang8-602")
    r = await client.put(
        f"/api/v1/governance/votes/{vote['id']}/ballot",
        json={"choice": "agree"},
        headers=auth(app, resident),
    )
    assert r.status_code == 200, r.text
    r = await client.get(
        f"/api/v1/governance/votes/{vote['id']}/export", headers=auth(app, secretary)
    )
    assert r.status_code == 200 and r.text.count("\n") > 12
    other = await Staff.get(username="sec_fy")
    r = await client.get("/api/v1/governance/projects", headers=auth(app, other))
    assert r.json()["items"] == []
