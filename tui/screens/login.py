"""Sign in with a staff username and password; the session is kept for next time."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label

from tui.client import ApiError
from tui.messages import SignedIn, SignInFailed
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome


class LoginScreen(Screen[None]):
    """The first screen; Enter moves from the name to the password, then signs in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit"),
        Binding("f1", "app.show_help", "Help"),
    ]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Label("邻里 Linli · staff sign-in", id="login-title")
            yield Label(self.app.client.server, id="login-server")  # type: ignore[attr-defined]
            yield Input(placeholder="username 用户名", id="username")
            yield Input(placeholder="password 密码", password=True, id="password")
            yield Button("Sign in", variant="primary", id="sign-in")
            yield Outcome(id="login-outcome")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    @on(Input.Submitted, "#username")
    def _next(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def _submit(self) -> None:
        user = self.query_one("#username", Input).value.strip()
        pw = self.query_one("#password", Input).value
        if not user or not pw:
            self.query_one(Outcome).say("Enter your username and password", ok=False)
            return
        self.query_one(Outcome).say("Signing in…")
        self.sign_in(user, pw)

    @work(exclusive=True, group="login")
    async def sign_in(self, username: str, password: str) -> None:
        try:
            me = await self.app.client.login(username, password)  # type: ignore[attr-defined]
        except ApiError as exc:
            self.post_message(SignInFailed(exc.plain()))
        else:
            self.post_message(SignedIn(me))

    def on_sign_in_failed(self, msg: SignInFailed) -> None:
        self.query_one(Outcome).say(msg.text, ok=False)
        pw = self.query_one("#password", Input)
        pw.value = ""
        pw.focus()
