"""考核 figures on 1,000,000 reports (PostgreSQL): how long building the facts rows takes,
and a request's latency beside the naive aggregate over the reports and their timeline.

    python -m bench.kpi_bench                       # 1,000,000 reports, 200 communities
    python -m bench.kpi_bench --reports 100000      # smaller
    python -m bench.kpi_bench --keep / --reuse      # keep the database, or use the kept one

Seeding (bench/reports_seed.py, then a history of acceptances, resolutions, reopenings and
ratings with their timeline rows) is not measured. Measured: the build (copying the facts
from the reports as migration reports 0006 does, then the working minutes on the business
calendar, ``linli-server kpi-build``), then figures for a random street and month per
request, in process (the service the API calls), beside the same figures computed the
naive way: from ``report`` and ``report_event`` per request, as one would without facts.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import random
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from bench.reports_seed import admin_url, create_database, drop_database, seed

ZONE = ZoneInfo("Asia/Shanghai")

# A history for every report that got further than "submitted": accepted 1-90 minutes
# after it came in, resolved a few working days later, rated when closed, a few reopened.
HISTORY = """
ALTER TABLE report DISABLE TRIGGER USER;
UPDATE report SET
    accept_due = created_at + interval '60 minutes',
    accepted_at = created_at + (1 + floor(random() * 90)) * interval '1 minute',
    resolved_at = CASE WHEN status IN ('resolved', 'closed')
        THEN created_at + (60 + floor(random() * 6000)) * interval '1 minute' END,
    resolve_due = created_at + interval '4 days',
    rating = CASE WHEN status = 'closed' AND random() < 0.6
        THEN 1 + floor(random() * 5)::int END,
    reopen_count = CASE WHEN random() < 0.03 THEN 1 ELSE 0 END
WHERE status <> 'submitted';
ALTER TABLE report ENABLE TRIGGER USER;
INSERT INTO report_event (report_id, at, actor_type, actor_id, kind, from_status, to_status,
                          note, public, data)
SELECT id, created_at, 'resident', resident_id, 'created', NULL, 'submitted', '', true, '{}'
FROM report
UNION ALL
SELECT id, accepted_at, 'staff', owner_id, 'accept', 'submitted', 'accepted', '', true,
       jsonb_build_object('accept_due', accept_due)
FROM report WHERE accepted_at IS NOT NULL
UNION ALL
SELECT id, resolved_at, 'staff', owner_id, 'resolve', 'accepted', 'resolved', '已处理', true,
       jsonb_build_object('resolve_due', resolve_due)
FROM report WHERE resolved_at IS NOT NULL
UNION ALL
SELECT id, resolved_at + interval '1 hour', 'resident', resident_id, 'not_fixed', 'resolved',
       'reopened', '还有问题', true, '{}'
FROM report WHERE resolved_at IS NOT NULL AND reopen_count > 0
UNION ALL
SELECT id, resolved_at + interval '1 day', 'resident', resident_id, 'rated', NULL, NULL, '',
       true, jsonb_build_object('rating', rating)
FROM report WHERE rating IS NOT NULL;
"""

# What one would write without the facts: first acceptance and resolution per report from
# its timeline, for the street's reports of the month (wall-clock minutes: the business
# calendar cannot run in SQL, which only flatters this side).
NAIVE = """
WITH r AS (
    SELECT id, community_id, created_at FROM report
    WHERE street_id = $1 AND created_at >= $2 AND created_at < $3
), firsts AS (
    SELECT e.report_id,
        min(e.at) FILTER (WHERE e.kind IN ('accept', 'claim')) AS accepted_at,
        min((e.data->>'accept_due')::timestamptz)
            FILTER (WHERE e.kind IN ('accept', 'claim')) AS accept_due,
        min(e.at) FILTER (WHERE e.to_status = 'resolved') AS resolved_at,
        min((e.data->>'resolve_due')::timestamptz)
            FILTER (WHERE e.to_status = 'resolved') AS resolve_due,
        bool_or(e.to_status = 'reopened') AS reopened,
        max((e.data->>'rating')::int) FILTER (WHERE e.kind = 'rated') AS rating
    FROM report_event e JOIN r ON r.id = e.report_id
    GROUP BY e.report_id
)
SELECT r.community_id, count(*) AS received,
    count(f.accepted_at) AS accepted,
    count(*) FILTER (WHERE f.accepted_at <= f.accept_due) AS accepted_on_time,
    count(f.resolved_at) AS resolved,
    count(*) FILTER (WHERE f.resolved_at <= f.resolve_due) AS resolved_on_time,
    count(*) FILTER (WHERE f.reopened) AS reopened,
    count(f.rating) AS rated, avg(f.rating) AS satisfaction,
    percentile_cont(0.5) WITHIN GROUP (
        ORDER BY extract(epoch FROM f.accepted_at - r.created_at) / 60) AS accept_median,
    percentile_cont(0.5) WITHIN GROUP (
        ORDER BY extract(epoch FROM f.resolved_at - r.created_at) / 60) AS resolve_median
