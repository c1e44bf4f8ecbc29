"""The SLA business calendar: public holidays, 调休 make-up working days, and a clock that
counts only a community's opening hours.

The national days come from the ``chinesecalendar`` package (the State Council's yearly
notices); ``data/calendar_override.json`` adds local closures and can supply or correct a
whole year before the package does. A year neither covers is refused, never guessed.

All instants this module returns are aware datetimes normalised to UTC; opening hours are
local wall-clock times in the community's zone. Work is counted day by day (never minute by
minute), each day's openings computed once and cached, so ``add`` and ``between`` cost
O(days spanned).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

from server.domain.errors import Unavailable
from server.domain.hours import Interval, OpeningHours

ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
OVERRIDE_FILE = "calendar_override.json"


class CalendarNotCovered(Unavailable):
    """A date falls in a year whose official holiday notice we do not have.

    Deadlines are never guessed: an unknown year might move a weekend into a working day.
    """

    code = "calendar_not_covered"


@dataclass(frozen=True)
class HolidayCalendar:
    """Days off and make-up working days, for the years whose notices were loaded."""

    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    years: frozenset[int]

    def __post_init__(self) -> None:
        both = self.holidays & self.makeup_workdays
        if both:
            raise ValueError(f"days both off and make-up working days: {sorted(both)}")

    @classmethod
    def load(cls, path: str | Path | None = None) -> HolidayCalendar:
        """The packaged calendar (read once per process), or the notices file in ``path``."""
        if path is None:
            return _packaged()
        return cls.from_data(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> HolidayCalendar:
        """A calendar from typed notices: ``covered`` years, each under ``years``."""
        covered = {int(y) for y in data["covered"]}
        listed = {int(y) for y in data["years"]}
        if covered != listed:
            raise ValueError(f"'covered' {sorted(covered)} differs from the years {sorted(listed)}")
        holidays, makeup = _notices(data["years"])
        return cls(frozenset(holidays), frozenset(makeup), frozenset(covered))

    @classmethod
    def from_library(cls, override: dict[str, Any] | None = None) -> HolidayCalendar:
        """The ``chinesecalendar`` package's days, with ``override`` applied over them."""
        override = override or {}
        years = {d.year for d in chinese_calendar.holidays}
        holidays = set(chinese_calendar.holidays)
        makeup = set(chinese_calendar.workdays)
        replaced = {int(y) for y in override.get("years", {})}
        holidays = {d for d in holidays if d.year not in replaced}
        makeup = {d for d in makeup if d.year not in replaced}
        typed_off, typed_makeup = _notices(override.get("years", {}))
        holidays |= typed_off
        makeup |= typed_makeup
        years |= replaced
        for item in override.get("closures", []):
            closed = _day_range(item)
            outside = sorted({d.year for d in closed} - years)
            if outside:
                raise ValueError(f"closure {item} falls in a year not covered: {outside}")
            holidays |= closed
            makeup -= closed
        return cls(frozenset(holidays), frozenset(makeup), frozenset(years))

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def _check(self, day: date) -> None:
        if isinstance(day, datetime):
            raise TypeError("pass a local date, not a datetime")
        if day.year not in self.years:
            known = ", ".join(str(y) for y in sorted(self.years)) or "none"
            raise CalendarNotCovered(
                f"the holiday calendar has no official notice for {day.year} (covered: {known})",
                details={"year": day.year, "covered": sorted(self.years)},
            )

    def is_holiday(self, day: date) -> bool:
        self._check(day)
        return day in self.holidays

    def is_makeup_workday(self, day: date) -> bool:
        self._check(day)
        return day in self.makeup_workdays


def _day_range(item: dict[str, str]) -> set[date]:
    first, last = date.fromisoformat(item["from"]), date.fromisoformat(item["to"])
    if last < first or (last - first).days > 15:
        raise ValueError(f"implausible day range {first}..{last}")
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _notices(years: dict[str, Any]) -> tuple[set[date], set[date]]:
    """Days off and make-up working days of typed yearly notices."""
    holidays: set[date] = set()
    makeup: set[date] = set()
    for year, notice in years.items():
        for item in notice["holidays"]:
            holidays |= _day_range(item)
        for item in notice["makeup_workdays"]:
            day = date.fromisoformat(item["date"])
            # Make-up working days always replace a weekend day; anything else is a typo.
            if day.weekday() < 5:
                raise ValueError(f"{year}: make-up working day {day} is not a weekend day")
            makeup.add(day)
    return holidays, makeup


