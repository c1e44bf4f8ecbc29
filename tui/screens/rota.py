"""The week's rota (posts × shifts with names), who is on duty now, and the secretary's
generate, publish and swap decisions, with the solver's explanations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from schemas.rota_plan import Explanation, GenerateRequest, OnDuty, RotaGrid, RotaSummary
from tui.client import ApiError
from tui.messages import ActionDone
from tui.screens.base import LinliScreen
from tui.screens.rota_forms import GenerateForm, SwapsScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.rota_grid import RotaTable, week_days, weeks_in
from tui.widgets.status_bar import StatusBar

SECRETARY = frozenset({"secretary", "admin"})


@dataclass
class RotaArrived(Message):
    grid: RotaGrid | None
    duty: OnDuty | None
    text: str = ""


def duty_text(duty: OnDuty, zone: object) -> Text:
    t = Text("On duty now 当班 ", style="bold")
    if duty.source == "all_active":
        t.append("(no published rota: every active worker counts) ", style="yellow")
    for i, post in enumerate(duty.posts):
        if i:
            t.append("  ")
        t.append(f"{post.name}: ", style="cyan")
        if not post.staff:
            t.append("nobody 无人", style="bold red")
        t.append("、".join(s.name for s in post.staff))
    if not duty.posts:
        t.append("nobody is rostered now", style="dim")
    return t


def explanation_view(rota: RotaSummary, e: Explanation) -> RenderableType:
    head = Text(
        f"Rota #{rota.id} {rota.start_date}–{rota.end_date} · {rota.status} · "
        f"solver {rota.solver_status} in {rota.solve_seconds:.1f}s",
        style="bold",
    )
    if rota.gap is not None:
        head.append(f" · within {rota.gap:.1%} of the best possible")
    parts: list[RenderableType] = [head]
    for c in e.conflicts:
        parts.append(Text("✕ " + c.message, style="bold red"))
    for m in e.missed:
        parts.append(Text(f"△ {m.message} (goal {m.target:g}, got {m.actual:g})", style="yellow"))
        parts.extend(Text("   " + d, style="dim") for d in m.details[:3])
    if not e.conflicts and not e.missed:
        parts.append(Text("✓ every soft goal met", style="green"))
    if e.stats:
        stats = "  ".join(f"{k} {v:g}" for k, v in sorted(e.stats.items()))
        parts.append(Text(stats, style="dim"))
    return Group(*parts)


class RotaScreen(LinliScreen):
    """[ and ] move between weeks; x shows why the solver made the choices it did."""

    ROLE_ACTIONS: ClassVar[dict[str, frozenset[str]]] = {
        "generate": SECRETARY,
        "publish": SECRETARY,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "week(-1)", "◀ Week"),
        Binding("right_square_bracket", "week(1)", "Week ▶"),
        Binding("x", "explain", "Explain 说明"),
        Binding("g", "generate", "Generate 生成"),
        Binding("P", "publish", "Publish 发布"),
        Binding("w", "swaps", "Swaps 换班"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.grid: RotaGrid | None = None
        self.week = 0

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static("", id="rota-duty")
        yield Static("", id="rota-title")
        yield RotaTable(id="rota-grid")
        with VerticalScroll(id="rota-explain", classes="-hidden"):
            yield Static("", id="rota-explain-body")
        yield Outcome(id="rota-outcome")
        yield KeyFooter()

    @property
    def community_id(self) -> int | None:
        return self.me.community_id

    def on_mount(self) -> None:
        self.query_one(RotaTable).focus()
        self.load()
        self.set_interval(60, self._refresh_duty)

    def refresh_data(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.ROLE_ACTIONS:
            return self.me.role in self.ROLE_ACTIONS[action]
        return True

    @work(exclusive=True, group="rota-load")
    async def load(self, rota_id: int | None = None, text: str = "") -> None:
        cid = self.community_id
        if cid is None:
            self.post_message(ActionDone("The rota belongs to a community; you have none", False))
            return
        grid = duty = None
        try:
            duty = await self.client.on_duty(cid)
            if rota_id is None:
                rota_id = self._pick((await self.client.rotas(cid)).items)
            if rota_id is not None:
                grid = await self.client.rota_grid(rota_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
        self.post_message(RotaArrived(grid, duty, text))

    def _pick(self, rotas: list[RotaSummary]) -> int | None:
        # The rota covering today if published; else the newest draft a secretary may work on.
        today = self.now().astimezone(self.linli.zone).date()
        live = [r for r in rotas if r.status == "published" and r.start_date <= today <= r.end_date]
        drafts = [r for r in rotas if r.status == "draft"]
        published = [r for r in rotas if r.status == "published"]
        for group in (live, drafts if self.me.role in SECRETARY else [], published, rotas):
            if group:
                return group[0].id
        return None

    @work(exclusive=True, group="rota-duty")
    async def _refresh_duty(self) -> None:
        if self.community_id is None or not self.is_current:
            return
        try:
            duty = await self.client.on_duty(self.community_id)
        except ApiError:
            return
        self.post_message(RotaArrived(None, duty))

    def on_rota_arrived(self, msg: RotaArrived) -> None:
        if msg.duty is not None:
            self.query_one("#rota-duty", Static).update(duty_text(msg.duty, self.linli.zone))
        if msg.grid is not None:
            if self.grid is None or self.grid.rota.id != msg.grid.rota.id:
                self.week = self._week_of_today(msg.grid)
            self.grid = msg.grid
            self.draw()
        elif self.grid is None and msg.duty is not None:
            self.query_one("#rota-title", Static).update(
                Text(
                    "No rota yet 暂无排班 — "
                    + (
                        "press g to generate one, then P to publish it"
                        if self.me.role in SECRETARY
                        else "your secretary publishes it; press r to reload"
                    )
                )
            )
        if msg.text:
            self.say(msg.text)

    def _week_of_today(self, grid: RotaGrid) -> int:
        today = self.now().astimezone(self.linli.zone).date()
        if grid.days and grid.days[0] <= today <= grid.days[-1]:
            return (today - grid.days[0]).days // 7
        return 0

    def draw(self) -> None:
        if self.grid is None:
            return
        g = self.grid
        today = self.now().astimezone(self.linli.zone).date()
        days = week_days(g, self.week)
        span = f"{days[0]:%m-%d}–{days[-1]:%m-%d}" if days else ""
        status = {
            "draft": ("草案 draft", "bold yellow"),
            "published": ("已发布 published", "green"),
        }
        label, style = status.get(g.rota.status, (g.rota.status, "dim"))
        title = Text.assemble(
            (f"Week {self.week + 1}/{weeks_in(g)} {span}  ", "bold"),
            (label, style),
            ("   * trainee 见习", "dim"),
        )
        self.query_one("#rota-title", Static).update(title)
        self.query_one(RotaTable).show(g, self.week, today)
        self.query_one("#rota-explain-body", Static).update(explanation_view(g.rota, g.explanation))

    def on_resize(self) -> None:
        self.draw()

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    # -- actions -----------------------------------------------------------------
    def action_reload(self) -> None:
        self.load(self.grid.rota.id if self.grid else None)

    def action_week(self, step: int) -> None:
        if self.grid is None:
            return
        self.week = max(0, min(weeks_in(self.grid) - 1, self.week + step))
        self.draw()

    def action_explain(self) -> None:
        self.query_one("#rota-explain").toggle_class("-hidden")

    def action_generate(self) -> None:
        def got(body: GenerateRequest | None) -> None:
            if body is not None:
                self.say(f"Solving {body.weeks} weeks from {body.start_date}… 正在排班")
                self.generate(body)

        today = self.now().astimezone(self.linli.zone).date()
        self.app.push_screen(GenerateForm(today), got)

    @work(exclusive=True, group="rota-generate")
    async def generate(self, body: GenerateRequest) -> None:
        assert self.community_id is not None
        try:
            draft = await self.client.generate_rota(self.community_id, body)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        missed = len(draft.explanation.missed)
        text = f"Draft #{draft.rota.id} ready; {missed} soft goals missed (x to see why)"
        self.load(draft.rota.id, text)

    def action_publish(self) -> None:
        if self.grid is None or self.grid.rota.status != "draft":
            self.say("Only a draft can be published; generate one first", ok=False)
            return
        self.publish(self.grid.rota.id)

    @work(exclusive=True, group="rota-publish")
    async def publish(self, rota_id: int) -> None:
        try:
            r = await self.client.publish_rota(rota_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.load(r.id, f"Rota #{r.id} published; everyone on it is told 已发布")

    def action_swaps(self) -> None:
        if self.grid is None:
            self.say("No rota to swap on", ok=False)
            return
        names = {s.staff_id: s.name for c in self.grid.cells for s in c.staff}

        def closed(changed: bool | None) -> None:
            if changed:
                self.action_reload()

        self.app.push_screen(SwapsScreen(self.client, self.grid, names), closed)
