"""Keys typed ahead, sent with no pause between them, go where the typist meant them:
the password into the password field (never shown), a key right after a search's Enter
to the table the Enter moved to, and text right after a form's Tab to the next field."""

from __future__ import annotations

from pathlib import Path

import httpx
from textual.widgets import Input

from tests.support.factories import PASSWORD
from tests.tui.canned import canned_app
from tests.tui.conftest import LiveServer
from tests.tui.pilot import burst, settled, until
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.board import BoardScreen
from tui.screens.handoff_forms import MeetingForm
from tui.screens.login import LoginScreen
from tui.widgets.report_table import ReportTable


async def test_name_enter_password_enter_typed_at_once_signs_in(
    live_server: LiveServer, token_file: Path
) -> None:
    worker = live_server.world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        login = app.screen
        assert isinstance(login, LoginScreen)
        burst(app, [worker.username, "enter", PASSWORD, "enter"])
        await until(pilot, lambda: app.me is not None, "signed in")
        assert login.query_one("#username", Input).value == worker.username
        assert login.query_one("#password", Input).password  # drawn as dots, never clear
        await settled(pilot, BoardScreen)


async def test_a_wrong_password_typed_at_once_stays_out_of_the_name_field(
    live_server: LiveServer, token_file: Path
) -> None:
    worker = live_server.world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        login = app.screen
        burst(app, [worker.username, "enter", "not-the-password", "enter"])
        outcome = login.query_one("#login-outcome")
        await until(pilot, lambda: "wrong username" in str(outcome.render()), "refused")
        assert login.query_one("#username", Input).value == worker.username
        assert app.focused is login.query_one("#password", Input)


async def test_a_key_right_after_a_search_enter_reaches_the_table(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    app = canned_app(tmp_path, seen=seen)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot, BoardScreen)
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: table.row_count == 8, "first page")
        burst(app, ["slash", "漏水", "enter", "a"])

        def accepted() -> bool:
            return any(r.method == "POST" and r.url.path.endswith("/transitions") for r in seen)

        await until(pilot, accepted, "the accept sent")
        assert app.screen.query_one("#search", Input).value == "漏水"
        searched = [r.url.params.get("q") for r in seen if r.url.path == "/api/v1/triage/queue"]
        assert "漏水" in searched
        assert app.focused is table


async def test_text_typed_right_after_a_tab_goes_to_the_next_field(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot, BoardScreen)
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: table.row_count == 8, "first page")
        await pilot.press("down", "enter")
        await until(pilot, lambda: getattr(app.screen, "report", None) is not None, "detail")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, MeetingForm), "escalation form")
        form = app.screen
        date_field = form.query_one("#held-on", Input)
        date_field.focus()
        await pilot.pause()
        typed_date = date_field.value
        burst(app, ["tab", "居委会、物业"])
        participants = form.query_one("#participants", Input)
        await until(pilot, lambda: participants.value == "居委会、物业", "typed after the tab")
        assert date_field.value == typed_date
