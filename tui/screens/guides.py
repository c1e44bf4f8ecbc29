"""办事指南 at the desk: search in Chinese, read a guide in full, and pick one to link
to a reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from schemas.guides import BodyOut, CorrectionIn, GuideHit, GuideHits, GuideOut
from tui.client import ApiError, LinliClient
from tui.screens.base import LinliScreen
from tui.screens.forms import Form
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.status_bar import StatusBar

SECTIONS = (
    ("conditions", "申请条件 Conditions"),
    ("materials", "申请材料 Materials"),
    ("steps", "办理流程 Steps"),
    ("place_hours", "地点和时间 Where and when"),
    ("fees", "收费 Fees"),
    ("legal_basis", "依据 Legal basis"),
)


def guide_text(g: GuideOut) -> RenderableType:
    parts: list[RenderableType] = [
        Text(g.title, style="bold"),
        Text(f"{g.department}  · 最近审核 reviewed {g.last_reviewed}", style="dim"),
    ]
    if g.summary:
        parts.append(Text(g.summary))
    for name, label in SECTIONS:
        value = getattr(g, name)
        if value:
            parts.append(Text(f"\n{label}", style="bold underline"))
            parts.append(Text(value))
    return Group(*parts)


@dataclass
class HitsArrived(Message):
    hits: GuideHits


@dataclass
class GuideArrived(Message):
    guide: GuideOut


@dataclass
class Failed(Message):
    text: str


class GuideResults(Vertical):
    """A search box over a results table; posts what the server answered."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="搜索办事指南，如：居住证 材料 / 加装电梯 补贴", id="guide-q")
        table: DataTable[str] = DataTable(id="guide-hits", cursor_type="row", zebra_stripes=True)
        table.add_column("办事指南 Guide", key="title")
        table.add_column("部门", width=14, key="dept")
        yield table

    def show(self, hits: GuideHits) -> list[GuideHit]:
        table = self.query_one("#guide-hits", DataTable)
        table.clear()
        for h in hits.items:
            table.add_row(h.title, h.department, key=str(h.id))
        return hits.items


async def fetch_hits(client: LinliClient, q: str | None) -> Message:
    """One search, as the message to post back (what the guides screen and picker share)."""
    try:
        return HitsArrived(await client.guides(q))
    except ApiError as exc:
        return Failed(exc.plain())


class GuidesScreen(LinliScreen):
    """Type words and Enter to search; the highlighted guide is shown in full beside."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search 搜索"),
        Binding("escape", "focus_results", "Results", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield GuideResults(id="guide-results")
        with VerticalScroll(id="guide-body"):
            yield Static(Text("选择一份办事指南查看全文", style="dim"), id="guide-content")
        yield Outcome(id="guide-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.hits: list[GuideHit] = []
        self.shown: GuideOut | None = None
        self.query_one("#guide-q", Input).focus()
        self.search_guides(None)

    def refresh_data(self) -> None:
        self.search_guides(self.query_one("#guide-q", Input).value.strip() or None)

    @work(exclusive=True, group="guides-search")
    async def search_guides(self, q: str | None) -> None:
        self.post_message(await fetch_hits(self.client, q))

    @work(exclusive=True, group="guides-read")
    async def read(self, guide_id: int) -> None:
        try:
            self.post_message(GuideArrived(await self.client.guide(guide_id)))
        except ApiError as exc:
            self.post_message(Failed(self.failed(exc)))

    @on(Input.Submitted, "#guide-q")
    def _submitted(self, event: Input.Submitted) -> None:
        self.search_guides(event.value.strip())

    def on_hits_arrived(self, msg: HitsArrived) -> None:
        self.hits = self.query_one(GuideResults).show(msg.hits)
        if msg.hits.query:
            words = " ".join(msg.hits.terms)
            self.say(f"{len(self.hits)} found 找到 · terms 分词: {words}", bool(self.hits))
        if self.hits:
            self.read(self.hits[0].id)

    def on_guide_arrived(self, msg: GuideArrived) -> None:
        self.shown = msg.guide
        self.query_one("#guide-content", Static).update(guide_text(msg.guide))

    def on_failed(self, msg: Failed) -> None:
        self.say(msg.text, ok=False)

    @on(DataTable.RowHighlighted, "#guide-hits")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.read(int(event.row_key.value))

    def action_focus_search(self) -> None:
        self.query_one("#guide-q", Input).focus()

    def action_focus_results(self) -> None:
        self.query_one("#guide-hits", DataTable).focus()


class GuidePicker(ModalScreen[GuideHit | None]):
    """Search, then Enter on a guide to link it to the reply; Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, client: LinliClient, query: str = "") -> None:
        super().__init__()
        self.client = client
        self.first_query = query
        self.hits: list[GuideHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label("Link a guide 附办事指南", classes="form-title")
            yield GuideResults()
            yield Outcome(classes="form-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        box = self.query_one("#guide-q", Input)
        box.value = self.first_query
        box.focus()
        if self.first_query:
            self.search_guides(self.first_query)

    @work(exclusive=True, group="picker-search")
    async def search_guides(self, q: str | None) -> None:
        self.post_message(await fetch_hits(self.client, q))

    @on(Input.Submitted, "#guide-q")
    def _submitted(self, event: Input.Submitted) -> None:
        self.search_guides(event.value.strip())

    def on_hits_arrived(self, msg: HitsArrived) -> None:
        self.hits = self.query_one(GuideResults).show(msg.hits)
        outcome = self.query_one(Outcome)
        if self.hits:
            outcome.say("Enter on a guide to link it 回车选择", ok=True)
            self.query_one("#guide-hits", DataTable).focus()
        else:
            outcome.say("No guide found 没有找到", ok=False)

    def on_failed(self, msg: Failed) -> None:
        self.query_one(Outcome).say(msg.text, ok=False)

    @on(DataTable.RowSelected, "#guide-hits")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        wanted = event.row_key.value
        self.dismiss(next((h for h in self.hits if str(h.id) == wanted), None))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HandlerForm(Form[CorrectionIn]):
    """Staff saying which body really handles the report: the list's wrong suggestion is
    counted for its category."""

    TITLE_TEXT = "Correct who handles it 更正责任单位"

    def __init__(self, bodies: list[BodyOut], current: int | None) -> None:
        super().__init__()
        kinds = {"property": "物业", "committee": "居委", "department": "部门"}
        self.choices = [
            (f"{b.name}（{kinds.get(b.kind, b.kind)}）", b.id)
            for b in bodies
            if b.active and b.id != current
        ]

    def fields(self) -> ComposeResult:
        yield Select(self.choices, prompt="责任单位 the body that handles it", id="body")
        yield Input(placeholder="what the resident reads 说明 (optional)", id="note")

    def build(self) -> CorrectionIn:
        body = self.query_one("#body", Select).value
        if not isinstance(body, int):
            raise ValueError("Choose the body that handles it")
        return CorrectionIn(body_id=body, note=self.query_one("#note", Input).value)
