"""A fresh demo street through the terminal: every desk a secretary and a worker open
shows work (what ``make run`` then ``make tui`` shows a visitor)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.widgets import Static

from server.broker import Broker
from server.config import Settings
from server.seed import DEMO_PASSWORD, seed_demo
from tests.tui.conftest import start_server, stop_server
from tests.tui.pilot import settled, sign_in, until
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.board import BoardScreen
from tui.screens.rota import RotaScreen
from tui.screens.visits import VisitsScreen
from tui.widgets.report_table import ReportTable


@pytest.fixture
async def demo_url(settings: Settings, db: None, broker: Broker) -> AsyncIterator[str]:
    app, server, port = await start_server(settings, broker)
    await seed_demo()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await stop_server(app, server)


@pytest.mark.parametrize("username", ["sec_hf", "hf1"])
async def test_every_desk_shows_work(demo_url: str, username: str, tmp_path: Path) -> None:
    app = LinliApp(LinliClient(demo_url, TokenStore(tmp_path / "t.json")), live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, username, DEMO_PASSWORD)
        await settled(pilot, BoardScreen)
        table = app.screen.query_one(ReportTable)
        # A worker owns some of the street's matters; the secretary sees them all.
        await pilot.press("5" if username.startswith("sec") else "2")
        await until(pilot, lambda: table.row_count > 0, "reports")

        await pilot.press("f3")
        await settled(pilot, RotaScreen)
        rota = app.screen
        await until(pilot, lambda: rota.grid is not None, "the published rota")  # type: ignore[attr-defined]
        assert rota.grid.rota.status == "published"  # type: ignore[attr-defined]
        duty = str(rota.query_one("#rota-duty", Static).render())
        assert "no published rota" not in duty

        await pilot.press("f4")
        await settled(pilot, VisitsScreen)
        visits = app.screen
        if username.startswith("sec"):  # no grid of her own: the community's coverage
            await pilot.press("c")
            await until(pilot, lambda: visits.coverage is not None, "coverage")  # type: ignore[attr-defined]
            assert visits.coverage.total.households > 0  # type: ignore[attr-defined]
            return
        await until(pilot, lambda: bool(visits.items), "households due")  # type: ignore[attr-defined]
        assert any(i.status == "overdue" for i in visits.items)  # type: ignore[attr-defined]
