"""Desk and shift times are local wall-clock minutes: an offset or seconds are refused before
anything is written, and a bad opening stored earlier cannot stop a community's reports."""

from __future__ import annotations

from server.models.rota import Post, ShiftTemplate
from server.services.reports import sla
from tests.api.reports.conftest import Ctx

API = "/api/v1/rota"


async def test_times_with_offsets_or_seconds_are_refused_and_nothing_is_saved(ctx: Ctx) -> None:
    c = ctx.world.communities[0]
    sec = ctx.h("secretary")
    for start, end in [
        ("20:00:00+08:00", "18:00:00-02:00"),  # ordered in UTC, reversed on the wall clock
        ("08:00+08:00", "12:00+08:00"),
        ("07:21:38.88", "14:19"),
        ("07:21", "14:19:59"),
    ]:
        post = {
            "code": "intake",
            "name": "综合受理",
            "hours": [{"weekday": 0, "start": start, "end": end}],
        }
        r = await ctx.client.post(f"{API}/communities/{c.id}/posts", json=post, headers=sec)
        assert r.status_code == 422, (start, end, r.text)
        assert r.json()["error"]["details"], r.text
        shift = {"code": "early", "name": "早班", "start": start, "end": end}
        r = await ctx.client.post(f"{API}/communities/{c.id}/shifts", json=shift, headers=sec)
        assert r.status_code == 422, (start, end, r.text)
    assert await Post.filter(community_id=c.id).count() == 0
    assert await ShiftTemplate.filter(community_id=c.id).count() == 0

    # Whole minutes are kept exactly, with or without ":00" seconds.
    shift = {"code": "early", "name": "早班", "start": "07:21:00", "end": "14:19"}
    r = await ctx.client.post(f"{API}/communities/{c.id}/shifts", json=shift, headers=sec)
    assert r.status_code == 201, r.text
    assert (r.json()["start"], r.json()["end"]) == ("07:21:00", "14:19:00")


async def test_a_bad_stored_opening_does_not_stop_report_creates(ctx: Ctx) -> None:
    c = ctx.world.communities[0]
    # As an earlier version stored "20:00:00+08:00"-"18:00:00-02:00": reversed, and beside
    # it one good opening that must still count.
    await Post.create(
        community_id=c.id,
        code="intake",
        name="综合受理",
        hours=[
            {"weekday": 0, "start": "20:00", "end": "18:00", "min_staff": 1},
            {"weekday": 1, "start": "09:00", "end": "17:00", "min_staff": 1},
            {"weekday": 2, "start": "nonsense", "end": "17:00", "min_staff": 1},
        ],
    )
    sla.forget_hours(c.id)
    rep = await ctx.report()
    assert rep["status"] == "submitted"
    hours = await sla.community_hours(c.id)
    assert [len(hours.on_weekday(d)) for d in range(7)] == [0, 1, 0, 0, 0, 0, 0]
    # The secretary still sees the stored row, so it can be corrected.
    r = await ctx.client.get(f"{API}/communities/{c.id}/posts", headers=ctx.h("secretary"))
    assert r.status_code == 200, r.text
    (post,) = r.json()["items"]
    assert [(o["start"], o["end"]) for o in post["hours"]] == [
        ("20:00:00", "18:00:00"),
        ("09:00:00", "17:00:00"),
    ]
