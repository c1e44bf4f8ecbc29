"""The rota problem and its answer as plain, picklable values (they cross process bounds).

Times are minutes from local midnight; a shift lies within one day. Days are dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# (staff_id, day, shift_id, post_id)
Key = tuple[int, date, int, int]


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_label(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d.isoformat()}"


@dataclass(frozen=True, slots=True)
class Opening:
    """A post is open ``start``–``end`` on ``weekday`` and needs ``min_staff`` there."""

    weekday: int
    start: int
    end: int
    min_staff: int = 1


@dataclass(frozen=True, slots=True)
class PostSpec:
    id: int
    name: str
    openings: tuple[Opening, ...]
    kind: str = "desk"


@dataclass(frozen=True, slots=True)
class ShiftSpec:
    id: int
    name: str
    start: int
    end: int
    break_minutes: int = 0
    weekdays: frozenset[int] = frozenset(range(7))

    @property
    def paid_minutes(self) -> int:
        return self.end - self.start - self.break_minutes

    @property
    def is_late(self) -> bool:
        # Late shifts are the ones that keep a worker past the ordinary office day.
        return self.end > 18 * 60


@dataclass(frozen=True, slots=True)
class StaffSpec:
    id: int
    name: str
    # post id -> (certified from, certified until or None)
    certified: dict[int, tuple[date, date | None]] = field(default_factory=dict)
    max_minutes_week: int = 40 * 60
    leave: frozenset[date] = frozenset()
    avoid_weekdays: frozenset[int] = frozenset()
    avoid_shifts: frozenset[int] = frozenset()

    def certified_on(self, post_id: int, day: date) -> bool:
        span = self.certified.get(post_id)
        if span is None:
            return False
        start, until = span
        return start <= day and (until is None or day <= until)


@dataclass(frozen=True, slots=True)
class Weights:
    preference: int = 2
    late_spread: int = 10
    weekend_spread: int = 10
    shift_spread: int = 4
    same_post_streak: int = 5
    missing_post: int = 3
    per_shift: int = 1


@dataclass(frozen=True, slots=True)
class Problem:
    start: date
    days: int
    posts: tuple[PostSpec, ...]
    shifts: tuple[ShiftSpec, ...]
    staff: tuple[StaffSpec, ...]
    rest_minutes: int = 11 * 60
    allow_training: bool = True
    # Certified staff at a post in a shift never exceed the most that post needs in that
    # shift: spare hours stay unrostered rather than padding desks, and the search is
    # spared every padded variant. It can never make a feasible request infeasible.
    cap_staffing: bool = True
    weights: Weights = Weights()
    # Re-solving a published rota: its assignments, and the first day that may change.
    previous: frozenset[Key] = frozenset()
    change_from: date | None = None
    time_limit: float = 10.0
    gap_limit: float = 0.01  # stop once the objective is this close to the proven bound
    workers: int = 1
    label: str = ""

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    def post(self, post_id: int) -> PostSpec:
        return next(p for p in self.posts if p.id == post_id)

    def shift(self, shift_id: int) -> ShiftSpec:
        return next(s for s in self.shifts if s.id == shift_id)

    def person(self, staff_id: int) -> StaffSpec:
        return next(s for s in self.staff if s.id == staff_id)


@dataclass(frozen=True, slots=True)
class Conflict:
    """One requirement that cannot be met, in words a secretary can act on."""

    kind: str  # coverage | staffing | no_shift | max_hours | rest | core
    message: str
    day: date | None = None
    post_id: int | None = None
    staff_id: int | None = None
    need: int | None = None
    available: int | None = None


@dataclass(frozen=True, slots=True)
class MissedGoal:
    """A soft goal the rota does not meet, and by how much."""

    goal: str
    message: str
    target: float
    actual: float
    penalty: int
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Placed:
    staff_id: int
    day: date
    shift_id: int
    post_id: int
    trainee: bool = False

    @property
    def key(self) -> Key:
        return (self.staff_id, self.day, self.shift_id, self.post_id)


@dataclass(frozen=True, slots=True)
class Solution:
    status: str  # optimal | feasible | infeasible | unknown
    assignments: tuple[Placed, ...] = ()
    objective: int | None = None
    bound: int | None = None
    seconds: float = 0.0
    conflicts: tuple[Conflict, ...] = ()
    missed: tuple[MissedGoal, ...] = ()
    changes: int | None = None
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(1, abs(self.objective))
