"""The triage board: tabs with counts, filters and search, a live table, paged by cursor."""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Input, Static, Tab, Tabs

from schemas.reports import QueueQuery, ReportRow, TabCounts, TabName
from tui.client import ApiError, LiveEvent
from tui.messages import ActionDone, NamesArrived, PageArrived, RowChanged
from tui.screens.base import LinliScreen
from tui.screens.forms import FilterForm, Filters
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.report_table import Labels, ReportTable
from tui.widgets.status_bar import StatusBar

TABS: list[tuple[TabName, str]] = [
    ("new", "New 新"),
    ("mine", "Mine 我的"),
    ("overdue", "Overdue 超时"),
    ("department", "My dept 部门"),
    ("all", "All 全部"),
]
# What an empty tab says: that nothing is wrong, and where the work is instead.
EMPTY: dict[TabName, str] = {
    "new": "Nothing new 暂无新工单 — press 2 for yours, 3 for overdue",
    "mine": "Nothing of yours is open 暂无我的工单 — press 1 to take up new reports",
    "overdue": "Nothing overdue 无超时工单 — press 2 for yours",
    "department": "Nothing dispatched to your department 暂无派单 — press r to reload",
    "all": "No reports match 无匹配工单 — press / to change the search, f the filters",
}
PAGE = 50
# Topics after which a row may have changed; the feed carries only a summary, so refetch.
ROW_TOPICS = {
    "report.created",
    "report.assigned",
    "report.accepted",
    "report.status_changed",
    "report.dispatched",
    "report.overdue",
    "report.escalated",
    "report.merged",
}


class BoardTabs(Tabs):
    """Tabs that tolerate a resize arriving while they are being torn down (Textual's own
    handler looks up its underline bar unguarded, which fails when quitting mid-layout)."""

    def _on_resize(self) -> None:
        with contextlib.suppress(NoMatches):
            super()._on_resize()


