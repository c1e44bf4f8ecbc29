"""Creating a report on PostgreSQL in one statement: lock the candidates' load rows, choose
the owner, insert the report, its follower, timeline event, outbox rows and audit entry,
and count the report into the owner's load - atomically, in one round trip.

Creates are the busiest write: done through the ORM they take a dozen round trips with
the candidates' load rows locked throughout. The rules are the portable version's in
``create`` (the test suite runs both, this one on PostgreSQL): the owner is the least
loaded candidate by priority weight, the one who waited longest on ties
(``server.domain.assignment.pick_owner``), and the load rows are locked in staff id order
so concurrent creates see each other's choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from tortoise import connections, timezone

from server.context import client_ip_var, request_id_var
from server.domain.assignment import PRIORITY_WEIGHT
from server.services import outbox
from server.services.reports import ownership


@dataclass(frozen=True, slots=True)
class Inserted:
    id: int
    owner_id: int | None
    owner_name: str | None
    owner_role: str | None


TEMPLATE = """
WITH cand AS (
    SELECT staff_id, weighted, last_assigned_at FROM report_worker_load
    WHERE staff_id = ANY($1::int[]) ORDER BY staff_id{lock}
), chosen AS (
    SELECT staff_id FROM cand ORDER BY weighted, last_assigned_at NULLS FIRST, staff_id LIMIT 1
), rep AS (
    INSERT INTO report (street_id, community_id, category_id, priority, status, title,
        description, lat, lng, address, hide_name, photos, source, idempotency_key, created_at,
        updated_at, owner_id, owner_since, accept_due, respond_due, resolve_due, due_at,
        escalation_level, reopen_count, resident_id, reported_by_staff_id)
    SELECT $2::int, $3::int, $4::int, $5::text, 'submitted', $6::text, $7::text,
        $8::float8, $9::float8, $10::text, $11::bool, $12::jsonb, $13::text, $14::text,
        $15::timestamptz, $15::timestamptz, c.staff_id,
        CASE WHEN c.staff_id IS NULL THEN NULL ELSE $15::timestamptz END,
        $16::timestamptz, $17::timestamptz, $18::timestamptz, $16::timestamptz, 0, 0,
        $19::int, $20::int
    FROM (SELECT (SELECT staff_id FROM chosen) AS staff_id) c
    -- Every candidate needs a load row to be locked; without one the caller adds it first.
    WHERE (SELECT count(*) FROM cand) = cardinality($1::int[])
    RETURNING id, owner_id
), fol AS (
    INSERT INTO report_follower (report_id, resident_id)
    SELECT id, $19 FROM rep WHERE $19::int IS NOT NULL
), load AS (
    UPDATE report_worker_load w
    SET open_count = w.open_count + 1, weighted = w.weighted + $21::int,
        last_assigned_at = $15::timestamptz
    FROM rep WHERE w.staff_id = rep.owner_id
), ev AS (
    INSERT INTO report_event (report_id, at, actor_type, actor_id, kind, from_status,
        to_status, note, public, data)
    SELECT id, $15::timestamptz, $22::text, $23::int, 'created', NULL, 'submitted', '', TRUE,
        jsonb_build_object('priority', $5::text, 'source', $13::text, 'owner_id', owner_id,
            'reason', CASE WHEN owner_id IS NULL THEN 'waiting_for_owner' ELSE $24::text END)
    FROM rep
    RETURNING id, report_id, data
), ob AS (
    {outbox}
), audit AS (
    INSERT INTO audit_log (at, actor_type, actor_id, action, entity, entity_id, ip, request_id,
        detail)
    SELECT $26::timestamptz, $22::text, $23::int, 'report.created', 'report', rep.id::text,
        $27::text, $28::text,
        jsonb_build_object('from', NULL, 'to', 'submitted', 'public', TRUE) || ev.data
    FROM rep JOIN ev ON ev.report_id = rep.id
)
SELECT rep.id, rep.owner_id, s.display_name AS owner_name, s.role AS owner_role
FROM rep LEFT JOIN staff s ON s.id = rep.owner_id"""
# The outbox rows through the one outbox writer's column list.
OUTBOX = outbox.insert_select(
    {
        "topic": "t",
        "aggregate_type": "'report'",
        "aggregate_id": "rep.id::text",
        "community_id": "$3",
        "payload": "$25::jsonb || ev.data || jsonb_build_object("
        "'report_id', rep.id, 'event_id', ev.id, 'owner_id', rep.owner_id)",
    },
    stamp="$26::timestamptz",
    source="rep JOIN ev ON ev.report_id = rep.id,\n"
    "        unnest(CASE WHEN rep.owner_id IS NULL THEN ARRAY['report.created']\n"
    "                    ELSE ARRAY['report.created', 'report.assigned'] END) AS t",
)
_SQL = TEMPLATE.replace("{outbox}", OUTBOX)
# Without the row locks only for the test that shows the race they prevent.
SQL = {True: _SQL.replace("{lock}", " FOR UPDATE"), False: _SQL.replace("{lock}", "")}


async def insert(
    r: dict[str, Any],
    category_code: str,
    actor: tuple[str, int | None],
    pool: list[int],
    reason: str,
) -> Inserted | None:
    """Insert the report with columns ``r`` (as ``Report.create`` takes them, but for the
    owner, chosen here among ``pool``): None when a candidate had no load row (add them,
    then retry)."""
    actor_type, actor_id = actor
    resident_id = r["resident_id"]
    # The event payload the relay reads, but for what only the statement knows (the
    # report's id, the event's id, the owner and why).
    base = {
        "community_id": r["community_id"],
        "status": "submitted",
        "resident_id": resident_id,
        "category": category_code,
        "title": r["title"],
        "kind": "created",
        "from_status": None,
        "public": True,
        "note": "",
        "actor_type": actor_type,
        "actor_id": actor_id,
        "resident_ids": [resident_id] if resident_id is not None else [],
    }
    params: list[Any] = [
        sorted(set(pool)),
        r["street_id"],
        r["community_id"],
        r["category_id"],
        r["priority"],
        r["title"],
        r["description"],
        r["lat"],
        r["lng"],
        r["address"],
        r["hide_name"],
        orjson.dumps(r["photos"]).decode(),
        r["source"],
        r["idempotency_key"],
        r["created_at"],
        r["accept_due"],
        r["respond_due"],
        r["resolve_due"],
        resident_id,
        r["reported_by_staff_id"],
        PRIORITY_WEIGHT[r["priority"]],
        actor_type,
        actor_id,
        reason,
        orjson.dumps(base).decode(),
        timezone.now(),
        client_ip_var.get(),
        request_id_var.get(),
    ]
    rows = await connections.get("default").execute_query_dict(SQL[ownership.LOCKING], params)
    if not rows:
        return None
    row = rows[0]
    return Inserted(row["id"], row["owner_id"], row["owner_name"], row["owner_role"])
