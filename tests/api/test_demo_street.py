"""The demo street a fresh ``make run`` serves: a published rota for this week and next,
every worker with households overdue and due today, reports at every stage with every
running deadline still ahead. Dates follow the real clock (the suite also runs shifted
45 days and in a holiday week)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sanic import Sanic
from tortoise.transactions import in_transaction

from server.domain.lifecycle import OPEN, Status
from server.models.people import Role, Staff
from server.models.reports import DispatchLeg, LegStatus, Report, ReportFollower
from server.models.rota import Certification, Post, Rota, RotaStatus
from server.models.visits import HouseholdGroup, Visit, VisitSchedule
from server.seed import seed_demo
from server.services.reports.sla import current_time
from server.services.visits.schedule import recompute_community
from tests.support.factories import auth

pytestmark = pytest.mark.usefixtures("db")
ZONE = ZoneInfo("Asia/Shanghai")
EVERY_STAGE = {
    Status.submitted,
    Status.accepted,
    Status.in_progress,
    Status.dispatched,
    Status.waiting,
    Status.resolved,
    Status.closed,
    Status.merged,
    Status.reopened,
}


@pytest.fixture
async def seeded(app: Sanic) -> list[str]:
    logins = await seed_demo()
    return [x.username for x in logins]


async def test_each_community_has_reports_at_every_stage_with_deadlines_ahead(
    seeded: list[str],
) -> None:
    now = current_time()
    for community_id in {r.community_id for r in await Report.all()}:
        reports = await Report.filter(community_id=community_id)
        assert {r.status for r in reports} >= EVERY_STAGE
        for r in reports:
            if r.status in OPEN and r.paused_at is None:
                assert r.due_at > now, (r.id, r.status, r.due_at)
            if r.status == Status.submitted:
                assert r.accept_due is not None and r.accept_due > now
        [closed] = [r for r in reports if r.status == Status.closed]
        assert closed.rating == 5
        [merged] = [r for r in reports if r.status == Status.merged]
        assert merged.merged_into_id is not None
        survivor_followers = await ReportFollower.filter(report_id=merged.merged_into_id)
        assert merged.resident_id in {f.resident_id for f in survivor_followers}
        [reopened] = [r for r in reports if r.status == Status.reopened]
        assert reopened.reopen_count == 1
        legs = await DispatchLeg.filter(report__community_id=community_id)
        assert {leg.status for leg in legs} == {LegStatus.pending, LegStatus.reported}
        assert all(leg.due_at > now for leg in legs if leg.status == LegStatus.pending)
        assert [leg.result for leg in legs if leg.status == LegStatus.reported] != [None]


async def test_every_worker_has_households_overdue_and_due_today(
    app: Sanic, client: httpx.AsyncClient, seeded: list[str]
) -> None:
    workers = await Staff.filter(role=Role.worker)
    assert len(workers) == 12
    for w in workers:
        r = await client.get("/api/v1/visits/due?within_days=0", headers=auth(app, w))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["overdue"] >= 2, (w.username, body["overdue"])
        assert body["due"] >= 1, (w.username, body["due"])
        assert await Visit.filter(worker_id=w.id).count() > 20


async def test_a_published_rota_covers_this_week_and_next_and_answers_on_duty(
    app: Sanic, client: httpx.AsyncClient, seeded: list[str]
) -> None:
    today = datetime.now(ZONE).date()
    monday = today - timedelta(days=today.weekday())
    secretary = await Staff.get(username="sec_hf")
    rotas = await Rota.filter(community_id=secretary.community_id, status=RotaStatus.published)
    assert [(r.start_date, r.end_date) for r in rotas] == [(monday, monday + timedelta(days=13))]
    posts = await Post.filter(community_id=secretary.community_id)
    assert {p.code for p in posts} >= {"intake", "elderly"}
    # 错时: intake opens later on weekdays and at weekends than the elderly desk.
    intake = next(p for p in posts if p.code == "intake")
    assert {h["weekday"] for h in intake.hours} == set(range(7))
    # Some workers are not yet certified at every post.
    certified = {(c.staff_id, c.post_id) for c in await Certification.all()}
    workers = await Staff.filter(community_id=secretary.community_id, role=Role.worker)
    assert any((w.id, p.id) not in certified for w in workers for p in posts)
    for day in (today, today + timedelta(days=7)):
        at = datetime.combine(day, datetime.min.time(), ZONE).replace(hour=10).isoformat()
        r = await client.get(
            f"/api/v1/rota/communities/{secretary.community_id}/on-duty",
            params={"at": at},
            headers=auth(app, secretary),
        )
        assert r.status_code == 200, r.text
        assert r.json()["source"] == "rota"
        assert r.json()["worker_ids"]


async def test_seeding_twice_writes_nothing_the_second_time(seeded: list[str]) -> None:
    assert "hf1" in seeded and "sec_hf" in seeded

    async def counts() -> tuple[int, ...]:
        return (await Report.all().count(), await Visit.all().count(), await Staff.all().count())

    before = await counts()
    assert await seed_demo() == []
    assert await counts() == before


async def test_seeded_schedules_are_what_a_recompute_makes(seeded: list[str]) -> None:
    def rows(found: list[VisitSchedule]) -> list[tuple[object, ...]]:
        return sorted(
            (s.household_id, tuple(s.groups), s.cadence_days, s.next_due, s.last_met_at)
            for s in found
        )

    community_id = (await Staff.get(username="sec_fy")).community_id
    assert community_id is not None
    before = rows(await VisitSchedule.filter(community_id=community_id))
    derived = await HouseholdGroup.filter(community_id=community_id, derived=True).count()
    async with in_transaction() as conn:
        assert await recompute_community(community_id, conn) == len(before)
    assert rows(await VisitSchedule.filter(community_id=community_id)) == before
    assert await HouseholdGroup.filter(community_id=community_id, derived=True).count() == derived


async def test_the_due_list_in_walking_order_or_overdue_first(
    app: Sanic, client: httpx.AsyncClient, seeded: list[str]
) -> None:
    worker = await Staff.get(username="hf1")
    url = "/api/v1/visits/due"
    walk = (await client.get(url, headers=auth(app, worker))).json()["items"]
    r = await client.get(url, params={"order": "overdue"}, headers=auth(app, worker))
    assert r.status_code == 200, r.text
    first = r.json()["items"]
    assert sorted(i["household_id"] for i in first) == sorted(i["household_id"] for i in walk)
    assert [i["next_due"] for i in first] == sorted(i["next_due"] for i in first)
    assert first[0]["days_overdue"] == max(i["days_overdue"] for i in walk) > 0
    assert [i["household_id"] for i in first] != [i["household_id"] for i in walk]
    # Within one due date, still walking order.
    pos = {i["household_id"]: n for n, i in enumerate(walk)}
    for a, b in zip(first, first[1:], strict=False):
        if a["next_due"] == b["next_due"]:
            assert pos[a["household_id"]] < pos[b["household_id"]]
    bad = await client.get(url, params={"order": "random"}, headers=auth(app, worker))
    assert bad.status_code == 422
