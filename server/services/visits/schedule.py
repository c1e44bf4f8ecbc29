"""Each household's visit schedule: its groups, cadence and next due date, recomputed in
the same transaction as every visit, member or group change, and the visit policy."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Max

from server.domain.visits import (
    AGED_GROUP,
    BUILTIN_GROUPS,
    DEFAULT_CADENCE_DAYS,
    DEFAULT_CADENCES,
    Outcome,
    Policy,
    effective_groups,
    next_due,
)
from server.models.geo import Community, Household
from server.models.visits import (
    CustomGroup,
    HouseholdGroup,
    Member,
    Visit,
    VisitPolicy,
    VisitSchedule,
)

_ZONES: dict[int, ZoneInfo] = {}


async def community_zone(community_id: int, using_db: BaseDBAsyncClient | None = None) -> ZoneInfo:
    zone = _ZONES.get(community_id)
    if zone is None:
        name = (
            await Community.filter(id=community_id)
            .using_db(using_db)
            .values_list("time_zone", flat=True)
        )
        zone = ZoneInfo(str(name[0]) if name else "Asia/Shanghai")
        _ZONES[community_id] = zone
    return zone


async def local_today(community_id: int, using_db: BaseDBAsyncClient | None = None) -> date:
    return datetime.now(await community_zone(community_id, using_db)).date()


async def load_policy(community_id: int, using_db: BaseDBAsyncClient | None = None) -> Policy:
    row = await VisitPolicy.filter(community_id=community_id).using_db(using_db).first()
    if row is None:
        return Policy(dict(DEFAULT_CADENCES), DEFAULT_CADENCE_DAYS)
    return Policy({str(k): int(v) for k, v in dict(row.cadences).items()}, row.default_days)


async def known_groups(
    community_id: int, using_db: BaseDBAsyncClient | None = None
) -> dict[str, tuple[str, bool]]:
    """code -> (name, builtin) for every group the community can use."""
    groups = {code: (name, True) for code, name in BUILTIN_GROUPS.items()}
    for g in await CustomGroup.filter(community_id=community_id).using_db(using_db):
        groups[g.code] = (g.name, False)
    return groups


async def refresh_schedule(
    household: Household,
    conn: BaseDBAsyncClient,
    *,
    policy: Policy | None = None,
) -> VisitSchedule:
    """Recompute one household's schedule from its groups, members and visits."""
    cid = household.community_id
    zone = await community_zone(cid, conn)
    today = datetime.now(zone).date()
    policy = policy or await load_policy(cid, conn)
    rows = await HouseholdGroup.filter(household_id=household.id).using_db(conn)
    manual = {r.code for r in rows if not r.derived}
    years = (
        await Member.filter(household_id=household.id)
        .using_db(conn)
        .values_list("birth_year", flat=True)
    )
    groups = effective_groups(manual, list(years), today)  # type: ignore[arg-type]
    aged_now = AGED_GROUP in groups and AGED_GROUP not in manual
    aged_row = next((r for r in rows if r.code == AGED_GROUP and r.derived), None)
    if aged_now and aged_row is None:
        await HouseholdGroup.create(
            household_id=household.id,
            community_id=cid,
            code=AGED_GROUP,
            derived=True,
            using_db=conn,
        )
    elif not aged_now and aged_row is not None:
        await aged_row.delete(using_db=conn)

    visits = Visit.filter(household_id=household.id).using_db(conn)
    last_met = (
        await visits.filter(outcome=Outcome.met)
        .annotate(m=Max("started_at"))
        .values_list("m", flat=True)
    )[0]
    last = await visits.order_by("-started_at").only("started_at", "outcome").first()
    moved = last is not None and last.outcome == Outcome.moved_away
    cadence = policy.cadence_for(groups)
    registered = household.created_at.astimezone(zone).date() if household.created_at else today
    met_day = last_met.astimezone(zone).date() if last_met else None  # type: ignore[union-attr,attr-defined]
    values = {
        "community_id": cid,
        "groups": groups,
        "cadence_days": cadence,
        "registered_on": registered,
        "last_met_at": last_met,
        "last_attempt_at": last.started_at if last else None,
        "next_due": next_due(met_day, registered, cadence),
        "moved_away": moved,
    }
    sched = await VisitSchedule.filter(household_id=household.id).using_db(conn).first()
    if sched is None:
        return await VisitSchedule.create(household_id=household.id, using_db=conn, **values)
    sched.update_from_dict(values)
    await sched.save(using_db=conn)
    return sched


async def recompute_community(community_id: int, conn: BaseDBAsyncClient) -> int:
    """Recompute every schedule of a community (after a policy change, or yearly so 高龄
    follows birthdays). Returns how many households it touched."""
    policy = await load_policy(community_id, conn)
    n = 0
    async for household in Household.filter(community_id=community_id).using_db(conn):
        await refresh_schedule(household, conn, policy=policy)
        n += 1
    return n


async def reapply_policy(community_id: int, conn: BaseDBAsyncClient) -> int:
    """Only the cadences changed: recompute cadence and next due from the stored groups and
    last visit, in bulk."""
    policy = await load_policy(community_id, conn)
    zone = await community_zone(community_id, conn)
    changed = []
    # In id order, so the bulk update below locks rows in the order every writer uses.
    async for s in (
        VisitSchedule.filter(community_id=community_id).order_by("household_id").using_db(conn)
    ):
        cadence = policy.cadence_for(list(s.groups))
        met_day = s.last_met_at.astimezone(zone).date() if s.last_met_at else None
        due = next_due(met_day, s.registered_on, cadence)
        if cadence != s.cadence_days or due != s.next_due:
            s.cadence_days, s.next_due = cadence, due
            changed.append(s)
    if changed:
        await VisitSchedule.bulk_update(
            changed, fields=["cadence_days", "next_due"], batch_size=500, using_db=conn
        )
    return len(changed)
