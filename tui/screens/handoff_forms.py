"""Forms that hand a report on: dispatch legs, summons and joint meetings, legs reported."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select, TextArea

from schemas.reports import DispatchIn, LegOut, LegReportIn, MeetingIn, RecallIn
from tui.screens.forms import Form
from tui.widgets.report_table import Labels

LEG_ROWS = 3


class DispatchForm(Form[DispatchIn]):
    """Up to three departments, each with its own deadline in working hours."""

    TITLE_TEXT = "Dispatch 派单"

    def __init__(self, labels: Labels) -> None:
        super().__init__()
        self.departments = [(x.name, x.id) for x in labels.department_list]

    def fields(self) -> ComposeResult:
        if not self.departments:
            yield Label("The department list did not load; press Esc and try again.")
        for i in range(LEG_ROWS):
            with Horizontal(classes="leg-row"):
                yield Select(self.departments, prompt="部门 department", id=f"dept-{i}")
                yield Input(placeholder="hours 时限", id=f"hours-{i}", classes="hours")
        yield Input(placeholder="instructions for the departments 处置要求", id="instructions")

    def on_mount(self) -> None:
        self.query_one("#dept-0", Select).focus()

    def build(self) -> DispatchIn:
        legs: list[dict[str, Any]] = []
        instructions = self.query_one("#instructions", Input).value.strip()
        for i in range(LEG_ROWS):
            dept = self.query_one(f"#dept-{i}", Select).value
            if not isinstance(dept, int):
                continue
            raw = self.query_one(f"#hours-{i}", Input).value.strip() or "24"
            try:
                hours = float(raw)
            except ValueError:
                raise ValueError(f"Row {i + 1}: hours must be a number, not {raw!r}") from None
            legs.append({"department_id": dept, "due_hours": hours, "instructions": instructions})
        if not legs:
            raise ValueError("Choose at least one department")
        if len({leg["department_id"] for leg in legs}) != len(legs):
            raise ValueError("Each department only once")
        return DispatchIn.model_validate({"legs": legs})


class MeetingForm(Form[MeetingIn]):
    """Record a summons (约请) or joint meeting (联席会议): who, when, what was decided."""

    TITLE_TEXT = "Escalate 约请/联席会议"

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def fields(self) -> ComposeResult:
        yield Select(
            [("约请 summons", "summons"), ("联席会议 joint meeting", "joint_meeting")],
            value="summons",
            allow_blank=False,
            id="kind",
        )
        yield Input(self.today.isoformat(), placeholder="date YYYY-MM-DD", id="held-on")
        yield Input(placeholder="participants, separated by 、 or , 参加方", id="participants")
        yield Label("Outcome 结果", classes="form-hint")
        yield TextArea(id="outcome", soft_wrap=True)

    def build(self) -> MeetingIn:
        raw = self.query_one("#participants", Input).value
        people = [p.strip() for p in re.split(r"[,，、;；]", raw) if p.strip()]
        try:
            held = date.fromisoformat(self.query_one("#held-on", Input).value.strip())
        except ValueError:
            raise ValueError("The date must look like 2026-11-27") from None
        return MeetingIn.model_validate(
            {
                "kind": self.query_one("#kind", Select).value,
                "held_on": held,
                "participants": people,
                "outcome": self.query_one("#outcome", TextArea).text.strip(),
            }
        )


class LegReportForm(Form[LegReportIn]):
    """A department officer reports what was done on their leg."""

    TITLE_TEXT = "Report back 反馈结果"

    def fields(self) -> ComposeResult:
        yield Label("What was done 处置结果", classes="form-hint")
        yield TextArea(id="result", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one("#result", TextArea).focus()

    def build(self) -> LegReportIn:
        return LegReportIn(result=self.query_one("#result", TextArea).text.strip())


class RecallForm(Form[tuple[int, RecallIn]]):
    """Take a leg back from a department it should not have gone to; the reason is sent."""

    TITLE_TEXT = "Recall a dispatch leg 撤回派单"

    def __init__(self, legs: list[LegOut]) -> None:
        super().__init__()
        self.legs = [(f"{x.department_name} ({x.status})", x.id) for x in legs]

    def fields(self) -> ComposeResult:
        yield Select(self.legs, value=self.legs[0][1], allow_blank=False, id="leg")
        yield Label("Why 撤回理由 (the department reads it)", classes="form-hint")
        yield TextArea(id="reason", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one("#reason", TextArea).focus()

    def build(self) -> tuple[int, RecallIn]:
        leg = self.query_one("#leg", Select).value
        if not isinstance(leg, int):
            raise ValueError("Choose the leg to recall")
        reason = self.query_one("#reason", TextArea).text.strip()
        if not reason:
            raise ValueError("Say why it is recalled 请填写撤回理由")
        return leg, RecallIn(reason=reason)