class BoardScreen(LinliScreen):
    """Where the day starts: what is new, what is mine, what is late."""

    ROLE_ACTIONS: ClassVar[dict[str, frozenset[str]]] = {
        "accept": frozenset({"worker", "secretary", "street_dispatcher", "admin"})
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the app runs these in the order keys were typed, before handing any
        # later key to the focused widget. As ordinary bindings they ran only once the key
        # had bubbled back up to the app, so keys typed right behind them still went to
        # the old focus: an ``a`` typed just after a search's Enter landed in the search
        # field instead of accepting (see tests/tui/test_typing_ahead.py).
        Binding("enter", "enter", "Open", show=False, priority=True),
        Binding("slash", "search", "Search", priority=True),
        Binding("1", "tab('new')", "New"),
        Binding("2", "tab('mine')", "Mine"),
        Binding("3", "tab('overdue')", "Overdue"),
        Binding("4", "tab('department')", "Dept", show=False),
        Binding("5", "tab('all')", "All", show=False),
        Binding("f", "filters", "Filter"),
        Binding("a", "accept", "Accept"),
        Binding("r", "reload", "Reload"),
        Binding("escape", "back_to_table", "Table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tab: TabName = "new"
        self.next_cursor: str | None = None
        self.loading_more = False
        self.labels = Labels()
        self.filters = Filters()
        self.names_requested = False
        # Bumped by every fresh load (tab, search, filters, reload), so a page asked for
        # before it, still in flight or queued, is never shown under the new tab.
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield BoardTabs(*[Tab(label, id=f"tab-{key}") for key, label in TABS], id="board-tabs")
        with Horizontal(id="filter-bar"):
            yield Input(placeholder="/ search 搜索", id="search")
            yield Static(self.filters.describe(self.labels), id="filter-summary")
        yield ReportTable(self.labels, self.now, id="board")
        yield Outcome(id="board-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.labels.me_id = self.me.id
        self.linli.live_signal.subscribe(self, self.on_live)
        self.set_interval(30, self.query_one(ReportTable).tick)
        self.query_one(ReportTable).focus()
        # The page first: names only dress it up, and the server answers in order.
        self.load()

    def refresh_data(self) -> None:
        self.names_requested = False
        self.load()

    # -- loading -------------------------------------------------------------
    def query_for(self, cursor: str | None = None) -> QueueQuery:
        search = self.query_one("#search", Input).value.strip()
        f = self.filters
        return QueueQuery(
            tab=self.tab,
            q=search[:50] or None,
            priority=[f.priority] if f.priority else [],
            status=[f.status] if f.status else [],
            category=[f.category] if f.category else [],
            limit=PAGE,
            cursor=cursor,
            counts=cursor is None,
        )

    def load(self) -> None:
        self.generation += 1
        self.workers.cancel_group(self, "board-more")
        self.loading_more = False
        self.fetch_page(self.generation)

    @work(exclusive=True, group="board-load")
    async def fetch_page(self, generation: int) -> None:
        try:
            page = await self.client.queue(self.query_for())
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(PageArrived(page, append=False, generation=generation))

    @work(exclusive=True, group="board-more")
    async def load_more(self, cursor: str) -> None:
        generation = self.generation
        try:
            page = await self.client.queue(self.query_for(cursor))
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        finally:
            self.loading_more = False
        self.post_message(PageArrived(page, append=True, generation=generation))

    def on_page_arrived(self, msg: PageArrived) -> None:
        if msg.generation != self.generation:
            return
        if msg.append:
            self.show_page(msg)
        else:
            # The key that asked for this page (a tab, a search) has already changed the
            # screen: let that frame out first. Rebuilding the table and drawing it cold
            # takes tens of milliseconds, and landing before the frame delayed the answer
            # to the key by as much.
            self.call_after_refresh(self.show_page, msg)

    def show_page(self, msg: PageArrived) -> None:
        if msg.generation != self.generation:
            return
        page, append = msg.page, msg.append
        if not self.names_requested:
            self.names_requested = True
            self.load_names()
        self.next_cursor = page.next_cursor
        self.query_one(ReportTable).show(page.items, append=append)
        if page.counts is not None:
            self.show_counts(page.counts)
        if not append and page.items:
            self.query_one(Outcome).clear()
        elif not append:
            self.query_one(Outcome).say(EMPTY[self.tab])

    def show_counts(self, counts: TabCounts) -> None:
        tabs = self.query_one(Tabs)
        for key, label in TABS:
            tabs.query_one(f"#tab-{key}", Tab).label = f"{label} {getattr(counts, key)}"

    @work(exclusive=True, group="board-names")
    async def load_names(self) -> None:
        # Any part may fail alone (ids and codes still show); names fill in as they come.
        calls = (
            self.client.communities,
            self.client.departments,
            self.client.staff,
            self.client.categories,
        )
        parts: list[Any] = []
        for call in calls:
            try:
                parts.append(await call())
            except ApiError:
                parts.append(None)
        self.post_message(NamesArrived(*parts))

    def on_names_arrived(self, msg: NamesArrived) -> None:
        self.labels.learn(msg)
        self.query_one("#filter-summary", Static).update(self.filters.describe(self.labels))
        self.query_one(ReportTable).redraw()

    # -- events --------------------------------------------------------------
    @on(Tabs.TabActivated, "#board-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        key = (event.tab.id or "tab-new").removeprefix("tab-")
        if key != self.tab:
            self.tab = key  # type: ignore[assignment]
            self.load()

    def action_enter(self) -> None:
        search, table = self.query_one("#search", Input), self.query_one(ReportTable)
        if self.focused is search:
            self.set_focus(table)  # at once: the next key is the table's
            # The search's own keys may still wait in its queue: load once it has them.
            search.call_later(self.load)
        elif self.focused is table:
            self.action_open()
        else:
            raise SkipAction()

    @on(ReportTable.NearEnd)
    def _more(self) -> None:
        if self.next_cursor and not self.loading_more:
            self.loading_more = True
            self.load_more(self.next_cursor)

    @on(ReportTable.Opened)
    def _opened(self, msg: ReportTable.Opened) -> None:
        self.open_report(msg.report_id)

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def on_live(self, event: LiveEvent) -> None:
        if event.topic in ROW_TOPICS and event.report_id is not None:
            self.refetch_row(event.report_id, event.topic == "report.created")

    @work(group="board-live")
    async def refetch_row(self, report_id: int, created: bool) -> None:
        try:
            r = await self.client.report(report_id)
            page = await self.client.queue(self.query_for().model_copy(update={"limit": 1}))
        except ApiError:
            return  # it may be out of scope now; the next reload settles it
        self.post_message(
            RowChanged(ReportRow.model_validate(r.model_dump()), created, page.counts)
        )

    def on_row_changed(self, msg: RowChanged) -> None:
        table = self.query_one(ReportTable)
        if self.belongs(msg.row):
            table.upsert(msg.row, first=msg.created)
        else:
            table.drop(msg.row.id)
        if msg.counts is not None:
            self.show_counts(msg.counts)

    def belongs(self, row: ReportRow) -> bool:
        """Whether a changed row still fits this tab; the server decides on reload."""
        terminal = row.status in ("closed", "rejected", "merged", "withdrawn")
        if self.tab == "new":
            return row.status == "submitted"
        if self.tab == "mine":
            return row.owner_id == self.me.id and not terminal
        if self.tab == "overdue":
            return row.overdue and not terminal
        return not terminal or row.id in self.query_one(ReportTable).reports

    # -- actions -------------------------------------------------------------
    def action_tab(self, key: str) -> None:
        self.query_one(Tabs).active = f"tab-{key}"

    def action_search(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # a "/" typed into the search itself
        self.set_focus(self.query_one("#search", Input))

    def action_filters(self) -> None:
        def chosen(filters: Filters | None) -> None:
            if filters is not None and filters != self.filters:
                self.filters = filters
                self.query_one("#filter-summary", Static).update(filters.describe(self.labels))
                self.load()

        self.app.push_screen(FilterForm(self.filters, self.labels), chosen)

    def action_back_to_table(self) -> None:
        self.set_focus(self.query_one(ReportTable))

    def action_reload(self) -> None:
        self.load()

    def action_open(self) -> None:
        rid = self.query_one(ReportTable).current_id
        if rid is not None:
            self.open_report(rid)

    def open_report(self, report_id: int) -> None:
        from tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(report_id, self.labels))

    def action_accept(self) -> None:
        rid = self.query_one(ReportTable).current_id
        if rid is not None:
            self.accept(rid)

    @work(exclusive=True, group="board-accept")
    async def accept(self, report_id: int) -> None:
        from tui.screens.detail import accept_move

        row = self.query_one(ReportTable).reports.get(report_id)
        if row is None:
            return
        try:
            r = await self.client.move(report_id, accept_move(row.owner_id, self.me.id))
        except ApiError as exc:
            self.post_message(ActionDone(f"#{report_id}: {self.failed(exc)}", ok=False))
            return
        self.refetch_row(report_id, False)
        self.post_message(ActionDone(f"#{report_id} accepted; you own it now ({r.status})"))
