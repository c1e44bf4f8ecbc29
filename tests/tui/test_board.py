"""The board's own behaviour on the canned street: search in Chinese, filters, paging and
tabs each ask the server for the right page; nothing is loaded beyond what is shown."""

from __future__ import annotations

from pathlib import Path

import httpx
from textual.widgets import Select

from tests.tui.canned import canned_app
from tests.tui.pilot import settled, type_text, until
from tui.screens.board import BoardScreen
from tui.screens.forms import FilterForm
from tui.widgets.report_table import ReportTable


def queue_calls(seen: list[httpx.Request]) -> list[httpx.QueryParams]:
    return [r.url.params for r in seen if r.url.path == "/api/v1/triage/queue"]


async def test_search_filters_tabs_and_paging(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    app = canned_app(tmp_path, seen=seen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, BoardScreen)
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: table.row_count == 8, "first page")
        first = queue_calls(seen)[0]
        assert first["tab"] == "new" and first["limit"] == "50" and first["counts"] == "true"

        await pilot.press("slash")
        await type_text(pilot, "漏水")
        await pilot.press("enter")
        await until(pilot, lambda: queue_calls(seen)[-1].get("q") == "漏水", "search sent")

        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FilterForm), "filter form")
        app.screen.query_one("#status", Select).value = "submitted"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: queue_calls(seen)[-1].get("status") == "submitted", "filter")
        assert queue_calls(seen)[-1].get("q") == "漏水"  # search kept alongside the filter

        await pilot.press("3")
        await until(pilot, lambda: queue_calls(seen)[-1]["tab"] == "overdue", "tab switched")

        # Walking down to the end of the page asks for the next one by its cursor.
        before = len(queue_calls(seen))
        for _ in range(8):
            await pilot.press("down")
        await until(pilot, lambda: len(queue_calls(seen)) > before, "next page requested")
        nxt = queue_calls(seen)[-1]
        assert nxt["cursor"] == "c2" and nxt["counts"] == "false"
