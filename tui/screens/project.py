"""One project: its steps (office, stamp, when and where each was done), ticked and
unticked here with a photo of the stamped document, its meetings and its votes with the
counts kept live while a vote is open."""

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
from textual.widgets import DataTable, Static

from schemas.governance import ProjectDetail, ProjectMeetingOut, StepOut
from schemas.governance_votes import VoteOut
from tui.client import ApiError
from tui.client.governance import GovernanceCalls
from tui.messages import ActionDone
from tui.screens.base import LinliScreen
from tui.screens.confirm import Confirm
from tui.screens.photos import PhotoViewer
from tui.screens.projects import status_cell, waiting_cell
from tui.screens.step_form import StepTickForm
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.photo import image_widget
from tui.widgets.report_view import PhotoRef
from tui.widgets.status_bar import StatusBar

LIVE_SECONDS = 5.0
# Who may tick: the community's worker and secretary, admins, and staff the secretary
# added as helpers, which from the projects desk can also be a street dispatcher. Which
# project it is narrows it further (see check_action, and ensure_worker on the server).
STEP_ROLES = frozenset({"worker", "secretary", "admin", "street_dispatcher"})
LOCAL_STAFF = frozenset({"worker", "secretary"})
MEETING_KINDS = {"council": "议事会", "hearing": "听证会", "coordination": "协调会"}
FIGURES = {
    "participation_area": "参与·面积",
    "participation_number": "参与·户数",
    "consent_area": "同意·面积",
    "consent_number": "同意·户数",
}


@dataclass
class ProjectArrived(Message):
    project: ProjectDetail
    meetings: list[ProjectMeetingOut]
    votes: list[VoteOut]


def meetings_view(meetings: list[ProjectMeetingOut], zone: object) -> RenderableType:
    t = Table(title="Meetings 会议", title_justify="left", expand=True, box=None, padding=(0, 1))
    for col in ("时间", "类型", "议题", "地点", "决定", "待办"):
        t.add_column(col, no_wrap=True, overflow="ellipsis")
    for m in meetings:
        at = m.starts_at.astimezone(zone)  # type: ignore[arg-type]
        open_actions = sum(1 for a in m.actions if a.done_on is None)
        t.add_row(
            f"{at:%m-%d %H:%M}",
            MEETING_KINDS.get(m.kind, m.kind),
            m.title,
            m.place,
            str(len(m.decisions)),
            Text(str(open_actions), style="yellow" if open_actions else "dim"),
        )
    if not meetings:
        t.add_row("—", "", "no meetings yet 尚无会议", "", "", "")
    return t


def vote_view(v: VoteOut) -> RenderableType:
    state = "open 进行中" if v.status == "open" else "closed 已结束"
    head = Text(f"Vote #{v.id} {v.question} · {state}", style="bold")
    if v.tally is None:
        return Group(head, Text("count not shown", style="dim"))
    t = v.tally
    verdict = Text("通过 passed" if t.passed else "未通过 not passed")
    verdict.stylize("bold green" if t.passed else "bold red")
    counts = Text(
        f"参与 {t.participants}/{t.households} 户 · {t.participant_area}/{t.area} m² · "
        f"同意 {t.agree} 反对 {t.disagree} 弃权 {t.abstain} · "
    )
    counts.append_text(verdict)
    table = Table(expand=True, box=None, padding=(0, 1))
    for col in ("", "part / whole", "ratio", "rule", ""):
        table.add_column(col, no_wrap=True)
    for f in t.figures:
        mark = Text("✓", style="green") if f.met else Text("✗", style="red")
        table.add_row(
            FIGURES.get(f.name, f.name),
            f"{f.part} / {f.whole}",
            f.ratio or "—",
            f"{f.rule} {f.threshold}",
            mark,
        )
    return Group(head, counts, table)


