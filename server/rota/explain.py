"""Explanations: why a request is impossible (slot by slot, then by clashing rule groups),
and which soft goals a solved rota misses and by how much."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model

from server.rota import running
from server.rota.demand import demands, granularity
from server.rota.model import RotaModel, fairness_group
from server.rota.problem import Conflict, MissedGoal, Placed, Problem, day_label, hhmm


def precheck(p: Problem) -> list[Conflict]:
    """Cheap counting that names the exact slot when too few certified people exist."""
    out: list[Conflict] = []
    dems = demands(p)
    for d in dems:
        if not d.shifts:
            out.append(
                Conflict(
                    "no_shift",
                    f"{d.describe(p)}: open but no shift template covers "
                    f"{hhmm(d.start)}–{hhmm(d.end)}",
                    day=d.day,
                    post_id=d.post_id,
                    need=d.need,
                    available=0,
                )
            )
            continue
        avail = sum(1 for s in p.staff if d.day not in s.leave and s.certified_on(d.post_id, d.day))
        if avail < d.need:
            out.append(
                Conflict(
                    "coverage",
                    f"{d.describe(p)}: needs {d.need} certified, {avail} available",
                    day=d.day,
                    post_id=d.post_id,
                    need=d.need,
                    available=avail,
                )
            )
    if out:
        return out
    # All posts at once: at any moment each person stands at one post only.
    g = granularity(p.posts, p.shifts)
    need_at: dict[tuple[date, int], int] = defaultdict(int)
    posts_at: dict[tuple[date, int], set[int]] = defaultdict(set)
    for d in dems:
        for k in range(d.start, d.end, g):
            need_at[(d.day, k)] += d.need
            posts_at[(d.day, k)].add(d.post_id)
    reported: set[date] = set()
    for (day, k), need in sorted(need_at.items()):
        if day in reported:
            continue
        avail = sum(
            1
            for s in p.staff
            if day not in s.leave and any(s.certified_on(q, day) for q in posts_at[(day, k)])
        )
        if avail < need:
            reported.add(day)
            out.append(
                Conflict(
                    "staffing",
                    f"{day_label(day)} {hhmm(k)}: {len(posts_at[(day, k)])} posts open need "
                    f"{need} certified staff at once, {avail} available",
                    day=day,
                    need=need,
                    available=avail,
                )
            )
    return out


def conflicting_rules(p: Problem, time_limit: float) -> list[Conflict]:
    """Switch each rule group on by a literal and ask CP-SAT which groups clash."""
    deadline = time.monotonic() + time_limit
    rm = RotaModel(p, assume=True).build()
    lits = [lit for lit, _ in rm.assumptions]
    core = _core(rm.m, lits, max(0.5, deadline - time.monotonic()))
    if core is None:
        return []
    # Shrink the core while time allows: drop a group, keep it out if still infeasible.
    i = 0
    while i < len(core) and len(core) > 1 and time.monotonic() < deadline - 0.2:
        trial = core[:i] + core[i + 1 :]
        smaller = _core(rm.m, trial, min(1.0, deadline - time.monotonic()))
        if smaller is not None:
            core = [lit for lit in trial if lit.index in {s.index for s in smaller}] or trial
        else:
            i += 1
    by_index = {lit.index: c for lit, c in rm.assumptions}
    return [by_index[lit.index] for lit in core]


def _core(
    m: cp_model.CpModel, lits: list[cp_model.IntVar], limit: float
) -> list[cp_model.IntVar] | None:
    m.clear_assumptions()
    m.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 1
    if running.search(solver, m) != cp_model.INFEASIBLE:
        return None
    found = set(solver.sufficient_assumptions_for_infeasibility())
    return [lit for lit in lits if lit.index in found]


def missed_goals(p: Problem, placed: tuple[Placed, ...]) -> list[MissedGoal]:
    w = p.weights
    group = fairness_group(p)
    names = {s.id: s.name for s in p.staff}
    late = {t.id for t in p.shifts if t.is_late}
    out: list[MissedGoal] = []
    for goal, weight, pick in (
        ("late_spread", w.late_spread, lambda a: a.shift_id in late),
        ("weekend_spread", w.weekend_spread, lambda a: a.day.weekday() >= 5),
    ):
        counts = {sid: 0 for sid in group}
        for a in placed:
            if a.staff_id in counts and pick(a):
                counts[a.staff_id] += 1
        if len(counts) >= 2:
            spread = max(counts.values()) - min(counts.values())
            if spread > 1:
                what = "late" if goal == "late_spread" else "weekend"
                out.append(
                    MissedGoal(
                        goal,
                        f"{what} shifts per person differ by {spread} (goal: at most 1)",
                        1,
                        spread,
                        weight * spread,
                        tuple(f"{names[s]}: {n}" for s, n in sorted(counts.items())),
                    )
                )
    out += _rotation_goals(p, placed, group)
    prefs = []
    for a in placed:
        s = p.person(a.staff_id)
        if a.day.weekday() in s.avoid_weekdays or a.shift_id in s.avoid_shifts:
            prefs.append(f"{s.name}: {day_label(a.day)} {p.shift(a.shift_id).name}")
    if prefs:
        out.append(
            MissedGoal(
                "preference",
                f"{len(prefs)} shifts go against a stated preference",
                0,
                len(prefs),
                w.preference * len(prefs),
                tuple(prefs),
            )
        )
    return out


def _rotation_goals(p: Problem, placed: tuple[Placed, ...], group: list[int]) -> list[MissedGoal]:
    w = p.weights
    weeks: dict[tuple[int, int], set[int]] = defaultdict(set)
    served: dict[int, set[int]] = defaultdict(set)
    for a in placed:
        weeks[(a.staff_id, a.post_id)].add((a.day - p.start).days // 7)
        if p.person(a.staff_id).certified_on(a.post_id, a.day):
            served[a.staff_id].add(a.post_id)
    out = []
    streaks = []
    for (sid, pid), blocks in sorted(weeks.items()):
        runs = sum(1 for b in blocks if b + 1 in blocks and b + 2 in blocks)
        if runs:
            streaks.append(f"{p.person(sid).name} on {p.post(pid).name} {runs + 2} weeks running")
    if streaks:
        out.append(
            MissedGoal(
                "same_post_streak",
                f"{len(streaks)} people stay on one post more than 2 weeks running",
                0,
                len(streaks),
                w.same_post_streak * len(streaks),
                tuple(streaks),
            )
        )
    open_posts = {d.post_id for d in demands(p)}
    lacking = []
    for sid in group:
        s = p.person(sid)
        certified = {q for q in open_posts if any(s.certified_on(q, d) for d in p.dates)}
        missing = certified - served[sid]
        if missing:
            lacking.append(
                f"{s.name}: never on " + "、".join(sorted(p.post(q).name for q in missing))
            )
    if lacking:
        n = sum(line.count("、") + 1 for line in lacking)
        out.append(
            MissedGoal(
                "missing_post",
                f"{n} certified posts go unserved by someone this period (全岗通 practice)",
                0,
                n,
                w.missing_post * n,
                tuple(lacking),
            )
        )
    return out
