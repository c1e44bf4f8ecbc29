"""Queue pages kept in memory: sent again only while no report or leg in the caller's scope
has been written (by any code: the version is raised by database triggers) and no report in
it has fallen overdue since."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest
from tortoise import connections, timezone

from schemas.reports import QueueQuery, ReportPage
from server.auth.principal import Principal
from server.models.people import Resident
from server.models.reports import Report
from server.services.reports import queries
from tests.api.reports.conftest import Ctx, bind
from tests.support.calls import count_calls
from tests.support.factories import make_resident


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a page was really read from the database."""
    return count_calls(monkeypatch, queries, "_read_page")


async def _page(ctx: Ctx, who: str, qs: str = "") -> dict[str, Any]:
    r = await ctx.client.get(f"/api/v1/triage/queue?{qs}", headers=ctx.h(who))
    assert r.status_code == 200, r.text
    return r.json()


async def _sql(sql: str) -> None:
    await connections.get("default").execute_script(sql)


async def test_an_unchanged_page_is_sent_again(ctx: Ctx, reads: list[int]) -> None:
    rid = (await ctx.report())["id"]
    first = await _page(ctx, "worker")
    assert await _page(ctx, "worker") == first
    assert [i["id"] for i in first["items"]] == [rid]
    assert len(reads) == 1
    # Another filter, another caller: pages of their own.
    await _page(ctx, "worker", "tab=new")
    await _page(ctx, "secretary")
    assert len(reads) == 3


WRITES = {
    "title": "UPDATE report SET title = '新标题' WHERE id = {r}",
    "status": "UPDATE report SET status = 'accepted' WHERE id = {r}",
    "deadline": "UPDATE report SET due_at = due_at + interval '1 day' WHERE id = {r}",
    "leg": (
        "INSERT INTO report_dispatch_leg (report_id, department_id, status, instructions, "
        "due_at, dispatched_by_id, dispatched_at, photos) SELECT {r}, department.id, "
        "'pending', '', due_at, 1, created_at, '[]' FROM department, report "
        "WHERE report.id = {r} LIMIT 1"
    ),
    "delete": "DELETE FROM report_follower WHERE report_id = {r}; DELETE FROM report_event "
    "WHERE report_id = {r}; DELETE FROM report WHERE id = {r}",
}


@pytest.mark.parametrize("write", sorted(WRITES))
async def test_any_write_in_scope_is_seen_next_time(ctx: Ctx, reads: list[int], write: str) -> None:
    rid = (await ctx.report())["id"]
    before = await _page(ctx, "dispatcher")
    sql = WRITES[write].format(r=rid)
    if connections.get("default").capabilities.dialect != "postgres":
        sql = sql.replace("due_at + interval '1 day'", "datetime(due_at, '+1 day')")
    await _sql(sql)
    after = await _page(ctx, "dispatcher")
    assert after != before or write == "leg"
    assert len(reads) == 2


async def test_a_new_report_is_seen_by_its_community_not_by_another(
    ctx: Ctx, reads: list[int]
) -> None:
    other: Resident = await make_resident()
    await bind(other, ctx.world.communities[1])
    await ctx.report()
    mine = await _page(ctx, "worker")
    theirs = await _page(ctx, "other_worker")
    await ctx.report(other, community_id=ctx.world.communities[1].id)
    assert await _page(ctx, "worker") == mine  # kept: nothing changed in community 0
    assert (await _page(ctx, "other_worker"))["counts"]["all"] == theirs["counts"]["all"] + 1
    assert len(reads) == 3


async def test_a_page_is_read_again_when_a_report_falls_overdue(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    due = timezone.localtime() + timedelta(minutes=30)
    await Report.filter(id=rid).update(due_at=due)
    w = ctx.world.staff["worker"]
    p = Principal("staff", w.id, "", 0, w.role, w.community_id, ctx.world.street.id, None)
    q = QueueQuery()

    async def overdue(at: datetime) -> int:
        page = await queries.queue(q, p, now=at)
        if isinstance(page, ReportPage):
            assert page.counts is not None
            return page.counts.overdue
        return int(orjson.loads(bytes(page))["counts"]["overdue"])

    assert await overdue(due - timedelta(minutes=10)) == 0
    assert await overdue(due - timedelta(minutes=1)) == 0
    assert await overdue(due + timedelta(seconds=1)) == 1


async def test_with_no_pages_kept_every_read_reads(ctx: Ctx, reads: list[int]) -> None:
    queries.keep_queue_pages(0)
    try:
        await ctx.report()
        assert await _page(ctx, "worker") == await _page(ctx, "worker")
        assert len(reads) == 2
    finally:
        queries.keep_queue_pages(1024)
