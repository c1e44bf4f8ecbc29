"""A worker's round: the due and overdue households of the grids they look after, in
walking order, and a day plan that fits a day's capacity, overdue first.

The due list is the hottest read in the app (every worker opens it on every round), so it
is one hand-written query and plain dicts encoded once, shaped as ``DueList``/``DayPlan``.
Each process also keeps the lists it has encoded, stamped with the visit-data version of
every community the worker's grids are in (``VisitDataVersion``, raised by triggers on any
write to the rows a list reads), and sends one again only while its stamp still matches:
one indexed read instead of the whole query. Every read is audited either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import orjson

from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped
from server.domain.visits import mask_phone, walking_key
from server.models.people import Staff
from server.services.audit import audit
from server.services.encoded import EncodedJson, dumps
from server.services.kept import Kept
from server.services.sql import rows
from server.services.visits.schedule import community_zone

STAFF_SCOPE = ScopeRules(community="community_id")
# How far ahead a day plan looks for households coming due, to fill a light day.
PLAN_LOOKAHEAD_DAYS = 7

# Whom to ask for: the 户主 if recorded, else the first member (one lookup per household).
DUE_SQL = """
SELECT s.household_id, s.groups, s.cadence_days, s.next_due, s.last_met_at, s.last_attempt_at,
       h.unit, h.floor, h.room, b.name AS building, e.name AS estate,
       hm.name AS head, hm.phone AS phone
FROM grid g
JOIN building b ON b.grid_id = g.id
JOIN estate e ON e.id = b.estate_id
JOIN household h ON h.building_id = b.id
JOIN visit_schedule s ON s.household_id = h.id
LEFT JOIN household_member hm ON hm.id = (
    SELECT m.id FROM household_member m WHERE m.household_id = s.household_id
    ORDER BY CASE WHEN m.relation = '户主' THEN 0 ELSE 1 END, m.id LIMIT 1)
