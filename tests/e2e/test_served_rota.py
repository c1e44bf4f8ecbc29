"""The rota solve inside a served worker: ``linli-server serve`` as a real process tree
(Sanic's workers are daemonic), a draft generated, published and re-solved for sickness,
and a street generated, all through HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from server.config import Settings
from server.models.rota import Assignment
from tests.support.factories import make_world
from tests.support.rota import MONDAY, make_rota_setup
from tests.support.served import Served, served_env

API = "/api/v1/rota"


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    server = Served(served_env(settings, RELAY_IN_SERVER="false"), tmp_path / "server.log")
    try:
        yield server
    finally:
        server.close()


async def test_generate_publish_and_resolve_in_a_served_worker(db: None, served: Served) -> None:
    world = await make_world()
    await make_rota_setup(world)
    c = world.communities[0]
    served.wait_ready()
    sec = served.login(world.staff["secretary"].username)

    body = {"start_date": MONDAY.isoformat(), "weeks": 1, "time_limit": 5}
    status, draft = served.request("POST", f"{API}/communities/{c.id}/generate", body, sec)
    assert status == 201, (draft, served.output()[-3000:])
    rota_id = draft["rota"]["id"]
    print(f"\nserved worker: one community, one week, solved in {draft['rota']['solve_seconds']}s")

    status, summary = served.request("POST", f"{API}/rotas/{rota_id}/publish", None, sec)
    assert status == 200, summary
    assert summary["status"] == "published"

    sick = world.staff["worker"]
    start, end = MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)
    sick_body = {
        "staff_id": sick.id,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "time_limit": 5,
    }
    status, resolved = served.request("POST", f"{API}/rotas/{rota_id}/sick", sick_body, sec)
    assert status == 200, (resolved, served.output()[-3000:])
    assert resolved["rota"]["status"] == "published"
    assert not await Assignment.filter(
        rota_id=rota_id, staff_id=sick.id, day__gte=start, day__lte=end
    ).exists()

    dispatcher = served.login(world.staff["dispatcher"].username)
    url = f"{API}/streets/{world.street.id}/generate"
    status, street = served.request("POST", url, body, dispatcher)
    assert status == 201, (street, served.output()[-3000:])
    items = {i["community_id"]: i for i in street["items"]}
    assert items[c.id]["status"] in ("optimal", "feasible")
    assert "Traceback" not in served.output()
