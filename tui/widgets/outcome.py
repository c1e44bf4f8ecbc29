"""A one-line answer to the last thing the person did: what happened, or what went wrong."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class Outcome(Static):
    """Stays until the next action, unlike a toast, so nothing is missed while typing."""

    DEFAULT_CSS = """
    Outcome { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    Outcome.-ok { color: $success; }
    Outcome.-error { color: $error; text-style: bold; }
    """

    def say(self, text: str, ok: bool = True) -> None:
        self.set_class(ok, "-ok")
        self.set_class(not ok, "-error")
        self.update(Text(("✓ " if ok else "✕ ") + text))

    def clear(self) -> None:
        self.remove_class("-ok", "-error")
        self.update("")
