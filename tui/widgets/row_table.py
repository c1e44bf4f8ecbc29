"""Textual's table with a row cursor, drawn so that a cursor key costs two rows, not a screen.

Textual's ``DataTable`` keys its line and row caches on the cursor's coordinate and on a
count of every change to the table. Once the cursor scrolls the table, every visible line
misses both caches and is rebuilt cell by cell in the frame that shows the key, and every
row added at the bottom (a next page) makes the whole screen cold again. Here each drawn
line is kept per row and per "is the cursor (or the mouse) on this row", and survives rows
being added at the end, which change no line already drawn.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import chain
from typing import Any, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import TextType
from textual._segment_tools import line_crop
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# A row the cursor (or the mouse) is not on: no row of the table has this index.
AWAY = -2
# Lines kept: a few screens of rows, each with and without the cursor on it.
LINES_KEPT = 400
# What the table keeps of its own to draw a row anew (see RowTable.__init__).
ROWS_KEPT = 100
CELLS_KEPT = 500


def unlink(cache: LRUCache[K, V]) -> None:
    """Empty a cache entry by entry.

    Textual's LRUCache links its entries in a ring; clearing it drops the ring whole, which
    leaves every cached cell, row and line as cyclic garbage (thousands of objects per page)
    for the slow full collection to find. Discarded one by one, they are freed at once.
    """
    for key in list(cache.keys()):
        cache.discard(key)


class RowTable(DataTable[CellType]):
    """A ``DataTable`` for ``cursor_type="row"`` that redraws only the lines that changed.

    A line is kept under its row's key and index, whether the cursor and the mouse are on
    that row, the widget's width, style and pseudo-classes, and an epoch. The epoch moves
    on whenever the table's own change count moves for any reason but a plain row added
    at the bottom; the table's own cache clearing (new columns, style or option changes)
    empties this cache too. Other cursor types are drawn by ``DataTable`` unchanged.
    """

    def __init__(self, **kw: Any) -> None:
        # Before the table's own set-up, which may already clear caches.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(LINES_KEPT)
        self._epoch = 0
        self._epoch_count = 0  # the table's change count the current epoch stands for
        self._line_style: Style | None = None
        super().__init__(**kw)
        # The table's own caches only feed lines that are not kept above: a row drawn
        # anew is drawn from its cells once. Textual sizes them for a table that redraws
        # every line on every key (10,000 cells, about 60,000 objects once a few pages
        # are in), all of it for the cycle collector's full passes to walk mid-key.
        self._cell_render_cache = LRUCache(CELLS_KEPT)
        self._row_render_cache = LRUCache(ROWS_KEPT)
        self._row_renderable_cache = LRUCache(ROWS_KEPT)

    # -- keeping lines -------------------------------------------------------
    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        current = self._epoch_count == self._update_count
        row_key = super().add_row(*cells, height=height, key=key, label=label)
        if current and height == 1 and label is None:
            # A plain row at the bottom moves no other row and changes none of them (a
            # label would widen the label column, a taller row needs measuring).
            self._epoch_count = self._update_count
        return row_key

    def _clear_caches(self) -> None:
        unlink(self._strips)
        unlink(self._cell_render_cache)
        unlink(self._row_render_cache)
        unlink(self._row_renderable_cache)
        unlink(self._line_cache)
        super()._clear_caches()

    def notify_style_update(self) -> None:
        unlink(self._strips)
        super().notify_style_update()

    # -- drawing -------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style walks its ancestors' backgrounds; the table asked for it once
        # per line, a tenth of a scrolled frame. It cannot change within one render.
        self._line_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._line_style = None

    def render_line(self, y: int) -> Strip:
        if self.fixed_rows or self._line_style is None:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        if y >= (self.header_height if self.show_header else 0):
            y += scroll_y
        return self._render_line(y, scroll_x, scroll_x + self.size.width, self._line_style)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        if self.cursor_type != "row":
            return super()._render_line(y, x1, x2, base_style)
        width = self.size.width
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return Strip.blank(width, base_style)
        if self._update_count != self._epoch_count:
            self._epoch += 1
            self._epoch_count = self._update_count
        row_index = self._row_locations.get(row_key)
        if row_index is None:  # the header
            row_index = -1
        # Only whether the cursor and the mouse are on this row changes how it looks; the
        # coordinates handed down are the real ones for that row, one on no row otherwise.
        cursor, hover = self.cursor_coordinate, self.hover_coordinate
        if cursor.row != row_index:
            cursor = Coordinate(AWAY, cursor.column)
        if hover.row != row_index:
            hover = Coordinate(AWAY, hover.column)
        cache_key = (
            row_key,
            line_no,
            row_index,  # zebra stripes, and the row the mouse reads from a click
            x1,
            x2,
            width,
            cursor,
            hover,
            base_style,
            self.show_cursor,
            self._show_hover_cursor,
            self._pseudo_class_state,
            self._epoch,
        )
        strip = self._strips.get(cache_key)
        if strip is not None:
            return strip
        fixed, scrollable = self._render_line_in_row(
            row_key, line_no, base_style, cursor_location=cursor, hover_location=hover
        )
        fixed_width = sum(
            column.get_render_width(self) for column in self.ordered_columns[: self.fixed_columns]
        )
        fixed_line: list[Segment] = list(chain.from_iterable(fixed)) if fixed else []
        scrollable_line: list[Segment] = list(chain.from_iterable(scrollable))
        segments = fixed_line + line_crop(scrollable_line, x1 + fixed_width, x2, width)
        strip = Strip(segments).adjust_cell_length(width, base_style).simplify()
        self._strips[cache_key] = strip
        return strip
