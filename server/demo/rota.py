"""The demo rota: desks with staggered hours (错时), shift templates, certifications with
gaps, a wish and a leave, and a rota for this week and next, solved and published."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta

from server.demo.street import DemoCommunity
from server.models.rota import (
    Certification,
    Leave,
    LeaveKind,
    Post,
    PostKind,
    ShiftTemplate,
    StaffAvailability,
)
from server.rota.solve import solve
from server.services.auth import staff_principal
from server.services.rota.lifecycle import publish, save_draft
from server.services.rota.problem import load_problem

WEEKDAYS = range(5)
WEEKEND = (5, 6)
# The solver stops well before this on the demo's size; the limit only bounds a starved
# machine, where the constructive fallback takes over.
SOLVE_SECONDS = 3.0


def _open(days: range | tuple[int, ...], start: str, end: str) -> list[dict[str, object]]:
    return [{"weekday": d, "start": start, "end": end, "min_staff": 1} for d in days]


# Intake opens early and late on weekdays and at weekends (错时); the elderly desk keeps
# office hours; the on-call duty covers the nights by phone.
INTAKE_HOURS = _open(WEEKDAYS, "08:30", "19:30") + _open(WEEKEND, "09:00", "17:00")
POSTS = [
    ("intake", "综合受理", PostKind.desk, INTAKE_HOURS),
    ("elderly", "为老服务", PostKind.desk, _open(WEEKDAYS, "08:30", "16:30")),
    ("oncall", "夜间值班", PostKind.on_call, []),
]  # fmt: skip
SHIFTS = [
    ("early", "早班", "08:00", "16:30", list(WEEKDAYS)),
    ("late", "晚班", "11:30", "20:00", list(WEEKDAYS)),
    ("weekend", "周末班", "09:00", "17:00", list(WEEKEND)),
]


def this_monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


async def seed_rota(c: DemoCommunity, today: date) -> int:
    """Set up the community's rota and publish one for this week and next; returns the
    published rota's id. Runs inside the caller's transaction."""
    community = c.community
    posts = {}
    for order, (code, name, kind, hours) in enumerate(POSTS):
        posts[code] = await Post.create(
            community=community, code=code, name=name, kind=kind, hours=hours, sort_order=order
        )
    for code, name, start, end, days in SHIFTS:
        await ShiftTemplate.create(
            community=community,
            code=code,
            name=name,
            start=start,
            end=end,
            break_minutes=60,
            weekdays=days,
        )
    since = today - timedelta(days=400)
    # Everyone serves at intake (全岗通 is the goal); the two newest workers are not yet
    # certified at the elderly desk, so they stand there only as trainees.
    certified = [c.secretary, *c.workers]
    rows = [Certification(staff=s, post=posts["intake"], certified_on=since) for s in certified]
    rows += [Certification(staff=s, post=posts["oncall"], certified_on=since) for s in certified]
    rows += [
        Certification(staff=s, post=posts["elderly"], certified_on=since)
        for s in (c.secretary, *c.workers[:2])
    ]
    await Certification.bulk_create(rows)
    await StaffAvailability.create(staff=c.secretary, max_hours_week=30)
    await StaffAvailability.create(staff=c.workers[1], avoid_weekdays=[5])
    monday = this_monday(today)
    await Leave.create(
        staff=c.workers[2],
        kind=LeaveKind.leave,
        start_date=monday + timedelta(days=9),
        end_date=monday + timedelta(days=10),
        note="年休",
    )
    loaded = await load_problem(community, monday, 14)
    loaded.problem = replace(loaded.problem, time_limit=SOLVE_SECONDS)
    solution = await asyncio.to_thread(solve, loaded.problem)
    if not solution.ok:
        raise RuntimeError(f"the demo rota of {community.name} has no solution: {solution}")
    secretary = staff_principal(c.secretary)
    draft = await save_draft(secretary, loaded, solution)
    await publish(secretary, draft.id)
    return draft.id
