"""A community's visit policy (cadence per priority group) and its custom groups."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from schemas.registry import CustomGroupIn, GroupOut
from schemas.visits import VisitPolicyIn, VisitPolicyOut
from server.auth.principal import Principal
from server.auth.scope import community_in_scope
from server.domain.errors import Conflict
from server.models.visits import CustomGroup, VisitPolicy
from server.services.audit import audit
from server.services.visits.registry import check_groups
from server.services.visits.schedule import (
    known_groups,
    load_policy,
    reapply_policy,
    recompute_community,
)


async def get_policy(p: Principal, community_id: int | None) -> VisitPolicyOut:
    c = await community_in_scope(p, community_id)
    policy = await load_policy(c.id)
    groups = await known_groups(c.id)
    return VisitPolicyOut(
        community_id=c.id,
        cadences=policy.cadences,
        default_days=policy.default_days,
        groups=[GroupOut(code=k, name=n, builtin=b) for k, (n, b) in sorted(groups.items())],
    )


async def set_policy(p: Principal, community_id: int | None, data: VisitPolicyIn) -> VisitPolicyOut:
    """Save the cadences and move every household's next due date to match."""
    c = await community_in_scope(p, community_id)
    await check_groups(c.id, list(data.cadences))
    async with in_transaction() as conn:
        # Saves of one community queue on its policy row. A first save has no row to
        # lock yet, so the row is made first if missing (a concurrent first save waits
        # for it rather than colliding on the unique key), then locked.
        await VisitPolicy.bulk_create(
            [VisitPolicy(community_id=c.id)], ignore_conflicts=True, using_db=conn
        )
        row = await VisitPolicy.filter(community_id=c.id).using_db(conn).select_for_update().get()
        row.cadences, row.default_days = data.cadences, data.default_days
        await row.save(using_db=conn)
        moved = await reapply_policy(c.id, conn)
        await audit(
            p,
            "visit_policy.update",
            "community",
            c.id,
            {"cadences": data.cadences, "default_days": data.default_days, "households": moved},
            using_db=conn,
        )
    return await get_policy(p, c.id)


async def recompute(p: Principal, community_id: int | None) -> int:
    """Recompute every schedule in full (groups derived from birth years included)."""
    c = await community_in_scope(p, community_id)
    async with in_transaction() as conn:
        n = await recompute_community(c.id, conn)
        await audit(
            p, "visit_schedule.recompute", "community", c.id, {"households": n}, using_db=conn
        )
    return n


async def add_group(p: Principal, community_id: int | None, data: CustomGroupIn) -> GroupOut:
    c = await community_in_scope(p, community_id)
    if data.code in await known_groups(c.id):
        raise Conflict("a group with this code exists", code="duplicate_group")
    async with in_transaction() as conn:
        g = await CustomGroup.create(
            community_id=c.id, code=data.code, name=data.name, using_db=conn
        )
        await audit(p, "priority_group.create", "community", c.id, {"code": g.code}, using_db=conn)
    return GroupOut(code=g.code, name=g.name, builtin=False)
