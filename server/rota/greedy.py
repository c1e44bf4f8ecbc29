"""A quick constructive rota, the fallback when the solver finds none in its time (a
starved machine): day by day, each post-day gets its cheapest cover and each slot the
eligible person with the least of that kind of work so far. It may leave gaps, in which
case it is not used; the caller checks it against every hard rule."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from server.rota.model import RotaModel, cover_cells, min_cover, rest_clashes, week_of
from server.rota.problem import Key


class _Tally:
    def __init__(self, rm: RotaModel) -> None:
        p = rm.problem
        self.late = {t.id for t in p.shifts if t.is_late}
        self.paid = {t.id: t.paid_minutes for t in p.shifts}
        self.worked: dict[tuple[int, date], int] = {}
        self.minutes: dict[tuple[int, date], int] = defaultdict(int)
        self.count: dict[tuple[int, str], int] = defaultdict(int)
        self.served: set[tuple[int, int]] = set()
        self.chosen: set[Key] = set()

    def take(self, key: Key) -> None:
        sid, day, shift_id, post_id = key
        self.chosen.add(key)
        self.worked[(sid, day)] = shift_id
        self.minutes[(sid, week_of(day))] += self.paid[shift_id]
        self.count[(sid, "all")] += 1
        self.count[(sid, "late" if shift_id in self.late else "day")] += 1
        if day.weekday() >= 5:
            self.count[(sid, "weekend")] += 1
        self.served.add((sid, post_id))


def greedy_rota(rm: RotaModel) -> set[Key]:
    p = rm.problem
    clashes = set(rest_clashes(p))
    people = {s.id: s for s in p.staff}
    tally = _Tally(rm)
    by_cell: dict[tuple[int, date, int], list[int]] = defaultdict(list)
    for key in rm.x:
        if rm.certified[key]:
            by_cell[(key[3], key[1], key[2])].append(key[0])
    if p.change_from is not None:
        for key in p.previous:
            if key[1] < p.change_from and key in rm.x:
                tally.take(key)
    cells = cover_cells(rm.demands)
    for day in p.dates:
        if p.change_from is not None and day < p.change_from:
            continue
        # Late and weekend slots, the ones fairness is about, choose first; among them
        # the slots with the fewest candidates.
        slots = [
            (post_id, shift_id, n)
            for (post_id, d), ds in cells.items()
            if d == day
            for shift_id, n in min_cover(ds, tally.late).items()
        ]
        slots.sort(key=lambda x: (x[1] not in tally.late, len(by_cell[(x[0], day, x[1])]), x))
        for post_id, shift_id, n in slots:
            kind = "late" if shift_id in tally.late else "day"
            for _ in range(n):
                best: tuple[tuple[object, ...], int] | None = None
                for sid in by_cell[(post_id, day, shift_id)]:
                    s = people[sid]
                    if (sid, day) in tally.worked:
                        continue
                    before = tally.worked.get((sid, day - timedelta(days=1)))
                    if before is not None and (before, shift_id) in clashes:
                        continue
                    week = tally.minutes[(sid, week_of(day))]
                    if week + tally.paid[shift_id] > s.max_minutes_week:
                        continue
                    # Fair shares first, as the solver weighs them above wishes.
                    rank = (
                        tally.count[(sid, "weekend")] if day.weekday() >= 5 else 0,
                        tally.count[(sid, kind)],
                        day.weekday() in s.avoid_weekdays or shift_id in s.avoid_shifts,
                        tally.count[(sid, "all")],
                        (sid, post_id) in tally.served,
                        (sid + day.toordinal()) % len(people),
                    )
                    if best is None or rank < best[0]:
                        best = (rank, sid)
                if best is not None:
                    tally.take((best[1], day, shift_id, post_id))
    return tally.chosen
