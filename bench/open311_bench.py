"""How fast GeoReport GET requests is: a full page (1,000 requests) as JSON and as XML.

Run: PYTHONPATH=. python -m bench.open311_bench [DATABASE_URL]. A temporary SQLite file
is used unless a URL is given. Each figure is printed beside a floor measured in the same
run: reading the same 1,000 report rows as plain values and encoding them with orjson,
the least any listing of them must do.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from server.db import close_db, init_db, migrate
from server.domain.open311.formats import render
from server.domain.open311.inbound import RequestFilter
from server.domain.open311.outbound import request_document
from server.models.geo import Community, District, Street
from server.models.people import Department
from server.models.reports import DispatchLeg, Report, ReportEvent
from server.services import open311 as svc
from server.services.reports.catalogue import catalogue, seed_catalogue

ROWS = 1000
ROUNDS = 5
TZ = "Asia/Shanghai"


async def seed() -> None:
    district = await District.create(code="bd", name="区")
    street = await Street.create(district=district, code="bs", name="街道")
    community = await Community.create(street=street, code="bc", name="虹桥居委会")
    dept = await Department.create(street=street, code="chengguan", name="城管")
    await seed_catalogue()
    cats = list((await catalogue()).values())
    now = datetime.now(UTC)
    statuses = ["submitted", "accepted", "dispatched", "resolved", "closed", "rejected"]
    rows = []
    for i in range(ROWS):
        rows.append(
            Report(
                community_id=community.id,
                street_id=street.id,
                category_id=cats[i % 12].id,
                status=statuses[i % 6],
                title=f"事项 {i}",
                description="楼道堆物，电话 13812345678",
                lat=31.2 + i / 1e5,
                lng=121.4,
                address=f"{i % 40}号楼",
                created_at=now - timedelta(minutes=i),
                updated_at=now,
                due_at=now + timedelta(days=1),
                resolve_due=now + timedelta(days=3),
                reject_reason="请联系物业" if i % 6 == 5 else None,
            )
        )
    await Report.bulk_create(rows)
    ids = list(await Report.all().values_list("id", flat=True))
    await ReportEvent.bulk_create(
        [ReportEvent(report_id=rid, at=now, actor_type="staff", kind="moved", to_status="resolved",
                     note="已清运") for rid in ids]
    )  # fmt: skip
    await DispatchLeg.bulk_create(
        [DispatchLeg(report_id=rid, department_id=dept.id, due_at=now, dispatched_by_id=1,
                     dispatched_at=now) for rid in ids[2::6]]
    )  # fmt: skip


async def timed(fn) -> float:  # type: ignore[no-untyped-def]
    await fn()  # warm
    t0 = clock.perf_counter()
    for _ in range(ROUNDS):
        await fn()
    return (clock.perf_counter() - t0) / ROUNDS * 1e3


async def run(url: str) -> None:
    await migrate(url)
    await init_db(url, time_zone=TZ)
    try:
        await seed()
        now = datetime.now(UTC)
        f = RequestFilter(start=now - timedelta(days=90), end=now + timedelta(minutes=1))

        async def floor() -> None:
            orjson.dumps(await Report.all().order_by("-created_at").limit(ROWS).values())

        async def page(fmt: str) -> None:
            docs = [request_document(v, TZ) for v in await svc.find(f)]
            assert len(docs) == ROWS
            render("service_requests", docs, fmt)  # type: ignore[arg-type]

        floor_ms = await timed(floor)
        json_ms = await timed(lambda: page("json"))
        xml_ms = await timed(lambda: page("xml"))
        print(f"GET requests.json, {ROWS} rows   {json_ms:7.1f} ms/page   floor {floor_ms:6.1f} ms")
        print(f"GET requests.xml,  {ROWS} rows   {xml_ms:7.1f} ms/page   floor {floor_ms:6.1f} ms")
    finally:
        await close_db()


def main(database_url: str | None = None) -> None:
    if database_url:
        asyncio.run(run(database_url))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite://{Path(tmp) / 'bench.sqlite3'}"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
