"""The key footer: redrawn only when the keys it shows change, and showing only the hints
that fit whole, so a narrow terminal drops the last hints instead of cutting one."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Cells around a hint's key and description ("␣key␣desc␣"), and the palette hint's own
# padding and border, as Footer's default styles draw them.
_KEY_PAD, _DESC_PAD, _PALETTE_EXTRA = 2, 1, 2


def hint_width(key: FooterKey) -> int:
    width = Text(key.key_display).cell_len + _KEY_PAD
    if key.description:
        width += Text(key.description).cell_len + _DESC_PAD
    if key.has_class("-command-palette"):
        width += _PALETTE_EXTRA
    return width


def _always(key: FooterKey) -> bool:
    return key.has_class("-command-palette") or key.action.endswith("show_help")


class KeyFooter(Footer):
    """Textual's footer rebuilds all its key widgets on every focus or stack change, even
    when the visible keys are the same; on a busy screen that is most of the time spent
    drawing. This one compares what it would show and skips identical rebuilds. It also
    lays out only the hints that fit: Textual's clips the one that reaches the palette
    hint mid-word (``f▏^p palette``)."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[tuple[str, str, bool], ...] | None = None
        self._width = 0

    def _signature(self, screen: Screen[object]) -> tuple[tuple[str, str, bool], ...]:
        return tuple(
            (binding.key, binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            signature = self._signature(screen)
            if signature == self._shown:
                self._bindings_ready = True
                return
            self._shown = signature
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        widgets: list[Widget] = list(super().compose())
        self._width = self.size.width or self.app.size.width
        # The help hint stays, like the palette's: it is how a newcomer finds the rest.
        fixed = [w for w in widgets if not isinstance(w, FooterKey) or _always(w)]
        hints = [w for w in widgets if isinstance(w, FooterKey) and w not in fixed]
        room = self._width - sum(hint_width(w) for w in fixed if isinstance(w, FooterKey))
        for hint in hints:
            room -= hint_width(hint)
            if room < 0:
                break  # this hint and the ones after it: whole, or not at all
            yield hint
        yield from fixed

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.refresh(recompose=True)
