"""The board's own behaviour on the canned street: search in Chinese, filters, paging and
tabs each ask the server for the right page; nothing is loaded beyond what is shown."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.screen import Screen
from textual.widgets import Select, Tabs

from schemas.reports import ReportPage
from tests.tui.canned import canned_app
from tests.tui.pilot import settled, type_text, until
from tui.messages import PageArrived
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


async def test_palette_offers_the_screens_actions(tmp_path: Path) -> None:
    from tui.screens.detail import DetailScreen

    app = canned_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, BoardScreen)
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: table.row_count == 8, "first page")
        board_titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Accept", "Filter", "Help", "Sign out"} <= board_titles

        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), "detail")
        screen = app.screen
        await until(pilot, lambda: screen.report is not None, "report")  # type: ignore[attr-defined]
        titles = {c.title for c in app.get_system_commands(screen)}
        # The canned report allows dispatch and resolve but not close or accept.
        assert {"Dispatch 派单", "Resolve 办理", "Note 内部", "Escalate 约请/联席"} <= titles
        assert "回访+close 办结" not in titles and "Accept 受理" not in titles


async def test_a_tab_key_is_drawn_before_its_page_replaces_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebuilding the table and drawing it cold takes tens of ms; the frame answering the
    key must not wait for it, however fast the page comes back (here: at once)."""
    shown: list[str] = []  # the active tab at each table rebuild
    frames: list[tuple[str, int]] = []  # the active tab and rebuilds so far, at each frame
    rebuild, refresh = ReportTable.show, Screen._compositor_refresh

    def show(table: ReportTable, rows: list[Any], *, append: bool = False) -> None:
        shown.append(str(table.screen.query_one(Tabs).active))
        rebuild(table, rows, append=append)

    def compositor_refresh(screen: Screen[Any]) -> None:
        refresh(screen)
        if isinstance(screen, BoardScreen):
            frames.append((str(screen.query_one(Tabs).active), len(shown)))

    monkeypatch.setattr(ReportTable, "show", show)
    monkeypatch.setattr(Screen, "_compositor_refresh", compositor_refresh)
    app = canned_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, BoardScreen)
        await until(pilot, lambda: len(shown) == 1, "first page")
        frames.clear()
        app.screen.query_one(ReportTable).focus()
        await pilot.press("2")
        await until(pilot, lambda: len(shown) == 2, "the Mine page")
        first = next(f for f in frames if f[0] == "tab-mine")
        assert first == ("tab-mine", 1)  # the new tab on screen, the old page still below


async def test_a_page_asked_for_before_the_last_load_is_dropped(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, BoardScreen)
        board = app.screen
        assert isinstance(board, BoardScreen)
        table = board.query_one(ReportTable)
        await until(pilot, lambda: table.row_count == 8, "first page")
        stale = ReportPage(items=[], next_cursor=None, counts=None)
        board.post_message(PageArrived(stale, append=False, generation=board.generation - 1))
        board.post_message(PageArrived(stale, append=True, generation=board.generation - 1))
        await pilot.pause()
        assert table.row_count == 8
        board.post_message(PageArrived(stale, append=False, generation=board.generation))
        await until(pilot, lambda: table.row_count == 0, "the current load's page shown")


async def test_the_heap_at_start_is_kept_out_of_full_collections(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, BoardScreen)
        assert gc.get_freeze_count() > 10_000  # the imported modules, at least
    assert gc.get_freeze_count() == 0  # handed back when the terminal closes


async def test_a_new_page_leaves_the_old_one_to_plain_reference_counting(
    tmp_path: Path,
) -> None:
    """The table's render caches used to be dropped as reference cycles, about 1,700
    objects per page here for the full collection to find (pauses of 100 ms and more on
    the bench); what is left (about 650) is Textual's line strips caching themselves."""
    app = canned_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot, BoardScreen)
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: table.row_count == 8, "first page")
        rows = [table.reports[rid] for rid in table.order]
        gc.collect()
        gc.disable()
        try:
            for _ in range(5):
                table.show(list(reversed(rows)))
                await pilot.pause()
                assert table.row_count == 8
            unreachable = gc.collect()
        finally:
            gc.enable()
    assert unreachable / 5 < 1000, unreachable
