"""Relay throughput and crash safety against the fake WeChat server in its own process.

    PYTHONPATH=. python bench/relay_bench.py [--messages 10000] [--latency 0.02]

Uses DATABASE_URL (PostgreSQL: a scratch database is created and dropped; otherwise a
scratch SQLite file) and REDIS_URL if set. Runs three phases on fresh data:
1 relay, 2 relays, and 2 relays with one killed by SIGKILL mid-drain and replaced.
Each figure is printed beside its target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.db import close_db, init_db
from server.models.geo import Community, District, Street
from server.models.notify import Delivery, DeliveryStatus, SubscriptionCredit
from server.models.people import Resident
from server.models.records import OutboxEvent
from tests.support.db import (
    apply_migrations,
    create_postgres_database,
    drop_postgres_database,
    empty_all_tables,
    is_postgres_url,
)
from tests.support.processes import FakeProcess, kill9, relay_env, start_relay, stop

TEMPLATE = "linli-report-progress"
TARGET_TWO = 500.0


async def seed(url: str, n: int) -> None:
    await init_db(url)
    await empty_all_tables()
    d = await District.create(code="bd", name="区")
    s = await Street.create(district=d, code="bs", name="街道")
    c = await Community.create(street=s, code="bc", name="居委")
    residents = [Resident(openid=f"o-bench-{i}") for i in range(50)]
    await Resident.bulk_create(residents, batch_size=500)
    ids = [r.id for r in await Resident.all().order_by("id")]
    await SubscriptionCredit.bulk_create(
        [SubscriptionCredit(resident_id=i, template_id=TEMPLATE, remaining=n) for i in ids]
    )
    await OutboxEvent.bulk_create(
        [
            OutboxEvent(
                topic="report.accepted",
                aggregate_type="report",
                aggregate_id=str(k + 1),
                community_id=c.id,
                payload={
                    "report_id": k + 1,
                    "community_id": c.id,
                    "status": "accepted",
                    "owner_id": None,
                    "resident_id": ids[k % len(ids)],
                    "category": "facility",
                    "title": f"楼道灯不亮 {k:05d}",
                },
            )
            for k in range(n)
        ],
        batch_size=1000,
    )
    await close_db()


async def sent_count(url: str) -> int:
    await init_db(url)
    try:
        return await Delivery.filter(status=DeliveryStatus.sent).count()
    finally:
        await close_db()


def env_for(url: str, fake: FakeProcess, inflight: int, prefix: str) -> dict[str, str]:
    env = {
        "LINLI_ENV": "test",
        "DATABASE_URL": url,
        "REDIS_PREFIX": prefix,
        "WECHAT_API_BASE": fake.url,
        "WECHAT_APPID": "wx-test-appid",
        "WECHAT_SECRET": "test-secret",
        "RELAY_INFLIGHT": str(inflight),
        "RELAY_BATCH": "500",
        "RELAY_LEASE_SECONDS": "8",
        "WECHAT_TIMEOUT": "3",
        "RELAY_POLL_SECONDS": "0.05",
    }
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return relay_env(env)


def wait_received(fake: FakeProcess, n: int, timeout: float) -> float:
    """Seconds from the first accepted send until ``n`` distinct messages arrived."""
    deadline = time.monotonic() + timeout
    start = None
    while time.monotonic() < deadline:
        st = fake.stats()
        if start is None and st["accepted_total"] > 0:
            start = time.monotonic()
        if len(st["received"]) >= n:
            return time.monotonic() - (start or time.monotonic())
        time.sleep(0.05)
    raise TimeoutError(f"only {len(fake.stats()['received'])}/{n} messages arrived")


def throughput(url: str, fake: FakeProcess, n: int, relays: int, inflight: int) -> float:
    asyncio.run(seed(url, n))
    fake.configure(reset=True)
    env = env_for(url, fake, inflight, f"bench:{secrets.token_hex(3)}:")
    procs = [start_relay(env) for _ in range(relays)]
    try:
        seconds = wait_received(fake, n, timeout=600)
    finally:
        for p in procs:
            stop(p)
    return n / seconds


def crash(url: str, fake: FakeProcess, n: int, inflight: int) -> dict[str, int]:
    asyncio.run(seed(url, n))
    fake.configure(reset=True)
    env = env_for(url, fake, inflight, f"bench:{secrets.token_hex(3)}:")
    victim, survivor = start_relay(env), start_relay(env)
    replacement = None
    try:
        while fake.stats()["accepted_total"] < n // 3:
            time.sleep(0.01)
        in_flight_at_kill = fake.stats()["in_flight"]
        kill9(victim)
        replacement = start_relay(env)
        wait_received(fake, n, timeout=600)
        while asyncio.run(sent_count(url)) < n:
            time.sleep(0.2)
    finally:
        for p in (victim, survivor, replacement):
            if p is not None and p.poll() is None:
                stop(p)
    received = fake.stats()["received"]
    return {
        "distinct": len(received),
        "duplicates": sum(v - 1 for v in received.values()),
        "in_flight_at_kill": in_flight_at_kill,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--latency", type=float, default=0.02, help="fake WeChat answer time (s)")
    ap.add_argument("--inflight", type=int, default=32, help="sends in flight per relay")
    args = ap.parse_args()

    base = os.environ.get("DATABASE_URL")
    name = None
    if is_postgres_url(base):
        assert base is not None
        url, name = create_postgres_database(base)
    else:
        url = f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"
    apply_migrations(url)
    fake = FakeProcess(latency=args.latency)
    n = args.messages
    broker = "redis" if os.environ.get("REDIS_URL") else "memory"
    try:
        print(
            f"relay bench: {n} messages, fake latency {args.latency * 1000:.0f} ms, "
            f"{args.inflight} in flight per relay, "
            f"{'postgres' if name else 'sqlite'} + {broker}"
        )
        one = throughput(url, fake, n, 1, args.inflight)
        print(f"  1 relay : {one:8.0f} pushes/s")
        two = throughput(url, fake, n, 2, args.inflight)
        verdict = "ok" if two >= TARGET_TWO else "BELOW TARGET"
        print(f"  2 relays: {two:8.0f} pushes/s   target >= {TARGET_TWO:.0f}   {verdict}")
        c = crash(url, fake, n, args.inflight)
        lost = n - c["distinct"]
        print(f"  kill -9 of one of 2 relays mid-drain ({n} messages):")
        print(f"    lost        {lost:6d}   target 0   {'ok' if lost == 0 else 'FAIL'}")
        bound = args.inflight
        dup_ok = c["duplicates"] <= bound
        print(
            f"    duplicates  {c['duplicates']:6d}   target <= {bound} (in-flight limit; "
            f"{c['in_flight_at_kill']} sends in flight at the fake at the kill)   "
            f"{'ok' if dup_ok else 'FAIL'}"
        )
    finally:
        fake.stop()
        if name is not None and base is not None:
            drop_postgres_database(base, name)


if __name__ == "__main__":
    main()
