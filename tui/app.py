"""The staff terminal: modes for each desk task, global keys, sign-in and the live feed."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal

from schemas.auth import StaffMe
from tui.client import ApiError, Backoff, LinkState, LinliClient, LiveEvent
from tui.messages import (
    LinkChanged,
    LiveArrived,
    ServerDown,
    ServerUp,
    SessionUnresumed,
    SignedIn,
)
from tui.screens import registry
from tui.screens.help import HelpScreen, RoleActions
from tui.screens.login import LoginScreen

# Imported at start, not when the first photo opens: it asks the terminal what pictures it
# can draw, which only works before Textual takes over the terminal's input.
from tui.widgets.photo import ImageMode
from tui.widgets.status_bar import StatusBar

Clock = Callable[[], datetime]
STYLES = Path(__file__).parent / "styles"


def _now() -> datetime:
    return datetime.now(UTC)


class LinliApp(App[None]):
    """Thin: picks the screen for each task; the screens do the work."""

    TITLE = "邻里 Linli"
    CSS_PATH: ClassVar = [STYLES / "app.tcss"]
    MODES: ClassVar = {"login": LoginScreen}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "show_help", "Help"),
        Binding("question_mark", "show_help", "Help", show=False),
        # Desk keys stay out of the footer (Help and the palette list them) so each screen's
        # own keys get the room, which matters at 80 columns.
        *[Binding(m.key, f"go('{m.mode}')", m.label, show=False) for m in registry.WORK_MODES],
        Binding("ctrl+o", "sign_out", "Sign out", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        client: LinliClient,
        *,
        clock: Clock | None = None,
        live: bool = True,
        owns_client: bool = False,
        images: ImageMode = "auto",
    ) -> None:
        super().__init__()
        self.owns_client = owns_client
        self.client = client
        self.clock: Clock = clock or _now
        # Deadlines and ages are shown in the community's zone whatever the desk's TZ is.
        self.zone = ZoneInfo("Asia/Shanghai")
        self.me: StaffMe | None = None
        self.live_enabled = live
        self.images = images
        self.link: LinkState | str = "idle"
        self.live_signal: Signal[LiveEvent] = Signal(self, "live")
        self.reconnect_backoff = Backoff()
        self.live_backoff = Backoff()
        self.status_state: tuple[str, str, str] = (client.server, "idle", "")

    # -- start and sign-in ---------------------------------------------------
    def on_mount(self) -> None:
        # Everything alive now (the imported modules, most of the heap) lives as long as
        # the terminal: keep it out of the cycle collector's full passes, which otherwise
        # walk it all and stall keys for 100 ms and more on a busy desk machine.
        gc.freeze()
        # With a stored session the sign-in screen is skipped unless resuming fails.
        if self.client.tokens is not None:
            self.resume_session()
        else:
            self.switch_mode("login")

    async def on_unmount(self) -> None:
        gc.unfreeze()
        if self.owns_client:
            await self.client.aclose()

    @work(exclusive=True, group="session")
    async def resume_session(self) -> None:
        try:
            me = await self.client.resume()
        except ApiError as exc:
            self.post_message(SessionUnresumed(exc.plain()))
            self.post_message(ServerDown(exc.plain()))
            return
        if me is None:
            self.post_message(SessionUnresumed("Your session has ended; please sign in again"))
        else:
            self.post_message(SignedIn(me))

    @on(SessionUnresumed)
    async def _unresumed(self, msg: SessionUnresumed) -> None:
        await self.switch_mode("login")
        self.screen.query_one("#login-outcome").say(msg.text, ok=False)  # type: ignore[attr-defined]

    @on(SignedIn)
    async def _signed_in(self, msg: SignedIn) -> None:
        self.me = msg.me
        for m in self.allowed_modes():
            if m.mode not in self._modes:
                self.add_mode(m.mode, m.screen)
        await self.switch_mode(registry.WORK_MODES[0].mode)
        self.update_status()
        if self.live_enabled:
            self.run_live()

    def allowed_modes(self) -> list[registry.WorkMode]:
        if self.me is None:
            return []
        return [m for m in registry.WORK_MODES if m.roles is None or self.me.role in m.roles]

    async def signed_out(self, text: str = "") -> None:
        self.workers.cancel_group(self, "live")
        self.me = None
        self.link = "idle"
        await self.switch_mode("login")
        for m in registry.WORK_MODES:
            if m.mode in self._modes:
                await self.remove_mode(m.mode)
        if text:
            self.screen.query_one("#login-outcome").say(text, ok=False)  # type: ignore[attr-defined]

    # -- connection state ----------------------------------------------------
    @work(exclusive=True, group="live")
    async def run_live(self) -> None:
        def on_state(state: LinkState, detail: str) -> None:
            self.post_message(LinkChanged(state, detail))

        feed = self.client.live(on_state, self.live_backoff)
        async for event in feed.events():
            self.post_message(LiveArrived(event))

    @on(LiveArrived)
    def _live(self, msg: LiveArrived) -> None:
        self.live_signal.publish(msg.event)

    @on(LinkChanged)
    def _link(self, msg: LinkChanged) -> None:
        self.link = msg.state
        self.update_status(msg.detail)
        if msg.state == "live":
            self.reconnect_backoff.reset()

    @on(ServerDown)
    def _down(self, msg: ServerDown) -> None:
        self.link = "down"
        self.update_status(msg.text)
        self.wait_for_server()

    @work(exclusive=True, group="health")
    async def wait_for_server(self) -> None:
        import asyncio

        while not await self.client.healthy():
            delay = self.reconnect_backoff.next_delay()
            self.post_message(LinkChanged("down", f"server unreachable; retrying in {delay:.0f}s"))
            await asyncio.sleep(delay)
        self.post_message(ServerUp())

    @on(ServerUp)
    def _up(self) -> None:
        self.reconnect_backoff.reset()
        if self.me is None:
            self.link = "idle"
            self.update_status()
            if self.client.tokens is not None:
                self.resume_session()
            return
        self.link = "connecting"
        self.update_status("server is back")
        for stack in self._screen_stacks.values():
            for screen in stack:
                reload = getattr(screen, "refresh_data", None)
                if reload is not None:
                    reload()

    def update_status(self, detail: str = "") -> None:
        who = f"{self.me.display_name} · {self.me.role}" if self.me else self.client.server
        self.status_state = (who, str(self.link), detail)
        for stack in self._screen_stacks.values():
            for screen in stack:
                for bar in screen.query(StatusBar):
                    bar.who, bar.link, bar.detail = self.status_state

    # -- global actions ------------------------------------------------------
    def action_show_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        allowed = {m.mode for m in self.allowed_modes()}
        everywhere = [
            b
            for b in self.BINDINGS
            if not (isinstance(b, Binding) and b.action.startswith("go("))
            or any(f"'{mode}'" in b.action for mode in allowed)
        ]
        sections: list[tuple[str, Sequence[BindingType], RoleActions]] = [
            ("Everywhere 全局", everywhere, {})
        ]
        for title, cls in registry.help_sections(None if self.me is None else allowed):
            sections.append((title, cls.BINDINGS, getattr(cls, "ROLE_ACTIONS", {})))
        self.push_screen(HelpScreen(sections, None if self.me is None else self.me.role))

    async def action_sign_out(self) -> None:
        if self.me is None:
            return
        await self.client.logout()
        await self.signed_out("Signed out")

    def action_go(self, mode: str) -> None:
        if mode in self._modes and self.me is not None:
            self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys for desks this person cannot use are hidden, not just refused.
        if action == "go":
            return self.me is not None and parameters[0] in self._modes
        if action == "sign_out":
            return self.me is not None
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Every binding of the current screen and the app is also a palette command.
        seen: set[str] = set()
        for node, bindings in ((screen, screen.BINDINGS), (self, self.BINDINGS)):
            for b in bindings:
                if not isinstance(b, Binding) or not b.description or b.action in seen:
                    continue
                _, name, params = parse_action(b.action)
                if not node.check_action(name, params):
                    continue  # the same keys the footer hides: not possible here now
                seen.add(b.action)
                yield SystemCommand(b.description, f"key: {b.key}", _runner(node, b.action))
        yield from super().get_system_commands(screen)


def _runner(node: App[None] | Screen[None], action: str) -> Callable[[], object]:
    async def run() -> None:
        await node.run_action(action)

    return run
