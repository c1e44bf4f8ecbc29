"""考核 figures for secretaries, the street's dispatchers and admins: a month at a time,
per community, worker or street, with the visits beside them; saved as CSV or XLSX."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static

from schemas.kpi import KpiExportQuery, KpiGroup, KpiQuery, KpiReport, KpiRow
from tui.client import ApiError
from tui.messages import ActionDone
from tui.screens.base import LinliScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.status_bar import StatusBar

GROUPS: list[KpiGroup] = ["community", "worker", "street"]
GROUP_LABEL = {
    "community": "per community 按居委",
    "worker": "per worker 按社工",
    "street": "per street 按街道",
}
COLUMNS = (
    ("name", "名称", 16),
    ("received", "受理量", 6),
    ("accept", "按时受理", 8),
    ("resolve", "按时办理", 8),
    ("accept_m", "受理中位", 8),
    ("resolve_m", "办理中位", 8),
    ("reopen", "重开率", 6),
    ("rating", "满意度", 8),
    ("visits", "走访覆盖", 12),
)


@dataclass
class KpiArrived(Message):
    report: KpiReport


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def export_dir() -> Path:
    """Where saved spreadsheets go: LINLI_EXPORT_DIR, or the directory the terminal runs in."""
    return Path(os.environ.get("LINLI_EXPORT_DIR") or Path.cwd())


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


def _minutes(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v / 60:.1f}h" if v >= 120 else f"{v:.0f}m"


def cells(r: KpiRow) -> list[Text | str]:
    rating = "—" if r.satisfaction is None else f"{r.satisfaction:.1f} ({r.rated})"
    visits = f"{r.households_met}户 {_pct(r.visit_coverage)}" if r.households else f"{r.visits}次"
    late = r.accept_on_time_rate is not None and r.accept_on_time_rate < 0.9
    return [
        r.name,
        str(r.received),
        Text(_pct(r.accept_on_time_rate), style="red" if late else ""),
        _pct(r.resolve_on_time_rate),
        _minutes(r.median_accept_minutes),
        _minutes(r.median_resolve_minutes),
        _pct(r.reopen_rate),
        rating,
        visits,
    ]


class KpiScreen(LinliScreen):
    """One month of figures; [ and ] step through months, g changes the grouping."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "month(-1)", "◀ Month"),
        Binding("right_square_bracket", "month(1)", "Month ▶"),
        Binding("g", "group", "Group 分组"),
        Binding("s", "save('csv')", "Save CSV"),
        Binding("x", "save('xlsx')", "Save XLSX"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group: KpiGroup = "community"
        self.start: date | None = None
        self.end: date | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static("考核 …", id="kpi-title")
        table: DataTable[Text | str] = DataTable(id="kpi-table", cursor_type="row")
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Outcome(id="kpi-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.start, self.end = month_of(self.now().astimezone(self.linli.zone).date())
        self.query_one("#kpi-table").focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def query_now(self) -> KpiQuery:
        assert self.start is not None and self.end is not None
        return KpiQuery(start=self.start, end=self.end, group=self.group)

    @work(exclusive=True, group="kpi-load")
    async def load(self) -> None:
        try:
            report = await self.client.kpi(self.query_now())
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(KpiArrived(report))

    def on_kpi_arrived(self, msg: KpiArrived) -> None:
        r = msg.report
        self.query_one("#kpi-title", Static).update(
            Text.assemble(
                ("考核 figures ", "bold"),
                f"{r.start} – {r.end}  {GROUP_LABEL[r.group]}  ",
                ("on time = within the working-time deadline; 中位 = median working time", "dim"),
            )
        )
        table = self.query_one("#kpi-table", DataTable)
        table.clear()
        for row in r.rows:
            table.add_row(*cells(row), key=row.key)
        if not r.rows:
            table.add_row("No reports or visits in this period 本期无数据", *[""] * 8, key="none")
        table.add_row(*[Text(str(c), style="bold") for c in cells(r.total)], key="total")

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def action_reload(self) -> None:
        self.load()

    def action_month(self, step: int) -> None:
        if self.start is None:
            return
        pivot = self.start - timedelta(days=1) if step < 0 else self.start + timedelta(days=32)
        self.start, self.end = month_of(pivot)
        self.load()

    def action_group(self) -> None:
        self.group = GROUPS[(GROUPS.index(self.group) + 1) % len(GROUPS)]
        self.load()

    @work(exclusive=True, group="kpi-save")
    async def action_save(self, fmt: str) -> None:
        q = KpiExportQuery(**self.query_now().model_dump(), format=fmt)  # type: ignore[arg-type]
        try:
            data = await self.client.kpi_export(q)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        path = export_dir() / f"kpi-{q.group}-{q.start}-{q.end}.{fmt}"
        try:
            await asyncio.to_thread(path.write_bytes, data)
        except OSError as exc:
            self.post_message(ActionDone(f"Could not save {path}: {exc.strerror}", ok=False))
            return
        self.post_message(ActionDone(f"Saved {path} 已保存"))
