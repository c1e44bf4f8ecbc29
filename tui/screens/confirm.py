"""Asking before undoing recorded work: y goes ahead; n, Esc or Enter leave it as it is."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.widgets.key_footer import KeyFooter


class Confirm(ModalScreen[bool]):
    """Answers True only for y (or the Yes button): an Enter typed out of habit, which
    lands on the focused No, keeps what is recorded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes 确定"),
        Binding("n,escape", "answer(False)", "No 取消"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.title_text, classes="form-title")
            yield Static(self.question, id="confirm-question")
            with Horizontal(classes="form-buttons"):
                yield Button("Yes y", variant="error", id="yes", compact=True)
                yield Button("No n", id="no", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)
