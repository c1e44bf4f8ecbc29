"""A cursor key redraws only the rows it changed, and every line still looks exactly as
Textual's own table would draw it (wide Chinese titles included)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.segment import Segment
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tests.tui.test_report_table_paging import One, rows
from tui.widgets.report_table import ReportTable


def segments(strip: Any) -> list[tuple[str, Any]]:
    return [(s.text, s.style) for s in strip if isinstance(s, Segment)]


def stock_line(table: ReportTable, y: int) -> list[tuple[str, Any]]:
    """The line as ``DataTable`` itself draws it, from its own (cleared) caches."""
    table._line_cache.clear()
    table._row_render_cache.clear()
    scroll_x, scroll_y = table.scroll_offset
    if y >= table.header_height:
        y += scroll_y
    width = table.size.width
    return segments(DataTable._render_line(table, y, scroll_x, scroll_x + width, table.rich_style))


def drawn_line(table: ReportTable, y: int) -> list[tuple[str, Any]]:
    table._line_style = table.rich_style  # as render_lines sets it for one render
    try:
        return segments(table.render_line(y))
    finally:
        table._line_style = None


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_lines_are_those_of_textual_table(size: tuple[int, int]) -> None:
    app = One()
    async with app.run_test(size=size) as pilot:
        table = app.query_one(ReportTable)
        table.show(rows(range(120)))
        await pilot.pause()
        # Top, mid-screen, scrolled by one line at a time, and far down.
        targets = (0, 5, size[1] - 2, size[1] - 1, size[1], 70, 119)
        for target, hover in [(t, None) for t in targets] + [(3, 3), (3, 4)]:
            if hover is not None:  # the mouse over a row
                table._set_hover_cursor(True)
                table.hover_coordinate = Coordinate(hover, 2)
            table.move_cursor(row=target)
            await pilot.pause()
            for y in range(table.size.height):
                # Twice: the second comes from the cache, keyed per row, not per cursor.
                for _ in range(2):
                    assert drawn_line(table, y) == stock_line(table, y), (target, hover, y)


async def test_a_cursor_key_redraws_only_the_rows_it_changed() -> None:
    app = One()
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(ReportTable)
        table.show(rows(range(200)))
        table.move_cursor(row=40)  # below the first screen: the next keys scroll
        await pilot.pause()
        await pilot.pause()
        drawn: list[object] = []
        draw = table._render_line_in_row

        def spy(row_key: Any, *args: Any, **kw: Any) -> Any:
            drawn.append(row_key.value)
            return draw(row_key, *args, **kw)

        table._render_line_in_row = spy  # type: ignore[method-assign]
        for _ in range(3):
            before = table.scroll_y
            drawn.clear()
            await pilot.press("down")
            await pilot.pause()
            assert table.scroll_y == before + 1  # the whole table was repainted
            # At most the row left, the row landed on and the one scrolled in beneath it
            # (any of them may come from the cache); Textual's table redraws every
            # visible row here.
            new = 5000 + table.cursor_row
            assert str(new) in drawn
            assert set(drawn) <= {str(new - 1), str(new), str(new + 1)}
            assert len(drawn) == len(set(drawn))


async def test_a_next_page_keeps_the_drawn_lines_and_a_changed_row_is_redrawn() -> None:
    app = One()
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(ReportTable)
        table.show(rows(range(50)))
        table.move_cursor(row=40)
        await pilot.pause()
        await pilot.pause()
        drawn: list[str] = []
        draw = table._render_line_in_row

        def spy(row_key: Any, *args: Any, **kw: Any) -> Any:
            drawn.append(str(row_key.value))
            return draw(row_key, *args, **kw)

        table._render_line_in_row = spy  # type: ignore[method-assign]
        table.show(rows(range(50, 100)), append=True)
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        new = 5000 + table.cursor_row
        assert new == 5041
        assert set(drawn) <= {str(new - 1), str(new), str(new + 1)}  # not the whole screen
        for y in range(table.size.height):
            assert drawn_line(table, y) == stock_line(table, y), y

        # A row shown again with a new title (it moved between pages) is drawn anew.
        y = table.cursor_row - int(table.scroll_y) + table.header_height
        table.show(rows(range(41, 42), title="换了标题"), append=True)
        await pilot.pause()
        assert "换了标题" in "".join(text for text, _ in drawn_line(table, y))
        assert drawn_line(table, y) == stock_line(table, y)


async def test_walking_far_keeps_few_cells_and_draws_the_same() -> None:
    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ReportTable)
        table.show(rows(range(300)))
        await pilot.pause()
        for key in ["down"] * 70 + ["up"] * 25:
            await pilot.press(key)
        await pilot.pause()
        # Textual keeps up to 10,000 rendered cells, each a few dozen objects that the
        # cycle collector walks in its full passes; the kept lines make most of them idle.
        assert len(table._cell_render_cache) <= 500
        assert len(table._strips) <= 400
        for y in range(table.size.height):
            assert drawn_line(table, y) == stock_line(table, y), y
