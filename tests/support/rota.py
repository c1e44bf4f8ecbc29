"""A small community set up for its rota: two posts, three shift templates, six staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.auth.passwords import hash_password
from server.models.geo import Community, District, Street
from server.models.people import Role, Staff
from server.models.rota import (
    Certification,
    Leave,
    Post,
    PostKind,
    ShiftTemplate,
    StaffAvailability,
)
from server.rota.problem import Problem
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


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


async def seed_problem(p: Problem, password: str, tag: str = "bench") -> tuple[int, str]:
    """A solver problem as rows of a new community (the benchmark's, for instance): its
    id and the username of its secretary (the first of its staff)."""
    d = await District.create(code=tag, name="区")
    st = await Street.create(district=d, code=tag, name="街道")
    c = await Community.create(street=st, code=tag, name="居委")
    posts = {}
    for i, q in enumerate(p.posts):
        hours = [
            {"weekday": o.weekday, "start": _hm(o.start), "end": _hm(o.end), "min_staff": 1}
            for o in q.openings
        ]
        posts[q.id] = await Post.create(
            community=c, code=f"p{q.id}", name=q.name, kind=q.kind, hours=hours, sort_order=i
        )
    shifts = {}
    for t in p.shifts:
        shifts[t.id] = await ShiftTemplate.create(
            community=c,
            code=t.name,
            name=t.name,
            start=_hm(t.start),
            end=_hm(t.end),
            break_minutes=t.break_minutes,
            weekdays=sorted(t.weekdays),
        )
    pw = hash_password(password)
    for i, spec in enumerate(p.staff):
        role = Role.secretary if i == 0 else Role.worker
        s = await Staff.create(
            username=f"{tag}{i}",
            password_hash=pw,
            display_name=spec.name,
            role=role,
            community=c,
            street=st,
        )
        for post_id, (since, until) in spec.certified.items():
            await Certification.create(
                staff=s, post=posts[post_id], certified_on=since, expires_on=until
            )
        await StaffAvailability.create(
            staff=s,
            max_hours_week=spec.max_minutes_week // 60,
            avoid_weekdays=sorted(spec.avoid_weekdays),
            avoid_shift_ids=[shifts[x].id for x in spec.avoid_shifts],
        )
        for day in spec.leave:
            await Leave.create(staff=s, start_date=day, end_date=day)
    return c.id, f"{tag}0"