FROM r LEFT JOIN firsts f ON f.report_id = r.id
GROUP BY r.community_id
"""


def months(today: date, n: int) -> list[tuple[date, date]]:
    out, first = [], today.replace(day=1)
    for _ in range(n):
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        out.append((first, last))
        first = (first - timedelta(days=1)).replace(day=1)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):8.1f} ms  p99 {p99:8.1f} ms  (n={len(ms)})"


async def build(url: str) -> None:
    import asyncpg

    from server.services.kpi.build import fill_minutes

    mig = importlib.import_module("server.migrations.reports.0006_report_fact")
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("TRUNCATE report_fact")
        t0 = time.perf_counter()
        await conn.execute(
            f"INSERT INTO report_fact ({mig.COLUMNS}) SELECT {mig.VALUES.format(p='')} "
            "FROM report ORDER BY created_at ON CONFLICT (report_id) DO NOTHING"
        )
        copied = time.perf_counter() - t0
        await conn.execute("ANALYZE report_fact")
        rows = await conn.fetchval("SELECT count(*) FROM report_fact")
    finally:
        await conn.close()
    t1 = time.perf_counter()
    filled = await fill_minutes()
    minutes = time.perf_counter() - t1
    print(
        f"build: facts copied for {rows:,} reports in {copied:.1f} s; working minutes for "
        f"{filled:,} in {minutes:.1f} s ({filled / max(minutes, 1e-9):,.0f}/s); "
        f"total {copied + minutes:.1f} s"
    )


async def measure(url: str, requests: int, naive_runs: int) -> None:
    import asyncpg

    from schemas.kpi import KpiQuery
    from server.auth.principal import Principal
    from server.models.people import Role
    from server.services.kpi import figures

    admin = Principal("staff", 1, "", 0, Role.admin)
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    streets = [r["id"] for r in await conn.fetch("SELECT id FROM street ORDER BY id")]
    periods = months(datetime.now(ZONE).date(), 24)
    rnd = random.Random(11)
    picks = [(rnd.choice(streets), rnd.choice(periods)) for _ in range(requests)]
    for s, (a, b) in picks[:5]:  # warm the caches the service keeps (zones, catalogue)
        await figures(admin, KpiQuery(start=a, end=b, street_id=s))

    async def timed(q: KpiQuery) -> float:
        t = time.perf_counter()
        await figures(admin, q)
        return (time.perf_counter() - t) * 1000

    fast = [await timed(KpiQuery(start=a, end=b, street_id=s)) for s, (a, b) in picks]
    workers = [
        await timed(KpiQuery(start=a, end=b, street_id=s, group="worker"))
        for s, (a, b) in picks[:50]
    ]
    year_end = periods[0][1]
    year = [
        await timed(KpiQuery(start=year_end - timedelta(days=365), end=year_end, street_id=s))
        for s in streets[:5]
    ]
    everything = [await timed(KpiQuery(start=a, end=b, group="street")) for _, (a, b) in picks[:10]]
    naive = []
    try:
        for s, (a, b) in picks[:naive_runs]:
            lo = datetime.combine(a, dtime(), ZONE)
            hi = datetime.combine(b + timedelta(days=1), dtime(), ZONE)
            t = time.perf_counter()
            await conn.fetch(NAIVE, s, lo, hi)
            naive.append((time.perf_counter() - t) * 1000)
        plan = await conn.fetch(
            "EXPLAIN (FORMAT TEXT) SELECT count(*) FROM report_fact "
            "WHERE street_id = $1 AND created_at >= $2 AND created_at < $3",
            streets[0],
            datetime.combine(periods[1][0], dtime(), ZONE),
            datetime.combine(periods[1][1], dtime(), ZONE),
        )
    finally:
        await conn.close()
    print(f"figures, one street, one month, per community : {summary(fast)}")
    print(f"figures, one street, one month, per worker    : {summary(workers)}")
    print(f"figures, one street, a whole year             : {summary(year)}")
    print(f"figures, every street, one month, per street  : {summary(everything)}")
    print(f"naive aggregate over report + report_event    : {summary(naive)}")
    steps = [r[0].strip() for r in plan if "Scan" in r[0] or "Index Cond" in r[0]]
    print("the facts read: " + " / ".join(steps))


async def main_async(args: argparse.Namespace) -> None:
    from server.db import close_db, init_db, migrate

    if args.reuse:
        url = admin_url(args.database_url, args.db_name).replace("postgresql://", "postgres://")
    else:
        url = await create_database(args.database_url, args.db_name)
    try:
        await migrate(url)
        if not args.reuse:
            await seed(url, args.reports, args.communities)
            import asyncpg

            t = time.perf_counter()
            conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
            try:
                await conn.execute(HISTORY)
                await conn.execute("VACUUM ANALYZE report")
                await conn.execute("VACUUM ANALYZE report_event")
                events = await conn.fetchval("SELECT count(*) FROM report_event")
            finally:
                await conn.close()
            print(f"history: {events:,} timeline rows in {time.perf_counter() - t:.1f} s")
        print(f"load average {os.getloadavg()[0]:.1f}")
        await init_db(url)
        try:
            await build(url)
            await measure(url, args.requests, args.naive)
        finally:
            await close_db()
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        if not (args.keep or args.reuse):
            await drop_database(args.database_url, args.db_name)


def main() -> None:
    # Seeded reports go back three years, before the holiday notices the calendar holds;
    # it counts plain weeks there and says so once per call, which would drown the figures.
    logging.getLogger("linli").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    ap.add_argument("--db-name", default="linli_bench_kpi")
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--communities", type=int, default=200)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--naive", type=int, default=5, help="naive aggregates to time")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
