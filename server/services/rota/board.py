"""Who is at which post at a moment: the on-duty board for secretaries and the terminal."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from schemas.rota_plan import OnDuty, OnDutyPost, OnDutyStaff
from server.auth.principal import Principal
from server.auth.scope import community_in_scope
from server.domain.errors import Invalid
from server.models.people import Staff
from server.models.rota import Assignment, Post, RotaStatus
from server.services.rota.duty import db_instant, on_duty


async def on_duty_board(
    p: Principal, community_id: int, at: datetime | None, post_id: int | None = None
) -> OnDuty:
    community = await community_in_scope(p, community_id)
    at = at or datetime.now(UTC)
    if at.tzinfo is None:
        # A desk asks about its own wall clock ("who is on at 9:30 on Monday").
        at = at.replace(tzinfo=ZoneInfo(community.time_zone))
    source, ids = await on_duty(community_id, at)
    posts = await Post.filter(community_id=community_id).order_by("sort_order", "id")
    if post_id is not None:
        posts = [q for q in posts if q.id == post_id]
        if not posts:
            raise Invalid("no such post in this community", code="unknown_post")
    rows = (
        await Assignment.filter(
            rota__community_id=community_id,
            rota__status=RotaStatus.published,
            starts_at__lte=db_instant(at),
            ends_at__gt=db_instant(at),
            post_id__in=[q.id for q in posts],
        )
        .prefetch_related("shift")
        .order_by("post_id", "id")
    )
    names = {s.id: s.display_name for s in await Staff.filter(id__in={a.staff_id for a in rows})}
    by_post: dict[int, list[OnDutyStaff]] = defaultdict(list)
    for a in rows:
        by_post[a.post_id].append(
            OnDutyStaff(
                staff_id=a.staff_id,
                name=names.get(a.staff_id, "?"),
                shift=a.shift.name,
                until=a.ends_at,
                trainee=a.trainee,
            )
        )
    return OnDuty(
        community_id=community_id,
        at=at,
        source=source,  # type: ignore[arg-type]
        worker_ids=ids,
        posts=[
            OnDutyPost(
                post_id=q.id, code=q.code, name=q.name, kind=q.kind.value, staff=by_post[q.id]
            )
            for q in posts
            if q.active or by_post[q.id]
        ],
    )