WHERE g.worker_id = $1 AND s.next_due <= $2 AND NOT s.moved_away
ORDER BY s.next_due, s.household_id
LIMIT {limit}"""
# The version of each community a worker's grids are in: a kept list with another stamp is
# stale. Versions only ever rise, so equal stamps mean no write since the list was read.
STAMP_SQL = """
SELECT DISTINCT g.community_id, v.version
FROM grid g LEFT JOIN visit_data_version v ON v.community_id = g.community_id
WHERE g.worker_id = $1
ORDER BY g.community_id"""
# Priority-group lists as the database returns them (JSON text on some drivers), parsed
# once: a street has a few dozen distinct ones.
_GROUPS: dict[str, list[str]] = {}


def _groups(raw: Any) -> Any:
    if not isinstance(raw, str | bytes):
        return raw
    key = raw if isinstance(raw, str) else raw.decode()
    found = _GROUPS.get(key)
    if found is None:
        found = orjson.loads(key)
        if len(_GROUPS) < 4096:
            _GROUPS[key] = found
    return found


async def _worker(p: Principal, worker_id: int | None) -> tuple[int, int | None]:
    """(worker id, community id); another worker's list only within the caller's scope."""
    if worker_id is None or (worker_id == p.id and p.is_staff):
        return p.id, p.community_id
    s = await get_scoped(Staff.all(), p, STAFF_SCOPE, id=worker_id)
    return s.id, s.community_id


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def _moment(v: Any) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v))


async def _due(worker_id: int, horizon: date, today: date, limit: int) -> list[dict[str, Any]]:
    items = []
    # The limit is written into the text, not bound: with a bound LIMIT PostgreSQL judges
    # its generic plan dearer and plans the statement afresh on every call.
    for r in await rows(DUE_SQL.format(limit=int(limit)), [worker_id, horizon]):
        due = _day(r["next_due"])
        overdue = (today - due).days
        items.append(
            {
                "household_id": r["household_id"],
                "estate": r["estate"],
                "building": r["building"],
                "unit": r["unit"],
                "floor": r["floor"],
                "room": r["room"],
                "groups": _groups(r["groups"]),
                "head": r["head"],
                "phone": mask_phone(r["phone"] or ""),
                "cadence_days": r["cadence_days"],
                "next_due": due,
                "days_overdue": max(overdue, 0),
                "status": "overdue" if overdue > 0 else "due",
                "last_met_at": _moment(r["last_met_at"]),
                "_attempt": _moment(r["last_attempt_at"]),
            }
        )
    return items


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(i: dict[str, Any]) -> tuple[Any, ...]:
        return (
            *walking_key(i["estate"], i["building"], i["unit"], i["floor"], i["room"]),
            i["household_id"],
        )

    out = sorted(items, key=key)
    for i in out:
        i.pop("_attempt", None)
    return out


@dataclass(frozen=True, slots=True)
class _Kept:
    stamp: tuple[tuple[int, int | None], ...]
    body: EncodedJson
    household_ids: list[int]


# Lists kept per process: a street has about a hundred workers. Sized from the settings
# at start-up (``keep_due_lists``).
_kept: Kept[tuple[int, date, int, int, str], _Kept] = Kept(256)


def keep_due_lists(most: int) -> None:
    """Keep at most ``most`` encoded lists in this process (0: compute every list)."""
    _kept.resize(most)


def forget_due_lists() -> None:
    """Drop every kept list (a test database emptied under a running process)."""
    _kept.clear()


async def _stamp(worker_id: int) -> tuple[tuple[int, int | None], ...]:
    return tuple((r["community_id"], r["version"]) for r in await rows(STAMP_SQL, [worker_id]))


async def due_list(
    p: Principal, worker_id: int | None, within_days: int, limit: int, order: str = "walk"
) -> EncodedJson:
    """Overdue households and those due within ``within_days``, in walking order or the
    longest overdue first (a ``DueList``, encoded)."""
    wid, cid = await _worker(p, worker_id)
    today = datetime.now(await community_zone(cid or 0)).date()
    key = (wid, today, within_days, limit, order)
    # Read before the list: a write landing in between leaves a newer list under an older
    # stamp, which the next read's stamp no longer matches (never the other way round).
    stamp = await _stamp(wid)
    kept = _kept.get(key)
    if kept is None or kept.stamp != stamp:
        items = _walk(await _due(wid, today + timedelta(days=within_days), today, limit))
        if order == "overdue":
            items.sort(key=lambda i: i["next_due"])  # stable: walking order within a day
        overdue = sum(1 for i in items if i["status"] == "overdue")
        listed = {
            "worker_id": wid,
            "today": today,
            "overdue": overdue,
            "due": len(items) - overdue,
            "items": items,
        }
        kept = _Kept(stamp, EncodedJson(dumps(listed)), [i["household_id"] for i in items])
        _kept.put(key, kept)
    await audit(
        p,
        "household.list",
        "household",
        None,
        {"purpose": "due_list", "worker_id": wid, "household_ids": kept.household_ids},
    )
    return kept.body


async def day_plan(
    p: Principal, worker_id: int | None, day: date | None, capacity: int
) -> dict[str, Any]:
    """The day's round: most overdue first up to capacity, then walked in order. A household
    already tried that day (not home) waits for another day."""
    wid, cid = await _worker(p, worker_id)
    zone = await community_zone(cid or 0)
    day = day or datetime.now(zone).date()
    rows = await _due(wid, day + timedelta(days=PLAN_LOOKAHEAD_DAYS), day, 5000)
    rows = [
        r for r in rows if r["_attempt"] is None or r["_attempt"].astimezone(zone).date() != day
    ]
    urgent = sorted(rows, key=lambda i: (i["next_due"], not i["groups"], i["household_id"]))
    chosen, rest = urgent[:capacity], urgent[capacity:]
    await audit(
        p,
        "household.list",
        "household",
        None,
        {
            "purpose": "day_plan",
            "worker_id": wid,
            "household_ids": [i["household_id"] for i in chosen],
        },
    )
    return {
        "worker_id": wid,
        "day": day,
        "capacity": capacity,
        "items": _walk(chosen),
        "overdue_left": sum(1 for i in rest if i["status"] == "overdue"),
        "due_left": sum(1 for i in rest if i["next_due"] <= day and i["status"] == "due"),
    }
