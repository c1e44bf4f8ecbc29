"""Fill the working minutes of facts rows that lack them, from the timeline: reports that
existed before the facts table (migration reports 0006 copies everything else), or a
rebuild. The moves keep the minutes of every later report themselves."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from tortoise import connections

from server.services.reports import sla
from server.services.reports.facts import working_minutes
from server.services.sql import query

BATCH = 5000
Span = tuple[datetime, datetime]
PENDING = (
    "SELECT report_id, community_id, created_at, accepted_at, resolved_at "
    "FROM report_fact WHERE report_id > $1 AND ("
    "(accepted_at IS NOT NULL AND accept_minutes IS NULL) OR "
    "(resolved_at IS NOT NULL AND resolve_minutes IS NULL)) ORDER BY report_id"
)


def _waited(events: list[dict[str, Any]], until: datetime | None) -> list[Span]:
    """Spans spent waiting on the resident before ``until`` (the first resolution)."""
    spans: list[Span] = []
    start = None
    for e in events:
        at = _as_time(e["at"])
        if until is not None and at >= until:
            break
        if e["to_status"] == "waiting":
            start = at
        elif e["from_status"] == "waiting" and start is not None:
            spans.append((start, at))
            start = None
    return spans


async def fill_minutes(batch: int = BATCH) -> int:
    """Working minutes for every facts row that has a first acceptance or resolution but
    no minutes yet; answers how many rows were written."""
    done, after = 0, 0
    conn = connections.get("default")
    while True:
        rows = await query(f"{PENDING} LIMIT {int(batch)}", [after])
        if not rows:
            return done
        after = int(rows[-1]["report_id"])
        ids = [int(r["report_id"]) for r in rows]
        marks = ", ".join(f"${i + 1}" for i in range(len(ids)))
        waits: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for e in await query(
            f"SELECT report_id, at, from_status, to_status FROM report_event "  # noqa: S608
            f"WHERE report_id IN ({marks}) AND "
            "(to_status = 'waiting' OR from_status = 'waiting') ORDER BY report_id, at, id",
            ids,
        ):
            waits[int(e["report_id"])].append(e)
        updates = []
        for r in rows:
            clock = await sla.clock_for(int(r["community_id"]))
            created = _as_time(r["created_at"])
            accepted, resolved = _as_time(r["accepted_at"]), _as_time(r["resolved_at"])
            waited = sum(
                working_minutes(clock, a, b)
                for a, b in _waited(waits.get(int(r["report_id"]), []), resolved)
            )
            accept = working_minutes(clock, created, accepted) if accepted else None
            resolve = (
                max(0, working_minutes(clock, created, resolved) - waited) if resolved else None
            )
            updates.append([accept, resolve, waited, int(r["report_id"])])
        sql = (
            "UPDATE report_fact SET accept_minutes = $1, resolve_minutes = $2, "
            "waited_minutes = $3 WHERE report_id = $4"
        )
        if conn.capabilities.dialect != "postgres":
            sql = sql.replace("$1", "?").replace("$2", "?").replace("$3", "?").replace("$4", "?")
        await conn.execute_many(sql, updates)
        done += len(updates)


def _as_time(v: Any) -> Any:
    """SQLite answers times as text; PostgreSQL as datetimes."""
    if v is None or isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v))
