"""The demo households' people and visit histories: every worker's grid has households
overdue today, some due today or this week, and most visited recently enough."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schemas.visits import VisitSyncItem
from server.demo.street import DemoCommunity
from server.domain.visits import AGED_GROUP, Outcome, content_hash, effective_groups, next_due
from server.models.geo import Building, Household
from server.models.visits import HouseholdGroup, Member, Visit, VisitRevision, VisitSchedule
from server.services.visits.log import _content as visit_content
from server.services.visits.schedule import load_policy

SURNAMES = "陈王李张刘杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "国强", "玉珍", "志明", "美华", "德福", "丽萍", "文斌"]
REGISTERED_DAYS_AGO = 730
# Per position in the grid (j % 10): the household's priority group and how old its
# head is (None: no group, an adult of working age).
PROFILES: dict[int, tuple[str | None, int]] = {
    0: ("living_alone", 86),
    3: ("disabled", 58),
    5: ("low_income", 47),
    8: (None, 84),  # 高龄 comes from the birth year
}
# Days since the last visit that met someone, per (j % 10, j // 10): chosen against each
# group's cadence (7, 30, 30, 14 days; 365 without a group) so that each grid has
# households overdue, due today and due later this week.
LAST_MET: dict[tuple[int, int], int] = {
    (0, 0): 10, (0, 1): 7, (0, 2): 2,
    (3, 0): 33, (3, 1): 28, (3, 2): 12,
    (5, 0): 45, (5, 1): 20, (5, 2): 30,
    (8, 0): 14, (8, 1): 20, (8, 2): 5,
    (7, 0): 371, (7, 1): 120, (7, 2): 200,
}  # fmt: skip
NOTES = [
    "上门走访，身体状况良好，家中整洁。",
    "电话联系，近况平稳，子女每周探望。",
    "上门走访，提醒冬季用电安全。",
    "上门走访，反映楼道灯不亮，已记录。",
]


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 0), zone).astimezone(UTC)


def _visit(
    h: Household, worker_id: int, day: date, zone: ZoneInfo, outcome: str, n: int
) -> tuple[Visit, VisitRevision]:
    item = VisitSyncItem(
        id=uuid.UUID(int=(h.id << 16) + n),
        household_id=h.id,
        started_at=_at(day, 9 + n % 8, zone),
        ended_at=_at(day, 9 + n % 8, zone) + timedelta(minutes=20),
        channel="phone" if n % 3 == 1 else "door",
        outcome=outcome,
        notes=NOTES[n % len(NOTES)] if outcome == "met" else "敲门无人应答，改日再访。",
    )
    content = visit_content(item)
    visit = Visit(
        id=item.id,
        household_id=h.id,
        community_id=h.community_id,
        worker_id=worker_id,
        started_at=item.started_at,
        ended_at=item.ended_at,
        channel=item.channel,
        outcome=item.outcome,
        notes=item.notes,
        needs=[],
        photos=[],
        version=1,
    )
    revision = VisitRevision(
        visit_id=item.id,
        version=1,
        content_hash=content_hash(content),
        content=content,
        by_id=worker_id,
    )
    return visit, revision


async def seed_visits(c: DemoCommunity, today: date, zone: ZoneInfo) -> None:
    """Members, groups and visits of one community's households, and their schedules
    worked out as ``refresh_schedule`` does, written in bulk. Inside the caller's
    transaction."""
    policy = await load_policy(c.community.id)
    registered = datetime.combine(today - timedelta(days=REGISTERED_DAYS_AGO), time(9), zone)
    await Household.filter(community_id=c.community.id).update(created_at=registered)
    worker_of = {g.id: g.worker_id for g in c.grids}
    grid_of = {b.id: b.grid_id or 0 for b in await _buildings(c)}
    members: list[Member] = []
    groups: list[HouseholdGroup] = []
    visits: list[Visit] = []
    revisions: list[VisitRevision] = []
    schedules: list[VisitSchedule] = []
    position: dict[int, int] = {}
    for i, h in enumerate(c.households):
        grid_id = grid_of[h.building_id]
        j = position[grid_id] = position.get(grid_id, -1) + 1
        worker_id = worker_of[grid_id]
        assert worker_id is not None
        group, age = PROFILES.get(j % 10, (None, 30 + (i * 7) % 40))
        members.append(
            Member(
                household_id=h.id,
                name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 3) % len(GIVEN)],
                birth_year=today.year - age,
                phone=f"139{(c.community.id * 10_000_000 + i * 7919) % 100_000_000:08d}",
                relation="户主",
            )
        )
        if group is not None:
            groups.append(
                HouseholdGroup(household_id=h.id, community_id=h.community_id, code=group)
            )
        effective = effective_groups({group} if group else set(), [today.year - age], today)
        if AGED_GROUP in effective and group != AGED_GROUP:
            groups.append(
                HouseholdGroup(
                    household_id=h.id, community_id=h.community_id, code=AGED_GROUP, derived=True
                )
            )
        days = LAST_MET.get((j % 10, j // 10), 20 + (j * 37) % 300)
        met = today - timedelta(days=days)
        mine = [
            _visit(h, worker_id, day, zone, outcome, n)
            for n, (day, outcome) in enumerate(
                [(met - timedelta(days=max(days, 30)), "met"), (met, "met")]
                + ([(today - timedelta(days=1), "not_home")] if (j % 10, j // 10) == (5, 0) else [])
            )
        ]
        visits += [v for v, _ in mine]
        revisions += [r for _, r in mine]
        cadence = policy.cadence_for(effective)
        schedules.append(
            VisitSchedule(
                household_id=h.id,
                community_id=h.community_id,
                groups=effective,
                cadence_days=cadence,
                registered_on=registered.date(),
                last_met_at=max(v.started_at for v, _ in mine if v.outcome == Outcome.met),
                last_attempt_at=max(v.started_at for v, _ in mine),
                next_due=next_due(met, registered.date(), cadence),
                moved_away=False,
            )
        )
    await Member.bulk_create(members, batch_size=500)
    await HouseholdGroup.bulk_create(groups, batch_size=500)
    await Visit.bulk_create(visits, batch_size=500)
    await VisitRevision.bulk_create(revisions, batch_size=500)
    await VisitSchedule.bulk_create(schedules, batch_size=500)


async def _buildings(c: DemoCommunity) -> list[Building]:
    return await Building.filter(estate__community_id=c.community.id)
