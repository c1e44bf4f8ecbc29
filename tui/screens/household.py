"""One household's record from the round: who lives there, when it is next due, and, for
the secretary, who has read its personal data (个人信息查阅记录)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from schemas.registry import HouseholdDetail, HouseholdReads
from tui.client import ApiError
from tui.messages import ActionDone
from tui.screens.base import LinliScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.status_bar import StatusBar

# Who may see the reads (the server decides; this only spares others a refused call).
READS_ROLES = frozenset({"secretary", "admin"})
ROLE_NAMES = {"worker": "社工", "secretary": "书记", "admin": "管理员"}


@dataclass
class HouseholdArrived(Message):
    household: HouseholdDetail
    reads: HouseholdReads | None


class HouseholdScreen(LinliScreen):
    """Esc returns to the round."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, household_id: int) -> None:
        super().__init__()
        self.household_id = household_id
        self.household: HouseholdDetail | None = None
        self.reads: HouseholdReads | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with VerticalScroll(id="household-body"):
            yield Static("…", id="household-view")
        yield Outcome(id="household-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(exclusive=True, group="household-load")
    async def load(self) -> None:
        try:
            h = await self.client.household(self.household_id)
            reads = None
            if self.me.role in READS_ROLES:
                reads = await self.client.household_reads(self.household_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(HouseholdArrived(h, reads))

    def on_household_arrived(self, msg: HouseholdArrived) -> None:
        self.household, self.reads = msg.household, msg.reads
        self.query_one("#household-view", Static).update(self.view())

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def view(self) -> RenderableType:
        h = self.household
        assert h is not None
        zone = self.linli.zone
        where = f"{h.estate} {h.building} {h.unit}单元 {h.room}室 ({h.floor}楼)"
        parts: list[RenderableType] = [Text(f"户档 Household #{h.id}  {where}", style="bold")]
        if h.groups:
            parts.append(Text("重点人群 " + "、".join(h.groups), style="magenta"))
        if h.schedule is not None:
            s = h.schedule
            met = f"{s.last_met_at.astimezone(zone):%Y-%m-%d}" if s.last_met_at else "—"
            parts.append(
                Text(f"每{s.cadence_days}天走访 · 下次 next due {s.next_due} · 上次见到 {met}")
            )
        people = Table(title="成员 Members", title_justify="left", box=None, expand=True)
        for col in ("姓名", "关系", "出生", "电话"):
            people.add_column(col)
        for m in h.members:
            people.add_row(m.name, m.relation or "—", str(m.birth_year or "—"), m.phone or "—")
        parts.append(people)
        if h.notes:
            parts.append(Text(f"备注 {h.notes}", style="dim"))
        parts.append(self.reads_view())
        return Group(*parts)

    def reads_view(self) -> RenderableType:
        title = "查阅记录 Who read this household"
        if self.reads is None:
            return Text(f"\n{title}: shown to the secretary and the household", style="dim")
        if not self.reads.items:
            return Text(f"\n{title}: no staff read yet", style="dim")
        t = Table(title=title, title_justify="left", box=None, expand=True)
        for col in ("时间 When", "谁 Who", "为何 Why"):
            t.add_column(col, overflow="fold")
        for r in self.reads.items:
            who = f"{r.staff_name} {ROLE_NAMES.get(r.role, r.role)}"
            t.add_row(f"{r.at.astimezone(self.linli.zone):%m-%d %H:%M}", who, r.why)
        return Group(Text(""), t)
