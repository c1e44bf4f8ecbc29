"""Every key of every screen, gathered from the bindings themselves so it cannot drift,
shown as typed and only where this person's role can use it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.key_footer import KeyFooter

# Names a person reads better than the terminal's (or Textual's) own.
_KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "right": "→",
    "left": "←",
    "up": "↑",
    "down": "↓",
}
# Actions only some roles may take, by action name: a screen lists its own in
# ``ROLE_ACTIONS`` and its ``check_action`` uses the same table.
RoleActions = Mapping[str, frozenset[str]]


def _one_key(key: str) -> str:
    *mods, base = key.split("+")
    if base in _KEY_NAMES:
        shown = _KEY_NAMES[base]
    elif base[:1] == "f" and base[1:].isdigit():
        shown = base.upper()
    else:
        typed = format_key(base)  # "left_square_bracket" -> "[", "question_mark" -> "?"
        shown = typed if len(typed) == 1 else base.capitalize()
        if mods and len(shown) == 1:
            shown = shown.upper()
    return "".join(f"{m.capitalize()}+" for m in mods) + shown


def key_label(key: str) -> str:
    """Keys as they are typed: ``[``, ``?``, ``F1``, ``Ctrl+O``, ``Esc``."""
    return " / ".join(_one_key(k.strip()) for k in key.split(","))


def binding_rows(
    bindings: Sequence[BindingType], role: str | None = None, only: RoleActions | None = None
) -> list[tuple[str, str]]:
    """(keys, description) per action, keys of the same action together; actions this
    role may not take are left out."""
    rows: dict[str, tuple[list[str], str]] = {}
    for b in bindings:
        if isinstance(b, Binding):
            key, action, desc = b.key, b.action, b.description
        else:
            key, action, desc = b[0], b[1], b[2] if len(b) > 2 else b[1]
        _, name, _ = parse_action(action)
        if role is not None and only and name in only and role not in only[name]:
            continue
        keys, _ = rows.setdefault(action, ([], desc or "(no description)"))
        keys.append(key_label(key))
    return [(" / ".join(keys), desc) for keys, desc in rows.values()]


class HelpScreen(ModalScreen[None]):
    """Opened with F1 or ?; Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q,question_mark", "dismiss", "Close help")
    ]

    def __init__(
        self,
        sections: list[tuple[str, Sequence[BindingType], RoleActions]],
        role: str | None = None,
    ) -> None:
        super().__init__()
        self.sections = sections
        self.role = role

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Keys 按键\n", style="bold")
        text.append("Every action is also in the command palette (Ctrl+P).\n\n", style="dim")
        for title, bindings, only in self.sections:
            rows = binding_rows(bindings, self.role, only)
            if not rows:
                continue
            text.append(f"{title}\n", style="bold underline")
            for key, desc in rows:
                # Pad by terminal cells, not characters, so Chinese descriptions line up.
                pad = max(1, 16 - Text(key).cell_len)
                text.append(f"  {key}", style="bold cyan")
                text.append(" " * pad + desc + "\n")
            text.append("\n")
        with VerticalScroll(id="help-body"):
            yield Static(text)
        yield KeyFooter()
