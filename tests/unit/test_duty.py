"""On duty: from the published rota, cached in the broker, retired on publish and swap,
falling back to every active worker; and the community's opening hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.broker import Broker, create_broker
from server.config import Settings
from server.domain.hours import DEFAULT_HOURS
from server.models.people import Role
from server.models.rota import Assignment, Post, PostKind, Rota, RotaStatus
from server.services.opening_hours import community_opening_hours
from server.services.rota.duty import invalidate_on_duty, on_duty, on_duty_worker_ids
from tests.support.factories import make_staff, make_world
from tests.support.rota import MONDAY, make_rota_setup

SH = ZoneInfo("Asia/Shanghai")
TUESDAY_9 = datetime.combine(MONDAY + timedelta(days=1), time(9), tzinfo=SH)


async def _published(world, setup, rows: list[tuple[int, str, str]]) -> Rota:
    rota = await Rota.create(
        community=world.communities[0],
        start_date=MONDAY,
        end_date=MONDAY + timedelta(days=6),
        status=RotaStatus.published,
    )
    for staff_id, post, shift in rows:
        t = setup.shifts[shift]
        day = TUESDAY_9.date()
        await Assignment.create(
            rota=rota,
            staff_id=staff_id,
            post=setup.posts[post],
            shift=t,
            day=day,
            starts_at=datetime.combine(day, t.start_time, tzinfo=SH),
            ends_at=datetime.combine(day, t.end_time, tzinfo=SH),
        )
    return rota


async def test_falls_back_to_all_active_workers_without_a_rota(db: None, broker: Broker) -> None:
    world = await make_world()
    await make_staff(Role.worker, community=world.communities[0], active=False)
    ids = await on_duty_worker_ids(world.communities[0].id, TUESDAY_9, broker=broker)
    assert ids == sorted([world.staff["worker"].id, world.staff["worker2"].id])


async def test_rota_decides_and_cache_is_retired_on_change(db: None, broker: Broker) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    c = world.communities[0]
    w1, w2, sec = world.staff["worker"], world.staff["worker2"], world.staff["secretary"]
    await _published(world, setup, [(w1.id, "intake", "early"), (sec.id, "elderly", "late")])
    assert await on_duty(c.id, TUESDAY_9, broker=broker) == ("rota", [w1.id])
    at_noon = TUESDAY_9.replace(hour=12)
    assert await on_duty_worker_ids(c.id, at_noon, broker=broker) == sorted([w1.id, sec.id])
    assert await on_duty_worker_ids(c.id, TUESDAY_9.replace(hour=21), broker=broker) == []

    # A change behind the cache's back is not seen until the community's cache is retired.
    await Assignment.filter(staff_id=w1.id).update(staff_id=w2.id)
    assert await on_duty_worker_ids(c.id, TUESDAY_9, broker=broker) == [w1.id]
    await invalidate_on_duty(c.id, broker)
    assert await on_duty_worker_ids(c.id, TUESDAY_9, broker=broker) == [w2.id]


async def test_on_call_counts_only_when_no_one_else_is_on(db: None, broker: Broker) -> None:
    world = await make_world()
    setup = await make_rota_setup(world)
    c = world.communities[0]
    w1, w2 = world.staff["worker"], world.staff["worker2"]
    await _published(world, setup, [(w1.id, "intake", "late"), (w2.id, "oncall", "early")])
    assert await on_duty_worker_ids(c.id, TUESDAY_9, broker=broker) == [w2.id]
    assert await on_duty_worker_ids(c.id, TUESDAY_9.replace(hour=12), broker=broker) == [w1.id]


async def test_invalidation_reaches_another_server_process(
    db: None, broker: Broker, settings: Settings
) -> None:
    """A second broker client stands for another server process (Redis when scaled)."""
    world = await make_world()
    setup = await make_rota_setup(world)
    c = world.communities[0]
    w1, w2 = world.staff["worker"], world.staff["worker2"]
    await _published(world, setup, [(w1.id, "intake", "early")])
    other = (
        create_broker(settings.redis_url, prefix=settings.redis_prefix)
        if settings.redis_url
        else broker
    )
    try:
        assert await on_duty_worker_ids(c.id, TUESDAY_9, broker=other) == [w1.id]
        await Assignment.filter(staff_id=w1.id).update(staff_id=w2.id)
        await invalidate_on_duty(c.id, broker)
        assert await on_duty_worker_ids(c.id, TUESDAY_9, broker=other) == [w2.id]
    finally:
        if other is not broker:
            await other.close()


async def test_opening_hours_union_of_desks(db: None) -> None:
    world = await make_world()
    c = world.communities[0]
    assert await community_opening_hours(c.id) == DEFAULT_HOURS
    setup = await make_rota_setup(world)
    await Post.create(
        community=c,
        code="visits",
        name="走访",
        kind=PostKind.field,
        hours=[{"weekday": 6, "start": "07:00", "end": "21:00", "min_staff": 1}],
    )
    hours = await community_opening_hours(c.id)
    assert hours.on_weekday(0) == ((time(8, 30), time(19, 30)),)
    assert hours.on_weekday(5) == ((time(9), time(17)),)
    assert hours.on_weekday(6) == ()
    assert setup.posts
