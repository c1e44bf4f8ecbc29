"""The top line: who is signed in, which server, and whether the live feed is connected."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

_LINK = {
    "live": ("● live", "status-live"),
    "connecting": ("◌ connecting", "status-connecting"),
    "down": ("✕ offline", "status-down"),
    "signed_out": ("✕ signed out", "status-down"),
    "idle": ("○ not connected", "status-connecting"),
}


class StatusBar(Widget):
    """One row; the link state is coloured so a glance tells whether the board is live."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    StatusBar.-down { background: $error 40%; }
    """

    who: reactive[str] = reactive("")
    where: reactive[str] = reactive("")
    link: reactive[str] = reactive("idle")
    detail: reactive[str] = reactive("")

    def on_mount(self) -> None:
        # A screen opened later starts with what the app already knows about the link.
        state = getattr(self.app, "status_state", None)
        if state is not None:
            self.who, self.link, self.detail = state

    def render(self) -> Text:
        label, _ = _LINK.get(self.link, _LINK["idle"])
        style = {"live": "bold green", "connecting": "yellow"}.get(self.link, "bold red")
        left = Text.assemble(("邻里 Linli", "bold"), "  ", self.who)
        right = Text.assemble((label, style))
        if self.detail:
            right.append(f" {self.detail}", style="dim" if self.link != "down" else "")
        width = self.size.width - 2 if self.size.width else 78
        gap = width - left.cell_len - right.cell_len
        if gap < 1:
            # Narrow terminal: the link state matters more than the name, so the name yields.
            left.truncate(max(0, width - right.cell_len - 1), overflow="ellipsis")
            gap = max(1, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right)

    def watch_link(self, link: str) -> None:
        self.set_class(link in ("down", "signed_out"), "-down")
