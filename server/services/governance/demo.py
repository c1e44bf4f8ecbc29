"""Demo data for self-governance: 怒江苑 8号楼, twelve flats with their floor areas and
nine verified residents, and the lift project they run: three steps stamped, the
planning approval next, a meeting held and one called, and the consent vote open with
seven ballots in (one of them changed). Dates are counted from today."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from tortoise import connections

from server.demo.street import DemoStreet
from server.domain.governance.steps import TEMPLATES, ProjectKind
from server.domain.governance.thresholds import Choice, DecisionKind
from server.models.geo import Building, Estate, Household
from server.models.governance import (
    Project,
    ProjectHousehold,
    ProjectMember,
    ProjectStaff,
    ProjectStatus,
    Step,
)
from server.models.governance_votes import (
    ActionItem,
    Ballot,
    BallotRecord,
    Elector,
    Meeting,
    MeetingKind,
    Vote,
)
from server.models.people import Resident, ResidentHousehold
from server.models.visits import HouseholdArea
from server.services.visits.schedule import community_zone, load_policy, refresh_schedule

# Two flats a floor on six floors: 101, 102 … 602, with their certificate areas (m²).
AREAS = ["56.32", "71.08", "56.32", "71.08", "56.32", "71.08", "56.32", "71.08", "55.90",
         "70.64", "55.90", "70.64"]  # fmt: skip
# Who lives where (index into AREAS); 1号 is the coordinator, a retired engineer.
RESIDENTS = [(0, "陈建国"), (1, "王秀英"), (2, "李桂兰"), (3, "张国强"), (5, "刘玉珍"),
             (6, "杨志明"), (8, "黄美华"), (9, "赵德福"), (11, "吴丽萍")]  # fmt: skip
# Days after the start each stamped step was done, and the office that stamped it.
DONE = {"consent": (25, "怒江苑居委会"), "agreement": (50, "怒江苑居委会"),
        "design": (80, "上海某建筑设计院")}  # fmt: skip
STARTED_DAYS_AGO = 120
# (resident index into RESIDENTS, choice); the last voter changed their mind once.
BALLOTS = [(0, Choice.agree), (1, Choice.agree), (2, Choice.agree), (3, Choice.agree),
           (5, Choice.agree), (6, Choice.disagree), (7, Choice.agree)]  # fmt: skip


async def seed_governance(street: DemoStreet) -> None:
    """Runs inside the demo street's transaction, after the street is built."""
    c = street.communities[0]
    zone = await community_zone(c.community.id)
    today = datetime.now(UTC).astimezone(zone).date()
    estate = await Estate.create(community=c.community, name="怒江苑", address="怒江路8号")
    building = await Building.create(estate=estate, grid=c.grids[0], name="8号楼", floors=6)
    homes = await _households(c.community.id, building, today)
    residents = await _residents(homes, c.secretary.id)
    started = today - timedelta(days=STARTED_DAYS_AGO)
    project = await Project.create(
        community_id=c.community.id,
        building=building,
        kind=ProjectKind.lift,
        title="怒江苑8号楼加装电梯",
        description="老公房六层无电梯，居民自发成立加装电梯小组，居委会协助对接各部门。",
        status=ProjectStatus.active,
        coordinator=residents[0],
        opened_by_type="resident",
        opened_by_id=residents[0].id,
        approved_by=c.secretary,
        started_on=started,
    )
    await ProjectHousehold.bulk_create(
        [ProjectHousehold(project_id=project.id, household_id=h.id) for h in homes]
    )
    for r in residents[:3]:
        await ProjectMember.create(project_id=project.id, resident_id=r.id)
    await ProjectStaff.create(project_id=project.id, staff_id=c.workers[0].id)
    await _steps(project, started, residents[0].id)
    await _meetings(project, today, zone, street)
    await _vote(project, homes, residents, c.secretary.id)


async def _households(community_id: int, building: Building, today: date) -> list[Household]:
    homes = []
    for i, area in enumerate(AREAS):
        floor = i // 2 + 1
        h = await Household.create(
            community_id=community_id,
            building=building,
            unit="1",
            floor=floor,
            room=f"{floor}0{i % 2 + 1}",
        )
        await HouseholdArea.create(household=h, area=Decimal(area), source="产证")
        homes.append(h)
    conn = connections.get("default")
    policy = await load_policy(community_id)
    for h in homes:
        await refresh_schedule(h, conn, policy=policy)
    return homes


