"""The typed client the screens use: one method per server operation they need."""

from __future__ import annotations

from tui.client.backoff import Backoff
from tui.client.http import HttpClient
from tui.client.live import LiveFeed, StateHook


class LinliClient(HttpClient):
    """HTTP calls by name, plus the live feed; screens never build URLs themselves."""

    def live(self, on_state: StateHook, backoff: Backoff | None = None) -> LiveFeed:
        return LiveFeed(self, on_state, backoff)
