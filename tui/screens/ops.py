"""Notification operations for secretaries and admins: relay health, dead letters, retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static

from schemas.notify import DeliveryPage, DeliveryQuery, QueueStats
from tui.client import ApiError
from tui.messages import ActionDone
from tui.screens.base import LinliScreen
from tui.widgets.cells import span
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.status_bar import StatusBar

State = Literal["dead", "failing"]


@dataclass
class OpsArrived(Message):
    stats: QueueStats | None
    page: DeliveryPage | None
    append: bool


def stats_table(s: QueueStats, now: datetime) -> Table:
    t = Table(expand=True, box=None, padding=(0, 1))
    for col in ("channel", "pending", "due", "retrying", "in flight", "sent", "skipped", "dead"):
        t.add_column(col, justify="right" if col != "channel" else "left")
    for c in s.channels:
        dead = Text(str(c.dead), style="bold red" if c.dead else "")
        t.add_row(
            c.channel,
            str(c.pending),
            str(c.due_now),
            str(c.retrying),
            str(c.in_flight),
            str(c.sent),
            str(c.skipped),
            dead,
        )
    age = span(now - s.outbox_oldest_at) if s.outbox_oldest_at else "—"
    t.caption = (
        f"outbox waiting {s.outbox_unprocessed} (oldest {age}) · "
        f"failures in the last hour {s.failures_last_hour}"
    )
    t.caption_justify = "left"
    return t


class OpsScreen(LinliScreen):
    """Is the relay keeping up, and what did it give up on? Retry puts a letter back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "retry", "Retry letter"),
        Binding("s", "toggle_state", "Dead/failing"),
        Binding("r", "reload", "Reload"),
        Binding("n", "more", "More"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state: State = "dead"
        self.before_id: int | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static("relay …", id="ops-stats")
        yield Static("", id="ops-title")
        table: DataTable[Text | str] = DataTable(id="ops-letters", cursor_type="row")
        for key, label, width in (
            ("id", "#", 7),
            ("topic", "topic", 20),
            ("channel", "ch", 7),
            ("tries", "tries", 5),
            ("why", "reason", None),
        ):
            table.add_column(label, key=key, width=width)
        yield table
        yield Outcome(id="ops-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#ops-letters").focus()
        self.load()
        self.set_interval(15, self._auto)

    def refresh_data(self) -> None:
        self.load()

    def _auto(self) -> None:
        if self.is_current:
            self.load()

    @work(exclusive=True, group="ops-load")
    async def load(self, before_id: int | None = None) -> None:
        stats = page = None
        try:
            if before_id is None:
                stats = await self.client.relay_stats()
            page = await self.client.deliveries(
                DeliveryQuery(state=self.state, before_id=before_id, limit=50)
            )
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            if stats is None:
                return
        self.post_message(OpsArrived(stats, page, append=before_id is not None))

    def on_ops_arrived(self, msg: OpsArrived) -> None:
        if msg.stats is not None:
            self.query_one("#ops-stats", Static).update(stats_table(msg.stats, self.now()))
        if msg.page is None:
            return
        title = "Dead letters 死信" if self.state == "dead" else "Failing, will retry 重试中"
        self.query_one("#ops-title", Static).update(Text(title, style="bold"))
        table = self.query_one("#ops-letters", DataTable)
        keep = table.cursor_row
        if not msg.append:
            table.clear()
        for d in msg.page.items:
            why = d.dead_reason or d.last_error or ""
            table.add_row(
                str(d.id),
                d.topic,
                d.channel,
                str(d.attempts),
                Text(why, style="red"),
                key=str(d.id),
            )
        if not msg.append and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self.before_id = msg.page.next_before_id

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def action_reload(self) -> None:
        self.load()

    def action_more(self) -> None:
        if self.before_id is not None:
            self.load(self.before_id)

    def action_toggle_state(self) -> None:
        self.state = "failing" if self.state == "dead" else "dead"
        self.load()

    def action_retry(self) -> None:
        table = self.query_one("#ops-letters", DataTable)
        if self.state != "dead" or not table.row_count:
            self.say("Only dead letters can be retried; failing ones retry by themselves", False)
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self.retry(int(key))

    @work(exclusive=True, group="ops-retry")
    async def retry(self, delivery_id: int) -> None:
        try:
            d = await self.client.retry_delivery(delivery_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(ActionDone(f"Letter #{d.id} queued again ({d.status})"))
        self.load()

    @on(DataTable.RowSelected, "#ops-letters")
    def _selected(self) -> None:
        self.action_retry()
