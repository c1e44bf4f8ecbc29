"""Reports benchmark: create and triage-queue throughput on a large PostgreSQL database,
each beside floors measured in the same run against the same database and server.

    python -m bench.reports_bench --reports 1000000            # full size
    python -m bench.reports_bench --reports 100000 --keep      # smaller, keep the database

Seeds communities, staff and reports with COPY (not the ORM), serves the real app with
several Sanic workers on 127.0.0.1, and drives it with wrk where it is installed (else an
async httpx load generator bounded in request count and time; see ``bench.loadgen``), at
each connection count asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import orjson

from bench import cpu
from bench.loadgen import Req, Stats, run_wrk, wrk_path
from bench.reports_seed import (
    JWT_SECRET,
    Seeded,
    admin_url,
    create_database,
    drop_database,
    load_seeded,
    seed,
)
from bench.servers import free_port, stop


async def check_owners(url: str, since: datetime) -> None:
    """Every report the run created must have an owner: the create measured the real path."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        row = await conn.fetchrow(
            "SELECT count(*) AS n, count(*) FILTER (WHERE owner_id IS NULL) AS unowned "
            "FROM report WHERE created_at >= $1",
            since,
        )
    finally:
        await conn.close()
    print(f"created {row['n']:,} reports in the run, {row['unowned']} without an owner")


# -- load generation -------------------------------------------------------------------
@dataclass
class Result:
    name: str
    conc: int
    n: int
    errors: int
    seconds: float
    lat: list[float]
    wrk: Stats | None = None
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per request by process group

    @property
    def rps(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if self.wrk is not None:
            return {0.5: self.wrk.p50, 0.9: self.wrk.p90, 0.99: self.wrk.p99}[q]
        if not self.lat:
            return float("nan")
        s = sorted(self.lat)
        return s[min(len(s) - 1, int(q * len(s)))] * 1000


async def drive(
    base: str, name: str, conc: int, make, max_requests: int, max_seconds: float
) -> Result:  # type: ignore[no-untyped-def]
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    lat: list[float] = []
    errors = 0
    sent = 0
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def warm() -> None:
            for _ in range(5):
                m, u, kw = make()
                await client.request(m, u, **kw)

        await asyncio.gather(*[warm() for _ in range(conc)])
        deadline = time.perf_counter() + max_seconds

        async def worker() -> None:
            nonlocal sent, errors
            while sent < max_requests and time.perf_counter() < deadline:
                sent += 1
                m, u, kw = make()
                t = time.perf_counter()
                r = await client.request(m, u, **kw)
                lat.append(time.perf_counter() - t)
                if r.status_code >= 300:
                    errors += 1
                    if errors <= 3:
                        print(f"  {name}: {r.status_code} {r.text[:200]}")

        t0 = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(conc)])
        elapsed = time.perf_counter() - t0
    return Result(name, conc, len(lat), errors, elapsed, lat)


def tokens(seeded: Seeded) -> tuple[dict[int, str], list[str]]:
    from server.auth.principal import Principal
    from server.auth.tokens import TokenSigner
    from server.models.people import Role

    signer = TokenSigner(JWT_SECRET, 3600, 7200)
    staff = {}
    for cid, ids in seeded.workers.items():
        p = Principal("staff", ids[0], "", 0, role=Role.worker, community_id=cid)
        staff[cid] = signer.access(p).token
    residents = [
        signer.access(Principal("resident", r, "", 0)).token for r in seeded.residents[:500]
    ]
    return staff, residents


async def measure(
    base: str,
    seeded: Seeded,
    conc_levels: list[int],
    n: int,
    secs: float,
    only: str | None = None,
    server_pgid: int = -1,
    db_name: str = "",
) -> list[Result]:
    staff, residents = tokens(seeded)
    cs = seeded.communities
    rnd = random.Random(11)
    cats = ["sanitation", "noise", "parking", "leak", "greening", "other"]

    def create():  # type: ignore[no-untyped-def]
        body = {
            "category": rnd.choice(cats),
            "description": "楼道里堆满了杂物，影响通行",
            "community_id": rnd.choice(cs),
            "location": {"lat": 31.2, "lng": 121.4},
        }
        return (
            "POST",
            "/api/v1/reports/",
            {
                "content": orjson.dumps(body),
                "headers": {
                    "Authorization": f"Bearer {rnd.choice(residents)}",
                    "Content-Type": "application/json",
                },
            },
        )

    def floor_insert():  # type: ignore[no-untyped-def]
        body = {"community_id": rnd.choice(cs), "description": "楼道里堆满了杂物，影响通行"}
        return (
            "POST",
            "/bench/floor/insert",
            {"content": orjson.dumps(body), "headers": {"Content-Type": "application/json"}},
        )

    def queue():  # type: ignore[no-untyped-def]
        c = rnd.choice(cs)
        return (
            "GET",
            "/api/v1/triage/queue?limit=50",
            {"headers": {"Authorization": f"Bearer {staff[c]}"}},
        )

    def floor_list():  # type: ignore[no-untyped-def]
        return "GET", f"/bench/floor/list?community_id={rnd.choice(cs)}", {}

    out = []
    use_wrk = wrk_path() is not None
    pairs = {
        "create": [("floor: raw insert", floor_insert), ("POST /reports", create)],
        "queue": [("floor: Tortoise list 50", floor_list), ("GET /triage/queue", queue)],
    }
    chosen = pairs[only] if only else pairs["create"] + pairs["queue"]
    for conc in conc_levels:
        for name, make in chosen:
            if use_wrk:
                reqs = [as_req(*make()) for _ in range(2000)]
                await run_wrk(base, reqs[:200], conc, 2)  # warm-up
                before = cpu.snapshot(server_pgid, db_name)
                s = await run_wrk(base, reqs, conc, secs)
                used = cpu.per_request(before, cpu.snapshot(server_pgid, db_name), s.requests)
                r = Result(name, conc, s.requests, s.errors, s.seconds, [], s, used)
            else:
                r = await drive(base, name, conc, make, n, secs)
            print(
                f"  {name:<26} conc={conc:<3} {r.rps:8.1f} req/s  p50 {r.pct(0.5):6.1f} ms  "
                f"p99 {r.pct(0.99):6.1f} ms  errors {r.errors}"
            )
            if r.cpu_ms:
                print(f"  {'':<26} {cpu.describe(r.cpu_ms)}")
            out.append(r)
    return out


