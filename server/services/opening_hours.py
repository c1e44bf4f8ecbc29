"""A community's opening hours: the union of its desk posts' hours, for the SLA clock."""

from __future__ import annotations

from datetime import time

from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.hours import DEFAULT_HOURS, Interval, OpeningHours
from server.models.rota import Post, PostKind


async def community_opening_hours(
    community_id: int, using_db: BaseDBAsyncClient | None = None
) -> OpeningHours:
    """Desks only: field visits and on-call duty do not make the office open. A community
    that has not set up its posts keeps the default staggered timetable."""
    posts = await Post.filter(community_id=community_id, active=True, kind=PostKind.desk).using_db(
        using_db
    )
    by_day: dict[int, list[Interval]] = {d: [] for d in range(7)}
    for post in posts:
        for h in post.hours:
            if h.get("min_staff", 1) > 0:
                by_day[h["weekday"]].append(
                    (time.fromisoformat(h["start"]), time.fromisoformat(h["end"]))
                )
    if not posts or not any(by_day.values()):
        return DEFAULT_HOURS
    return OpeningHours.from_mapping(by_day)
