"""A report's whole life driven through the terminal against a real server.

The worker accepts and dispatches, the department officer takes the leg and reports back,
the worker resolves, records the 回访 and closes; each step lands in the timeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("server.services.reports", reason="the reports API is not merged yet")

from textual.widgets import Select, TextArea  # noqa: E402

from tests.support.factories import PASSWORD, auth  # noqa: E402
from tests.tui.conftest import LiveServer  # noqa: E402
from tests.tui.pilot import open_from_board, sign_in, type_text, until  # noqa: E402
from tui.app import LinliApp  # noqa: E402
from tui.client import LinliClient, TokenStore  # noqa: E402
from tui.screens.board import BoardScreen  # noqa: E402
from tui.screens.detail import DetailScreen  # noqa: E402
from tui.screens.forms import NoteForm  # noqa: E402
from tui.screens.handoff_forms import DispatchForm, LegReportForm  # noqa: E402
from tui.widgets.outcome import Outcome  # noqa: E402


async def resident_report(live: LiveServer, text: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live.url) as http:
        r = await http.post(
            "/api/v1/reports/",
            json={"category": "sanitation", "description": text},
            headers=auth(live.app, live.resident),
        )
    assert r.status_code == 201, r.text
    return r.json()["report"]


def outcome_text(app: LinliApp) -> str:
    return str(app.screen.query_one(Outcome).render())


def detail(app: LinliApp) -> DetailScreen:
    assert isinstance(app.screen, DetailScreen), app.screen
    return app.screen


async def write_note(pilot: Any, app: LinliApp, text: str) -> None:
    await until(pilot, lambda: isinstance(app.screen, NoteForm), "note form")
    app.screen.query_one("#note", TextArea).insert(text)
    await pilot.press("ctrl+s")


async def test_report_lifecycle_through_the_terminal(
    live_server: LiveServer, token_file: Path
) -> None:
    world = live_server.world
    made = await resident_report(live_server, "3号楼楼道堆满垃圾，气味很大")
    rid = made["id"]
    worker = world.staff["worker"]
    officer = world.staff["officer"]

    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, worker.username, PASSWORD)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "board")
        await open_from_board(pilot, app, rid, "1")

        await pilot.press("a")
        await until(pilot, lambda: detail(app).report.status == "accepted", "accepted")  # type: ignore[union-attr]
        assert "Accepted" in outcome_text(app)
        assert detail(app).report.owner_id == worker.id  # type: ignore[union-attr]

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DispatchForm), "dispatch form")
        app.screen.query_one("#dept-0", Select).value = world.departments["chengguan"].id
        app.screen.query_one("#hours-0").focus()
        await type_text(pilot, "8")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail(app).report.status == "dispatched", "dispatched")  # type: ignore[union-attr]
        assert "Dispatched to 城管 (8h)" in outcome_text(app)
        legs = detail(app).report.legs  # type: ignore[union-attr]
        assert [leg.department_name for leg in legs] == ["城管"]

    officer_tokens = token_file.with_name("officer.json")
    app2 = LinliApp(LinliClient(live_server.url, TokenStore(officer_tokens)), live=False)
    async with app2.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, officer.username, PASSWORD)
        await until(pilot, lambda: isinstance(app2.screen, BoardScreen), "officer board")
        await open_from_board(pilot, app2, rid, "4")
        await pilot.press("k")
        await until(
            pilot,
            lambda: detail(app2).report.legs[0].status == "accepted",
            "leg accepted",  # type: ignore[union-attr]
        )
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app2.screen, LegReportForm), "report form")
        app2.screen.query_one("#result", TextArea).insert("已清运垃圾，楼道已消毒")
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: detail(app2).report.legs[0].status == "reported",
            "reported back",  # type: ignore[union-attr]
        )

    app3 = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app3.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app3.screen, BoardScreen), "session resumed")
        await open_from_board(pilot, app3, rid, "2")
        await pilot.press("v")
        await write_note(pilot, app3, "城管已清运，现场已干净")
        await until(pilot, lambda: detail(app3).report.status == "resolved", "resolved")  # type: ignore[union-attr]
        await pilot.press("h")
        await write_note(pilot, app3, "电话回访居民，表示满意")
        await until(pilot, lambda: detail(app3).report.status == "closed", "closed")  # type: ignore[union-attr]
        assert "回访 recorded and closed" in outcome_text(app3)

        timeline = detail(app3).report.timeline  # type: ignore[union-attr]
        statuses = [e.to_status for e in timeline if e.to_status]
        for step in ("accepted", "dispatched", "resolved", "closed"):
            assert step in statuses, (step, statuses)
        notes = " ".join(e.note for e in timeline)
        assert "已清运垃圾" in notes and "电话回访" in notes


async def test_illegal_move_shows_the_servers_words(
    live_server: LiveServer, token_file: Path
) -> None:
    made = await resident_report(live_server, "路灯不亮")
    worker = live_server.world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, worker.username, PASSWORD)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "board")
        await open_from_board(pilot, app, made["id"], "1")
        # Closing a report nobody has resolved: the form is filled, the server refuses.
        screen = detail(app)
        screen._move("close", "回访", "closed")
        await until(pilot, lambda: "✕" in outcome_text(app), "refusal shown")
        text = outcome_text(app)
        assert "Not possible in this state" in text and "cannot close" in text
        assert "possible now" in text
