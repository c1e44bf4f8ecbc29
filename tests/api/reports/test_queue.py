"""The triage queue: deadline order, filters, Chinese text search, keyset pages, tab counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise import timezone

from server.models.reports import Report
from tests.api.reports.conftest import Ctx


async def test_queue_is_sorted_by_deadline_and_pages_by_keyset(ctx: Ctx) -> None:
    ids = [(await ctx.report(description=f"第{i}号问题"))["id"] for i in range(7)]
    base = timezone.localtime(datetime(2026, 1, 1, tzinfo=UTC))
    # Deadlines in a shuffled order, two equal to exercise the id tie-break.
    for rid, hours in zip(ids, [5, 1, 3, 3, 9, 0, 2], strict=True):
        await Report.filter(id=rid).update(due_at=base + timedelta(hours=hours))
    expected = [rid for _, rid in sorted(zip([5, 1, 3, 3, 9, 0, 2], ids, strict=True))]
    seen, cursor = [], None
    while True:
        url = "/api/v1/triage/queue?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = (await ctx.client.get(url, headers=ctx.h("secretary"))).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == expected
    r = await ctx.client.get("/api/v1/triage/queue?cursor=@@@", headers=ctx.h("secretary"))
    assert r.status_code == 422


async def test_tabs_counts_and_filters(ctx: Ctx) -> None:
    a = (await ctx.report(category="noise", description="楼上噪音扰民"))["id"]
    b = (await ctx.report(category="parking", description="消防通道停车"))["id"]
    c = (await ctx.report(category="noise", description="广场舞音响太响"))["id"]
    owner_a = (await Report.get(id=a)).owner_id
    await Report.filter(id=c).update(due_at=timezone.localtime() - timedelta(minutes=5))
    worker = next(k for k, s in ctx.world.staff.items() if s.id == owner_a)
    await ctx.move(a, worker, "accept")
    page = (await ctx.client.get("/api/v1/triage/queue", headers=ctx.h(worker))).json()
    counts = page["counts"]
    assert counts["all"] == 3 and counts["new"] == 2 and counts["overdue"] == 1
    assert counts["mine"] == await Report.filter(owner_id=owner_a).count()
    get = lambda qs: ctx.client.get(f"/api/v1/triage/queue?{qs}", headers=ctx.h("secretary"))  # noqa: E731
    assert {i["id"] for i in (await get("category=noise")).json()["items"]} == {a, c}
    assert [i["id"] for i in (await get("overdue=true")).json()["items"]] == [c]
    assert [i["id"] for i in (await get("q=噪音")).json()["items"]] == [a]
    assert [i["id"] for i in (await get("q=消防")).json()["items"]] == [b]
    assert [i["id"] for i in (await get("status=accepted")).json()["items"]] == [a]
    assert {i["id"] for i in (await get("status=submitted&status=accepted")).json()["items"]} == {
        a,
        b,
        c,
    }
    assert [i["id"] for i in (await get("tab=overdue")).json()["items"]] == [c]
    assert (await get(f"owner_id={owner_a}&category=parking")).json()["items"] == [] or owner_a == (
        await Report.get(id=b)
    ).owner_id
    assert (await get("category=bogus")).status_code == 422
    assert (await get("limit=0")).status_code == 422
    assert (await get("tab=everything")).status_code == 422
    assert (await get("counts=false")).json()["counts"] is None


async def test_all_holds_open_matters_and_closed_ones_only_when_asked(ctx: Ctx) -> None:
    """A triage queue in deadline order would otherwise open on years-old closed matters."""
    a = (await ctx.report(description="垃圾桶满了"))["id"]
    b = (await ctx.report(description="路灯不亮"))["id"]
    await Report.filter(id=b).update(status="closed")
    get = lambda qs: ctx.client.get(f"/api/v1/triage/queue?{qs}", headers=ctx.h("secretary"))  # noqa: E731
    page = (await get("tab=all")).json()
    assert [i["id"] for i in page["items"]] == [a] and page["counts"]["all"] == 1
    page = (await get("tab=all&status=closed")).json()
    assert [i["id"] for i in page["items"]] == [b] and page["counts"]["all"] == 1
    page = (await get("tab=all&status=closed&status=submitted")).json()
    assert {i["id"] for i in page["items"]} == {a, b} and page["counts"]["all"] == 2
    assert page["counts"]["new"] == 1  # the other tabs count open matters whatever the filter


async def test_resident_list_pages_newest_first(ctx: Ctx) -> None:
    ids = [(await ctx.report())["id"] for _ in range(3)]
    await ctx.report(ctx.bob)
    r = await ctx.client.get("/api/v1/reports/mine?limit=2", headers=ctx.h(ctx.alice))
    page = r.json()
    assert [i["id"] for i in page["items"]] == ids[::-1][:2]
    r = await ctx.client.get(
        f"/api/v1/reports/mine?limit=2&cursor={page['next_cursor']}", headers=ctx.h(ctx.alice)
    )
    assert [i["id"] for i in r.json()["items"]] == [ids[0]] and r.json()["next_cursor"] is None
