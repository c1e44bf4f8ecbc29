"""Small modal forms for report actions; each returns a validated request body or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from schemas.reports import AssignIn, DuplicateOut, PriorityName, ReportPatch, StatusName
from tui.widgets.cells import PRIORITY, STATUS, status_text
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.report_table import Labels

R = TypeVar("R")
T = TypeVar("T")


def plain_validation(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


class Form(ModalScreen[R | None], Generic[R]):
    """Ctrl+S submits, Esc cancels; input errors are shown in the form, never lost."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit"),
        Binding("escape", "cancel", "Cancel"),
        # Priority, so Tab runs in typing order: an ordinary Tab moves the focus only once
        # it has bubbled up to the app, and the text typed right behind it went into the
        # field it was leaving.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]
    TITLE_TEXT = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.TITLE_TEXT, classes="form-title")
            yield from self.fields()
            yield Outcome(classes="form-outcome")
            with Horizontal(classes="form-buttons"):
                yield Button("Submit ^S", variant="primary", id="submit", compact=True)
                yield Button("Cancel Esc", id="cancel", compact=True)
        yield KeyFooter()

    def fields(self) -> ComposeResult:
        yield from ()

    def build(self) -> R:
        raise NotImplementedError

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        self.submit()

    def submit(self) -> None:
        """Hand what was typed back to the screen that opened the form. A form that sends
        it to the server itself overrides this, so that an error leaves it open."""
        value = self.checked(self.build)
        if value is not None:
            self.dismiss(value)

    def checked(self, build: Callable[[], T]) -> T | None:
        """What ``build`` makes of the fields, or None with its complaint shown here."""
        try:
            return build()
        except ValidationError as exc:
            self.query_one(Outcome).say(plain_validation(exc), ok=False)
        except ValueError as exc:
            self.query_one(Outcome).say(str(exc), ok=False)
        return None

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Filters:
    """The board's filters beyond its tab and search; None means any."""

    priority: PriorityName | None = None
    status: StatusName | None = None
    category: str | None = None

    def describe(self, labels: Labels) -> Text:
        def part(name: str, value: str | None) -> Text:
            return Text.assemble((f"{name} ", "dim"), (value or "全部", "bold" if value else ""))

        prio = PRIORITY[self.priority][0] if self.priority else None
        status = STATUS[self.status][0] if self.status else None
        cat = labels.category(self.category) if self.category else None
        return Text("  ").join(
            [part("级", prio), part("状态", status), part("类别", cat), Text("f 筛选", "dim")]
        )


class FilterForm(Form[Filters]):
    """Choose priority, status and category; a blank choice means any."""

    TITLE_TEXT = "Filter 筛选"

    def __init__(self, current: Filters, labels: Labels) -> None:
        super().__init__()
        self.current = current
        self.labels = labels

    def fields(self) -> ComposeResult:
        c = self.current
        yield Label("Priority 优先级", classes="form-hint")
        yield Select(
            [(label, key) for key, (label, _) in PRIORITY.items()],
            value=c.priority or Select.NULL,
            prompt="全部 any",
            id="priority",
        )
        yield Label("Status 状态", classes="form-hint")
        yield Select(
            [(label, key) for key, (label, _) in STATUS.items()],
            value=c.status or Select.NULL,
            prompt="全部 any",
            id="status",
        )
        yield Label("Category 类别", classes="form-hint")
        yield Select(
            [(x.name, x.code) for x in self.labels.category_list],
            value=c.category or Select.NULL,
            prompt="全部 any",
            id="category",
        )

    def on_mount(self) -> None:
        self.query_one("#priority", Select).focus()

    def build(self) -> Filters:
        def value(wid: str) -> Any:
            v = self.query_one(wid, Select).value
            return v if isinstance(v, str) else None

        return Filters(value("#priority"), value("#status"), value("#category"))


class NoteForm(Form[str]):
    """A note for moves and comments; ``need`` says what the note must contain."""

    def __init__(self, title: str, need: str, *, required: bool = True, text: str = "") -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.need = need
        self.required = required
        self.text = text

    def fields(self) -> ComposeResult:
        yield Label(self.need, classes="form-hint")
        yield TextArea(self.text, id="note", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    def build(self) -> str:
        text = self.query_one("#note", TextArea).text.strip()
        if self.required and not text:
            raise ValueError(f"Please write {self.need}")
        if len(text) > 1000:
            raise ValueError(f"Too long: {len(text)} characters, at most 1000")
        return text


class AssignForm(Form[AssignIn]):
    TITLE_TEXT = "Reassign 改派负责人"

    def __init__(self, labels: Labels, community_id: int, current: int | None) -> None:
        super().__init__()
        self.choices = [
            (f"{s.display_name} ({s.role})", s.id)
            for s in labels.staff_list
            if s.community_id == community_id
            and s.role in ("worker", "secretary")
            and s.id != current
        ]

    def fields(self) -> ComposeResult:
        yield Select(self.choices, prompt="new owner 新负责人", id="owner")
        yield Input(placeholder="why 原因 (required)", id="note")

    def build(self) -> AssignIn:
        owner = self.query_one("#owner", Select).value
        if not isinstance(owner, int):
            raise ValueError("Choose the new owner")
        return AssignIn(owner_id=owner, note=self.query_one("#note", Input).value)


class PatchForm(Form[ReportPatch]):
    TITLE_TEXT = "Priority and category 优先级/类别"

    def __init__(self, labels: Labels, priority: str, category: str) -> None:
        super().__init__()
        self.labels = labels
        self.priority = priority
        self.category = category

    def fields(self) -> ComposeResult:
        yield Select(
            [(label, key) for key, (label, _) in PRIORITY.items()],
            value=self.priority,
            allow_blank=False,
            id="priority",
        )
        cats = [(c.name, c.code) for c in self.labels.category_list] or [
            (self.category, self.category)
        ]
        yield Select(cats, value=self.category, allow_blank=False, id="category")
        yield Input(placeholder="why 原因 (required)", id="note")

    def build(self) -> ReportPatch:
        prio = self.query_one("#priority", Select).value
        cat = self.query_one("#category", Select).value
        body: dict[str, Any] = {"note": self.query_one("#note", Input).value}
        if prio != self.priority:
            body["priority"] = prio
        if cat != self.category:
            body["category"] = cat
        if len(body) == 1:
            raise ValueError("Nothing changed")
        return ReportPatch.model_validate(body)


class MergeForm(Form[int]):
    """Pick the report this one duplicates; the survivor keeps every reporter informed."""

    TITLE_TEXT = "Merge into 合并到"

    def __init__(self, duplicates: list[DuplicateOut]) -> None:
        super().__init__()
        self.duplicates = duplicates

    def fields(self) -> ComposeResult:
        if not self.duplicates:
            yield Label("No likely duplicates were found.", classes="form-hint")
        opts = [
            Option(
                f"#{d.id} {d.title} · {status_text(d.status)} · {d.distance_m:.0f} m", id=str(d.id)
            )
            for d in self.duplicates
        ]
        yield OptionList(*opts, id="dups")
        yield Input(placeholder="or a report number 单号", id="other")

    def build(self) -> int:
        typed = self.query_one("#other", Input).value.strip().lstrip("#")
        if typed:
            if not typed.isdigit():
                raise ValueError("A report number is digits only")
            return int(typed)
        opts = self.query_one("#dups", OptionList)
        if opts.highlighted is None:
            raise ValueError("Choose the report to merge into")
        option_id = opts.get_option_at_index(opts.highlighted).id
        assert option_id is not None
        return int(option_id)
