"""Rota forms: generate a draft, and the swap requests a secretary decides on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from schemas.rota_plan import GenerateRequest, RotaGrid, SwapPublic
from tui.client import ApiError, LinliClient
from tui.screens.forms import Form
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome


class GenerateForm(Form[GenerateRequest]):
    """Solve a draft; nothing is published until the secretary says so."""

    TITLE_TEXT = "Generate a draft rota 生成排班草案"

    def __init__(self, today: date) -> None:
        super().__init__()
        self.start = today + timedelta(days=(7 - today.weekday()) % 7 or 7)

    def fields(self) -> ComposeResult:
        yield Label("First day (a Monday suits most) 开始日期", classes="form-hint")
        yield Input(self.start.isoformat(), id="start")
        yield Label("Weeks (1–6) 周数", classes="form-hint")
        yield Input("4", id="weeks")

    def build(self) -> GenerateRequest:
        try:
            start = date.fromisoformat(self.query_one("#start", Input).value.strip())
        except ValueError:
            raise ValueError("The first day must look like 2026-11-30") from None
        weeks = self.query_one("#weeks", Input).value.strip()
        if not weeks.isdigit():
            raise ValueError("Weeks is a whole number from 1 to 6")
        return GenerateRequest(start_date=start, weeks=int(weeks))


@dataclass
class SwapsArrived(Message):
    swaps: list[SwapPublic]


def describe_assignment(grid: RotaGrid, assignment_id: int | None) -> str:
    if assignment_id is None:
        return "—"
    posts = {p.id: p.name for p in grid.posts}
    shifts = {s.id: s.name for s in grid.shifts}
    for c in grid.cells:
        for s in c.staff:
            if s.assignment_id == assignment_id:
                return f"{c.day:%m-%d} {shifts.get(c.shift_id, '?')} {posts.get(c.post_id, '?')}"
    return f"#{assignment_id}"


class SwapsScreen(ModalScreen[bool]):
    """Pending requests first; y approves, n denies (the hard rules are rechecked)."""

    ROLE_ACTIONS: ClassVar[dict[str, frozenset[str]]] = {
        "decide": frozenset({"secretary", "admin"})
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "decide(True)", "Approve 同意"),
        Binding("n", "decide(False)", "Deny 拒绝"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, client: LinliClient, grid: RotaGrid, names: dict[int, str]) -> None:
        super().__init__()
        self.client = client
        self.grid = grid
        self.names = names
        self.swaps: list[SwapPublic] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form wide-form"):
            yield Label("Swap requests 换班申请", classes="form-title")
            table: DataTable[Text | str] = DataTable(id="swaps", cursor_type="row")
            for col in ("#", "from 申请人", "shift 班次", "to 对方", "in return 换回", "state"):
                table.add_column(col)
            yield table
            yield Outcome(id="swaps-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="swaps")
    async def load(self) -> None:
        try:
            swaps = await self.client.swaps(self.grid.rota.id)
        except ApiError as exc:
            self.query_one(Outcome).say(exc.plain(), ok=False)
            return
        self.post_message(SwapsArrived(swaps.items))

    def on_swaps_arrived(self, msg: SwapsArrived) -> None:
        order = {"pending": 0, "approved": 1, "denied": 2, "cancelled": 3}
        self.swaps = sorted(msg.swaps, key=lambda s: (order[s.status], -s.id))
        table = self.query_one("#swaps", DataTable)
        table.clear()
        for s in self.swaps:
            state = Text(s.status, style="bold yellow" if s.status == "pending" else "dim")
            table.add_row(
                str(s.id),
                self.names.get(s.requester_id, f"#{s.requester_id}"),
                describe_assignment(self.grid, s.assignment_id),
                self.names.get(s.counterpart_id, f"#{s.counterpart_id}"),
                describe_assignment(self.grid, s.counter_assignment_id),
                state,
            )
        if not self.swaps:
            self.query_one(Outcome).say("No swap requests for this rota")

    def action_decide(self, approve: bool) -> None:
        table = self.query_one("#swaps", DataTable)
        if not self.swaps or table.cursor_row >= len(self.swaps):
            return
        swap = self.swaps[table.cursor_row]
        if swap.status != "pending":
            self.query_one(Outcome).say(f"Swap #{swap.id} is already {swap.status}", ok=False)
            return
        self.decide(swap.id, approve)

    @work(exclusive=True, group="swap-decide")
    async def decide(self, swap_id: int, approve: bool) -> None:
        try:
            s = await self.client.decide_swap(swap_id, approve)
        except ApiError as exc:
            self.query_one(Outcome).say(exc.plain(), ok=False)
            return
        self.changed = True
        self.query_one(Outcome).say(f"Swap #{s.id} {s.status}")
        self.load()

    def action_close(self) -> None:
        self.dismiss(self.changed)
