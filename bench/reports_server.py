"""The server the reports benchmark drives: the production app plus two bare floor routes.

Run by ``bench.reports_bench`` as ``python -m bench.reports_server`` with its settings in
the environment (DATABASE_URL, JWT_SECRET, PORT, WORKERS).
"""

from __future__ import annotations

from datetime import time

import orjson
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse
from tortoise import connections

from server.app import create_app
from server.auth.access import public
from server.cli import serve
from server.config import Settings
from server.domain.hours import OpeningHours
from server.models.reports import Report
from server.services.reports import sla

FLOOR_TABLE = "bench_insert_floor"
floor = Blueprint("benchfloor", url_prefix="/bench")


@floor.post("/floor/insert")
@public
async def floor_insert(request: Request) -> HTTPResponse:
    """Floor: parse a JSON body and do one raw single-row insert."""
    data = orjson.loads(request.body)
    rows = await connections.get("default").execute_query_dict(
        f"INSERT INTO {FLOOR_TABLE} (community_id, body, created_at) "
        "VALUES ($1, $2, now()) RETURNING id",
        [int(data["community_id"]), data["description"]],
    )
    return HTTPResponse(
        orjson.dumps({"id": rows[0]["id"]}), status=201, content_type="application/json"
    )


@floor.get("/floor/list")
@public
async def floor_list(request: Request) -> HTTPResponse:
    """Floor: 50 rows of one community in deadline order, as Tortoise model objects."""
    c = int(request.args.get("community_id", "1"))
    rows = await Report.filter(community_id=c).order_by("due_at", "id").limit(50)
    body = [
        {
            "id": r.id,
            "community_id": r.community_id,
            "category_id": r.category_id,
            "priority": r.priority.value,
            "status": r.status.value,
            "title": r.title,
            "owner_id": r.owner_id,
            "resident_id": r.resident_id,
            "created_at": r.created_at.isoformat(),
            "due_at": r.due_at.isoformat(),
        }
        for r in rows
    ]
    return HTTPResponse(orjson.dumps({"items": body}), content_type="application/json")


# Desks open around the clock: the benchmark may run at any hour, and it measures the
# daytime create, where an on-duty owner is chosen under the load-row locks.
ALL_DAY = OpeningHours.from_mapping({d: [(time(0), time(23, 59, 59, 999999))] for d in range(7)})


async def _all_day(community_id: int, using_db: object = None) -> OpeningHours:
    return ALL_DAY


def bench_app() -> Sanic:
    sla.community_hours = _all_day  # type: ignore[assignment]
    app = create_app(Settings(), name="linlibench")
    app.blueprint(floor)
    return app


def main() -> None:
    # PORT and WORKERS come from the environment, as Settings reads them.
    serve(Settings(), bench_app, motd=False)


if __name__ == "__main__":
    main()
