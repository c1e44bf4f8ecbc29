"""A next page adds its rows to the table; it neither rebuilds nor moves what is shown."""

from __future__ import annotations

from textual.app import App, ComposeResult

from schemas.reports import ReportRow
from tests.tui.canned import NOW, row
from tui.widgets.report_table import Labels, ReportTable


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield ReportTable(Labels(), lambda: NOW)


def rows(ids: range, title: str = "") -> list[ReportRow]:
    out = []
    for i in ids:
        r = ReportRow.model_validate(row(i % 8))
        out.append(r.model_copy(update={"id": 5000 + i, "title": title or r.title}))
    return out


async def test_next_page_appends_and_refreshes_repeats() -> None:
    app = One()
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(ReportTable)
        table.show(rows(range(0, 50)))
        table.move_cursor(row=47)
        first_row = table.get_row_at(0)
        cleared: list[bool] = []
        clear = table.clear
        table.clear = lambda columns=False: (cleared.append(columns), clear(columns))[1]  # type: ignore[method-assign]
        table.show(rows(range(49, 100), title="换了标题"), append=True)
        assert cleared == []  # nothing shown was torn down and rebuilt
        await pilot.pause()
        assert table.row_count == 100 and table.order == [5000 + i for i in range(100)]
        assert table.cursor_row == 47 and table.current_id == 5047
        assert table.get_row_at(0) == first_row  # rows already shown were not rebuilt
        assert table.reports[5049].title == "换了标题"  # a repeated row takes its new values
        assert "换了标题" in str(table.get_row_at(49)[-1])
        table.show(rows(range(0, 3)))  # a new first page replaces everything
        assert table.row_count == 3


async def test_a_long_table_scrolls_down_only() -> None:
    for size in [(80, 24), (120, 36)]:
        app = One()
        async with app.run_test(size=size) as pilot:
            table = app.query_one(ReportTable)
            table.show(rows(range(400)))
            await pilot.pause()
            await pilot.pause()
            assert table.show_vertical_scrollbar
            assert not table.show_horizontal_scrollbar, size
            # Every column, the title's last cell included, fits beside the scrollbar.
            assert table.virtual_size.width == table.scrollable_content_region.width, size
