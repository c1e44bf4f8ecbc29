"""The projects board (社区自治): every building project in scope, what is next for it
and which ones are stuck. Enter opens a project; the secretary approves with a."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static

from schemas.governance import ProjectOut
from tui.client import ApiError
from tui.client.governance import GovernanceCalls
from tui.messages import ActionDone
from tui.screens.base import LinliScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.status_bar import StatusBar

STATUS = {
    "proposed": ("待批准", "bold yellow"),
    "active": ("进行中", "cyan"),
    "done": ("已完成", "green"),
    "cancelled": ("已撤销", "dim"),
}


@dataclass
class ProjectsArrived(Message):
    items: list[ProjectOut]


def status_cell(status: str) -> Text:
    label, style = STATUS.get(status, (status, ""))
    return Text(label, style=style)


def waiting_cell(p: ProjectOut) -> Text:
    pr = p.progress
    if pr.next_step is None:
        return Text("—" if p.status != "done" else "完成", style="dim")
    if pr.waiting_since is None:
        return Text("未开始", style="dim")
    if pr.stuck:
        return Text(f"卡住 {pr.days_waiting}天", style="bold red")
    return Text(f"{pr.days_waiting}天")


class ProjectsScreen(LinliScreen):
    """What is next and what is stuck, across the community's projects."""

    # Approving a project to start is the secretary's (or an admin's) call: ensure_secretary.
    ROLE_ACTIONS: ClassVar[dict[str, frozenset[str]]] = {
        "approve": frozenset({"secretary", "admin"})
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open 打开"),
        Binding("a", "approve", "Approve 批准"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ProjectOut] = []
        self.calls: GovernanceCalls | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static("", id="projects-heading")
        table: DataTable[Text | str] = DataTable(
            id="projects-table", cursor_type="row", zebra_stripes=True
        )
        for key, label, width in (
            ("id", "#", 4),
            ("kind", "类型", 10),
            ("title", "项目", 20),
            ("status", "状态", 6),
            ("done", "进度", 5),
            ("next", "下一步", 22),
            ("wait", "等待", 10),
        ):
            table.add_column(label, key=key, width=width)
        yield table
        yield Outcome(id="projects-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.calls = GovernanceCalls(self.client)
        self.query_one("#projects-table").focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(exclusive=True, group="projects-load")
    async def load(self) -> None:
        assert self.calls is not None
        try:
            board = await self.calls.board()
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(ProjectsArrived(board.items))

    def on_projects_arrived(self, msg: ProjectsArrived) -> None:
        self.items = msg.items
        stuck = sum(1 for p in msg.items if p.progress.stuck)
        heading = Text(f"Projects 自治项目 · {len(msg.items)} ", style="bold")
        heading.append(f"· 卡住 stuck {stuck}", style="bold red" if stuck else "dim")
        self.query_one("#projects-heading", Static).update(heading)
        table = self.query_one("#projects-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for p in msg.items:
            table.add_row(
                str(p.id),
                p.kind_label,
                p.title,
                status_cell(p.status),
                f"{p.progress.done}/{p.progress.total}",
                p.progress.next_step or "",
                waiting_cell(p),
                key=str(p.id),
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def _current(self) -> ProjectOut | None:
        table = self.query_one("#projects-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((p for p in self.items if str(p.id) == key), None)

    def action_reload(self) -> None:
        self.load()

    def action_open(self) -> None:
        from tui.screens.project import ProjectScreen

        p = self._current()
        if p is not None:
            self.app.push_screen(ProjectScreen(p.id))

    @on(DataTable.RowSelected, "#projects-table")
    def _selected(self) -> None:
        self.action_open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.ROLE_ACTIONS:
            return self.me.role in self.ROLE_ACTIONS[action]
        return True

    def action_approve(self) -> None:
        p = self._current()
        if p is None or p.status != "proposed":
            self.say("Only a proposed project can be approved", False)
            return
        self.approve(p.id)

    @work(exclusive=True, group="projects-approve")
    async def approve(self, project_id: int) -> None:
        assert self.calls is not None
        try:
            p = await self.calls.approve(project_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(ActionDone(f"#{p.id} {p.title} approved: it starts today"))
        self.load()
