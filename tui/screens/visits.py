"""My households to visit, overdue first in walking order; log a visit; coverage by grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Static

from schemas.visits import (
    Coverage,
    CoverageQuery,
    CoverageRow,
    DayPlanQuery,
    DueItem,
    DueQuery,
    VisitSyncBatch,
    VisitSyncItem,
)
from tui.client import ApiError
from tui.messages import ActionDone
from tui.screens.base import LinliScreen
from tui.screens.visit_form import VisitForm, address
from tui.widgets.cells import fit
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.status_bar import StatusBar


@dataclass
class DueArrived(Message):
    items: list[DueItem]
    heading: str


@dataclass
class CoverageArrived(Message):
    coverage: Coverage


def share_bar(share: float, width: int = 10) -> Text:
    filled = round(max(0.0, min(1.0, share)) * width)
    style = "green" if share >= 0.9 else "yellow" if share >= 0.7 else "red"
    return Text("█" * filled + "░" * (width - filled) + f" {share:.0%}", style=style)


def coverage_table(title: str, rows: list[CoverageRow]) -> Table:
    t = Table(title=title, title_justify="left", expand=True, box=None, padding=(0, 1))
    t.add_column("", ratio=1, overflow="ellipsis", no_wrap=True)
    for col in ("户", "按时", "超期", "未访"):
        t.add_column(col, justify="right")
    t.add_column("覆盖 share", no_wrap=True)
    for r in rows:
        overdue = Text(str(r.overdue), style="bold red" if r.overdue else "")
        t.add_row(
            r.name,
            str(r.households),
            str(r.within_cadence),
            overdue,
            str(r.never_visited),
            share_bar(r.share),
        )
    return t


class VisitsScreen(LinliScreen):
    """Enter logs a visit to the highlighted household; the list refreshes after."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "log", "Log visit 记录"),
        Binding("p", "plan", "Today/7 days"),
        Binding("c", "coverage", "Coverage 覆盖"),
        Binding("o", "household", "Household 户档"),
        Binding("s", "order", "Overdue first 超期优先"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[DueItem] = []
        self.plan_only = False
        self.overdue_first = False
        self.coverage: Coverage | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static("", id="visits-heading")
        with ContentSwitcher(initial="visits-due", id="visits-switch"):
            table: DataTable[Text | str] = DataTable(
                id="visits-due", cursor_type="row", zebra_stripes=True
            )
            for key, label, width in (
                ("state", "状态", 8),
                ("address", "地址", 26),
                ("groups", "人群", 14),
                ("head", "户主", 8),
                ("phone", "电话", 13),
                ("last", "上次见到", 10),
            ):
                table.add_column(label, key=key, width=width)
            yield table
            with VerticalScroll(id="visits-coverage"):
                yield Static("coverage …", id="coverage-body")
        yield Outcome(id="visits-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#visits-due").focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(exclusive=True, group="visits-load")
    async def load(self) -> None:
        try:
            if self.plan_only:
                plan = await self.client.day_plan(DayPlanQuery())
                heading = (
                    f"Today's plan 今日计划 {plan.day} · {len(plan.items)} of capacity "
                    f"{plan.capacity} · left after: overdue {plan.overdue_left}, "
                    f"due {plan.due_left}"
                )
                if not plan.items:
                    heading = (
                        f"Nothing planned for {plan.day} 今日无计划 — press p for the next 7 days"
                    )
                self.post_message(DueArrived(plan.items, heading))
            else:
                order = "overdue" if self.overdue_first else "walk"
                due = await self.client.due(DueQuery(within_days=7, order=order))
                heading = (
                    f"Due within 7 days 待走访 · overdue 超期 {due.overdue} · due 到期 {due.due}"
                )
                if not due.items:
                    heading = await self.nothing_due()
                self.post_message(DueArrived(due.items, heading))
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))

    async def nothing_due(self) -> str:
        """An empty round: say when the next household comes due, and what to do now."""
        ahead = await self.client.due(DueQuery(within_days=90, limit=1))
        if ahead.items:
            return (
                f"No visits due within 7 days 暂无待走访 — next due on "
                f"{ahead.items[0].next_due:%Y-%m-%d}; press c for coverage"
            )
        return "No visits due 暂无待走访 — none in your grids for 90 days; press c for coverage"

    def on_due_arrived(self, msg: DueArrived) -> None:
        self.items = msg.items
        self.query_one("#visits-heading", Static).update(Text(msg.heading, style="bold"))
        table = self.query_one("#visits-due", DataTable)
        keep = table.cursor_row
        table.clear()
        for it in msg.items:
            if it.status == "overdue":
                state = Text(f"超期{it.days_overdue}天", style="bold red")
            else:
                state = Text(f"{it.next_due:%m-%d}", style="yellow")
            last = (
                f"{it.last_met_at.astimezone(self.linli.zone):%Y-%m-%d}" if it.last_met_at else "—"
            )
            table.add_row(
                state,
                fit(address(it), 26),
                fit("、".join(it.groups), 14),
                fit(it.head or "—", 8),
                it.phone,
                last,
                key=str(it.household_id),
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def action_reload(self) -> None:
        self.load()

    def action_order(self) -> None:
        self.overdue_first = not self.overdue_first
        order = "Longest overdue first 超期优先" if self.overdue_first else "Walking order 步行顺序"
        self.say(order)
        self.load()

    def action_household(self) -> None:
        from tui.screens.household import HouseholdScreen

        table = self.query_one("#visits-due", DataTable)
        if self.items and table.cursor_row < len(self.items):
            self.app.push_screen(HouseholdScreen(self.items[table.cursor_row].household_id))

    def action_plan(self) -> None:
        self.plan_only = not self.plan_only
        self.load()

    def action_coverage(self) -> None:
        switch = self.query_one(ContentSwitcher)
        if switch.current == "visits-coverage":
            switch.current = "visits-due"
            return
        switch.current = "visits-coverage"
        self.load_coverage()

    @work(exclusive=True, group="visits-coverage")
    async def load_coverage(self) -> None:
        try:
            cov = await self.client.coverage(CoverageQuery(community_id=self.me.community_id))
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(CoverageArrived(cov))

    def on_coverage_arrived(self, msg: CoverageArrived) -> None:
        c = self.coverage = msg.coverage
        trend = "  ".join(f"{w.week_start:%m-%d}:{w.households_met}" for w in c.trend[-8:])
        body: list[RenderableType] = [
            coverage_table(f"Coverage 覆盖 as of {c.as_of}", [c.total]),
            coverage_table("By grid 按网格", c.grids),
            coverage_table("By group 按人群", c.groups),
            coverage_table("By worker 按社工", c.workers),
            Text(f"Households met per week 每周见到户数: {trend}", style="dim"),
        ]
        self.query_one("#coverage-body", Static).update(Group(*body))

    @on(DataTable.RowSelected, "#visits-due")
    def _selected(self) -> None:
        self.action_log()

    def action_log(self) -> None:
        table = self.query_one("#visits-due", DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return
        item = self.items[table.cursor_row]

        def got(visit: VisitSyncItem | None) -> None:
            if visit is not None:
                self.log_visit(visit, address(item))

        self.app.push_screen(VisitForm(item, self.now()), got)

    @work(group="visits-log")
    async def log_visit(self, visit: VisitSyncItem, where: str) -> None:
        try:
            res = await self.client.sync_visits(VisitSyncBatch(items=[visit]))
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        r = res.results[0]
        if r.status in ("created", "updated"):
            self.post_message(ActionDone(f"Visit to {where} logged 已记录"))
            self.load()
        else:
            why = r.error.message if r.error else r.status
            self.post_message(ActionDone(f"Visit not logged ({r.status}): {why}", ok=False))