async def _residents(homes: list[Household], secretary_id: int) -> list[Resident]:
    out = []
    now = datetime.now(UTC)
    for i, name in RESIDENTS:
        r = await Resident.create(openid=f"demo-nujiang8-{homes[i].room}", nickname=name)
        await ResidentHousehold.create(
            resident=r, household=homes[i], verified_by_id=secretary_id, verified_at=now
        )
        out.append(r)
    return out


async def _steps(project: Project, started: date, coordinator_id: int) -> None:
    rows = []
    for pos, t in enumerate(TEMPLATES[ProjectKind.lift], start=1):
        done = DONE.get(t.code)
        rows.append(
            Step(
                project_id=project.id, position=pos, code=t.code, name=t.name, office=t.office,
                stamp=t.stamp, days=t.days,
                done_on=started + timedelta(days=done[0]) if done else None,
                done_office=done[1] if done else "",
                ticked_by_type="resident" if done else "",
                ticked_by_id=coordinator_id if done else None,
                ticked_at=datetime.combine(started + timedelta(days=done[0]), time(10), UTC)
                if done else None,
            )
        )  # fmt: skip
    await Step.bulk_create(rows)


async def _meetings(project: Project, today: date, zone: object, street: DemoStreet) -> None:
    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), zone).astimezone(UTC)  # type: ignore[arg-type]

    held = await Meeting.create(
        project=project, community_id=project.community_id, kind=MeetingKind.council,
        title="加装电梯设计方案议事会", starts_at=at(today - timedelta(days=30), 19),
        place="怒江苑居委会活动室", agenda=["设计方案介绍", "费用分摊方案", "一楼住户意见"],
        minutes="到会10户。设计院介绍平层入户方案；一楼住户担心采光，约定再做日照分析。",
        decisions=["采用平层入户方案", "费用按楼层系数分摊，一楼不出资"],
        called_by_type="staff", called_by_id=street.communities[0].secretary.id,
    )  # fmt: skip
    await ActionItem.create(
        meeting=held, text="请设计院补做日照分析", owner="陈建国", due_on=today + timedelta(days=7)
    )
    await ActionItem.create(
        meeting=held, text="联系房办了解审批材料", owner="王芳", due_on=today - timedelta(days=5),
        done_on=today - timedelta(days=8),
    )  # fmt: skip
    await Meeting.create(
        project=project, community_id=project.community_id, kind=MeetingKind.coordination,
        title="规划审批协调会", starts_at=at(today + timedelta(days=3), 14),
        place="街道社区事务受理中心三楼", agenda=["规划许可材料清单", "房办审核时间"],
        departments=[street.departments["fangban"].id], called_by_type="resident",
        called_by_id=project.coordinator_id or 0,
    )  # fmt: skip


async def _vote(
    project: Project, homes: list[Household], residents: list[Resident], secretary_id: int
) -> None:
    now = datetime.now(UTC)
    vote = await Vote.create(
        project=project, community_id=project.community_id,
        question="是否同意8号楼加装电梯并按楼层系数分摊费用",
        decision_kind=DecisionKind.rebuild_common_parts, opened_by_id=secretary_id,
        closes_at=now + timedelta(days=10),
    )  # fmt: skip
    await Elector.bulk_create(
        [
            Elector(vote_id=vote.id, household_id=h.id, area=Decimal(a))
            for h, a in zip(homes, AREAS, strict=True)
        ]
    )
    for n, (ri, choice) in enumerate(BALLOTS):
        resident = residents[ri]
        household = homes[RESIDENTS[ri][0]]
        cast_at = now - timedelta(hours=48 - n * 5)
        changed = n == len(BALLOTS) - 1
        if changed:  # first disagreed, then agreed after the design meeting
            await BallotRecord.create(
                vote_id=vote.id, household_id=household.id, revision=1, choice=Choice.disagree,
                cast_by_id=resident.id, cast_at=cast_at - timedelta(hours=3),
            )  # fmt: skip
        revision = 2 if changed else 1
        await Ballot.create(
            vote=vote, household=household, choice=choice, cast_by=resident, cast_at=cast_at,
            revision=revision,
        )  # fmt: skip
        await BallotRecord.create(
            vote_id=vote.id, household_id=household.id, revision=revision, choice=choice,
            cast_by_id=resident.id, cast_at=cast_at,
        )  # fmt: skip
