"""One report in full, and every action on it by key or from the command palette."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from schemas.guides import GuideHit, HandlerDispatchIn
from schemas.reports import CommentIn, LegOut, ReportStaff, TransitionIn
from tui.client import ApiError
from tui.messages import ActionDone, ReportArrived
from tui.screens.base import LinliScreen
from tui.screens.forms import AssignForm, MergeForm, NoteForm, PatchForm
from tui.screens.guides import GuidePicker, HandlerForm
from tui.screens.handoff_forms import DispatchForm, LegReportForm, MeetingForm, RecallForm
from tui.screens.photos import PhotoViewer
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.photo import image_widget
from tui.widgets.report_table import Labels
from tui.widgets.report_view import report_body, report_header, report_photos
from tui.widgets.status_bar import StatusBar

# Bindings that are a lifecycle move: shown only when the server says the move is allowed.
MOVE_OF = {
    "accept": ("accept", "claim"),
    "start": ("start",),
    "dispatch": ("dispatch",),
    "resolve": ("resolve",),
    "follow_up": ("close",),
    "reject": ("reject",),
    "merge": ("merge",),
    "reopen": ("reopen",),
}


def accept_move(owner_id: int | None, me_id: int) -> TransitionIn:
    """Accepting my own assignment is ``accept``; taking up someone else's is ``claim``."""
    return TransitionIn(move="accept" if owner_id == me_id else "claim")


MANAGERS = frozenset({"secretary", "street_dispatcher", "admin"})
OFFICER = frozenset({"department_officer"})
NOT_OFFICER = frozenset({"worker", "secretary", "street_dispatcher", "admin"})


