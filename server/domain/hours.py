"""Opening hours: per weekday, the local time intervals a community's desks are open.

Shared by the rota (posts' staggered openings) and the business calendar (SLA clocks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time

Interval = tuple[time, time]


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    out: list[list[time]] = []
    for start, end in sorted(intervals):
        if not start < end:
            raise ValueError(f"an opening must end after it starts: {start}-{end}")
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


@dataclass(frozen=True)
class OpeningHours:
    """``days[0]`` is Monday … ``days[6]`` Sunday; each a sorted tuple of disjoint intervals.

    ``makeup`` is used on make-up working days (调休), which fall on weekends but follow
    a weekday timetable; by default Monday's.
    """

    days: tuple[tuple[Interval, ...], ...]
    makeup: tuple[Interval, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("opening hours need exactly 7 weekdays")

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[int, Iterable[Interval]], makeup: Iterable[Interval] | None = None
    ) -> OpeningHours:
        days = tuple(_merge(mapping.get(d, ())) for d in range(7))
        return cls(days, _merge(makeup) if makeup is not None else None)

    @classmethod
    def union(cls, many: Iterable[OpeningHours]) -> OpeningHours:
        many = list(many)
        return cls.from_mapping({d: [iv for h in many for iv in h.days[d]] for d in range(7)})

    def on_weekday(self, weekday: int) -> tuple[Interval, ...]:
        return self.days[weekday]

    def on_makeup_day(self) -> tuple[Interval, ...]:
        return self.makeup if self.makeup is not None else self.days[0]

    def is_empty(self) -> bool:
        return not any(self.days)


def _t(s: str) -> time:
    return time.fromisoformat(s)


# The staggered timetable (错时) a community uses until its rota defines posts:
# weekdays 08:30–19:30 (early and late shifts overlap), Saturday 09:00–17:00.
DEFAULT_HOURS = OpeningHours.from_mapping(
    {
        **{d: [(_t("08:30"), _t("19:30"))] for d in range(5)},
        5: [(_t("09:00"), _t("17:00"))],
    }
)
