"""The 考核 screen: this month's figures for the secretary's community, per worker with g,
and saved as CSV and XLSX files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.support.factories import PASSWORD
from tests.tui.conftest import LiveServer
from tests.tui.pilot import sign_in, until
from tests.tui.test_triage import outcome_text, resident_report
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.board import BoardScreen
from tui.screens.kpi import KpiScreen


def files(where: Path, pattern: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted(where.glob(pattern))]


def cell(app: LinliApp, row: str, col: str) -> str:
    table = app.screen.query_one("#kpi-table", DataTable)
    return str(table.get_cell(row, col))


async def test_kpi_screen_groups_and_saves(
    live_server: LiveServer, token_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    monkeypatch.setenv("LINLI_EXPORT_DIR", str(tmp_path))
    world = live_server.world
    for text in ("楼道灯坏了", "垃圾没人清运"):
        await resident_report(live_server, text)
    secretary = next(
        s
        for s in world.staff.values()
        if s.role == "secretary" and s.community_id == world.communities[0].id
    )
    c0 = f"community:{world.communities[0].id}"
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, secretary.username, PASSWORD)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "board")
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(app.screen, KpiScreen), "kpi screen")
        table = app.screen.query_one("#kpi-table", DataTable)
        await until(pilot, lambda: c0 in [k.value for k in table.rows], "figures loaded")
        assert cell(app, c0, "received") == "2" and cell(app, "total", "received") == "2"
        title = str(app.screen.query_one("#kpi-title", Static).render())
        assert "per community" in title

        await pilot.press("g")
        await until(
            pilot,
            lambda: "per worker" in str(app.screen.query_one("#kpi-title", Static).render()),
            "per worker",
        )  # noqa: E501
        await until(
            pilot,
            lambda: any(str(k.value).startswith("worker:") for k in table.rows),
            "worker rows",
        )  # noqa: E501

        await pilot.press("s")
        await until(pilot, lambda: "Saved" in outcome_text(app), "csv saved")
        saved = files(tmp_path, "kpi-worker-*.csv")
        assert len(saved) == 1 and "受理量" in saved[0].decode("utf-8-sig")
        await pilot.press("x")
        await until(pilot, lambda: files(tmp_path, "kpi-worker-*.xlsx"), "xlsx saved")
        book = load_workbook(io.BytesIO(files(tmp_path, "*.xlsx")[0]))
        assert book.active is not None and book.active.max_row >= 3

        # Last month has none of today's reports.
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: "none" in [k.value for k in table.rows], "empty month")
        assert cell(app, "total", "received") == "0"
