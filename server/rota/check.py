"""An independent check of a rota against every hard rule, written without the solver so
that it can judge the solver's answers, swaps and hand edits alike."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from server.rota.demand import demands
from server.rota.model import rest_clashes, week_of
from server.rota.problem import Conflict, Placed, Problem, day_label, hhmm


def violations(problem: Problem, placed: list[Placed] | tuple[Placed, ...]) -> list[Conflict]:
    p = problem
    out: list[Conflict] = []
    people = {s.id: s for s in p.staff}
    shifts = {t.id: t for t in p.shifts}
    posts = {q.id for q in p.posts}
    cells: dict[tuple[int, date, int], list[Placed]] = defaultdict(list)
    per_day: dict[tuple[int, date], list[Placed]] = defaultdict(list)
    for a in placed:
        s = people.get(a.staff_id)
        t = shifts.get(a.shift_id)
        if s is None or t is None or a.post_id not in posts:
            out.append(Conflict("unknown", f"unknown staff, shift or post in {a}"))
            continue
        per_day[(a.staff_id, a.day)].append(a)
        cells[(a.post_id, a.day, a.shift_id)].append(a)
        if a.day in s.leave:
            out.append(
                Conflict(
                    "leave",
                    f"{s.name} is on leave on {day_label(a.day)}",
                    day=a.day,
                    staff_id=s.id,
                )
            )
        if a.day.weekday() not in t.weekdays:
            out.append(
                Conflict("shift_day", f"{t.name} is not worked on {day_label(a.day)}", day=a.day)
            )
    for (pid, day, tid), cell in cells.items():
        certified = [a for a in cell if people[a.staff_id].certified_on(pid, day)]
        if len(certified) < len(cell) and not (p.allow_training and certified):
            out.append(
                Conflict(
                    "certification",
                    f"{day_label(day)} {shifts[tid].name}, {p.post(pid).name}: "
                    "uncertified worker without a certified colleague",
                    day=day,
                    post_id=pid,
                )
            )
    for (sid, day), items in per_day.items():
        if len(items) > 1:
            out.append(
                Conflict(
                    "double",
                    f"{people[sid].name} has {len(items)} shifts on {day_label(day)}",
                    day=day,
                    staff_id=sid,
                )
            )
    out += _coverage(p, placed)
    out += _rest_and_hours(p, per_day)
    return out


def _coverage(p: Problem, placed: list[Placed] | tuple[Placed, ...]) -> list[Conflict]:
    people = {s.id: s for s in p.staff}
    supply: dict[tuple[int, date, int], int] = defaultdict(int)
    for a in placed:
        s = people.get(a.staff_id)
        if s is not None and s.certified_on(a.post_id, a.day) and a.day not in s.leave:
            supply[(a.post_id, a.day, a.shift_id)] += 1
    out = []
    for d in demands(p):
        have = sum(supply[(d.post_id, d.day, t)] for t in d.shifts)
        if have < d.need:
            out.append(
                Conflict(
                    "coverage",
                    f"{d.describe(p)} ({hhmm(d.start)}–{hhmm(d.end)}): needs {d.need} "
                    f"certified, {have} rostered",
                    day=d.day,
                    post_id=d.post_id,
                    need=d.need,
                    available=have,
                )
            )
    return out


def _rest_and_hours(p: Problem, per_day: dict[tuple[int, date], list[Placed]]) -> list[Conflict]:
    people = {s.id: s for s in p.staff}
    shifts = {t.id: t for t in p.shifts}
    clashes = set(rest_clashes(p))
    out = []
    minutes: dict[tuple[int, date], int] = defaultdict(int)
    for (sid, day), items in per_day.items():
        for a in items:
            if a.shift_id in shifts:
                minutes[(sid, week_of(day))] += shifts[a.shift_id].paid_minutes
        for b in per_day.get((sid, day + timedelta(days=1)), []):
            if any((a.shift_id, b.shift_id) in clashes for a in items):
                out.append(
                    Conflict(
                        "rest",
                        f"{people[sid].name}: less than {p.rest_minutes // 60} h rest "
                        f"before {day_label(b.day)}",
                        day=b.day,
                        staff_id=sid,
                    )
                )
    for (sid, monday), total in minutes.items():
        cap = people[sid].max_minutes_week
        if total > cap:
            out.append(
                Conflict(
                    "max_hours",
                    f"{people[sid].name}: {total / 60:g} h in the week of {monday.isoformat()}, "
                    f"over {cap / 60:g} h",
                    day=monday,
                    staff_id=sid,
                )
            )
    return out