class StepsTable(DataTable[Text | str]):
    """The steps, whose cursor keys run in typing order like the step keys (priority): a
    ``down`` typed just before a ``t`` has moved the cursor by the time the ``t`` picks
    the step. As ordinary bindings they would run after it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, show=False, priority=True)
        for key, action in (
            ("up", "cursor_up"),
            ("down", "cursor_down"),
            ("pageup", "page_up"),
            ("pagedown", "page_down"),
            ("ctrl+home", "scroll_top"),
            ("ctrl+end", "scroll_bottom"),
        )
    ]


class ProjectScreen(LinliScreen):
    """Steps, meetings and votes of one project; open votes recount every few seconds."""

    # Closing a vote is for the community's staff or an admin (ensure_community_staff).
    ROLE_ACTIONS: ClassVar[dict[str, frozenset[str]]] = {
        "tick": STEP_ROLES,
        "untick": STEP_ROLES,
        "close_vote": frozenset({"admin"} | LOCAL_STAFF),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        # Step keys first: the footer drops whole hints from the end when short of room.
        # Priority, so they run in typing order and the keys typed right behind one reach
        # the form it opens; as ordinary bindings they ran only once the key had bubbled
        # up from the table, and by then the next keys had gone to the table as well.
        Binding("escape", "back", "Back"),
        Binding("t", "tick", "Tick step 办结", priority=True),
        Binding("u", "untick", "Untick 撤销", priority=True),
        Binding("i", "step_photo", "Photo 照片", priority=True),
        Binding("c", "close_vote", "Close vote 结束表决"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, project_id: int) -> None:
        super().__init__()
        self.project_id = project_id
        self.project: ProjectDetail | None = None
        self.votes: list[VoteOut] = []
        self.calls: GovernanceCalls | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static("project …", id="project-heading")
        with VerticalScroll(id="project-body"):
            table = StepsTable(id="project-steps", cursor_type="row")
            for key, label, width in (
                ("n", "#", 2),
                ("name", "步骤", 22),
                ("office", "部门", 16),
                ("stamp", "盖章", 16),
                ("done", "完成", 18),
            ):
                table.add_column(label, key=key, width=width)
            yield table
            yield Static("", id="project-meetings")
            yield Static("", id="project-votes")
        yield Outcome(id="project-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.calls = GovernanceCalls(self.client)
        self.query_one("#project-steps").focus()
        self.load()
        self.set_interval(LIVE_SECONDS, self._live)

    def refresh_data(self) -> None:
        self.load()

    def _live(self) -> None:
        if self.is_current and any(v.status == "open" for v in self.votes):
            self.load()

    @work(exclusive=True, group="project-load")
    async def load(self) -> None:
        assert self.calls is not None
        try:
            project = await self.calls.project(self.project_id)
            meetings = await self.calls.meetings(self.project_id)
            votes = await self.calls.votes(self.project_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(ProjectArrived(project, meetings.items, votes.items))

    def on_project_arrived(self, msg: ProjectArrived) -> None:
        p = self.project = msg.project
        self.votes = msg.votes
        heading = Text(f"#{p.id} {p.kind_label} · {p.title} · ", style="bold")
        heading.append_text(status_cell(p.status))
        heading.append(f" · {p.households} 户 · 进度 {p.progress.done}/{p.progress.total} · ")
        heading.append_text(waiting_cell(p))
        self.query_one("#project-heading", Static).update(heading)
        table = self.query_one("#project-steps", DataTable)
        keep = table.cursor_row
        table.clear()
        next_name = p.progress.next_step
        for s in p.steps:
            if s.done_on is not None:
                done = Text(f"{s.done_on:%Y-%m-%d} {s.done_office}", style="green")
            elif s.name == next_name:
                done = Text("← next 下一步", style="bold yellow")
            else:
                done = Text("")
            table.add_row(str(s.position), s.name, s.office, s.stamp, done, key=str(s.id))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self.query_one("#project-meetings", Static).update(
            meetings_view(msg.meetings, self.linli.zone)
        )
        views: list[RenderableType] = [Text("Votes 表决", style="bold")]
        views += [vote_view(v) for v in msg.votes] or [Text("no votes yet 尚无表决", style="dim")]
        self.query_one("#project-votes", Static).update(Group(*views))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("tick", "untick"):
            # Steps are ticked while the project is under way; a tick in error can be
            # taken back whatever its state.
            p = self.project
            return self.may_work() and (
                action == "untick" or (p is not None and p.status == "active")
            )
        if action == "close_vote":
            return self.may_close()
        return True

    def may_close(self) -> bool:
        """What the server's ensure_community_staff allows: a helper from the street is
        not one of the community's staff."""
        p, me = self.project, self.me
        if p is None or me.role not in self.ROLE_ACTIONS["close_vote"]:
            return False
        return me.role == "admin" or me.community_id == p.community_id

    def may_work(self) -> bool:
        """What the server's ensure_worker allows a staff member on this project."""
        p, me = self.project, self.me
        if p is None or me.role not in STEP_ROLES:
            return False
        if me.role == "admin" or me.id in p.helpers:
            return True
        return me.role in LOCAL_STAFF and me.community_id == p.community_id

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_close_vote(self) -> None:
        open_votes = [v for v in self.votes if v.status == "open"]
        if not open_votes:
            self.say("No open vote to close", False)
            return
        self.close_vote(open_votes[0].id)

    @work(exclusive=True, group="project-close")
    async def close_vote(self, vote_id: int) -> None:
        assert self.calls is not None
        try:
            v = await self.calls.close_vote(vote_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        verdict = "passed 通过" if v.tally and v.tally.passed else "not passed 未通过"
        self.post_message(ActionDone(f"Vote #{v.id} closed and published: {verdict}"))
        self.load()

    # -- steps ---------------------------------------------------------------
    def current_step(self) -> StepOut | None:
        table = self.query_one("#project-steps", DataTable)
        if self.project is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.project.steps if str(s.id) == key), None)

    async def action_tick(self) -> None:
        step = self.current_step()
        if step is None or self.calls is None:
            return
        today = self.now().astimezone(self.linli.zone).date()
        mine = step.ticked_by_type == "staff" and step.ticked_by_id == self.me.id
        form = StepTickForm(self.calls, self.project_id, step, today, mine=mine)
        verb = "corrected" if step.done_on else "ticked"

        def closed(done: StepOut | None) -> None:
            if done is not None and done.done_on is not None:
                self.say(
                    f"Step {done.position} {done.name} {verb}: "
                    f"{done.done_on:%Y-%m-%d} {done.done_office}"
                )
            if done is not None or form.started:
                self.load()  # closed while sending: the tick may have landed all the same

        # Awaited: keys typed behind the t wait until the form is up and has its focus.
        await self.app.push_screen(form, closed)

    async def action_untick(self) -> None:
        step = self.current_step()
        if step is None:
            return
        if step.done_on is None:
            self.say(f"Step {step.position} {step.name} is not done; nothing to untick", False)
            return
        question = (
            f"Untick step {step.position} {step.name}, done {step.done_on:%Y-%m-%d} "
            f"{step.done_office}? Its date, office and photo are cleared (the audit log "
            "keeps them); ticking it again needs the photo again."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.untick(step.id)

        await self.app.push_screen(Confirm("Untick 撤销办结", question), answered)

    @work(exclusive=True, group="project-untick")
    async def untick(self, step_id: int) -> None:
        assert self.calls is not None
        try:
            s = await self.calls.untick_step(self.project_id, step_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(ActionDone(f"Step {s.position} {s.name} unticked 已撤销"))
        self.load()

    async def action_step_photo(self) -> None:
        step, calls = self.current_step(), self.calls
        if step is None or calls is None:
            return
        if not step.photo:
            self.say(f"Step {step.position} {step.name} has no document photo yet", False)
            return
        ref = PhotoRef(step.photo, f"{step.name} · {step.done_office} {step.done_on or ''}")
        pid, sid = self.project_id, step.id
        viewer = PhotoViewer(
            [ref],
            image_widget(self.linli.images),
            lambda _sha: calls.step_photo(pid, sid),
            f"#{pid} step {step.position}",
        )
        await self.app.push_screen(viewer)
