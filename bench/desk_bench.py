"""A desk's mixed load on the embedded default (SQLite, in-process broker): 16 connections
for 10 s, half creating reports as residents, half reading the triage queue as staff,
against ``linli-server serve`` with its relay beside it draining the outbox. Prints
requests/s, p50/p99, errors (5xx or no answer) and lock errors in the server's log, beside
the floor: the same load with no relay running.

    PYTHONPATH=. python bench/desk_bench.py [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.servers import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
JWT_SECRET = "bench-desk-" + "x" * 40
RESIDENTS = 40


@dataclass
class Seeded:
    staff_token: str
    resident_tokens: list[str] = field(default_factory=list)


async def seed(url: str) -> Seeded:
    from server.auth.tokens import TokenSigner
    from server.db import close_db, init_db, migrate
    from server.models.geo import Building, Community, District, Estate, Grid, Household, Street
    from server.models.people import Resident, ResidentHousehold, Role, Staff
    from server.services.auth import resident_principal, staff_principal
    from server.services.reports.catalogue import seed_catalogue

    await migrate(url)
    await init_db(url)
    try:
        await seed_catalogue()
        d = await District.create(code="bd", name="区")
        st = await Street.create(district=d, code="bs", name="街道")
        c = await Community.create(street=st, code="bc", name="居委")
        secretary = await Staff.create(
            username="sec",
            password_hash="-",
            display_name="书记",
            role=Role.secretary,
            community=c,
            street=st,
        )
        estate = await Estate.create(community=c, name="小区")
        grid = await Grid.create(community=c, name="网格")
        building = await Building.create(estate=estate, grid=grid, name="1号楼")
        signer = TokenSigner(JWT_SECRET, 3600, 86400)
        seeded = Seeded(str(signer.access(staff_principal(secretary)).token))
        for i in range(RESIDENTS):
            r = await Resident.create(openid=f"o-desk-{i}")
            h = await Household.create(
                community=c, building=building, unit="1", floor=1, room=str(100 + i)
            )
            await ResidentHousehold.create(resident=r, household=h, verified_at=datetime.now(UTC))
            seeded.resident_tokens.append(str(signer.access(resident_principal(r)).token))
        return seeded
    finally:
        await close_db()


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    other: int = 0  # 4xx: a bench bug, not a server failure


async def drive(base: str, s: Seeded, connections: int, seconds: float) -> Result:
    out = Result()
    stop_at = time.monotonic() + seconds

    async def one(i: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            k = 0
            while time.monotonic() < stop_at:
                k += 1
                t0 = time.perf_counter()
                try:
                    if i % 2 == 0:
                        token = s.resident_tokens[(i * 7 + k) % len(s.resident_tokens)]
                        body = {"category": "sanitation", "description": f"楼道垃圾 {i}-{k}"}
                        r = await http.post(
                            "/api/v1/reports/",
                            json=body,
                            headers={"Authorization": f"Bearer {token}"},
                        )
                    else:
                        r = await http.get(
                            "/api/v1/triage/queue",
                            headers={"Authorization": f"Bearer {s.staff_token}"},
                        )
                except httpx.HTTPError:
                    out.errors += 1
                    continue
                out.latencies.append(time.perf_counter() - t0)
                if r.status_code >= 500:
                    out.errors += 1
                elif r.status_code >= 400:
                    out.other += 1

    await asyncio.gather(*(one(i) for i in range(connections)))
    return out


def run(relay: bool, connections: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/desk.sqlite3"
        seeded = asyncio.run(seed(url))
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DATABASE_"))}
        env.update(
            LINLI_ENV="test",
            DATABASE_URL=url,
            JWT_SECRET=JWT_SECRET,
            RELAY_IN_SERVER="true" if relay else "false",
            PORT=str(port),
            WORKERS="1",
            MEDIA_DIR=f"{tmp}/media",
            PYTHONPATH=str(ROOT),
        )
        log = Path(tmp) / "server.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-c", "from server.cli import main; main()", "serve"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            res = asyncio.run(drive(base, seeded, connections, seconds))
        finally:
            stop(proc)
        text = log.read_text(errors="replace")
        locks = text.count("database is locked")
        lat = sorted(res.latencies)
        p50 = 1000 * lat[len(lat) // 2] if lat else float("nan")
        p99 = 1000 * lat[int(0.99 * (len(lat) - 1))] if lat else float("nan")
        label = "API + relay beside it" if relay else "API alone (floor)"
        print(
            f"{label:<24}{len(lat) / seconds:>10.1f}{p50:>10.1f}{p99:>10.1f}"
            f"{res.errors:>8}{locks:>13}{res.other:>6}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    print(
        f"embedded desk load: {args.connections} connections, {args.seconds:g} s, "
        "half creates (residents), half queue reads (secretary); 1 worker, SQLite"
    )
    head = f"{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'lock errors':>13}{'4xx':>6}"
    print(f"{'':<24}{head}")
    for relay in (False, True):
        run(relay, args.connections, args.seconds)


if __name__ == "__main__":
    main()
