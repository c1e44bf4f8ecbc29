"""The rota screen against a real server: a secretary generates and publishes a draft,
sees names in the week grid and who is on duty, and decides a worker's swap request."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytest.importorskip("server.api.rota", reason="the rota API is not merged yet")

from tests.support.factories import PASSWORD, auth  # noqa: E402
from tests.support.rota import make_rota_setup  # noqa: E402
from tests.tui.conftest import LiveServer  # noqa: E402
from tests.tui.pilot import settled, sign_in, until  # noqa: E402
from tui.app import LinliApp  # noqa: E402
from tui.client import LinliClient, TokenStore  # noqa: E402
from tui.screens.rota import RotaScreen  # noqa: E402
from tui.screens.rota_forms import GenerateForm, SwapsScreen  # noqa: E402
from tui.widgets.outcome import Outcome  # noqa: E402
from tui.widgets.rota_grid import RotaTable  # noqa: E402


@pytest.fixture(autouse=True)
def _resource_tracker() -> None:
    # The in-process server solves in spawned processes; multiprocessing starts its
    # resource tracker on first use, passing stderr's descriptor, which Textual's headless
    # test driver has replaced. Start it before the terminal runs.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()


def said(app: LinliApp) -> str:
    return str(app.screen.query_one(Outcome).render())


async def test_secretary_generates_publishes_and_decides_a_swap(
    live_server: LiveServer, token_file: Path
) -> None:
    world = live_server.world
    setup = await make_rota_setup(world)
    secretary = world.staff["secretary"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, secretary.username, PASSWORD)
        await until(pilot, lambda: app.me is not None, "signed in")
        await pilot.press("f3")
        await settled(pilot, RotaScreen)
        screen = app.screen
        assert isinstance(screen, RotaScreen)

        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GenerateForm), "generate form")
        app.screen.query_one("#weeks").value = "1"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.grid is not None, "draft solved", tries=1500)
        assert screen.grid is not None and screen.grid.rota.status == "draft"
        assert "Draft #" in said(app)

        table = screen.query_one(RotaTable)
        assert table.row_count > 0
        on_grid = {s.name for c in screen.grid.cells for s in c.staff}
        assert on_grid & {s.display_name for s in setup.staff}

        await pilot.press("P")
        await until(
            pilot,
            lambda: screen.grid is not None and screen.grid.rota.status == "published",
            "published",
        )
        assert "published" in said(app)

        # A worker on the rota asks to hand one of their shifts to a colleague.
        mine = next(
            (c, s)
            for c in screen.grid.cells
            for s in c.staff
            if s.staff_id != secretary.id and not s.trainee
        )
        cell, slot = mine
        other = next(x for x in setup.staff if x.id not in {s.staff_id for s in cell.staff})
        requester = next(x for x in setup.staff if x.id == slot.staff_id)
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            r = await http.post(
                f"/api/v1/rota/rotas/{screen.grid.rota.id}/swaps",
                json={"assignment_id": slot.assignment_id, "counterpart_id": other.id},
                headers=auth(live_server.app, requester),
            )
        assert r.status_code == 201, r.text

        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, SwapsScreen), "swaps")
        swaps = app.screen
        assert isinstance(swaps, SwapsScreen)
        await until(pilot, lambda: len(swaps.swaps) == 1, "swap listed")
        await pilot.press("y")
        await until(pilot, lambda: swaps.swaps and swaps.swaps[0].status != "pending", "decided")
        outcome = str(swaps.query_one(Outcome).render())
        assert swaps.swaps[0].status == "approved" or "✕" in outcome
        await pilot.press("escape")
        await settled(pilot, RotaScreen)
