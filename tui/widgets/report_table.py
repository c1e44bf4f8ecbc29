"""The triage table: one row per report, columns sized to the terminal, live rows lit up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from schemas.directory import DepartmentPublic, StaffPublic
from schemas.reports import CategoryOut, ReportRow
from tui.messages import NamesArrived
from tui.widgets.cells import (
    age_text,
    countdown_text,
    fit,
    priority_text,
    short_place,
    status_text,
)
from tui.widgets.row_table import RowTable

HIGHLIGHT = "on #1f4d2b"
HIGHLIGHT_SECONDS = 8.0


@dataclass
class Labels:
    """Names for the ids a row carries; filled as the terminal learns them."""

    me_id: int = 0
    categories: dict[str, str] = field(default_factory=dict)
    communities: dict[int, str] = field(default_factory=dict)
    staff: dict[int, str] = field(default_factory=dict)
    departments: dict[int, str] = field(default_factory=dict)
    staff_list: list[StaffPublic] = field(default_factory=list)
    category_list: list[CategoryOut] = field(default_factory=list)
    department_list: list[DepartmentPublic] = field(default_factory=list)

    def owner(self, owner_id: int | None) -> str:
        if owner_id is None:
            return "—"
        if owner_id == self.me_id:
            return "我 me"
        return self.staff.get(owner_id, f"#{owner_id}")

    def community(self, cid: int) -> str:
        return self.communities.get(cid, f"#{cid}")

    def category(self, code: str) -> str:
        return self.categories.get(code, code)

    def department(self, did: int) -> str:
        return self.departments.get(did, f"#{did}")

    def learn(self, msg: NamesArrived) -> None:
        if msg.communities is not None:
            self.communities.update({c.id: c.name for c in msg.communities})
        if msg.departments is not None:
            self.departments.update({d.id: d.name for d in msg.departments})
            self.department_list = msg.departments
        if msg.staff is not None:
            self.staff.update({s.id: s.display_name for s in msg.staff})
            self.staff_list = msg.staff
        if msg.categories is not None:
            self.categories.update({c.code: c.name for c in msg.categories})
            self.category_list = msg.categories


# (key, header, narrow width, wide width); the title takes whatever is left.
COLUMNS = [
    ("id", "#", 5, 7),
    ("priority", "级", 4, 4),
    ("due", "时限", 7, 9),
    ("category", "类别", 8, 10),
    ("community", "社区", 4, 12),
    ("age", "已过", 5, 6),
    ("owner", "负责人", 6, 12),
    ("status", "状态", 6, 6),
]
WIDE = 110


class ReportTable(RowTable[Text]):
    """Rows keyed by report id so live updates replace in place and the cursor stays put."""

    DEFAULT_CSS = """
    ReportTable { height: 1fr; }
    """

    @dataclass
    class NearEnd(Message):
        """The cursor is close to the last loaded row: time to fetch the next page."""

    @dataclass
    class Opened(Message):
        report_id: int

    def __init__(self, labels: Labels, clock: Callable[[], datetime], **kw: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)  # type: ignore[arg-type]
        self.labels = labels
        self.clock = clock
        self.reports: dict[int, ReportRow] = {}
        self.order: list[int] = []
        self.lit: set[int] = set()
        self._title_width = 0

    def on_mount(self) -> None:
        self._layout()

    def on_resize(self) -> None:
        if self._layout():
            self.redraw()

    def _layout(self) -> bool:
        width = self.size.width or 80
        wide = width >= WIDE
        fixed = sum((w if wide else n) + 2 for _, _, n, w in COLUMNS)
        # The vertical scrollbar takes its columns from the table as soon as the rows
        # overflow; a table one cell wider than what is left gained a horizontal scrollbar
        # too, which hid a row and cut the last cell of every title.
        title = max(10, width - self.styles.scrollbar_size_vertical - fixed - 2)
        if title == self._title_width and self.columns:
            return False
        self._title_width = title
        self.clear(columns=True)
        for key, header, narrow, wide_w in COLUMNS:
            self.add_column(header, width=wide_w if wide else narrow, key=key)
        self.add_column("标题", width=title, key="title")
        return True

    def _cells(self, r: ReportRow, now: datetime) -> list[Text]:
        lit = HIGHLIGHT if r.id in self.lit else ""
        cells = [
            Text(str(r.id), style="dim"),
            priority_text(r.priority),
            countdown_text(r.due_at, now, paused=r.paused),
            fit(self.labels.category(r.category), self.columns["category"].width),  # type: ignore[index]
            self._community(r.community_id),
            age_text(r.created_at, now),
            fit(self.labels.owner(r.owner_id), self.columns["owner"].width),  # type: ignore[index]
            status_text(r.status),
            fit(r.title, self._title_width),
        ]
        if lit:
            for c in cells:
                c.stylize(lit)
        return cells

    def _community(self, cid: int) -> Text:
        width = self.columns["community"].width  # type: ignore[index]
        name = self.labels.community(cid)
        return fit(name if width >= 10 else short_place(name), width)

    # -- data ------------------------------------------------------------------
    def show(self, rows: list[ReportRow], *, append: bool = False) -> None:
        """A new first page replaces the table; a next page only adds its rows (rebuilding
        every row loaded so far would land in the frame of whichever key comes next)."""
        if append and self.columns:
            now = self.clock()
            keys = [c.value for c in self.columns]
            for r in rows:
                cells = self._cells(r, now)
                if r.id in self.reports:  # already shown (it moved between pages): refresh
                    for key, cell in zip(keys, cells, strict=True):
                        self.update_cell(str(r.id), key, cell)  # type: ignore[arg-type]
                else:
                    self.order.append(r.id)
                    self.add_row(*cells, key=str(r.id))
                self.reports[r.id] = r
            return
        if not append:
            self.reports.clear()
            self.order.clear()
        for r in rows:
            if r.id not in self.reports:
                self.order.append(r.id)
            self.reports[r.id] = r
        self.redraw()

    def upsert(self, row: ReportRow, *, first: bool = False) -> None:
        """Put a changed or arriving row in place and light it up for a few seconds."""
        if row.id not in self.reports:
            if first:
                self.order.insert(0, row.id)
            else:
                self.order.append(row.id)
        self.reports[row.id] = row
        self.lit.add(row.id)
        self.redraw()
        self.set_timer(HIGHLIGHT_SECONDS, lambda: self._unlight(row.id))

    def drop(self, report_id: int) -> None:
        if self.reports.pop(report_id, None) is not None:
            self.order.remove(report_id)
            self.redraw()

    def _unlight(self, report_id: int) -> None:
        if report_id in self.lit:
            self.lit.discard(report_id)
            if report_id in self.reports:
                self.redraw()

    def redraw(self) -> None:
        if not self.columns:
            return
        now = self.clock()
        keep = self.current_id
        self.clear()
        for rid in self.order:
            self.add_row(*self._cells(self.reports[rid], now), key=str(rid))
        if keep is not None and keep in self.reports:
            self.move_cursor(row=self.order.index(keep), scroll=False)

    def tick(self) -> None:
        """Countdowns move with the clock; refresh them without touching the cursor."""
        now = self.clock()
        for rid in self.order:
            r = self.reports[rid]
            self.update_cell(str(rid), "due", countdown_text(r.due_at, now, paused=r.paused))
            self.update_cell(str(rid), "age", age_text(r.created_at, now))

    @property
    def current_id(self) -> int | None:
        if not self.order or self.cursor_row < 0 or self.cursor_row >= len(self.order):
            return None
        return self.order[self.cursor_row]

    def watch_cursor_coordinate(self, old: object, new: object) -> None:
        super().watch_cursor_coordinate(old, new)  # type: ignore[arg-type]
        if self.order and self.cursor_row >= len(self.order) - 5:
            self.post_message(self.NearEnd())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Opened(int(event.row_key.value)))
