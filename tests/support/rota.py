"""A small community set up for its rota: two posts, three shift templates, six staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.models.geo import Community
from server.models.people import Role, Staff
from server.models.rota import Certification, Post, PostKind, ShiftTemplate
from tests.support.factories import World, make_staff


def upcoming_monday(weeks_ahead: int = 2) -> date:
    """The Monday ``weeks_ahead`` weeks after this week's, in Shanghai: rota tests run on
    a week that is always in the future, whatever today's date is."""
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


MONDAY = upcoming_monday()
SATURDAY = MONDAY + timedelta(days=5)
CERTIFIED_SINCE = date(2025, 1, 1)


def opening(days: range | list[int], start: str, end: str, n: int = 1) -> list[dict[str, object]]:
    return [{"weekday": d, "start": start, "end": end, "min_staff": n} for d in days]


@dataclass
class RotaSetup:
    community: Community
    posts: dict[str, Post] = field(default_factory=dict)
    shifts: dict[str, ShiftTemplate] = field(default_factory=dict)
    staff: list[Staff] = field(default_factory=list)


async def make_rota_setup(world: World, *, certify_all: bool = True, extra: int = 3) -> RotaSetup:
    c = world.communities[0]
    setup = RotaSetup(c)
    setup.posts["intake"] = await Post.create(
        community=c,
        code="intake",
        name="综合受理",
        hours=opening(range(5), "08:30", "19:30") + opening([5], "09:00", "17:00"),
        sort_order=1,
    )
    setup.posts["elderly"] = await Post.create(
        community=c,
        code="elderly",
        name="为老服务",
        hours=opening(range(5), "08:30", "16:30") + opening([5], "09:00", "17:00"),
        sort_order=2,
    )
    setup.posts["oncall"] = await Post.create(
        community=c, code="oncall", name="值班", kind=PostKind.on_call, hours=[], sort_order=9
    )
    for code, name, start, end, days in (
        ("early", "early", "08:00", "16:30", list(range(5))),
        ("late", "late", "11:30", "20:00", list(range(5))),
        ("weekend", "weekend", "09:00", "17:00", [5, 6]),
    ):
        setup.shifts[code] = await ShiftTemplate.create(
            community=c, code=code, name=name, start=start, end=end, break_minutes=60, weekdays=days
        )
    setup.staff = [world.staff["worker"], world.staff["worker2"], world.staff["secretary"]]
    for i in range(extra):
        setup.staff.append(await make_staff(Role.worker, community=c, username=f"rw{c.id}-{i}"))
    if certify_all:
        for s in setup.staff:
            for post in setup.posts.values():
                await Certification.create(staff=s, post=post, certified_on=CERTIFIED_SINCE)
    return setup
