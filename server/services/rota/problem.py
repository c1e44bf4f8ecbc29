"""Reading a community's rota setup from the database into the solver's plain problem."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.models.geo import Community
from server.models.people import Staff
from server.models.rota import (
    Assignment,
    Certification,
    Leave,
    Post,
    ShiftTemplate,
    StaffAvailability,
)
from server.rota.problem import Opening, Placed, PostSpec, Problem, ShiftSpec, StaffSpec
from server.services.rota.setup import rostered_staff


def minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass
class Loaded:
    """The problem plus what it takes to turn its answer back into rows."""

    problem: Problem
    community: Community
    posts: dict[int, Post] = field(default_factory=dict)
    shifts: dict[int, ShiftTemplate] = field(default_factory=dict)
    staff: dict[int, Staff] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.community.time_zone)

    def span(self, day: date, shift_id: int) -> tuple[datetime, datetime]:
        t = self.shifts[shift_id]
        return (
            datetime.combine(day, t.start_time, tzinfo=self.tz),
            datetime.combine(day, t.end_time, tzinfo=self.tz),
        )

    def row(self, rota_id: int, a: Placed) -> Assignment:
        starts, ends = self.span(a.day, a.shift_id)
        return Assignment(
            rota_id=rota_id,
            staff_id=a.staff_id,
            post_id=a.post_id,
            shift_id=a.shift_id,
            day=a.day,
            starts_at=starts,
            ends_at=ends,
            trainee=a.trainee,
        )


def placed_of(rows: list[Assignment]) -> list[Placed]:
    return [Placed(a.staff_id, a.day, a.shift_id, a.post_id, a.trainee) for a in rows]


async def load_problem(
    community: Community,
    start: date,
    days: int,
    *,
    time_limit: float = 10.0,
    workers: int = 1,
    extra_leave: dict[int, set[date]] | None = None,
    rota_id: int | None = None,
) -> Loaded:
    """Active posts and shift templates (plus any a given rota still uses), rostered
    staff with their certifications, contract hours, wishes and leave in the period."""
    end = start + timedelta(days=days - 1)
    used_posts: set[int] = set()
    used_shifts: set[int] = set()
    if rota_id is not None:
        rows = await Assignment.filter(rota_id=rota_id).values_list("post_id", "shift_id")
        used_posts = {int(r[0]) for r in rows}
        used_shifts = {int(r[1]) for r in rows}
    posts = [
        q
        for q in await Post.filter(community_id=community.id).order_by("sort_order", "id")
        if q.active or q.id in used_posts
    ]
    shifts = [
        t
        for t in await ShiftTemplate.filter(community_id=community.id).order_by("start", "id")
        if t.active or t.id in used_shifts
    ]
    people = await rostered_staff(community.id)
    ids = [s.id for s in people]
    certs: dict[int, dict[int, tuple[date, date | None]]] = {}
    for c in await Certification.filter(staff_id__in=ids, post__community_id=community.id):
        certs.setdefault(c.staff_id, {})[c.post_id] = (c.certified_on, c.expires_on)
    avail = {a.staff_id: a for a in await StaffAvailability.filter(staff_id__in=ids)}
    away: dict[int, set[date]] = (
        {sid: set(extra_leave.get(sid, ())) for sid in ids}
        if extra_leave
        else {sid: set() for sid in ids}
    )
    for lv in await Leave.filter(staff_id__in=ids, start_date__lte=end, end_date__gte=start):
        d = max(lv.start_date, start)
        while d <= min(lv.end_date, end):
            away[lv.staff_id].add(d)
            d += timedelta(days=1)
    specs = []
    for s in people:
        a = avail.get(s.id)
        specs.append(
            StaffSpec(
                id=s.id,
                name=s.display_name,
                certified=certs.get(s.id, {}),
                max_minutes_week=(a.max_hours_week if a else 40) * 60,
                leave=frozenset(away[s.id]),
                avoid_weekdays=frozenset(a.avoid_weekdays) if a else frozenset(),
                avoid_shifts=frozenset(a.avoid_shift_ids) if a else frozenset(),
            )
        )
    problem = Problem(
        start=start,
        days=days,
        posts=tuple(
            PostSpec(
                q.id,
                q.name,
                tuple(
                    Opening(
                        h["weekday"],
                        minutes(time.fromisoformat(h["start"])),
                        minutes(time.fromisoformat(h["end"])),
                        h.get("min_staff", 1),
                    )
                    for h in q.hours
                )
                if q.active
                else (),
                kind=q.kind.value,
            )
            for q in posts
        ),
        shifts=tuple(
            ShiftSpec(
                t.id,
                t.name,
                minutes(t.start_time),
                minutes(t.end_time),
                t.break_minutes,
                frozenset(t.weekdays),
            )
            for t in shifts
        ),
        staff=tuple(specs),
        time_limit=time_limit,
        workers=workers,
        label=community.name,
    )
    return Loaded(
        problem,
        community,
        {q.id: q for q in posts},
        {t.id: t for t in shifts},
        {s.id: s for s in people},
    )


def with_previous(loaded: Loaded, previous: list[Placed], change_from: date) -> Loaded:
    """The same problem as a re-solve: keep what lies before ``change_from``, change little."""
    loaded.problem = replace(
        loaded.problem, previous=frozenset(a.key for a in previous), change_from=change_from
    )
    return loaded
