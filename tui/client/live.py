"""The live half of the client: the event WebSocket, resumed from the last id after drops."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

from tui.client.backoff import Backoff
from tui.client.errors import ServerUnreachable, SignedOut
from tui.client.http import API, HttpClient

LinkState = Literal["connecting", "live", "down", "signed_out"]


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One event off the wire; ``payload`` keeps whatever the topic carries."""

    id: str
    topic: str
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str | bytes) -> LiveEvent | None:
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(data, dict) or "topic" not in data:
            return None  # pings, hellos and anything unknown are not events
        payload = data.get("payload")
        if not isinstance(payload, dict):
            payload = data.get("data")
        return cls(
            str(data.get("id", "")),
            str(data["topic"]),
            payload if isinstance(payload, dict) else {},
        )

    @property
    def report_id(self) -> int | None:
        rid = self.payload.get("report_id")
        return int(rid) if isinstance(rid, int | str) and str(rid).isdigit() else None


StateHook = Callable[[LinkState, str], None]


class LiveFeed:
    """Yields events forever, reconnecting with backoff; reports link state to a hook."""

    def __init__(self, http: HttpClient, on_state: StateHook, backoff: Backoff | None = None):
        self.http = http
        self.on_state = on_state
        self.backoff = backoff or Backoff()
        self.last_id: str | None = None

    def _url(self, token: str) -> str:
        base = self.http.server.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        query: dict[str, str] = {"token": token}
        if self.last_id:
            query["last_id"] = self.last_id
        return f"{base}{API}/live?{urlencode(query)}"

    def _hello(self, raw: str | bytes) -> None:
        # The hello frame names the id the stream continues from; remembering it means a
        # drop before the first event still resumes without a gap.
        try:
            data = json.loads(raw)
        except ValueError:
            return
        if not isinstance(data, dict) or data.get("type") != "hello":
            return
        if self.last_id is None and data.get("last_id") is not None:
            self.last_id = str(data["last_id"])

    async def events(self) -> AsyncIterator[LiveEvent]:
        while True:
            self.on_state("connecting", "")
            try:
                token = await self.http.access_token()
                async with websockets.connect(
                    self._url(token), open_timeout=5, ping_interval=20, max_size=2**20
                ) as ws:
                    self.backoff.reset()
                    self.on_state("live", "")
                    async for raw in ws:
                        event = LiveEvent.parse(raw)
                        if event is None:
                            self._hello(raw)
                            continue
                        if event.id:
                            self.last_id = event.id
                        yield event
                reason = "the server closed the live feed"
            except SignedOut:
                self.on_state("signed_out", "sign in again to receive live updates")
                return
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status == 401:
                    try:
                        await self.http.renew(token)
                    except SignedOut:
                        self.on_state("signed_out", "sign in again to receive live updates")
                        return
                    except ServerUnreachable as down:
                        reason = down.message
                    else:
                        continue
                else:
                    reason = f"the live feed answered {status}"
            except (OSError, TimeoutError, ConnectionClosed, InvalidURI) as exc:
                reason = str(exc) or type(exc).__name__
            except websockets.exceptions.WebSocketException as exc:
                reason = str(exc) or type(exc).__name__
            delay = self.backoff.next_delay()
            self.on_state("down", f"{reason}; retrying in {delay:.0f}s")
            await asyncio.sleep(delay)
