"""Every key of every screen, gathered from the bindings themselves so it cannot drift."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.key_footer import KeyFooter

_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "right": "→",
    "left": "←",
}


def key_label(key: str) -> str:
    parts = []
    for k in key.split(","):
        k = k.strip()
        k = _KEY_NAMES.get(k, k)
        parts.append(
            k.replace("ctrl+", "Ctrl+").replace("shift+", "Shift+").upper()
            if k.startswith(("f", "ctrl", "shift")) and len(k) > 1
            else k
        )
    return " / ".join(parts)


def binding_rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for b in bindings:
        if isinstance(b, Binding):
            key, desc = b.key, b.description
        else:
            key, desc = b[0], b[2] if len(b) > 2 else b[1]
        rows.append((key_label(key), desc or "(no description)"))
    return rows


class HelpScreen(ModalScreen[None]):
    """Opened with F1 or ?; Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close help")]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Keys 按键\n", style="bold")
        text.append("Every action is also in the command palette (Ctrl+P).\n\n", style="dim")
        for title, bindings in self.sections:
            text.append(f"{title}\n", style="bold underline")
            for key, desc in binding_rows(bindings):
                # Pad by terminal cells, not characters, so Chinese descriptions line up.
                pad = max(1, 16 - Text(key).cell_len)
                text.append(f"  {key}", style="bold cyan")
                text.append(" " * pad + desc + "\n")
            text.append("\n")
        with VerticalScroll(id="help-body"):
            yield Static(text)
        yield KeyFooter()