def as_req(method: str, path: str, kw: dict) -> Req:  # type: ignore[type-arg]
    return Req(method, path, kw.get("headers", {}), kw.get("content"))


def report(results: list[Result]) -> None:
    by = {(r.name, r.conc): r for r in results}
    print(
        "\nconc | create / insert floor (target >= 0.40) | queue / list floor (target >= 2.0)"
        " | queue p99 (target <= 25 ms at 16)"
    )
    for conc in sorted({r.conc for r in results}):
        cells = []
        c, f = by.get(("POST /reports", conc)), by.get(("floor: raw insert", conc))
        cells.append(f"{c.rps / f.rps:5.2f} ({c.rps:.0f} vs {f.rps:.0f} req/s)" if c and f else "-")
        q, lf = by.get(("GET /triage/queue", conc)), by.get(("floor: Tortoise list 50", conc))
        if q and lf:
            cells.append(f"{q.rps / lf.rps:5.2f} ({q.rps:.0f} vs {lf.rps:.0f} req/s)")
            cells.append(f"{q.pct(0.99):.1f} ms")
        else:
            cells += ["-", "-"]
        print(f"{conc:>4} | " + " | ".join(cells))


async def main_async(args: argparse.Namespace) -> None:
    from server.db import migrate

    name = args.db_name
    proc = None
    if args.reuse:
        url = admin_url(args.database_url, name).replace("postgresql://", "postgres://", 1)
    else:
        url = await create_database(args.database_url, name)
    try:
        # A kept database takes the migrations added since it was seeded.
        await migrate(url)
        if args.reuse:
            seeded = await load_seeded(url)
        else:
            seeded = await seed(url, args.reports, args.communities)
        env = {
            **os.environ,
            # The same pool size for the app and the floors: one worker's share of PostgreSQL.
            "DATABASE_URL": f"{url}?minsize=4&maxsize={args.pool}",
            "JWT_SECRET": JWT_SECRET,
            "JOB_INTERVAL": "0",
            "LINLI_ENV": "development",
            "PORT": str(args.port or free_port()),
            "WORKERS": str(args.workers),
            "REDIS_URL": args.redis_url or "",
            "REDIS_PREFIX": f"bench{secrets.token_hex(3)}:",
            # Relays run as their own processes when scaled (bench.relay_bench measures
            # them); one here would drain the creates' outbox on the measured cores.
            "RELAY_IN_SERVER": "false",
            # Queue pages kept per worker process (0 reads every page from the database).
            "QUEUE_KEPT_PAGES": str(args.queue_kept_pages),
            "PYTHONPATH": os.getcwd(),
        }
        proc = subprocess.Popen(  # noqa: ASYNC220 - started once, before any measurement
            [sys.executable, "-m", "bench.reports_server"],
            env=env,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{env['PORT']}"
        async with httpx.AsyncClient(timeout=1) as probe:
            for _ in range(120):
                try:
                    if (await probe.get(f"{base}/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.5)
            else:
                raise SystemExit("the server did not start")
        gen = "wrk (1 thread)" if wrk_path() else "httpx (Python)"
        print(
            f"server: {args.workers} Sanic workers on {base}; load from {gen}; "
            f"bounds {args.requests} requests or {args.seconds}s per measurement; "
            f"queue pages kept per worker: {args.queue_kept_pages}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        started = datetime.now(UTC)
        results = await measure(
            base,
            seeded,
            args.conc,
            args.requests,
            args.seconds,
            args.only,
            server_pgid=proc.pid,
            db_name=name,
        )
        report(results)
        await check_owners(url, started)
    finally:
        if proc is not None:
            stop(proc)
        if not (args.keep or args.reuse):
            await drop_database(args.database_url, name)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    ap.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    ap.add_argument("--db-name", default="linli_bench_reports")
    ap.add_argument(
        "--queue-kept-pages",
        type=int,
        default=1024,
        help="queue pages each worker keeps while their scope is unchanged (0: none)",
    )
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--communities", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--pool", type=int, default=20, help="database connections per worker")
    ap.add_argument("--conc", type=lambda s: [int(x) for x in s.split(",")], default=[16, 64])
    ap.add_argument("--requests", type=int, default=3000, help="at most this many per measurement")
    ap.add_argument("--seconds", type=float, default=15.0, help="at most this long per measurement")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument(
        "--reuse", action="store_true", help="measure on a database kept by an earlier --keep"
    )
    ap.add_argument(
        "--only",
        choices=("create", "queue"),
        help="measure only this pair (the real path and its floor)",
    )
    args = ap.parse_args()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
