"""SLA deadlines counted in working time: a community's opening hours on the business
calendar (public holidays and make-up working days), paused while waiting on the resident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

from tortoise import timezone

from server.domain.hours import DEFAULT_HOURS, OpeningHours


class Clock(Protocol):
    def add(self, start: datetime, work: timedelta) -> datetime: ...
    def between(self, a: datetime, b: datetime) -> timedelta: ...
    def is_open(self, at: datetime) -> bool: ...
    def next_open(self, at: datetime) -> datetime: ...


def current_time() -> datetime:
    """Now, in the database's configured zone: SQLite compares stored times as text, so
    every time we write or compare must carry the same offset."""
    return timezone.localtime()


def community_hours(community_id: int) -> OpeningHours:
    """The hours a community's desks are open. One seam: the rota's posts will feed it."""
    return DEFAULT_HOURS


class _ContinuousClock:
    """Stand-in until the business calendar is available: every minute counts."""

    def add(self, start: datetime, work: timedelta) -> datetime:
        return start + work

    def between(self, a: datetime, b: datetime) -> timedelta:
        return max(timedelta(0), b - a)

    def is_open(self, at: datetime) -> bool:
        return True

    def next_open(self, at: datetime) -> datetime:
        return at


@lru_cache(maxsize=1)
def _holidays() -> object | None:
    try:
        from server.domain.calendar import HolidayCalendar  # type: ignore[import-not-found]
    except ImportError:
        return None
    return HolidayCalendar.load()


@lru_cache(maxsize=1024)
def _clock_for_hours(hours: OpeningHours, tz: str) -> Clock:
    holidays = _holidays()
    if holidays is None:
        return _ContinuousClock()
    from server.domain.calendar import BusinessClock

    clock: Clock = BusinessClock(hours, holidays, tz)
    return clock


def clock_for(community_id: int, tz: str = "Asia/Shanghai") -> Clock:
    return _clock_for_hours(community_hours(community_id), tz)


@dataclass(frozen=True, slots=True)
class Deadlines:
    accept: datetime
    respond: datetime
    resolve: datetime


def plan(clock: Clock, start: datetime, budgets: tuple[int, int, int]) -> Deadlines:
    a, r, z = (timedelta(minutes=m) for m in budgets)
    return Deadlines(clock.add(start, a), clock.add(start, r), clock.add(start, z))


def shift_after_pause(
    clock: Clock, due: datetime | None, paused_at: datetime, now: datetime
) -> datetime | None:
    """A deadline after a pause keeps the working time that was left when it began."""
    if due is None:
        return None
    left = clock.between(paused_at, due) if due > paused_at else timedelta(0)
    return clock.add(now, left)
