"""What a period asks for: per post, day and time range, how many certified staff and
which shift templates can supply them. Shared by the model, the pre-check and the checker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import reduce
from math import gcd

from server.rota.problem import PostSpec, Problem, ShiftSpec, day_label, hhmm


@dataclass(frozen=True, slots=True)
class Demand:
    post_id: int
    day: date
    start: int
    end: int
    need: int
    shifts: frozenset[int]  # shift templates whose span covers all of start–end

    def describe(self, problem: Problem) -> str:
        """E.g. "Sat 2026-12-05 late, 为老服务" or "… 17:00–18:00, …" when no shift fits."""
        names = sorted(problem.shift(t).name for t in self.shifts)
        when = "/".join(names) if names else f"{hhmm(self.start)}–{hhmm(self.end)}"
        return f"{day_label(self.day)} {when}, {problem.post(self.post_id).name}"


def granularity(posts: tuple[PostSpec, ...], shifts: tuple[ShiftSpec, ...]) -> int:
    marks = [m for p in posts for o in p.openings for m in (o.start, o.end)]
    marks += [m for t in shifts for m in (t.start, t.end)]
    return reduce(gcd, marks, 60) or 60


def demands(problem: Problem) -> list[Demand]:
    """Every (post, day, range) with a minimum, ranges cut where the need or the set of
    covering shifts changes, so each becomes one coverage constraint."""
    g = granularity(problem.posts, problem.shifts)
    out: list[Demand] = []
    for post in problem.posts:
        for day in problem.dates:
            wd = day.weekday()
            need: dict[int, int] = {}
            for o in post.openings:
                if o.weekday != wd or o.min_staff <= 0:
                    continue
                for k in range(o.start, o.end, g):
                    need[k] = max(need.get(k, 0), o.min_staff)
            usable = [t for t in problem.shifts if wd in t.weekdays]
            run: Demand | None = None
            for k in sorted(need):
                cover = frozenset(t.id for t in usable if t.start <= k and k + g <= t.end)
                if run and run.end == k and run.need == need[k] and run.shifts == cover:
                    run = Demand(post.id, day, run.start, k + g, run.need, cover)
                    continue
                if run:
                    out.append(run)
                run = Demand(post.id, day, k, k + g, need[k], cover)
            if run:
                out.append(run)
    return out


def useful_shifts(dems: list[Demand]) -> dict[tuple[int, date], set[int]]:
    """(post, day) -> the shifts that would cover some of its opening."""
    out: dict[tuple[int, date], set[int]] = {}
    for d in dems:
        out.setdefault((d.post_id, d.day), set()).update(d.shifts)
    return out
