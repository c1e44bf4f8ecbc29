"""Helpers for driving the terminal in tests: wait for real server round-trips, type text."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot


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
