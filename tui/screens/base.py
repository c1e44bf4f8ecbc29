"""What every signed-in screen shares: the client, the clock, and how failures are shown."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from schemas.auth import StaffMe
from tui.client import ApiError, LinliClient, ServerUnreachable, SignedOut
from tui.messages import ServerDown
from tui.widgets.outcome import Outcome

if TYPE_CHECKING:
    from tui.app import LinliApp


def failure_text(app: LinliApp, exc: ApiError) -> str:
    """Tell the app about an outage or lost session; return the words to show where it failed."""
    if isinstance(exc, ServerUnreachable):
        app.post_message(ServerDown(exc.plain()))
    elif isinstance(exc, SignedOut):
        app.call_later(app.signed_out, exc.plain())
    return exc.plain()


class LinliScreen(Screen[None]):
    """Base for screens that talk to the server through workers."""

    @property
    def linli(self) -> LinliApp:
        return cast("LinliApp", self.app)

    @property
    def client(self) -> LinliClient:
        return self.linli.client

    @property
    def me(self) -> StaffMe:
        assert self.linli.me is not None
        return self.linli.me

    def now(self) -> datetime:
        return self.linli.clock()

    def failed(self, exc: ApiError) -> str:
        return failure_text(self.linli, exc)

    def say(self, text: str, ok: bool = True) -> None:
        for outcome in self.query(Outcome):
            outcome.say(text, ok)
            return
        self.notify(text, severity="information" if ok else "error")

    def refresh_data(self) -> None:
        """Reload what the screen shows (after a reconnect or sign-in)."""
