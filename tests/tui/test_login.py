"""Signing in and out of the terminal, resuming a session, and a server that is down."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.support.factories import PASSWORD
from tests.tui.conftest import LiveServer
from tests.tui.pilot import settled, sign_in, until
from tests.tui.test_client import free_port
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen
from tui.widgets.outcome import Outcome
from tui.widgets.status_bar import StatusBar


async def test_sign_in_help_and_sign_out(live_server: LiveServer, token_file: Path) -> None:
    worker = live_server.world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await sign_in(pilot, worker.username, PASSWORD)
        await until(pilot, lambda: app.me is not None, "signed in")
        await settled(pilot, BoardScreen)
        bar = app.screen.query_one(StatusBar)
        assert worker.display_name in bar.who
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600

        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-body Static").render())
        for key in ("F1", "Ctrl+O", "Ctrl+Q"):
            assert key in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "back at sign-in")
        assert app.me is None
        assert TokenStore(token_file).load(live_server.url) is None


async def test_wrong_password_says_so(live_server: LiveServer, token_file: Path) -> None:
    worker = live_server.world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, worker.username, "not the password")
        outcome = app.screen.query_one(Outcome)
        await until(pilot, lambda: "wrong username" in str(outcome.render()), "error shown")
        assert app.me is None


async def test_stored_session_resumes_without_password(
    live_server: LiveServer, token_file: Path
) -> None:
    worker = live_server.world.staff["secretary"]
    first = LinliClient(live_server.url, TokenStore(token_file))
    await first.login(worker.username, PASSWORD)
    await first.aclose()
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.me is not None, "session resumed")
        assert app.me is not None and app.me.id == worker.id
        await settled(pilot, BoardScreen)


async def test_server_down_is_shown_plainly(token_file: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    app = LinliApp(LinliClient(url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "someone", "something")
        outcome = app.screen.query_one(Outcome)
        await until(pilot, lambda: "Cannot reach the server" in str(outcome.render()), "told")
        assert url in str(outcome.render())
