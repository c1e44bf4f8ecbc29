"""Seeding a street for the visits benchmark: households, members, groups, schedules and
past visits written with COPY through asyncpg (the ORM would take hours at this size)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from server.domain.visits import DEFAULT_CADENCE_DAYS, DEFAULT_CADENCES, effective_groups

ZONE = ZoneInfo("Asia/Shanghai")
HOUSEHOLDS_PER_BUILDING = 100  # 2 units x 10 floors x 5 rooms
BUILDINGS_PER_GRID = 5
GRIDS_PER_COMMUNITY = 10
GROUP_MIX = [
    ("living_alone", 0.06),
    ("disabled", 0.04),
    ("low_income", 0.05),
    ("bereaved", 0.01),
    ("watch", 0.03),
]


@dataclass
class Seeded:
    street_id: int
    dispatcher_id: int
    workers: list[tuple[int, int]] = field(default_factory=list)  # (staff id, community id)
    households: int = 0
    visits: int = 0


def _cadence(groups: list[str]) -> int:
    return min(
        [DEFAULT_CADENCES[g] for g in groups if g in DEFAULT_CADENCES] + [DEFAULT_CADENCE_DAYS]
    )


async def seed(
    conn: asyncpg.Connection, households: int, visits: int, rng: random.Random
) -> Seeded:
    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    per_community = HOUSEHOLDS_PER_BUILDING * BUILDINGS_PER_GRID * GRIDS_PER_COMMUNITY
    n_comm = max(1, -(-households // per_community))
    did = await conn.fetchval(
        "INSERT INTO district (code, name) VALUES ('bd', '长宁区') RETURNING id"
    )
    sid = await conn.fetchval(
        "INSERT INTO street (district_id, code, name) VALUES ($1, 'bs', '华阳路街道') RETURNING id",
        did,
    )
    pw = "bench-not-a-login"
    dispatcher = await conn.fetchval(
        "INSERT INTO staff (username, password_hash, display_name, role, street_id, phone, active,"
        " created_at) VALUES ('bench-d', $1, '派单员', 'street_dispatcher', $2, '', true, $3)"
        " RETURNING id",
        pw,
        sid,
        now,
    )
    out = Seeded(street_id=sid, dispatcher_id=dispatcher)
    hh_rows, bld_of = [], []
    left = households
    for c in range(n_comm):
        cid = await conn.fetchval(
            "INSERT INTO community (street_id, code, name, time_zone) VALUES ($1, $2, $3,"
            " 'Asia/Shanghai') RETURNING id",
            sid,
            f"bc{c}",
            f"居委{c}",
        )
        estates = [
            await conn.fetchval(
                "INSERT INTO estate (community_id, name, address) VALUES ($1, $2, '') RETURNING id",
                cid,
                f"{c}区{e}号小区",
            )
            for e in range(2)
        ]
        for g in range(GRIDS_PER_COMMUNITY):
            if left <= 0:
                break
            wid = await conn.fetchval(
                "INSERT INTO staff (username, password_hash, display_name, role, community_id,"
                " street_id, phone, active, created_at) VALUES ($1, $2, $3, 'worker', $4, $5, '',"
                " true, $6) RETURNING id",
                f"bench-w{c}-{g}",
                pw,
                f"社工{c}-{g}",
                cid,
                sid,
                now,
            )
            out.workers.append((wid, cid))
            gid = await conn.fetchval(
                "INSERT INTO grid (community_id, name, worker_id) VALUES ($1, $2, $3) RETURNING id",
                cid,
                f"网格{g}",
                wid,
            )
            for b in range(BUILDINGS_PER_GRID):
                if left <= 0:
                    break
                bid = await conn.fetchval(
                    "INSERT INTO building (estate_id, grid_id, name, floors) VALUES ($1, $2, $3,"
                    " 10) RETURNING id",
                    estates[g % 2],
                    gid,
                    f"{g * BUILDINGS_PER_GRID + b + 1}号楼",
                )
                for unit in ("1", "2"):
                    for floor in range(1, 11):
                        for room in range(1, 6):
                            if left <= 0:
                                break
                            hh_rows.append((cid, bid, unit, floor, f"{floor}0{room}", ""))
                            bld_of.append(cid)
                            left -= 1
    registered = now - timedelta(days=800)
    await conn.copy_records_to_table(
        "household",
        columns=[
            "community_id",
            "building_id",
            "unit",
            "floor",
            "room",
            "notes",
            "created_at",
            "updated_at",
        ],
        records=[(*r, registered, registered) for r in hh_rows],
    )
    ids = [r["id"] for r in await conn.fetch("SELECT id FROM household ORDER BY id")]
    out.households = len(ids)
    members, groups, scheds, visit_rows = [], [], [], []
    per_house = max(1, visits // max(1, len(ids)))
    extra = visits - per_house * len(ids)
    workers_by_c: dict[int, list[int]] = {}
    for wid, cid in out.workers:
        workers_by_c.setdefault(cid, []).append(wid)
    for i, (hid, cid) in enumerate(zip(ids, bld_of, strict=True)):
        years = [rng.randint(1935, 2005) for _ in range(rng.randint(1, 3))]
        for j, y in enumerate(years):
            members.append(
                (
                    hid,
                    f"居民{hid}-{j}",
                    y,
                    f"13{rng.randint(100000000, 999999999)}",
                    "户主" if j == 0 else "家属",
                    now,
                    now,
                )
            )
        manual = [g for g, share in GROUP_MIX if rng.random() < share]
        eff = effective_groups(set(manual), list(years), today)  # type: ignore[arg-type]
        groups += [(hid, cid, g, g not in manual) for g in eff]
        cadence = _cadence(eff)
        # The last visit lands so that roughly a fifth of households are overdue.
        last = now - timedelta(days=rng.uniform(0, cadence * 1.25))
        n = per_house + (1 if i < extra else 0)
        step = min(cadence, 730 / n)
        t, last_met = last, None
        for _ in range(n):
            outcome = "met" if rng.random() < 0.8 else rng.choice(["not_home", "refused"])
            if outcome == "met" and last_met is None:
                last_met = t
            visit_rows.append(
                (
                    uuid.UUID(int=rng.getrandbits(128)),
                    hid,
                    cid,
                    rng.choice(workers_by_c[cid]),
                    t,
                    t + timedelta(minutes=15),
                    rng.choice(["door", "door", "phone"]),
                    outcome,
                    "",
                    "[]",
                    "[]",
                    1,
                    t,
                    t,
                )
            )
            t -= timedelta(days=step * rng.uniform(0.7, 1.3))
        met_day = last_met.astimezone(ZONE).date() if last_met else None
        reg_day = registered.astimezone(ZONE).date()
        due = met_day + timedelta(days=cadence) if met_day else reg_day
        scheds.append((hid, cid, _json(eff), cadence, reg_day, last_met, last, due, False))
    await conn.copy_records_to_table(
        "household_member",
        columns=[
            "household_id",
            "name",
            "birth_year",
            "phone",
            "relation",
            "created_at",
            "updated_at",
        ],
        records=members,
    )
    await conn.copy_records_to_table(
        "household_group",
        columns=["household_id", "community_id", "code", "derived"],
        records=groups,
    )
    await conn.copy_records_to_table(
        "visit_schedule",
        columns=[
            "household_id",
            "community_id",
            "groups",
            "cadence_days",
            "registered_on",
            "last_met_at",
            "last_attempt_at",
            "next_due",
            "moved_away",
        ],
        records=scheds,
    )
    for k in range(0, len(visit_rows), 200_000):
        await conn.copy_records_to_table(
            "visit",
            columns=[
                "id",
                "household_id",
                "community_id",
                "worker_id",
                "started_at",
                "ended_at",
                "channel",
                "outcome",
                "notes",
                "needs",
                "photos",
                "version",
                "recorded_at",
                "updated_at",
            ],
            records=visit_rows[k : k + 200_000],
        )
    out.visits = len(visit_rows)
    await conn.execute("ANALYZE")
    return out


def _json(items: list[str]) -> str:
    import orjson

    return orjson.dumps(items).decode()