@cache
def _packaged() -> HolidayCalendar:
    text = resources.files("server.domain").joinpath("data", OVERRIDE_FILE).read_text("utf-8")
    return HolidayCalendar.from_library(json.loads(text))


Span = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class _Day:
    spans: tuple[Span, ...]  # UTC, sorted, disjoint
    total: timedelta


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {at.isoformat()}")
    return at.astimezone(UTC)


class BusinessClock:
    """Open time of one timetable under one holiday calendar, in one zone.

    Holidays are closed all day whatever the weekday; make-up working days follow
    ``hours.on_makeup_day()``; other days their weekday's intervals. Openings are
    half-open ``[start, end)``. Results are aware datetimes in UTC.
    """

    def __init__(
        self, hours: OpeningHours, holidays: HolidayCalendar, tz: str = "Asia/Shanghai"
    ) -> None:
        self.hours = hours
        self.holidays = holidays
        self.zone = ZoneInfo(tz)
        self._days: dict[date, _Day] = {}
        self._never_open = hours.is_empty() and not hours.on_makeup_day()

    def _intervals(self, day: date) -> tuple[Interval, ...]:
        if self.holidays.is_holiday(day):
            return ()
        if self.holidays.is_makeup_workday(day):
            return self.hours.on_makeup_day()
        return self.hours.on_weekday(day.weekday())

    def _day(self, day: date) -> _Day:
        got = self._days.get(day)
        if got is None:
            # Wall times inside a DST gap map out of order; clamping each span into the
            # day and after the previous one keeps all spans sorted and disjoint, which
            # is what makes add and between exact inverses.
            floor, ceiling = self._midnight(day), self._midnight(day + ONE_DAY)
            spans: list[Span] = []
            for start, end in self._intervals(day):
                s = max(floor, self._instant(day, start))
                e = min(ceiling, self._instant(day, end))
                if s < e:
                    spans.append((s, e))
                    floor = e
            got = _Day(tuple(spans), sum((e - s for s, e in spans), ZERO))
            self._days[day] = got
        return got

    def _instant(self, day: date, wall: time) -> datetime:
        return datetime.combine(day, wall, tzinfo=self.zone).astimezone(UTC)

    def _midnight(self, day: date) -> datetime:
        return self._instant(day, time(0))

    def _local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def _days_from(self, at: datetime) -> Iterable[tuple[date, _Day]]:
        """Days from ``at``'s local date onwards; ends by CalendarNotCovered if never open."""
        if self._never_open:
            raise ValueError("these opening hours are never open")
        day = self._local_date(at)
        while True:
            yield day, self._day(day)
            day += ONE_DAY

    def add(self, start: datetime, work: timedelta) -> datetime:
        """The earliest instant by which ``work`` of open time has elapsed after ``start``."""
        at = _utc(start)
        if work < ZERO:
            raise ValueError("work must not be negative")
        if work == ZERO:
            return at
        remaining = work
        for _, day in self._days_from(at):
            if not day.total or day.spans[-1][1] <= at:
                continue
            if day.spans[0][0] >= at and day.total < remaining:
                remaining -= day.total
                continue
            for s, e in day.spans:
                if e <= at:
                    continue
                s = max(s, at)
                if remaining <= e - s:
                    return s + remaining
                remaining -= e - s
        raise AssertionError("unreachable")  # pragma: no cover

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Open time elapsed from ``a`` to ``b``; zero when ``b`` is not after ``a``."""
        a, b = _utc(a), _utc(b)
        if b <= a:
            return ZERO
        first, last = self._local_date(a), self._local_date(b)
        total = ZERO
        day = first
        while day <= last:
            info = self._day(day)
            if info.total:
                if day in (first, last):
                    for s, e in info.spans:
                        lo, hi = max(s, a), min(e, b)
                        if hi > lo:
                            total += hi - lo
                else:
                    total += info.total
            day += ONE_DAY
        return total

    def is_open(self, at: datetime) -> bool:
        at = _utc(at)
        return any(s <= at < e for s, e in self._day(self._local_date(at)).spans)

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the start of the next opening (UTC)."""
        at = _utc(at)
        for _, day in self._days_from(at):
            for s, e in day.spans:
                if e > at:
                    return max(s, at)
        raise AssertionError("unreachable")  # pragma: no cover
