"""Seeding the reports benchmark's database: communities, staff and reports by COPY.

A fresh PostgreSQL database, migrated, then filled through asyncpg (not the ORM) so a
million reports take a minute or two rather than hours.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from bench.reports_server import FLOOR_TABLE

JWT_SECRET = "bench-secret-" + "b" * 40

STATUSES_CLOSED = ["closed"] * 80 + ["rejected"] * 3 + ["merged"] * 2
STATUSES_OPEN = ["submitted", "accepted", "dispatched", "in_progress", "waiting", "resolved"]
WORDS = [
    "楼道垃圾",
    "噪音扰民",
    "车辆乱停",
    "墙面渗水",
    "电梯故障",
    "绿化破坏",
    "违章搭建",
    "路灯不亮",
]


# -- seeding ---------------------------------------------------------------------------
def admin_url(url: str, db: str) -> str:
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    return urlunsplit(parts._replace(path=f"/{db}"))


async def create_database(base: str, name: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(admin_url(base, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin_url(base, name).replace("postgresql://", "postgres://", 1)


async def drop_database(base: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url(base, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class Seeded:
    communities: list[int]
    workers: dict[int, list[int]]  # community -> worker ids
    residents: list[int]


async def seed(url: str, n_reports: int, n_communities: int) -> Seeded:
    import asyncpg

    from server.auth.passwords import hash_password
    from server.services.reports.catalogue import catalogue_sql

    t0 = time.perf_counter()
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        for sql in catalogue_sql():
            await conn.execute(sql)
        cats = [r["id"] for r in await conn.fetch("SELECT id FROM report_category ORDER BY id")]
        await conn.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, "
            "community_id int NOT NULL, body text NOT NULL, created_at timestamptz)"
        )
        d = await conn.fetchval(
            "INSERT INTO district (code, name) VALUES ('bd', '长宁区') RETURNING id"
        )
        n_streets = max(1, n_communities // 20)
        streets = [
            await conn.fetchval(
                "INSERT INTO street (district_id, code, name) VALUES ($1, $2, $3) RETURNING id",
                d,
                f"bs{i}",
                f"街道{i}",
            )
            for i in range(n_streets)
        ]
        communities, street_of = [], {}
        for i in range(n_communities):
            s = streets[i % n_streets]
            cid = await conn.fetchval(
                "INSERT INTO community (street_id, code, name, time_zone) VALUES ($1, $2, $3, "
                "'Asia/Shanghai') RETURNING id",
                s,
                f"bc{i}",
                f"居委{i}",
            )
            communities.append(cid)
            street_of[cid] = s
        pw = hash_password("bench password")
        staff_rows, workers = [], {}
        sid = 0
        for cid in communities:
            workers[cid] = []
            for _ in range(4):
                sid += 1
                staff_rows.append(
                    (sid, f"bw{sid}", pw, f"社工{sid}", "worker", cid, street_of[cid])
                )
                workers[cid].append(sid)
            sid += 1
            staff_rows.append((sid, f"bs{sid}", pw, f"书记{sid}", "secretary", cid, street_of[cid]))
        await conn.copy_records_to_table(
            "staff",
            records=[(*r, "", True, datetime.now(UTC)) for r in staff_rows],
            columns=[
                "id",
                "username",
                "password_hash",
                "display_name",
                "role",
                "community_id",
                "street_id",
                "phone",
                "active",
                "created_at",
            ],
        )
        await conn.execute("SELECT setval('staff_id_seq', (SELECT max(id) FROM staff))")
        n_res = max(100, n_reports // 50)
        await conn.copy_records_to_table(
            "resident",
            records=[
                (i, f"bench-openid-{i}", "", "", datetime.now(UTC)) for i in range(1, n_res + 1)
            ],
            columns=["id", "openid", "session_key", "nickname", "created_at"],
        )
        await conn.execute("SELECT setval('resident_id_seq', (SELECT max(id) FROM resident))")
        rnd = random.Random(7)
        now = datetime.now(UTC)

        def rows(start: int, count: int):  # type: ignore[no-untyped-def]
            for i in range(start, start + count):
                cid = communities[i % n_communities]
                created = now - timedelta(minutes=rnd.randint(0, 3 * 365 * 24 * 60))
                is_open = rnd.random() < 0.12
                status = rnd.choice(STATUSES_OPEN if is_open else STATUSES_CLOSED)
                due = created + timedelta(hours=rnd.randint(1, 120))
                word = rnd.choice(WORDS)
                yield (
                    i,
                    cid,
                    street_of[cid],
                    rnd.choice(cats),
                    rnd.choice(["low", "normal", "normal", "high"]),
                    status,
                    rnd.randint(1, n_res),
                    rnd.choice(workers[cid]),
                    f"{word}{i}",
                    f"{word}，位于{rnd.randint(1, 30)}号楼，请尽快处理。",
                    created,
                    created,
                    due,
                    due,
                    due,
                    due,
                    created + timedelta(minutes=5),
                    "[]",
                    "resident",
                    "",
                    False,
                    0,
                    0,
                )

        cols = [
            "id",
            "community_id",
            "street_id",
            "category_id",
            "priority",
            "status",
            "resident_id",
            "owner_id",
            "title",
            "description",
            "created_at",
            "updated_at",
            "due_at",
            "accept_due",
            "respond_due",
            "resolve_due",
            "owner_since",
            "photos",
            "source",
            "address",
            "hide_name",
            "escalation_level",
            "reopen_count",
        ]
        chunk = 50_000
        for start in range(1, n_reports + 1, chunk):
            await conn.copy_records_to_table(
                "report", records=list(rows(start, min(chunk, n_reports + 1 - start))), columns=cols
            )
        await conn.execute("SELECT setval('report_id_seq', (SELECT max(id) FROM report))")
        await conn.execute(
            "INSERT INTO report_follower (report_id, resident_id) "
            "SELECT id, resident_id FROM report"
        )
        await conn.execute(
            "INSERT INTO report_worker_load (staff_id, open_count, weighted) "
            "SELECT s.id, count(r.id), coalesce(sum(CASE r.priority WHEN 'low' THEN 1 "
            "WHEN 'normal' THEN 2 WHEN 'high' THEN 3 ELSE 4 END), 0) FROM staff s "
            "LEFT JOIN report r ON r.owner_id = s.id "
            "AND r.status NOT IN ('closed', 'rejected', 'merged') "
            "WHERE s.role = 'worker' GROUP BY s.id"
        )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    print(
        f"seeded {n_reports:,} reports across {n_communities} communities "
        f"in {time.perf_counter() - t0:.1f}s"
    )
    return Seeded(communities, workers, list(range(1, n_res + 1)))


async def load_seeded(url: str) -> Seeded:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        count = await conn.fetchval("SELECT count(*) FROM report")
        workers: dict[int, list[int]] = {}
        for r in await conn.fetch("SELECT id, community_id FROM staff WHERE role = 'worker'"):
            workers.setdefault(r["community_id"], []).append(r["id"])
        residents = [r["id"] for r in await conn.fetch("SELECT id FROM resident LIMIT 1000")]
    finally:
        await conn.close()
    print(f"reusing {count:,} reports across {len(workers)} communities")
    return Seeded(sorted(workers), workers, residents)
