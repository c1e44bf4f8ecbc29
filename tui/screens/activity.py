"""The live feed as it arrives: every event this person may see, newest first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from tui.client import LiveEvent
from tui.screens.base import LinliScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.status_bar import StatusBar

TOPIC_LABEL = {
    "report.created": "new report 新报事",
    "report.assigned": "assigned 分派",
    "report.accepted": "accepted 受理",
    "report.status_changed": "status 状态",
    "report.dispatched": "dispatched 派单",
    "report.commented": "comment 留言",
    "report.overdue": "overdue 超时",
    "report.escalated": "escalated 升级",
    "report.merged": "merged 合并",
    "report.recalled": "recalled 撤回派单",
    "report.withdrawn": "withdrawn 居民撤回",
    "rota.published": "rota published 排班发布",
    "rota.changed": "rota changed 排班变更",
    "visit.logged": "visit 走访",
}
KEEP = 500  # enough for a shift; older events are on the board and timelines anyway


def describe(event: LiveEvent) -> Text:
    p = event.payload
    parts = [str(p[k]) for k in ("title", "status", "category") if p.get(k)]
    if event.report_id is not None:
        parts.insert(0, f"#{event.report_id}")
    return Text(" · ".join(parts) or event.id)


class ActivityScreen(LinliScreen):
    """A running log, so nothing that happened while looking elsewhere goes unseen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "clear", "Clear log"),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        table: DataTable[Text | str] = DataTable(
            id="activity", cursor_type="row", zebra_stripes=True
        )
        table.add_column("time", width=8, key="at")
        table.add_column("event", width=22, key="topic")
        table.add_column("what", key="what")
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.linli.live_signal.subscribe(self, self.add_event)

    def add_event(self, event: LiveEvent) -> None:
        table = self.query_one("#activity", DataTable)
        at = self.now().astimezone(self.linli.zone).strftime("%H:%M:%S")
        label = TOPIC_LABEL.get(event.topic, event.topic)
        style = "bold red" if event.topic == "report.overdue" else ""
        table.add_row(at, Text(label, style=style), describe(event))
        # DataTable appends; keep the newest on top by moving the cursor there instead of
        # re-sorting, and drop the oldest rows so a long shift cannot grow memory.
        if table.row_count > KEEP:
            table.remove_row(next(iter(table.rows)))
        table.move_cursor(row=table.row_count - 1)

    def action_clear(self) -> None:
        self.query_one("#activity", DataTable).clear()
