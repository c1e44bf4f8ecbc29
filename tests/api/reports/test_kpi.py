"""考核 figures: what the API answers must be what the timeline rows say, recomputed here
from the events alone; scope, bad input and the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schemas.reports import ReportCreate
from server.auth.principal import Principal
from server.domain.lifecycle import Move
from server.domain.visits import Channel, Outcome
from server.models.geo import Household
from server.models.people import Staff
from server.models.reports import Report, ReportEvent, ReportFact
from server.models.visits import Visit, VisitSchedule
from server.services import reports as svc
from server.services.reports.create import create_report
from tests.api.reports.conftest import Ctx

ZONE = ZoneInfo("Asia/Shanghai")


def staff_p(s: Staff) -> Principal:
    return Principal("staff", s.id, "", 0, s.role, s.community_id, s.street_id, s.department_id)


def resident_p(ctx: Ctx) -> Principal:
    return Principal("resident", ctx.alice.id, "", 0)


async def _story(ctx: Ctx, base: datetime) -> list[int]:
    """Six reports with different fates, each move at a chosen time after ``base``."""
    w = ctx.world.staff
    worker, worker2 = w["worker"], w["worker2"]
    alice = resident_p(ctx)

    def at(minutes: float) -> datetime:
        return base + timedelta(minutes=minutes)

    async def new(owner: Staff, actor: Principal, **over: Any) -> Report:
        body = ReportCreate(category="sanitation", description="楼道堆物", **over)
        return (await create_report(body, actor, owner_id=owner.id, now=base)).report

    async def move(r: Report, who: Principal, m: Move, note: str | None, minutes: float) -> None:
        await svc.transition(r.id, who, m, note=note, now=at(minutes))

    r1 = await new(worker, alice)
    await move(r1, staff_p(worker), Move.accept, None, 10)
    await move(r1, staff_p(worker), Move.resolve, "已清理", 100)
    await svc.confirm(r1.id, alice, True, None, now=at(120))
    await svc.rate(r1.id, alice, 5, "好", now=at(121))

    r2 = await new(worker, alice)
    late = (r2.accept_due - base).total_seconds() / 60 + 5  # type: ignore[operator]
    await move(r2, staff_p(worker), Move.accept, None, late)
    await move(r2, staff_p(worker), Move.resolve, "已清理", late + 30)
    await move(r2, staff_p(worker), Move.close, "回访：基本满意", late + 60)
    await svc.rate(r2.id, alice, 3, "一般", now=at(late + 61))

    r3 = await new(worker2, alice)
    await move(r3, staff_p(worker2), Move.accept, None, 5)
    await move(r3, staff_p(worker2), Move.wait, "请提供楼层", 20)
    await svc.comment(r3.id, alice, "5楼", now=at(80))  # the answer resumes the clock
    await move(r3, staff_p(worker2), Move.resolve, "已清理", 140)
    await svc.confirm(r3.id, alice, False, "还有", now=at(150))
    await move(r3, staff_p(worker2), Move.resolve, "再次清理", 200)

    r4 = await new(worker2, alice)
    await svc.withdraw(r4.id, alice, "邻居清理了", now=at(30))

    other = ctx.world.communities[1]
    w3 = next(s for s in w.values() if s.community_id == other.id and s.role == "worker")
    r5 = await new(w3, staff_p(w3), community_id=other.id)
    await move(r5, staff_p(w3), Move.accept, None, 15)
    await move(r5, staff_p(w3), Move.resolve, "已处理", 45)

    r6 = await new(worker, alice)  # received, nothing more yet
    return [r.id for r in (r1, r2, r3, r4, r5, r6)]


async def _from_events(ids: list[int], key: str) -> dict[Any, dict[str, Any]]:
    """The figures, recomputed from the timeline rows alone (the desks are always open in
    these tests, so working minutes are wall-clock minutes)."""
    acc: dict[Any, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    medians: dict[Any, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for rid in ids:
        report = await Report.get(id=rid)
        group = {"community": report.community_id, "worker": report.owner_id}[key]
        events = await ReportEvent.filter(report_id=rid).order_by("at", "id")
        created = next(e.at for e in events if e.kind == "created")
        first_accept = next((e for e in events if e.kind in ("accept", "claim")), None)
        first_resolve = next((e for e in events if e.to_status == "resolved"), None)
        a = acc[group]
        a["received"] += 1
        if first_accept is not None:
            a["accepted"] += 1
            due = datetime.fromisoformat(first_accept.data["accept_due"])
            a["accepted_on_time"] += first_accept.at <= due
            medians[group][0].append((first_accept.at - created).total_seconds() // 60)
        if first_resolve is not None:
            a["resolved"] += 1
            due = datetime.fromisoformat(first_resolve.data["resolve_due"])
            a["resolved_on_time"] += first_resolve.at <= due
            waited = timedelta(0)
            for e in events:
                if e.id == first_resolve.id:
                    break
                if e.to_status == "waiting":
                    start = e.at
                if e.from_status == "waiting" and e.to_status != "waiting":
                    waited += e.at - start
            total = (first_resolve.at - created).total_seconds() // 60
            medians[group][1].append(total - waited.total_seconds() // 60)
        a["reopened"] += any(e.to_status == "reopened" for e in events)
        a["withdrawn"] += any(e.kind == "withdraw" for e in events)
        for e in events:
            if e.kind == "rated":
                a["rated"] += 1
                a["rating_sum"] += e.data["rating"]
    for group, (am, zm) in medians.items():
        acc[group]["median_accept_minutes"] = statistics.median(am) if am else None
        acc[group]["median_resolve_minutes"] = statistics.median(zm) if zm else None
    return acc


def _period(base: datetime) -> dict[str, str]:
    day = base.astimezone(ZONE).date()
    return {
        "start": (day - timedelta(days=1)).isoformat(),
        "end": (day + timedelta(days=1)).isoformat(),
    }


async def test_figures_match_the_timeline_rows(ctx: Ctx) -> None:
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    ids = await _story(ctx, base)
    for group, who, prefix in (
        ("community", "admin", "community:"),
        ("worker", "admin", "worker:"),
    ):
        r = await ctx.client.get(
            "/api/v1/kpi/", params={**_period(base), "group": group}, headers=ctx.h(who)
        )
        assert r.status_code == 200, r.text
        got = {row["key"]: row for row in r.json()["rows"]}
        expected = await _from_events(ids, group)
        for key, want in expected.items():
            row = got[f"{prefix}{key}"]
            for name in (
                "received", "accepted", "accepted_on_time", "resolved", "resolved_on_time",
                "reopened", "withdrawn", "rated",
            ):  # fmt: skip
                assert row[name] == want[name], (group, key, name, row[name], want[name])
            assert row["median_accept_minutes"] == want["median_accept_minutes"]
            assert row["median_resolve_minutes"] == want["median_resolve_minutes"]
            if want["rated"]:
                assert row["satisfaction"] == round(want["rating_sum"] / want["rated"], 2)
            assert row["reopen_rate"] == (
                round(want["reopened"] / want["resolved"], 4) if want["resolved"] else None
            )
    # The story's own figures, to be sure the recomputation is not empty-handed.
    c0 = f"community:{ctx.world.communities[0].id}"
    r = await ctx.client.get("/api/v1/kpi/", params=_period(base), headers=ctx.h("admin"))
    row = {x["key"]: x for x in r.json()["rows"]}[c0]
    assert (row["received"], row["accepted"], row["accepted_on_time"]) == (5, 3, 2)
    assert (row["resolved"], row["reopened"], row["withdrawn"], row["rated"]) == (3, 1, 1, 2)
    assert row["satisfaction"] == 4.0 and row["satisfied_rate"] == 0.5
    assert r.json()["total"]["received"] == 6
    # r3 waited 60 minutes before its first resolution at 140: 80 working minutes count,
    # and its second resolution (after the reopen) does not replace the first.
    fact = await ReportFact.get(report_id=ids[2])
    assert (fact.accept_minutes, fact.waited_minutes, fact.resolve_minutes) == (5, 60, 80)
    # Outside the period nothing is counted.
    old = base - timedelta(days=30)
    r = await ctx.client.get("/api/v1/kpi/", params=_period(old), headers=ctx.h("admin"))
    assert r.json()["total"]["received"] == 0


async def test_scope_grouping_and_bad_input(ctx: Ctx) -> None:
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
    await _story(ctx, base)
    period = _period(base)
    c0, c1 = ctx.world.communities[0], ctx.world.communities[1]
    # A secretary sees their own community only; another community is 404.
    r = await ctx.client.get("/api/v1/kpi/", params=period, headers=ctx.h("secretary"))
    assert r.status_code == 200
    assert [x["key"] for x in r.json()["rows"]] == [f"community:{c0.id}"]
    assert r.json()["total"]["received"] == 5
    r = await ctx.client.get(
        "/api/v1/kpi/", params={**period, "community_id": c1.id}, headers=ctx.h("secretary")
    )
    assert r.status_code == 404
    # The street's dispatcher sees the street, as one row or per community.
    r = await ctx.client.get(
        "/api/v1/kpi/", params={**period, "group": "street"}, headers=ctx.h("dispatcher")
    )
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert [x["key"] for x in rows] == [f"street:{ctx.world.street.id}"]
    assert rows[0]["received"] == 6 and rows[0]["resolved"] == 4
    # Workers and department officers get no figures.
    for who in ("worker", "officer"):
        r = await ctx.client.get("/api/v1/kpi/", params=period, headers=ctx.h(who))
        assert r.status_code == 403
    # Bad input is a clear 422.
    for bad in (
        {"start": "2026-02-01", "end": "2026-01-01"},
        {"start": "2025-01-01", "end": "2026-06-01"},
        {"start": "yesterday", "end": "2026-01-01"},
        {**period, "group": "grid"},
        {**period, "community_id": 0},
    ):
        r = await ctx.client.get("/api/v1/kpi/", params=bad, headers=ctx.h("admin"))
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["code"]
    r = await ctx.client.get("/api/v1/kpi/", params={"start": "2026-01-01"}, headers=ctx.h("admin"))
    assert r.status_code == 422


async def test_visit_coverage_beside_the_figures(ctx: Ctx) -> None:
    c0 = ctx.world.communities[0]
    worker = ctx.world.staff["worker"]
    today = datetime.now(ZONE).date()
    homes = await Household.filter(community_id=c0.id)
    for h in homes:
        await VisitSchedule.get_or_create(
            household_id=h.id,
            defaults={"community_id": c0.id, "registered_on": today, "next_due": today},
        )
    when = datetime.now(UTC) - timedelta(hours=3)
    for outcome in (Outcome.met, Outcome.met, Outcome.not_home):
        await Visit.create(
            household_id=homes[0].id,
            community_id=c0.id,
            worker=worker,
            started_at=when,
            channel=Channel.door,
            outcome=outcome,
        )
    period = {"start": (today - timedelta(days=1)).isoformat(), "end": today.isoformat()}
    r = await ctx.client.get("/api/v1/kpi/", params=period, headers=ctx.h("secretary"))
    row = r.json()["rows"][0]
    assert (row["visits"], row["households_met"], row["households"]) == (3, 1, len(homes))
    assert row["visit_coverage"] == round(1 / len(homes), 4)
    r = await ctx.client.get(
        "/api/v1/kpi/", params={**period, "group": "worker"}, headers=ctx.h("secretary")
    )
    mine = {x["key"]: x for x in r.json()["rows"]}[f"worker:{worker.id}"]
    assert (mine["visits"], mine["households_met"], mine["visit_coverage"]) == (3, 1, None)


async def test_csv_and_xlsx_exports(ctx: Ctx) -> None:
    from openpyxl import load_workbook

    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
    await _story(ctx, base)
    params = {**_period(base), "group": "community"}
    r = await ctx.client.get(
        "/api/v1/kpi/export", params={**params, "format": "csv"}, headers=ctx.h("dispatcher")
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert lines[1][0] == "名称 name" and lines[1][1] == "受理量 received"
    body = {line[0]: line for line in lines[2:]}
    assert body[ctx.world.communities[0].name][1] == "5" and body["合计 total"][1] == "6"
    r = await ctx.client.get(
        "/api/v1/kpi/export", params={**params, "format": "xlsx"}, headers=ctx.h("dispatcher")
    )
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "名称 name" and rows[-1][0] == "合计 total" and rows[-1][1] == 6
    r = await ctx.client.get(
        "/api/v1/kpi/export", params={**params, "format": "pdf"}, headers=ctx.h("dispatcher")
    )
    assert r.status_code == 422


async def test_fill_minutes_rebuilds_what_the_moves_wrote(ctx: Ctx) -> None:
    from server.services.kpi.build import fill_minutes

    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    ids = await _story(ctx, base)
    wrote = {
        f.report_id: (f.accept_minutes, f.resolve_minutes, f.waited_minutes)
        for f in await ReportFact.filter(report_id__in=ids)
    }
    await ReportFact.all().update(accept_minutes=None, resolve_minutes=None, waited_minutes=0)
    assert await fill_minutes(batch=2) == 4  # r1, r2, r3, r5; r4 and r6 have nothing
    again = {
        f.report_id: (f.accept_minutes, f.resolve_minutes, f.waited_minutes)
        for f in await ReportFact.filter(report_id__in=ids)
    }
    assert again == wrote and wrote[ids[2]] == (5, 80, 60)
    assert await fill_minutes() == 0
