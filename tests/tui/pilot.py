"""Helpers for driving the terminal in tests: wait for real server round-trips, type text."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot

from tui.screens.detail import DetailScreen
from tui.widgets.report_table import ReportTable


async def until(pilot: Pilot, cond: Callable[[], object], what: str, tries: int = 200) -> None:
    """Let workers finish their HTTP calls; fail with ``what`` if it never happens."""
    for _ in range(tries):
        if cond():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


async def type_text(pilot: Pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def sign_in(pilot: Pilot, username: str, password: str) -> None:
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")


async def settled(pilot: Pilot, screen_type: type) -> None:
    """Wait until a screen of this type is current and has laid itself out."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, screen_type), screen_type.__name__)
    await until(pilot, lambda: app.screen.is_mounted and app.screen.size.width > 0, "mounted")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


async def open_from_board(pilot: Pilot, app: App, report_id: int, tab: str) -> None:
    """From the board, open one report by its tab key and wait until it has loaded."""
    await pilot.press(tab)
    table = app.screen.query_one(ReportTable)
    await until(pilot, lambda: report_id in table.reports, f"#{report_id} on the board")
    table.move_cursor(row=table.order.index(report_id))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DetailScreen), "detail open")
    screen = app.screen
    await until(pilot, lambda: screen.report is not None, "report loaded")


KEY_NAMES = {"enter", "slash", "escape", "tab", "up", "down", "left", "right", "space", "ctrl+s"}


def burst(app: App, keys: list[str]) -> None:
    """Send keys the way a fast typist (or a paste into the terminal) does: all at once,
    with no pause for the app to settle between them. Each item is a key name ("enter",
    "slash") or text typed character by character."""
    from textual import events
    from textual.keys import _character_to_key

    driver = app._driver
    assert driver is not None
    for item in keys:
        chars = [(item, None)] if item in KEY_NAMES else [(None, c) for c in item]
        for key, char in chars:
            if key is None:
                assert char is not None
                key = char if char.isalnum() else _character_to_key(char)
            typed = char if char is not None else ("\r" if key == "enter" else None)
            event = events.Key(key, typed)
            event.set_sender(app)
            driver.send_message(event)
