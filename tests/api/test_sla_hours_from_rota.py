"""The SLA clock follows each community's desk hours as the rota defines them."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from schemas.rota import Opening, PostCreate, PostUpdate
from server.services.auth import staff_principal
from server.services.reports import sla
from server.services.rota import setup as rota_setup
from tests.support.factories import make_world

SH = ZoneInfo("Asia/Shanghai")
# Monday 2026-12-07, an ordinary working week
MONDAY_0930 = datetime(2026, 12, 7, 9, 30, tzinfo=SH)


async def test_clock_uses_desk_hours_and_forgets_them_on_change(db: None) -> None:
    w = await make_world(1)
    c = w.communities[0]
    secretary = staff_principal(w.staff["secretary"])
    # before any post: the default staggered timetable, open at 09:30 on a Monday
    assert (await sla.clock_for(c.id)).is_open(MONDAY_0930)

    late_desk = [Opening(weekday=d, start=time(13, 0), end=time(20, 0)) for d in range(5)]
    post = await rota_setup.create_post(
        secretary, c.id, PostCreate(code="intake", name="综合受理", hours=late_desk)
    )
    clock = await sla.clock_for(c.id)
    assert not clock.is_open(MONDAY_0930)
    assert clock.next_open(MONDAY_0930).astimezone(SH) == MONDAY_0930.replace(hour=13, minute=0)
    # one working hour from 19:30 Monday ends at 13:30 Tuesday
    due = clock.add(MONDAY_0930.replace(hour=19), timedelta(hours=1))
    assert due.astimezone(SH) == datetime(2026, 12, 8, 13, 30, tzinfo=SH)

    # a field post does not open the office
    await rota_setup.create_post(
        secretary,
        c.id,
        PostCreate(
            code="visits",
            name="走访",
            kind="field",
            hours=[Opening(weekday=0, start=time(8, 0), end=time(12, 0))],
        ),
    )
    assert not (await sla.clock_for(c.id)).is_open(MONDAY_0930)

    # moving the desk's hours moves the clock at once on this worker
    early = [Opening(weekday=d, start=time(8, 0), end=time(12, 0)) for d in range(5)]
    await rota_setup.update_post(secretary, post.id, PostUpdate(hours=early))
    assert (await sla.clock_for(c.id)).is_open(MONDAY_0930)


async def test_other_workers_pick_up_changes_within_the_ttl(db: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    w = await make_world(1)
    c = w.communities[0]
    assert (await sla.clock_for(c.id)).is_open(MONDAY_0930)  # cached: default hours
    # another worker changes the posts (this worker's cache is not told)
    from server.models.rota import Post, PostKind

    await Post.create(
        community_id=c.id,
        code="x",
        name="综合受理",
        kind=PostKind.desk,
        hours=[{"weekday": 0, "start": "14:00", "end": "18:00", "min_staff": 1}],
    )
    assert (await sla.clock_for(c.id)).is_open(MONDAY_0930)  # still the cached copy
    now = sla.monotonic()
    monkeypatch.setattr(sla, "monotonic", lambda: now + sla.HOURS_TTL + 1)
    assert not (await sla.clock_for(c.id)).is_open(MONDAY_0930)
