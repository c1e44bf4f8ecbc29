"""Sign in with a staff username and password; the session is kept for next time."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
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
    """The first screen; Enter moves from the name to the password, then signs in.

    Enter is a priority binding: the app runs it in the order keys were typed, before it
    hands any later key to the focused field. As an ordinary binding it ran only once the
    key had bubbled back up to the app, after the keys typed behind it had already been
    handed to the name field: a quick ``name Enter password Enter`` left the password in
    clear text in the name field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit"),
        Binding("f1", "app.show_help", "Help"),
        Binding("enter", "next_field", "Next", show=False, priority=True),
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

    on_password = False  # Enter has moved on from the name

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#username", Input))

    def on_key(self, event: events.Key) -> None:
        # A character no field took: typed before the name field had focus (the screen
        # was still being set up). It belongs to the field the typist is in.
        if event.is_printable:
            event.stop()
            target = "#password" if self.on_password else "#username"
            self.query_one(target, Input).post_message(events.Key(event.key, event.character))

    def action_next_field(self) -> None:
        name, pw = self.query_one("#username", Input), self.query_one("#password", Input)
        if self.focused is name or (self.focused is None and not self.on_password):
            self.on_password = True
            # At once, not on the next turn (``focus()``): the keys behind this Enter
            # are the password's.
            self.set_focus(pw)
        else:
            # The keys typed before this Enter may still wait in the fields' queues: sign
            # in once both fields have taken theirs.
            name.call_later(pw.call_later, self._submit)

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
        self.set_focus(pw)
