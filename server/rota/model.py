"""The CP-SAT model of a rota: hard rules as constraints, soft goals as weighted terms.

With ``assume=True`` each group of hard rules is switched on by its own literal, so that
an infeasible request can be traced to the groups that clash (see explain.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import product
from typing import Any

from ortools.sat.python import cp_model

from server.rota.demand import Demand, demands, useful_shifts
from server.rota.problem import Conflict, Key, Problem, hhmm

LinearExpr = Any


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def fairness_group(problem: Problem) -> list[int]:
    """Staff present on at least three quarters of the period share late and weekend work
    evenly; someone away for weeks is not made to catch up."""
    dates = problem.dates
    return [
        s.id
        for s in problem.staff
        if sum(1 for d in dates if d not in s.leave) * 4 >= len(dates) * 3
    ]


def rest_clashes(problem: Problem) -> list[tuple[int, int]]:
    """Pairs (shift today, shift tomorrow) that leave less than the minimum rest."""
    return [
        (a.id, b.id)
        for a in problem.shifts
        for b in problem.shifts
        if 24 * 60 + b.start - a.end < problem.rest_minutes
    ]


def cover_cells(dems: list[Demand]) -> dict[tuple[int, date], list[Demand]]:
    cells: dict[tuple[int, date], list[Demand]] = defaultdict(list)
    for d in dems:
        if d.shifts:
            cells[(d.post_id, d.day)].append(d)
    return cells


def min_cover(ds: list[Demand], late: set[int]) -> dict[int, int]:
    """The fewest shifts (then the fewest late ones) that cover every range of a post-day."""
    options = sorted(set().union(*(d.shifts for d in ds)))[:4]
    top = max(d.need for d in ds)
    best: tuple[tuple[int, int], dict[int, int]] | None = None
    for counts in product(range(top + 1), repeat=len(options)):
        have = dict(zip(options, counts, strict=True))
        if all(sum(have.get(t, 0) for t in d.shifts) >= d.need for d in ds):
            cost = (sum(counts), sum(n for t, n in have.items() if t in late))
            if best is None or cost < best[0]:
                best = (cost, {t: n for t, n in have.items() if n})
    return best[1] if best is not None else {}


def least_shifts(dems: list[Demand], late: set[int]) -> dict[str, int]:
    """How many shifts (all, late, weekend) the period needs at the least: per post and
    day the smallest set of shifts covering every range, preferring fewer late ones.
    Fair shares are measured against these."""
    out = {"all": 0, "late": 0, "weekend": 0}
    for (_, day), ds in cover_cells(dems).items():
        cover = min_cover(ds, late)
        total = sum(cover.values()) or max(d.need for d in ds)
        out["all"] += total
        out["late"] += sum(n for t, n in cover.items() if t in late)
        if day.weekday() >= 5:
            out["weekend"] += total
    return out


@dataclass
class RotaModel:
    problem: Problem
    assume: bool = False
    m: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[Key, cp_model.IntVar] = field(default_factory=dict)
    certified: dict[Key, bool] = field(default_factory=dict)
    demands: list[Demand] = field(default_factory=list)
    assumptions: list[tuple[cp_model.IntVar, Conflict]] = field(default_factory=list)
    terms: dict[str, LinearExpr] = field(default_factory=dict)
    changes: LinearExpr = 0
    soft: LinearExpr = 0

    def build(self) -> RotaModel:
        self._variables()
        self._coverage()
        self._per_day_and_rest()
        self._max_hours()
        self._freeze()
        self._goals()
        self._changes()
        return self

    # -- variables -----------------------------------------------------------
    def _variables(self) -> None:
        p = self.problem
        self.demands = demands(p)
        useful = useful_shifts(self.demands)
        for (post_id, day), shift_ids in useful.items():
            for s in p.staff:
                if day in s.leave:
                    continue
                cert = s.certified_on(post_id, day)
                if not cert and not p.allow_training:
                    continue
                for t in shift_ids:
                    key = (s.id, day, t, post_id)
                    self.x[key] = self.m.new_bool_var(f"x{s.id}_{day:%m%d}_{t}_{post_id}")
                    self.certified[key] = cert
        # A trainee works beside a certified colleague on the same post and shift.
        by_slot: dict[tuple[date, int, int], list[Key]] = defaultdict(list)
        for key in self.x:
            by_slot[(key[1], key[2], key[3])].append(key)
        for keys in by_slot.values():
            mentors = [self.x[k] for k in keys if self.certified[k]]
            for k in keys:
                if self.certified[k]:
                    continue
                if not mentors:
                    self.m.add(self.x[k] == 0)
                else:
                    self.m.add(self.x[k] <= sum(mentors))

    def _switch(self, conflict: Conflict) -> cp_model.IntVar | None:
        if not self.assume:
            return None
        lit = self.m.new_bool_var(f"a{len(self.assumptions)}")
        self.assumptions.append((lit, conflict))
        return lit

    # -- hard rules ------------------------------------------------------------
    def _coverage(self) -> None:
        p = self.problem
        by_cell: dict[tuple[int, date, int], list[cp_model.IntVar]] = defaultdict(list)
        for key, var in self.x.items():
            if self.certified[key]:
                by_cell[(key[3], key[1], key[2])].append(var)
        for d in self.demands:
            supply = [v for t in d.shifts for v in by_cell.get((d.post_id, d.day, t), [])]
            lit = self._switch(
                Conflict(
                    "coverage",
                    f"{d.describe(p)} ({hhmm(d.start)}–{hhmm(d.end)}): needs {d.need} certified",
                    day=d.day,
                    post_id=d.post_id,
                    need=d.need,
                )
            )
            c = self.m.add(sum(supply) >= d.need)
            if lit is not None:
                c.only_enforce_if(lit)
        if self.problem.cap_staffing:
            cap: dict[tuple[int, date, int], int] = defaultdict(int)
            for d in self.demands:
                for t in d.shifts:
                    cap[(d.post_id, d.day, t)] = max(cap[(d.post_id, d.day, t)], d.need)
            for cell, vs in by_cell.items():
                self.m.add(sum(vs) <= cap[cell])

    def shift_count(self, staff_id: int, day: date, shift_id: int) -> LinearExpr:
        return sum(v for k, v in self._by_staff_day[(staff_id, day)] if k[2] == shift_id)

    def _per_day_and_rest(self) -> None:
        p = self.problem
        self._by_staff_day: dict[tuple[int, date], list[tuple[Key, cp_model.IntVar]]] = defaultdict(
            list
        )
        for key, var in self.x.items():
            self._by_staff_day[(key[0], key[1])].append((key, var))
        for items in self._by_staff_day.values():
            self.m.add_at_most_one(v for _, v in items)
        clashes = rest_clashes(p)
        if not clashes:
            return
        for s in p.staff:
            lit = self._switch(
                Conflict(
                    "rest",
                    f"{s.name}: at least {p.rest_minutes // 60} h rest between shifts",
                    staff_id=s.id,
                )
            )
            for day in p.dates[:-1]:
                nxt = day + timedelta(days=1)
                if not self._by_staff_day.get((s.id, day)) or not self._by_staff_day.get(
                    (s.id, nxt)
                ):
                    continue
                for a, b in clashes:
                    c = self.m.add(
                        self.shift_count(s.id, day, a) + self.shift_count(s.id, nxt, b) <= 1
                    )
                    if lit is not None:
                        c.only_enforce_if(lit)

    def _max_hours(self) -> None:
        p = self.problem
        paid = {t.id: t.paid_minutes for t in p.shifts}
        weeks: dict[tuple[int, date], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for key, var in self.x.items():
            weeks[(key[0], week_of(key[1]))].append((paid[key[2]], var))
        for (staff_id, monday), items in sorted(weeks.items()):
            s = p.person(staff_id)
            if sum(m for m, _ in items) <= s.max_minutes_week and not self.assume:
                continue
            lit = self._switch(
                Conflict(
                    "max_hours",
                    f"{s.name}: at most {s.max_minutes_week / 60:g} h in the week of "
                    f"{monday.isoformat()}",
                    day=monday,
                    staff_id=staff_id,
                )
            )
            c = self.m.add(sum(m * v for m, v in items) <= s.max_minutes_week)
            if lit is not None:
                c.only_enforce_if(lit)

    def _freeze(self) -> None:
        p = self.problem
        if p.change_from is None:
            return
        for key, var in self.x.items():
            if key[1] < p.change_from:
                self.m.add(var == int(key in p.previous))

    # -- soft goals ------------------------------------------------------------
    def _band(self, name: str, counts: dict[int, LinearExpr], total: int) -> LinearExpr:
        """Distance of each person's count from the fair share of ``total`` (floor to
        ceiling of the average), so counts within one of each other cost nothing."""
        if len(counts) < 2:
            return 0
        lo, hi = total // len(counts), -(-total // len(counts))
        devs = []
        for sid, expr in counts.items():
            over = self.m.new_int_var(0, self.problem.days, f"{name}_over{sid}")
            under = self.m.new_int_var(0, self.problem.days, f"{name}_under{sid}")
            self.m.add(over >= expr - hi)
            self.m.add(under >= lo - expr)
            devs += [over, under]
        return sum(devs)

    def _goals(self) -> None:
        p, w = self.problem, self.problem.weights
        late = {t.id for t in p.shifts if t.is_late}
        group = set(fairness_group(p))
        per: dict[str, dict[int, list[cp_model.IntVar]]] = {
            k: defaultdict(list) for k in ("late", "weekend", "all")
        }
        prefs = []
        for key, var in self.x.items():
            s = p.person(key[0])
            if key[1].weekday() in s.avoid_weekdays or key[2] in s.avoid_shifts:
                prefs.append(var)
            if key[0] in group:
                per["all"][key[0]].append(var)
                if key[2] in late:
                    per["late"][key[0]].append(var)
                if key[1].weekday() >= 5:
                    per["weekend"][key[0]].append(var)
        least = least_shifts(self.demands, late)
        share = len(group) / max(1, len(p.staff))
        for name in ("late", "weekend", "all"):
            counts = {sid: sum(per[name].get(sid, [])) for sid in group}
            term = "shift_spread" if name == "all" else f"{name}_spread"
            self.terms[term] = self._band(name, counts, round(least[name] * share))
        self.terms["preference"] = sum(prefs)
        self.terms["per_shift"] = sum(self.x.values())
        self.terms["same_post_streak"], self.terms["missing_post"] = self._rotation(group)
        self.soft = sum(getattr(w, name) * expr for name, expr in self.terms.items())

    def _rotation(self, group: set[int]) -> tuple[LinearExpr, LinearExpr]:
        """Serving on one post three weeks running, and certified posts never served."""
        p = self.problem
        blocks: dict[tuple[int, int, int], list[cp_model.IntVar]] = defaultdict(list)
        seen: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for key, var in self.x.items():
            blocks[(key[0], key[3], (key[1] - p.start).days // 7)].append(var)
            if self.certified[key]:
                seen[(key[0], key[3])].append(var)
        self.block_vars: dict[tuple[int, int, int], cp_model.IntVar] = {}
        for k, vs in blocks.items():
            b = self.m.new_bool_var(f"w{k}")
            self.m.add(sum(vs) <= 7 * b)
            self.block_vars[k] = b
        self.streak_vars: dict[tuple[int, int, int], cp_model.IntVar] = {}
        for (sid, pid, blk), b in self.block_vars.items():
            b2 = self.block_vars.get((sid, pid, blk + 1))
            b3 = self.block_vars.get((sid, pid, blk + 2))
            if b2 is None or b3 is None:
                continue
            v = self.m.new_bool_var(f"streak{sid}_{pid}_{blk}")
            self.m.add(v >= b + b2 + b3 - 2)
            self.streak_vars[(sid, pid, blk)] = v
        self.seen_vars: dict[tuple[int, int], cp_model.IntVar] = {}
        for (sid, pid), vs in seen.items():
            if sid not in group:
                continue
            v = self.m.new_bool_var(f"seen{sid}_{pid}")
            self.m.add(v <= sum(vs))
            self.seen_vars[(sid, pid)] = v
        missing = sum(1 - v for v in self.seen_vars.values())
        return sum(self.streak_vars.values()), missing

    def _changes(self) -> None:
        p = self.problem
        if p.change_from is None:
            return
        total: LinearExpr = 0
        for key in p.previous:
            if key[1] < p.change_from:
                continue
            total += (1 - self.x[key]) if key in self.x else 1
        for key, var in self.x.items():
            if key[1] >= p.change_from and key not in p.previous:
                total += var
        self.changes = total