class DetailScreen(LinliScreen):
    """Esc returns to the board; the outcome line says what the last action did."""

    # Keys only some roles can use (the rest also depend on the report, see check_action).
    ROLE_ACTIONS: ClassVar[dict[str, frozenset[str]]] = {
        "reassign": MANAGERS,
        "leg_accept": OFFICER,
        "leg_report": OFFICER,
        **{
            a: NOT_OFFICER
            for a in ("accept", "dispatch", "resolve", "follow_up", "merge", "reject", "reopen")
        },
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        # In the order a matter moves, so the footer keeps the likeliest keys when it is
        # short of room (it drops whole hints from the end); all are in the help.
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "accept", "Accept 受理"),
        Binding("d", "dispatch", "Dispatch 派单"),
        Binding("x", "recall", "Recall leg 撤回派单"),
        Binding("g", "start", "Start 处置"),
        Binding("v", "resolve", "Resolve 办理"),
        Binding("h", "follow_up", "回访+close 办结"),
        Binding("j", "reject", "Reject 退回"),
        Binding("k", "leg_accept", "Leg accept 部门受理"),
        Binding("b", "leg_report", "Report back 反馈"),
        Binding("c", "reply", "Reply 回复"),
        Binding("n", "note", "Note 内部"),
        Binding("o", "reassign", "Reassign 改派"),
        Binding("m", "merge", "Merge 合并"),
        Binding("u", "reopen", "Reopen 重开"),
        Binding("e", "escalate", "Escalate 约请/联席"),
        Binding("p", "reclassify", "Priority/category"),
        Binding("l", "reply_guide", "Reply+guide 附指南"),
        Binding("t", "dispatch_handler", "To handler 直派责任单位"),
        Binding("T", "correct_handler", "Correct handler 更正责任单位"),
        Binding("i", "photos", "Photos 照片"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, report_id: int, labels: Labels) -> None:
        super().__init__()
        self.report_id = report_id
        self.labels = labels
        self.report: ReportStaff | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(f"#{self.report_id} …", id="detail-header")
        with VerticalScroll(id="detail-body"):
            yield Static(id="detail-content")
        yield Outcome(id="detail-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(exclusive=True, group="detail-load")
    async def load(self, text: str = "") -> None:
        try:
            r = await self.client.report(self.report_id)
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        self.post_message(ReportArrived(r, text))

    def on_report_arrived(self, msg: ReportArrived) -> None:
        r = self.report = msg.report
        for e in r.timeline:
            if e.actor_id is not None:
                self.labels.staff.setdefault(e.actor_id, e.actor)
        now = self.now()
        self.query_one("#detail-header", Static).update(report_header(r, self.labels, now))
        self.query_one("#detail-content", Static).update(
            report_body(r, self.labels, self.client.server, self.linli.zone, now)
        )
        if msg.text:
            self.say(msg.text)
        self.refresh_bindings()

    def on_action_done(self, msg: ActionDone) -> None:
        self.say(msg.text, msg.ok)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.report is None:
            return action in ("pop_screen", "reload")
        if action in MOVE_OF:
            return any(m in self.report.allowed_moves for m in MOVE_OF[action])
        if action == "recall":
            return "recall" in self.report.allowed_moves and bool(self._live_legs())
        if action in ("leg_accept", "leg_report"):
            return self._my_leg(action) is not None
        if action == "dispatch_handler":
            h = self.report.handled_by
            return h is not None and h.dispatchable and "dispatch" in self.report.allowed_moves
        if action == "correct_handler":
            return self.me.role != "department_officer"
        if action == "reassign":
            return self.me.role in MANAGERS
        return True

    def _live_legs(self) -> list[LegOut]:
        if self.report is None:
            return []
        return [x for x in self.report.legs if x.status in ("pending", "accepted", "working")]

    def _my_leg(self, action: str) -> int | None:
        if self.report is None or self.me.role != "department_officer":
            return None
        wanted = ("pending",) if action == "leg_accept" else ("accepted", "working")
        for leg in self.report.legs:
            if leg.department_id == self.me.department_id and leg.status in wanted:
                return leg.id
        return None

    # -- doing -----------------------------------------------------------------
    @work(group="detail-act")
    async def act(self, call: Callable[[], Awaitable[Any]], done: str) -> None:
        """Run one server call; answer with what it did or the server's words."""
        try:
            r = await call()
        except ApiError as exc:
            self.post_message(ActionDone(self._explain(exc), ok=False))
            return
        if isinstance(r, ReportStaff):
            self.post_message(ReportArrived(r, done))
        else:
            self.load(done)

    def _explain(self, exc: ApiError) -> str:
        text = self.failed(exc)
        details = exc.details if isinstance(exc.details, dict) else {}
        if allowed := details.get("allowed"):
            text += f" — possible now: {', '.join(allowed)}"
        if exc.code == "legs_pending":
            text += " — wait for their report-back, or x recalls a leg 撤回"
        return text

    def _move(self, move: str, note: str | None, done: str) -> None:
        body = TransitionIn.model_validate({"move": move, "note": note or None})
        self.act(lambda: self.client.move(self.report_id, body), done)

    def _ask_note(self, title: str, need: str, then: Callable[[str], None]) -> None:
        def got(note: str | None) -> None:
            if note is not None:
                then(note)

        self.app.push_screen(NoteForm(title, need), got)

    def action_reload(self) -> None:
        self.load()

    def action_photos(self) -> None:
        if self.report is None:
            return
        photos = report_photos(self.report)
        if not photos:
            self.say("This report has no photos 没有照片", ok=False)
            return
        renderer = image_widget(self.linli.images)
        rid = self.report_id
        viewer = PhotoViewer(photos, renderer, lambda sha: self.client.photo(rid, sha), f"#{rid}")
        self.app.push_screen(viewer)

    def action_accept(self) -> None:
        if self.report is None:
            return
        body = accept_move(self.report.owner_id, self.me.id)
        self.act(lambda: self.client.move(self.report_id, body), "Accepted: you own it now 已受理")

    def action_start(self) -> None:
        self._move("start", None, "Work started 处置中")

    def action_resolve(self) -> None:
        self._ask_note(
            "Resolve 办理",
            "how it was resolved 办理情况",
            lambda n: self._move("resolve", n, "Resolved; now call the resident back (回访)"),
        )

    def action_follow_up(self) -> None:
        self._ask_note(
            "回访 and close 办结",
            "the follow-up with the resident 回访记录 (what they said, satisfied or not)",
            lambda n: self._move("close", n, "回访 recorded and closed 已办结"),
        )

    def action_reject(self) -> None:
        self._ask_note(
            "Reject with referral 退回并告知去处",
            "the referral: which body to go to, and why 去处与理由",
            lambda n: self._move("reject", n, "Rejected with a referral; the resident is told"),
        )

    def action_reopen(self) -> None:
        self._ask_note(
            "Reopen 重开", "why it is reopened", lambda n: self._move("reopen", n, "Reopened")
        )

    def action_note(self) -> None:
        self._ask_note("Internal note 内部备注", "the note (staff only)", self._comment(False))

    def action_reply(self) -> None:
        self._ask_note(
            "Public reply 回复居民", "the reply the resident will see", self._comment(True)
        )

    def _comment(self, public: bool, guide: GuideHit | None = None) -> Callable[[str], None]:
        def send(text: str) -> None:
            body = CommentIn(text=text, public=public, guide_id=guide.id if guide else None)
            done = "Reply sent to the resident" if public else "Internal note added"
            if guide is not None:
                done += f", linking 《{guide.title}》"
            self.act(lambda: self.client.comment(self.report_id, body), done)

        return send

    def action_reply_guide(self) -> None:
        """Pick a 办事指南 (searched from the report's own words), then write the reply."""
        if self.report is None:
            return

        def picked(guide: GuideHit | None) -> None:
            if guide is None:
                return
            form = NoteForm(
                "Reply with a guide 回复并附办事指南",
                "the reply the resident will see",
                text=f"请参阅办事指南《{guide.title}》。",
            )
            send = self._comment(True, guide)
            self.app.push_screen(form, lambda text: send(text) if text else None)

        self.app.push_screen(GuidePicker(self.client, self.report.title[:40]), picked)

    def action_dispatch_handler(self) -> None:
        h = self.report.handled_by if self.report is not None else None
        if h is None:
            return
        body = HandlerDispatchIn()
        self.act(
            lambda: self.client.dispatch_to_handler(self.report_id, body),
            f"Dispatched to {h.name} 已直派责任单位 (24h)",
        )

    @work(exclusive=True, group="detail-handler")
    async def action_correct_handler(self) -> None:
        try:
            bodies = await self.client.bodies()
        except ApiError as exc:
            self.post_message(ActionDone(self.failed(exc), ok=False))
            return
        h = self.report.handled_by if self.report is not None else None
        body = await self.app.push_screen_wait(HandlerForm(bodies, h.body_id if h else None))
        if body is not None:
            name = next((b.name for b in bodies if b.id == body.body_id), "")
            self.act(lambda: self.client.correct_handler(self.report_id, body), f"Now: {name}")

    def action_reassign(self) -> None:
        if self.report is None:
            return
        form = AssignForm(self.labels, self.report.community_id, self.report.owner_id)

        def got(body: Any) -> None:
            if body is not None:
                who = self.labels.owner(body.owner_id)
                self.act(lambda: self.client.assign(self.report_id, body), f"Reassigned to {who}")

        self.app.push_screen(form, got)

    def action_reclassify(self) -> None:
        if self.report is None:
            return

        def got(body: Any) -> None:
            if body is not None:
                self.act(lambda: self.client.reclassify(self.report_id, body), "Changed")

        self.app.push_screen(
            PatchForm(self.labels, self.report.priority, self.report.category), got
        )

    def action_dispatch(self) -> None:
        def got(body: Any) -> None:
            if body is None:
                return
            where = ", ".join(
                f"{self.labels.department(leg.department_id)} ({leg.due_hours:g}h)"
                for leg in body.legs
            )
            self.act(lambda: self.client.dispatch(self.report_id, body), f"Dispatched to {where}")

        self.app.push_screen(DispatchForm(self.labels), got)

    def action_recall(self) -> None:
        legs = self._live_legs()
        if not legs:
            return

        def got(picked: Any) -> None:
            if picked is None:
                return
            leg_id, body = picked
            name = next(x.department_name for x in legs if x.id == leg_id)
            self.act(
                lambda: self.client.recall_leg(self.report_id, leg_id, body),
                f"Recalled from {name}; you keep the matter 已撤回派单",
            )

        self.app.push_screen(RecallForm(legs), got)

    def action_escalate(self) -> None:
        def got(body: Any) -> None:
            if body is not None:
                self.act(lambda: self.client.meeting(self.report_id, body), "Meeting recorded")

        self.app.push_screen(MeetingForm(self.now().astimezone(self.linli.zone).date()), got)

    def action_merge(self) -> None:
        self.merge_pick()

    @work(exclusive=True, group="detail-dups")
    async def merge_pick(self) -> None:
        try:
            dups = await self.client.duplicates(self.report_id)
        except ApiError:
            dups = []  # the form still takes a number typed in
        survivor = await self.app.push_screen_wait(MergeForm(dups))
        if survivor is None:
            return
        body = TransitionIn(move="merge", survivor_id=survivor)
        self.act(lambda: self.client.move(self.report_id, body), f"Merged into #{survivor}")

    def action_leg_accept(self) -> None:
        leg = self._my_leg("leg_accept")
        if leg is not None:
            self.act(lambda: self.client.accept_leg(self.report_id, leg), "Leg accepted 部门已受理")

    def action_leg_report(self) -> None:
        leg = self._my_leg("leg_report")
        if leg is None:
            return

        def got(body: Any) -> None:
            if body is not None:
                self.act(
                    lambda: self.client.report_leg(self.report_id, leg, body),
                    "Reported back to the owner 已反馈",
                )

        self.app.push_screen(LegReportForm(), got)
