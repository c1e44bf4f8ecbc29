"""The server the visits benchmark drives: the production app plus the bare list floor.

Run by ``bench.visits_bench`` as ``python -m bench.visits_server`` with its settings in the
environment (DATABASE_URL, JWT_SECRET, PORT, WORKERS).
"""

from __future__ import annotations

import orjson
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from server.app import create_app
from server.auth.access import public
from server.cli import serve
from server.config import Settings
from server.models.geo import Household

floor = Blueprint("visitsfloor", url_prefix="/bench")


@floor.get("/floor/households")
@public
async def floor_list(request: Request) -> HTTPResponse:
    """Floor: 50 households of one community as Tortoise model objects, nothing else."""
    c = int(request.args.get("community_id", "1"))
    rows = await Household.filter(community_id=c).order_by("id").limit(50)
    body = [
        {
            "id": h.id,
            "building_id": h.building_id,
            "unit": h.unit,
            "floor": h.floor,
            "room": h.room,
            "created_at": h.created_at.isoformat(),
        }
        for h in rows
    ]
    return HTTPResponse(orjson.dumps({"items": body}), content_type="application/json")


def bench_app() -> Sanic:
    app = create_app(Settings(), name="linlivisitsbench")
    app.blueprint(floor)
    return app


def main() -> None:
    # PORT and WORKERS come from the environment, as Settings reads them.
    serve(Settings(), bench_app, motd=False)


if __name__ == "__main__":
    main()
