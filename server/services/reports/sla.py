"""SLA deadlines counted in working time: a community's opening hours on the business
calendar (public holidays and make-up working days), paused while waiting on the resident."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from time import monotonic
from typing import Protocol

from tortoise import timezone
from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.calendar import BusinessClock, CalendarNotCovered, HolidayCalendar
from server.domain.hours import OpeningHours

log = logging.getLogger("linli.reports.sla")

# 回访: the owner calls the resident back within one working day (8 working hours) of
# resolving; the queue and the header count down to it from then on.
FOLLOW_UP = timedelta(hours=8)


class Clock(Protocol):
    def add(self, start: datetime, work: timedelta) -> datetime: ...
    def between(self, a: datetime, b: datetime) -> timedelta: ...
    def is_open(self, at: datetime) -> bool: ...
    def next_open(self, at: datetime) -> datetime: ...


def current_time() -> datetime:
    """Now, in the database's configured zone: SQLite compares stored times as text, so
    every time we write or compare must carry the same offset."""
    return timezone.localtime()


def in_db_zone(at: datetime | None) -> datetime:
    """``at`` (or now) in the database's zone; callers may pass any aware time."""
    return current_time() if at is None else timezone.localtime(at)


# How long a worker trusts its copy of a community's hours. Posts change rarely; the
# worker that changes one forgets its copy at once, the others within this many seconds.
HOURS_TTL = 60.0
_hours: dict[int, tuple[float, OpeningHours]] = {}


def forget_hours(community_id: int | None = None) -> None:
    if community_id is None:
        _hours.clear()
    else:
        _hours.pop(community_id, None)


async def community_hours(
    community_id: int, using_db: BaseDBAsyncClient | None = None
) -> OpeningHours:
    """The hours a community's desks are open: the union of its desk posts' hours from
    the rota (staggered openings included), or the default timetable before it has any."""
    from server.services.opening_hours import community_opening_hours

    now = monotonic()
    hit = _hours.get(community_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    # Inside a transaction read on its connection: SQLite has only the one.
    hours = await community_opening_hours(community_id, using_db)
    _hours[community_id] = (now + HOURS_TTL, hours)
    return hours


@cache
def _provisional_holidays() -> HolidayCalendar:
    """The known holidays, with years that have no official notice yet counted as plain
    weeks. Used only when a deadline runs into such a year (see SlaClock)."""
    known = HolidayCalendar.load()
    return HolidayCalendar(known.holidays, known.makeup_workdays, frozenset(range(2000, 2100)))


class SlaClock:
    """The business clock, answering in the database's zone.

    A resident's report must never be refused because next year's holiday notice is not
    out yet: a deadline that runs into an uncovered year is counted on plain weeks for
    that year, and logged, rather than failing the request.
    """

    def __init__(self, hours: OpeningHours, tz: str) -> None:
        self.exact = BusinessClock(hours, HolidayCalendar.load(), tz)
        self.hours, self.tz = hours, tz
        self._fallback: BusinessClock | None = None

    def _provisional(self, what: str, exc: CalendarNotCovered) -> BusinessClock:
        log.warning("%s runs past the holiday calendar (%s); counting plain weeks", what, exc)
        if self._fallback is None:
            self._fallback = BusinessClock(self.hours, _provisional_holidays(), self.tz)
        return self._fallback

    def add(self, start: datetime, work: timedelta) -> datetime:
        try:
            due = self.exact.add(start, work)
        except CalendarNotCovered as exc:
            due = self._provisional("a deadline", exc).add(start, work)
        return timezone.localtime(due)

    def between(self, a: datetime, b: datetime) -> timedelta:
        try:
            return self.exact.between(a, b)
        except CalendarNotCovered as exc:
            return self._provisional("an elapsed time", exc).between(a, b)

    def is_open(self, at: datetime) -> bool:
        try:
            return self.exact.is_open(at)
        except CalendarNotCovered as exc:
            return self._provisional("an opening check", exc).is_open(at)

    def next_open(self, at: datetime) -> datetime:
        try:
            return timezone.localtime(self.exact.next_open(at))
        except CalendarNotCovered as exc:
            return timezone.localtime(self._provisional("next opening", exc).next_open(at))


@lru_cache(maxsize=1024)
def _clock_for_hours(hours: OpeningHours, tz: str) -> SlaClock:
    return SlaClock(hours, tz)


async def clock_for(
    community_id: int, tz: str = "Asia/Shanghai", *, using_db: BaseDBAsyncClient | None = None
) -> Clock:
    return _clock_for_hours(await community_hours(community_id, using_db), tz)


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
