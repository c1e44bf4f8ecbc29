"""Meetings: calling one tells the households in scope by WeChat push and in the inbox;
minutes, decisions and action items; input checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import auth, make_world
from tests.support.governance import make_block, open_lift_project
from tests.support.notify import make_relay
from tests.support.visits import bind

NOTICE = "linli-governance-notice"


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.block = await make_block(w, ["60", "70", "80"])  # type: ignore[attr-defined]
    return w


def _meeting(**over) -> dict:
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    return {
        "kind": "council",
        "title": "加装电梯方案议事会",
        "starts_at": starts.isoformat(),
        "place": "怒江苑居委会会议室",
        "agenda": ["设计方案", "费用分摊"],
    } | over


async def test_calling_a_meeting_tells_residents_in_scope(
    app, client, world, settings, broker, fake_wechat
):
    block = world.block
    p = await open_lift_project(app, client, world, block)
    unverified = await bind(block.households[2], verified=False)
    r = await client.post(
        "/api/v1/notify/subscriptions",
        json={"results": {NOTICE: "accept"}},
        headers=auth(app, block.residents[1]),
    )
    assert r.status_code == 200, r.text
    body = _meeting(department_ids=[world.departments["fangban"].id])
    r = await client.post(
        f"/api/v1/governance/projects/{p['id']}/meetings",
        json=body,
        headers=auth(app, block.residents[0]),
    )
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["invited_households"] == 3 and m["department_ids"] == [world.departments["fangban"].id]
    await make_relay(settings, broker).drain()
    # one push (the only resident holding a credit), every verified resident's inbox
    (sent,) = fake_wechat.state.sent
    assert sent["template_id"] == NOTICE and "议事会" in sent["data"]["thing1"]["value"]
    for resident in block.residents[1:]:
        r = await client.get("/api/v1/inbox", headers=auth(app, resident))
        (item,) = r.json()["items"]
        assert item["topic"] == "meeting.called" and "费用分摊" in item["body"]
    for outsider in (unverified, block.other_resident):
        r = await client.get("/api/v1/inbox", headers=auth(app, outsider))
        assert r.json()["items"] == []
    r = await client.get("/api/v1/inbox", headers=auth(app, block.residents[0]))
    assert r.json()["items"] == []  # the caller is not told of their own meeting


async def test_minutes_decisions_and_action_items(app, client, world):
    block = world.block
    p = await open_lift_project(app, client, world, block)
    url = f"/api/v1/governance/projects/{p['id']}/meetings"
    r = await client.post(
        url, json=_meeting(kind="coordination"), headers=auth(app, world.staff["worker"])
    )
    mid = r.json()["id"]
    due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    record = {
        "minutes": "到会12户，讨论设计方案。",
        "decisions": ["采用平层入户方案"],
        "actions": [{"text": "联系设计院出图", "owner": "王阿姨", "due_on": due}],
    }
    r = await client.put(f"{url}/{mid}/record", json=record, headers=auth(app, block.residents[0]))
    assert r.status_code == 200, r.text
    r = await client.get(url, headers=auth(app, block.residents[2]))
    (m,) = r.json()["items"]
    assert m["decisions"] == ["采用平层入户方案"] and m["actions"][0]["owner"] == "王阿姨"
    assert m["actions"][0]["due_on"] == due
    r = await client.put(f"{url}/{mid}/record", json=record, headers=auth(app, block.residents[2]))
    assert r.status_code == 403  # not in the group
    r = await client.get(url, headers=auth(app, block.other_resident))
    assert r.status_code == 404


async def test_bad_meetings_are_refused_and_nothing_is_sent(app, client, world):
    p = await open_lift_project(app, client, world, world.block)
    url = f"/api/v1/governance/projects/{p['id']}/meetings"
    h = auth(app, world.staff["worker"])
    for bad in (
        _meeting(agenda=[]),
        _meeting(kind="party"),
        _meeting(starts_at="2026-01-01T10:00:00"),  # no time zone
        _meeting(title="x" * 101),
    ):
        r = await client.post(url, json=bad, headers=h)
        assert r.status_code == 422, bad
    other = await make_world()
    r = await client.post(
        url, json=_meeting(department_ids=[other.departments["fangban"].id]), headers=h
    )
    assert r.status_code == 404
    r = await client.get(url, headers=h)
    assert r.json()["items"] == []
