"""Log one visit to a household: channel, outcome, notes and the needs found."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from textual.app import ComposeResult
from textual.widgets import Input, Label, Select, TextArea

from schemas.visits import DueItem, VisitSyncItem
from tui.screens.forms import Form

CHANNELS = [("上门 door", "door"), ("电话 phone", "phone"), ("视频 video", "video")]
OUTCOMES = [
    ("见到 met", "met"),
    ("不在家 not home", "not_home"),
    ("拒绝 refused", "refused"),
    ("已搬走 moved away", "moved_away"),
]


def address(item: DueItem) -> str:
    return f"{item.estate} {item.building} {item.unit}单元 {item.room}室"


class VisitForm(Form[VisitSyncItem]):
    """The visit's id is made here, so sending it twice can never log it twice."""

    def __init__(self, item: DueItem, now: datetime) -> None:
        super().__init__()
        self.item = item
        self.now = now
        self.visit_id = uuid.uuid4()
        self.TITLE_TEXT = f"Log a visit 走访记录 · {address(item)}"

    def fields(self) -> ComposeResult:
        who = self.item.head or "—"
        yield Label(f"{who} · {' '.join(self.item.groups)}", classes="form-hint")
        yield Select(CHANNELS, value="door", allow_blank=False, id="channel")
        yield Select(OUTCOMES, value="met", allow_blank=False, id="outcome")
        yield Input("20", placeholder="minutes 时长(分钟)", id="minutes")
        yield Input(placeholder="needs found 发现需求 (e.g. 助餐、维修)", id="needs")
        yield Label("Notes 记录", classes="form-hint")
        yield TextArea(id="notes", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one("#notes", TextArea).focus()

    def build(self) -> VisitSyncItem:
        raw = self.query_one("#minutes", Input).value.strip() or "0"
        if not raw.isdigit() or int(raw) > 600:
            raise ValueError("Minutes must be a whole number up to 600")
        minutes = int(raw)
        needs = [
            n.strip()
            for n in re.split(r"[,，、;；\s]+", self.query_one("#needs", Input).value)
            if n.strip()
        ]
        started = self.now - timedelta(minutes=minutes)
        return VisitSyncItem.model_validate(
            {
                "id": self.visit_id,
                "household_id": self.item.household_id,
                "started_at": started,
                "ended_at": self.now,
                "channel": self.query_one("#channel", Select).value,
                "outcome": self.query_one("#outcome", Select).value,
                "notes": self.query_one("#notes", TextArea).text.strip(),
                "needs": needs,
            }
        )
