"""A community's opening hours: the union of its desk posts' hours, for the SLA clock."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.hours import DEFAULT_HOURS, Interval, OpeningHours
from server.models.rota import Post, PostKind

log = logging.getLogger(__name__)


def stored_opening(h: Mapping[str, Any]) -> tuple[int, time, time] | None:
    """One stored opening as (weekday, start, end), or None when the row cannot be an
    opening (written before times were checked: reversed, with an offset, unreadable).
    Such a row is logged and left out, so one bad post cannot stop a community's SLA
    clock and with it every report create there."""
    try:
        weekday, start, end = (
            int(h["weekday"]),
            time.fromisoformat(h["start"]),
            time.fromisoformat(h["end"]),
        )
        if 0 <= weekday <= 6 and start.tzinfo is None and end.tzinfo is None and start < end:
            return weekday, start, end
    except (KeyError, TypeError, ValueError):
        pass
    log.warning("ignoring a stored opening that is not a valid interval: %r", dict(h))
    return None


def post_opening_hours(hours: Iterable[Mapping[str, Any]]) -> OpeningHours:
    """A post's stored openings ({weekday, start, end, min_staff}) as OpeningHours; an
    opening that needs nobody does not count as open."""
    by_day: dict[int, list[Interval]] = {d: [] for d in range(7)}
    for h in hours:
        opening = stored_opening(h)
        if opening is not None and h.get("min_staff", 1) > 0:
            weekday, start, end = opening
            by_day[weekday].append((start, end))
    return OpeningHours.from_mapping(by_day)


async def community_opening_hours(
    community_id: int, using_db: BaseDBAsyncClient | None = None
) -> OpeningHours:
    """Desks only: field visits and on-call duty do not make the office open. A community
    that has not set up its desk hours keeps the default staggered timetable."""
    posts = await Post.filter(community_id=community_id, active=True, kind=PostKind.desk).using_db(
        using_db
    )
    hours = OpeningHours.union(post_opening_hours(p.hours) for p in posts)
    return DEFAULT_HOURS if hours.is_empty() else hours
